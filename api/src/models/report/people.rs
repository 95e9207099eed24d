//! People assisted, and the municipalities their cases are in.

use diesel::Connection;
use lumit_shared::report::{born_before, AgeBands, Dimension as D, UNKNOWN};

use super::activity;
use super::sql::{Group, Sql};
use super::{Tally, Window};
use crate::db::DbConn;
use crate::error::StoreResult;

/// Distinct people with a case opened or a timeline entry in the window, and its cases per
/// municipality (for the authorities supported). A person is counted once per line: once in the
/// total, once in each municipality and category they were assisted in.
pub(super) fn tally(
    c: &mut DbConn,
    w: &Window,
    scope: Option<&[String]>,
    bands: &AgeBands,
    t: &mut Tally,
) -> StoreResult<()> {
    // From the rows the triggers keep where they answer (the province, from their start);
    // else from the cases.
    if scope.is_none() && activity::since(c)? == Some(w.from_utc) {
        return read(c, &activity::statement(w, bands), t);
    }
    from_cases(c, w, scope, bands, t)
}

/// The same lines counted from the cases, whatever the window and scope, written for each
/// planner: PostgreSQL groups by hashing, which SQLite does not; SQLite merges two index ranges
/// and counts distinct values in its index order (docs/PERFORMANCE.md, "Reports"). The
/// hand-counted tests run both.
pub(super) fn from_cases(
    c: &mut DbConn,
    w: &Window,
    scope: Option<&[String]>,
    bands: &AgeBands,
    t: &mut Tally,
) -> StoreResult<()> {
    if !matches!(c, DbConn::Pg(_)) {
        return read(c, &statement_sqlite(w, scope, bands), t);
    }
    let q = statement_pg(w, scope, bands);
    c.transaction(|c| {
        // The planner can't know how many people the window's cases hold (the distinct count
        // of a common table): it guesses 200 and looks each one up by index, 150,000 times for
        // a year of the province. Joined by hashing, in memory, it takes a third less.
        Sql::new("SET LOCAL enable_nestloop = off").execute(c)?;
        Sql::new("SET LOCAL work_mem = '64MB'").execute(c)?;
        read(c, &q, t)
    })
}

/// Runs a statement of people assisted into the tally.
pub(super) fn read(c: &mut DbConn, q: &Sql, t: &mut Tally) -> StoreResult<()> {
    for g in q.load::<Group>(c)? {
        let code = "people_assisted";
        match g.what.as_str() {
            "total" => t.add(code, g.n),
            "sex" => t.line(code, D::Sex, g.k, g.n),
            "citizenship" => t.line(code, D::Citizenship, g.k, g.n),
            "age" => t.line(code, D::AgeBand, g.k, g.n),
            "municipality" => {
                t.line(code, D::Municipality, g.k.clone(), g.n);
                t.served(&g.k, g.m);
            }
            _ => t.line(code, D::Category, g.k, g.n),
        }
    }
    Ok(())
}

/// The age band on the window's last day, from the birth date, else the birth year, else
/// unknown: `CASE WHEN birth_date > ? THEN 'lt18' …`.
pub(super) fn age_band(q: &mut Sql, bands: &AgeBands, w: &Window) {
    use chrono::Datelike;
    let keys = bands.keys();
    let at = w.last_day;
    q.push("CASE WHEN p.birth_date IS NOT NULL THEN CASE");
    for (b, k) in bands.bounds().iter().zip(&keys) {
        q.push(" WHEN p.birth_date > ")
            .day(born_before(at, *b))
            .push(&format!(" THEN '{k}'"));
    }
    q.push(&format!(
        " ELSE '{}' END WHEN p.birth_year IS NOT NULL THEN CASE",
        keys[keys.len() - 1]
    ));
    for (b, k) in bands.bounds().iter().zip(&keys) {
        q.push(" WHEN p.birth_year > ")
            .int(i64::from(at.year()) - i64::from(*b))
            .push(&format!(" THEN '{k}'"));
    }
    q.push(&format!(
        " ELSE '{}' END ELSE '{UNKNOWN}' END",
        keys[keys.len() - 1]
    ));
}

/// Distinct people assisted in each of consecutive windows (a chart by month), in one pass
/// over the whole stretch instead of a statement per window: each row of activity is given the
/// number of its window by its instant.
pub(super) fn distinct_by_window(
    c: &mut DbConn,
    windows: &[Window],
    scope: Option<&[String]>,
) -> StoreResult<Vec<i64>> {
    let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
        return Ok(Vec::new());
    };
    let (from, to) = (first.from_utc, last.to_utc);
    let mut q =
        Sql::new("WITH active AS (SELECT c.person_id, c.opened_at AS at FROM cases c WHERE ");
    q.between("c.opened_at", from, to)
        .scope("c.municipality_id", scope)
        .push(
            " UNION ALL SELECT c.person_id, e.at FROM case_events e \
             JOIN cases c ON c.id = e.case_id WHERE ",
        )
        .between("e.at", from, to)
        .scope("c.municipality_id", scope)
        .push("), numbered AS (SELECT CASE");
    for (n, w) in windows.iter().enumerate() {
        q.push(" WHEN at < ")
            .at(w.to_utc)
            .push(" THEN ")
            .int(n as i64);
    }
    q.push(
        " END AS w, person_id FROM active) \
         SELECT CAST(w AS BIGINT) AS w, COUNT(DISTINCT person_id) AS n FROM numbered GROUP BY w",
    );
    let mut out = vec![0; windows.len()];
    for r in q.load::<Numbered>(c)? {
        if let Some(slot) = usize::try_from(r.w).ok().and_then(|i| out.get_mut(i)) {
            *slot = r.n;
        }
    }
    Ok(out)
}

#[derive(diesel::QueryableByName)]
struct Numbered {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    w: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// People assisted, on PostgreSQL.
fn statement_pg(w: &Window, scope: Option<&[String]>, bands: &AgeBands) -> Sql {
    // Each case once (a scan of the cases, the window's entries looked up in a hash), then one
    // row per person with what the breakdowns need, and one per (line, person): grouped by
    // hashing, where `COUNT(DISTINCT …)` per line sorted every case (a UNION of the two sources
    // sorted them once more).
    let mut q = Sql::new(
        "WITH active AS (\
         SELECT c.id AS case_id, c.person_id, c.municipality_id, c.category_id FROM cases c WHERE ",
    );
    q.push("((")
        .between("c.opened_at", w.from_utc, w.to_utc)
        .push(") OR c.id IN (SELECT e.case_id FROM case_events e WHERE ")
        .between("e.at", w.from_utc, w.to_utc)
        .push("))")
        .scope("c.municipality_id", scope);
    q.push("), pp AS (SELECT p.sex, COALESCE(p.citizenship, '")
        .push(UNKNOWN)
        .push("') AS citizenship, ");
    age_band(&mut q, bands, w);
    q.push(
        " AS age FROM people p JOIN (SELECT DISTINCT person_id FROM active) a ON p.id = a.person_id), \
         pm AS (SELECT municipality_id, person_id, COUNT(*) AS n FROM active \
         GROUP BY municipality_id, person_id), \
         pc AS (SELECT DISTINCT category_id, person_id FROM active) \
         SELECT 'total' AS what, '' AS k, COUNT(*) AS n, 0 AS m FROM pp \
         UNION ALL SELECT 'sex', sex, COUNT(*), 0 FROM pp GROUP BY sex \
         UNION ALL SELECT 'citizenship', citizenship, COUNT(*), 0 FROM pp GROUP BY citizenship \
         UNION ALL SELECT 'age', age, COUNT(*), 0 FROM pp GROUP BY age \
         UNION ALL SELECT 'municipality', municipality_id, COUNT(*), CAST(SUM(n) AS BIGINT) \
         FROM pm GROUP BY municipality_id \
         UNION ALL SELECT 'category', category_id, COUNT(*), 0 FROM pc GROUP BY category_id",
    );
    q
}

/// People assisted, on SQLite.
fn statement_sqlite(w: &Window, scope: Option<&[String]>, bands: &AgeBands) -> Sql {
    let mut q = Sql::new(
        "WITH active AS (\
         SELECT c.id AS case_id, c.person_id, c.municipality_id, c.category_id FROM cases c WHERE ",
    );
    q.between("c.opened_at", w.from_utc, w.to_utc)
        .scope("c.municipality_id", scope)
        .push(
            " UNION SELECT c.id, c.person_id, c.municipality_id, c.category_id \
             FROM case_events e JOIN cases c ON c.id = e.case_id WHERE ",
        )
        .between("e.at", w.from_utc, w.to_utc)
        .scope("c.municipality_id", scope)
        .push(
            "), persons AS (SELECT DISTINCT person_id FROM active) \
             SELECT 'total' AS what, '' AS k, COUNT(*) AS n, 0 AS m FROM persons \
             UNION ALL SELECT 'sex', p.sex, COUNT(*), 0 \
             FROM persons a JOIN people p ON p.id = a.person_id GROUP BY p.sex \
             UNION ALL SELECT 'citizenship', COALESCE(p.citizenship, '",
        )
        .push(UNKNOWN)
        .push(
            "'), COUNT(*), 0 FROM persons a JOIN people p ON p.id = a.person_id GROUP BY 2 \
             UNION ALL SELECT 'age', ",
        );
    age_band(&mut q, bands, w);
    q.push(
        ", COUNT(*), 0 FROM persons a JOIN people p ON p.id = a.person_id GROUP BY 2 \
         UNION ALL SELECT 'municipality', municipality_id, COUNT(DISTINCT person_id), COUNT(*) \
         FROM active GROUP BY municipality_id \
         UNION ALL SELECT 'category', category_id, COUNT(DISTINCT person_id), 0 \
         FROM active GROUP BY category_id",
    );
    q
}
