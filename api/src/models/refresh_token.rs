//! Refresh tokens: stored only as hashes, single use, in families for theft detection. A family
//! is a session: it ends at its absolute lifetime, or when a token goes unused for the idle
//! timeout, whichever comes first.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::crypto::{random_token, sha256_hex};
use crate::db::{new_id, now, DbConn};
use crate::error::StoreResult;
use crate::schema::{refresh_tokens, users};

/// How long a session may last and idle (from the settings).
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// From login to the end, however active.
    pub lifetime: std::time::Duration,
    /// Without a refresh.
    pub idle: std::time::Duration,
}

impl SessionLimits {
    /// When a session begun at `started` ends.
    pub fn ends_at(&self, started: NaiveDateTime) -> NaiveDateTime {
        started + Duration::from_std(self.lifetime).unwrap_or(Duration::hours(12))
    }
}

/// A stored refresh token.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshRow {
    pub id: String,
    pub family_id: String,
    pub user_id: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub session_started_at: NaiveDateTime,
}

/// A refresh token just issued.
pub struct NewToken {
    /// The clear token, given out once.
    pub token: String,
    /// When it expires unused (the idle timeout, or the session's end).
    pub expires_at: NaiveDateTime,
    /// The session (the family), named in the access tokens issued with it.
    pub session_id: String,
    /// When the session ends however active.
    pub session_ends_at: NaiveDateTime,
}

/// Issues a token: a new session at login (`session` None), or the next token of a session
/// (its family and start). It expires after the idle timeout, and never past the session's end.
pub fn issue(
    c: &mut DbConn,
    user_id: &str,
    session: Option<(&str, NaiveDateTime)>,
    limits: SessionLimits,
) -> StoreResult<NewToken> {
    let token = random_token(32);
    let t = now();
    let (family, started) = match session {
        Some((family, started)) => (family.to_owned(), started),
        None => (new_id(), t),
    };
    let idle = Duration::from_std(limits.idle).unwrap_or(Duration::hours(2));
    let expires = (t + idle).min(limits.ends_at(started));
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(new_id()),
            refresh_tokens::family_id.eq(&family),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::token_hash.eq(sha256_hex(&token)),
            refresh_tokens::created_at.eq(t),
            refresh_tokens::expires_at.eq(expires),
            refresh_tokens::session_started_at.eq(started),
        ))
        .execute(c)?;
    Ok(NewToken {
        token,
        expires_at: expires,
        session_id: family,
        session_ends_at: limits.ends_at(started),
    })
}

/// Finds a token by its clear value.
pub fn find(c: &mut DbConn, token: &str) -> StoreResult<Option<RefreshRow>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(sha256_hex(token)))
        .select(RefreshRow::as_select())
        .first(c)
        .optional()?)
}

/// Marks a token used (rotation).
pub fn mark_used(c: &mut DbConn, id: &str) -> StoreResult<()> {
    diesel::update(refresh_tokens::table.find(id))
        .set(refresh_tokens::used_at.eq(Some(now())))
        .execute(c)?;
    Ok(())
}

/// Revokes every live token of a family (reuse detected, or logout).
pub fn revoke_family(c: &mut DbConn, family_id: &str) -> StoreResult<usize> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now())))
    .execute(c)?)
}

/// Ends one session (logout): its refresh tokens are revoked, and the account's row is touched
/// so that every instance empties its caller cache and refuses the session's access tokens
/// from the next request on.
pub fn end_session(c: &mut DbConn, session_id: &str, user_id: &str) -> StoreResult<usize> {
    let revoked = revoke_family(c, session_id)?;
    diesel::update(users::table.find(user_id))
        .set(users::sessions_valid_after.eq(users::sessions_valid_after))
        .execute(c)?;
    Ok(revoked)
}

/// True while a session has a token that is not revoked (it may have expired: the access
/// tokens of an expired session end on their own within minutes).
pub fn session_is_open(c: &mut DbConn, session_id: &str) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(session_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    ))
    .get_result(c)?)
}

/// Ends every session of an account at once (logout, password change or reset, deactivation,
/// an admin's "end all sessions"): its refresh tokens are revoked, and access tokens issued
/// before now are refused from the next request on (the caller cache holds this instant and is
/// emptied by the change to `users`).
pub fn end_sessions(c: &mut DbConn, user_id: &str) -> StoreResult<usize> {
    let t = now();
    diesel::update(users::table.find(user_id))
        .set(users::sessions_valid_after.eq(Some(t)))
        .execute(c)?;
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(t)))
    .execute(c)?)
}
