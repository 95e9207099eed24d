//! One case: the person in short, the status bar with the allowed next steps, the documents
//! checklist, the timeline with its add-event form, and the referrals to other offices.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lumit_shared::case::{
    Case, CaseCategory, CaseEvent, CasePatch, CaseStatus, EventEdit, EventKind, NewCaseEvent,
    NewReferral, OfficeKind, Outcome, Referral, ReferralAnswer, Transition,
};
use lumit_shared::person::Person;
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::app::RoleGate;
use crate::components::{
    error_message, field_error, Empty, ErrorView, FormStatus, Loading, SelectField, TextField,
};
use crate::i18n::{fmt_datetime, text, use_i18n, Lang};
use crate::pages::cases::{event_key, outcome_key, status_key};

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

fn office_key(o: OfficeKind) -> &'static str {
    match o {
        OfficeKind::Questura => "office.questura",
        OfficeKind::Prefettura => "office.prefettura",
        OfficeKind::Asl => "office.asl",
        OfficeKind::Inps => "office.inps",
        OfficeKind::School => "office.school",
        OfficeKind::SocialServices => "office.social_services",
        OfficeKind::Desk => "office.desk",
        OfficeKind::Other => "office.other",
    }
}

async fn load(id: String) -> Result<CaseData, ApiError> {
    let case: Case = api::get(&format!("/api/v1/cases/{id}")).await?;
    let events: Vec<CaseEvent> = api::get(&format!("/api/v1/cases/{id}/events")).await?;
    let referrals: Vec<Referral> = api::get(&format!("/api/v1/cases/{id}/referrals")).await?;
    let categories: Vec<CaseCategory> = api::get("/api/v1/case-categories")
        .await
        .unwrap_or_default();
    // A person merged or out of reach still leaves the case readable.
    let person = api::get::<Person>(&format!("/api/v1/people/{}", case.person_id))
        .await
        .ok();
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
                Err(e) => view! { <h1 tabindex="-1">{move || i.t("cases.title")}</h1><ErrorView error=e retry=reload /> }.into_any(),
                Ok(d) => {
                    let c = d.case.clone();
                    let opened = c.opened_at;
                    let checked = checked_documents(&d.events);
                    let names = d.category_name.clone();
                    view! {
                        <h1 tabindex="-1">{c.reference.clone()} " — " {c.person_name.clone()}</h1>
                        <dl class="facts">
                            <div><dt>{move || i.t("cases.status")}</dt><dd data-testid="case-status">{move || i.t(status_key(c.status))}</dd></div>
                            <div><dt>{move || i.t("cases.outcome")}</dt><dd>{move || c.outcome.map(|o| i.t(outcome_key(o))).unwrap_or("—")}</dd></div>
                            <div><dt>{move || i.t("cases.summary")}</dt><dd>{c.summary.clone()}</dd></div>
                            <div><dt>{move || i.t("cases.category")}</dt><dd>{move || pick(i.lang.get(), &names)}</dd></div>
                            <div><dt>{move || i.t("cases.opened")}</dt><dd>{move || fmt_datetime(i.lang.get(), &opened)}</dd></div>
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
        None => "cases.nobody",
        Some(id) if id == me => "cases.you",
        Some(_) => "cases.someone_else",
    };
    let mine = case.assigned_to_id.as_deref() == Some(me.as_str());
    let err = RwSignal::new(None::<ApiError>);
    let take = move |_| {
        let path = format!("/api/v1/cases/{}", case.id);
        let body = CasePatch {
            assigned_to_id: Some(Some(me.clone())),
            ..Default::default()
        };
        spawn_local(async move {
            match api::patch::<_, Case>(&path, &body, None).await {
                Ok(_) => reload.run(()),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let msg =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <p class="assignment">
            <strong>{move || i.t("cases.assigned_to")}</strong> ": " <span data-testid="case-assignee">{move || i.t(who)}</span> " "
            {(!mine && case.status != CaseStatus::Closed).then(|| view! {
                <button type="button" class="btn" on:click=take.clone()>{move || i.t("cases.take")}</button>
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
            <h2 id="person-title">{move || i.t("cases.person")}</h2>
            <p><A href=format!("/people/{}", case.person_id)>{case.person_name.clone()}</A></p>
            <dl class="facts">
                <div><dt>{move || i.t("person.citizenship")}</dt><dd>{citizenship.unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{move || i.t("person.permit_expiry")}</dt><dd>{expiry.unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{move || i.t("person.phone")}</dt><dd>{phone.unwrap_or_else(|| "—".into())}</dd></div>
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
            match api::post::<_, Case>(&format!("/api/v1/cases/{id}/transitions"), &body).await {
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
                e.field("note")
                    .or(e.field("outcome"))
                    .unwrap_or_else(|| error_message(i.lang.get(), e))
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
            <h2 id="workflow-title">{move || i.t("cases.move_to")}</h2>
            <FormStatus error=msg />
            <TextField id="move_note" label="cases.transition_note" value=move_note error=Signal::derive(|| None::<String>) />
            {closing.then(|| view! { <SelectField id="outcome" label="cases.outcome" value=outcome options=outcomes /> })}
            <div class="actions">
                {next.into_iter().map(|to| {
                    let go = go.clone();
                    view! {
                        <button type="button" class="btn" disabled=move || busy.get() on:click=move |_| go(to)>
                            {move || format!("{} «{}»", i.t("cases.move_to"), i.t(status_key(to)))}
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
            <h2 id="checklist-title">{move || i.t("cases.checklist")}</h2>
            {if items.is_empty() {
                view! { <p class="muted">{move || i.t("cases.no_checklist")}</p> }.into_any()
            } else {
                view! {
                    <p role="status">{format!("{done} / {total}")} " " {move || i.t("cases.checked")}</p>
                    <ul class="checklist">
                        {items.into_iter().map(|d| {
                            let ok = checked.contains(&d);
                            view! {
                                <li class:done=ok>
                                    {d}
                                    <span class="visually-hidden">{move || if ok { i.t("cases.doc_ok") } else { i.t("cases.doc_missing") }}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// The timeline and the form that adds to it.
#[component]
fn Timeline(
    case_id: String,
    events: Vec<CaseEvent>,
    checklist: Vec<String>,
    reload: Callback<()>,
) -> impl IntoView {
    let i = use_i18n();
    let case_id2 = case_id.clone();
    let kind = RwSignal::new("note".to_owned());
    let note = RwSignal::new(String::new());
    let minutes = RwSignal::new(String::new());
    let when = RwSignal::new(String::new());
    let place = RwSignal::new(String::new());
    let ticks: Vec<(String, RwSignal<bool>)> = checklist
        .iter()
        .map(|d| (d.clone(), RwSignal::new(false)))
        .collect();
    let err = RwSignal::new(None::<ApiError>);
    let local_err = RwSignal::new(None::<String>);
    let submit = {
        let ticks = ticks.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let k = EventKind::parse(&kind.get_untracked()).unwrap_or(EventKind::Note);
            let m = minutes.get_untracked();
            let minutes_value = if m.trim().is_empty() {
                None
            } else {
                match m.trim().parse::<i32>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        local_err.set(Some(i.t("cases.minutes_number").to_owned()));
                        return;
                    }
                }
            };
            local_err.set(None);
            let data = match k {
                EventKind::DocumentCheck => serde_json::json!({
                    "checked": ticks.iter().filter(|(_, t)| t.get_untracked()).map(|(d, _)| d.clone()).collect::<Vec<_>>()
                }),
                EventKind::Appointment => serde_json::json!({
                    "at": when.get_untracked(), "place": place.get_untracked()
                }),
                _ => serde_json::Value::Null,
            };
            let body = NewCaseEvent {
                kind: k,
                note: note.get_untracked(),
                minutes: minutes_value,
                data,
            };
            let id = case_id.clone();
            let ticks = ticks.clone();
            spawn_local(async move {
                match api::post::<_, CaseEvent>(&format!("/api/v1/cases/{id}/events"), &body).await
                {
                    Ok(_) => {
                        err.set(None);
                        note.set(String::new());
                        minutes.set(String::new());
                        ticks.iter().for_each(|(_, t)| t.set(false));
                        reload.run(());
                    }
                    Err(e) => err.set(Some(e)),
                }
            });
        }
    };
    let kinds = Signal::derive(move || {
        let lang = i.lang.get();
        [
            EventKind::Note,
            EventKind::Intervention,
            EventKind::PhoneCall,
            EventKind::DocumentCheck,
            EventKind::Appointment,
        ]
        .iter()
        .map(|k| (k.as_str().to_owned(), text(lang, event_key(*k)).to_owned()))
        .collect()
    });
    let msg = Signal::derive(move || {
        local_err
            .get()
            .or_else(|| err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))))
    });
    let minutes_err = Signal::derive(move || {
        local_err
            .get()
            .or_else(|| err.with(|e| e.as_ref().and_then(|e| e.field("minutes"))))
    });
    let is = move |k: &'static str| kind.with(|v| v == k);
    let me = crate::session::use_session()
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.id.clone()))
        .unwrap_or_default();
    view! {
        <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">{move || i.t("cases.timeline")}</h2>
            {if events.is_empty() { view! { <Empty /> }.into_any() } else { view! {
                <ol class="timeline">
                    {events.into_iter().map(|e| {
                        let at = e.at;
                        let extra = match e.kind {
                            EventKind::DocumentCheck => e.data.get("checked").and_then(|c| c.as_array()).map(|a| {
                                a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                            }),
                            EventKind::Appointment => Some(format!(
                                "{} {}",
                                e.data.get("at").and_then(|v| v.as_str()).unwrap_or_default().replace('T', " "),
                                e.data.get("place").and_then(|v| v.as_str()).unwrap_or_default()
                            )).filter(|s| !s.trim().is_empty()),
                            _ => None,
                        };
                        // A workflow step reads "Aperta → In lavorazione".
                        let step = (e.kind == EventKind::StatusChange).then(|| {
                            let st = |k: &str| e.data.get(k).and_then(|v| v.as_str()).and_then(CaseStatus::parse);
                            (st("from"), st("to"))
                        });
                        view! {
                            <li>
                                <p>
                                    <strong>{move || i.t(event_key(e.kind))}</strong> " · " {move || fmt_datetime(i.lang.get(), &at)} " · " {e.author_name.clone().unwrap_or_default()}
                                    {e.minutes.map(|m| view! { " · " {m} " " {move || i.t("cases.min")} })}
                                </p>
                                {step.map(|(from, to)| view! {
                                    <p>{move || from.map(|f| i.t(status_key(f))).unwrap_or("—")} " → " {move || to.map(|t| i.t(status_key(t))).unwrap_or("—")}</p>
                                })}
                                {(!e.note.is_empty()).then(|| view! { <p>{e.note.clone()}</p> })}
                                {extra.map(|x| view! { <p class="muted">{x}</p> })}
                                {e.edited_at.map(|_| view! { <p class="muted">{move || i.t("cases.edited")}</p> })}
                                {(!e.previous.is_empty()).then(|| view! {
                                    <details class="previous">
                                        <summary>{move || i.t("cases.previous")} " (" {e.previous.len()} ")"</summary>
                                        <ol>
                                            {e.previous.iter().map(|p| {
                                                let at = p.replaced_at;
                                                view! {
                                                    <li>
                                                        <p>{p.note.clone()}</p>
                                                        <p class="muted">{move || i.t("cases.replaced_by")} " " {p.edited_by_name.clone().unwrap_or_default()} " · " {move || fmt_datetime(i.lang.get(), &at)}</p>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ol>
                                    </details>
                                })}
                                {editable(&e, &me).then(|| view! { <NoteEdit case_id=case_id2.clone() event=e.clone() reload=reload /> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any() }}
            <form class="form" on:submit=submit novalidate aria-labelledby="add-event-title">
                <h3 id="add-event-title">{move || i.t("cases.new_entry")}</h3>
                <FormStatus error=msg />
                <SelectField id="event_kind" label="cases.kind" value=kind options=kinds />
                <TextField id="note" label="cases.note" value=note error=field_error(err, "note") />
                <Show when=move || is("intervention") || is("phone_call")>
                    <TextField id="minutes" label="cases.minutes" kind="number" value=minutes error=minutes_err />
                </Show>
                <Show when=move || is("appointment")>
                    <TextField id="appointment_at" label="cases.appointment_at" kind="datetime-local" value=when error=Signal::derive(|| None::<String>) />
                    <TextField id="appointment_place" label="cases.appointment_place" value=place error=Signal::derive(|| None::<String>) />
                </Show>
                {
                    let ticks = ticks.clone();
                    view! {
                        <Show when=move || is("document_check")>
                            <fieldset>
                                <legend>{move || i.t("cases.checklist")}</legend>
                                {ticks.iter().enumerate().map(|(n, (d, t))| {
                                    let t = *t;
                                    view! { <crate::components::CheckField id=format!("doc-{n}") label=d.clone() checked=t /> }
                                }).collect_view()}
                            </fieldset>
                        </Show>
                    }
                }
                <button type="submit" class="btn btn-primary">{move || i.t("cases.add_event")}</button>
            </form>
        </section>
    }
}

/// An entry its author may still correct (`CaseEvent::may_edit`, the server's rule).
fn editable(e: &CaseEvent, me: &str) -> bool {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
        .is_some_and(|now| e.may_edit(me, now).is_ok())
}

/// Corrects a note: a disclosure with the text and a save button.
#[component]
fn NoteEdit(case_id: String, event: CaseEvent, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let open = RwSignal::new(false);
    let text_value = RwSignal::new(event.note.clone());
    let err = RwSignal::new(None::<ApiError>);
    let field_id = format!("edit-{}", event.id);
    let path = format!("/api/v1/cases/{case_id}/events/{}", event.id);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = EventEdit {
            note: text_value.get_untracked(),
        };
        let path = path.clone();
        spawn_local(async move {
            match api::patch::<_, CaseEvent>(&path, &body, None).await {
                Ok(_) => reload.run(()),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let msg = Signal::derive(move || {
        err.with(|e| {
            e.as_ref().map(|e| {
                e.field("note")
                    .unwrap_or_else(|| error_message(i.lang.get(), e))
            })
        })
    });
    view! {
        <button type="button" class="btn btn-ghost" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
            {move || i.t("cases.edit_note")}
        </button>
        <Show when=move || open.get()>
            <form class="inline-form" on:submit=save.clone() novalidate>
                <label for=field_id.clone()>{move || i.t("cases.note")}</label>
                <input id=field_id.clone() type="text" prop:value=move || text_value.get() on:input=move |ev| text_value.set(event_target_value(&ev)) />
                <button type="submit" class="btn">{move || i.t("app.save")}</button>
                <p class="error" role="alert">{move || msg.get()}</p>
            </form>
        </Show>
    }
}

/// Referrals to other offices: the list, the answer when it comes, a new referral.
#[component]
fn Referrals(case_id: String, referrals: Vec<Referral>, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let office = RwSignal::new("questura".to_owned());
    let reason = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    // chrono has no clock on wasm32: ask the browser.
    let now = js_sys::Date::new_0();
    let today = chrono::NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default();
    let submit = {
        let case_id = case_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let body = NewReferral {
                office_kind: OfficeKind::parse(&office.get_untracked())
                    .unwrap_or(OfficeKind::Other),
                target_municipality_id: None,
                reason: reason.get_untracked(),
                follow_up_date: chrono::NaiveDate::parse_from_str(
                    &follow_up.get_untracked(),
                    "%Y-%m-%d",
                )
                .ok(),
            };
            let id = case_id.clone();
            spawn_local(async move {
                match api::post::<_, Referral>(&format!("/api/v1/cases/{id}/referrals"), &body)
                    .await
                {
                    Ok(_) => {
                        err.set(None);
                        reason.set(String::new());
                        follow_up.set(String::new());
                        reload.run(());
                    }
                    Err(e) => err.set(Some(e)),
                }
            });
        }
    };
    let offices = Signal::derive(move || {
        let lang = i.lang.get();
        OfficeKind::ALL
            .iter()
            .map(|o| (o.as_str().to_owned(), text(lang, office_key(*o)).to_owned()))
            .collect()
    });
    let msg =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <section aria-labelledby="referrals-title">
            <h2 id="referrals-title">{move || i.t("cases.referrals")}</h2>
            {if referrals.is_empty() { view! { <Empty /> }.into_any() } else { view! {
                <ul class="rows">
                    {referrals.into_iter().map(|r| {
                        let overdue = r.answer.is_none() && r.follow_up_date.is_some_and(|d| d < today);
                        let follow = r.follow_up_date.map(|d| d.format("%d/%m/%Y").to_string());
                        let answered = r.answer.clone();
                        view! {
                            <li>
                                <p>
                                    <strong>{move || i.t(office_key(r.office_kind))}</strong> " · " {r.reason.clone()}
                                    {follow.map(|f| view! { " · " {move || i.t("cases.follow_up")} " " {f.clone()} })}
                                    {overdue.then(|| view! { " " <span class="badge badge-danger">{move || i.t("cases.overdue")}</span> })}
                                </p>
                                {match answered {
                                    Some(a) => view! { <p><em>{move || i.t("cases.answer")}</em> ": " {a}</p> }.into_any(),
                                    None => view! { <AnswerForm case_id=case_id.clone() referral_id=r.id.clone() reload=reload /> }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any() }}
            <form class="form" on:submit=submit novalidate aria-labelledby="new-referral-title">
                <h3 id="new-referral-title">{move || i.t("cases.new_referral")}</h3>
                <FormStatus error=msg />
                <SelectField id="office_kind" label="cases.office" value=office options=offices />
                <TextField id="referral_reason" label="cases.reason" value=reason error=field_error(err, "reason") required=true />
                <TextField id="follow_up_date" label="cases.follow_up" kind="date" value=follow_up error=field_error(err, "follow_up_date") />
                <button type="submit" class="btn btn-primary">{move || i.t("cases.refer")}</button>
            </form>
        </section>
    }
}

/// Records what the office answered.
#[component]
fn AnswerForm(case_id: String, referral_id: String, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let answer = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let field_id = format!("answer-{referral_id}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ReferralAnswer {
            answer: answer.get_untracked(),
        };
        let path = format!("/api/v1/cases/{case_id}/referrals/{referral_id}/answer");
        spawn_local(async move {
            match api::post::<_, Referral>(&path, &body).await {
                Ok(_) => {
                    err.set(None);
                    reload.run(());
                }
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let msg = Signal::derive(move || {
        err.with(|e| {
            e.as_ref().map(|e| {
                e.field("answer")
                    .unwrap_or_else(|| error_message(i.lang.get(), e))
            })
        })
    });
    view! {
        <form class="inline-form" on:submit=submit novalidate>
            <label for=field_id.clone()>{move || i.t("cases.answer")}</label>
            <input id=field_id.clone() type="text" prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev)) />
            <button type="submit" class="btn">{move || i.t("cases.record_answer")}</button>
            <p class="error" role="alert">{move || msg.get()}</p>
        </form>
    }
}
