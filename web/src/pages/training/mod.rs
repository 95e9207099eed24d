//! The training programme: a month's calendar of sessions, the courses with their figures, and
//! (for those who plan) the list of topics. A course's own page has its sessions and enrolments.

use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::A;
use lumit_shared::permission::Action;
use lumit_shared::training::{Course, OfficeKind, PlaceKind, Session, Topic};

use crate::api::{self};
use crate::components::{Empty, ErrorView, Loading, MoreButton, Paged, SelectField};
use crate::i18n::{fmt_int, text, use_i18n, Lang};
use crate::pages::requests::{fmt_date, today};
use crate::session::use_session;

mod attendance;
mod certificates;
mod course_form;
mod course_page;
mod enrol;
mod questionnaire;
mod topics;

pub use attendance::SessionAttendancePage;
pub use certificates::CheckPage;
pub use course_form::{EditCourse, NewCourse};
pub use course_page::CoursePage;
pub use questionnaire::QuestionnairePage;

/// Whether the person may do this, read from the session itself: a signal derived in a page
/// would be gone while the page is taken down at logout, and reading it then panics.
fn may(action: Action) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let s = use_session();
    move || s.role().is_some_and(|r| action.allowed_for(r))
}

/// The text key of an office kind.
pub fn office_key(k: OfficeKind) -> crate::i18n::Key {
    match k {
        OfficeKind::Registry => k!("tr.office.registry"),
        OfficeKind::SocialServices => k!("tr.office.social_services"),
        OfficeKind::Prefettura => k!("tr.office.prefettura"),
        OfficeKind::Questura => k!("tr.office.questura"),
        OfficeKind::Health => k!("tr.office.health"),
        OfficeKind::School => k!("tr.office.school"),
        OfficeKind::Other => k!("tr.office.other"),
    }
}

/// The text key of a kind of place.
pub fn place_key(k: PlaceKind) -> crate::i18n::Key {
    match k {
        PlaceKind::Office => k!("tr.place.office"),
        PlaceKind::Address => k!("tr.place.address"),
        PlaceKind::Online => k!("tr.place.online"),
    }
}

/// A topic's name in the language.
pub fn topic_name(lang: Lang, topics: &[Topic], id: &str) -> String {
    topics
        .iter()
        .find(|t| t.id == id)
        .map(|t| {
            if lang == Lang::It {
                t.name_it.clone()
            } else {
                t.name_en.clone()
            }
        })
        .unwrap_or_else(|| id.to_owned())
}

/// Minutes as hours, `2,5` / `2.5`.
pub fn fmt_hours(lang: Lang, minutes: i64) -> String {
    let h = minutes as f64 / 60.0;
    let s = if minutes % 60 == 0 {
        format!("{}", minutes / 60)
    } else {
        format!("{h:.1}")
    };
    if lang == Lang::It {
        s.replace('.', ",")
    } else {
        s
    }
}

/// Where a session is, in words: the office's name and room, the address, or "online".
pub fn place_text(lang: Lang, s: &Session, office_name: impl Fn(&str) -> String) -> String {
    let room = s
        .room
        .as_ref()
        .map(|r| format!(", {r}"))
        .unwrap_or_default();
    match s.place_kind {
        PlaceKind::Office => format!(
            "{}{room}",
            office_name(s.municipality_id.as_deref().unwrap_or(""))
        ),
        PlaceKind::Address => format!("{}{room}", s.address.clone().unwrap_or_default()),
        PlaceKind::Online => text(lang, k!("tr.place.online")).to_owned(),
    }
}

/// `20/01/2027 09:00–13:00`.
pub fn fmt_session_time(s: &Session) -> String {
    format!(
        "{} {}–{}",
        fmt_date(s.starts_at.date()),
        s.starts_at.format("%H:%M"),
        s.ends_at.format("%H:%M")
    )
}

/// The topics, for names and choices.
pub fn load_topics() -> LocalResource<Vec<Topic>> {
    LocalResource::new(|| async { api::training::topics().await.unwrap_or_default() })
}

/// The programme page.
#[component]
pub fn Programme() -> impl IntoView {
    let i = use_i18n();
    let planner = may(Action::PlanTraining);
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t(k!("tr.title"))}</h1>
            <Show when=planner>
                <A href="/training/courses/new" attr:class="btn btn-primary">{move || i.t(k!("tr.new_course"))}</A>
            </Show>
        </div>
        <p class="lead">{move || i.t(k!("tr.intro"))}</p>
        <MonthCalendar />
        <CourseList />
        <Show when=planner>
            <topics::Topics />
        </Show>
    }
}

/// A month of sessions, day by day, with the previous and next month.
#[component]
fn MonthCalendar() -> impl IntoView {
    let i = use_i18n();
    let first = RwSignal::new(today().with_day(1).unwrap_or_else(today));
    let sessions = LocalResource::new(move || {
        let from = first.get();
        let to = from + Months::new(1) - chrono::Duration::days(1);
        async move { api::training::sessions_between(from, to).await }
    });
    let month_name = move || {
        let d = first.get();
        let names_it = [
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ];
        let names_en = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let idx = d.month0() as usize;
        match i.lang.get() {
            Lang::It => format!("{} {}", names_it[idx], d.year()),
            Lang::En => format!("{} {}", names_en[idx], d.year()),
        }
    };
    let days = move |list: Vec<Session>| {
        let mut out: Vec<(NaiveDate, Vec<Session>)> = Vec::new();
        for s in list {
            let d = s.starts_at.date();
            match out.last_mut() {
                Some((day, v)) if *day == d => v.push(s),
                _ => out.push((d, vec![s])),
            }
        }
        out
    };
    view! {
        <section class="card" aria-labelledby="calendar-title">
            <div class="page-head">
                <h2 id="calendar-title">{move || i.t(k!("tr.calendar"))} ": " <span aria-live="polite">{month_name}</span></h2>
                <div class="actions">
                    <button type="button" class="btn" on:click=move |_| first.update(|d| *d = *d - Months::new(1))>{move || i.t(k!("tr.prev_month"))}</button>
                    <button type="button" class="btn" on:click=move |_| first.update(|d| *d = *d + Months::new(1))>{move || i.t(k!("tr.next_month"))}</button>
                </div>
            </div>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || sessions.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p>{move || i.t(k!("tr.month_empty"))}</p> }.into_any(),
                    Ok(list) => view! {
                        <ol class="day-list">
                            {days(list).into_iter().map(|(day, v)| view! {
                                <li>
                                    <h3 class="day-head">{fmt_date(day)}</h3>
                                    <ul>
                                        {v.into_iter().map(|s| view! {
                                            <li>
                                                <span class="time">{format!("{}–{}", s.starts_at.format("%H:%M"), s.ends_at.format("%H:%M"))}</span>" "
                                                <A href=format!("/training/courses/{}", s.course_id)>{s.course_title.clone()}</A>
                                                " · "{move || i.t(place_key(s.place_kind))}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| sessions.refetch()) /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// The courses by title, with dates, hours and places; filtered by topic.
#[component]
fn CourseList() -> impl IntoView {
    let i = use_i18n();
    let topics = load_topics();
    let topic = RwSignal::new(String::new());
    let list = Paged::<Course>::new();
    let (items, loading, error) = (list.items, list.loading, list.error);
    let load = move |reset: bool| {
        let mut path = api::training::courses().with_raw("limit", "50");
        let t = topic.get_untracked();
        if !t.is_empty() {
            path = path.with("topic_id", &t);
        }
        list.load(path, !reset);
    };
    load(true);
    Effect::new(move |prev: Option<()>| {
        topic.track();
        if prev.is_some() {
            load(true);
        }
    });
    let topic_options = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, k!("tr.all_topics")).to_owned())];
        v.extend(topics.get().unwrap_or_default().into_iter().map(|t| {
            let name = if lang == Lang::It {
                t.name_it
            } else {
                t.name_en
            };
            (t.id, name)
        }));
        v
    });
    let name_of = move |id: &str| topic_name(i.lang.get(), &topics.get().unwrap_or_default(), id);
    view! {
        <section aria-labelledby="courses-title">
            <h2 id="courses-title">{move || i.t(k!("tr.courses"))}</h2>
            <div class="filters">
                <SelectField id="topic-filter" label=k!("tr.topic") value=topic options=topic_options />
            </div>
            {move || error.get().map(|e| view! { <ErrorView error=e retry=Callback::new(move |_| load(true)) /> })}
            <Show when=move || !items.with(Vec::is_empty) fallback=move || view! { <Show when=move || !loading.get() fallback=|| view! { <Loading /> }><Empty /></Show> }>
                <table class="table">
                    <caption class="visually-hidden">{move || i.t(k!("tr.courses"))}</caption>
                    <thead><tr>
                        <th scope="col">{move || i.t(k!("tr.course_title"))}</th>
                        <th scope="col">{move || i.t(k!("tr.topic"))}</th>
                        <th scope="col">{move || i.t(k!("tr.dates"))}</th>
                        <th scope="col" class="num">{move || i.t(k!("tr.planned_hours"))}</th>
                        <th scope="col" class="num">{move || i.t(k!("tr.enrolled"))}</th>
                        <th scope="col" class="num">{move || i.t(k!("tr.waiting"))}</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || items.get() key=|c| c.id.clone() let:c>
                            <tr>
                                <td><A href=format!("/training/courses/{}", c.id)>{c.title.clone()}</A></td>
                                <td>{ let t = c.topic_id.clone(); move || name_of(&t) }</td>
                                <td>{match (c.first_day, c.last_day) {
                                    (Some(a), Some(b)) if a == b => fmt_date(a),
                                    (Some(a), Some(b)) => format!("{} – {}", fmt_date(a), fmt_date(b)),
                                    _ => "—".to_owned(),
                                }}</td>
                                <td class="num">{move || fmt_hours(i.lang.get(), c.planned_minutes)}</td>
                                <td class="num">{move || match c.capacity {
                                    Some(cap) => format!("{} / {}", fmt_int(i.lang.get(), c.enrolled), fmt_int(i.lang.get(), cap)),
                                    None => fmt_int(i.lang.get(), c.enrolled),
                                }}</td>
                                <td class="num">{move || fmt_int(i.lang.get(), c.waiting)}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
            <MoreButton more=Signal::derive(move || list.has_more()) loading=loading on_more=Callback::new(move |_| load(false)) />
        </section>
    }
}
