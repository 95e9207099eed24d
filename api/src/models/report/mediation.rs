//! Mediation and translation: requests, jobs done and their hours, and the offices they served.

use std::collections::HashMap;

use chrono::{NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use lumit_shared::mediation::{RequestKind, RequestStatus};
use lumit_shared::report::Dimension as D;

use super::{Tally, Window};
use crate::db::DbConn;
use crate::error::StoreResult;
use crate::models::request::Row;
use crate::schema::{request_steps, service_requests};

/// Every request filed before the window's end, tallied in Rust: a year has thousands, not
/// millions, and a job's day and its pages are easier read off the row than written twice in SQL.
pub(super) fn tally(
    c: &mut DbConn,
    w: &Window,
    scope: Option<&[String]>,
    t: &mut Tally,
) -> StoreResult<()> {
    let mut q = service_requests::table
        .filter(service_requests::created_at.lt(w.to_utc))
        // Oldest first: an office is named as it was first written.
        .order((service_requests::created_at, service_requests::id))
        .select(Row::as_select())
        .into_boxed();
    if let Some(ids) = scope {
        q = q.filter(service_requests::municipality_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<Row> = q.load(c)?;
    let assigned: HashMap<String, NaiveDateTime> = request_steps::table
        .filter(request_steps::to_status.eq(RequestStatus::Assigned.as_str()))
        .filter(request_steps::at.lt(w.to_utc))
        .group_by(request_steps::request_id)
        .select((
            request_steps::request_id,
            diesel::dsl::min(request_steps::at),
        ))
        .load::<(String, Option<NaiveDateTime>)>(c)?
        .into_iter()
        .filter_map(|(id, at)| at.map(|at| (id, at)))
        .collect();
    for code in [
        "requests_submitted",
        "jobs_completed",
        "mediation_hours",
        "pages_translated",
        "words_translated",
        "late_cancellations",
    ] {
        t.add(code, 0);
    }
    let (mut waited, mut waits) = (0.0, 0);
    for r in &rows {
        let kind = job_kind(r);
        if (w.from_utc..w.to_utc).contains(&r.created_at) {
            t.add("requests_submitted", 1);
            t.line("requests_submitted", D::Status, r.status.clone(), 1);
            t.line(
                "requests_submitted",
                D::Municipality,
                r.municipality_id.clone(),
                1,
            );
            t.line("requests_submitted", D::JobKind, kind, 1);
        }
        if let Some(at) = assigned.get(&r.id) {
            if (w.from_utc..w.to_utc).contains(at) {
                waited += (*at - r.created_at).num_seconds() as f64 / 3600.0;
                waits += 1;
            }
        }
        let in_window = job_day(r).is_some_and(|d| (w.from_local..w.to_local).contains(&d));
        if !in_window {
            continue;
        }
        match r.status() {
            RequestStatus::Completed => {
                let minutes = i64::from(r.actual_minutes.unwrap_or(0));
                t.add("jobs_completed", 1);
                t.line("jobs_completed", D::JobKind, kind, 1);
                t.add("mediation_hours", minutes);
                t.line("mediation_hours", D::Language, r.language.clone(), minutes);
                t.line(
                    "mediation_hours",
                    D::Municipality,
                    r.municipality_id.clone(),
                    minutes,
                );
                t.line("mediation_hours", D::JobKind, kind, minutes);
                if r.kind() == RequestKind::Translation {
                    let d = r.details();
                    t.add("pages_translated", i64::from(d.pages.unwrap_or(0)));
                    t.add("words_translated", i64::from(d.words.unwrap_or(0)));
                }
                t.served(&r.municipality_id, 1);
                t.office(&r.municipality_id, &r.office);
            }
            RequestStatus::Cancelled if r.cancelled_late => t.add("late_cancellations", 1),
            _ => {}
        }
    }
    t.average("hours_to_assignment", waited, waits);
    Ok(())
}

/// On site, remote, or translation.
fn job_kind(r: &Row) -> &'static str {
    match (r.kind(), r.remote) {
        (RequestKind::Translation, _) => "translation",
        (RequestKind::Mediation, true) => "remote",
        (RequestKind::Mediation, false) => "on_site",
    }
}

/// A job's day of work, local time: the actual start, else the planned start, else the
/// translation's due date.
pub(super) fn job_day(r: &Row) -> Option<NaiveDateTime> {
    r.actual_start
        .or(r.starts_at)
        .or(r.due_date.map(|d| d.and_time(NaiveTime::MIN)))
}
