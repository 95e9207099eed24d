//! Attendance: who was at a session (present, absent, or present for some minutes) and whether a
//! participant's hours reach the course's threshold for a certificate.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::rule::RuleError;
use crate::FieldError;

/// How a participant attended a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// The whole session.
    Present,
    /// Not at all.
    Absent,
    /// Part of it: `minutes` says how long.
    Partial,
}

impl Presence {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Absent => "absent",
            Self::Partial => "partial",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Present, Self::Absent, Self::Partial]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Body of `PUT /api/v1/training/sessions/{id}/attendance/{enrolment_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Mark {
    /// Present, absent, or partial.
    pub presence: Presence,
    /// Minutes attended (`partial` only): more than 0, less than the session's length.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub minutes: Option<i64>,
}

/// A participant's attendance at one session, as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionAttendance {
    /// The enrolment.
    pub enrolment_id: String,
    /// The participant.
    pub participant_id: String,
    /// The participant's name.
    pub full_name: String,
    /// Their job title.
    pub job_title: Option<String>,
    /// Not taken yet when absent.
    pub presence: Option<Presence>,
    /// Minutes attended (`partial`); the session's length when present.
    pub minutes: Option<i64>,
}

/// One participant's hours over a course, as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParticipantHours {
    /// The enrolment.
    pub enrolment_id: String,
    /// The participant.
    pub participant_id: String,
    /// The participant's name.
    pub full_name: String,
    /// Minutes attended over every session.
    pub attended_minutes: i64,
    /// Per cent of the course's planned minutes.
    pub percent: i64,
    /// Attendance reached the course's threshold.
    pub certificate_due: bool,
}

/// A session's attendance rate, as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRate {
    /// The session.
    pub session_id: String,
    /// Its start, local time in Italy.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "lumit:local-datetime"))]
    pub starts_at: NaiveDateTime,
    /// Participants marked present or partial.
    pub attended: i64,
    /// Participants holding a place.
    pub enrolled: i64,
    /// Attendance was taken for this session.
    pub taken: bool,
}

/// A course's attendance: per participant and per session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseAttendance {
    /// Planned minutes of all sessions.
    pub planned_minutes: i64,
    /// Minutes of the sessions that have taken place (hours delivered).
    pub delivered_minutes: i64,
    /// Attendance needed for a certificate, per cent.
    pub min_attendance_percent: i64,
    /// Each participant holding a place.
    pub participants: Vec<ParticipantHours>,
    /// Each session.
    pub sessions: Vec<SessionRate>,
}

/// A checked mark: the minutes it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidMark {
    /// How.
    pub presence: Presence,
    /// Minutes counted (0 when absent, the session's length when present).
    pub minutes: i64,
}

impl Mark {
    /// Checks the mark against the session's length.
    pub fn parse(&self, session_minutes: i64) -> Result<ValidMark, Vec<FieldError>> {
        let minutes = match (self.presence, self.minutes) {
            (Presence::Present, None) => session_minutes,
            (Presence::Absent, None) => 0,
            (Presence::Partial, Some(m)) if m > 0 && m < session_minutes => m,
            (Presence::Partial, Some(_)) => {
                return Err(vec![FieldError::new(
                    "minutes",
                    "out_of_range",
                    format!("must be between 1 and {}", session_minutes - 1),
                )])
            }
            (Presence::Partial, None) => {
                return Err(vec![FieldError::new(
                    "minutes",
                    "required",
                    "say how many minutes were attended",
                )])
            }
            (_, Some(_)) => {
                return Err(vec![FieldError::new(
                    "minutes",
                    "not_for_presence",
                    "is given only for a partial presence",
                )])
            }
        };
        Ok(ValidMark {
            presence: self.presence,
            minutes,
        })
    }
}

/// Attendance is taken once a session has started, not before.
pub fn may_take_attendance(now: NaiveDateTime, starts_at: NaiveDateTime) -> Result<(), RuleError> {
    if now < starts_at {
        Err(RuleError::NotYet(
            "session_not_started",
            "Attendance is taken once the session has started.",
        ))
    } else {
        Ok(())
    }
}

/// Per cent of the planned minutes attended, rounded down (0 when nothing is planned).
pub fn percent(attended: i64, planned: i64) -> i64 {
    if planned <= 0 {
        0
    } else {
        attended * 100 / planned
    }
}

/// Whether attendance reaches the threshold: exact, so 75 % of 6 h is 4 h 30 min and no less.
pub fn certificate_due(attended: i64, planned: i64, min_percent: i64) -> bool {
    planned > 0 && attended * 100 >= planned * min_percent
}
