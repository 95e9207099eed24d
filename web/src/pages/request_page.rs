//! One service request: its details, the steps each role may take from its status (approve,
//! reject, assign from the ranked suggestions, confirm, decline, complete, cancel), and its history.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lumit_shared::mediation::{
    hours, late_cancellation, JobOutcome, Mediator, Party, RequestKind, RequestStatus, RequestStep,
    RequestTransition, ServiceRequest, StepKind, Suggestion,
};
use lumit_shared::user::Role;
use lumit_shared::FieldError;

use crate::api::{self, enc, ApiError};
use crate::app::RoleGate;
use crate::components::{
    coded_error, error_message, CheckField, Empty, ErrorView, Loading, SelectField, TextAreaField,
    TextField,
};
use crate::i18n::{fmt_datetime, text, use_i18n, Lang};
use crate::pages::requests::{
    fmt_date, fmt_local, job_outcome_key, kind_key, languages_of, level_key, now_local, rule_key,
    setting_key, status_key, urgency_key, StatusBadge, COORDINATION, REQUESTERS,
};
use crate::session::use_session;

/// Everything the page shows, loaded together.
#[derive(Clone)]
struct RequestData {
    request: ServiceRequest,
    history: Vec<RequestStep>,
    /// The mediator record of the person logged in, if they are a mediator.
    me_mediator: Option<String>,
}

async fn load(id: String, mediator: bool) -> Result<RequestData, ApiError> {
    let request: ServiceRequest = api::get(&format!("/api/v1/requests/{id}")).await?;
    let history: Vec<RequestStep> = api::get(&format!("/api/v1/requests/{id}/history"))
        .await
        .unwrap_or_default();
    let me_mediator = if mediator {
        api::get::<Mediator>("/api/v1/me/mediator")
            .await
            .ok()
            .map(|m| m.id)
    } else {
        None
    };
    Ok(RequestData {
        request,
        history,
        me_mediator,
    })
}

/// A transition with only its target status set.
fn to(status: RequestStatus) -> RequestTransition {
    RequestTransition {
        to: status,
        reason: None,
        mediator_id: None,
        actual_start: None,
        actual_minutes: None,
        outcome: None,
        notes: None,
    }
}

/// The message of a refused step: the statuses still possible when the request moved meanwhile.
fn step_message(lang: Lang, e: &ApiError) -> String {
    match e.problem() {
        Some(p) if p.code == "transition_not_allowed" => {
            let allowed: Vec<String> = p
                .extra
                .get("allowed")
                .and_then(|a| a.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().and_then(RequestStatus::parse))
                        .map(|s| text(lang, status_key(s)).to_owned())
                        .collect()
                })
                .unwrap_or_default();
            let mut m = text(lang, "req.not_allowed").to_owned();
            if !allowed.is_empty() {
                m.push(' ');
                m.push_str(text(lang, "req.allowed_now"));
                m.push(' ');
                m.push_str(&allowed.join(", "));
                m.push('.');
            }
            m
        }
        _ => error_message(lang, e),
    }
}

/// Sends a transition; on success reloads the page's data.
fn send_step(
    id: String,
    body: RequestTransition,
    err: RwSignal<Option<ApiError>>,
    busy: RwSignal<bool>,
    reload: Callback<()>,
) {
    busy.set(true);
    spawn_local(async move {
        match api::post::<_, ServiceRequest>(&format!("/api/v1/requests/{id}/transitions"), &body)
            .await
        {
            Ok(_) => {
                err.set(None);
                // The page may be gone by now (the user moved on): then there is nothing to reload.
                let _ = reload.try_run(());
            }
            Err(e) => err.set(Some(e)),
        }
        busy.set(false);
    });
}

/// A reason typed in, or a "required" error under `reason`.
fn reason_of(v: RwSignal<String>, err: RwSignal<Option<ApiError>>) -> Option<String> {
    let t = v.get_untracked().trim().to_owned();
    if t.is_empty() {
        err.set(Some(ApiError::invalid(vec![FieldError::new(
            "reason",
            "required",
            "must not be empty",
        )])));
        None
    } else {
        Some(t)
    }
}

/// The request page.
#[component]
pub fn Detail() -> impl IntoView {
    view! {
        <RoleGate roles=&[Role::Admin, Role::Coordinator, Role::Operator, Role::MunicipalOfficer, Role::Mediator]>
            <RequestDetail />
        </RoleGate>
    }
}

#[component]
fn RequestDetail() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let mediator = s.is(&[Role::Mediator]);
    // Read once, here: inside the view below it would subscribe the view to the session, which
    // then re-ran on logout after the page's resources were gone (a panic).
    let coord = s.is(COORDINATION);
    let data = LocalResource::new(move || load(id(), mediator));
    let reload = Callback::new(move |_| data.refetch());
    // A step re-renders the page; the new status is announced from outside it.
    // Keyed by request, so following a link to another request announces nothing; after a step,
    // focus goes back to the heading (the button pressed is gone with the old status).
    let changed = RwSignal::new(None::<RequestStatus>);
    Effect::new(move |prev: Option<Option<(String, RequestStatus)>>| {
        let now = data.with(|d| {
            d.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|d| (d.request.id.clone(), d.request.status))
        });
        if let (Some(Some((before_id, before))), Some((after_id, after))) = (&prev, &now) {
            if before_id == after_id && before != after {
                changed.set(Some(*after));
                crate::app::focus_heading();
            }
        }
        now.or(prev.flatten())
    });
    view! {
        <p class="visually-hidden" role="status" aria-live="polite">
            {move || changed.get().map(|st| format!("{}: {}", i.t("req.status_now"), i.t(status_key(st))))}
        </p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <h1 tabindex="-1">{move || i.t("req.title")}</h1><ErrorView error=e retry=reload /> }.into_any(),
                Ok(d) => {
                    let r = d.request.clone();
                    let show_suggestions = r.status == RequestStatus::Approved && coord;
                    view! {
                        <h1 tabindex="-1">{move || i.t("req.request")} " " {r.reference.clone()}</h1>
                        <Facts r=r.clone() />
                        <Actions r=r.clone() me_mediator=d.me_mediator.clone() reload=reload />
                        {show_suggestions.then(|| view! { <Suggestions r=r.clone() reload=reload /> })}
                        <History steps=d.history.clone() />
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// The request's details.
#[component]
fn Facts(r: ServiceRequest) -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let dash = |v: Option<String>| v.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into());
    let translation = r.kind == RequestKind::Translation;
    let (r1, r2) = (r.clone(), r.clone());
    let mediator_link = r.mediator_id.clone().zip(r.mediator_name.clone());
    let coord = s.is(COORDINATION);
    let created = r.created_at;
    view! {
        <dl class="facts">
            <div><dt>{move || i.t("req.status")}</dt><dd data-testid="request-status"><StatusBadge status=r.status /></dd></div>
            <div><dt>{move || i.t("req.kind")}</dt><dd>{move || i.t(kind_key(r.kind))}</dd></div>
            <div><dt>{move || i.t("req.urgency")}</dt><dd>{move || i.t(urgency_key(r.urgency))}</dd></div>
            <div><dt>{move || i.t("req.municipality")}</dt><dd>{r.municipality_name.clone()}</dd></div>
            <div><dt>{move || i.t("req.office")}</dt><dd>{r.office.clone()}</dd></div>
            <div><dt>{move || i.t("req.contact_name")}</dt><dd>{r.contact_name.clone()}</dd></div>
            <div><dt>{move || i.t("req.contact_email")}</dt><dd>{dash(r.contact_email.clone())}</dd></div>
            <div><dt>{move || i.t("req.contact_phone")}</dt><dd>{dash(r.contact_phone.clone())}</dd></div>
            <div><dt>{move || i.t("req.language")}</dt><dd>{move || languages_of(i.lang.get(), &r1)}</dd></div>
            {if translation { view! {
                <div><dt>{move || i.t("req.document_type")}</dt><dd>{dash(r.document_type.clone())}</dd></div>
                <div><dt>{move || i.t("req.pages")}</dt><dd>{dash(r.pages.map(|n| n.to_string()))}</dd></div>
                <div><dt>{move || i.t("req.words")}</dt><dd>{dash(r.words.map(|n| n.to_string()))}</dd></div>
                <div><dt>{move || i.t("req.due_date")}</dt><dd>{dash(r.due_date.map(fmt_date))}</dd></div>
                <div><dt>{move || i.t("req.sworn_short")}</dt><dd>{move || i.t(if r2.sworn { "app.yes" } else { "app.no" })}</dd></div>
            }.into_any() } else { view! {
                <div><dt>{move || i.t("req.starts_at")}</dt><dd data-testid="request-start">{dash(r.starts_at.map(fmt_local))}</dd></div>
                <div><dt>{move || i.t("req.duration")}</dt><dd>{dash(r.duration_minutes.map(|m| format!("{m} min")))}</dd></div>
                <div><dt>{move || i.t("req.place")}</dt><dd>{move || if r2.remote { i.t("req.remote_short").to_owned() } else { dash(r2.address.clone()) }}</dd></div>
                <div><dt>{move || i.t("req.setting")}</dt><dd>{move || r.setting.map(|x| i.t(setting_key(x))).unwrap_or("—")}</dd></div>
                <div><dt>{move || i.t("req.participants")}</dt><dd>{dash(r.participants.map(|n| n.to_string()))}</dd></div>
            }.into_any() }}
            <div><dt>{move || i.t("req.purpose")}</dt><dd>{r.purpose.clone()}</dd></div>
            <div><dt>{move || i.t("req.mediator")}</dt><dd data-testid="request-mediator">{match mediator_link {
                Some((id, name)) if coord => view! { <A href=format!("/mediators/{id}")>{name}</A> }.into_any(),
                Some((_, name)) => view! { <span>{name}</span> }.into_any(),
                None => view! { <span>"—"</span> }.into_any(),
            }}</dd></div>
            {r.case_id.clone().map(|c| view! { <div><dt>{move || i.t("req.case")}</dt><dd><A href=format!("/cases/{c}")>{move || i.t("req.open_case")}</A></dd></div> })}
            {r.attachments.clone().filter(|a| !a.is_empty()).map(|a| view! { <div><dt>{move || i.t("req.attachments")}</dt><dd>{a}</dd></div> })}
            {r.reason.clone().map(|x| view! { <div><dt>{move || i.t("req.reason")}</dt><dd>{x}</dd></div> })}
            {r.actual_minutes.map(|m| view! { <div><dt>{move || i.t("req.actual_minutes")}</dt><dd>{format!("{m} min ({})", hours(m.into()))}</dd></div> })}
            {r.actual_start.map(|t| view! { <div><dt>{move || i.t("req.actual_start")}</dt><dd>{fmt_local(t)}</dd></div> })}
            {r.outcome.map(|o| view! { <div><dt>{move || i.t("req.outcome")}</dt><dd>{move || i.t(job_outcome_key(o))}</dd></div> })}
            {r.completion_notes.clone().map(|x| view! { <div><dt>{move || i.t("req.notes")}</dt><dd>{x}</dd></div> })}
            {r.cancel_reason.clone().map(|x| view! { <div><dt>{move || i.t("req.cancel_reason")}</dt><dd>{x}</dd></div> })}
            {r.cancelled_late.then(|| view! { <div><dt>{move || i.t("req.late")}</dt><dd><span class="badge badge-danger">{move || i.t("req.late_cancellation")}</span></dd></div> })}
            <div><dt>{move || i.t("req.created")}</dt><dd>{move || fmt_datetime(i.lang.get(), &created)}</dd></div>
        </dl>
    }
}

/// The steps this person may take from the request's status.
#[component]
fn Actions(r: ServiceRequest, me_mediator: Option<String>, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    // The steps the rules allow to this person: coordination for their steps and on behalf of
    // the mediator, the mediator for their own job, requesters to cancel.
    let coord = s.is(COORDINATION);
    let mine = me_mediator.is_some() && me_mediator == r.mediator_id;
    let requester = s.is(REQUESTERS);
    let steps = r.status.steps(|p| match p {
        Party::Coordination => coord,
        Party::AssignedMediator => coord || mine,
        Party::Requester => requester,
    });
    let can = |k: StepKind| steps.contains(&k);
    let (can_approve, can_reject, can_confirm) = (
        can(StepKind::Approve),
        can(StepKind::Reject),
        can(StepKind::Confirm),
    );
    let (can_decline, can_complete, can_cancel) = (
        can(StepKind::Decline),
        can(StepKind::Complete),
        can(StepKind::Cancel),
    );
    if !(can_approve || can_reject || can_confirm || can_decline || can_complete || can_cancel) {
        return ().into_any();
    }
    let id = r.id.clone();
    view! {
        <section class="card" aria-labelledby="actions-title">
            <h2 id="actions-title">{move || i.t("req.actions")}</h2>
            {(can_approve || can_confirm).then(|| view! { <QuickSteps id=id.clone() approve=can_approve confirm=can_confirm reload=reload /> })}
            {can_complete.then(|| view! { <CompleteForm r=r.clone() reload=reload /> })}
            {can_decline.then(|| view! { <ReasonForm id=id.clone() kind="decline" reload=reload /> })}
            {can_reject.then(|| view! { <ReasonForm id=id.clone() kind="reject" reload=reload /> })}
            {can_cancel.then(|| {
                let late = late_cancellation(r.starts_at, now_local());
                view! { <ReasonForm id=id.clone() kind="cancel" late=late reload=reload /> }
            })}
        </section>
    }
    .into_any()
}

/// One-click steps: approve (coordinators), confirm (the mediator).
#[component]
fn QuickSteps(id: String, approve: bool, confirm: bool, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let go = move |status: RequestStatus| send_step(id.clone(), to(status), err, busy, reload);
    let go2 = go.clone();
    view! {
        <div class="actions">
            {approve.then(|| view! {
                <button type="button" class="btn btn-primary" disabled=move || busy.get() on:click=move |_| go(RequestStatus::Approved)>{move || i.t("req.approve")}</button>
            })}
            {confirm.then(|| view! {
                <button type="button" class="btn btn-primary" disabled=move || busy.get() on:click=move |_| go2(RequestStatus::Confirmed)>{move || i.t("req.confirm")}</button>
            })}
        </div>
        <p class="error" role="alert">{move || err.with(|e| e.as_ref().map(|e| step_message(i.lang.get(), e)))}</p>
    }
}

/// A step that needs a reason: reject (coordinators), decline (the mediator) or cancel (with the
/// late-cancellation warning under 24 hours from the start).
#[component]
fn ReasonForm(
    id: String,
    kind: &'static str,
    reload: Callback<()>,
    #[prop(optional)] late: bool,
) -> impl IntoView {
    let i = use_i18n();
    let reason = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let (field_id, title, label, button, status) = match kind {
        "reject" => (
            "reject_reason",
            "req.reject_title",
            "req.reject_reason",
            "req.reject",
            RequestStatus::Rejected,
        ),
        "cancel" => (
            "cancel_reason",
            "req.cancel_title",
            "req.cancel_reason",
            "req.cancel",
            RequestStatus::Cancelled,
        ),
        _ => (
            "decline_reason",
            "req.decline_title",
            "req.decline_reason",
            "req.decline",
            RequestStatus::Approved,
        ),
    };
    let title_id = format!("{kind}-title");
    let label_id = title_id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(why) = reason_of(reason, err) else {
            return;
        };
        let mut body = to(status);
        body.reason = Some(why);
        send_step(id.clone(), body, err, busy, reload);
    };
    let form_err = Signal::derive(move || {
        err.with(|e| {
            e.as_ref()
                .filter(|e| e.field("reason").is_none())
                .map(|e| step_message(i.lang.get(), e))
        })
    });
    view! {
        <form class="subform" novalidate on:submit=submit aria-labelledby=label_id>
            <h3 id=title_id>{move || i.t(title)}</h3>
            {late.then(|| view! { <p class="alert alert-warn" id="late-warning">{move || i.t("req.late_warning")}</p> })}
            <p class="error" role="alert">{move || form_err.get()}</p>
            <TextField id=field_id label=label value=reason error=coded_error(err, "reason") required=true />
            <button type="submit" class="btn btn-danger" disabled=move || busy.get()
                aria-describedby=late.then_some("late-warning")>{move || i.t(button)}</button>
        </form>
    }
}

/// Recording the job as done: minutes, outcome, actual start, notes.
#[component]
fn CompleteForm(r: ServiceRequest, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let minutes = RwSignal::new(
        r.duration_minutes
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    let outcome = RwSignal::new("done".to_owned());
    let start = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let id = r.id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut local = Vec::new();
        let m = minutes.get_untracked().trim().to_owned();
        let actual_minutes = match m.parse::<i32>() {
            Ok(n) if (1..=1440).contains(&n) => Some(n),
            Ok(_) => {
                local.push(FieldError::new(
                    "actual_minutes",
                    "out_of_range",
                    "must be between 1 and 1440",
                ));
                None
            }
            Err(_) if m.is_empty() => {
                local.push(FieldError::new("actual_minutes", "required", "required"));
                None
            }
            Err(_) => {
                local.push(FieldError::new(
                    "actual_minutes",
                    "invalid_number",
                    "not a number",
                ));
                None
            }
        };
        let st = start.get_untracked();
        let actual_start = if st.trim().is_empty() {
            None
        } else {
            match chrono::NaiveDateTime::parse_from_str(st.trim(), "%Y-%m-%dT%H:%M") {
                Ok(t) => Some(t),
                Err(_) => {
                    local.push(FieldError::new(
                        "actual_start",
                        "invalid_date",
                        "not a date",
                    ));
                    None
                }
            }
        };
        if !local.is_empty() {
            err.set(Some(ApiError::invalid(local)));
            return;
        }
        let mut body = to(RequestStatus::Completed);
        body.actual_minutes = actual_minutes;
        body.outcome = JobOutcome::parse(&outcome.get_untracked());
        body.actual_start = actual_start;
        body.notes = Some(notes.get_untracked().trim().to_owned()).filter(|n| !n.is_empty());
        send_step(id.clone(), body, err, busy, reload);
    };
    let outcomes = Signal::derive(move || {
        let lang = i.lang.get();
        JobOutcome::ALL
            .iter()
            .map(|o| {
                (
                    o.as_str().to_owned(),
                    text(lang, job_outcome_key(*o)).to_owned(),
                )
            })
            .collect()
    });
    let form_err = Signal::derive(move || {
        err.with(|e| {
            e.as_ref()
                .filter(|e| e.problem().is_none_or(|p| p.errors.is_empty()))
                .map(|e| step_message(i.lang.get(), e))
        })
    });
    view! {
        <form class="subform" novalidate on:submit=submit aria-labelledby="complete-title">
            <h3 id="complete-title">{move || i.t("req.complete_title")}</h3>
            <p class="error" role="alert">{move || form_err.get()}</p>
            <TextField id="actual_minutes" label="req.actual_minutes" kind="number" value=minutes error=coded_error(err, "actual_minutes") required=true />
            <SelectField id="job_outcome" label="req.outcome" value=outcome options=outcomes error=coded_error(err, "outcome") />
            <TextField id="actual_start" label="req.actual_start_optional" kind="datetime-local" value=start error=coded_error(err, "actual_start") />
            <TextAreaField id="completion_notes" label="req.notes" value=notes error=coded_error(err, "notes") rows=3 />
            <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || i.t("req.complete")}</button>
        </form>
    }
}

/// The refusal of an assignment, in words: for a double booking, the job in the way.
fn assign_message(lang: Lang, e: &ApiError) -> (String, Option<(String, String)>) {
    // A mediator who can't be chosen (wrong language, inactive): the field's own message.
    if let Some(f) = e.problem().and_then(|p| p.field_message("mediator_id")) {
        return (crate::components::field_text(lang, f), None);
    }
    let Some(p) = e.problem().filter(|p| p.code == "double_booked") else {
        return (step_message(lang, e), None);
    };
    let reference = p
        .extra
        .get("conflicting_reference")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let request_id = p
        .extra
        .get("conflicting_request_id")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let mut m = text(lang, "req.double_booked").to_owned();
    if !p.detail.is_empty() {
        m.push(' ');
        m.push_str(&p.detail);
    }
    (m, reference.zip(request_id))
}

/// The ranked mediators for an approved request, each assignable in one click; the unavailable
/// ones on request, with the rules they fail; and a manual choice for the coordinator.
#[component]
fn Suggestions(r: ServiceRequest, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let include_unavailable = RwSignal::new(false);
    let id = r.id.clone();
    let list = LocalResource::new({
        let id = id.clone();
        move || {
            let all = include_unavailable.get();
            let path = format!("/api/v1/requests/{id}/suggestions?include_unavailable={all}");
            async move { api::get::<Vec<Suggestion>>(&path).await }
        }
    });
    let language = r.language.clone();
    // Only those who do this kind of job in every language it needs: the server refuses others.
    let (kind, target) = (r.kind, r.target_language.clone());
    let others = LocalResource::new(move || {
        let path = format!("/api/v1/mediators?active=true&language={}", enc(&language));
        async move { api::get::<Vec<Mediator>>(&path).await }
    });
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let assign = {
        let id = id.clone();
        move |mediator_id: String| {
            let mut body = to(RequestStatus::Assigned);
            body.mediator_id = Some(mediator_id);
            send_step(id.clone(), body, err, busy, reload);
        }
    };
    let manual = RwSignal::new(String::new());
    let manual_options = Signal::derive(move || {
        let mut v = vec![(String::new(), i.t("app.choose").to_owned())];
        v.extend(
            others
                .get()
                .and_then(|r| r.ok())
                .unwrap_or_default()
                .into_iter()
                .filter(|m| {
                    m.kind.does(kind)
                        && target
                            .as_ref()
                            .is_none_or(|t| m.languages.iter().any(|l| &l.language == t))
                })
                .map(|m| {
                    let name = match &m.organisation {
                        Some(o) => format!("{} ({o})", m.full_name),
                        None => m.full_name.clone(),
                    };
                    (m.id, name)
                }),
        );
        v
    });
    let manual_err = RwSignal::new(None::<String>);
    let assign_manual = {
        let assign = assign.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let m = manual.get_untracked();
            if m.is_empty() {
                manual_err.set(Some(i.t("req.choose_mediator").to_owned()));
                return;
            }
            manual_err.set(None);
            assign(m);
        }
    };
    let alert = move || {
        err.with(|e| {
            e.as_ref().map(|e| {
                let (msg, conflict) = assign_message(i.lang.get(), e);
                view! {
                    <div class="alert alert-error" data-testid="assign-error">
                        <p>{msg}</p>
                        {conflict.map(|(reference, rid)| view! {
                            <p>{move || i.t("req.conflicting_job")} ": " <A href=format!("/requests/{rid}")>{reference}</A></p>
                        })}
                    </div>
                }
            })
        })
    };
    view! {
        <section aria-labelledby="suggestions-title">
            <h2 id="suggestions-title">{move || i.t("req.suggestions")}</h2>
            // Always in the page, so that what appears in it is announced.
            <div role="alert">{alert}</div>
            <CheckField id="include_unavailable".to_owned() label=Signal::derive(move || i.t("req.show_unavailable").to_owned()) checked=include_unavailable />
            <Transition fallback=|| view! { <Loading /> }>
                {move || list.get().map(|res| match res {
                    Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| list.refetch()) /> }.into_any(),
                    Ok(all) => {
                        let (ranked, unavailable): (Vec<Suggestion>, Vec<Suggestion>) =
                            all.into_iter().partition(|s| s.failures.is_empty());
                        let assign = assign.clone();
                        view! {
                            {if ranked.is_empty() {
                                view! { <p class="alert alert-info" role="status">{move || i.t("req.no_suggestions")}</p> }.into_any()
                            } else { view! {
                                <table class="table">
                                    <caption>{move || i.t("req.suggested")}</caption>
                                    <thead><tr>
                                        <th scope="col">{move || i.t("req.rank")}</th>
                                        <th scope="col">{move || i.t("med.name")}</th>
                                        <th scope="col">{move || i.t("med.organisation")}</th>
                                        <th scope="col">{move || i.t("med.level")}</th>
                                        <th scope="col">{move || i.t("req.hours_month")}</th>
                                        <th scope="col">{move || i.t("req.explanation")}</th>
                                        <th scope="col"><span class="visually-hidden">{move || i.t("req.actions")}</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {ranked.into_iter().map(|sg| {
                                            let assign = assign.clone();
                                            let mid = sg.mediator_id.clone();
                                            let name = sg.full_name.clone();
                                            view! {
                                                <tr>
                                                    <td>{sg.rank.map(|n| n.to_string()).unwrap_or_default()}</td>
                                                    <th scope="row">{sg.full_name.clone()}</th>
                                                    <td>{sg.organisation.clone().unwrap_or_else(|| "—".into())}</td>
                                                    <td>{move || sg.level.map(|l| i.t(level_key(l))).unwrap_or("—")}</td>
                                                    <td>{hours(sg.minutes_this_month)}</td>
                                                    <td>{sg.explanation.clone()}</td>
                                                    <td>
                                                        <button type="button" class="btn btn-primary" disabled=move || busy.get()
                                                            aria-label=move || format!("{} {}", i.t("req.assign_to"), name)
                                                            on:click=move |_| assign(mid.clone())>{move || i.t("req.assign")}</button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any() }}
                            {(!unavailable.is_empty()).then(|| view! { <Unavailable items=unavailable /> })}
                        }.into_any()
                    }
                })}
            </Transition>
            <form class="subform" novalidate on:submit=assign_manual aria-labelledby="manual-title">
                <h3 id="manual-title">{move || i.t("req.manual_title")}</h3>
                <p class="muted">{move || i.t("req.manual_hint")}</p>
                <SelectField id="manual_mediator" label="req.mediator" value=manual options=manual_options error=Signal::derive(move || manual_err.get()) />
                <button type="submit" class="btn" disabled=move || busy.get()>{move || i.t("req.assign_chosen")}</button>
            </form>
        </section>
    }
}

/// The mediators who can't take the job, with the rules they fail.
#[component]
fn Unavailable(items: Vec<Suggestion>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <table class="table">
            <caption>{move || i.t("req.unavailable")}</caption>
            <thead><tr>
                <th scope="col">{move || i.t("med.name")}</th>
                <th scope="col">{move || i.t("med.organisation")}</th>
                <th scope="col">{move || i.t("req.hours_month")}</th>
                <th scope="col">{move || i.t("req.why_not")}</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|sg| view! {
                    <tr>
                        <th scope="row">{sg.full_name.clone()}</th>
                        <td>{sg.organisation.clone().unwrap_or_else(|| "—".into())}</td>
                        <td>{hours(sg.minutes_this_month)}</td>
                        <td>
                            <ul class="plain-list">
                                {sg.failures.into_iter().map(|f| {
                                    let conflict = f.conflicting_request_id.clone().zip(f.conflicting_reference.clone());
                                    view! {
                                        <li>
                                            <strong>{move || i.t(rule_key(f.rule))}</strong> ": " {f.detail.clone()}
                                            {conflict.map(|(rid, reference)| view! { " (" <A href=format!("/requests/{rid}")>{reference}</A> ")" })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The request's steps, oldest first.
#[component]
fn History(steps: Vec<RequestStep>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <section aria-labelledby="history-title">
            <h2 id="history-title">{move || i.t("req.history")}</h2>
            {if steps.is_empty() { view! { <Empty /> }.into_any() } else { view! {
                <ol class="timeline">
                    {steps.into_iter().map(|st| {
                        let at = st.at;
                        let (from, to) = (st.from, st.to);
                        view! {
                            <li>
                                <p>
                                    <strong>{move || from.map(|f| format!("{} → {}", i.t(status_key(f)), i.t(status_key(to)))).unwrap_or_else(|| i.t(status_key(to)).to_owned())}</strong>
                                    " · " {move || fmt_datetime(i.lang.get(), &at)} " · " {st.actor_name.clone()}
                                    {st.late.then(|| view! { " " <span class="badge badge-danger">{move || i.t("req.late_cancellation")}</span> })}
                                </p>
                                {st.mediator_name.clone().map(|m| view! { <p>{move || i.t("req.mediator")} ": " {m}</p> })}
                                {st.note.clone().filter(|n| !n.is_empty()).map(|n| view! { <p class="muted">{n}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any() }}
        </section>
    }
}
