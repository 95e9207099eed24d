//! Timestamps on the wire: RFC 3339 in UTC, exactly as chrono writes them
//! (`2026-11-27T05:13:14.123456Z`), but handed to the serializer in one piece. chrono's own
//! `Serialize` writes through `Display` a few characters at a time and serde_json escapes each
//! piece on its own, a measurable share of a page's time (docs/PERFORMANCE.md).
//!
//! Use on a field with `#[serde(serialize_with = "crate::time::serialize")]` (or
//! `crate::time::serialize_option`); reading is chrono's own.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

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

/// A local date and time written `YYYY-MM-DDTHH:MM`, with seconds and a fraction of a second if
/// wanted (as chrono writes one), and nothing else: the API document's `lumit:local-datetime`.
/// (chrono's own reading would also take `2026-1-2T3:4:5`, spaces and leap seconds.)
pub fn local_date_time(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let minutes = b.len() >= 16
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16);
    let rest = b.get(16..).unwrap_or_default();
    let seconds = match rest {
        [] => true,
        [b':', s1, s2, fraction @ ..] => {
            s1.is_ascii_digit()
                && s2.is_ascii_digit()
                && match fraction {
                    [] => true,
                    [b'.', f @ ..] => {
                        (1..=9).contains(&f.len()) && f.iter().all(u8::is_ascii_digit)
                    }
                    _ => false,
                }
        }
        _ => false,
    };
    if !(minutes && seconds) {
        return None;
    }
    let format = if rest.is_empty() {
        "%Y-%m-%dT%H:%M"
    } else {
        "%Y-%m-%dT%H:%M:%S%.f"
    };
    NaiveDateTime::parse_from_str(s, format)
        .ok()
        // `60` seconds: chrono's leap second, not a time anyone types.
        .filter(|t| chrono::Timelike::nanosecond(t) < 1_000_000_000)
}

/// Reads an optional [`local_date_time`] (`null` when absent).
pub fn deserialize_local_option<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<NaiveDateTime>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => local_date_time(&s).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{s}` is not a local date and time (YYYY-MM-DDTHH:MM[:SS])"
            ))
        }),
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

    #[test]
    fn local_times_are_read_only_as_written() {
        for ok in [
            "2027-01-20T09:00",
            "2027-01-20T09:00:05",
            "2027-01-20T09:00:05.123456",
        ] {
            assert!(local_date_time(ok).is_some(), "{ok}");
        }
        for bad in [
            "2027-1-20T09:00",
            "2027-01-20 09:00",
            "2027-01-20T09:00Z",
            "2027-01-20T9:00",
            "2027-02-30T09:00",
            "2027-01-20T23:59:60",
            " 2027-01-20T09:00",
        ] {
            assert!(local_date_time(bad).is_none(), "{bad}");
        }
    }
}
