//! `/api/v1/me`: the caller's own account.

use actix_web::{web, HttpResponse};
use lumit_shared::auth::ChangePassword;
use lumit_shared::user::User;
use lumit_shared::validate::new_password;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::{hash_password, verify_password, Actor, ActorKind};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::{refresh_token, user};
use crate::state::AppState;

fn require_user(actor: &Actor) -> ApiResult<()> {
    if actor.kind == ActorKind::User {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "not_a_user",
            "API clients have no account.",
        ))
    }
}

/// The caller's account. Permission: any logged-in user (also with a temporary password).
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = User))
)]
pub async fn get(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    require_user(&actor)?;
    let id = actor.id.clone();
    let u = state
        .db
        .read(move |c| user::find(c, &id).and_then(|r| user::to_api(c, r)))
        .await?;
    Ok(HttpResponse::Ok().json(u))
}

/// Change the caller's password (also the way out of a temporary one). Other sessions are logged
/// out. Permission: any logged-in user.
#[utoipa::path(
    put,
    path = "/api/v1/me/password",
    tag = "me",
    request_body = ChangePassword,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed"),
        (status = 422, description = "Wrong current password or weak new one", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
pub async fn change_password(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    require_user(&actor)?;
    let input: ChangePassword = body.json().await?;
    let new = new_password(&input.new_password)
        .map_err(|(code, msg)| ApiError::field("new_password", code, msg))?;
    if new == input.current_password {
        return Err(ApiError::field(
            "new_password",
            "same_as_current",
            "must differ from the current password",
        ));
    }
    let id = actor.id.clone();
    let row = state.db.read(move |c| user::find(c, &id)).await?;
    let (current, hash) = (input.current_password, row.password_hash.clone());
    let (ok, new_hash) =
        web::block(move || (verify_password(&current, &hash), hash_password(&new)))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
    if !ok {
        return Err(ApiError::field(
            "current_password",
            "wrong_password",
            "is not your current password",
        ));
    }
    let new_hash = new_hash.map_err(ApiError::Internal)?;
    let ctx = AuditCtx::new(&actor, &meta);
    state
        .db
        .write(move |c| {
            user::set_password(c, &row.id, &new_hash, false)?;
            refresh_token::revoke_user(c, &row.id)?;
            audit::record(c, &ctx, Event::new("user.password_change", "user", &row.id))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
