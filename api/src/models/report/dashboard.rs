//! What the dashboards count besides the indicators: people by month, cases by status, a
//! mediator's own jobs.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use lumit_shared::mediation::RequestStatus;

use super::{people, Window};
use crate::db::DbConn;
use crate::error::StoreResult;
use crate::models::request::Row;
use crate::schema::{cases, service_requests};

/// The months a period touches (at most 24, the latest kept), each cut to the period.
pub fn months(
    from: NaiveDate,
    to: NaiveDate,
    to_utc: impl Fn(chrono::NaiveDateTime) -> chrono::NaiveDateTime + Copy,
) -> Vec<(NaiveDate, Window)> {
    let mut out = Vec::new();
    let mut start = from.with_day(1).unwrap_or(from);
    while start <= to {
        let Some(next) = start.checked_add_months(chrono::Months::new(1)) else {
            break;
        };
        let last = next.pred_opt().unwrap_or(to).min(to);
        out.push((start, Window::new(start.max(from), last, to_utc)));
        start = next;
    }
    let skip = out.len().saturating_sub(24);
    out.split_off(skip)
}

/// People assisted in each window.
pub fn people_by_month(
    c: &mut DbConn,
    months: &[(NaiveDate, Window)],
    scope: Option<&[String]>,
) -> StoreResult<Vec<i64>> {
    let windows: Vec<Window> = months.iter().map(|(_, w)| *w).collect();
    people::distinct_by_window(c, &windows, scope)
}

/// Cases not closed, by status, now.
pub fn open_cases_by_status(
    c: &mut DbConn,
    scope: Option<&[String]>,
) -> StoreResult<Vec<(String, i64)>> {
    let mut q = cases::table
        .filter(cases::status.ne("closed"))
        .group_by(cases::status)
        .select((cases::status, diesel::dsl::count_star()))
        .into_boxed();
    if let Some(ids) = scope {
        q = q.filter(cases::municipality_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(c)?)
}

/// A mediator's jobs whose day falls in the window: by status, and minutes done by week
/// (Monday of each week).
pub struct MediatorMonth {
    /// Jobs by status.
    pub by_status: Vec<(String, i64)>,
    /// Minutes of completed jobs by the Monday of their week.
    pub minutes_by_week: Vec<(NaiveDate, i64)>,
    /// Minutes by language.
    pub minutes_by_language: Vec<(String, i64)>,
}

/// The jobs of `mediator_id` in the window.
pub fn mediator_month(c: &mut DbConn, mediator_id: &str, w: &Window) -> StoreResult<MediatorMonth> {
    let rows: Vec<Row> = service_requests::table
        .filter(service_requests::mediator_id.eq(mediator_id))
        .select(Row::as_select())
        .load(c)?;
    let mut by_status = std::collections::BTreeMap::<String, i64>::new();
    let mut weeks = std::collections::BTreeMap::<NaiveDate, i64>::new();
    let mut languages = std::collections::BTreeMap::<String, i64>::new();
    let mut monday = w.from_local.date()
        - chrono::Duration::days(i64::from(
            w.from_local.date().weekday().num_days_from_monday(),
        ));
    while monday < w.to_local.date() {
        weeks.insert(monday, 0);
        monday += chrono::Duration::days(7);
    }
    for r in &rows {
        let Some(day) = super::mediation::job_day(r) else {
            continue;
        };
        if !(w.from_local..w.to_local).contains(&day) {
            continue;
        }
        *by_status.entry(r.status.clone()).or_default() += 1;
        if r.status() == RequestStatus::Completed {
            let minutes = i64::from(r.actual_minutes.unwrap_or(0));
            let d = day.date();
            let monday = d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()));
            *weeks.entry(monday).or_default() += minutes;
            *languages.entry(r.language.clone()).or_default() += minutes;
        }
    }
    Ok(MediatorMonth {
        by_status: by_status.into_iter().collect(),
        minutes_by_week: weeks.into_iter().collect(),
        minutes_by_language: languages.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[test]
    fn months_are_cut_to_the_period() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let m = super::months(d("2026-07-15"), d("2026-09-30"), |t| t);
        let starts: Vec<_> = m.iter().map(|(s, _)| *s).collect();
        assert_eq!(starts, [d("2026-07-01"), d("2026-08-01"), d("2026-09-01")]);
        assert_eq!(m[0].1.from_local.date(), d("2026-07-15"));
        assert_eq!(m[2].1.last_day, d("2026-09-30"));
        assert_eq!(
            super::months(d("2020-01-01"), d("2026-12-31"), |t| t).len(),
            24
        );
    }
}
