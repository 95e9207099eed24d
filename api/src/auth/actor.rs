//! Who is calling: the [`Actor`] of a request and how it is read from the database. The request
//! gets it through the extractor in [`crate::caller`].

use diesel::prelude::*;
use lumit_shared::api_client::Scope;
use lumit_shared::user::Role;

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::{api_clients, municipalities, user_municipalities, users};

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

/// Reads the caller a verified token names: the account (with its municipalities) or the client
/// (with the scopes it still holds among those the token asked for).
pub fn load(
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
                municipality_ids: crate::models::municipality::with_members(
                    c,
                    vec![municipality_id],
                )?,
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
