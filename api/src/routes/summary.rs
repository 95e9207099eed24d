//! `GET /api/v1/summary`: the numbers on the home page.

use actix_web::{get, web, HttpResponse};
use lumit_shared::page::Summary;

use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::ApiResult;
use crate::models::municipality;
use crate::state::AppState;

/// Counts of active municipalities, desks and (for roles that read accounts) accounts.
/// Permission: any authenticated user (`municipalities:read` for clients).
#[utoipa::path(
    operation_id = "getSummary",
    tag = "me",
    security(("bearer" = []), ("oauth2" = ["municipalities:read"])),
    responses((status = 200, description = "Counts", body = Summary))
)]
#[get("/summary")]
pub async fn get(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadMunicipalities)?;
    let with_users = authz::require(&actor, Action::ReadUsers).is_ok();
    let summary = state
        .db
        .read(move |c| Ok(municipality::counts(c, with_users)?))
        .await?;
    Ok(HttpResponse::Ok().json(summary))
}
