//! Service requests (translation and mediation): the requesters' list, the coordinators' board
//! with its filters kept in the URL, and the names, badges and dates every mediation page uses.

use chrono::{NaiveDate, NaiveDateTime};
use leptos::prelude::*;
use leptos_router::components::A;
use lumit_shared::mediation::{
    JobOutcome, LanguageLevel, MediatorKind, RequestKind, RequestStatus, Rule, ServiceRequest,
    Setting, Urgency,
};
use lumit_shared::user::Role;

use crate::api;
use crate::components::{Empty, ErrorView, ExportButtons, Loading, MoreButton, Paged};
use crate::guard::RoleGate;
use crate::i18n::{text, use_i18n, Lang};
use crate::pickers::{language_choices, PickerField};
use crate::session::use_session;

mod board;

pub use board::*;

/// Roles that file requests.
pub const REQUESTERS: &[Role] = &[
    Role::Admin,
    Role::Coordinator,
    Role::Operator,
    Role::MunicipalOfficer,
];
/// Roles that approve, assign and manage mediators.
pub const COORDINATION: &[Role] = &[Role::Admin, Role::Coordinator];

/// The text key of a request's status.
pub fn status_key(s: RequestStatus) -> crate::i18n::Key {
    match s {
        RequestStatus::Submitted => k!("rstatus.submitted"),
        RequestStatus::Approved => k!("rstatus.approved"),
        RequestStatus::Rejected => k!("rstatus.rejected"),
        RequestStatus::Assigned => k!("rstatus.assigned"),
        RequestStatus::Confirmed => k!("rstatus.confirmed"),
        RequestStatus::Completed => k!("rstatus.completed"),
        RequestStatus::Cancelled => k!("rstatus.cancelled"),
    }
}

/// The text key of a request's kind.
pub fn kind_key(k: RequestKind) -> crate::i18n::Key {
    match k {
        RequestKind::Mediation => k!("rkind.mediation"),
        RequestKind::Translation => k!("rkind.translation"),
    }
}

/// The text key of a mediation's setting.
pub fn setting_key(s: Setting) -> crate::i18n::Key {
    match s {
        Setting::School => k!("setting.school"),
        Setting::SocialServices => k!("setting.social_services"),
        Setting::RegistryOffice => k!("setting.registry_office"),
        Setting::HealthService => k!("setting.health_service"),
        Setting::Court => k!("setting.court"),
        Setting::Police => k!("setting.police"),
        Setting::Other => k!("setting.other"),
    }
}

/// The text key of an urgency.
pub fn urgency_key(u: Urgency) -> crate::i18n::Key {
    match u {
        Urgency::Normal => k!("urgency.normal"),
        Urgency::Urgent => k!("urgency.urgent"),
    }
}

/// The text key of a job's outcome.
pub fn job_outcome_key(o: JobOutcome) -> crate::i18n::Key {
    match o {
        JobOutcome::Done => k!("joboutcome.done"),
        JobOutcome::PartlyDone => k!("joboutcome.partly_done"),
        JobOutcome::NoShow => k!("joboutcome.no_show"),
    }
}

/// The text key of a language level.
pub fn level_key(l: LanguageLevel) -> crate::i18n::Key {
    match l {
        LanguageLevel::Native => k!("level.native"),
        LanguageLevel::C2 => k!("level.c2"),
        LanguageLevel::C1 => k!("level.c1"),
        LanguageLevel::B2 => k!("level.b2"),
        LanguageLevel::B1 => k!("level.b1"),
    }
}

/// The text key of a mediator's kind.
pub fn mediator_kind_key(k: MediatorKind) -> crate::i18n::Key {
    match k {
        MediatorKind::Mediator => k!("mkind.mediator"),
        MediatorKind::Translator => k!("mkind.translator"),
        MediatorKind::Both => k!("mkind.both"),
    }
}

/// The text key of a matching rule.
pub fn rule_key(r: Rule) -> crate::i18n::Key {
    match r {
        Rule::Language => k!("rule.language"),
        Rule::Coverage => k!("rule.coverage"),
        Rule::Availability => k!("rule.availability"),
        Rule::Overlap => k!("rule.overlap"),
        Rule::Travel => k!("rule.travel"),
    }
}

pub use lumit_shared::mediation::LANGUAGES;

/// A language's name in the interface's language; the code itself when not a known one.
pub fn language_name(lang: Lang, code: &str) -> String {
    crate::pickers::language_label(lang, code)
}

/// The known languages as select options, by name.
pub fn language_options(lang: Lang) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = LANGUAGES
        .iter()
        .map(|(c, _, _)| ((*c).to_owned(), language_name(lang, c)))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

pub use crate::components::{now_local, today};

/// `26/11/2026`.
pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `26/11/2026 10:30`.
pub fn fmt_local(t: NaiveDateTime) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

/// When a job happens: the mediation's day and times, or the translation's due date.
pub fn when(lang: Lang, r: &ServiceRequest) -> String {
    match (r.starts_at, r.ends_at, r.due_date) {
        (Some(s), Some(e), _) => format!("{}–{}", fmt_local(s), e.format("%H:%M")),
        (Some(s), None, _) => fmt_local(s),
        (None, _, Some(d)) => format!("{} {}", text(lang, k!("req.due_by")), fmt_date(d)),
        _ => "—".to_owned(),
    }
}

/// The day a job falls on (start, or due date).
pub fn job_day(r: &ServiceRequest) -> Option<NaiveDate> {
    r.starts_at.map(|s| s.date()).or(r.due_date)
}

/// "Arabo", or "Bengalese → Italiano" for a translation.
pub fn languages_of(lang: Lang, r: &ServiceRequest) -> String {
    match &r.target_language {
        Some(t) => format!(
            "{} → {}",
            language_name(lang, &r.language),
            language_name(lang, t)
        ),
        None => language_name(lang, &r.language),
    }
}

/// A request's status as a coloured badge (the text says it; colour only helps).
#[component]
pub fn StatusBadge(status: RequestStatus) -> impl IntoView {
    let i = use_i18n();
    view! { <span class=format!("badge status status-{}", status.as_str())>{move || i.t(status_key(status))}</span> }
}

/// A language, picked by name from every ISO 639-1 language, the province's most asked first.
#[component]
pub fn LanguageField(
    /// Element id (the error's is `{id}-error`).
    #[prop(into)]
    id: String,
    /// Label key.
    label: crate::i18n::Key,
    /// The ISO code.
    value: RwSignal<String>,
    /// Error message.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Required field.
    #[prop(default = false)]
    required: bool,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <PickerField id=id label=label value=value error=error required=required
            options=Signal::derive(move || language_choices(i.lang.get())) />
    }
}

/// `/requests`: the board for coordinators, the list of their requests for everyone else.
#[component]
pub fn List() -> impl IntoView {
    let s = use_session();
    view! {
        <RoleGate roles=&[Role::Admin, Role::Coordinator, Role::Operator, Role::MunicipalOfficer, Role::Mediator]>
            {move || if s.is(COORDINATION) { view! { <Board /> }.into_any() } else { view! { <RequestList /> }.into_any() }}
        </RoleGate>
    }
}

/// The requests the server lets this person see (their municipalities', or their own jobs).
#[component]
fn RequestList() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let list = Paged::<ServiceRequest>::new();
    let (items, loading, error) = (list.items, list.loading, list.error);
    let load =
        move |reset: bool| list.load(api::requests::search().with_raw("limit", "50"), !reset);
    load(true);
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t(k!("req.title"))}</h1>
            <Show when=move || s.is(REQUESTERS)>
                <A href="/requests/new" attr:class="btn btn-primary">{move || i.t(k!("req.new"))}</A>
            </Show>
        </div>
        <ExportButtons path=Signal::derive(api::requests::search) name="lumit-richieste" />
        {move || error.get().map(|e| view! { <ErrorView error=e retry=Callback::new(move |_| load(true)) /> })}
        <Show when=move || loading.get()><Loading /></Show>
        <Show when=move || !loading.get() && error.with(Option::is_none) && items.with(Vec::is_empty)><Empty /></Show>
        <Show when=move || items.with(|v| !v.is_empty())>
            <table class="table">
                <caption class="visually-hidden">{move || i.t(k!("req.title"))}</caption>
                <thead><tr>
                    <th scope="col">{move || i.t(k!("req.reference"))}</th>
                    <th scope="col">{move || i.t(k!("req.kind"))}</th>
                    <th scope="col">{move || i.t(k!("req.language"))}</th>
                    <th scope="col">{move || i.t(k!("req.municipality"))}</th>
                    <th scope="col">{move || i.t(k!("req.when"))}</th>
                    <th scope="col">{move || i.t(k!("req.status"))}</th>
                    <th scope="col">{move || i.t(k!("req.urgency"))}</th>
                </tr></thead>
                <tbody>
                    <For each=move || items.get() key=|r| (r.id.clone(), r.updated_at) children=move |r: ServiceRequest| {
                        let (r1, r2) = (r.clone(), r.clone());
                        view! {
                            <tr>
                                <td><A href=format!("/requests/{}", r.id)>{r.reference.clone()}</A></td>
                                <td>{move || i.t(kind_key(r.kind))}</td>
                                <td>{move || languages_of(i.lang.get(), &r1)}</td>
                                <td>{r.municipality_name.clone()}</td>
                                <td>{move || when(i.lang.get(), &r2)}</td>
                                <td><StatusBadge status=r.status /></td>
                                <td>{move || i.t(urgency_key(r.urgency))}</td>
                            </tr>
                        }
                    } />
                </tbody>
            </table>
        </Show>
        <MoreButton more=Signal::derive(move || list.has_more()) loading=loading on_more=Callback::new(move |_| load(false)) />
    }
}

/// One job in a list: reference, when, what, where, status.
#[component]
pub fn JobLine(r: ServiceRequest) -> impl IntoView {
    let i = use_i18n();
    let (r1, r2) = (r.clone(), r.clone());
    let place = if r.remote { None } else { r.address.clone() };
    let remote = r.remote;
    view! {
        <li class="job">
            <p>
                <A href=format!("/requests/{}", r.id)>{r.reference.clone()}</A>
                " · " {move || when(i.lang.get(), &r1)} " " <StatusBadge status=r.status />
            </p>
            <p>
                {move || i.t(kind_key(r.kind))} " · " {move || languages_of(i.lang.get(), &r2)} " · " {r.municipality_name.clone()}
                {move || if remote { Some(format!(" · {}", i.t(k!("req.remote_short")))) } else { place.clone().map(|p| format!(" · {p}")) }}
            </p>
        </li>
    }
}
