//! One case: the person in short, the status bar with the allowed next steps, the documents
//! checklist, the timeline with its add-event form, and the referrals to other offices.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lumit_shared::case::{
    Case, CaseCategory, CaseEvent, CasePatch, CaseStatus, EventKind, OfficeKind, Outcome, Referral,
    Transition,
};
use lumit_shared::person::Person;
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{error_message, ErrorView, FormStatus, Loading, SelectField, TextField};
use crate::guard::RoleGate;
use crate::i18n::{fmt_datetime, text, use_i18n, Lang};
use crate::pages::cases::{outcome_key, status_key};

mod referrals;
mod timeline;

pub use referrals::*;
pub use timeline::*;

const STAFF: &[Role] = &[Role::Admin, Role::Coordinator, Role::Operator];

/// Everything the page shows, loaded together.
#[derive(Clone)]
struct CaseData {
    case: Case,
    person: Option<Person>,
    events: Vec<CaseEvent>,
    referrals: Vec<Referral>,
    checklist: Vec<String>,
    category_name: (String, String),
}

/// The case page.
#[component]
pub fn Detail() -> impl IntoView {
    view! { <RoleGate roles=STAFF><CaseDetail /></RoleGate> }
}

fn office_key(o: OfficeKind) -> crate::i18n::Key {
    match o {
        OfficeKind::Questura => k!("office.questura"),
        OfficeKind::Prefettura => k!("office.prefettura"),
        OfficeKind::Asl => k!("office.asl"),
        OfficeKind::Inps => k!("office.inps"),
        OfficeKind::School => k!("office.school"),
        OfficeKind::SocialServices => k!("office.social_services"),
        OfficeKind::Desk => k!("office.desk"),
        OfficeKind::Other => k!("office.other"),
    }
}

async fn load(id: String) -> Result<CaseData, ApiError> {
    let case: Case = api::cases::get(&id).await?;
    let events: Vec<CaseEvent> = api::cases::events(&id).await?;
    let referrals: Vec<Referral> = api::referrals::of_case(&id).await?;
    let categories: Vec<CaseCategory> = api::cases::categories().await.unwrap_or_default();
    // A person merged or out of reach still leaves the case readable.
    let person = api::people::get(&case.person_id).await.ok();
    let of = |id: &str| categories.iter().find(|c| c.id == id);
    let mut checklist = of(&case.category_id)
        .map(|c| c.checklist.clone())
        .unwrap_or_default();
    let shown = case.subcategory_id.as_deref().unwrap_or(&case.category_id);
    if let Some(sub) = case.subcategory_id.as_deref().and_then(of) {
        checklist.extend(sub.checklist.iter().cloned());
    }
    checklist.dedup();
    let category_name = of(shown)
        .map(|c| (c.name_it.clone(), c.name_en.clone()))
        .unwrap_or_else(|| (shown.to_owned(), shown.to_owned()));
    Ok(CaseData {
        case,
        person,
        events,
        referrals,
        checklist,
        category_name,
    })
}

/// The documents already checked, from the timeline's document checks.
fn checked_documents(events: &[CaseEvent]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.kind == EventKind::DocumentCheck)
        .filter_map(|e| e.data.get("checked").and_then(|c| c.as_array()).cloned())
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn pick(lang: Lang, names: &(String, String)) -> String {
    match lang {
        Lang::It => names.0.clone(),
        Lang::En => names.1.clone(),
    }
}

#[component]
fn CaseDetail() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = LocalResource::new(move || load(id()));
    let reload = Callback::new(move |_| data.refetch());
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <h1 tabindex="-1">{move || i.t(k!("cases.title"))}</h1><ErrorView error=e retry=reload /> }.into_any(),
                Ok(d) => {
                    let c = d.case.clone();
                    let opened = c.opened_at;
                    let checked = checked_documents(&d.events);
                    let names = d.category_name.clone();
                    view! {
                        <h1 tabindex="-1">{c.reference.clone()} " — " {c.person_name.clone()}</h1>
                        <dl class="facts">
                            <div><dt>{move || i.t(k!("cases.status"))}</dt><dd data-testid="case-status">{move || i.t(status_key(c.status))}</dd></div>
                            <div><dt>{move || i.t(k!("cases.outcome"))}</dt><dd>{move || c.outcome.map(|o| i.t(outcome_key(o))).unwrap_or("—")}</dd></div>
                            <div><dt>{move || i.t(k!("cases.summary"))}</dt><dd>{c.summary.clone()}</dd></div>
                            <div><dt>{move || i.t(k!("cases.category"))}</dt><dd>{move || pick(i.lang.get(), &names)}</dd></div>
                            <div><dt>{move || i.t(k!("cases.opened"))}</dt><dd>{move || fmt_datetime(i.lang.get(), &opened)}</dd></div>
                        </dl>
                        <Assignment case=d.case.clone() reload=reload />
                        <PersonSummary case=d.case.clone() person=d.person.clone() />
                        <StatusBar case=d.case.clone() reload=reload />
                        <Checklist items=d.checklist.clone() checked=checked.clone() />
                        <Timeline case_id=c.id.clone() events=d.events.clone() checklist=d.checklist.clone() reload=reload />
                        <Referrals case_id=c.id.clone() referrals=d.referrals.clone() reload=reload />
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// Who works the case; an operator takes an unassigned (or someone else's) case in hand.
#[component]
fn Assignment(case: Case, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let session = crate::session::use_session();
    let me = session
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.id.clone()))
        .unwrap_or_default();
    let who = match case.assigned_to_id.as_deref() {
        None => k!("cases.nobody"),
        Some(id) if id == me => k!("cases.you"),
        Some(_) => k!("cases.someone_else"),
    };
    let mine = case.assigned_to_id.as_deref() == Some(me.as_str());
    let err = RwSignal::new(None::<ApiError>);
    let take = move |_| {
        let case_id = case.id.clone();
        let body = CasePatch {
            assigned_to_id: Some(Some(me.clone())),
            ..Default::default()
        };
        spawn_local(async move {
            match api::cases::update(&case_id, &body).await {
                Ok(_) => reload.run(()),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let msg =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <p class="assignment">
            <strong>{move || i.t(k!("cases.assigned_to"))}</strong> ": " <span data-testid="case-assignee">{move || i.t(who)}</span> " "
            {(!mine && case.status != CaseStatus::Closed).then(|| view! {
                <button type="button" class="btn" on:click=take.clone()>{move || i.t(k!("cases.take"))}</button>
            })}
        </p>
        <FormStatus error=msg />
    }
}

/// The person in short, with a link to their page.
#[component]
fn PersonSummary(case: Case, person: Option<Person>) -> impl IntoView {
    let i = use_i18n();
    let expiry = person
        .as_ref()
        .and_then(|p| p.permit_expiry)
        .map(|d| d.format("%d/%m/%Y").to_string());
    let citizenship = person.as_ref().and_then(|p| p.citizenship.clone());
    let phone = person.as_ref().and_then(|p| p.phone.clone());
    view! {
        <section class="card" aria-labelledby="person-title">
            <h2 id="person-title">{move || i.t(k!("cases.person"))}</h2>
            <p><A href=format!("/people/{}", case.person_id)>{case.person_name.clone()}</A></p>
            <dl class="facts">
                <div><dt>{move || i.t(k!("person.citizenship"))}</dt><dd>{move || crate::pickers::country_label(i.lang.get(), citizenship.as_deref())}</dd></div>
                <div><dt>{move || i.t(k!("person.permit_expiry"))}</dt><dd>{expiry.unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{move || i.t(k!("person.phone"))}</dt><dd>{phone.unwrap_or_else(|| "—".into())}</dd></div>
            </dl>
        </section>
    }
}

/// The allowed next steps of the workflow.
#[component]
fn StatusBar(case: Case, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let outcome = RwSignal::new("resolved".to_owned());
    let move_note = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let id = case.id.clone();
    let go = move |to: CaseStatus| {
        busy.set(true);
        let body = Transition {
            to,
            note: Some(move_note.get_untracked()).filter(|n| !n.trim().is_empty()),
            outcome: (to == CaseStatus::Closed)
                .then(|| Outcome::parse(&outcome.get_untracked()))
                .flatten(),
        };
        let id = id.clone();
        spawn_local(async move {
            match api::cases::transition(&id, &body).await {
                Ok(_) => {
                    err.set(None);
                    move_note.set(String::new());
                    reload.run(());
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let outcomes = Signal::derive(move || {
        let lang = i.lang.get();
        Outcome::ALL
            .iter()
            .map(|o| {
                (
                    o.as_str().to_owned(),
                    text(lang, outcome_key(*o)).to_owned(),
                )
            })
            .collect()
    });
    let msg = Signal::derive(move || {
        err.with(|e| {
            e.as_ref().map(|e| {
                e.field("note").or(e.field("outcome")).map_or_else(
                    || error_message(i.lang.get(), e),
                    |f| crate::components::field_text(i.lang.get(), f),
                )
            })
        })
    });
    // Only the steps the rules allow to this person (an operator doesn't see "reopen").
    let role = crate::session::use_session().role();
    let next = case
        .status
        .steps(|a| role.is_some_and(|r| a.allowed_for(r)));
    if next.is_empty() {
        return ().into_any();
    }
    let closing = next.contains(&CaseStatus::Closed);
    view! {
        <section class="card" aria-labelledby="workflow-title">
            <h2 id="workflow-title">{move || i.t(k!("cases.move_to"))}</h2>
            <FormStatus error=msg />
            <TextField id="move_note" label=k!("cases.transition_note") value=move_note error=Signal::derive(|| None::<String>) />
            {closing.then(|| view! { <SelectField id="outcome" label=k!("cases.outcome") value=outcome options=outcomes /> })}
            <div class="actions">
                {next.into_iter().map(|to| {
                    let go = go.clone();
                    view! {
                        <button type="button" class="btn" disabled=move || busy.get() on:click=move |_| go(to)>
                            {move || format!("{} «{}»", i.t(k!("cases.move_to")), i.t(status_key(to)))}
                        </button>
                    }
                }).collect_view()}
            </div>
        </section>
    }
    .into_any()
}

/// The category's documents, ticked when a document check recorded them.
#[component]
fn Checklist(items: Vec<String>, checked: Vec<String>) -> impl IntoView {
    let i = use_i18n();
    let done = items.iter().filter(|d| checked.contains(d)).count();
    let total = items.len();
    view! {
        <section aria-labelledby="checklist-title">
            <h2 id="checklist-title">{move || i.t(k!("cases.checklist"))}</h2>
            {if items.is_empty() {
                view! { <p class="muted">{move || i.t(k!("cases.no_checklist"))}</p> }.into_any()
            } else {
                view! {
                    <p role="status">{format!("{done} / {total}")} " " {move || i.t(k!("cases.checked"))}</p>
                    <ul class="checklist">
                        {items.into_iter().map(|d| {
                            let ok = checked.contains(&d);
                            view! {
                                <li class:done=ok>
                                    {d}
                                    <span class="visually-hidden">{move || if ok { i.t(k!("cases.doc_ok")) } else { i.t(k!("cases.doc_missing")) }}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
