//! Timesheets and calendar feeds.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::*;

/// Hours of one municipality and kind in a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimesheetRow {
    /// Municipality.
    pub municipality_id: String,
    /// Its name.
    pub municipality_name: String,
    /// Kind of job.
    pub kind: RequestKind,
    /// Jobs completed.
    pub jobs: i64,
    /// Minutes worked.
    pub minutes: i64,
}

/// A late cancellation (billed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LateCancellation {
    /// The request.
    pub request_id: String,
    /// Its reference.
    pub reference: String,
    /// Municipality.
    pub municipality_name: String,
    /// Planned start, local time in Italy.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:local-datetime"))]
    pub starts_at: Option<NaiveDateTime>,
    /// Planned minutes.
    pub planned_minutes: Option<i32>,
    /// Why.
    pub reason: Option<String>,
}

/// `GET /api/v1/mediators/{id}/timesheet?month=2026-11`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timesheet {
    /// The mediator.
    pub mediator_id: String,
    /// Their name.
    pub mediator_name: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Hours per municipality and kind.
    pub rows: Vec<TimesheetRow>,
    /// Total minutes.
    pub total_minutes: i64,
    /// Late cancellations, listed apart.
    pub late_cancellations: Vec<LateCancellation>,
}

/// Answer of `POST /api/v1/me/calendar-feed`: the private iCalendar address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeed {
    /// Path with the secret token; add it to a calendar app. A new one invalidates the old
    /// (`null` in a replay for an `Idempotency-Key`: shown once, never stored).
    #[cfg_attr(feature = "openapi", schema(nullable))]
    pub path: String,
}

/// `YYYY-MM` (trimmed) into the first day of the month.
pub fn month(s: &str) -> Result<NaiveDate, (&'static str, String)> {
    let t = s.trim();
    let b = t.as_bytes();
    let shape = b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit());
    shape
        .then(|| NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| ("invalid_month", format!("`{s}` is not a month (YYYY-MM)")))
}

/// Minutes as "h:mm".
pub fn hours(minutes: i64) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}
