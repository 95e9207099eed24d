//! Drill-down: the cases behind a figure of the desks (people assisted, cases opened, closed,
//! open at the end), or behind one line of its breakdowns.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use lumit_shared::report::{AgeBands, Dimension as D, UNKNOWN};

use super::people::age_band;
use super::sql::Sql;
use super::Window;
use crate::db::DbConn;
use crate::error::StoreResult;
use crate::models::case::CaseRow;
use crate::schema::{cases, people};

/// What to list.
#[derive(Debug, Clone)]
pub struct Drill {
    /// `people_assisted`, `cases_opened`, `cases_closed` or `cases_open_at_end`.
    pub indicator: &'static str,
    /// The lines: dimensions and their keys (municipalities are the scope).
    pub lines: Vec<(D, String)>,
    /// The period, or from the programme's start.
    pub window: Window,
    /// The municipalities counted; none: the province.
    pub scope: Option<Vec<String>>,
    /// Age bands, for a line by age.
    pub bands: AgeBands,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: String,
}

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    cases: i64,
    #[diesel(sql_type = BigInt)]
    people: i64,
}

/// `matched (case_id, person_id, opened_at)`: the cases the figure counted, cut to the line.
fn matched(d: &Drill) -> Sql {
    let (from, to) = (d.window.from_utc, d.window.to_utc);
    let scope = d.scope.as_deref();
    let mut q = Sql::new("WITH matched AS (SELECT c.id AS case_id, c.person_id, c.opened_at FROM cases c JOIN people p ON p.id = c.person_id WHERE ");
    match d.indicator {
        // As the figure counts them: a case opened in the window, or one with a timeline entry
        // in it.
        "people_assisted" => {
            q.push("(");
            q.between("c.opened_at", from, to)
                .push(" OR EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND ")
                .between("e.at", from, to)
                .push("))");
        }
        "cases_opened" => {
            q.between("c.opened_at", from, to);
        }
        "cases_closed" => {
            q.push("c.status = 'closed' AND ")
                .between("c.closed_at", from, to);
        }
        _ => {
            q.push("c.opened_at < ")
                .at(to)
                .push(" AND (c.closed_at IS NULL OR c.closed_at >= ")
                .at(to)
                .push(")");
        }
    }
    q.scope("c.municipality_id", scope);
    for (dimension, key) in &d.lines {
        q.push(" AND ");
        match dimension {
            D::Sex => {
                q.push("p.sex = ").text(key);
            }
            D::Citizenship => {
                q.push("COALESCE(p.citizenship, '")
                    .push(UNKNOWN)
                    .push("') = ")
                    .text(key);
            }
            D::AgeBand => {
                age_band(&mut q, &d.bands, &d.window);
                q.push(" = ").text(key);
            }
            D::Category => {
                q.push("c.category_id = ").text(key);
            }
            _ => {
                q.push("COALESCE(c.outcome, '")
                    .push(UNKNOWN)
                    .push("') = ")
                    .text(key);
            }
        }
    }
    q.push(")");
    q
}

/// What a drill-down found: how many cases, how many people, and the newest cases with the
/// person's first and last name.
pub struct Found {
    pub cases: i64,
    pub people: i64,
    pub rows: Vec<(CaseRow, String, String)>,
}

/// How many cases and people, and the newest `limit` cases.
pub fn cases(c: &mut DbConn, d: &Drill, limit: i64) -> StoreResult<Found> {
    let mut count = matched(d);
    count.push(" SELECT COUNT(*) AS cases, COUNT(DISTINCT person_id) AS people FROM matched");
    let counts = count.load::<Counts>(c)?;
    let (n_cases, n_people) = counts.first().map_or((0, 0), |c| (c.cases, c.people));
    let mut page = matched(d);
    page.push(" SELECT case_id AS id FROM matched ORDER BY opened_at DESC, case_id DESC LIMIT ")
        .int(limit);
    let ids: Vec<String> = page.load::<Id>(c)?.into_iter().map(|r| r.id).collect();
    let mut rows: Vec<(CaseRow, String, String)> = cases::table
        .inner_join(people::table)
        .filter(cases::id.eq_any(&ids))
        .select((CaseRow::as_select(), people::first_name, people::last_name))
        .load(c)?;
    rows.sort_by(|a, b| (b.0.opened_at, &b.0.id).cmp(&(a.0.opened_at, &a.0.id)));
    Ok(Found {
        cases: n_cases,
        people: n_people,
        rows,
    })
}
