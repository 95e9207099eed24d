//! Frozen reports: stored once, never changed (triggers refuse it on both databases, and the
//! server's PostgreSQL role lacks the rights).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::report::{FrozenReport, IndicatorReport};

use crate::crypto::sha256_hex;
use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::frozen_reports;

/// A stored report.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = frozen_reports)]
pub struct Row {
    pub id: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub municipality_id: Option<String>,
    pub content: String,
    pub sha256: String,
    pub frozen_by: String,
    pub frozen_by_name: String,
    pub frozen_at: NaiveDateTime,
}

impl Row {
    /// The figures as frozen.
    pub fn report(&self) -> StoreResult<IndicatorReport> {
        serde_json::from_str(&self.content)
            .map_err(|e| StoreError::Internal(anyhow::anyhow!("frozen report {}: {e}", self.id)))
    }

    /// For the API, with whether the content still matches its fingerprint.
    pub fn into_api(self) -> FrozenReport {
        let intact = sha256_hex(&self.content) == self.sha256;
        FrozenReport {
            id: self.id,
            from: self.period_from,
            to: self.period_to,
            municipality_id: self.municipality_id,
            frozen_by_name: self.frozen_by_name,
            frozen_at: self.frozen_at.and_utc(),
            sha256: self.sha256,
            intact,
        }
    }
}

/// Stores a report: its canonical JSON (the struct's fields in their order) and its SHA-256.
pub fn freeze(
    c: &mut DbConn,
    report: &IndicatorReport,
    by: &str,
    by_name: &str,
) -> StoreResult<Row> {
    let content = serde_json::to_string(report)
        .map_err(|e| StoreError::Internal(anyhow::anyhow!("a report as JSON: {e}")))?;
    let row = Row {
        id: new_id(),
        period_from: report.from,
        period_to: report.to,
        municipality_id: report
            .municipality_ids
            .as_ref()
            .and_then(|ids| ids.first().cloned()),
        sha256: sha256_hex(&content),
        content,
        frozen_by: by.to_owned(),
        frozen_by_name: by_name.to_owned(),
        frozen_at: now(),
    };
    diesel::insert_into(frozen_reports::table)
        .values(&row)
        .execute(c)?;
    Ok(row)
}

/// Frozen reports, the latest period first: the province's and every municipality's when
/// `scope` is none, else only those of these municipalities.
pub fn list(c: &mut DbConn, scope: Option<&[String]>) -> StoreResult<Vec<Row>> {
    let mut q = frozen_reports::table
        .order((
            frozen_reports::period_to.desc(),
            frozen_reports::period_from.desc(),
            frozen_reports::frozen_at.desc(),
        ))
        .select(Row::as_select())
        .limit(500)
        .into_boxed();
    if let Some(ids) = scope {
        q = q.filter(frozen_reports::municipality_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(c)?)
}

/// One, if the caller's scope reaches it (else not found).
pub fn find(c: &mut DbConn, id: &str, scope: Option<&[String]>) -> StoreResult<Row> {
    let row: Row = frozen_reports::table
        .find(id)
        .select(Row::as_select())
        .first(c)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    match (scope, &row.municipality_id) {
        (None, _) => Ok(row),
        (Some(ids), Some(m)) if ids.contains(m) => Ok(row),
        _ => Err(StoreError::NotFound),
    }
}
