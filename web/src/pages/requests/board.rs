//! The coordinators' board: open requests in a column per status, filtered, and the closed ones folded below.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use lumit_shared::mediation::{RequestKind, RequestStatus, ServiceRequest, Urgency};

use crate::api::{self};
use crate::components::{
    filters_path, DateField, ErrorView, ExportButtons, Loading, MoreButton, Paged, SelectField,
};
use crate::i18n::{text, use_i18n};
use crate::pages::municipalities::{all_municipalities, my_municipalities};
use crate::session::use_session;

use super::*;

/// The board's filters, as they appear in the URL.
pub(super) const FILTERS: &[&str] = &["municipality_id", "language", "kind", "from", "to"];

/// The columns of open requests, in the order work flows.
pub(super) const OPEN: &[RequestStatus] = &[
    RequestStatus::Submitted,
    RequestStatus::Approved,
    RequestStatus::Assigned,
    RequestStatus::Confirmed,
];

/// The API query of one part of the board.
pub(super) fn board_query(
    statuses: &str,
    limit: u32,
    get: impl Fn(&str) -> String,
) -> api::ApiPath {
    let mut path = api::requests::search()
        .with_raw("limit", &limit.to_string())
        .with_raw("status", statuses);
    for k in FILTERS {
        let v = get(k);
        if v.is_empty() {
            continue;
        }
        // The form's "to" includes its day; the API's is the day after.
        let v = match (*k, NaiveDate::parse_from_str(&v, "%Y-%m-%d")) {
            ("to", Ok(d)) => (d + chrono::Duration::days(1)).to_string(),
            _ => v,
        };
        path = path.with(k, &v);
    }
    path
}

/// The coordinators' board: a column per open status, and the closed requests folded away.
#[component]
pub(super) fn Board() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let municipality = RwSignal::new(param("municipality_id"));
    let language = RwSignal::new(param("language"));
    let kind = RwSignal::new(param("kind"));
    let from = RwSignal::new(param("from"));
    let to = RwSignal::new(param("to"));
    let fields = [
        ("municipality_id", municipality),
        ("language", language),
        ("kind", kind),
        ("from", from),
        ("to", to),
    ];
    let closed = LocalResource::new(move || {
        let path = board_query("completed,cancelled,rejected", 50, param);
        async move { api::page::<ServiceRequest>(&path).await }
    });
    let apply = move || navigate(&filters_path("/requests", &fields), Default::default());
    let apply2 = apply.clone();
    // Choices apply at once; dates on submit.
    Effect::new(move |prev: Option<()>| {
        municipality.track();
        language.track();
        kind.track();
        if prev.is_some() {
            apply2();
        }
    });
    let municipalities = LocalResource::new(all_municipalities);
    let mun_options = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, k!("app.all")).to_owned())];
        v.extend(my_municipalities(
            s,
            municipalities.get().and_then(|r| r.ok()),
        ));
        v
    });
    let lang_options = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, k!("app.all")).to_owned())];
        v.extend(language_options(lang));
        v
    });
    let kinds = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, k!("app.all")).to_owned())];
        v.extend(
            RequestKind::ALL
                .iter()
                .map(|k| (k.as_str().to_owned(), text(lang, kind_key(*k)).to_owned())),
        );
        v
    });
    let no_error = Signal::derive(|| None::<String>);
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t(k!("req.board"))}</h1>
            <A href="/requests/new" attr:class="btn btn-primary">{move || i.t(k!("req.new"))}</A>
        </div>
        <ExportButtons path=Signal::derive(move || board_query("submitted,approved,rejected,assigned,confirmed,completed,cancelled", 50, param)) name="lumit-richieste" />
        <form class="filters" role="search" aria-label=move || i.t(k!("app.filters")) on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); apply(); }>
            <SelectField id="municipality_id" label=k!("req.municipality") value=municipality options=mun_options />
            <SelectField id="language" label=k!("req.language") value=language options=lang_options />
            <SelectField id="kind" label=k!("req.kind") value=kind options=kinds />
            <DateField id="from" label=k!("req.from") value=from error=no_error />
            <DateField id="to" label=k!("req.to") value=to error=no_error />
            <button type="submit" class="btn">{move || i.t(k!("app.search"))}</button>
        </form>
        <div class="board">
            {OPEN.iter().map(|st| view! { <BoardColumn status=*st filters=Signal::derive(move || board_query(st.as_str(), COLUMN_PAGE, param)) /> }).collect_view()}
        </div>
        <WeekOfJobs filters=Signal::derive(move || board_query("assigned,confirmed,completed", 200, |k| if k == "from" || k == "to" { String::new() } else { param(k) })) />
        <Transition fallback=|| view! { <Loading /> }>
            {move || closed.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| closed.refetch()) /> }.into_any(),
                Ok(page) => {
                    let n = page.items.len();
                    let more = page.next_cursor.is_some();
                    view! {
                        <section class="board-closed" aria-labelledby="col-closed">
                            <h2 id="col-closed">{move || i.t(k!("req.closed"))} " " <span class="count">{format!("({n}{})", if more { "+" } else { "" })}</span></h2>
                            <details>
                                <summary>{move || i.t(k!("req.show_closed"))}</summary>
                                <BoardCards items=page.items show_status=true />
                            </details>
                        </section>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// Cards a column shows at first and adds with each "show more": a busy week's hundred requests
/// made one page 5,800 pixels tall.
const COLUMN_PAGE: u32 = 10;

/// One status's column: its first cards, and more on request.
#[component]
fn BoardColumn(
    status: RequestStatus,
    #[prop(into)] filters: Signal<api::ApiPath>,
) -> impl IntoView {
    let i = use_i18n();
    let list = Paged::<ServiceRequest>::new();
    let (items, loading, error) = (list.items, list.loading, list.error);
    Effect::new(move |_| list.load(filters.get(), false));
    let title_id = format!("col-{}", status.as_str());
    let label_id = title_id.clone();
    let count = move || {
        let n = items.with(Vec::len);
        format!("({n}{})", if list.has_more() { "+" } else { "" })
    };
    view! {
        <section class="board-col" aria-labelledby=label_id aria-busy=move || loading.get().to_string()>
            <h2 id=title_id>{move || i.t(status_key(status))} " " <span class="count">{count}</span></h2>
            {move || error.get().map(|e| view! { <ErrorView error=e retry=Callback::new(move |_| list.load(filters.get_untracked(), false)) /> })}
            {move || {
                let cards = items.get();
                (!cards.is_empty() || !loading.get()).then(|| view! { <BoardCards items=cards show_status=false /> })
            }}
            <MoreButton more=Signal::derive(move || list.has_more()) loading=loading
                on_more=Callback::new(move |_| list.load(filters.get_untracked(), true)) />
        </section>
    }
}

/// The week's jobs (assigned, confirmed, done) a day at a time, from Monday, week by week.
#[component]
fn WeekOfJobs(#[prop(into)] filters: Signal<api::ApiPath>) -> impl IntoView {
    use chrono::Datelike;
    let i = use_i18n();
    let monday = RwSignal::new({
        let t = today();
        t - chrono::Duration::days(i64::from(t.weekday().num_days_from_monday()))
    });
    let jobs = LocalResource::new(move || {
        let m = monday.get();
        let path = filters
            .get()
            .with_raw("from", &m.to_string())
            .with_raw("to", &(m + chrono::Duration::days(7)).to_string());
        async move { api::page::<ServiceRequest>(&path).await }
    });
    let shift = move |days: i64| monday.update(|m| *m += chrono::Duration::days(days));
    let title = move || {
        let m = monday.get();
        let sunday = m + chrono::Duration::days(6);
        format!(
            "{} {} – {}",
            i.t(k!("req.week")),
            m.format("%d/%m"),
            sunday.format("%d/%m/%Y")
        )
    };
    view! {
        <section class="board-week" aria-labelledby="week-title">
            <div class="page-head">
                <h2 id="week-title" aria-live="polite">{title}</h2>
                <div class="actions">
                    <button type="button" class="btn" on:click=move |_| shift(-7)><span aria-hidden="true">"← "</span>{move || i.t(k!("req.week_before"))}</button>
                    <button type="button" class="btn" on:click=move |_| shift(7)>{move || i.t(k!("req.week_after"))}<span aria-hidden="true">" →"</span></button>
                </div>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || jobs.get().map(|r| match r {
                    Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| jobs.refetch()) /> }.into_any(),
                    Ok(page) => {
                        let m = monday.get_untracked();
                        let more = page.next_cursor.is_some();
                        view! {
                            {more.then(|| view! { <p class="alert alert-info" role="status">{move || i.t(k!("req.week_truncated"))}</p> })}
                            <ol class="week">
                                {(0..7).map(|d| {
                                    let day = m + chrono::Duration::days(d);
                                    let mut cards: Vec<ServiceRequest> = page.items.iter().filter(|r| job_day(r) == Some(day)).cloned().collect();
                                    cards.sort_by_key(|r| r.starts_at);
                                    let n = day.weekday().number_from_monday();
                                    // ISO weekdays 1–7, in the table's order.
                                    let key = crate::pages::availability::WEEKDAYS[n as usize - 1].1;
                                    view! {
                                        <li class="day" data-day=day.to_string()>
                                            <h3>{move || i.t(key)} " " {day.format("%d/%m").to_string()}</h3>
                                            <BoardCards items=cards show_status=true />
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// The cards of one board column.
#[component]
pub(super) fn BoardCards(items: Vec<ServiceRequest>, show_status: bool) -> impl IntoView {
    let i = use_i18n();
    if items.is_empty() {
        return view! { <p class="muted">{move || i.t(k!("req.none_here"))}</p> }.into_any();
    }
    view! {
        <ul class="board-cards">
            {items.into_iter().map(|r| {
                let (r1, r2) = (r.clone(), r.clone());
                view! {
                    <li class="req-card" class:urgent=r.urgency == Urgency::Urgent>
                        <h3><A href=format!("/requests/{}", r.id)>{r.reference.clone()}</A></h3>
                        <p>{r.municipality_name.clone()}</p>
                        <p>{move || i.t(kind_key(r.kind))} " · " {move || languages_of(i.lang.get(), &r1)}</p>
                        <p>{move || when(i.lang.get(), &r2)}</p>
                        <p>
                            {(r.urgency == Urgency::Urgent).then(|| view! { <span class="badge badge-danger">{move || i.t(k!("urgency.urgent"))}</span> })}
                            {show_status.then(|| view! { <StatusBadge status=r.status /> })}
                            {r.mediator_name.clone().map(|m| view! { <span class="muted">" " {m}</span> })}
                        </p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
