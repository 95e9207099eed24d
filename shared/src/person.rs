//! People helped at the desks (beneficiaries): their data, checked at the edge.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::validate::{optional_email, optional_phone, optional_text, required_text, Errors};
use crate::FieldError;

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
    pub first_name: String,
    /// Last name(s).
    pub last_name: String,
    /// Sex (default `X`, not stated).
    #[serde(default)]
    pub sex: Sex,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Birth year, when only that is known.
    pub birth_year: Option<i32>,
    /// Country of birth.
    pub country_of_birth: Option<String>,
    /// Citizenship, or `stateless`.
    pub citizenship: Option<String>,
    /// Languages spoken.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Municipality of residence.
    pub residence_municipality_id: Option<String>,
    /// Codice fiscale.
    pub tax_code: Option<String>,
    /// Residence permit type.
    pub permit_type: Option<String>,
    /// Residence permit number.
    pub permit_number: Option<String>,
    /// Residence permit expiry.
    pub permit_expiry: Option<NaiveDate>,
    /// Notes.
    pub notes: Option<String>,
    /// The municipality (desk) registering the person; must be one the caller works for.
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
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    pub birth_year: Option<Option<i32>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub country_of_birth: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub citizenship: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
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
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub tax_code: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub permit_type: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
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
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
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
    pub municipality_id: String,
    /// Why (kept with the link, 1–500 characters).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
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

/// A person whose every field was checked.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ValidPerson {
    pub first_name: String,
    pub last_name: String,
    pub sex: Sex,
    pub birth_date: Option<NaiveDate>,
    pub birth_year: Option<i32>,
    pub country_of_birth: Option<String>,
    pub citizenship: Option<String>,
    pub languages: Vec<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub residence_municipality_id: Option<String>,
    pub tax_code: Option<String>,
    pub permit_type: Option<String>,
    pub permit_number: Option<String>,
    pub permit_expiry: Option<NaiveDate>,
    pub notes: Option<String>,
}

impl ValidPerson {
    /// The current values of a stored person, as the base a patch applies to.
    pub fn from_current(p: &Person) -> Self {
        Self {
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            sex: p.sex,
            birth_date: p.birth_date,
            birth_year: p.birth_year,
            country_of_birth: p.country_of_birth.clone(),
            citizenship: p.citizenship.clone(),
            languages: p.languages.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            residence_municipality_id: p.residence_municipality_id.clone(),
            tax_code: p.tax_code.clone(),
            permit_type: p.permit_type.clone(),
            permit_number: p.permit_number.clone(),
            permit_expiry: p.permit_expiry,
            notes: p.notes.clone(),
        }
    }
}

/// An ISO 3166-1 country code, alpha-2 or alpha-3 (stored upper case).
pub fn country(
    s: Option<&str>,
    allow_stateless: bool,
) -> Result<Option<String>, (&'static str, String)> {
    let Some(t) = s.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if allow_stateless && t.eq_ignore_ascii_case(STATELESS) {
        return Ok(Some(STATELESS.to_owned()));
    }
    let up = t.to_ascii_uppercase();
    let known = match up.len() {
        2 => isocountry::CountryCode::for_alpha2(&up).is_ok(),
        3 => isocountry::CountryCode::for_alpha3(&up).is_ok(),
        _ => false,
    };
    if known {
        Ok(Some(up))
    } else {
        Err((
            "invalid_country",
            format!("`{t}` is not an ISO 3166-1 country code"),
        ))
    }
}

/// Checks an Italian tax code (*codice fiscale*): 16 characters in the official layout (digits
/// may be replaced by letters for homocodes) and the check character.
pub fn tax_code(s: Option<&str>) -> Result<Option<String>, (&'static str, String)> {
    let Some(t) = s.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let cf: Vec<u8> = t.to_ascii_uppercase().into_bytes();
    // Positions that hold digits (or their homocode letters L M N P Q R S T U V).
    const DIGITS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
    let homocode = |b: u8| b.is_ascii_digit() || b"LMNPQRSTUV".contains(&b);
    let layout_ok = cf.len() == 16
        && cf.iter().enumerate().all(|(i, b)| {
            if DIGITS.contains(&i) {
                homocode(*b)
            } else {
                b.is_ascii_uppercase()
            }
        });
    if !layout_ok {
        return Err((
            "invalid_format",
            "is not a codice fiscale (16 characters)".into(),
        ));
    }
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let value = |b: u8, odd: bool| -> u32 {
        let idx = if b.is_ascii_digit() {
            (b - b'0') as usize
        } else {
            (b - b'A') as usize
        };
        if odd {
            ODD[idx]
        } else {
            idx as u32
        }
    };
    let sum: u32 = cf[..15]
        .iter()
        .enumerate()
        .map(|(i, b)| value(*b, i % 2 == 0))
        .sum();
    let check = b'A' + (sum % 26) as u8;
    if check == cf[15] {
        Ok(Some(String::from_utf8_lossy(&cf).into_owned()))
    } else {
        Err((
            "invalid_check_character",
            "the check character does not match".into(),
        ))
    }
}

struct Raw<'a> {
    first_name: &'a str,
    last_name: &'a str,
    sex: Sex,
    birth_date: Option<NaiveDate>,
    birth_year: Option<i32>,
    country_of_birth: Option<&'a str>,
    citizenship: Option<&'a str>,
    languages: &'a [String],
    phone: Option<&'a str>,
    email: Option<&'a str>,
    residence_municipality_id: Option<&'a str>,
    tax_code: Option<&'a str>,
    permit_type: Option<&'a str>,
    permit_number: Option<&'a str>,
    permit_expiry: Option<NaiveDate>,
    notes: Option<&'a str>,
}

fn check(raw: Raw<'_>, today: NaiveDate) -> Result<ValidPerson, Vec<FieldError>> {
    let mut e = Errors::default();
    let first_name = e.take("first_name", required_text(raw.first_name, 100));
    let last_name = e.take("last_name", required_text(raw.last_name, 100));
    if let Some(d) = raw.birth_date {
        if d > today {
            e.add("birth_date", "in_future", "must not be in the future");
        } else if d.year() < 1900 {
            e.add("birth_date", "too_old", "must be after 1900");
        }
    }
    if let Some(y) = raw.birth_year {
        if !(1900..=today.year()).contains(&y) {
            e.add(
                "birth_year",
                "out_of_range",
                format!("must be between 1900 and {}", today.year()),
            );
        } else if raw.birth_date.is_some_and(|d| d.year() != y) {
            e.add("birth_year", "mismatch", "does not match the birth date");
        }
    }
    let country_of_birth = e.take("country_of_birth", country(raw.country_of_birth, false));
    let citizenship = e.take("citizenship", country(raw.citizenship, true));
    let mut languages = Vec::new();
    for (i, l) in raw.languages.iter().enumerate() {
        let code = l.trim().to_ascii_lowercase();
        let known = match code.len() {
            2 => isolang::Language::from_639_1(&code).is_some(),
            3 => isolang::Language::from_639_3(&code).is_some(),
            _ => false,
        };
        if known {
            if !languages.contains(&code) {
                languages.push(code);
            }
        } else {
            e.add(
                format!("languages[{i}]"),
                "invalid_language",
                format!("`{l}` is not an ISO 639 language code"),
            );
        }
    }
    let phone = e.take("phone", optional_phone(raw.phone));
    let email = e.take("email", optional_email(raw.email));
    let tax = e.take("tax_code", tax_code(raw.tax_code));
    let permit_type = e.take("permit_type", optional_text(raw.permit_type, 100));
    let permit_number = e.take("permit_number", optional_text(raw.permit_number, 50));
    let notes = raw
        .notes
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if notes.as_ref().is_some_and(|n| n.chars().count() > 5000) {
        e.add("notes", "too_long", "must be at most 5000 characters");
    }
    e.finish(|| ValidPerson {
        first_name: first_name.unwrap_or_default(),
        last_name: last_name.unwrap_or_default(),
        sex: raw.sex,
        birth_year: raw.birth_year.or(raw.birth_date.map(|d| d.year())),
        birth_date: raw.birth_date,
        country_of_birth: country_of_birth.flatten(),
        citizenship: citizenship.flatten(),
        languages,
        phone: phone.flatten(),
        email: email.flatten(),
        residence_municipality_id: raw
            .residence_municipality_id
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        tax_code: tax.flatten(),
        permit_type: permit_type.flatten(),
        permit_number: permit_number.flatten(),
        permit_expiry: raw.permit_expiry,
        notes,
    })
}

impl NewPerson {
    /// Parses the body (dates are checked against `today`), or every field error.
    pub fn parse(&self, today: NaiveDate) -> Result<ValidPerson, Vec<FieldError>> {
        check(
            Raw {
                first_name: &self.first_name,
                last_name: &self.last_name,
                sex: self.sex,
                birth_date: self.birth_date,
                birth_year: self.birth_year,
                country_of_birth: self.country_of_birth.as_deref(),
                citizenship: self.citizenship.as_deref(),
                languages: &self.languages,
                phone: self.phone.as_deref(),
                email: self.email.as_deref(),
                residence_municipality_id: self.residence_municipality_id.as_deref(),
                tax_code: self.tax_code.as_deref(),
                permit_type: self.permit_type.as_deref(),
                permit_number: self.permit_number.as_deref(),
                permit_expiry: self.permit_expiry,
                notes: self.notes.as_deref(),
            },
            today,
        )
    }
}

impl PersonPatch {
    /// Applies the patch to the current values and checks the result as a whole.
    pub fn apply(
        &self,
        cur: &ValidPerson,
        today: NaiveDate,
    ) -> Result<ValidPerson, Vec<FieldError>> {
        fn pick<'a>(p: &'a Option<Option<String>>, cur: &'a Option<String>) -> Option<&'a str> {
            match p {
                Some(v) => v.as_deref(),
                None => cur.as_deref(),
            }
        }
        // A new birth date without a year replaces the year too.
        let birth_year = match (&self.birth_date, &self.birth_year) {
            (_, Some(y)) => *y,
            (Some(_), None) => None,
            (None, None) => cur.birth_year,
        };
        check(
            Raw {
                first_name: self.first_name.as_deref().unwrap_or(&cur.first_name),
                last_name: self.last_name.as_deref().unwrap_or(&cur.last_name),
                sex: self.sex.unwrap_or(cur.sex),
                birth_date: self.birth_date.unwrap_or(cur.birth_date),
                birth_year,
                country_of_birth: pick(&self.country_of_birth, &cur.country_of_birth),
                citizenship: pick(&self.citizenship, &cur.citizenship),
                languages: self.languages.as_deref().unwrap_or(&cur.languages),
                phone: pick(&self.phone, &cur.phone),
                email: pick(&self.email, &cur.email),
                residence_municipality_id: pick(
                    &self.residence_municipality_id,
                    &cur.residence_municipality_id,
                ),
                tax_code: pick(&self.tax_code, &cur.tax_code),
                permit_type: pick(&self.permit_type, &cur.permit_type),
                permit_number: pick(&self.permit_number, &cur.permit_number),
                permit_expiry: self.permit_expiry.unwrap_or(cur.permit_expiry),
                notes: pick(&self.notes, &cur.notes),
            },
            today,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn tax_codes() {
        assert_eq!(
            tax_code(Some("rssmra80a01h501u")).unwrap().as_deref(),
            Some("RSSMRA80A01H501U")
        );
        assert_eq!(
            tax_code(Some("RSSMRA80A01H501V")).unwrap_err().0,
            "invalid_check_character"
        );
        assert_eq!(
            tax_code(Some("RSSMRA80A01")).unwrap_err().0,
            "invalid_format"
        );
        assert_eq!(tax_code(Some(" ")).unwrap(), None);
    }

    #[test]
    fn countries_languages_and_dates() {
        let p = NewPerson {
            first_name: "Amina".into(),
            last_name: "Diallo".into(),
            birth_date: NaiveDate::from_ymd_opt(1990, 5, 4),
            country_of_birth: Some("sn".into()),
            citizenship: Some("SEN".into()),
            languages: vec!["fr".into(), "wol".into()],
            municipality_id: "x".into(),
            ..Default::default()
        };
        let v = p.parse(today()).unwrap();
        assert_eq!(v.birth_year, Some(1990));
        assert_eq!(v.country_of_birth.as_deref(), Some("SN"));
        let bad = NewPerson {
            citizenship: Some("Atlantis".into()),
            languages: vec!["xx-yy".into()],
            birth_date: NaiveDate::from_ymd_opt(2030, 1, 1),
            ..p.clone()
        };
        let fields: Vec<String> = bad
            .parse(today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["birth_date", "citizenship", "languages[0]"]);
        let stateless = NewPerson {
            citizenship: Some("Stateless".into()),
            ..p
        };
        assert_eq!(
            stateless.parse(today()).unwrap().citizenship.as_deref(),
            Some(STATELESS)
        );
    }
}
