//! Desks: `/api/v1/municipalities/{id}/desks` and `/api/v1/desks/{id}`.

use actix_web::{get, patch, post, web, HttpResponse};
use lumit_shared::desk::{Desk, DeskPatch, NewDesk, ValidDesk};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, Query, RequestMeta};
use crate::models::{desk as model, municipality};
use crate::routes::{created, with_etag};
use crate::state::AppState;

/// Filters of a municipality's desks.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only active (true) or inactive (false) desks.
    pub active: Option<bool>,
}

/// The desks of a municipality, by name. Permission: any authenticated caller (`desks:read`).
#[utoipa::path(
    operation_id = "listDesks",
    tag = "desks",
    params(("id" = String, Path, description = "Municipality id"), ListQuery),
    security(("bearer" = []), ("oauth2" = ["desks:read"])),
    responses((status = 200, description = "The desks", body = Vec<Desk>))
)]
#[get("/municipalities/{id}/desks")]
pub async fn list(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadDesks)?;
    let id = id.into_inner();
    let active = q.0.active;
    let rows = state
        .db
        .read(move |c| {
            municipality::find(c, &id)?;
            Ok(model::list_for(c, &id, active)?)
        })
        .await?;
    let items: Vec<Desk> = rows.into_iter().map(model::DeskRow::into_api).collect();
    Ok(HttpResponse::Ok().json(items))
}

/// Read one desk. Permission: any authenticated caller (`desks:read`).
#[utoipa::path(
    operation_id = "getDesk",
    tag = "desks",
    params(("id" = String, Path, description = "Desk id")),
    security(("bearer" = []), ("oauth2" = ["desks:read"])),
    responses((status = 200, description = "The desk; `ETag` carries its version", body = Desk))
)]
#[get("/desks/{id}")]
pub async fn get(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadDesks)?;
    let id = id.into_inner();
    let row = state.db.read(move |c| Ok(model::find(c, &id)?)).await?;
    Ok(with_etag(row.version, &row.clone().into_api()))
}

/// Open a desk at a municipality. Permission: admin, or a client with `desks:write` for its own
/// municipality.
///
/// Beyond the schema: each opening slot ends after it starts and overlaps no other on its day
/// (422).
#[utoipa::path(
    operation_id = "createDesk",
    tag = "desks",
    params(("id" = String, Path, description = "Municipality id")),
    request_body = NewDesk,
    security(("bearer" = []), ("oauth2" = ["desks:write"])),
    responses((status = 201, description = "Created", body = Desk))
)]
#[post("/municipalities/{id}/desks")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require_in(&actor, Action::WriteDesks, &id)?;
    let input: NewDesk = body.json().await?;
    let valid = input.parse().map_err(ApiError::Validation)?;
    let municipality_id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let row = state
        .db
        .write(move |c| {
            municipality::find(c, &municipality_id)?;
            let row = model::insert(c, &municipality_id, &valid)?;
            let api = row.clone().into_api();
            audit::record(
                c,
                &ctx,
                Event::new("desk.create", "desk", &row.id)
                    .municipality(Some(&municipality_id))
                    .changes(audit::diff(None, Some(&api))),
            )?;
            Ok(row)
        })
        .await?;
    Ok(created(
        &format!("/api/v1/desks/{}", row.id),
        row.version,
        &row.clone().into_api(),
    ))
}

/// Change a desk (opening hours and languages are replaced whole). Honours `If-Match`.
/// Permission: admin, or a client with `desks:write` for the desk's municipality.
///
/// Beyond the schema: `If-Match` must be the desk's current `ETag` (412 otherwise); each opening
/// slot ends after it starts and overlaps no other on its day (422).
#[utoipa::path(
    operation_id = "updateDesk",
    tag = "desks",
    params(
        ("id" = String, Path, description = "Desk id"),
        ("If-Match" = Option<String>, Header, description = "ETag from a previous read")
    ),
    request_body = DeskPatch,
    security(("bearer" = []), ("oauth2" = ["desks:write"])),
    responses(
        (status = 200, description = "Updated", body = Desk),
        (status = 412, description = "Stale `If-Match`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[patch("/desks/{id}")]
pub async fn update(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteDesks)?;
    let id = id.into_inner();
    let scope_actor = actor.clone();
    let cur = state.db.read(move |c| Ok(model::find(c, &id)?)).await?;
    authz::require_in(&scope_actor, Action::WriteDesks, &cur.municipality_id)?;
    let patch: DeskPatch = body.json().await?;
    let ctx = AuditCtx::new(&actor, &meta);
    let row = state
        .db
        .write(move |c| {
            let cur = model::find(c, &cur.id)?;
            if_match.check(cur.version)?;
            let before = cur.clone().into_api();
            let valid = patch
                .apply(&ValidDesk::from_current(&before))
                .map_err(ApiError::Validation)?;
            let row = model::update(c, &cur, &valid)?;
            let after = row.clone().into_api();
            let action = match (before.active, after.active) {
                (true, false) => "desk.deactivate",
                (false, true) => "desk.reactivate",
                _ => "desk.update",
            };
            audit::record(
                c,
                &ctx,
                Event::new(action, "desk", &row.id)
                    .municipality(Some(&row.municipality_id))
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok(row)
        })
        .await?;
    Ok(with_etag(row.version, &row.clone().into_api()))
}
