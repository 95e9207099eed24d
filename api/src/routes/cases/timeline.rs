//! `/api/v1/cases/{id}/events`: the timeline, its entries and their corrections.

use actix_web::{get, patch, post, web, HttpResponse};
use lumit_shared::case::{CaseEvent, NewCaseEvent};

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::case as model;
use crate::state::AppState;

use super::{check_access, visible};

/// The case's timeline, oldest first. Permission: as reading the case.
#[utoipa::path(
    operation_id = "listCaseEvents",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "The timeline", body = Vec<CaseEvent>))
)]
#[get("/cases/{id}/events")]
pub async fn events(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadCases)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (row, events) = state
        .db
        .read_short(move |c| {
            let (row, _) = visible(c, &actor, Action::ReadCases, &id)?;
            let events = model::events(c, &row.id)?;
            Ok((row, events))
        })
        .await?;
    state
        .access
        .wait_written(Some(crate::access::Shown::record(
            &ctx,
            crate::access::Read {
                action: "case.timeline",
                entity_type: "case",
                entity_id: &row.id,
                person_id: &row.person_id,
                municipality_id: Some(&row.municipality_id),
            },
        )))
        .await?;
    Ok(HttpResponse::Ok().json(events))
}

/// Add a note, intervention (with minutes), phone call, document check or appointment to the
/// timeline. Permission: as changing the case.
///
/// Beyond the schema: a note, an intervention or a phone call needs a `note`; an intervention needs
/// `minutes`; `data` is at most 20,000 characters as JSON, with no NUL in any text at any depth
/// (422).
#[utoipa::path(
    operation_id = "addCaseEvent",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = NewCaseEvent,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses((status = 201, description = "Added", body = CaseEvent))
)]
#[post("/cases/{id}/events")]
pub async fn add_event(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let id = id.into_inner();
    check_access(&state, &actor, Action::WriteCases, &id).await?;
    let input: NewCaseEvent = body.json().await?;
    let ev = input.parse().map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    // An entry only adds to its case, so it takes the writers' lock just to link its audit row.
    let event = state
        .db
        .write_then_chain(move |c| {
            let (row, _) = visible(c, &actor, Action::WriteCases, &id)?;
            let event = model::add_event(c, &row.id, &ev, (&actor.id, &actor.name))?;
            audit::record(
                c,
                &ctx,
                Event::new("case.event_add", "case", &row.id)
                    .municipality(Some(&row.municipality_id))
                    .changes(audit::diff(
                        None,
                        Some(&serde_json::json!({"kind": ev.kind.as_str(), "minutes": ev.minutes})),
                    )),
            )?;
            Ok(event)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/cases/{}/events/{}", event.case_id, event.id),
        ))
        .json(event))
}

/// Correct a note, intervention or call: only its author, within 24 hours. The text it replaces
/// stays in the entry's `previous` versions; the audit log records who corrected it and when,
/// never the text. Permission: as changing the case, and being the author.
#[utoipa::path(
    operation_id = "editCaseEvent",
    tag = "cases",
    params(("id" = String, Path, description = "Case id"), ("event_id" = String, Path, description = "Event id")),
    request_body = lumit_shared::case::EventEdit,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Edited", body = CaseEvent),
        (status = 409, description = "Past the 24-hour window, or not editable", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[patch("/cases/{id}/events/{event_id}")]
pub async fn edit_event(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let (id, event_id) = path.into_inner();
    check_access(&state, &actor, Action::WriteCases, &id).await?;
    let input: lumit_shared::case::EventEdit = body.json().await?;
    let note = lumit_shared::validate::required_text(&input.note, 10_000)
        .map_err(|(code, m)| ApiError::field("note", code, m))?;
    let ctx = AuditCtx::new(&actor, &meta);
    let event = state
        .db
        .write(move |c| {
            let (row, _) = visible(c, &actor, Action::WriteCases, &id)?;
            let before = model::event(c, &row.id, &event_id)?;
            before.may_edit(&actor.id, chrono::Utc::now())?;
            let after = model::edit_note(c, &before, (&actor.id, &actor.name), &note)?;
            let change = lumit_shared::audit::FieldChange {
                field: format!("events[{}].note", after.id),
                old: serde_json::json!(before.note),
                new: serde_json::json!(after.note),
            };
            audit::record(
                c,
                &ctx,
                Event::new("case.event_edit", "case", &row.id)
                    .municipality(Some(&row.municipality_id))
                    .changes(vec![change]),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(event))
}
