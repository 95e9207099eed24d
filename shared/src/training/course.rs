//! Courses: what is taught, by whom, for which offices, and the attendance a certificate needs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::OfficeKind;
use crate::validate::{optional_text, required_paragraphs, required_text, Errors};
use crate::FieldError;

/// The attendance a certificate needs when the course does not say (per cent of its hours).
pub const DEFAULT_MIN_ATTENDANCE: i64 = 75;

/// A trainer account teaching a course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseTrainer {
    /// The account's id.
    pub id: String,
    /// Full name.
    pub full_name: String,
}

/// A course as the API returns it, with figures from its sessions and enrolments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Course {
    /// Identifier (UUID).
    pub id: String,
    /// Title.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Il rinnovo del permesso di soggiorno")
    )]
    pub title: String,
    /// Topic (`GET /api/v1/training/topics`).
    #[cfg_attr(feature = "openapi", schema(example = "residence_permits"))]
    pub topic_id: String,
    /// What the course is about.
    pub description: Option<String>,
    /// The organisation giving it.
    #[cfg_attr(feature = "openapi", schema(example = "Scuola Superiore Sant'Anna"))]
    pub organisation: String,
    /// Trainer accounts teaching it (they see the course, its enrolled and attendance).
    pub trainers: Vec<CourseTrainer>,
    /// The offices it is meant for.
    pub target_offices: Vec<OfficeKind>,
    /// Attendance needed for a certificate, per cent of the course's hours.
    #[cfg_attr(feature = "openapi", schema(example = 75))]
    pub min_attendance_percent: i64,
    /// Number of sessions.
    pub sessions: i64,
    /// Day of the first session.
    pub first_day: Option<NaiveDate>,
    /// Day of the last session.
    pub last_day: Option<NaiveDate>,
    /// Planned length of all sessions, minutes.
    pub planned_minutes: i64,
    /// Places: the smallest capacity of its sessions (everyone enrolled attends every session);
    /// none until a session is planned.
    pub capacity: Option<i64>,
    /// Participants holding a place.
    pub enrolled: i64,
    /// Participants on the waiting list.
    pub waiting: i64,
}

/// Body of `POST /api/v1/training/courses`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCourse {
    /// Title.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub title: String,
    /// Topic id.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:64"))]
    pub topic_id: String,
    /// What the course is about.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:text?:4000"))]
    pub description: Option<String>,
    /// The organisation giving it.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub organisation: String,
    /// Trainer accounts teaching it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:64"))]
    pub trainer_ids: Vec<String>,
    /// The offices it is meant for.
    #[serde(default)]
    pub target_offices: Vec<OfficeKind>,
    /// Attendance needed for a certificate, 1–100 per cent (default 75).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub min_attendance_percent: Option<i64>,
}

/// Body of `PATCH /api/v1/training/courses/{id}`: only the fields sent change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CoursePatch {
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub title: Option<String>,
    /// Topic id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:64"))]
    pub topic_id: Option<String>,
    /// Description; `null` clears it.
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:text?:4000"))]
    pub description: Option<Option<String>>,
    /// The organisation giving it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub organisation: Option<String>,
    /// Trainer accounts teaching it (the whole list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:64"))]
    pub trainer_ids: Option<Vec<String>>,
    /// The offices it is meant for (the whole list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_offices: Option<Vec<OfficeKind>>,
    /// Attendance needed for a certificate, 1–100 per cent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub min_attendance_percent: Option<i64>,
}

/// A checked course.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidCourse {
    /// Title.
    pub title: String,
    /// Topic id (its existence is checked by the store).
    pub topic_id: String,
    /// Description.
    pub description: Option<String>,
    /// Organisation.
    pub organisation: String,
    /// Trainer account ids, each once (their role is checked by the store).
    pub trainer_ids: Vec<String>,
    /// Target offices, each once, in display order.
    pub target_offices: Vec<OfficeKind>,
    /// Per cent, 1–100.
    pub min_attendance_percent: i64,
}

struct RawCourse<'a> {
    title: &'a str,
    topic_id: &'a str,
    description: Option<&'a str>,
    organisation: &'a str,
    trainer_ids: &'a [String],
    target_offices: &'a [OfficeKind],
    min_attendance_percent: i64,
}

fn check(r: RawCourse<'_>) -> Result<ValidCourse, Vec<FieldError>> {
    let mut e = Errors::default();
    let title = e.take("title", required_text(r.title, 200));
    let topic_id = e.take("topic_id", required_text(r.topic_id, 64));
    let description = match r.description.map(str::trim) {
        None | Some("") => None,
        Some(d) => e.take("description", required_paragraphs(d, 4000)),
    };
    let organisation = e.take("organisation", required_text(r.organisation, 200));
    if !(1..=100).contains(&r.min_attendance_percent) {
        e.add(
            "min_attendance_percent",
            "out_of_range",
            "must be between 1 and 100",
        );
    }
    let mut trainer_ids: Vec<String> = Vec::new();
    for (i, t) in r.trainer_ids.iter().enumerate() {
        match optional_text(Some(t), 64) {
            Ok(Some(t)) if !trainer_ids.contains(&t) => trainer_ids.push(t),
            Ok(Some(_)) => {}
            Ok(None) => e.add(format!("trainer_ids[{i}]"), "required", "must not be empty"),
            Err((code, msg)) => e.add(format!("trainer_ids[{i}]"), code, msg),
        }
    }
    let target_offices = OfficeKind::ALL
        .into_iter()
        .filter(|k| r.target_offices.contains(k))
        .collect();
    e.finish(|| ValidCourse {
        title: title.unwrap_or_default(),
        topic_id: topic_id.unwrap_or_default(),
        description,
        organisation: organisation.unwrap_or_default(),
        trainer_ids,
        target_offices,
        min_attendance_percent: r.min_attendance_percent,
    })
}

impl NewCourse {
    /// Checks the body as a whole, collecting every field error.
    pub fn parse(&self) -> Result<ValidCourse, Vec<FieldError>> {
        check(RawCourse {
            title: &self.title,
            topic_id: &self.topic_id,
            description: self.description.as_deref(),
            organisation: &self.organisation,
            trainer_ids: &self.trainer_ids,
            target_offices: &self.target_offices,
            min_attendance_percent: self
                .min_attendance_percent
                .unwrap_or(DEFAULT_MIN_ATTENDANCE),
        })
    }
}

impl CoursePatch {
    /// Applies the patch to the current course and checks the result as a whole.
    pub fn apply(&self, cur: &Course) -> Result<ValidCourse, Vec<FieldError>> {
        let trainers: Vec<String> = cur.trainers.iter().map(|t| t.id.clone()).collect();
        check(RawCourse {
            title: self.title.as_deref().unwrap_or(&cur.title),
            topic_id: self.topic_id.as_deref().unwrap_or(&cur.topic_id),
            description: match &self.description {
                Some(d) => d.as_deref(),
                None => cur.description.as_deref(),
            },
            organisation: self.organisation.as_deref().unwrap_or(&cur.organisation),
            trainer_ids: self.trainer_ids.as_deref().unwrap_or(&trainers),
            target_offices: self
                .target_offices
                .as_deref()
                .unwrap_or(&cur.target_offices),
            min_attendance_percent: self
                .min_attendance_percent
                .unwrap_or(cur.min_attendance_percent),
        })
    }
}
