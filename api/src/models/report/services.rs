//! The desks' services: cases opened, closed and open, timeline entries, referrals.

use lumit_shared::report::{Dimension as D, UNKNOWN};

use super::sql::{Group, Sql};
use super::{Tally, Window};
use crate::db::DbConn;
use crate::error::StoreResult;

/// The window's cases and entries in one statement.
pub(super) fn tally(
    c: &mut DbConn,
    w: &Window,
    scope: Option<&[String]>,
    t: &mut Tally,
) -> StoreResult<()> {
    let (from, to) = (w.from_utc, w.to_utc);
    let mut q = Sql::new(
        "SELECT 'opened' AS what, c.category_id AS k, COUNT(*) AS n, 0 AS m FROM cases c WHERE ",
    );
    q.between("c.opened_at", from, to)
        .scope("c.municipality_id", scope)
        .push(" GROUP BY c.category_id")
        .push(" UNION ALL SELECT 'opened_in', c.municipality_id, COUNT(*), 0 FROM cases c WHERE ")
        .between("c.opened_at", from, to)
        .scope("c.municipality_id", scope)
        .push(" GROUP BY c.municipality_id")
        .push(" UNION ALL SELECT 'closed', COALESCE(c.outcome, '")
        .push(UNKNOWN)
        .push("'), COUNT(*), 0 FROM cases c WHERE c.status = 'closed' AND ")
        .between("c.closed_at", from, to)
        .scope("c.municipality_id", scope)
        .push(" GROUP BY 2")
        .push(" UNION ALL SELECT 'open_at_end', c.municipality_id, COUNT(*), 0 FROM cases c WHERE c.opened_at < ")
        .at(to)
        .push(" AND (c.closed_at IS NULL OR c.closed_at >= ")
        .at(to)
        .push(")")
        .scope("c.municipality_id", scope)
        .push(" GROUP BY c.municipality_id")
        .push(
            " UNION ALL SELECT 'entry', e.kind, COUNT(*), COALESCE(SUM(e.minutes), 0) \
             FROM case_events e JOIN cases c ON c.id = e.case_id \
             WHERE e.kind IN ('intervention', 'phone_call', 'appointment') AND ",
        )
        .between("e.at", from, to)
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
    for g in q.load::<Group>(c)? {
        match (g.what.as_str(), g.k.as_str()) {
            ("opened", _) => {
                t.add("cases_opened", g.n);
                t.line("cases_opened", D::Category, g.k, g.n);
            }
            ("opened_in", _) => t.line("cases_opened", D::Municipality, g.k, g.n),
            ("closed", _) => {
                t.add("cases_closed", g.n);
                t.line("cases_closed", D::Outcome, g.k, g.n);
            }
            ("open_at_end", _) => {
                t.add("cases_open_at_end", g.n);
                t.line("cases_open_at_end", D::Municipality, g.k, g.n);
            }
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
