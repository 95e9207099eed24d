//! Checking a person's data as typed: names, dates of birth, countries, the tax code; a new
//! record, a patch and a link are parsed into what is stored.

use chrono::{Datelike, NaiveDate};

use crate::validate::{optional_email, optional_phone, optional_text, required_text, Errors};
use crate::FieldError;

use super::*;

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

/// Every code [`country`] knows: ISO 3166-1 alpha-2 and alpha-3, upper case (the API document
/// lists them in the pattern of a country field).
pub fn country_codes() -> Vec<&'static str> {
    isocountry::CountryCode::as_array()
        .iter()
        .flat_map(|c| [c.alpha2(), c.alpha3()])
        .collect()
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

pub(super) struct Raw<'a> {
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

pub(super) fn check(raw: Raw<'_>, today: NaiveDate) -> Result<ValidPerson, Vec<FieldError>> {
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
