//! What a person's data export holds, and the merge of two records of one person.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::*;

/// Body of `POST /api/v1/people/{id}/merge`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MergePeople {
    /// The duplicate record, whose cases move to this person.
    pub duplicate_id: String,
}

/// Answer of `GET /api/v1/people/{id}/export`: everything LUMIT holds about a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonExport {
    /// When the export was made.
    #[serde(serialize_with = "crate::time::serialize")]
    pub exported_at: DateTime<Utc>,
    /// The person.
    pub person: crate::person::Person,
    /// Their cases, each with its timeline and referrals.
    pub cases: Vec<CaseExport>,
}

/// One case in an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseExport {
    /// The case.
    pub case: Case,
    /// Its timeline.
    pub events: Vec<CaseEvent>,
    /// Its referrals.
    pub referrals: Vec<Referral>,
}
