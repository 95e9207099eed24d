//! People helped at the desks (beneficiaries): their data, checked at the edge.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validate::{required_text, Errors};
use crate::FieldError;

mod countries;
mod parse;

pub use countries::{countries, country_name_in, COUNTRIES_IT};
pub use parse::*;

/// Sex as recorded for statistics: `X` is "not stated" or other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sex {
    /// Female.
    F,
    /// Male.
    M,
    /// Not stated / other.
    #[default]
    X,
}

impl Sex {
    /// The stored letter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::F => "F",
            Self::M => "M",
            Self::X => "X",
        }
    }

    /// Parses the stored letter.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "F" => Some(Self::F),
            "M" => Some(Self::M),
            "X" => Some(Self::X),
            _ => None,
        }
    }
}

/// The value of `citizenship` for a stateless person.
pub const STATELESS: &str = "stateless";

/// A person as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    /// Identifier (UUID).
    pub id: String,
    /// First name(s).
    pub first_name: String,
    /// Last name(s).
    pub last_name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth date, when known.
    pub birth_date: Option<NaiveDate>,
    /// Birth year (always set when the date is).
    pub birth_year: Option<i32>,
    /// Country of birth (ISO 3166-1 alpha-2 or alpha-3).
    pub country_of_birth: Option<String>,
    /// Citizenship (ISO 3166-1 alpha-2 or alpha-3, or `stateless`).
    pub citizenship: Option<String>,
    /// Languages spoken (ISO 639-1 or 639-3).
    pub languages: Vec<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Municipality of residence.
    pub residence_municipality_id: Option<String>,
    /// Italian tax code (*codice fiscale*).
    pub tax_code: Option<String>,
    /// Residence permit type (ground), e.g. "lavoro subordinato".
    pub permit_type: Option<String>,
    /// Residence permit number.
    pub permit_number: Option<String>,
    /// Residence permit expiry.
    pub permit_expiry: Option<NaiveDate>,
    /// Free notes.
    pub notes: Option<String>,
    /// The municipality whose desk registered the person.
    pub created_municipality_id: String,
    /// True when the caller sees her identity only: she is served here through a case or a
    /// link, and her contact details, documents and notes stay with the municipality that
    /// registered her (docs/GUIDE.md, "What each desk sees").
    #[serde(default)]
    pub identity_only: bool,
}

/// The fields a desk other than the registering one neither sees nor changes.
pub const KEPT_BY_REGISTERING_DESK: &[&str] = &[
    "phone",
    "email",
    "residence_municipality_id",
    "tax_code",
    "permit_type",
    "permit_number",
    "permit_expiry",
    "notes",
];

impl Person {
    /// What another desk that serves her sees: her identity (names, sex, birth date and year,
    /// country of birth, citizenship, languages), nothing the registering desk gathered.
    pub fn identity(self) -> Self {
        Self {
            phone: None,
            email: None,
            residence_municipality_id: None,
            tax_code: None,
            permit_type: None,
            permit_number: None,
            permit_expiry: None,
            notes: None,
            identity_only: true,
            ..self
        }
    }
}

impl PersonPatch {
    /// The fields of [`KEPT_BY_REGISTERING_DESK`] this patch sends.
    pub fn kept_fields(&self) -> Vec<&'static str> {
        let sent = [
            self.phone.is_some(),
            self.email.is_some(),
            self.residence_municipality_id.is_some(),
            self.tax_code.is_some(),
            self.permit_type.is_some(),
            self.permit_number.is_some(),
            self.permit_expiry.is_some(),
            self.notes.is_some(),
        ];
        KEPT_BY_REGISTERING_DESK
            .iter()
            .zip(sent)
            .filter_map(|(f, s)| s.then_some(*f))
            .collect()
    }
}

/// Body of `POST /api/v1/people`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    /// First name(s).
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:100"))]
    pub first_name: String,
    /// Last name(s).
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:100"))]
    pub last_name: String,
    /// Sex (default `X`, not stated).
    #[serde(default)]
    pub sex: Sex,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Birth year, when only that is known.
    #[cfg_attr(feature = "openapi", schema(minimum = 1900))]
    pub birth_year: Option<i32>,
    /// Country of birth.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:country?"))]
    pub country_of_birth: Option<String>,
    /// Citizenship, or `stateless`.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:citizenship?"))]
    pub citizenship: Option<String>,
    /// Languages spoken: ISO 639-1 or 639-3 codes, each one the server knows (the list of
    /// 639-3 codes is too long for this document).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:language"))]
    pub languages: Vec<String>,
    /// Phone.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:phone?"))]
    pub phone: Option<String>,
    /// E-mail.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:email?"))]
    pub email: Option<String>,
    /// Municipality of residence.
    pub residence_municipality_id: Option<String>,
    /// Codice fiscale.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:tax-code?"))]
    pub tax_code: Option<String>,
    /// Residence permit type.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:100"))]
    pub permit_type: Option<String>,
    /// Residence permit number.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:50"))]
    pub permit_number: Option<String>,
    /// Residence permit expiry.
    pub permit_expiry: Option<NaiveDate>,
    /// Notes.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:any?:5000"))]
    pub notes: Option<String>,
    /// The municipality (desk) registering the person; must be one the caller works for.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:id"))]
    pub municipality_id: String,
    /// Create even though a possible duplicate exists.
    #[serde(default)]
    pub confirm_new: bool,
}

/// Body of `PATCH /api/v1/people/{id}`: only the fields present change; `null` clears.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PersonPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:100"))]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:100"))]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub birth_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 1900))]
    pub birth_year: Option<Option<i32>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:country?"))]
    pub country_of_birth: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:citizenship?"))]
    pub citizenship: Option<Option<String>>,
    /// Languages spoken: ISO 639-1 or 639-3 codes, each one the server knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:language"))]
    pub languages: Option<Vec<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:phone?"))]
    pub phone: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:email?"))]
    pub email: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub residence_municipality_id: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:tax-code?"))]
    pub tax_code: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:line?:100"))]
    pub permit_type: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:line?:50"))]
    pub permit_number: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub permit_expiry: Option<Option<NaiveDate>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:any?:5000"))]
    pub notes: Option<Option<String>>,
}

/// A possible duplicate, with the minimum data needed to recognise the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateCandidate {
    /// Identifier.
    pub id: String,
    /// First name(s).
    pub first_name: String,
    /// Last name(s).
    pub last_name: String,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Birth year.
    pub birth_year: Option<i32>,
    /// Citizenship.
    pub citizenship: Option<String>,
}

/// A possible duplicate registered in a municipality the caller does not serve: only the
/// municipality is named, nothing of the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateElsewhere {
    /// The municipality that registered the possible match.
    pub municipality_id: String,
    /// Its name.
    pub municipality_name: String,
}

/// Body of `POST /api/v1/people/{id}/links`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPersonLink {
    /// The municipality whose desks will serve the person.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:id"))]
    pub municipality_id: String,
    /// Why (kept with the link, 1–500 characters).
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:500"))]
    pub reason: String,
}

impl NewPersonLink {
    /// The checked reason.
    pub fn parse(&self) -> Result<String, Vec<FieldError>> {
        let mut e = Errors::default();
        if self.municipality_id.trim().is_empty() {
            e.add("municipality_id", "required", "must not be empty");
        }
        let reason = e.take("reason", required_text(&self.reason, 500));
        e.finish(|| reason.unwrap_or_default())
    }
}

/// A person's link to a municipality that did not register her.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonLink {
    /// The person.
    pub person_id: String,
    /// The municipality linked.
    pub municipality_id: String,
    /// Why.
    pub reason: String,
    /// Who linked her.
    pub linked_by_name: String,
    /// When.
    #[serde(serialize_with = "crate::time::serialize")]
    pub linked_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests;
