//! `POST /api/v1/requests/{id}/transitions`: the life cycle of a request.

use actix_web::{post, web, HttpResponse};
use chrono::Duration;
use lumit_shared::mediation::{clash, Party, RequestMove, RequestTransition, StepKind};

use super::{own_mediator, shown, visible};
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, StoreError};
use crate::extract::{Body, RequestMeta};
use crate::models::{mediator, request as model};
use crate::scheduling::local_now;
use crate::state::AppState;

/// The step's name in the audit log.
fn audit_action(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Approve => "request.approve",
        StepKind::Reject => "request.reject",
        StepKind::Assign => "request.assign",
        StepKind::Confirm => "request.confirm",
        StepKind::Decline => "request.decline",
        StepKind::Complete => "request.complete",
        StepKind::Cancel => "request.cancel",
    }
}

/// The assigned mediator acting on their own job, or a coordinator on their behalf.
fn mediator_or_manager(c: &mut DbConn, actor: &Actor, cur: &model::Row) -> ApiResult<()> {
    if authz::require(actor, Action::ManageRequests).is_ok() {
        return Ok(());
    }
    let mine = own_mediator(c, actor)?;
    if mine.is_some() && mine == cur.mediator_id {
        Ok(())
    } else {
        authz::require(actor, Action::ManageRequests)
    }
}

/// Refuses to book a mediator who is busy (or can't travel in time). Writes take turns (the
/// writers' lock on PostgreSQL, the single writer on SQLite), so two coordinators assigning at
/// once are checked one after the other; the mediator's row lock would keep it so on PostgreSQL
/// if writes ever stopped taking turns.
fn check_free(
    c: &mut DbConn,
    cur: &model::Row,
    mediator_id: &str,
    buffer: Duration,
) -> ApiResult<String> {
    mediator::lock(c, mediator_id).map_err(|e| match e {
        StoreError::NotFound => {
            ApiError::field("mediator_id", "invalid_reference", "no such mediator")
        }
        e => e.into(),
    })?;
    let (m, _) = mediator::find(c, mediator_id)?;
    if !m.active {
        return Err(ApiError::field(
            "mediator_id",
            "inactive",
            "this mediator takes no jobs",
        ));
    }
    let job = cur.job();
    // Coverage and availability are the coordinator's call (the suggestions show them); a job
    // in a language the mediator doesn't work in, or of a kind they don't do, is not.
    let missing = job.missing_languages(&m);
    if !m.kind.does(job.kind) || !missing.is_empty() {
        let what = if missing.is_empty() {
            format!("does not do {}s", job.kind.as_str())
        } else {
            format!(
                "does not work in {}",
                missing
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return Err(ApiError::field(
            "mediator_id",
            "not_qualified",
            format!("{} {what}", m.full_name),
        ));
    }
    if let Some((start, end)) = job.slot {
        let booked = model::booked(c, std::slice::from_ref(&m.id), start - buffer, end + buffer)?;
        if let Some(f) = booked
            .iter()
            .filter(|o| o.id != cur.id)
            .find_map(|o| clash(&job, &o.booking(), buffer))
        {
            let mut err = ApiError::conflict(
                "double_booked",
                format!("{} can't take this job: {}.", m.full_name, f.detail),
            );
            if let ApiError::Conflict { extra, .. } = &mut err {
                extra.insert("rule".into(), serde_json::json!(f.rule.as_str()));
                extra.insert(
                    "conflicting_request_id".into(),
                    serde_json::json!(f.conflicting_request_id),
                );
                extra.insert(
                    "conflicting_reference".into(),
                    serde_json::json!(f.conflicting_reference),
                );
            }
            return Err(err);
        }
    }
    Ok(m.full_name)
}

/// Move a request through its life cycle: `submitted` → `approved` | `rejected` (coordinator,
/// with reason) → `assigned` (`mediator_id`; a busy mediator is a 409 `double_booked` naming the
/// job in the way) → `confirmed` (the mediator, or a coordinator for them) → `completed`
/// (`actual_minutes`, `outcome`, optional `actual_start` and `notes`); `cancelled` with a reason
/// from any state before completion (flagged `late` under 24 h before the start). From
/// `assigned` or `confirmed`, `approved` is the mediator declining (with a reason). An impossible
/// step is a 409 listing the `allowed` ones.
#[utoipa::path(
    operation_id = "transitionRequest",
    tag = "requests",
    params(("id" = String, Path, description = "Request id")),
    request_body = RequestTransition,
    security(("bearer" = []), ("oauth2" = ["requests:write"])),
    responses(
        (status = 200, description = "Moved", body = lumit_shared::mediation::ServiceRequest),
        (status = 409, description = "Not allowed from the current status (see `allowed`), or the mediator is double-booked (see `conflicting_reference`)", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests/{id}/transitions")]
pub async fn transition(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadRequests)?;
    let id = id.into_inner();
    {
        let (a, id) = (actor.clone(), id.clone());
        state
            .db
            .read(move |c| visible(c, &a, &id).map(|_| ()))
            .await?;
    }
    let t: RequestTransition = body.json().await?;
    let t = t.parse().map_err(ApiError::Validation)?;
    let buffer = Duration::minutes(state.settings.travel_buffer_minutes);
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, r) = state
        .db
        .write(move |c| {
            let cur = visible(c, &actor, &id)?;
            let from = cur.status();
            let step = from.move_to(&t, cur.starts_at, local_now(), |p| match p {
                Party::Coordination => authz::require(&actor, Action::ManageRequests),
                Party::AssignedMediator => mediator_or_manager(c, &actor, &cur),
                Party::Requester => {
                    authz::require_in(&actor, Action::WriteRequests, &cur.municipality_id)
                }
            })?;
            let mut ch = model::Change::default();
            let mut mediator_name = None;
            let mut late = false;
            let mut decline = None;
            match &step {
                RequestMove::Approve | RequestMove::Confirm => {}
                RequestMove::Decline { reason } => {
                    decline = Some(reason.clone());
                    ch.mediator_id = Some(None);
                    mediator_name = cur
                        .mediator_id
                        .as_deref()
                        .map(|m| mediator::find(c, m).map(|(x, _)| x.full_name))
                        .transpose()?;
                }
                RequestMove::Reject { reason } => ch.reason = Some(reason.clone()),
                RequestMove::Assign { mediator_id } => {
                    mediator_name = Some(check_free(c, &cur, mediator_id, buffer)?);
                    ch.mediator_id = Some(Some(mediator_id.clone()));
                }
                RequestMove::Complete {
                    actual_start,
                    actual_minutes,
                    outcome,
                    notes,
                } => {
                    ch.actual_minutes = Some(*actual_minutes);
                    ch.outcome = Some(*outcome);
                    ch.actual_start = *actual_start;
                    ch.notes = notes.clone();
                }
                RequestMove::Cancel { reason, late: l } => {
                    late = *l;
                    ch.cancel = Some((reason.clone(), actor.name.clone(), late));
                }
            }
            let action = audit_action(step.kind());
            let before = shown(&actor, model::find_full(c, &cur.id)?);
            model::set_status(c, &cur, t.to, &ch)?;
            let note = decline
                .or(ch.reason.clone())
                .or(ch.cancel.as_ref().map(|x| x.0.clone()))
                .or(ch.notes.clone());
            model::add_step(
                c,
                &cur.id,
                model::Step {
                    from: Some(from),
                    to: t.to,
                    note: note.as_deref(),
                    mediator_name: mediator_name.as_deref(),
                    late,
                },
                (&actor.id, &actor.name),
            )?;
            let f = model::find_full(c, &cur.id)?;
            let version = f.row.version;
            let after = shown(&actor, f);
            audit::record(
                c,
                &ctx,
                Event::new(action, "service_request", &cur.id)
                    .municipality(Some(&cur.municipality_id))
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok((version, after))
        })
        .await?;
    Ok(crate::routes::with_etag(version, &r))
}
