//! `/api/v1/me`: the caller's own account.

use actix_web::{get, post, put, web, HttpResponse};
use lumit_shared::auth::{ChangePassword, RecoveryCodes, TotpConfirm, TotpEnrolment};
use lumit_shared::user::User;
use lumit_shared::validate::new_password;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::{hash_password, totp, verify_password, Actor, ActorKind};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::{self, refresh_token, second_factor, user};
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
    operation_id = "getMe",
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = User))
)]
#[get("/me")]
pub async fn get(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    require_user(&actor)?;
    let id = actor.id.clone();
    let u = state
        .db
        .read(move |c| Ok(user::find(c, &id).and_then(|r| user::to_api(c, r))?))
        .await?;
    Ok(HttpResponse::Ok().json(state.settings.shown(u)))
}

/// Change the caller's password (also the way out of a temporary one). Other sessions are logged
/// out. Permission: any logged-in user.
///
/// Beyond the schema: `current_password` must be the caller's password, and the new one must differ
/// from it (422).
#[utoipa::path(
    operation_id = "changePassword",
    tag = "me",
    request_body = ChangePassword,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed"),
        (status = 422, description = "Wrong current password or weak new one", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many password checks at once; see `Retry-After`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[put("/me/password")]
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
    let row = state.db.read(move |c| Ok(user::find(c, &id)?)).await?;
    let (current, hash) = (input.current_password, row.password_hash.clone());
    // Two argon2 runs: under the same cap as logins (503 beyond it).
    let (ok, new_hash) = state
        .password_checks
        .run(move || (verify_password(&current, &hash), hash_password(&new)))
        .await?;
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
            refresh_token::end_sessions(c, &row.id)?;
            audit::record(c, &ctx, Event::new("user.password_change", "user", &row.id))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Start setting up a second factor: a new secret for an authenticator app (as a QR code and as
/// text). Nothing changes for the account until a code from the app is confirmed; starting again
/// replaces the secret not yet confirmed. Permission: any logged-in user without one.
#[utoipa::path(
    operation_id = "startTotp",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What the app needs", body = TotpEnrolment),
        (status = 409, description = "A second factor is already set up (`totp_enabled`): an admin removes it first", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/me/totp")]
pub async fn start_totp(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    require_user(&actor)?;
    let secret = totp::new_secret();
    let pending = secret.clone();
    let username = state
        .db
        .write(move |c| {
            let row = user::find(c, &actor.id)?;
            if row.totp_secret.is_some() {
                return Err(ApiError::conflict(
                    "totp_enabled",
                    "A second factor is already set up; an admin can remove it (lost phone).",
                ));
            }
            second_factor::set_pending(c, &row.id, &pending)?;
            Ok(row.username)
        })
        .await?;
    let (otpauth_url, qr_code) =
        totp::provisioning(&secret, &username).map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok().json(TotpEnrolment {
        secret,
        otpauth_url,
        qr_code,
    }))
}

/// Finish setting up the second factor with the code the app shows: from now on login asks for
/// it. Answers the recovery codes, shown this once. Permission: any logged-in user.
///
/// Beyond the schema: `code` must be the one the app shows now (422 `wrong_code`).
#[utoipa::path(
    operation_id = "confirmTotp",
    tag = "me",
    request_body = TotpConfirm,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Set up; the recovery codes, shown once", body = RecoveryCodes),
        (status = 409, description = "No set-up under way (`POST /api/v1/me/totp` first), or one started again elsewhere", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong code", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/me/totp/confirm")]
pub async fn confirm_totp(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    require_user(&actor)?;
    let input: TotpConfirm = body.json().await?;
    let id = actor.id.clone();
    let row = state.db.read(move |c| Ok(user::find(c, &id)?)).await?;
    let Some(secret) = row.totp_pending_secret else {
        return Err(ApiError::conflict(
            "no_totp_enrolment",
            "No second factor is being set up: start with POST /api/v1/me/totp.",
        ));
    };
    let step = totp::matching_step(&secret, &input.code, totp::now_secs()).ok_or_else(|| {
        ApiError::field(
            "code",
            "wrong_code",
            "is not the code the app shows now (check the phone's clock)",
        )
    })?;
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| totp::recovery_code_hash(c)).collect();
    let ctx = AuditCtx::new(&actor, &meta);
    state
        .db
        .write(move |c| {
            if !second_factor::enable(c, &row.id, &secret, step, &hashes)? {
                return Err(ApiError::conflict(
                    "no_totp_enrolment",
                    "The set-up was started again elsewhere: use the newest QR code.",
                ));
            }
            audit::record(c, &ctx, Event::new("user.totp_enable", "user", &row.id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(RecoveryCodes { codes }))
}

/// The mediator record the caller acts as. Permission: mediators (404 until an admin links the
/// account to a mediator).
#[utoipa::path(
    operation_id = "getMyMediatorProfile",
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's mediator record", body = lumit_shared::mediation::Mediator))
)]
#[get("/me/mediator")]
pub async fn mediator(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    crate::authz::require(&actor, crate::authz::Action::WorkAssignments)?;
    let m = state
        .db
        .read(move |c| {
            let id = models::mediator::record_of_user(c, &actor.id)?.ok_or(ApiError::NotFound)?;
            Ok(models::mediator::find(c, &id).map(|(m, _)| m)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(m))
}

/// The caller's jobs (assigned, confirmed, completed, cancelled), by time; `from`/`to` bound the
/// job's day. Permission: mediators.
#[utoipa::path(
    operation_id = "listMyAssignments",
    tag = "me",
    params(AssignmentsQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's jobs", body = Vec<lumit_shared::mediation::ServiceRequest>))
)]
#[get("/me/assignments")]
pub async fn assignments(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    q: crate::extract::Query<AssignmentsQuery>,
) -> ApiResult<HttpResponse> {
    crate::authz::require(&actor, crate::authz::Action::WorkAssignments)?;
    let q = q.0;
    let ctx = AuditCtx::new(&actor, &meta);
    let (items, people) = state
        .db
        .read(move |c| {
            let Some(id) = models::mediator::of_user(c, &actor.id)? else {
                return Ok((Vec::new(), Vec::new()));
            };
            use lumit_shared::mediation::RequestStatus::*;
            let rows = models::request::jobs(
                c,
                &id,
                q.from,
                q.to,
                &[Assigned, Confirmed, Completed, Cancelled],
            )?;
            let full = models::request::with_names(c, rows)?;
            let people = models::request::people_of(c, &full)?;
            let items = full
                .into_iter()
                .map(|f| crate::routes::requests::shown(&actor, f))
                .collect::<Vec<_>>();
            Ok((items, people))
        })
        .await?;
    state
        .access
        .wait_written(crate::access::Shown::page(
            &ctx,
            "request.list",
            "assignments",
            people,
        ))
        .await?;
    Ok(HttpResponse::Ok().json(items))
}

/// Bounds of the caller's job list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssignmentsQuery {
    /// Job day from (inclusive).
    pub from: Option<chrono::NaiveDate>,
    /// Job day before.
    pub to: Option<chrono::NaiveDate>,
}

/// Create (or replace) the caller's private iCalendar address. The old address stops working.
/// Permission: mediators with a mediator record.
#[utoipa::path(
    operation_id = "createCalendarFeed",
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "The new address", body = lumit_shared::mediation::CalendarFeed))
)]
#[post("/me/calendar-feed")]
pub async fn calendar_feed(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    crate::authz::require(&actor, crate::authz::Action::WorkAssignments)?;
    let token = crate::auth::random_token(32);
    let hash = crate::auth::sha256_hex(&token);
    let ctx = AuditCtx::new(&actor, &meta);
    state
        .db
        .write(move |c| {
            let id = models::mediator::of_user(c, &actor.id)?.ok_or(ApiError::NotFound)?;
            models::mediator::set_feed_token(c, &id, Some(&hash))?;
            audit::record(
                c,
                &ctx,
                Event::new("mediator.calendar_feed", "mediator", &id),
            )
        })
        .await?;
    Ok(
        HttpResponse::Ok().json(lumit_shared::mediation::CalendarFeed {
            path: format!("/api/v1/me/assignments.ics?token={token}"),
        }),
    )
}

/// The secret of a calendar feed.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The secret from `POST /api/v1/me/calendar-feed` (calendar apps can't send a bearer token).
    pub token: Option<String>,
}

/// The caller's confirmed jobs as an iCalendar feed (RFC 5545), for a calendar app: with the
/// secret `token` of the private address, or a bearer token. Permission: mediators.
#[utoipa::path(
    operation_id = "getMyAssignmentsCalendar",
    tag = "me",
    params(FeedQuery),
    security(("bearer" = []), ()),
    responses((status = 200, description = "The feed", content_type = "text/calendar", body = String))
)]
#[get("/me/assignments.ics")]
pub async fn assignments_ics(
    req: actix_web::HttpRequest,
    meta: RequestMeta,
    state: web::Data<AppState>,
    q: crate::extract::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    use actix_web::FromRequest;
    // The secret in the address stands for the mediator; without it, the usual bearer token.
    let who = match q.0.token.filter(|t| !t.is_empty()) {
        Some(token) => {
            let hash = crate::auth::sha256_hex(&token);
            state
                .db
                .read(move |c| Ok(models::mediator::by_feed_token(c, &hash)?))
                .await?
                .map(|(id, _)| id)
                .ok_or(ApiError::Unauthorized("invalid_token"))?
        }
        None => {
            let actor = Actor::extract(&req).await?;
            crate::authz::require(&actor, crate::authz::Action::WorkAssignments)?;
            state
                .db
                .read(move |c| Ok(models::mediator::of_user(c, &actor.id)?))
                .await?
                .ok_or(ApiError::NotFound)?
        }
    };
    let ctx = AuditCtx::calendar_feed(&meta, &who);
    let (rows, people) = state
        .db
        .read(move |c| {
            let rows = models::request::jobs(
                c,
                &who,
                None,
                None,
                &[lumit_shared::mediation::RequestStatus::Confirmed],
            )?;
            let rows = models::request::with_names(c, rows)?;
            let people = models::request::people_of(c, &rows)?;
            Ok((rows, people))
        })
        .await?;
    // Places of appointments about people: a read like the job list.
    state
        .access
        .wait_written(crate::access::Shown::page(
            &ctx,
            "request.list",
            "calendar_feed",
            people,
        ))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(crate::ical::feed(&rows)))
}
