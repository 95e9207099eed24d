//! The steps a person may take on a request, as the life cycle's rules allow them: approve, confirm, reject, decline, cancel, complete.

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::mediation::{
    late_cancellation, JobOutcome, Party, RequestStatus, RequestTransition, ServiceRequest,
    StepKind,
};
use lumit_shared::FieldError;

use crate::api::{self, ApiError};
use crate::components::{error_message, field_error, SelectField, TextAreaField, TextField};
use crate::i18n::{text, use_i18n, Lang};
use crate::pages::requests::{job_outcome_key, now_local, status_key, COORDINATION, REQUESTERS};
use crate::session::use_session;

/// A transition with only its target status set.
pub(super) fn to(status: RequestStatus) -> RequestTransition {
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
pub(super) fn step_message(lang: Lang, e: &ApiError) -> String {
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
            let mut m = text(lang, k!("req.not_allowed")).to_owned();
            if !allowed.is_empty() {
                m.push(' ');
                m.push_str(text(lang, k!("req.allowed_now")));
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
pub(super) fn send_step(
    id: String,
    body: RequestTransition,
    err: RwSignal<Option<ApiError>>,
    busy: RwSignal<bool>,
    reload: Callback<()>,
) {
    busy.set(true);
    spawn_local(async move {
        match api::requests::transition(&id, &body).await {
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
pub(super) fn reason_of(v: RwSignal<String>, err: RwSignal<Option<ApiError>>) -> Option<String> {
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

/// The steps this person may take from the request's status.
#[component]
pub(super) fn Actions(
    r: ServiceRequest,
    me_mediator: Option<String>,
    reload: Callback<()>,
) -> impl IntoView {
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
            <h2 id="actions-title">{move || i.t(k!("req.actions"))}</h2>
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
pub(super) fn QuickSteps(
    id: String,
    approve: bool,
    confirm: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let i = use_i18n();
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let go = move |status: RequestStatus| send_step(id.clone(), to(status), err, busy, reload);
    let go2 = go.clone();
    view! {
        <div class="actions">
            {approve.then(|| view! {
                <button type="button" class="btn btn-primary" disabled=move || busy.get() on:click=move |_| go(RequestStatus::Approved)>{move || i.t(k!("req.approve"))}</button>
            })}
            {confirm.then(|| view! {
                <button type="button" class="btn btn-primary" disabled=move || busy.get() on:click=move |_| go2(RequestStatus::Confirmed)>{move || i.t(k!("req.confirm"))}</button>
            })}
        </div>
        <p class="error" role="alert">{move || err.with(|e| e.as_ref().map(|e| step_message(i.lang.get(), e)))}</p>
    }
}

/// A step that needs a reason: reject (coordinators), decline (the mediator) or cancel (with the
/// late-cancellation warning under 24 hours from the start).
#[component]
pub(super) fn ReasonForm(
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
            k!("req.reject_title"),
            k!("req.reject_reason"),
            k!("req.reject"),
            RequestStatus::Rejected,
        ),
        "cancel" => (
            "cancel_reason",
            k!("req.cancel_title"),
            k!("req.cancel_reason"),
            k!("req.cancel"),
            RequestStatus::Cancelled,
        ),
        _ => (
            "decline_reason",
            k!("req.decline_title"),
            k!("req.decline_reason"),
            k!("req.decline"),
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
            {late.then(|| view! { <p class="alert alert-warn" id="late-warning">{move || i.t(k!("req.late_warning"))}</p> })}
            <p class="error" role="alert">{move || form_err.get()}</p>
            <TextField id=field_id label=label value=reason error=field_error(err, "reason") required=true />
            <button type="submit" class="btn btn-danger" disabled=move || busy.get()
                aria-describedby=late.then_some("late-warning")>{move || i.t(button)}</button>
        </form>
    }
}

/// Recording the job as done: minutes, outcome, actual start, notes.
#[component]
pub(super) fn CompleteForm(r: ServiceRequest, reload: Callback<()>) -> impl IntoView {
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
            <h3 id="complete-title">{move || i.t(k!("req.complete_title"))}</h3>
            <p class="error" role="alert">{move || form_err.get()}</p>
            <TextField id="actual_minutes" label=k!("req.actual_minutes") kind="number" value=minutes error=field_error(err, "actual_minutes") required=true />
            <SelectField id="job_outcome" label=k!("req.outcome") value=outcome options=outcomes error=field_error(err, "outcome") />
            <TextField id="actual_start" label=k!("req.actual_start_optional") kind="datetime-local" value=start error=field_error(err, "actual_start") />
            <TextAreaField id="completion_notes" label=k!("req.notes") value=notes error=field_error(err, "notes") rows=3 />
            <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || i.t(k!("req.complete"))}</button>
        </form>
    }
}
