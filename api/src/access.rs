//! The access log: who read which person's or case's record. Apart from the audit log because
//! reads are many and change nothing: an access row joins no hash chain, so a read never waits
//! for the writers' turn. Append-only in the database, like the audit log.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use lumit_shared::audit::AccessEntry;

use crate::audit::AuditCtx;
use crate::db::{now, DbConn};
use crate::error::ApiResult;
use crate::schema::access_log;

/// A read to record.
#[derive(Debug, Clone, Copy)]
pub struct Read<'a> {
    /// `person.read`, `case.read`, `person.export`.
    pub action: &'static str,
    /// `person` or `case`.
    pub entity_type: &'static str,
    /// The record.
    pub entity_id: &'a str,
    /// Whose data it holds.
    pub person_id: &'a str,
    /// The municipality of the record.
    pub municipality_id: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = access_log)]
struct NewRow<'a> {
    at: NaiveDateTime,
    actor_kind: &'a str,
    actor_id: Option<&'a str>,
    actor_name: Option<&'a str>,
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    person_id: Option<&'a str>,
    municipality_id: Option<&'a str>,
    request_id: Option<&'a str>,
    client_ip: Option<&'a str>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = access_log)]
struct Row {
    id: i64,
    at: NaiveDateTime,
    actor_kind: String,
    actor_id: Option<String>,
    actor_name: Option<String>,
    action: String,
    entity_type: String,
    entity_id: String,
    request_id: Option<String>,
    client_ip: Option<String>,
}

/// Appends one read.
pub fn record(c: &mut DbConn, ctx: &AuditCtx, r: Read<'_>) -> ApiResult<()> {
    diesel::insert_into(access_log::table)
        .values(NewRow {
            at: now(),
            actor_kind: ctx.actor_kind,
            actor_id: ctx.actor_id.as_deref(),
            actor_name: ctx.actor_name.as_deref(),
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            person_id: Some(r.person_id),
            municipality_id: r.municipality_id,
            request_id: ctx.request_id.as_deref(),
            client_ip: ctx.client_ip.as_deref(),
        })
        .execute(c)?;
    Ok(())
}

/// Reads of a person's data (their record and their cases), newest first.
pub fn for_person(
    c: &mut DbConn,
    person_id: &str,
    before_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<AccessEntry>> {
    let mut q = access_log::table
        .filter(access_log::person_id.eq(person_id))
        .select(Row::as_select())
        .into_boxed();
    if let Some(b) = before_id {
        q = q.filter(access_log::id.lt(b));
    }
    let rows: Vec<Row> = q.order(access_log::id.desc()).limit(limit).load(c)?;
    Ok(rows
        .into_iter()
        .map(|r| AccessEntry {
            id: r.id,
            at: DateTime::<Utc>::from_naive_utc_and_offset(r.at, Utc),
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            request_id: r.request_id,
            client_ip: r.client_ip,
        })
        .collect())
}
