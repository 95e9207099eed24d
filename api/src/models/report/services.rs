//! The desks' services: cases opened, closed and open, timeline entries, referrals.

use lumit_shared::report::{Dimension as D, UNKNOWN};

use super::sql::{Group, Sql};
use super::{Tally, Window};
use crate::db::DbConn;
use crate::error::StoreResult;

/// The cases of a category, municipality and outcome: how many were opened in the window,
/// closed in it, and open at its end.
#[derive(diesel::QueryableByName)]
struct Cases {
    #[diesel(sql_type = diesel::sql_types::Text)]
    category: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    municipality: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    outcome: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    opened: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    closed: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    open_at_end: i64,
}

/// The window's cases in one pass, each adding to the counts it belongs to (a statement per
/// count read the million cases four times, and grouping by the flags as well tripled the
/// hashing), then its entries and referrals.
pub(super) fn tally(
    c: &mut DbConn,
    w: &Window,
    scope: Option<&[String]>,
    t: &mut Tally,
) -> StoreResult<()> {
    let (from, to) = (w.from_utc, w.to_utc);
    let mut cases = Sql::new(
        "SELECT c.category_id AS category, c.municipality_id AS municipality, COALESCE(c.outcome, '",
    );
    cases
        .push(UNKNOWN)
        .push("') AS outcome, CAST(SUM(CASE WHEN c.opened_at >= ")
        .at(from)
        .push(" THEN 1 ELSE 0 END) AS BIGINT) AS opened, CAST(SUM(CASE WHEN c.status = 'closed' AND ")
        .between("c.closed_at", from, to)
        .push(" THEN 1 ELSE 0 END) AS BIGINT) AS closed, CAST(SUM(CASE WHEN c.closed_at IS NULL OR c.closed_at >= ")
        .at(to)
        .push(" THEN 1 ELSE 0 END) AS BIGINT) AS open_at_end FROM cases c WHERE c.opened_at < ")
        .at(to)
        // The cases none of the three can count: closed before the window.
        .push(" AND (c.opened_at >= ")
        .at(from)
        .push(" OR c.closed_at IS NULL OR c.closed_at >= ")
        .at(from)
        .push(")")
        .scope("c.municipality_id", scope)
        .push(" GROUP BY c.category_id, c.municipality_id, COALESCE(c.outcome, '")
        .push(UNKNOWN)
        .push("')");
    let mut q = Sql::new(
        "SELECT 'entry' AS what, e.kind AS k, COUNT(*) AS n, COALESCE(SUM(e.minutes), 0) AS m \
         FROM case_events e JOIN cases c ON c.id = e.case_id \
         WHERE e.kind IN ('intervention', 'phone_call', 'appointment') AND ",
    );
    q.between("e.at", from, to)
        .scope("c.municipality_id", scope)
        .push(" GROUP BY e.kind")
        .push(
            " UNION ALL SELECT 'referral_made', '', COUNT(*), 0 \
             FROM referrals r JOIN cases c ON c.id = r.case_id WHERE ",
        )
        .between("r.created_at", from, to)
        .scope("c.municipality_id", scope)
        .push(
            " UNION ALL SELECT 'referral_answered', '', COUNT(*), 0 \
             FROM referrals r JOIN cases c ON c.id = r.case_id WHERE ",
        )
        .between("r.answered_at", from, to)
        .scope("c.municipality_id", scope);
    // Every figure is there, if only as 0.
    for code in [
        "cases_opened",
        "cases_closed",
        "cases_open_at_end",
        "interventions",
        "intervention_minutes",
        "phone_calls",
        "appointments",
        "referrals_made",
        "referrals_answered",
    ] {
        t.add(code, 0);
    }
    for g in cases.load::<Cases>(c)? {
        if g.opened > 0 {
            t.add("cases_opened", g.opened);
            t.line("cases_opened", D::Category, g.category, g.opened);
            t.line(
                "cases_opened",
                D::Municipality,
                g.municipality.clone(),
                g.opened,
            );
        }
        if g.closed > 0 {
            t.add("cases_closed", g.closed);
            t.line("cases_closed", D::Outcome, g.outcome, g.closed);
        }
        if g.open_at_end > 0 {
            t.add("cases_open_at_end", g.open_at_end);
            t.line(
                "cases_open_at_end",
                D::Municipality,
                g.municipality,
                g.open_at_end,
            );
        }
    }
    for g in q.load::<Group>(c)? {
        match (g.what.as_str(), g.k.as_str()) {
            ("entry", "intervention") => {
                t.add("interventions", g.n);
                t.add("intervention_minutes", g.m);
            }
            ("entry", "phone_call") => t.add("phone_calls", g.n),
            ("entry", _) => t.add("appointments", g.n),
            ("referral_made", _) => t.add("referrals_made", g.n),
            _ => t.add("referrals_answered", g.n),
        }
    }
    Ok(())
}
