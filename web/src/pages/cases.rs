//! Cases: the list with filters kept in the URL (so a filtered list can be bookmarked and
//! shared). The case page is in `case_page`.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use lumit_shared::case::{Case, CaseStatus, EventKind, Outcome};
use lumit_shared::user::Role;

use crate::api::{self, enc};
use crate::components::{
    filters_path, DateField, Empty, ErrorView, ExportButtons, Loading, SelectField,
};
use crate::guard::RoleGate;
use crate::i18n::{fmt_datetime, fmt_int, text, use_i18n, Lang};
use crate::pages::municipalities::{all_municipalities, my_municipalities};
use crate::pickers::{country_choices, PickerField};

/// The i18n key of a status.
pub fn status_key(s: CaseStatus) -> crate::i18n::Key {
    match s {
        CaseStatus::Open => k!("status.open"),
        CaseStatus::InProgress => k!("status.in_progress"),
        CaseStatus::WaitingDocuments => k!("status.waiting_documents"),
        CaseStatus::WaitingOffice => k!("status.waiting_office"),
        CaseStatus::Closed => k!("status.closed"),
    }
}

/// The i18n key of an outcome.
pub fn outcome_key(o: Outcome) -> crate::i18n::Key {
    match o {
        Outcome::Resolved => k!("outcome.resolved"),
        Outcome::PartlyResolved => k!("outcome.partly_resolved"),
        Outcome::NotResolved => k!("outcome.not_resolved"),
        Outcome::Withdrawn => k!("outcome.withdrawn"),
        Outcome::ReferredElsewhere => k!("outcome.referred_elsewhere"),
    }
}

/// The i18n key of a timeline entry's kind.
pub fn event_key(k: EventKind) -> crate::i18n::Key {
    match k {
        EventKind::Note => k!("event.note"),
        EventKind::Intervention => k!("event.intervention"),
        EventKind::PhoneCall => k!("event.phone_call"),
        EventKind::DocumentCheck => k!("event.document_check"),
        EventKind::Appointment => k!("event.appointment"),
        EventKind::StatusChange => k!("event.status_change"),
        EventKind::Referral => k!("event.referral"),
    }
}

const STAFF: &[Role] = &[Role::Admin, Role::Coordinator, Role::Operator];

/// The case list.
#[component]
pub fn List() -> impl IntoView {
    view! { <RoleGate roles=STAFF><CaseList /></RoleGate> }
}

/// The list's filters, as they appear in the URL.
const FILTERS: &[&str] = &[
    "q",
    "status",
    "assigned",
    "municipality_id",
    "desk_id",
    "category_id",
    "opened_from",
    "opened_to",
    "citizenship",
    "sort",
];

/// The API query for the filters in the page's URL: dates become the instants the API takes
/// ("to" includes its day).
fn api_query(get: impl Fn(&str) -> String) -> api::ApiPath {
    let mut path = api::cases::search()
        .with_raw("limit", "50")
        .with_raw("count", "true");
    for k in FILTERS.iter().copied().chain(["cursor"]) {
        let v = get(k);
        if v.is_empty() {
            continue;
        }
        let v = match k {
            "opened_from" => format!("{v}T00:00:00Z"),
            "opened_to" => match chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
                Ok(d) => format!("{}T00:00:00Z", d + chrono::Duration::days(1)),
                Err(_) => v,
            },
            _ => v,
        };
        path = path.with(k, &v);
    }
    path
}

#[component]
fn CaseList() -> impl IntoView {
    let i = use_i18n();
    let s = crate::session::use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    // The form edits copies; submitting writes them into the URL, which drives the list.
    let fields: Vec<(&'static str, RwSignal<String>)> = FILTERS
        .iter()
        .map(|k| (*k, RwSignal::new(param(k))))
        .collect();
    let field = {
        let fields = fields.clone();
        move |k: &str| {
            fields
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| *v)
                .expect("a filter")
        }
    };
    let (q, status, assigned) = (field("q"), field("status"), field("assigned"));
    let (municipality, desk, category) = (
        field("municipality_id"),
        field("desk_id"),
        field("category_id"),
    );
    let (from, to, citizenship, sort) = (
        field("opened_from"),
        field("opened_to"),
        field("citizenship"),
        field("sort"),
    );
    let data = LocalResource::new(move || {
        let path = api_query(param);
        async move { api::cases::list(&path).await }
    });
    let apply = move || navigate(&filters_path("/cases", &fields), Default::default());
    let apply2 = apply.clone();
    // Choices apply at once; typed filters on submit.
    Effect::new(move |prev: Option<()>| {
        status.track();
        assigned.track();
        municipality.track();
        desk.track();
        category.track();
        sort.track();
        if prev.is_some() {
            apply2();
        }
    });
    let statuses = Signal::derive(move || {
        let lang = i.lang.get();
        std::iter::once((String::new(), text(lang, k!("app.all")).to_owned()))
            .chain(
                CaseStatus::ALL
                    .iter()
                    .map(|s| (s.as_str().to_owned(), text(lang, status_key(*s)).to_owned())),
            )
            .collect()
    });
    let assignments = Signal::derive(move || {
        let lang = i.lang.get();
        vec![
            (String::new(), text(lang, k!("app.all")).to_owned()),
            ("mine".to_owned(), text(lang, k!("cases.mine")).to_owned()),
            (
                "unassigned".to_owned(),
                text(lang, k!("cases.unassigned")).to_owned(),
            ),
        ]
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
    let desk_options = crate::pages::desks::desk_options(municipality, k!("app.all"), false);
    let categories = LocalResource::new(api::cases::categories);
    let cat_options = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, k!("app.all")).to_owned())];
        v.extend(
            categories
                .get()
                .and_then(|r| r.ok())
                .unwrap_or_default()
                .into_iter()
                .map(|c| {
                    let name = if lang == Lang::It {
                        c.name_it
                    } else {
                        c.name_en
                    };
                    let name = if c.parent_id.is_some() {
                        format!("— {name}")
                    } else {
                        name
                    };
                    (c.id, name)
                }),
        );
        v
    });
    let sorts = Signal::derive(move || {
        let lang = i.lang.get();
        vec![
            (
                String::new(),
                text(lang, k!("cases.sort_opened")).to_owned(),
            ),
            (
                "updated".to_owned(),
                text(lang, k!("cases.sort_updated")).to_owned(),
            ),
        ]
    });
    let no_error = Signal::derive(|| None::<String>);
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t(k!("cases.title"))}</h1>
            <A href="/cases/new" attr:class="btn btn-primary">{move || i.t(k!("new.title"))}</A>
        </div>
        <ExportButtons path=Signal::derive(move || api_query(param)) name="lumit-pratiche" />
        <form class="filters" role="search" aria-label=move || i.t(k!("app.filters")) on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); apply(); }>
            <div class="field">
                <label for="q">{move || i.t(k!("app.search"))}</label>
                <input id="q" type="search" placeholder=move || i.t(k!("cases.search_hint")) prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
            </div>
            <SelectField id="status" label=k!("cases.status") value=status options=statuses />
            <SelectField id="assigned" label=k!("cases.assigned") value=assigned options=assignments />
            <SelectField id="municipality_id" label=k!("cases.municipality") value=municipality options=mun_options />
            <SelectField id="desk_id" label=k!("cases.desk") value=desk options=desk_options />
            <SelectField id="category_id" label=k!("cases.category") value=category options=cat_options />
            <DateField id="opened_from" label=k!("cases.opened_from") value=from error=no_error />
            <DateField id="opened_to" label=k!("cases.opened_to") value=to error=no_error />
            <PickerField id="citizenship" label=k!("person.citizenship") value=citizenship options=Signal::derive(move || country_choices(i.lang.get(), true)) />
            <SelectField id="sort" label=k!("cases.sort") value=sort options=sorts />
            <button type="submit" class="btn">{move || i.t(k!("app.search"))}</button>
        </form>
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                Ok(page) if page.items.is_empty() => view! { <Empty /> }.into_any(),
                Ok(page) => {
                    let total = page.total.unwrap_or_default();
                    let at_least = page.total_is_at_least;
                    let next = page.next_cursor.clone();
                    view! {
                        <p role="status">{move || at_least.then(|| format!("{} ", i.t(k!("cases.more_than"))))}{move || fmt_int(i.lang.get(), total)} " " {move || i.t(k!("cases.total"))}</p>
                        <CaseTable items=page.items caption=k!("cases.title") />
                        {next.map(|cur| {
                            let mut href = String::from("/cases?");
                            for k in FILTERS {
                                let v = param(k);
                                if !v.is_empty() { href.push_str(&format!("{k}={}&", enc(&v))); }
                            }
                            href.push_str(&format!("cursor={}", enc(&cur)));
                            view! { <A href=href attr:class="btn">{move || i.t(k!("app.more"))}</A> }
                        })}
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// Cases as a table: reference, person, summary, status, opening; each links to its page.
#[component]
pub fn CaseTable(items: Vec<Case>, caption: crate::i18n::Key) -> impl IntoView {
    let i = use_i18n();
    view! {
        <table class="table">
            <caption class="visually-hidden">{move || i.t(caption)}</caption>
            <thead><tr>
                <th scope="col">{move || i.t(k!("cases.reference"))}</th>
                <th scope="col">{move || i.t(k!("cases.person"))}</th>
                <th scope="col">{move || i.t(k!("cases.summary"))}</th>
                <th scope="col">{move || i.t(k!("cases.status"))}</th>
                <th scope="col">{move || i.t(k!("cases.opened"))}</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|c| {
                    let at = c.opened_at;
                    view! {
                        <tr>
                            <td><A href=format!("/cases/{}", c.id)>{c.reference.clone()}</A></td>
                            <td><A href=format!("/people/{}", c.person_id)>{c.person_name.clone()}</A></td>
                            <td>{c.summary.clone()}</td>
                            <td>{move || i.t(status_key(c.status))}</td>
                            <td>{move || fmt_datetime(i.lang.get(), &at)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
