//! The [`Actor`] extractor: who is calling, read from the database or from the cache of
//! [`super::callers`], which every change to accounts and clients empties — so that deactivating
//! an account or revoking a client cuts its tokens off at once on the instance that did it, and
//! within a hundredth of a second on every other (and after the `lumit` command line's changes).

use std::future::{ready, Future};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use diesel::prelude::*;
use lumit_shared::api_client::Scope;
use lumit_shared::user::Role;

use super::callers::Key;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::{api_clients, municipalities, user_municipalities, users};
use crate::state::AppState;

/// A person or a partner system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// A staff account.
    User,
    /// A partner system with client credentials.
    Client,
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Actor {
    /// User or client.
    pub kind: ActorKind,
    /// User id or API client id.
    pub id: String,
    /// Username or client name.
    pub name: String,
    /// The user's role (users only).
    pub role: Option<Role>,
    /// Scopes granted to this token (clients only).
    pub scopes: Vec<Scope>,
    /// Municipalities the actor works for, Unione members included.
    pub municipality_ids: Vec<String>,
    /// True while a temporary password must be replaced.
    pub must_change_password: bool,
    /// True while the role calls for a second factor the account has not set up.
    pub must_enrol_totp: bool,
    /// Access tokens issued before this instant (Unix milliseconds) are refused: the account's
    /// sessions were ended (users only).
    pub sessions_valid_after_ms: Option<i64>,
}

impl Actor {
    /// Admins and coordinators see every municipality.
    pub fn sees_all(&self) -> bool {
        self.role.is_some_and(Role::sees_all_municipalities)
    }

    /// True when the actor works for this municipality (or sees all).
    pub fn covers(&self, municipality_id: &str) -> bool {
        self.sees_all() || self.municipality_ids.iter().any(|m| m == municipality_id)
    }
}

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

fn bearer(req: &HttpRequest) -> Option<String> {
    let v = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(actor) = req.extensions().get::<Actor>() {
            let actor = actor.clone();
            return Box::pin(ready(Ok(actor)));
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no app state")))?;
            let token = token.ok_or(ApiError::Unauthorized("unauthenticated"))?;
            let claims = state
                .jwt
                .verify(&token)
                .ok_or(ApiError::Unauthorized("invalid_token"))?;
            let callers = state.db.callers();
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

fn load(
    c: &mut DbConn,
    claims: &crate::auth::jwt::Claims,
    totp_required: &[Role],
) -> ApiResult<Actor> {
    match claims.kind.as_str() {
        "user" => {
            // One statement: the account and the municipalities it works for, each Unione's
            // members included (one row per municipality, none when it has no assignment).
            type Row = (
                String,
                String,
                String,
                bool,
                bool,
                Option<chrono::NaiveDateTime>,
                bool,
                Option<String>,
            );
            let rows: Vec<Row> = users::table
                .left_join(user_municipalities::table)
                .left_join(
                    // A deactivated municipality is out of everyone's reach at once.
                    municipalities::table.on(municipalities::id
                        .nullable()
                        .eq(user_municipalities::municipality_id.nullable())
                        .or(municipalities::member_of_id
                            .eq(user_municipalities::municipality_id.nullable()))
                        .and(municipalities::active.eq(true))),
                )
                .filter(users::id.eq(&claims.sub))
                .select((
                    users::id,
                    users::username,
                    users::role,
                    users::active,
                    users::must_change_password,
                    users::sessions_valid_after,
                    users::totp_secret.is_not_null(),
                    municipalities::id.nullable(),
                ))
                .load(c)?;
            let mut municipality_ids: Vec<String> = Vec::new();
            for m in rows.iter().filter_map(|r| r.7.clone()) {
                if !municipality_ids.contains(&m) {
                    municipality_ids.push(m);
                }
            }
            let (id, username, role, active, must_change, valid_after, has_totp, _) = rows
                .into_iter()
                .next()
                .ok_or(ApiError::Unauthorized("invalid_token"))?;
            if !active {
                return Err(ApiError::Unauthorized("account_inactive"));
            }
            if let Some(sid) = &claims.sid {
                if !crate::models::refresh_token::session_is_open(c, sid)? {
                    return Err(ApiError::Unauthorized("session_ended"));
                }
            }
            let role = Role::parse(&role).ok_or(ApiError::Unauthorized("invalid_token"))?;
            Ok(Actor {
                kind: ActorKind::User,
                municipality_ids,
                id,
                name: username,
                role: Some(role),
                scopes: Vec::new(),
                must_change_password: must_change,
                must_enrol_totp: !has_totp && totp_required.contains(&role),
                sessions_valid_after_ms: valid_after.map(|t| t.and_utc().timestamp_millis()),
            })
        }
        "client" => {
            // A client of a deactivated municipality is cut off with it.
            let (id, name, municipality_id, scopes): (String, String, String, String) =
                api_clients::table
                    .inner_join(municipalities::table)
                    .filter(api_clients::id.eq(&claims.sub))
                    .filter(api_clients::revoked_at.is_null())
                    .filter(municipalities::active.eq(true))
                    .select((
                        api_clients::id,
                        api_clients::name,
                        api_clients::municipality_id,
                        api_clients::scopes,
                    ))
                    .first(c)
                    .optional()?
                    .ok_or(ApiError::Unauthorized("invalid_token"))?;
            // The token may carry fewer scopes than the client holds, never more.
            let wanted = claims.scope.clone().unwrap_or_default();
            let held: Vec<&str> = scopes.split_whitespace().collect();
            let scopes = wanted
                .split_whitespace()
                .filter(|s| held.contains(s))
                .filter_map(Scope::parse)
                .collect();
            Ok(Actor {
                kind: ActorKind::Client,
                municipality_ids: with_members(c, vec![municipality_id])?,
                id,
                name,
                role: None,
                scopes,
                must_change_password: false,
                must_enrol_totp: false,
                sessions_valid_after_ms: None,
            })
        }
        _ => Err(ApiError::Unauthorized("invalid_token")),
    }
}

/// Adds the members of any Unione in the list: working for an Unione means working for its comuni.
pub fn with_members(c: &mut DbConn, mut ids: Vec<String>) -> ApiResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(ids);
    }
    let members: Vec<String> = municipalities::table
        .filter(municipalities::member_of_id.eq_any(&ids))
        .filter(municipalities::active.eq(true))
        .select(municipalities::id)
        .load(c)?;
    for m in members {
        if !ids.contains(&m) {
            ids.push(m);
        }
    }
    Ok(ids)
}
