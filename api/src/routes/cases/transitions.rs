//! `POST /api/v1/cases/{id}/transitions`: the workflow (its rules: `CaseStatus::move_to`).

use actix_web::{post, web, HttpResponse};
use lumit_shared::case::{Case, EventKind, Transition, ValidCaseEvent};

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::case as model;
use crate::routes::with_etag;
use crate::state::AppState;

use super::{check_access, visible};

/// Move a case through its workflow: `open` → `in_progress` → `waiting_documents` /
/// `waiting_office` → `closed` (with an outcome). Reopening a closed case needs a coordinator and
/// a reason. An impossible move is a 409 listing the `allowed` ones. Permission: as for changing.
///
/// Beyond the schema: the step must be allowed from the case's status for the caller's role;
/// closing needs an `outcome`, and only closing takes one; reopening needs a `note` (422).
#[utoipa::path(
    operation_id = "transitionCase",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = Transition,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses(
        (status = 200, description = "Moved", body = Case),
        (status = 409, description = "Not allowed from the current status; see `allowed`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/transitions")]
pub async fn transition(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let id = id.into_inner();
    check_access(&state, &actor, Action::WriteCases, &id).await?;
    let t: Transition = body.json().await?;
    let note = t.note().map_err(|e| ApiError::Validation(vec![e]))?;
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, case) = state
        .db
        .write(move |c| {
            let (cur, name) = visible(c, &actor, Action::WriteCases, &id)?;
            let step = cur
                .status()
                .move_to(t.to, t.outcome, note, |a| authz::require(&actor, a))?;
            let before = cur.clone().into_api(name);
            model::set_status(c, &cur, step.to, step.outcome)?;
            let data = serde_json::json!({"from": step.from.as_str(), "to": step.to.as_str(), "outcome": step.outcome.map(|o| o.as_str())});
            let action = if step.reopens() { "case.reopen" } else { "case.transition" };
            let ev = ValidCaseEvent { kind: EventKind::StatusChange, note: step.note.unwrap_or_default(), minutes: None, data };
            model::add_event(c, &cur.id, &ev, (&actor.id, &actor.name))?;
            let (row, name) = model::find(c, &cur.id)?;
            let after = row.clone().into_api(name);
            audit::record(
                c,
                &ctx,
                Event::new(action, "case", &row.id).municipality(Some(&row.municipality_id)).changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok((row.version, after))
        })
        .await?;
    Ok(with_etag(version, &case))
}
