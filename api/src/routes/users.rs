//! `/api/v1/users`: staff accounts, managed by admins.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use lumit_shared::text::fold;
use lumit_shared::user::{CreatedUser, NewUser, PasswordReset, Role, User, UserPatch};
use lumit_shared::{FieldError, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::{hash_password, random_password, Actor};
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, Query, RequestMeta};
use crate::models::{municipality, refresh_token, second_factor, user as model};
use crate::pagination::Pager;
use crate::routes::{created, with_etag};
use crate::state::AppState;

/// Filters of the account list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Part of the username or full name.
    pub q: Option<String>,
    /// Role.
    pub role: Option<Role>,
    /// Assigned to this municipality.
    pub municipality_id: Option<String>,
    /// Only active (true) or deactivated (false) accounts.
    pub active: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// List accounts by username. Permission: admin, coordinator.
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listUsers",
    tag = "users",
    params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of accounts", body = Page<User>))
)]
#[get("/users")]
pub async fn list(
    actor: Actor,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadUsers)?;
    let q = q.0;
    let mut pager = Pager::<model::Cursor>::new(q.limit, q.cursor.as_deref())?;
    let (limit, after) = pager.query();
    let filter = model::Filter {
        q: q.q,
        role: q.role,
        municipality_id: q.municipality_id,
        active: q.active,
    };
    let (users, next_cursor) = state
        .db
        .read(move |c| {
            let rows = model::list(c, &filter, after, limit)?;
            // Cut first: showing an account costs a query for its municipalities.
            let (rows, next_cursor) = pager.cut(rows, |r| {
                model::Cursor(r.username_lower.clone(), r.id.clone())
            });
            let users = rows
                .into_iter()
                .map(|r| model::to_api(c, r))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((users, next_cursor))
        })
        .await?;
    let items = users.into_iter().map(|u| state.settings.shown(u)).collect();
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

/// Read one account. Permission: admin, coordinator.
#[utoipa::path(
    operation_id = "getUser",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The account; `ETag` carries its version", body = User))
)]
#[get("/users/{id}")]
pub async fn get(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadUsers)?;
    let id = id.into_inner();
    let (version, u) = state
        .db
        .read(move |c| {
            let row = model::find(c, &id)?;
            Ok((row.version, model::to_api(c, row)?))
        })
        .await?;
    Ok(with_etag(version, &state.settings.shown(u)))
}

/// Refuses municipality ids that don't exist, naming the field.
fn check_municipalities(c: &mut DbConn, ids: &[String]) -> ApiResult<()> {
    let found = municipality::existing_ids(c, ids)?;
    let errors: Vec<FieldError> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !found.contains(id))
        .map(|(i, _)| {
            FieldError::new(
                format!("municipality_ids[{i}]"),
                "invalid_reference",
                "no such municipality",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Create an account with a temporary password (the one given, or a generated one returned once);
/// the person must change it at first login. Permission: admin.
///
/// Beyond the schema: the municipalities must exist (422 `invalid_reference`).
#[utoipa::path(
    operation_id = "createUser",
    tag = "users",
    request_body = NewUser,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = CreatedUser),
        (status = 409, description = "Username taken (case-insensitive)", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/users")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteUsers)?;
    let input: NewUser = body.json().await?;
    let valid = input.parse().map_err(ApiError::Validation)?;
    let generated = valid.password.is_none().then(random_password);
    let password = valid
        .password
        .clone()
        .or_else(|| generated.clone())
        .unwrap_or_default();
    let hash = web::block(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(ApiError::Internal)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, u) = state
        .db
        .write(move |c| {
            check_municipalities(c, &valid.municipality_ids)?;
            let row = model::insert(
                c,
                &model::NewAccount {
                    username: &valid.username,
                    full_name: &valid.full_name,
                    email: valid.email.as_deref(),
                    role: valid.role,
                    password_hash: &hash,
                    must_change_password: true,
                },
            )?;
            model::set_municipalities(c, &row.id, &valid.municipality_ids)?;
            let version = row.version;
            let u = model::to_api(c, row)?;
            audit::record(
                c,
                &ctx,
                Event::new("user.create", "user", &u.id).changes(audit::diff(None, Some(&u))),
            )?;
            Ok((version, u))
        })
        .await?;
    let location = format!("/api/v1/users/{}", u.id);
    Ok(created(
        &location,
        version,
        &CreatedUser {
            user: state.settings.shown(u),
            temporary_password: generated,
        },
    ))
}

/// Change an account: name, e-mail, role, municipalities, active. The last active admin can't be
/// deactivated or demoted. Deactivating cuts off the account's tokens at once. Honours `If-Match`.
/// Permission: admin.
///
/// Beyond the schema: `If-Match` must be the account's current `ETag` (412 otherwise); the
/// municipalities must exist (422).
#[utoipa::path(
    operation_id = "updateUser",
    tag = "users",
    params(
        ("id" = String, Path, description = "User id"),
        ("If-Match" = Option<String>, Header, description = "ETag from a previous read")
    ),
    request_body = UserPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = User),
        (status = 409, description = "Would leave no active admin", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[patch("/users/{id}")]
pub async fn update(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteUsers)?;
    let patch: UserPatch = body.json().await?;
    let valid = patch.parse().map_err(ApiError::Validation)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, u) = state
        .db
        .write(move |c| {
            let cur = model::find(c, &id)?;
            if_match.check(cur.version)?;
            let before = model::to_api(c, cur.clone())?;
            let role = valid.role.unwrap_or(before.role);
            let active = valid.active.unwrap_or(before.active);
            if before.role == Role::Admin
                && before.active
                && (role != Role::Admin || !active)
                && model::other_active_admins(c, &cur.id)? == 0
            {
                return Err(ApiError::conflict(
                    "last_admin",
                    "This is the last active admin: it must stay an active admin.",
                ));
            }
            let full_name = valid
                .full_name
                .clone()
                .unwrap_or_else(|| before.full_name.clone());
            let email = valid.email.clone().unwrap_or_else(|| before.email.clone());
            let row = model::update_profile(
                c,
                &cur,
                model::Profile {
                    full_name: &full_name,
                    full_name_folded: fold(&full_name),
                    email: email.as_deref(),
                    role: role.as_str(),
                    active,
                },
            )?;
            if let Some(ids) = &valid.municipality_ids {
                check_municipalities(c, ids)?;
                model::set_municipalities(c, &row.id, ids)?;
            }
            if !active {
                refresh_token::end_sessions(c, &row.id)?;
            }
            let version = row.version;
            let after = model::to_api(c, row)?;
            let action = match (before.active, after.active) {
                (true, false) => "user.deactivate",
                (false, true) => "user.reactivate",
                _ => "user.update",
            };
            audit::record(
                c,
                &ctx,
                Event::new(action, "user", &after.id)
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok((version, after))
        })
        .await?;
    Ok(with_etag(version, &state.settings.shown(u)))
}

/// Reset an account's password: returns a one-time temporary password, logs the account out
/// everywhere, and forces a change at next login. Permission: admin.
#[utoipa::path(
    operation_id = "resetUserPassword",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The temporary password, shown once", body = PasswordReset))
)]
#[post("/users/{id}/password-reset")]
pub async fn reset_password(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteUsers)?;
    let id = id.into_inner();
    let temporary = random_password();
    let pw = temporary.clone();
    let hash = web::block(move || hash_password(&pw))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(ApiError::Internal)?;
    let ctx = AuditCtx::new(&actor, &meta);
    state
        .db
        .write(move |c| {
            let row = model::find(c, &id)?;
            model::set_password(c, &row.id, &hash, true)?;
            refresh_token::end_sessions(c, &row.id)?;
            audit::record(c, &ctx, Event::new("user.password_reset", "user", &row.id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(PasswordReset {
        temporary_password: temporary,
    }))
}

/// End every session of an account at once (a lost laptop, a colleague who left): its refresh
/// tokens are revoked and its access tokens refused from the next request; it can log in again.
/// Permission: admin.
#[utoipa::path(
    operation_id = "endUserSessions",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Every session of the account ended"),
        (status = 404, description = "No such account", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/users/{id}/end-sessions")]
pub async fn end_sessions(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteUsers)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    state
        .db
        .write(move |c| {
            let row = model::find(c, &id)?;
            refresh_token::end_sessions(c, &row.id)?;
            audit::record(c, &ctx, Event::new("user.end_sessions", "user", &row.id))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Remove an account's second factor (a lost or replaced phone): its app and recovery codes stop
/// working, its sessions end, and a role that requires one must set it up again at the next
/// login. Permission: admin.
#[utoipa::path(
    operation_id = "resetUserTotp",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Second factor removed, sessions ended"),
        (status = 404, description = "No such account, or it has no second factor", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[delete("/users/{id}/totp")]
pub async fn reset_totp(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteUsers)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    state
        .db
        .write(move |c| {
            let row = model::find(c, &id)?;
            if !second_factor::clear(c, &row.id)? {
                return Err(ApiError::NotFound);
            }
            refresh_token::end_sessions(c, &row.id)?;
            audit::record(c, &ctx, Event::new("user.totp_reset", "user", &row.id))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
