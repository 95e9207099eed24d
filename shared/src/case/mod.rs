//! Cases (*pratiche*): one person's request for help with one matter, its workflow and timeline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{optional_text, required_text, Errors};
use crate::FieldError;

mod category;
mod export;
mod referral;
mod timeline;
mod workflow;

pub use category::*;
pub use export::*;
pub use referral::*;
pub use workflow::CaseMove;

wire_enum!(
    /// Where a case stands.
    CaseStatus {
        /// Just opened.
        Open = "open",
        /// Being worked.
        InProgress = "in_progress",
        /// Waiting for the person's documents.
        WaitingDocuments = "waiting_documents",
        /// Referred: waiting for another office.
        WaitingOffice = "waiting_office",
        /// Closed, with an outcome.
        Closed = "closed",
    }
);

wire_enum!(
    /// How a closed case ended.
    Outcome {
        /// Resolved.
        Resolved = "resolved",
        /// Partly resolved.
        PartlyResolved = "partly_resolved",
        /// Not resolved.
        NotResolved = "not_resolved",
        /// The person withdrew.
        Withdrawn = "withdrawn",
        /// Sent to another service for good.
        ReferredElsewhere = "referred_elsewhere",
    }
);

wire_enum!(
    /// How the person reached the desk.
    Channel {
        /// At the desk.
        Desk = "desk",
        /// By phone.
        Phone = "phone",
        /// By e-mail.
        Email = "email",
        /// Outreach.
        Outreach = "outreach",
    }
);

wire_enum!(
    /// How urgent the case is.
    Priority {
        /// Low.
        Low = "low",
        /// Normal.
        Normal = "normal",
        /// High.
        High = "high",
        /// Urgent.
        Urgent = "urgent",
    }
);

wire_enum!(
    /// What a timeline entry records.
    EventKind {
        /// A note.
        Note = "note",
        /// Work done, with minutes spent.
        Intervention = "intervention",
        /// A phone call.
        PhoneCall = "phone_call",
        /// Documents checked against the category's checklist.
        DocumentCheck = "document_check",
        /// An appointment.
        Appointment = "appointment",
        /// A workflow step (written by the server).
        StatusChange = "status_change",
        /// A referral to another office (written by the server).
        Referral = "referral",
    }
);

/// The kinds of timeline entry a client may post (the API document's list for
/// `NewCaseEvent.kind`: status changes and referrals are written by the server).
#[cfg(feature = "openapi")]
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "only its schema is used")]
enum PostedEventKind {
    /// A note.
    Note,
    /// Work done, with minutes spent.
    Intervention,
    /// A phone call.
    PhoneCall,
    /// Documents checked against the category's checklist.
    DocumentCheck,
    /// An appointment.
    Appointment,
}

/// A category or sub-category of the taxonomy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseCategory {
    /// Stable slug, e.g. `residence_permit` or `residence_permit.renewal`.
    pub id: String,
    /// The parent category, for a sub-category.
    pub parent_id: Option<String>,
    /// Italian name.
    pub name_it: String,
    /// English name.
    pub name_en: String,
    /// Documents to check for this category.
    pub checklist: Vec<String>,
    /// Years after the last case closed before personal data is anonymised (default 5).
    pub retention_years: Option<i32>,
    /// Offered for new cases.
    pub active: bool,
}

/// A case as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    /// Identifier (UUID).
    pub id: String,
    /// Human-readable reference, unique per year.
    #[cfg_attr(feature = "openapi", schema(example = "LU-2026-000123"))]
    pub reference: String,
    /// The person helped.
    pub person_id: String,
    /// The person's name, for lists.
    pub person_name: String,
    /// The municipality whose desk works the case.
    pub municipality_id: String,
    /// The desk.
    pub desk_id: Option<String>,
    /// Category.
    pub category_id: String,
    /// Sub-category.
    pub subcategory_id: Option<String>,
    /// Channel.
    pub channel: Channel,
    /// Priority.
    pub priority: Priority,
    /// Operator in charge.
    pub assigned_to_id: Option<String>,
    /// What the case is about.
    pub summary: String,
    /// Workflow status.
    pub status: CaseStatus,
    /// Outcome, once closed.
    pub outcome: Option<Outcome>,
    /// Language used with the person (ISO 639).
    pub language: Option<String>,
    /// Whether a mediator was present.
    pub mediator_present: bool,
    /// Opened.
    #[serde(serialize_with = "crate::time::serialize")]
    pub opened_at: DateTime<Utc>,
    /// Closed.
    #[serde(serialize_with = "crate::time::serialize_option")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Last change.
    #[serde(serialize_with = "crate::time::serialize")]
    pub updated_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/cases`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct NewCase {
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:id"))]
    pub person_id: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:id"))]
    pub municipality_id: String,
    pub desk_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:id"))]
    pub category_id: String,
    pub subcategory_id: Option<String>,
    #[serde(default = "default_channel")]
    pub channel: Channel,
    #[serde(default = "default_priority")]
    pub priority: Priority,
    pub assigned_to_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:500"))]
    pub summary: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:language?"))]
    pub language: Option<String>,
    #[serde(default)]
    pub mediator_present: bool,
}

fn default_channel() -> Channel {
    Channel::Desk
}

fn default_priority() -> Priority {
    Priority::Normal
}

/// Body of `PATCH /api/v1/cases/{id}` (status changes go through transitions).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct CasePatch {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub desk_id: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub subcategory_id: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub assigned_to_id: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:500"))]
    pub summary: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:language?"))]
    pub language: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mediator_present: Option<bool>,
}

/// Body of `POST /api/v1/cases/{id}/transitions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The status to move to.
    pub to: CaseStatus,
    /// Why (required to reopen).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:any?:2000"))]
    pub note: Option<String>,
    /// Required when closing.
    #[serde(default)]
    pub outcome: Option<Outcome>,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseEvent {
    /// Identifier.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// What it records.
    pub kind: EventKind,
    /// Text.
    pub note: String,
    /// Minutes spent (interventions, calls).
    pub minutes: Option<i32>,
    /// Structured details: checklist items checked, appointment time, status change, referral.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
    /// Who wrote it.
    pub author_id: Option<String>,
    /// Their name as it was.
    pub author_name: Option<String>,
    /// When it happened.
    #[serde(serialize_with = "crate::time::serialize")]
    pub at: DateTime<Utc>,
    /// When its author last edited it.
    #[serde(serialize_with = "crate::time::serialize_option")]
    pub edited_at: Option<DateTime<Utc>>,
    /// The text as it was before each correction, oldest first (empty if never edited).
    #[serde(default)]
    pub previous: Vec<EventRevision>,
}

/// A timeline entry's text before a correction. Kept with the timeline (where anonymisation
/// clears it), not in the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRevision {
    /// The text that was replaced.
    pub note: String,
    /// Who replaced it.
    pub edited_by_name: Option<String>,
    /// When.
    #[serde(serialize_with = "crate::time::serialize")]
    pub replaced_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/cases/{id}/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCaseEvent {
    /// Note, intervention, phone call, document check or appointment.
    #[cfg_attr(feature = "openapi", schema(value_type = PostedEventKind))]
    pub kind: EventKind,
    /// Text.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:any?:10000"))]
    pub note: String,
    /// Minutes spent, 1–1440.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1440))]
    pub minutes: Option<i32>,
    /// Documents checked (document checks), or the appointment's time and place: an object of at
    /// most 20,000 characters as JSON; no key or text in it, at any depth, may hold a NUL
    /// character.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// A checked new timeline entry.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ValidCaseEvent {
    pub kind: EventKind,
    pub note: String,
    pub minutes: Option<i32>,
    pub data: serde_json::Value,
}

impl NewCaseEvent {
    /// Parses the body; status changes and referrals are written by the server, not posted.
    pub fn parse(&self) -> Result<ValidCaseEvent, Vec<FieldError>> {
        let mut e = Errors::default();
        if matches!(self.kind, EventKind::StatusChange | EventKind::Referral) {
            e.add(
                "kind",
                "not_allowed",
                "status changes and referrals have their own endpoints",
            );
        }
        let note = self.note.trim().to_owned();
        if note.chars().count() > 10_000 {
            e.add("note", "too_long", "must be at most 10000 characters");
        }
        if note.is_empty()
            && matches!(
                self.kind,
                EventKind::Note | EventKind::Intervention | EventKind::PhoneCall
            )
        {
            e.add("note", "required", "must not be empty");
        }
        if let Some(m) = self.minutes {
            if !(1..=1440).contains(&m) {
                e.add("minutes", "out_of_range", "must be between 1 and 1440");
            }
        } else if self.kind == EventKind::Intervention {
            e.add("minutes", "required", "say how long the intervention took");
        }
        if !(self.data.is_null() || self.data.is_object()) {
            e.add("data", "invalid_value", "must be an object");
        }
        if self.data.to_string().len() > 20_000 {
            e.add("data", "too_long", "is too large");
        }
        e.finish(|| ValidCaseEvent {
            kind: self.kind,
            note,
            minutes: self.minutes,
            data: if self.data.is_null() {
                serde_json::json!({})
            } else {
                self.data.clone()
            },
        })
    }
}

/// Checks a summary.
pub fn summary(s: &str) -> Result<String, (&'static str, String)> {
    required_text(s, 500)
}

/// Checks an optional language code.
pub fn language(s: Option<&str>) -> Result<Option<String>, (&'static str, String)> {
    match optional_text(s, 3)? {
        None => Ok(None),
        Some(l) => crate::validate::language(&l).map(Some),
    }
}

/// Checks a new case's own fields (references are checked by the server).
pub fn check_new(c: &NewCase) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.take("summary", summary(&c.summary));
    e.take("language", language(c.language.as_deref()));
    for (field, v) in [
        ("person_id", &c.person_id),
        ("municipality_id", &c.municipality_id),
        ("category_id", &c.category_id),
    ] {
        if v.trim().is_empty() {
            e.add(field, "required", "must not be empty");
        }
    }
    e.finish(|| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_allows_the_documented_steps_only() {
        assert!(CaseStatus::Open.next().contains(&CaseStatus::InProgress));
        assert!(!CaseStatus::Closed.next().contains(&CaseStatus::InProgress));
        assert_eq!(
            CaseStatus::parse("waiting_office"),
            Some(CaseStatus::WaitingOffice)
        );
    }

    #[test]
    fn interventions_need_minutes() {
        let ev = NewCaseEvent {
            kind: EventKind::Intervention,
            note: "Compilato il kit".into(),
            minutes: None,
            data: serde_json::Value::Null,
        };
        assert_eq!(ev.parse().unwrap_err()[0].field, "minutes");
        let ev = NewCaseEvent {
            kind: EventKind::StatusChange,
            note: "x".into(),
            minutes: None,
            data: serde_json::Value::Null,
        };
        assert_eq!(ev.parse().unwrap_err()[0].field, "kind");
    }
}

/// Body of `PATCH /api/v1/cases/{id}/events/{event_id}`: the author corrects a note within 24 hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventEdit {
    /// The corrected text.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:10000"))]
    pub note: String,
}

/// Answer of `GET /api/v1/cases`: a page, with the total when asked for (`count=true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePage {
    /// The cases of this page, newest first.
    pub items: Vec<Case>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
    /// All matches (with `count=true`), counted up to [`COUNT_LIMIT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// True when there are more matches than `total` says: counting stops at [`COUNT_LIMIT`],
    /// so that a count never reads a whole province's cases.
    #[serde(default)]
    pub total_is_at_least: bool,
}

/// How far `count=true` counts.
pub const COUNT_LIMIT: i64 = 10_000;
