//! Service requests (translation and mediation): the requesters' list, the coordinators' board
//! with its filters kept in the URL, and the names, badges and dates every mediation page uses.

use chrono::{NaiveDate, NaiveDateTime};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use lumit_shared::mediation::{
    JobOutcome, LanguageLevel, MediatorKind, RequestKind, RequestStatus, Rule, ServiceRequest,
    Setting, Urgency,
};
use lumit_shared::user::Role;
use lumit_shared::Page;

use crate::api::{self, enc};
use crate::app::RoleGate;
use crate::components::{
    filters_path, Empty, ErrorView, Loading, MoreButton, Paged, SelectField, TextField,
};
use crate::i18n::{text, use_i18n, Lang};
use crate::pages::municipalities::{all_municipalities, my_municipalities};
use crate::session::use_session;

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
pub fn status_key(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Submitted => "rstatus.submitted",
        RequestStatus::Approved => "rstatus.approved",
        RequestStatus::Rejected => "rstatus.rejected",
        RequestStatus::Assigned => "rstatus.assigned",
        RequestStatus::Confirmed => "rstatus.confirmed",
        RequestStatus::Completed => "rstatus.completed",
        RequestStatus::Cancelled => "rstatus.cancelled",
    }
}

/// The text key of a request's kind.
pub fn kind_key(k: RequestKind) -> &'static str {
    match k {
        RequestKind::Mediation => "rkind.mediation",
        RequestKind::Translation => "rkind.translation",
    }
}

/// The text key of a mediation's setting.
pub fn setting_key(s: Setting) -> &'static str {
    match s {
        Setting::School => "setting.school",
        Setting::SocialServices => "setting.social_services",
        Setting::RegistryOffice => "setting.registry_office",
        Setting::HealthService => "setting.health_service",
        Setting::Court => "setting.court",
        Setting::Police => "setting.police",
        Setting::Other => "setting.other",
    }
}

/// The text key of an urgency.
pub fn urgency_key(u: Urgency) -> &'static str {
    match u {
        Urgency::Normal => "urgency.normal",
        Urgency::Urgent => "urgency.urgent",
    }
}

/// The text key of a job's outcome.
pub fn job_outcome_key(o: JobOutcome) -> &'static str {
    match o {
        JobOutcome::Done => "joboutcome.done",
        JobOutcome::PartlyDone => "joboutcome.partly_done",
        JobOutcome::NoShow => "joboutcome.no_show",
    }
}

/// The text key of a language level.
pub fn level_key(l: LanguageLevel) -> &'static str {
    match l {
        LanguageLevel::Native => "level.native",
        LanguageLevel::C2 => "level.c2",
        LanguageLevel::C1 => "level.c1",
        LanguageLevel::B2 => "level.b2",
        LanguageLevel::B1 => "level.b1",
    }
}

/// The text key of a mediator's kind.
pub fn mediator_kind_key(k: MediatorKind) -> &'static str {
    match k {
        MediatorKind::Mediator => "mkind.mediator",
        MediatorKind::Translator => "mkind.translator",
        MediatorKind::Both => "mkind.both",
    }
}

/// The text key of a matching rule.
pub fn rule_key(r: Rule) -> &'static str {
    match r {
        Rule::Language => "rule.language",
        Rule::Coverage => "rule.coverage",
        Rule::Availability => "rule.availability",
        Rule::Overlap => "rule.overlap",
        Rule::Travel => "rule.travel",
    }
}

/// Languages most asked for in the province: ISO 639 code, Italian and English name.
pub const LANGUAGES: &[(&str, &str, &str)] = &[
    ("it", "Italiano", "Italian"),
    ("ar", "Arabo", "Arabic"),
    ("bn", "Bengalese", "Bengali"),
    ("ur", "Urdu", "Urdu"),
    ("zh", "Cinese", "Chinese"),
    ("sq", "Albanese", "Albanian"),
    ("ro", "Rumeno", "Romanian"),
    ("uk", "Ucraino", "Ukrainian"),
    ("ru", "Russo", "Russian"),
    ("fr", "Francese", "French"),
    ("en", "Inglese", "English"),
    ("es", "Spagnolo", "Spanish"),
    ("pt", "Portoghese", "Portuguese"),
    ("pa", "Punjabi", "Punjabi"),
    ("hi", "Hindi", "Hindi"),
    ("wo", "Wolof", "Wolof"),
    ("tr", "Turco", "Turkish"),
    ("fa", "Persiano", "Persian"),
    ("ti", "Tigrino", "Tigrinya"),
    ("so", "Somalo", "Somali"),
    ("am", "Amarico", "Amharic"),
    ("ps", "Pashto", "Pashto"),
    ("ku", "Curdo", "Kurdish"),
    ("tl", "Tagalog", "Tagalog"),
    ("si", "Singalese", "Sinhala"),
    ("ta", "Tamil", "Tamil"),
    ("ka", "Georgiano", "Georgian"),
    ("ha", "Hausa", "Hausa"),
    ("bm", "Bambara", "Bambara"),
    ("ff", "Fula", "Fula"),
];

/// A language's name in the interface's language; the code itself when not in [`LANGUAGES`].
pub fn language_name(lang: Lang, code: &str) -> String {
    LANGUAGES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, it, en)| match lang {
            Lang::It => (*it).to_owned(),
            Lang::En => (*en).to_owned(),
        })
        .unwrap_or_else(|| code.to_owned())
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

/// The browser's local time (people work in Italy; chrono has no clock on wasm32).
pub fn now_local() -> NaiveDateTime {
    let d = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .and_then(|day| day.and_hms_opt(d.get_hours(), d.get_minutes(), d.get_seconds()))
        .unwrap_or_default()
}

/// Today, local.
pub fn today() -> NaiveDate {
    now_local().date()
}

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
        (None, _, Some(d)) => format!("{} {}", text(lang, "req.due_by"), fmt_date(d)),
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

/// A language: a select of the common ones, or another ISO 639 code typed in.
#[component]
pub fn LanguageField(
    /// Element id (the code input is `{id}-code`, the error `{id}-error`).
    #[prop(into)]
    id: String,
    /// Label key.
    label: &'static str,
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
    let known = |c: &str| LANGUAGES.iter().any(|(k, _, _)| *k == c);
    let initial = value.get_untracked();
    let other = RwSignal::new(!initial.is_empty() && !known(&initial));
    let err_id = format!("{id}-error");
    let code_err_id = err_id.clone();
    let code_id = format!("{id}-code");
    let choice = move || {
        if other.get() {
            "other".to_owned()
        } else {
            value.get()
        }
    };
    let invalid = move || {
        if error.with(Option::is_some) {
            "true"
        } else {
            "false"
        }
    };
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id.clone()>{move || i.t(label)} {required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            <select id=id.clone() name=id aria-invalid=invalid aria-describedby=err_id.clone() required=required
                prop:value=choice
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if v == "other" {
                        other.set(true);
                        value.set(String::new());
                    } else {
                        other.set(false);
                        value.set(v);
                    }
                }>
                <option value="" selected=move || choice().is_empty()>{move || i.t("lang.choose")}</option>
                {move || language_options(i.lang.get()).into_iter().map(|(v, l)| {
                    let v2 = v.clone();
                    view! { <option value=v selected=move || choice() == v2>{l}</option> }
                }).collect_view()}
                <option value="other" selected=move || other.get()>{move || i.t("lang.other")}</option>
            </select>
            <Show when=move || other.get()>
                <label for=code_id.clone()>{move || i.t("lang.code")}</label>
                <input id=code_id.clone() type="text" maxlength="3" autocomplete="off" aria-invalid=invalid aria-describedby=code_err_id.clone()
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev).trim().to_lowercase()) />
            </Show>
            <p class="error" id=err_id role="alert">{move || error.get()}</p>
        </div>
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
    let load = move |reset: bool| list.load("/api/v1/requests?limit=50".to_owned(), !reset);
    load(true);
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t("req.title")}</h1>
            <Show when=move || s.is(REQUESTERS)>
                <A href="/requests/new" attr:class="btn btn-primary">{move || i.t("req.new")}</A>
            </Show>
        </div>
        {move || error.get().map(|e| view! { <ErrorView error=e retry=Callback::new(move |_| load(true)) /> })}
        <Show when=move || loading.get()><Loading /></Show>
        <Show when=move || !loading.get() && error.with(Option::is_none) && items.with(Vec::is_empty)><Empty /></Show>
        <Show when=move || items.with(|v| !v.is_empty())>
            <table class="table">
                <caption class="visually-hidden">{move || i.t("req.title")}</caption>
                <thead><tr>
                    <th scope="col">{move || i.t("req.reference")}</th>
                    <th scope="col">{move || i.t("req.kind")}</th>
                    <th scope="col">{move || i.t("req.language")}</th>
                    <th scope="col">{move || i.t("req.municipality")}</th>
                    <th scope="col">{move || i.t("req.when")}</th>
                    <th scope="col">{move || i.t("req.status")}</th>
                    <th scope="col">{move || i.t("req.urgency")}</th>
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

/// The board's filters, as they appear in the URL.
const FILTERS: &[&str] = &["municipality_id", "language", "kind", "from", "to"];

/// The columns of open requests, in the order work flows.
const OPEN: &[RequestStatus] = &[
    RequestStatus::Submitted,
    RequestStatus::Approved,
    RequestStatus::Assigned,
    RequestStatus::Confirmed,
];

/// The API query of one part of the board.
fn board_query(statuses: &str, limit: u32, get: impl Fn(&str) -> String) -> String {
    let mut path = format!("/api/v1/requests?limit={limit}&status={statuses}");
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
        path.push_str(&format!("&{k}={}", enc(&v)));
    }
    path
}

/// The coordinators' board: a column per open status, and the closed requests folded away.
#[component]
fn Board() -> impl IntoView {
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
    let open = LocalResource::new(move || {
        let path = board_query("submitted,approved,assigned,confirmed", 200, param);
        async move { api::get::<Page<ServiceRequest>>(&path).await }
    });
    let closed = LocalResource::new(move || {
        let path = board_query("completed,cancelled,rejected", 50, param);
        async move { api::get::<Page<ServiceRequest>>(&path).await }
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
        let mut v = vec![(String::new(), text(lang, "app.all").to_owned())];
        v.extend(my_municipalities(
            s,
            municipalities.get().and_then(|r| r.ok()),
        ));
        v
    });
    let lang_options = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, "app.all").to_owned())];
        v.extend(language_options(lang));
        v
    });
    let kinds = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, "app.all").to_owned())];
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
            <h1 tabindex="-1">{move || i.t("req.board")}</h1>
            <A href="/requests/new" attr:class="btn btn-primary">{move || i.t("req.new")}</A>
        </div>
        <form class="filters" role="search" aria-label=move || i.t("app.filters") on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); apply(); }>
            <SelectField id="municipality_id" label="req.municipality" value=municipality options=mun_options />
            <SelectField id="language" label="req.language" value=language options=lang_options />
            <SelectField id="kind" label="req.kind" value=kind options=kinds />
            <TextField id="from" label="req.from" kind="date" value=from error=no_error />
            <TextField id="to" label="req.to" kind="date" value=to error=no_error />
            <button type="submit" class="btn">{move || i.t("app.search")}</button>
        </form>
        <Transition fallback=|| view! { <Loading /> }>
            {move || open.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| open.refetch()) /> }.into_any(),
                Ok(page) => {
                    let more = page.next_cursor.is_some();
                    view! {
                        {more.then(|| view! { <p class="alert alert-info" role="status">{move || i.t("req.board_truncated")}</p> })}
                        <div class="board">
                            {OPEN.iter().map(|st| {
                                let st = *st;
                                let cards: Vec<ServiceRequest> = page.items.iter().filter(|r| r.status == st).cloned().collect();
                                let n = cards.len();
                                let title_id = format!("col-{}", st.as_str());
                                let label_id = title_id.clone();
                                view! {
                                    <section class="board-col" aria-labelledby=label_id>
                                        <h2 id=title_id>{move || i.t(status_key(st))} " " <span class="count">{format!("({n})")}</span></h2>
                                        <BoardCards items=cards show_status=false />
                                    </section>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
            })}
        </Transition>
        <Transition fallback=|| view! { <Loading /> }>
            {move || closed.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| closed.refetch()) /> }.into_any(),
                Ok(page) => {
                    let n = page.items.len();
                    let more = page.next_cursor.is_some();
                    view! {
                        <section class="board-closed" aria-labelledby="col-closed">
                            <h2 id="col-closed">{move || i.t("req.closed")} " " <span class="count">{format!("({n}{})", if more { "+" } else { "" })}</span></h2>
                            <details>
                                <summary>{move || i.t("req.show_closed")}</summary>
                                <BoardCards items=page.items show_status=true />
                            </details>
                        </section>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// The cards of one board column.
#[component]
fn BoardCards(items: Vec<ServiceRequest>, show_status: bool) -> impl IntoView {
    let i = use_i18n();
    if items.is_empty() {
        return view! { <p class="muted">{move || i.t("req.none_here")}</p> }.into_any();
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
                            {(r.urgency == Urgency::Urgent).then(|| view! { <span class="badge badge-danger">{move || i.t("urgency.urgent")}</span> })}
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
                {move || if remote { Some(format!(" · {}", i.t("req.remote_short"))) } else { place.clone().map(|p| format!(" · {p}")) }}
            </p>
        </li>
    }
}
