//! Referrals of cases to other offices, and the deadlines the worklist shows.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::case::{Deadline, DeadlineKind, NewReferral, OfficeKind, Referral};

use crate::db::{new_id, now, DbConn};
use crate::error::StoreResult;
use crate::schema::{cases, people, referrals};

type Row = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<NaiveDate>,
    Option<String>,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

fn to_api(r: Row) -> Referral {
    let (id, case_id, kind, target, reason, follow_up_date, answer, answered_at, created_at) = r;
    Referral {
        id,
        case_id,
        office_kind: OfficeKind::parse(&kind).unwrap_or(OfficeKind::Other),
        target_municipality_id: target,
        reason,
        follow_up_date,
        answer,
        answered_at: answered_at.map(|t| t.and_utc()),
        created_at: created_at.and_utc(),
    }
}

macro_rules! columns {
    () => {
        (
            referrals::id,
            referrals::case_id,
            referrals::office_kind,
            referrals::target_municipality_id,
            referrals::reason,
            referrals::follow_up_date,
            referrals::answer,
            referrals::answered_at,
            referrals::created_at,
        )
    };
}

/// A case's referrals, oldest first.
pub fn for_case(c: &mut DbConn, case_id: &str) -> StoreResult<Vec<Referral>> {
    let rows: Vec<Row> = referrals::table
        .filter(referrals::case_id.eq(case_id))
        .select(columns!())
        .order((referrals::created_at.asc(), referrals::id.asc()))
        .load(c)?;
    Ok(rows.into_iter().map(to_api).collect())
}

/// One referral of a case.
pub fn find(c: &mut DbConn, case_id: &str, id: &str) -> StoreResult<Referral> {
    let row: Row = referrals::table
        .filter(referrals::case_id.eq(case_id))
        .filter(referrals::id.eq(id))
        .select(columns!())
        .first(c)?;
    Ok(to_api(row))
}

/// Records a referral.
pub fn insert(
    c: &mut DbConn,
    case_id: &str,
    r: &NewReferral,
    reason: &str,
    by: &str,
) -> StoreResult<Referral> {
    let id = new_id();
    diesel::insert_into(referrals::table)
        .values((
            referrals::id.eq(&id),
            referrals::case_id.eq(case_id),
            referrals::office_kind.eq(r.office_kind.as_str()),
            referrals::target_municipality_id.eq(&r.target_municipality_id),
            referrals::reason.eq(reason),
            referrals::follow_up_date.eq(r.follow_up_date),
            referrals::created_by.eq(by),
            referrals::created_at.eq(now()),
        ))
        .execute(c)?;
    find(c, case_id, &id)
}

/// Records the office's answer.
pub fn answer(c: &mut DbConn, case_id: &str, id: &str, text: &str) -> StoreResult<Referral> {
    diesel::update(
        referrals::table
            .filter(referrals::case_id.eq(case_id))
            .filter(referrals::id.eq(id)),
    )
    .set((
        referrals::answer.eq(Some(text)),
        referrals::answered_at.eq(Some(now())),
    ))
    .execute(c)?;
    find(c, case_id, id)
}

/// A follow-up date with its case (id, reference, municipality) and person (id, names).
type FollowUpRow = (
    Option<NaiveDate>,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// Everything due up to `today + within_days` (overdue items included), in the scope, by date.
pub fn deadlines(
    c: &mut DbConn,
    scope: Option<&[String]>,
    today: NaiveDate,
    within_days: i64,
) -> StoreResult<Vec<Deadline>> {
    let until = today + Duration::days(within_days);
    let mut out = Vec::new();

    // Residence permits expiring: the permit is kept by the desk that registered her, so the
    // deadline is that desk's (another desk serving her sees her identity only).
    let mut q = people::table
        .filter(people::permit_expiry.le(until))
        .filter(people::permit_expiry.ge(today - Duration::days(365)))
        .filter(people::merged_into_id.is_null())
        .filter(people::anonymised_at.is_null())
        .select((
            people::id,
            people::first_name,
            people::last_name,
            people::permit_expiry,
            people::created_municipality_id,
        ))
        .into_boxed();
    if let Some(s) = scope {
        q = q.filter(people::created_municipality_id.eq_any(s.to_vec()));
    }
    let permits: Vec<(String, String, String, Option<NaiveDate>, String)> =
        q.limit(1000).load(c)?;
    for (id, first, last, expiry, municipality_id) in permits {
        if let Some(date) = expiry {
            out.push(Deadline {
                kind: DeadlineKind::PermitExpiry,
                date,
                overdue: date < today,
                person_id: id,
                person_name: format!("{first} {last}"),
                case_id: None,
                case_reference: None,
                municipality_id,
            });
        }
    }

    // Integration Agreements: the check falls due two years after the case was opened.
    let mut q = cases::table
        .inner_join(people::table)
        .filter(cases::category_id.eq("integration_agreement"))
        .filter(cases::status.ne("closed"))
        .filter(
            cases::opened_at.le((until - Duration::days(730))
                .and_hms_opt(23, 59, 59)
                .unwrap_or_default()),
        )
        .select((
            cases::id,
            cases::reference,
            cases::opened_at,
            cases::municipality_id,
            people::id,
            people::first_name,
            people::last_name,
        ))
        .into_boxed();
    if let Some(s) = scope {
        q = q.filter(cases::municipality_id.eq_any(s.to_vec()));
    }
    let checks: Vec<(
        String,
        String,
        NaiveDateTime,
        String,
        String,
        String,
        String,
    )> = q.limit(1000).load(c)?;
    for (case_id, reference, opened, municipality_id, pid, first, last) in checks {
        let date = opened.date() + Duration::days(730);
        out.push(Deadline {
            kind: DeadlineKind::IntegrationCheck,
            date,
            overdue: date < today,
            person_id: pid,
            person_name: format!("{first} {last}"),
            case_id: Some(case_id),
            case_reference: Some(reference),
            municipality_id,
        });
    }

    // Referral follow-ups without an answer.
    let mut q = referrals::table
        .inner_join(cases::table.inner_join(people::table))
        .filter(referrals::answered_at.is_null())
        .filter(referrals::follow_up_date.le(until))
        .select((
            referrals::follow_up_date,
            cases::id,
            cases::reference,
            cases::municipality_id,
            people::id,
            people::first_name,
            people::last_name,
        ))
        .into_boxed();
    if let Some(s) = scope {
        q = q.filter(cases::municipality_id.eq_any(s.to_vec()));
    }
    let follow: Vec<FollowUpRow> = q.limit(1000).load(c)?;
    for (date, case_id, reference, municipality_id, pid, first, last) in follow {
        if let Some(date) = date {
            out.push(Deadline {
                kind: DeadlineKind::ReferralFollowUp,
                date,
                overdue: date < today,
                person_id: pid,
                person_name: format!("{first} {last}"),
                case_id: Some(case_id),
                case_reference: Some(reference),
                municipality_id,
            });
        }
    }
    out.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| a.person_name.cmp(&b.person_name))
    });
    Ok(out)
}
