//! Service requests as the API returns them, and the body of a step of their life cycle.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

wire_enum!(
    /// Translation of a document, or mediation in a meeting.
    RequestKind {
        /// Translation of a document.
        Translation = "translation",
        /// Linguistic-cultural mediation.
        Mediation = "mediation",
    }
);

wire_enum!(
    /// Where a request stands.
    RequestStatus {
        /// Filed by the municipality.
        Submitted = "submitted",
        /// Approved by the coordinator, waiting for a mediator.
        Approved = "approved",
        /// Refused by the coordinator (with a reason).
        Rejected = "rejected",
        /// A mediator was chosen.
        Assigned = "assigned",
        /// The mediator confirmed.
        Confirmed = "confirmed",
        /// Done, with the actual hours.
        Completed = "completed",
        /// Called off before completion.
        Cancelled = "cancelled",
    }
);

wire_enum!(
    /// Where a mediation takes place.
    Setting {
        /// School.
        School = "school",
        /// Social services.
        SocialServices = "social_services",
        /// Registry office (anagrafe).
        RegistryOffice = "registry_office",
        /// Health service.
        HealthService = "health_service",
        /// Court.
        Court = "court",
        /// Police or Questura.
        Police = "police",
        /// Anything else.
        Other = "other",
    }
);

wire_enum!(
    /// How urgent a request is.
    Urgency {
        /// Normal.
        Normal = "normal",
        /// Urgent.
        Urgent = "urgent",
    }
);

wire_enum!(
    /// How a job went.
    JobOutcome {
        /// Done as planned.
        Done = "done",
        /// Done in part.
        PartlyDone = "partly_done",
        /// The person did not come.
        NoShow = "no_show",
    }
);

/// A service request. A mediator gets the minimum: no case, no attachments' description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceRequest {
    /// Identifier (UUID).
    pub id: String,
    /// Human-readable reference, unique per year.
    #[cfg_attr(feature = "openapi", schema(example = "RS-2026-000042"))]
    pub reference: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// The requesting municipality.
    pub municipality_id: String,
    /// Its name.
    pub municipality_name: String,
    /// The requesting office, e.g. "Ufficio anagrafe".
    pub office: String,
    /// Contact person.
    pub contact_name: String,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// Contact phone.
    pub contact_phone: Option<String>,
    /// Translation or mediation.
    pub kind: RequestKind,
    /// Mediation: the language; translation: the source language (ISO 639).
    pub language: String,
    /// Translation: the target language.
    pub target_language: Option<String>,
    /// Translation: document type, e.g. "certificato di nascita".
    pub document_type: Option<String>,
    /// Translation: pages.
    pub pages: Option<i32>,
    /// Translation: words.
    pub words: Option<i32>,
    /// Translation: due date.
    pub due_date: Option<NaiveDate>,
    /// Translation: sworn (asseverata).
    pub sworn: bool,
    /// Mediation: start, local time in Italy.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:local-datetime"))]
    pub starts_at: Option<NaiveDateTime>,
    /// Mediation: planned minutes.
    pub duration_minutes: Option<i32>,
    /// Mediation: end, local time in Italy.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:local-datetime"))]
    pub ends_at: Option<NaiveDateTime>,
    /// Mediation: remote (video or phone) rather than on site.
    pub remote: bool,
    /// Mediation on site: address.
    pub address: Option<String>,
    /// Mediation: setting.
    pub setting: Option<Setting>,
    /// Mediation: number of participants.
    pub participants: Option<i32>,
    /// Why the service is needed.
    pub purpose: String,
    /// Urgency.
    pub urgency: Urgency,
    /// The case it serves; only for those who may see that case.
    pub case_id: Option<String>,
    /// What will be attached (files come later); not shown to mediators.
    pub attachments: Option<String>,
    /// The mediator assigned.
    pub mediator_id: Option<String>,
    /// Their name.
    pub mediator_name: Option<String>,
    /// Why it was rejected (a mediator's reason for declining is kept in the history).
    pub reason: Option<String>,
    /// Completion: actual start (local time).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:local-datetime"))]
    pub actual_start: Option<NaiveDateTime>,
    /// Completion: actual minutes worked.
    pub actual_minutes: Option<i32>,
    /// Completion: outcome.
    pub outcome: Option<JobOutcome>,
    /// Completion: notes.
    pub completion_notes: Option<String>,
    /// Cancellation: why.
    pub cancel_reason: Option<String>,
    /// Cancellation: who.
    pub cancelled_by: Option<String>,
    /// Cancelled less than 24 h before the start (billed).
    pub cancelled_late: bool,
    /// Filed.
    #[serde(serialize_with = "crate::time::serialize")]
    pub created_at: DateTime<Utc>,
    /// Last change.
    #[serde(serialize_with = "crate::time::serialize")]
    pub updated_at: DateTime<Utc>,
}

#[allow(clippy::derivable_impls)]
impl Default for RequestKind {
    fn default() -> Self {
        Self::Mediation
    }
}

/// Body of `POST /api/v1/requests/{id}/transitions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestTransition {
    /// The status to move to. From `assigned` or `confirmed`, `approved` is the mediator
    /// declining.
    pub to: RequestStatus,
    /// Required to reject, decline or cancel.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:1000"))]
    pub reason: Option<String>,
    /// Required to assign.
    #[serde(default)]
    pub mediator_id: Option<String>,
    /// Completion: actual start, local time `YYYY-MM-DDTHH:MM[:SS]` (default: the planned start).
    #[serde(default, deserialize_with = "crate::time::deserialize_local_option")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, pattern = "lumit:local-datetime")
    )]
    pub actual_start: Option<NaiveDateTime>,
    /// Completion: minutes actually worked (required).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1440))]
    pub actual_minutes: Option<i32>,
    /// Completion: outcome (required).
    #[serde(default)]
    pub outcome: Option<JobOutcome>,
    /// Completion: notes.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:text?:2000"))]
    pub notes: Option<String>,
}

/// One step of a request's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestStep {
    /// When.
    #[serde(serialize_with = "crate::time::serialize")]
    pub at: DateTime<Utc>,
    /// From (none when filed).
    pub from: Option<RequestStatus>,
    /// To.
    pub to: RequestStatus,
    /// Who.
    pub actor_name: String,
    /// Reason or notes.
    pub note: Option<String>,
    /// The mediator concerned (assignments, declines).
    pub mediator_name: Option<String>,
    /// A late cancellation.
    pub late: bool,
}
