//! Each person's first activity since the programme's start, kept by the database's triggers as
//! cases and timeline entries are written (migration `report_activity`, which says what a row
//! is). The cumulative people assisted of the province then are counts of rows, where counting
//! from the cases grouped every case since the start by person (docs/PERFORMANCE.md, "Reports").

use chrono::NaiveDateTime;
use diesel::Connection;
use lumit_shared::report::{AgeBands, UNKNOWN};

use super::people::age_band;
use super::sql::Sql;
use super::Window;
use crate::db::{Db, DbConn};
use crate::error::{StoreError, StoreResult};

#[derive(diesel::QueryableByName)]
struct Since {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    since: Option<NaiveDateTime>,
}

/// The instant (UTC) the kept rows count from; `None` while they are not current.
pub fn since(c: &mut DbConn) -> StoreResult<Option<NaiveDateTime>> {
    let rows: Vec<Since> = Sql::new("SELECT since FROM report_activity_since").load(c)?;
    Ok(rows.into_iter().next().and_then(|r| r.since))
}

/// Counts every row again from `since`, or empties them and stops the triggers for `None` (a
/// bulk load, which rebuilds at its end), in the caller's transaction. On PostgreSQL writes of
/// cases and entries wait until it commits, so none is counted against the old start.
pub fn rebuild(c: &mut DbConn, since: Option<NaiveDateTime>) -> StoreResult<usize> {
    if matches!(c, DbConn::Pg(_)) {
        Sql::new("LOCK TABLE cases, case_events IN SHARE MODE").execute(c)?;
        // One grouping of every case and entry: in memory rather than sorted on disk.
        Sql::new("SET LOCAL work_mem = '256MB'").execute(c)?;
    }
    let mut set = Sql::new("UPDATE report_activity_since SET since = ");
    match since {
        Some(t) => set.at(t),
        None => set.push("NULL"),
    };
    set.execute(c)?;
    Sql::new("DELETE FROM report_activity").execute(c)?;
    let Some(since) = since else { return Ok(0) };
    Sql::new(
        "INSERT INTO report_activity (kind, key, person_id, case_id, first_at) \
         SELECT kind, key, person_id, case_id, MIN(at) FROM report_activity_rows WHERE at >= ",
    )
    .at(since)
    .push(" GROUP BY kind, key, person_id, case_id")
    .execute(c)
}

/// Makes the kept rows count from `since`, the programme's start as a UTC instant: nothing when
/// they already do, else a rebuild (after an upgrade, or when the configured start changed),
/// which takes a while on a large database. Returns the rows written by a rebuild.
pub fn ensure(db: &Db, since: NaiveDateTime) -> anyhow::Result<Option<usize>> {
    let mut conn = db.unhurried_conn()?;
    if self::since(&mut conn)? == Some(since) {
        return Ok(None);
    }
    tracing::info!(%since, "counting each person's first activity since the programme's start");
    let rows = conn.transaction::<_, StoreError, _>(|c| rebuild(c, Some(since)))?;
    Ok(Some(rows))
}

/// Stops the triggers for a bulk load; returns the start to [`ensure`] again at its end.
pub fn pause(db: &Db) -> anyhow::Result<Option<NaiveDateTime>> {
    let mut conn = db.unhurried_conn()?;
    let was = since(&mut conn)?;
    conn.transaction::<_, StoreError, _>(|c| rebuild(c, None))?;
    Ok(was)
}

/// The people assisted of the province in a window that starts at the kept rows' `since`: the
/// same lines as counting from the cases (`people::tally`), from the rows, in two passes (the
/// people, then every other row at once).
pub(super) fn statement(w: &Window, bands: &AgeBands) -> Sql {
    let mut q = Sql::new("WITH pp AS (SELECT p.sex, COALESCE(p.citizenship, '");
    q.push(UNKNOWN).push("') AS citizenship, ");
    age_band(&mut q, bands, w);
    q.push(
        " AS age FROM report_activity a JOIN people p ON p.id = a.person_id \
         WHERE a.kind = 'person' AND a.first_at < ",
    )
    .at(w.to_utc)
    .push(
        ") SELECT 'total' AS what, '' AS k, COUNT(*) AS n, CAST(0 AS BIGINT) AS m FROM pp \
         UNION ALL SELECT 'sex', sex, COUNT(*), 0 FROM pp GROUP BY sex \
         UNION ALL SELECT 'citizenship', citizenship, COUNT(*), 0 FROM pp GROUP BY citizenship \
         UNION ALL SELECT 'age', age, COUNT(*), 0 FROM pp GROUP BY age \
         UNION ALL SELECT CASE WHEN kind = 'category' THEN 'category' ELSE 'municipality' END, \
         key, CAST(SUM(CASE WHEN kind = 'case' THEN 0 ELSE 1 END) AS BIGINT), \
         CAST(SUM(CASE WHEN kind = 'case' THEN 1 ELSE 0 END) AS BIGINT) \
         FROM report_activity WHERE kind <> 'person' AND first_at < ",
    )
    .at(w.to_utc)
    .push(" GROUP BY CASE WHEN kind = 'category' THEN 'category' ELSE 'municipality' END, key");
    q
}
