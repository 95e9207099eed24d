//! Mediators' jobs: what is booked when, and the minutes worked in a month.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::mediation::RequestStatus;

use crate::db::DbConn;
use crate::error::StoreResult;
use crate::schema::service_requests;

use super::*;

/// A mediator's jobs (assigned, confirmed, completed) whose day falls in `[from, to)`, by time.
pub fn jobs(
    c: &mut DbConn,
    mediator_id: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    statuses: &[RequestStatus],
) -> StoreResult<Vec<Row>> {
    let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    let mut q = service_requests::table
        .filter(service_requests::mediator_id.eq(mediator_id))
        .filter(service_requests::status.eq_any(statuses))
        .select(Row::as_select())
        .into_boxed();
    if let Some(from) = from {
        q = q.filter(
            service_requests::starts_at
                .ge(from.and_time(chrono::NaiveTime::MIN))
                .or(service_requests::due_date.ge(from)),
        );
    }
    if let Some(to) = to {
        q = q.filter(
            service_requests::starts_at
                .lt(to.and_time(chrono::NaiveTime::MIN))
                .or(service_requests::due_date.lt(to)),
        );
    }
    let mut rows: Vec<Row> = q.limit(2000).load(c)?;
    rows.sort_by_key(job_time);
    Ok(rows)
}

/// When a job happens: the mediation's start, or the translation's due day.
pub fn job_time(r: &Row) -> NaiveDateTime {
    r.starts_at
        .or(r.due_date.map(|d| d.and_time(chrono::NaiveTime::MIN)))
        .unwrap_or(r.created_at)
}

/// Jobs that book some mediators (assigned or confirmed mediations) and end after `from` and
/// start before `to`.
pub fn booked(
    c: &mut DbConn,
    mediator_ids: &[String],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> StoreResult<Vec<Row>> {
    Ok(service_requests::table
        .filter(service_requests::mediator_id.eq_any(mediator_ids))
        .filter(service_requests::status.eq_any([
            RequestStatus::Assigned.as_str(),
            RequestStatus::Confirmed.as_str(),
        ]))
        .filter(service_requests::starts_at.lt(to))
        .filter(service_requests::ends_at.gt(from))
        .select(Row::as_select())
        .load(c)?)
}

/// Minutes of work per mediator in `[from, to)`: planned minutes of assigned and confirmed
/// mediations, actual minutes of completed jobs.
pub fn minutes_between(
    c: &mut DbConn,
    mediator_ids: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<HashMap<String, i64>> {
    type Work = (Option<String>, String, Option<i32>, Option<i32>);
    let rows: Vec<Work> = service_requests::table
        .filter(service_requests::mediator_id.eq_any(mediator_ids))
        .filter(service_requests::status.eq_any([
            RequestStatus::Assigned.as_str(),
            RequestStatus::Confirmed.as_str(),
            RequestStatus::Completed.as_str(),
        ]))
        .filter(
            service_requests::starts_at
                .ge(from.and_time(chrono::NaiveTime::MIN))
                .and(service_requests::starts_at.lt(to.and_time(chrono::NaiveTime::MIN)))
                .or(service_requests::due_date
                    .ge(from)
                    .and(service_requests::due_date.lt(to))),
        )
        .select((
            service_requests::mediator_id,
            service_requests::status,
            service_requests::duration_minutes,
            service_requests::actual_minutes,
        ))
        .load(c)?;
    let mut out = HashMap::new();
    for (m, status, planned, actual) in rows {
        let minutes = if status == RequestStatus::Completed.as_str() {
            actual
        } else {
            planned
        };
        if let Some(m) = m {
            *out.entry(m).or_insert(0) += i64::from(minutes.unwrap_or(0));
        }
    }
    Ok(out)
}

/// Completed jobs and late cancellations of a mediator in `[from, to)` (by the job's day).
pub fn month_of_work(
    c: &mut DbConn,
    mediator_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<Full>> {
    let rows = jobs(
        c,
        mediator_id,
        Some(from),
        Some(to),
        &[RequestStatus::Completed, RequestStatus::Cancelled],
    )?;
    let rows = rows
        .into_iter()
        .filter(|r| r.status() == RequestStatus::Completed || r.cancelled_late)
        .collect();
    with_names(c, rows)
}
