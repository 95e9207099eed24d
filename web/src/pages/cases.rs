//! Cases: the list with filters kept in the URL (so a filtered list can be bookmarked and
//! shared), and the case page with its workflow and timeline.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use lumit_shared::case::{
    Case, CaseEvent, CasePage, CaseStatus, EventKind, NewCaseEvent, Outcome, Transition,
};
use lumit_shared::user::Role;

use crate::api::{self, enc, ApiError};
use crate::app::RoleGate;
use crate::components::{
    error_message, field_error, Empty, ErrorView, FormStatus, Loading, SelectField, TextField,
};
use crate::i18n::{fmt_datetime, fmt_int, text, use_i18n};

fn status_key(s: CaseStatus) -> &'static str {
    match s {
        CaseStatus::Open => "status.open",
        CaseStatus::InProgress => "status.in_progress",
        CaseStatus::WaitingDocuments => "status.waiting_documents",
        CaseStatus::WaitingOffice => "status.waiting_office",
        CaseStatus::Closed => "status.closed",
    }
}

fn outcome_key(o: Outcome) -> &'static str {
    match o {
        Outcome::Resolved => "outcome.resolved",
        Outcome::PartlyResolved => "outcome.partly_resolved",
        Outcome::NotResolved => "outcome.not_resolved",
        Outcome::Withdrawn => "outcome.withdrawn",
        Outcome::ReferredElsewhere => "outcome.referred_elsewhere",
    }
}

fn event_key(k: EventKind) -> &'static str {
    match k {
        EventKind::Note => "event.note",
        EventKind::Intervention => "event.intervention",
        EventKind::PhoneCall => "event.phone_call",
        EventKind::DocumentCheck => "event.document_check",
        EventKind::Appointment => "event.appointment",
        EventKind::StatusChange => "event.status_change",
        EventKind::Referral => "event.referral",
    }
}

const STAFF: &[Role] = &[Role::Admin, Role::Coordinator, Role::Operator];

/// The case list.
#[component]
pub fn List() -> impl IntoView {
    view! { <RoleGate roles=STAFF><CaseList /></RoleGate> }
}

#[component]
fn CaseList() -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    // The form edits copies; submitting writes them into the URL, which drives the list.
    let q = RwSignal::new(param("q"));
    let status = RwSignal::new(param("status"));
    let assigned = RwSignal::new(param("assigned"));
    let data = LocalResource::new(move || {
        let mut path = "/api/v1/cases?limit=50&count=true".to_owned();
        for k in ["q", "status", "assigned", "cursor"] {
            let v = param(k);
            if !v.is_empty() {
                path.push_str(&format!("&{k}={}", enc(&v)));
            }
        }
        async move { api::get::<CasePage>(&path).await }
    });
    let apply = move || {
        let mut parts = Vec::new();
        for (k, v) in [
            ("q", q.get_untracked()),
            ("status", status.get_untracked()),
            ("assigned", assigned.get_untracked()),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", enc(v.trim())));
            }
        }
        let to = if parts.is_empty() {
            "/cases".to_owned()
        } else {
            format!("/cases?{}", parts.join("&"))
        };
        navigate(&to, Default::default());
    };
    let apply2 = apply.clone();
    Effect::new(move |prev: Option<()>| {
        status.track();
        assigned.track();
        if prev.is_some() {
            apply2();
        }
    });
    let statuses = Signal::derive(move || {
        let lang = i.lang.get();
        std::iter::once((String::new(), text(lang, "app.all").to_owned()))
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
            (String::new(), text(lang, "app.all").to_owned()),
            ("mine".to_owned(), text(lang, "cases.mine").to_owned()),
            (
                "unassigned".to_owned(),
                text(lang, "cases.unassigned").to_owned(),
            ),
        ]
    });
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t("cases.title")}</h1>
            <A href="/cases/new" attr:class="btn btn-primary">{move || i.t("new.title")}</A>
        </div>
        <form class="filters" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); apply(); }>
            <div class="field">
                <label for="q">{move || i.t("app.search")}</label>
                <input id="q" type="search" placeholder=move || i.t("cases.search_hint") prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
            </div>
            <SelectField id="status" label="cases.status" value=status options=statuses />
            <SelectField id="assigned" label="cases.assigned" value=assigned options=assignments />
            <button type="submit" class="btn">{move || i.t("app.search")}</button>
        </form>
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                Ok(page) if page.items.is_empty() => view! { <Empty /> }.into_any(),
                Ok(page) => {
                    let total = page.total.unwrap_or_default();
                    let next = page.next_cursor.clone();
                    view! {
                        <p role="status">{move || fmt_int(i.lang.get(), total)} " " {move || i.t("cases.total")}</p>
                        <table class="table">
                            <caption class="visually-hidden">{move || i.t("cases.title")}</caption>
                            <thead><tr>
                                <th scope="col">{move || i.t("cases.reference")}</th>
                                <th scope="col">{move || i.t("cases.person")}</th>
                                <th scope="col">{move || i.t("cases.summary")}</th>
                                <th scope="col">{move || i.t("cases.status")}</th>
                                <th scope="col">{move || i.t("cases.opened")}</th>
                            </tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|c| {
                                    let at = c.opened_at;
                                    view! {
                                        <tr>
                                            <td><A href=format!("/cases/{}", c.id)>{c.reference.clone()}</A></td>
                                            <td>{c.person_name.clone()}</td>
                                            <td>{c.summary.clone()}</td>
                                            <td>{move || i.t(status_key(c.status))}</td>
                                            <td>{move || fmt_datetime(i.lang.get(), &at)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        {next.map(|cur| {
                            let mut href = String::from("/cases?");
                            for k in ["q", "status", "assigned"] {
                                let v = param(k);
                                if !v.is_empty() { href.push_str(&format!("{k}={}&", enc(&v))); }
                            }
                            href.push_str(&format!("cursor={}", enc(&cur)));
                            view! { <A href=href attr:class="btn">{move || i.t("app.more")}</A> }
                        })}
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// One case: facts, the allowed next steps, the timeline and a note form.
#[component]
pub fn Detail() -> impl IntoView {
    view! { <RoleGate roles=STAFF><CaseDetail /></RoleGate> }
}

#[component]
fn CaseDetail() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = LocalResource::new(move || {
        let id = id();
        async move {
            let case: Case = api::get(&format!("/api/v1/cases/{id}")).await?;
            let events: Vec<CaseEvent> = api::get(&format!("/api/v1/cases/{id}/events")).await?;
            Ok::<_, ApiError>((case, events))
        }
    });
    let outcome = RwSignal::new("resolved".to_owned());
    let move_note = RwSignal::new(String::new());
    let action_err = RwSignal::new(None::<ApiError>);
    let note = RwSignal::new(String::new());
    let note_err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let go = move |to: CaseStatus| {
        busy.set(true);
        let body = Transition {
            to,
            note: Some(move_note.get_untracked()).filter(|n| !n.trim().is_empty()),
            outcome: (to == CaseStatus::Closed)
                .then(|| Outcome::parse(&outcome.get_untracked()))
                .flatten(),
        };
        let id = id();
        spawn_local(async move {
            match api::post::<_, Case>(&format!("/api/v1/cases/{id}/transitions"), &body).await {
                Ok(_) => {
                    action_err.set(None);
                    move_note.set(String::new());
                    data.refetch();
                }
                Err(e) => action_err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let add_note = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewCaseEvent {
            kind: EventKind::Note,
            note: note.get_untracked(),
            minutes: None,
            data: serde_json::Value::Null,
        };
        let id = id();
        spawn_local(async move {
            match api::post::<_, CaseEvent>(&format!("/api/v1/cases/{id}/events"), &body).await {
                Ok(_) => {
                    note_err.set(None);
                    note.set(String::new());
                    data.refetch();
                }
                Err(e) => note_err.set(Some(e)),
            }
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
    let action_msg = Signal::derive(move || {
        action_err.with(|e| {
            e.as_ref().map(|e| {
                e.field("note")
                    .or(e.field("outcome"))
                    .unwrap_or_else(|| error_message(i.lang.get(), e))
            })
        })
    });
    let note_msg = Signal::derive(move || {
        note_err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e)))
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <h1 tabindex="-1">{move || i.t("cases.title")}</h1><ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                Ok((c, events)) => {
                    let opened = c.opened_at;
                    let next: Vec<CaseStatus> = c.status.next().to_vec();
                    let closing = next.contains(&CaseStatus::Closed);
                    view! {
                        <h1 tabindex="-1">{c.reference.clone()} " — " {c.person_name.clone()}</h1>
                        <dl class="facts">
                            <div><dt>{move || i.t("cases.status")}</dt><dd data-testid="case-status">{move || i.t(status_key(c.status))}</dd></div>
                            <div><dt>{move || i.t("cases.outcome")}</dt><dd>{move || c.outcome.map(|o| i.t(outcome_key(o))).unwrap_or("—")}</dd></div>
                            <div><dt>{move || i.t("cases.summary")}</dt><dd>{c.summary.clone()}</dd></div>
                            <div><dt>{move || i.t("cases.category")}</dt><dd>{c.subcategory_id.clone().unwrap_or(c.category_id.clone())}</dd></div>
                            <div><dt>{move || i.t("cases.opened")}</dt><dd>{move || fmt_datetime(i.lang.get(), &opened)}</dd></div>
                        </dl>
                        <section class="card" aria-labelledby="workflow-title">
                            <h2 id="workflow-title">{move || i.t("cases.move_to")}</h2>
                            <FormStatus error=action_msg />
                            <TextField id="move_note" label="cases.transition_note" value=move_note error=Signal::derive(|| None::<String>) />
                            {closing.then(|| view! { <SelectField id="outcome" label="cases.outcome" value=outcome options=outcomes /> })}
                            <div class="actions">
                                {next.into_iter().map(|to| view! {
                                    <button type="button" class="btn" disabled=move || busy.get() on:click=move |_| go(to)>
                                        {move || format!("{} «{}»", i.t("cases.move_to"), i.t(status_key(to)))}
                                    </button>
                                }).collect_view()}
                            </div>
                        </section>
                        <h2>{move || i.t("cases.timeline")}</h2>
                        {if events.is_empty() { view! { <Empty /> }.into_any() } else { view! {
                            <ol class="timeline">
                                {events.into_iter().map(|e| {
                                    let at = e.at;
                                    view! {
                                        <li>
                                            <p><strong>{move || i.t(event_key(e.kind))}</strong> " · " {move || fmt_datetime(i.lang.get(), &at)} " · " {e.author_name.clone().unwrap_or_default()}</p>
                                            {(!e.note.is_empty()).then(|| view! { <p>{e.note.clone()}</p> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }.into_any() }}
                        <form class="form" on:submit=add_note novalidate>
                            <FormStatus error=note_msg />
                            <TextField id="note" label="cases.note" value=note error=field_error(note_err, "note") required=true />
                            <button type="submit" class="btn btn-primary">{move || i.t("cases.add_note")}</button>
                        </form>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
