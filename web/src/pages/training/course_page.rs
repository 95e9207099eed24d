//! A course's page: what it is, its figures, its sessions (and a form for another), and who is
//! enrolled (with the form to enrol a colleague).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lumit_shared::permission::Action;
use lumit_shared::training::{NewSession, PlaceKind};
use lumit_shared::FieldError;

use super::enrol::Enrolments;
use super::{
    fmt_hours, fmt_session_time, load_topics, may, office_key, place_key, place_text, topic_name,
};
use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, DateField, ErrorView, FormStatus, Loading, PdfButton, SelectField,
    TextField,
};
use crate::i18n::{fmt_int, text, use_i18n};
use crate::pages::municipalities::all_municipalities;
use crate::pages::new_request::date;
use crate::pages::requests::{fmt_date, now_local};

/// The course page.
#[component]
pub fn CoursePage() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    // Bumped after every change, so the figures, sessions and lists are read again.
    let changed = RwSignal::new(0u32);
    let course = LocalResource::new(move || {
        changed.track();
        let id = id();
        async move { api::training::course(&id).await }
    });
    let sessions = LocalResource::new(move || {
        changed.track();
        let id = id();
        async move { api::training::sessions(&id).await }
    });
    let topics = load_topics();
    let municipalities = LocalResource::new(all_municipalities);
    let office_name = move |mid: &str| {
        municipalities
            .get()
            .and_then(|r| r.ok())
            .and_then(|all| all.into_iter().find(|m| m.id == mid).map(|m| m.name))
            .unwrap_or_default()
    };
    let planner = may(Action::PlanTraining);
    let sees_enrolments = may(Action::ReadEnrolments);
    let reads_feedback = may(Action::ReadFeedback);
    // Read once: the sessions' closure must not track the session (see `may`).
    let takes = {
        let t = untrack(may(Action::TakeAttendance));
        move || t
    };
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || course.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| course.refetch()) /> }.into_any(),
                Ok(c) => {
                    let cid = c.id.clone();
                    let filled = c.capacity.map(|cap| (c.enrolled, cap));
                    view! {
                        <div class="page-head">
                            <h1 tabindex="-1">{c.title.clone()}</h1>
                            <Show when=planner>
                                <A href=format!("/training/courses/{}/edit", cid) attr:class="btn">{move || i.t(k!("tr.edit_course"))}</A>
                            </Show>
                        </div>
                        <dl class="facts">
                            <div><dt>{move || i.t(k!("tr.topic"))}</dt>
                            <dd>{ let t = c.topic_id.clone(); move || topic_name(i.lang.get(), &topics.get().unwrap_or_default(), &t) }</dd></div>
                            <div><dt>{move || i.t(k!("tr.organisation"))}</dt><dd>{c.organisation.clone()}</dd></div>
                            <div><dt>{move || i.t(k!("tr.trainers"))}</dt>
                            <dd>{if c.trainers.is_empty() { "—".to_owned() } else { c.trainers.iter().map(|t| t.full_name.clone()).collect::<Vec<_>>().join(", ") }}</dd></div>
                            <div><dt>{move || i.t(k!("tr.target_offices"))}</dt>
                            <dd>{ let o = c.target_offices.clone(); move || if o.is_empty() { "—".to_owned() } else { o.iter().map(|k| text(i.lang.get(), office_key(*k))).collect::<Vec<_>>().join(", ") } }</dd></div>
                            <div><dt>{move || i.t(k!("tr.min_attendance"))}</dt><dd>{format!("{} %", c.min_attendance_percent)}</dd></div>
                        </dl>
                        {c.description.clone().map(|d| view! { <p class="description">{d}</p> })}
                        <div class="stats">
                            <div class="stat"><p class="stat-value">{move || fmt_int(i.lang.get(), c.sessions)}</p><p class="stat-label">{move || i.t(k!("tr.sessions"))}</p></div>
                            <div class="stat"><p class="stat-value">{move || fmt_hours(i.lang.get(), c.planned_minutes)}</p><p class="stat-label">{move || i.t(k!("tr.planned_hours"))}</p></div>
                            <div class="stat">
                                <p class="stat-value">{move || match filled {
                                    Some((n, cap)) => format!("{} / {}", fmt_int(i.lang.get(), n), fmt_int(i.lang.get(), cap)),
                                    None => fmt_int(i.lang.get(), c.enrolled),
                                }}</p>
                                <p class="stat-label" id="places-label">{move || i.t(k!("tr.enrolled"))}</p>
                                {filled.map(|(n, cap)| view! { <meter min="0" max=cap.to_string() value=n.to_string() aria-labelledby="places-label"></meter> })}
                            </div>
                            <div class="stat"><p class="stat-value">{move || fmt_int(i.lang.get(), c.waiting)}</p><p class="stat-label">{move || i.t(k!("tr.waiting"))}</p></div>
                        </div>
                    }.into_any()
                }
            })}
        </Suspense>
        <section aria-labelledby="sessions-title">
            <h2 id="sessions-title">{move || i.t(k!("tr.sessions"))}</h2>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || sessions.get().map(|r| match r {
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p>{move || i.t(k!("tr.no_sessions"))}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="table">
                            <caption class="visually-hidden">{move || i.t(k!("tr.sessions"))}</caption>
                            <thead><tr>
                                <th scope="col">{move || i.t(k!("tr.when"))}</th>
                                <th scope="col">{move || i.t(k!("tr.place"))}</th>
                                <th scope="col" class="num">{move || i.t(k!("tr.capacity"))}</th>
                                <th scope="col">{move || i.t(k!("tr.attendance"))}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|s| {
                                    let s2 = s.clone();
                                    view! {
                                        <tr>
                                            <td>{fmt_session_time(&s)}</td>
                                            <td>{move || place_text(i.lang.get(), &s2, office_name)}
                                                {s.link.clone().map(|l| { let shown = l.clone(); view! { " " <a href=l rel="noopener noreferrer" target="_blank">{shown}</a> } })}</td>
                                            <td class="num">{s.capacity}</td>
                                            <td>
                                                {(takes() && s.starts_at <= now_local()).then(|| view! {
                                                    <A href=format!("/training/sessions/{}/attendance", s.id)>{move || i.t(k!("tr.take_attendance"))}</A>
                                                    " "
                                                })}
                                                {takes().then(|| {
                                                    let when = fmt_session_time(&s);
                                                    view! {
                                                        <PdfButton path=api::training::sign_in_sheet(&s.id, i.lang.get_untracked().tag())
                                                            filename=format!("foglio-firme-{}.pdf", s.starts_at.format("%Y-%m-%d-%H%M"))
                                                            label=Signal::derive(move || format!("{} {when}", i.t(k!("tr.sign_in_sheet")))) />
                                                    }
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Suspense>
            <Show when=planner>
                <SessionForm course_id=id() changed=changed />
            </Show>
        </section>
        <Show when=reads_feedback>
            <super::questionnaire::Results course_id=id() changed=changed can_send=untrack(planner) />
        </Show>
        <Show when=sees_enrolments>
            <Hours course_id=id() changed=changed />
            <super::certificates::Certificates course_id=id() changed=changed can_issue=untrack(planner) />
            <Enrolments course_id=id() changed=changed />
        </Show>
    }
}

/// A form for another session of the course.
#[component]
fn SessionForm(course_id: String, changed: RwSignal<u32>) -> impl IntoView {
    let i = use_i18n();
    let day = RwSignal::new(String::new());
    let start = RwSignal::new("09:00".to_owned());
    let end = RwSignal::new("13:00".to_owned());
    let kind = RwSignal::new("office".to_owned());
    let office = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let room = RwSignal::new(String::new());
    let link = RwSignal::new(String::new());
    let capacity = RwSignal::new("25".to_owned());
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let municipalities = LocalResource::new(all_municipalities);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = Vec::new();
        let d = date(day, "date", &mut errors);
        if d.is_none() && errors.is_empty() {
            errors.push(FieldError::new("date", "required", "must not be empty"));
        }
        let seats = capacity.get_untracked().trim().parse::<i64>();
        if seats.is_err() {
            errors.push(FieldError::new(
                "capacity",
                "invalid_number",
                "is not a whole number",
            ));
        }
        let (Some(d), Ok(seats)) = (d, seats) else {
            err.set(Some(ApiError::invalid(errors)));
            return;
        };
        let place_kind = match kind.get_untracked().as_str() {
            "address" => PlaceKind::Address,
            "online" => PlaceKind::Online,
            _ => PlaceKind::Office,
        };
        let only = |k: PlaceKind, v: RwSignal<String>| {
            Some(v.get_untracked().trim().to_owned()).filter(|t| place_kind == k && !t.is_empty())
        };
        let body = NewSession {
            date: d,
            start: start.get_untracked(),
            end: end.get_untracked(),
            place_kind,
            municipality_id: only(PlaceKind::Office, office),
            address: only(PlaceKind::Address, address),
            room: Some(room.get_untracked().trim().to_owned())
                .filter(|t| place_kind != PlaceKind::Online && !t.is_empty()),
            link: only(PlaceKind::Online, link),
            capacity: seats,
        };
        busy.set(true);
        let course_id = course_id.clone();
        spawn_local(async move {
            match api::training::add_session(&course_id, &body).await {
                Ok(_) => {
                    err.set(None);
                    day.set(String::new());
                    changed.update(|n| *n += 1);
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let kinds = Signal::derive(move || {
        let lang = i.lang.get();
        [PlaceKind::Office, PlaceKind::Address, PlaceKind::Online]
            .into_iter()
            .map(|k| (k.as_str().to_owned(), text(lang, place_key(k)).to_owned()))
            .collect::<Vec<_>>()
    });
    let offices = Signal::derive(move || {
        let mut v = vec![(String::new(), i.t(k!("tr.choose_office")).to_owned())];
        if let Some(Ok(all)) = municipalities.get() {
            v.extend(all.into_iter().filter(|m| m.active).map(|m| (m.id, m.name)));
        }
        v
    });
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <details class="card">
            <summary>{move || i.t(k!("tr.add_session"))}</summary>
            <form class="form" on:submit=submit novalidate aria-label=move || i.t(k!("tr.add_session"))>
                <FormStatus error=form_error />
                <div class="row">
                    <DateField id="session-date" label=k!("tr.date") value=day error=field_error(err, "date") required=true />
                    <TextField id="session-start" label=k!("tr.start") value=start error=field_error(err, "start") kind="time" required=true />
                    <TextField id="session-end" label=k!("tr.end") value=end error=field_error(err, "end") kind="time" required=true />
                </div>
                <SelectField id="session-place" label=k!("tr.place") value=kind options=kinds error=field_error(err, "place_kind") required=true />
                <Show when=move || kind.get() == "office">
                    <SelectField id="session-office" label=k!("tr.office") value=office options=offices error=field_error(err, "municipality_id") required=true />
                </Show>
                <Show when=move || kind.get() == "address">
                    <TextField id="session-address" label=k!("tr.address") value=address error=field_error(err, "address") required=true />
                </Show>
                <Show when=move || kind.get() != "online">
                    <TextField id="session-room" label=k!("tr.room") value=room error=field_error(err, "room") />
                </Show>
                <Show when=move || kind.get() == "online">
                    <TextField id="session-link" label=k!("tr.link") value=link error=field_error(err, "link") kind="url" required=true />
                </Show>
                <TextField id="session-capacity" label=k!("tr.capacity") value=capacity error=field_error(err, "capacity") kind="number" required=true />
                <div class="actions">
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || i.t(k!("tr.add_session"))}</button>
                </div>
            </form>
        </details>
    }
}

/// Hours delivered, each session's attendance as a bar, and each participant's hours against
/// the certificate's threshold.
#[component]
fn Hours(course_id: String, changed: RwSignal<u32>) -> impl IntoView {
    let i = use_i18n();
    let report = LocalResource::new(move || {
        changed.track();
        let course_id = course_id.clone();
        async move { api::training::course_attendance(&course_id).await }
    });
    view! {
        <section aria-labelledby="hours-title">
            <h2 id="hours-title">{move || i.t(k!("tr.attendance"))}</h2>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || report.get().map(|r| match r {
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    Ok(a) => {
                        let delivered = a.delivered_minutes;
                        let planned = a.planned_minutes;
                        view! {
                            <p>{move || format!("{}: {} / {}", i.t(k!("tr.delivered_hours")), fmt_hours(i.lang.get(), delivered), fmt_hours(i.lang.get(), planned))}</p>
                            <h3>{move || i.t(k!("tr.rates"))}</h3>
                            {a.sessions.iter().map(|s| {
                                let pct = if s.enrolled > 0 { s.attended * 100 / s.enrolled } else { 0 };
                                let label = format!("{} {}", fmt_date(s.starts_at.date()), s.starts_at.format("%H:%M"));
                                let (attended, enrolled, taken) = (s.attended, s.enrolled, s.taken);
                                view! {
                                    <div class="rate">
                                        <span>{label}</span>
                                        <span class="bar" aria-hidden="true"><span style=format!("width: {pct}%")></span></span>
                                        <span>{move || if taken { format!("{attended} {} {enrolled}", i.t(k!("tr.of"))) } else { i.t(k!("tr.not_taken")).to_owned() }}</span>
                                    </div>
                                }
                            }).collect_view()}
                            <table class="table" id="hours">
                                <caption class="visually-hidden">{move || i.t(k!("tr.hours_attended"))}</caption>
                                <thead><tr>
                                    <th scope="col">{move || i.t(k!("tr.full_name"))}</th>
                                    <th scope="col" class="num">{move || i.t(k!("tr.hours_attended"))}</th>
                                    <th scope="col" class="num">{move || i.t(k!("tr.percent"))}</th>
                                    <th scope="col">{move || i.t(k!("tr.certificate"))}</th>
                                </tr></thead>
                                <tbody>
                                    {a.participants.into_iter().map(|p| view! {
                                        <tr>
                                            <td>{p.full_name.clone()}</td>
                                            <td class="num">{move || fmt_hours(i.lang.get(), p.attended_minutes)}</td>
                                            <td class="num">{format!("{} %", p.percent)}</td>
                                            <td>{move || i.t(if p.certificate_due { k!("tr.certificate_due") } else { k!("tr.certificate_not_due") })}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}
