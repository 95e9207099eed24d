//! Referrals of a case to another office, and the deadlines they and residence permits set.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

wire_enum!(
    /// The office a case is referred to.
    OfficeKind {
        /// Questura (immigration office of the police).
        Questura = "questura",
        /// Prefettura.
        Prefettura = "prefettura",
        /// Local health authority.
        Asl = "asl",
        /// Social security.
        Inps = "inps",
        /// A school.
        School = "school",
        /// Social services.
        SocialServices = "social_services",
        /// Another municipality's desk.
        Desk = "desk",
        /// Anything else.
        Other = "other",
    }
);

/// A referral of a case to another office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Referral {
    /// Identifier.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// Where to.
    pub office_kind: OfficeKind,
    /// The municipality (for another desk, or the office's seat).
    pub target_municipality_id: Option<String>,
    /// Why.
    pub reason: String,
    /// When to check back.
    pub follow_up_date: Option<chrono::NaiveDate>,
    /// The office's answer.
    pub answer: Option<String>,
    /// When the answer was recorded.
    #[serde(serialize_with = "crate::time::serialize_option")]
    pub answered_at: Option<DateTime<Utc>>,
    /// When it was made.
    #[serde(serialize_with = "crate::time::serialize")]
    pub created_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/cases/{id}/referrals`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct NewReferral {
    pub office_kind: OfficeKind,
    pub target_municipality_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:1000"))]
    pub reason: String,
    pub follow_up_date: Option<chrono::NaiveDate>,
}

/// Body of `POST /api/v1/cases/{id}/referrals/{referral_id}/answer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferralAnswer {
    /// What the office answered.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:2000"))]
    pub answer: String,
}

wire_enum!(
    /// What falls due.
    DeadlineKind {
        /// A residence permit expires: renew about 60 days before.
        PermitExpiry = "permit_expiry",
        /// The two-year check of an Integration Agreement.
        IntegrationCheck = "integration_check",
        /// A referral's follow-up date.
        ReferralFollowUp = "referral_follow_up",
    }
);

/// One item of `GET /api/v1/deadlines`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    /// What falls due.
    pub kind: DeadlineKind,
    /// When.
    pub date: chrono::NaiveDate,
    /// Already past.
    pub overdue: bool,
    /// The person.
    pub person_id: String,
    /// Their name.
    pub person_name: String,
    /// The case, if the deadline belongs to one.
    pub case_id: Option<String>,
    /// Its reference.
    pub case_reference: Option<String>,
    /// The municipality.
    pub municipality_id: String,
}
