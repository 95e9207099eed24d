//! When a mediator works: weekly windows and absences, and whether a slot fits them.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::validate::{optional_text, Errors};
use crate::FieldError;

/// A weekly window in which a mediator takes jobs, e.g. Tuesday 09:00–13:00.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WeeklyWindow {
    /// ISO weekday: 1 Monday … 7 Sunday.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 7))]
    pub weekday: u8,
    /// Start, `HH:MM`.
    #[cfg_attr(feature = "openapi", schema(example = "09:00", pattern = "lumit:time"))]
    pub start: String,
    /// End, `HH:MM` (after the start, same day).
    #[cfg_attr(feature = "openapi", schema(example = "13:00", pattern = "lumit:time"))]
    pub end: String,
}

/// Days a mediator is away (holidays, sick leave), both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AvailabilityException {
    /// First day away.
    pub from: NaiveDate,
    /// Last day away.
    pub to: NaiveDate,
    /// Why (optional, e.g. "ferie").
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:200"))]
    pub reason: Option<String>,
}

/// A mediator's availability: `GET` and `PUT /api/v1/mediators/{id}/availability` (the whole
/// document is replaced).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// Weekly recurring windows.
    pub weekly: Vec<WeeklyWindow>,
    /// Dated exceptions.
    pub exceptions: Vec<AvailabilityException>,
}

/// `HH:MM` into a time of day (whole minutes); `24:00` is the day's last second.
pub fn time_of_day(s: &str) -> Result<NaiveTime, (&'static str, String)> {
    let t = s.trim();
    // The end of a window that runs to midnight.
    if t == "24:00" {
        return Ok(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
    }
    NaiveTime::parse_from_str(t, "%H:%M")
        .map_err(|_| ("invalid_time", format!("`{s}` is not a time (HH:MM)")))
}

/// A parsed weekly window: weekday 1–7 and minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Window {
    pub weekday: u8,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Availability {
    /// Checks the windows (weekday 1–7, start before end, no overlaps on a day) and the exceptions
    /// (from ≤ to, no overlaps), naming the field at fault.
    pub fn parse(&self) -> Result<(Vec<Window>, Vec<AvailabilityException>), Vec<FieldError>> {
        let mut e = Errors::default();
        let mut windows: Vec<(usize, Window)> = Vec::new();
        for (i, w) in self.weekly.iter().enumerate() {
            if !(1..=7).contains(&w.weekday) {
                e.add(
                    format!("weekly[{i}].weekday"),
                    "out_of_range",
                    "must be 1 (Monday) to 7 (Sunday)",
                );
            }
            let start = e.take(&format!("weekly[{i}].start"), time_of_day(&w.start));
            let end = e.take(&format!("weekly[{i}].end"), time_of_day(&w.end));
            if let (Some(start), Some(end)) = (start, end) {
                if start >= end {
                    e.add(
                        format!("weekly[{i}].end"),
                        "before_start",
                        "must be after the start",
                    );
                } else {
                    windows.push((
                        i,
                        Window {
                            weekday: w.weekday,
                            start,
                            end,
                        },
                    ));
                }
            }
        }
        for (a, (i, w)) in windows.iter().enumerate() {
            if let Some((j, _)) = windows[..a]
                .iter()
                .find(|(_, o)| o.weekday == w.weekday && o.start < w.end && w.start < o.end)
            {
                e.add(
                    format!("weekly[{i}]"),
                    "overlap",
                    format!("overlaps window {j} on the same day"),
                );
            }
        }
        for (i, x) in self.exceptions.iter().enumerate() {
            if x.from > x.to {
                e.add(
                    format!("exceptions[{i}].to"),
                    "before_start",
                    "must not be before `from`",
                );
            }
            if let Some(r) = &x.reason {
                e.take(
                    &format!("exceptions[{i}].reason"),
                    optional_text(Some(r), 200),
                );
            }
            if let Some(j) = self.exceptions[..i]
                .iter()
                .position(|o| o.from <= x.to && x.from <= o.to)
            {
                e.add(
                    format!("exceptions[{i}]"),
                    "overlap",
                    format!("overlaps exception {j}"),
                );
            }
        }
        let mut exceptions = self.exceptions.clone();
        exceptions.sort_by_key(|x| x.from);
        let mut windows: Vec<Window> = windows.into_iter().map(|(_, w)| w).collect();
        windows.sort_by_key(|w| (w.weekday, w.start));
        e.finish(|| (windows, exceptions))
    }
}

/// Whether the windows and exceptions let a mediator take the whole slot `[start, end)` (one day).
pub fn covers_slot(
    windows: &[Window],
    exceptions: &[AvailabilityException],
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> bool {
    let day = start.date();
    if end.date() != day && end.time() != NaiveTime::MIN {
        return false;
    }
    if exceptions.iter().any(|x| x.from <= day && day <= x.to) {
        return false;
    }
    let weekday = day.weekday().number_from_monday() as u8;
    let end_t = if end.date() != day {
        NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
    } else {
        end.time()
    };
    // Touching windows (09:00–12:00, 12:00–15:00) make one stretch.
    let mut day_windows: Vec<&Window> = windows.iter().filter(|w| w.weekday == weekday).collect();
    day_windows.sort_by_key(|w| w.start);
    let mut stretch: Option<(NaiveTime, NaiveTime)> = None;
    for w in day_windows {
        stretch = match stretch {
            Some((s, e)) if w.start <= e => Some((s, e.max(w.end))),
            Some((s, e)) if s <= start.time() && end_t <= e => return true,
            _ => Some((w.start, w.end)),
        };
    }
    stretch.is_some_and(|(s, e)| s <= start.time() && end_t <= e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn availability_rejects_overlaps_and_reversed_windows() {
        let a = Availability {
            weekly: vec![
                WeeklyWindow {
                    weekday: 2,
                    start: "09:00".into(),
                    end: "13:00".into(),
                },
                WeeklyWindow {
                    weekday: 2,
                    start: "12:00".into(),
                    end: "14:00".into(),
                },
                WeeklyWindow {
                    weekday: 3,
                    start: "15:00".into(),
                    end: "14:00".into(),
                },
                WeeklyWindow {
                    weekday: 8,
                    start: "09:00".into(),
                    end: "10:00".into(),
                },
            ],
            exceptions: vec![
                AvailabilityException {
                    from: d("2026-12-24"),
                    to: d("2026-12-31"),
                    reason: None,
                },
                AvailabilityException {
                    from: d("2026-12-30"),
                    to: d("2027-01-02"),
                    reason: None,
                },
            ],
        };
        let fields: Vec<String> = a
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            [
                "weekly[2].end",
                "weekly[3].weekday",
                "weekly[1]",
                "exceptions[1]"
            ]
        );
    }

    #[test]
    fn a_slot_must_fit_a_window_on_a_day_not_away() {
        let a = Availability {
            weekly: vec![WeeklyWindow {
                weekday: 2,
                start: "09:00".into(),
                end: "13:00".into(),
            }],
            exceptions: vec![AvailabilityException {
                from: d("2026-12-08"),
                to: d("2026-12-08"),
                reason: None,
            }],
        };
        let (w, x) = a.parse().unwrap();
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // 2026-12-01 is a Tuesday.
        assert!(covers_slot(
            &w,
            &x,
            at("2026-12-01 10:00"),
            at("2026-12-01 11:00")
        ));
        assert!(!covers_slot(
            &w,
            &x,
            at("2026-12-01 12:30"),
            at("2026-12-01 13:30")
        ));
        assert!(!covers_slot(
            &w,
            &x,
            at("2026-12-02 10:00"),
            at("2026-12-02 11:00")
        ));
        assert!(!covers_slot(
            &w,
            &x,
            at("2026-12-08 10:00"),
            at("2026-12-08 11:00")
        ));
        // Touching windows make one stretch; a gap breaks it.
        let a = Availability {
            weekly: vec![
                WeeklyWindow {
                    weekday: 2,
                    start: "14:00".into(),
                    end: "16:00".into(),
                },
                WeeklyWindow {
                    weekday: 2,
                    start: "09:00".into(),
                    end: "12:00".into(),
                },
                WeeklyWindow {
                    weekday: 2,
                    start: "12:00".into(),
                    end: "13:00".into(),
                },
            ],
            exceptions: vec![],
        };
        let (w, x) = a.parse().unwrap();
        assert!(covers_slot(
            &w,
            &x,
            at("2026-12-01 11:00"),
            at("2026-12-01 12:30")
        ));
        assert!(!covers_slot(
            &w,
            &x,
            at("2026-12-01 12:30"),
            at("2026-12-01 14:30")
        ));
        assert!(covers_slot(
            &w,
            &x,
            at("2026-12-01 14:00"),
            at("2026-12-01 16:00")
        ));
    }
}
