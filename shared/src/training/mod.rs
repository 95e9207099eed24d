//! Training for the staff of public offices: topics, courses, their sessions and who is enrolled.
//! The rules (a session's place and times, capacity against the enrolled, the waiting list) are
//! pure functions here, used by the API and by the web app alike.

use serde::{Deserialize, Serialize};

use crate::validate::{required_text, Errors};
use crate::FieldError;

mod attendance;
mod certificate;
mod course;
mod enrolment;
mod questionnaire;
mod session;

pub use attendance::*;
pub use certificate::*;
pub use course::*;
pub use enrolment::*;
pub use questionnaire::*;
pub use session::*;

/// The kinds of office a course is meant for. (In the API document `TrainingOfficeKind`: a
/// referral's `OfficeKind` is another list.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = TrainingOfficeKind))]
#[serde(rename_all = "snake_case")]
pub enum OfficeKind {
    /// Municipal registry office (anagrafe, stato civile).
    Registry,
    /// Municipal social services.
    SocialServices,
    /// Prefettura.
    Prefettura,
    /// Questura.
    Questura,
    /// Health offices (ASL, hospitals).
    Health,
    /// Schools and school offices.
    School,
    /// Any other public office.
    Other,
}

impl OfficeKind {
    /// All kinds, in display order.
    pub const ALL: [OfficeKind; 7] = [
        Self::Registry,
        Self::SocialServices,
        Self::Prefettura,
        Self::Questura,
        Self::Health,
        Self::School,
        Self::Other,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registry => "registry",
            Self::SocialServices => "social_services",
            Self::Prefettura => "prefettura",
            Self::Questura => "questura",
            Self::Health => "health",
            Self::School => "school",
            Self::Other => "other",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A training topic (immigration law, residence permits, …): an editable list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Topic {
    /// Identifier.
    #[cfg_attr(feature = "openapi", schema(example = "residence_permits"))]
    pub id: String,
    /// Name in Italian.
    #[cfg_attr(feature = "openapi", schema(example = "Permessi di soggiorno"))]
    pub name_it: String,
    /// Name in English.
    #[cfg_attr(feature = "openapi", schema(example = "Residence permits"))]
    pub name_en: String,
    /// Inactive topics are kept for old courses but offered for no new one.
    pub active: bool,
}

/// Body of `POST /api/v1/training/topics`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTopic {
    /// Name in Italian.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:120"))]
    pub name_it: String,
    /// Name in English.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:120"))]
    pub name_en: String,
}

/// Body of `PATCH /api/v1/training/topics/{id}`: only the fields sent change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TopicPatch {
    /// Name in Italian.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:120"))]
    pub name_it: Option<String>,
    /// Name in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:120"))]
    pub name_en: Option<String>,
    /// Offered for new courses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A checked topic.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidTopic {
    /// Name in Italian.
    pub name_it: String,
    /// Name in English.
    pub name_en: String,
    /// Offered for new courses.
    pub active: bool,
}

impl NewTopic {
    /// Checks the names.
    pub fn parse(&self) -> Result<ValidTopic, Vec<FieldError>> {
        topic(&self.name_it, &self.name_en, true)
    }
}

impl TopicPatch {
    /// Applies the patch to the current topic and checks the result.
    pub fn apply(&self, cur: &Topic) -> Result<ValidTopic, Vec<FieldError>> {
        topic(
            self.name_it.as_deref().unwrap_or(&cur.name_it),
            self.name_en.as_deref().unwrap_or(&cur.name_en),
            self.active.unwrap_or(cur.active),
        )
    }
}

fn topic(name_it: &str, name_en: &str, active: bool) -> Result<ValidTopic, Vec<FieldError>> {
    let mut e = Errors::default();
    let name_it = e.take("name_it", required_text(name_it, 120));
    let name_en = e.take("name_en", required_text(name_en, 120));
    e.finish(|| ValidTopic {
        name_it: name_it.unwrap_or_default(),
        name_en: name_en.unwrap_or_default(),
        active,
    })
}

#[cfg(test)]
mod tests;
