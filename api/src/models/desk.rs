//! Desks in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lumit_shared::desk::{Desk, ValidDesk};

use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::desks;

/// A stored desk.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = desks)]
pub struct DeskRow {
    pub id: String,
    pub municipality_id: String,
    pub name: String,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub opening_hours: String,
    pub languages: String,
    pub active: bool,
    pub version: i64,
}

impl DeskRow {
    /// The API shape (JSON columns are written by us, so a parse failure yields empty lists).
    pub fn into_api(self) -> Desk {
        Desk {
            opening_hours: serde_json::from_str(&self.opening_hours).unwrap_or_default(),
            languages: serde_json::from_str(&self.languages).unwrap_or_default(),
            id: self.id,
            municipality_id: self.municipality_id,
            name: self.name,
            address: self.address,
            email: self.email,
            phone: self.phone,
            active: self.active,
        }
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = desks, treat_none_as_null = true)]
struct Values<'a> {
    name: &'a str,
    address: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    opening_hours: String,
    languages: String,
    active: bool,
    updated_at: NaiveDateTime,
}

impl<'a> Values<'a> {
    fn of(d: &'a ValidDesk) -> StoreResult<Self> {
        Ok(Self {
            name: &d.name,
            address: d.address.as_deref(),
            email: d.email.as_deref(),
            phone: d.phone.as_deref(),
            opening_hours: to_json(&d.opening_hours)?,
            languages: to_json(&d.languages)?,
            active: d.active,
            updated_at: now(),
        })
    }
}

/// Serialises a JSON text column.
fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Internal(e.into()))
}

/// One desk.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<DeskRow> {
    Ok(desks::table
        .find(id)
        .select(DeskRow::as_select())
        .first(c)?)
}

/// The desks of a municipality, by name.
pub fn list_for(
    c: &mut DbConn,
    municipality_id: &str,
    active: Option<bool>,
) -> StoreResult<Vec<DeskRow>> {
    let mut q = desks::table
        .filter(desks::municipality_id.eq(municipality_id))
        .select(DeskRow::as_select())
        .into_boxed();
    if let Some(a) = active {
        q = q.filter(desks::active.eq(a));
    }
    Ok(q.order((desks::name.asc(), desks::id.asc()))
        .limit(500)
        .load(c)?)
}

/// Creates one.
pub fn insert(c: &mut DbConn, municipality_id: &str, d: &ValidDesk) -> StoreResult<DeskRow> {
    let id = new_id();
    diesel::insert_into(desks::table)
        .values((
            desks::id.eq(&id),
            desks::municipality_id.eq(municipality_id),
            Values::of(d)?,
            desks::version.eq(1),
            desks::created_at.eq(now()),
        ))
        .execute(c)?;
    find(c, &id)
}

/// Replaces the values and bumps the version.
pub fn update(c: &mut DbConn, cur: &DeskRow, d: &ValidDesk) -> StoreResult<DeskRow> {
    let n = diesel::update(
        desks::table
            .filter(desks::id.eq(&cur.id))
            .filter(desks::version.eq(cur.version)),
    )
    .set((Values::of(d)?, desks::version.eq(cur.version + 1)))
    .execute(c)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    find(c, &cur.id)
}
