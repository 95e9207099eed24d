//! The [`Actor`] extractor: who is calling, read from the database or from the cache of
//! [`crate::auth::callers`], which every change to accounts and clients empties — so that
//! deactivating an account or revoking a client cuts its tokens off at once on the instance that
//! did it, and within a hundredth of a second on every other (and after the `lumit` command
//! line's changes).

use std::future::{ready, Future};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use crate::auth::callers::Key;
use crate::auth::{load, Actor};
use crate::error::ApiError;
use crate::state::AppState;

/// Paths an account with a temporary password may still use.
const PASSWORD_CHANGE_PATHS: [&str; 3] =
    ["/api/v1/me", "/api/v1/me/password", "/api/v1/auth/logout"];

/// Paths an account that must set up its second factor may still use.
const TOTP_ENROLMENT_PATHS: [&str; 5] = [
    "/api/v1/me",
    "/api/v1/me/password",
    "/api/v1/me/totp",
    "/api/v1/me/totp/confirm",
    "/api/v1/auth/logout",
];

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(actor) = req.extensions().get::<Actor>() {
            let actor = actor.clone();
            return Box::pin(ready(Ok(actor)));
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = crate::extract::bearer(req).map(str::to_owned);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no app state")))?;
            let token = token.ok_or(ApiError::Unauthorized("unauthenticated"))?;
            let claims = state
                .jwt
                .verify(&token)
                .ok_or(ApiError::Unauthorized("invalid_token"))?;
            let callers = &state.callers;
            let key = Key::of(&claims);
            let issued_ms = if claims.iat_ms > 0 {
                claims.iat_ms
            } else {
                claims.iat.saturating_mul(1000)
            };
            let actor = match callers.get(&key) {
                Some(actor) => actor,
                None => {
                    let ticket = callers.ticket();
                    let required = state.settings.totp_required_roles.clone();
                    let actor = state.db.read(move |c| load(c, &claims, &required)).await?;
                    if let Some(ticket) = ticket {
                        callers.put(ticket, key, actor.clone());
                    }
                    actor
                }
            };
            if actor
                .sessions_valid_after_ms
                .is_some_and(|after| issued_ms < after)
            {
                return Err(ApiError::Unauthorized("session_ended"));
            }
            if actor.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&req.path()) {
                return Err(ApiError::forbidden(
                    "password_change_required",
                    "Change your temporary password first (PUT /api/v1/me/password).",
                ));
            }
            if actor.must_enrol_totp && !TOTP_ENROLMENT_PATHS.contains(&req.path()) {
                return Err(ApiError::forbidden(
                    "totp_enrolment_required",
                    "Your role signs in with a second factor: set it up first (POST /api/v1/me/totp).",
                ));
            }
            req.extensions_mut().insert(actor.clone());
            Ok(actor)
        })
    }
}
