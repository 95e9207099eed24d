//! `/api/v1/mediators/{id}/availability`: when a mediator works.

use actix_web::{get, put, web, HttpResponse};
use lumit_shared::mediation::{Availability, Mediator};

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::mediator as model;
use crate::state::AppState;

use super::*;

/// The actor may change this mediator's availability: managers any, a mediator their own.
fn availability_editable(c: &mut DbConn, actor: &Actor, id: &str) -> ApiResult<Mediator> {
    visible(c, actor, id).map(|(m, _)| m)
}

/// A mediator's weekly windows and days away. Permission: admin, coordinator, or the mediator.
#[utoipa::path(
    operation_id = "getMediatorAvailability",
    tag = "mediators",
    params(("id" = String, Path, description = "Mediator id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The availability", body = Availability))
)]
#[get("/mediators/{id}/availability")]
pub async fn availability(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::EditAvailability)?;
    let id = id.into_inner();
    let a = state
        .db
        .read(move |c| {
            let m = availability_editable(c, &actor, &id)?;
            Ok(model::availability(c, &m.id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(a))
}

/// Replace a mediator's availability. Windows must not overlap on a day and must start before
/// they end; days away must not overlap. Permission: admin, coordinator, or the mediator.
///
/// Beyond the schema: each window ends after it starts and overlaps no other on its day; an
/// absence's `to` is not before its `from`, and absences don't overlap (422).
#[utoipa::path(
    operation_id = "setMediatorAvailability",
    tag = "mediators",
    params(("id" = String, Path, description = "Mediator id")),
    request_body = Availability,
    security(("bearer" = [])),
    responses((status = 200, description = "Saved", body = Availability))
)]
#[put("/mediators/{id}/availability")]
pub async fn set_availability(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::EditAvailability)?;
    let id = id.into_inner();
    {
        let (a, id) = (actor.clone(), id.clone());
        state
            .db
            .read(move |c| availability_editable(c, &a, &id).map(|_| ()))
            .await?;
    }
    let input: Availability = body.json().await?;
    let (windows, exceptions) = input.parse().map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let a = state
        .db
        .write(move |c| {
            let m = availability_editable(c, &actor, &id)?;
            let before = model::availability(c, &m.id)?;
            model::set_availability(c, &m.id, &windows, &exceptions)?;
            let after = model::availability(c, &m.id)?;
            audit::record(
                c,
                &ctx,
                Event::new("mediator.availability", "mediator", &m.id)
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(a))
}
