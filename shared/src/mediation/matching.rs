//! Why a mediator can or can't take a job, as the suggestions show it.

use serde::{Deserialize, Serialize};

use super::*;

wire_enum!(
    /// A hard rule a mediator fails for a job.
    Rule {
        /// Doesn't speak the language (or one of the two, for a translation), or doesn't do this kind of job.
        Language = "language",
        /// Doesn't cover the municipality, or doesn't travel.
        Coverage = "coverage",
        /// Outside their availability, or away that day.
        Availability = "availability",
        /// Booked for another job at that time.
        Overlap = "overlap",
        /// Another on-site job elsewhere too close for the travel time.
        Travel = "travel",
    }
);

/// Why a mediator can't take a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleFailure {
    /// The rule.
    pub rule: Rule,
    /// In words.
    pub detail: String,
    /// The job in the way (overlap, travel).
    pub conflicting_request_id: Option<String>,
    /// Its reference.
    pub conflicting_reference: Option<String>,
}

/// A mediator ranked for a request, with the reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// The mediator.
    pub mediator_id: String,
    /// Their name.
    pub full_name: String,
    /// Their organisation.
    pub organisation: Option<String>,
    /// 1 for the best; none when a hard rule fails.
    pub rank: Option<u32>,
    /// The level in the job's language (the lower of the two, for a translation).
    pub level: Option<LanguageLevel>,
    /// Minutes of jobs this month (assigned, confirmed and completed).
    pub minutes_this_month: i64,
    /// Why it ranks there, in words.
    pub explanation: String,
    /// The hard rules failed (empty when eligible).
    pub failures: Vec<RuleFailure>,
}
