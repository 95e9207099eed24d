//! Timestamps on the wire: RFC 3339 in UTC, exactly as chrono writes them
//! (`2026-11-27T05:13:14.123456Z`), but handed to the serializer in one piece. chrono's own
//! `Serialize` writes through `Display` a few characters at a time and serde_json escapes each
//! piece on its own, a measurable share of a page's time (docs/PERFORMANCE.md).
//!
//! Use on a field with `#[serde(serialize_with = "crate::time::serialize")]` (or
//! `crate::time::serialize_option`); reading is chrono's own.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serializer;

/// Writes a timestamp as chrono would, in one string.
pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// [`serialize`] for an optional timestamp (`null` when absent).
pub fn serialize_option<S: Serializer>(
    at: &Option<DateTime<Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serialize(at, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde::Serialize;

    use super::*;

    #[derive(Serialize)]
    struct Ours {
        #[serde(serialize_with = "serialize")]
        at: DateTime<Utc>,
        #[serde(serialize_with = "serialize_option")]
        maybe: Option<DateTime<Utc>>,
    }

    #[derive(Serialize)]
    struct Chronos {
        at: DateTime<Utc>,
        maybe: Option<DateTime<Utc>>,
    }

    #[test]
    fn the_same_text_as_chrono_writes() {
        let base = Utc.with_ymd_and_hms(2026, 11, 27, 5, 13, 14).unwrap();
        // Whole seconds, milli-, micro- and nanoseconds: chrono picks the digits by precision.
        for nanos in [0, 120_000_000, 123_456_000, 123_456_789, 1_000] {
            let at = base + chrono::Duration::nanoseconds(nanos);
            for maybe in [None, Some(at)] {
                let ours = serde_json::to_string(&Ours { at, maybe }).unwrap();
                let theirs = serde_json::to_string(&Chronos { at, maybe }).unwrap();
                assert_eq!(ours, theirs);
            }
        }
        let at = Utc.with_ymd_and_hms(1999, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(
            serde_json::to_string(&Ours { at, maybe: None }).unwrap(),
            r#"{"at":"1999-01-02T03:04:05Z","maybe":null}"#
        );
    }
}
