//! Staff accounts in the database.

use diesel::prelude::*;
use lumit_shared::text::fold;
use lumit_shared::user::{Role, User};
use serde::{Deserialize, Serialize};

use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::models::municipality::like_escape;
use crate::schema::{user_municipalities, users};

/// A stored account (the hash never leaves this module's callers).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub username_lower: String,
    pub full_name: String,
    pub email: Option<String>,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
    pub version: i64,
    pub totp_secret: Option<String>,
    pub totp_pending_secret: Option<String>,
}

impl UserRow {
    /// The role (stored values are checked by the database).
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Mediator)
    }

    /// The API shape.
    pub fn into_api(self, municipality_ids: Vec<String>) -> User {
        User {
            role: self.role(),
            id: self.id,
            username: self.username,
            full_name: self.full_name,
            email: self.email,
            municipality_ids,
            active: self.active,
            must_change_password: self.must_change_password,
            totp_enabled: self.totp_secret.is_some(),
            // Decided by configuration at the HTTP boundary (`Settings::shown`).
            totp_required: false,
        }
    }
}

/// One account by id.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<UserRow> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)?)
}

/// One account by username, ignoring case.
pub fn find_by_username(c: &mut DbConn, username: &str) -> StoreResult<Option<UserRow>> {
    Ok(users::table
        .filter(users::username_lower.eq(username.trim().to_lowercase()))
        .select(UserRow::as_select())
        .first(c)
        .optional()?)
}

/// The municipalities assigned to an account.
pub fn municipality_ids(c: &mut DbConn, user_id: &str) -> StoreResult<Vec<String>> {
    Ok(user_municipalities::table
        .filter(user_municipalities::user_id.eq(user_id))
        .select(user_municipalities::municipality_id)
        .order(user_municipalities::municipality_id)
        .load(c)?)
}

/// The API shape of a stored account, with its municipalities.
pub fn to_api(c: &mut DbConn, row: UserRow) -> StoreResult<User> {
    let ids = municipality_ids(c, &row.id)?;
    Ok(row.into_api(ids))
}

/// A new account's values.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub role: Role,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

/// Creates an account (a duplicate username is a 409 from the unique index).
pub fn insert(c: &mut DbConn, a: &NewAccount<'_>) -> StoreResult<UserRow> {
    let id = new_id();
    let t = now();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::username.eq(a.username),
            users::username_lower.eq(a.username.to_lowercase()),
            users::full_name.eq(a.full_name),
            users::full_name_folded.eq(fold(a.full_name)),
            users::email.eq(a.email),
            users::role.eq(a.role.as_str()),
            users::password_hash.eq(a.password_hash),
            users::must_change_password.eq(a.must_change_password),
            users::active.eq(true),
            users::version.eq(1),
            users::created_at.eq(t),
            users::updated_at.eq(t),
        ))
        .execute(c)?;
    find(c, &id)
}

/// Replaces the assigned municipalities.
pub fn set_municipalities(c: &mut DbConn, user_id: &str, ids: &[String]) -> StoreResult<()> {
    diesel::delete(user_municipalities::table.filter(user_municipalities::user_id.eq(user_id)))
        .execute(c)?;
    for m in ids {
        diesel::insert_into(user_municipalities::table)
            .values((
                user_municipalities::user_id.eq(user_id),
                user_municipalities::municipality_id.eq(m),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// Account fields an admin edits.
#[derive(AsChangeset)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct Profile<'a> {
    pub full_name: &'a str,
    pub full_name_folded: String,
    pub email: Option<&'a str>,
    pub role: &'a str,
    pub active: bool,
}

/// Updates the profile if the version still matches, bumping it.
pub fn update_profile(c: &mut DbConn, cur: &UserRow, p: Profile<'_>) -> StoreResult<UserRow> {
    let n = diesel::update(
        users::table
            .filter(users::id.eq(&cur.id))
            .filter(users::version.eq(cur.version)),
    )
    .set((
        p,
        users::version.eq(cur.version + 1),
        users::updated_at.eq(now()),
    ))
    .execute(c)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    find(c, &cur.id)
}

/// Sets a new password hash; `must_change` for temporary passwords.
pub fn set_password(
    c: &mut DbConn,
    user_id: &str,
    hash: &str,
    must_change: bool,
) -> StoreResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(must_change),
            users::version.eq(users::version + 1),
            users::updated_at.eq(now()),
        ))
        .execute(c)?;
    Ok(())
}

/// Active admins other than `except`.
pub fn other_active_admins(c: &mut DbConn, except: &str) -> StoreResult<i64> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::active.eq(true))
        .filter(users::id.ne(except))
        .count()
        .get_result(c)?)
}

/// Number of accounts.
pub fn count(c: &mut DbConn) -> StoreResult<i64> {
    Ok(users::table.count().get_result(c)?)
}

/// Filters of the list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Part of the username or full name.
    pub q: Option<String>,
    /// Role.
    pub role: Option<Role>,
    /// Assigned to this municipality.
    pub municipality_id: Option<String>,
    /// Active flag.
    pub active: Option<bool>,
}

/// Sort key (lower-case username, id).
#[derive(Debug, Serialize, Deserialize)]
pub struct Cursor(pub String, pub String);

/// A page sorted by username.
pub fn list(
    c: &mut DbConn,
    f: &Filter,
    after: Option<Cursor>,
    limit: i64,
) -> StoreResult<Vec<UserRow>> {
    let mut q = users::table.select(UserRow::as_select()).into_boxed();
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pat = format!("%{}%", like_escape(&fold(text)));
        let upat = format!("%{}%", like_escape(&text.to_lowercase()));
        q = q.filter(
            users::full_name_folded
                .like(pat)
                .escape('\\')
                .or(users::username_lower.like(upat).escape('\\')),
        );
    }
    if let Some(r) = f.role {
        q = q.filter(users::role.eq(r.as_str()));
    }
    if let Some(a) = f.active {
        q = q.filter(users::active.eq(a));
    }
    if let Some(m) = &f.municipality_id {
        let assigned = user_municipalities::table
            .filter(user_municipalities::municipality_id.eq(m.clone()))
            .select(user_municipalities::user_id);
        q = q.filter(users::id.eq_any(assigned));
    }
    if let Some(Cursor(name, id)) = after {
        q = q.filter(
            users::username_lower
                .gt(name.clone())
                .or(users::username_lower.eq(name).and(users::id.gt(id))),
        );
    }
    Ok(q.order((users::username_lower.asc(), users::id.asc()))
        .limit(limit + 1)
        .load(c)?)
}
