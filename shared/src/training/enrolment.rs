//! Participants (staff of public offices, usually not LUMIT users) and their enrolments: a place
//! while the course has one, the waiting list after, moved up as places free.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::validate::{optional_email, optional_text, required_text, Errors};
use crate::FieldError;

/// Where an enrolment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentStatus {
    /// Holds a place.
    Enrolled,
    /// On the waiting list, moved up when a place frees.
    Waiting,
    /// Withdrew (or was withdrawn); the place went to the next in line.
    Withdrawn,
}

impl EnrolmentStatus {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enrolled => "enrolled",
            Self::Waiting => "waiting",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Enrolled, Self::Waiting, Self::Withdrawn]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The language a participant's messages are written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MessageLanguage {
    /// Italian.
    #[default]
    It,
    /// English.
    En,
}

impl MessageLanguage {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::It => "it",
            Self::En => "en",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::It, Self::En].into_iter().find(|k| k.as_str() == s)
    }
}

/// A participant: only what training needs (data minimisation). One per e-mail address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    /// Identifier (UUID).
    pub id: String,
    /// Full name.
    #[cfg_attr(feature = "openapi", schema(example = "Giulia Bianchi"))]
    pub full_name: String,
    /// E-mail, the participant's identity across courses.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "g.bianchi@comune.camaiore.lu.it")
    )]
    pub email: String,
    /// The municipality or office of the registry they work for.
    pub municipality_id: Option<String>,
    /// Or the organisation, when it is not in the registry.
    pub organisation: Option<String>,
    /// Job title.
    #[cfg_attr(feature = "openapi", schema(example = "Ufficiale d'anagrafe"))]
    pub job_title: Option<String>,
    /// Language of their messages.
    pub language: MessageLanguage,
}

/// An enrolment as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// Identifier (UUID).
    pub id: String,
    /// The course.
    pub course_id: String,
    /// Who.
    pub participant: Participant,
    /// Where it stands.
    pub status: EnrolmentStatus,
    /// Place on the waiting list, from 1 (`waiting` only).
    pub waiting_position: Option<i64>,
    /// When the enrolment was made (the waiting list's order), UTC without an offset.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "lumit:local-datetime"))]
    pub created_at: NaiveDateTime,
}

/// Body of `POST /api/v1/training/courses/{id}/enrolments`: the participant, found by e-mail or
/// registered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEnrolment {
    /// Full name.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub full_name: String,
    /// E-mail.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:email"))]
    pub email: String,
    /// The municipality or office of the registry they work for…
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:64"))]
    pub municipality_id: Option<String>,
    /// …or a free-text organisation.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:200"))]
    pub organisation: Option<String>,
    /// Job title.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:120"))]
    pub job_title: Option<String>,
    /// Language of their messages (default Italian).
    #[serde(default)]
    pub language: Option<MessageLanguage>,
}

/// A checked participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidParticipant {
    /// Full name.
    pub full_name: String,
    /// E-mail, as typed.
    pub email: String,
    /// The municipality (its existence and the officer's scope are checked by the API).
    pub municipality_id: Option<String>,
    /// Free-text organisation.
    pub organisation: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Language.
    pub language: MessageLanguage,
}

impl ValidParticipant {
    /// The key that makes one participant of the same address in any case.
    pub fn email_key(&self) -> String {
        self.email.to_lowercase()
    }
}

impl NewEnrolment {
    /// Checks the participant: a name, an e-mail, and where they work (an office of the
    /// registry or an organisation, not both).
    pub fn parse(&self) -> Result<ValidParticipant, Vec<FieldError>> {
        let mut e = Errors::default();
        let full_name = e.take("full_name", required_text(&self.full_name, 200));
        let email = match optional_email(Some(&self.email)) {
            Ok(Some(m)) => Some(m),
            Ok(None) => {
                e.add("email", "required", "must not be empty");
                None
            }
            Err((code, msg)) => {
                e.add("email", code, msg);
                None
            }
        };
        let municipality_id = e
            .take(
                "municipality_id",
                optional_text(self.municipality_id.as_deref(), 64),
            )
            .flatten();
        let organisation = e
            .take(
                "organisation",
                optional_text(self.organisation.as_deref(), 200),
            )
            .flatten();
        match (&municipality_id, &organisation) {
            (None, None) if e.is_empty() => e.add(
                "municipality_id",
                "required",
                "say the office they work for, or their organisation",
            ),
            (Some(_), Some(_)) => e.add(
                "organisation",
                "not_with_municipality",
                "give the office of the registry or an organisation, not both",
            ),
            _ => {}
        }
        let job_title = e
            .take("job_title", optional_text(self.job_title.as_deref(), 120))
            .flatten();
        e.finish(|| ValidParticipant {
            full_name: full_name.unwrap_or_default(),
            email: email.unwrap_or_default(),
            municipality_id,
            organisation,
            job_title,
            language: self.language.unwrap_or_default(),
        })
    }
}

/// Where a new enrolment goes: a place while the course has one (or no session yet limits it),
/// the waiting list after.
pub fn seat(capacity: Option<i64>, holding: i64) -> EnrolmentStatus {
    match capacity {
        Some(c) if holding >= c => EnrolmentStatus::Waiting,
        _ => EnrolmentStatus::Enrolled,
    }
}

/// How many of the waiting list move up now: as many as there are free places.
pub fn promotions(capacity: Option<i64>, holding: i64, waiting: i64) -> i64 {
    match capacity {
        Some(c) => (c - holding).clamp(0, waiting),
        None => waiting,
    }
}

/// The error for an enrolment of a participant the officer does not work with.
pub fn not_your_municipality() -> FieldError {
    FieldError::new(
        "municipality_id",
        "not_your_municipality",
        "you may enrol only the staff of your own municipality",
    )
}
