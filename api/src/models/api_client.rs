//! API clients in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lumit_shared::api_client::{ApiClient, Scope, ValidNewApiClient};

use crate::db::{new_id, now, DbConn};
use crate::error::StoreResult;
use crate::schema::api_clients;

/// A stored client (the secret only as a hash).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_clients)]
pub struct ApiClientRow {
    pub id: String,
    pub name: String,
    pub municipality_id: String,
    pub scopes: String,
    pub client_id: String,
    pub secret_hash: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiClientRow {
    /// Scopes held.
    pub fn scopes(&self) -> Vec<Scope> {
        self.scopes
            .split_whitespace()
            .filter_map(Scope::parse)
            .collect()
    }

    /// The API shape, without the secret.
    pub fn into_api(self) -> ApiClient {
        ApiClient {
            scopes: self.scopes(),
            id: self.id,
            name: self.name,
            municipality_id: self.municipality_id,
            client_id: self.client_id,
            client_secret: None,
            revoked: self.revoked_at.is_some(),
            created_at: self.created_at.and_utc(),
        }
    }
}

/// One client by row id.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<ApiClientRow> {
    Ok(api_clients::table
        .find(id)
        .select(ApiClientRow::as_select())
        .first(c)?)
}

/// One client by its public client id.
pub fn find_by_client_id(c: &mut DbConn, client_id: &str) -> StoreResult<Option<ApiClientRow>> {
    Ok(api_clients::table
        .filter(api_clients::client_id.eq(client_id))
        .select(ApiClientRow::as_select())
        .first(c)
        .optional()?)
}

/// Creates a client with a given public id and secret hash.
pub fn insert(
    c: &mut DbConn,
    v: &ValidNewApiClient,
    client_id: &str,
    secret_hash: &str,
    created_by: &str,
) -> StoreResult<ApiClientRow> {
    let id = new_id();
    let scopes: Vec<&str> = v.scopes.iter().map(|s| s.as_str()).collect();
    diesel::insert_into(api_clients::table)
        .values((
            api_clients::id.eq(&id),
            api_clients::name.eq(&v.name),
            api_clients::municipality_id.eq(&v.municipality_id),
            api_clients::scopes.eq(scopes.join(" ")),
            api_clients::client_id.eq(client_id),
            api_clients::secret_hash.eq(secret_hash),
            api_clients::created_at.eq(now()),
            api_clients::created_by.eq(created_by),
        ))
        .execute(c)?;
    find(c, &id)
}

/// Marks a client revoked.
pub fn revoke(c: &mut DbConn, id: &str) -> StoreResult<()> {
    diesel::update(api_clients::table.find(id))
        .set(api_clients::revoked_at.eq(Some(now())))
        .execute(c)?;
    Ok(())
}

/// A page, newest first (cursor: the last id seen; ids are time-ordered UUIDs).
pub fn list(
    c: &mut DbConn,
    include_revoked: bool,
    before: Option<String>,
    limit: i64,
) -> StoreResult<Vec<ApiClientRow>> {
    let mut q = api_clients::table
        .select(ApiClientRow::as_select())
        .into_boxed();
    if !include_revoked {
        q = q.filter(api_clients::revoked_at.is_null());
    }
    if let Some(b) = before {
        q = q.filter(api_clients::id.lt(b));
    }
    Ok(q.order(api_clients::id.desc()).limit(limit + 1).load(c)?)
}
