//! Refresh tokens: stored only as hashes, single use, in families for theft detection.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::{random_token, sha256_hex};
use crate::db::{new_id, now, DbConn};
use crate::error::ApiResult;
use crate::schema::refresh_tokens;

/// How long a refresh token lives.
pub const REFRESH_TTL_DAYS: i64 = 30;

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
}

/// Issues a token in a family (a new family at login); returns the clear token.
pub fn issue(c: &mut DbConn, user_id: &str, family_id: Option<&str>) -> ApiResult<String> {
    let token = random_token(32);
    let t = now();
    let family = family_id.map(str::to_owned).unwrap_or_else(new_id);
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(new_id()),
            refresh_tokens::family_id.eq(family),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::token_hash.eq(sha256_hex(&token)),
            refresh_tokens::created_at.eq(t),
            refresh_tokens::expires_at.eq(t + Duration::days(REFRESH_TTL_DAYS)),
        ))
        .execute(c)?;
    Ok(token)
}

/// Finds a token by its clear value.
pub fn find(c: &mut DbConn, token: &str) -> ApiResult<Option<RefreshRow>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(sha256_hex(token)))
        .select(RefreshRow::as_select())
        .first(c)
        .optional()?)
}

/// Marks a token used (rotation).
pub fn mark_used(c: &mut DbConn, id: &str) -> ApiResult<()> {
    diesel::update(refresh_tokens::table.find(id))
        .set(refresh_tokens::used_at.eq(Some(now())))
        .execute(c)?;
    Ok(())
}

/// Revokes every live token of a family (reuse detected, or logout).
pub fn revoke_family(c: &mut DbConn, family_id: &str) -> ApiResult<usize> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now())))
    .execute(c)?)
}

/// Revokes every token of a user (password reset, deactivation).
pub fn revoke_user(c: &mut DbConn, user_id: &str) -> ApiResult<usize> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now())))
    .execute(c)?)
}
