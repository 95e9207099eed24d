//! Wall-clock time in Italy, as jobs are agreed. The matching rules themselves are pure functions
//! in `lumit_shared::mediation` (`evaluate`, `clash`, `rank`).

use chrono::{Duration, NaiveDateTime};

/// Now, as a wall-clock time in Italy: jobs are agreed in local time.
pub fn local_now() -> NaiveDateTime {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Rome)
        .naive_local()
}

/// A local time in Italy as UTC (for calendar feeds). An hour skipped by the clock change is
/// read as after it.
pub fn to_utc(t: NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono_tz::Europe::Rome
        .from_local_datetime(&t)
        .earliest()
        .or_else(|| {
            chrono_tz::Europe::Rome
                .from_local_datetime(&(t + Duration::hours(1)))
                .earliest()
        })
        .map(|d| d.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| t.and_utc())
}
