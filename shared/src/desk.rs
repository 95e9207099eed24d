//! Help desks (sportelli) and their weekly opening hours.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::validate::{
    language, optional_email, optional_phone, optional_text, required_text, Errors,
};
use crate::FieldError;

/// Day of the week, Monday first as in Italy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Lunedì.
    Monday,
    /// Martedì.
    Tuesday,
    /// Mercoledì.
    Wednesday,
    /// Giovedì.
    Thursday,
    /// Venerdì.
    Friday,
    /// Sabato.
    Saturday,
    /// Domenica.
    Sunday,
}

impl Weekday {
    /// Monday to Sunday.
    pub const ALL: [Weekday; 7] = [
        Self::Monday,
        Self::Tuesday,
        Self::Wednesday,
        Self::Thursday,
        Self::Friday,
        Self::Saturday,
        Self::Sunday,
    ];

    /// The serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monday => "monday",
            Self::Tuesday => "tuesday",
            Self::Wednesday => "wednesday",
            Self::Thursday => "thursday",
            Self::Friday => "friday",
            Self::Saturday => "saturday",
            Self::Sunday => "sunday",
        }
    }
}

/// One opening slot: a weekday and a time range (`HH:MM`, start before end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpeningSlot {
    /// Day of the week.
    pub weekday: Weekday,
    /// Opening time, `HH:MM`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "09:00", pattern = "lumit:clock")
    )]
    pub start: String,
    /// Closing time, `HH:MM`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "12:30", pattern = "lumit:clock")
    )]
    pub end: String,
}

/// A desk as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Desk {
    /// Identifier (UUID).
    pub id: String,
    /// The municipality or office hosting the desk.
    pub municipality_id: String,
    /// Name, e.g. "Sportello immigrazione".
    pub name: String,
    /// Where it is.
    pub address: Option<String>,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
    /// Weekly opening hours, sorted by day and time.
    pub opening_hours: Vec<OpeningSlot>,
    /// Languages spoken at the desk (ISO 639 codes).
    #[cfg_attr(feature = "openapi", schema(example = json!(["it", "en", "ar"])))]
    pub languages: Vec<String>,
    /// Inactive desks are kept for history.
    pub active: bool,
}

/// Body of `POST /api/v1/municipalities/{id}/desks`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDesk {
    /// Name.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub name: String,
    /// Address.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:300"))]
    pub address: Option<String>,
    /// E-mail.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:email?"))]
    pub email: Option<String>,
    /// Phone.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:phone?"))]
    pub phone: Option<String>,
    /// Weekly opening hours.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 70))]
    pub opening_hours: Vec<OpeningSlot>,
    /// Languages spoken (ISO 639).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "lumit:language", max_items = 50)
    )]
    pub languages: Vec<String>,
    /// Defaults to true.
    pub active: Option<bool>,
}

/// Body of `PATCH /api/v1/desks/{id}`: only the fields present change; `null` clears.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeskPatch {
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub name: Option<String>,
    /// Address; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:line?:300"))]
    pub address: Option<Option<String>>,
    /// E-mail; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:email?"))]
    pub email: Option<Option<String>>,
    /// Phone; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:phone?"))]
    pub phone: Option<Option<String>>,
    /// Replaces the whole week.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 70))]
    pub opening_hours: Option<Vec<OpeningSlot>>,
    /// Replaces the languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "lumit:language", max_items = 50)
    )]
    pub languages: Option<Vec<String>>,
    /// Deactivate or reactivate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A checked desk.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidDesk {
    /// Name.
    pub name: String,
    /// Address.
    pub address: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Sorted, non-overlapping slots.
    pub opening_hours: Vec<OpeningSlot>,
    /// Distinct lower-case codes.
    pub languages: Vec<String>,
    /// Active flag.
    pub active: bool,
}

impl ValidDesk {
    /// The values of an existing desk, as the base a patch applies to.
    pub fn from_current(d: &Desk) -> Self {
        Self {
            name: d.name.clone(),
            address: d.address.clone(),
            email: d.email.clone(),
            phone: d.phone.clone(),
            opening_hours: d.opening_hours.clone(),
            languages: d.languages.clone(),
            active: d.active,
        }
    }
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    crate::validate::clock(s).ok()
}

/// Checks opening hours: valid `HH:MM` times, start before end, no overlap on the same day.
pub fn check_opening_hours(slots: &[OpeningSlot], e: &mut Errors) -> Vec<OpeningSlot> {
    if slots.len() > 70 {
        e.add("opening_hours", "too_many", "at most 70 slots");
        return Vec::new();
    }
    let mut parsed: Vec<(Weekday, NaiveTime, NaiveTime, usize)> = Vec::new();
    for (i, s) in slots.iter().enumerate() {
        let start = parse_time(&s.start);
        let end = parse_time(&s.end);
        if start.is_none() {
            e.add(
                format!("opening_hours[{i}].start"),
                "invalid_time",
                "must be a time HH:MM",
            );
        }
        if end.is_none() {
            e.add(
                format!("opening_hours[{i}].end"),
                "invalid_time",
                "must be a time HH:MM",
            );
        }
        if let (Some(a), Some(b)) = (start, end) {
            if a >= b {
                e.add(
                    format!("opening_hours[{i}].end"),
                    "end_before_start",
                    "must be after the start",
                );
            } else {
                parsed.push((s.weekday, a, b, i));
            }
        }
    }
    parsed.sort();
    for w in parsed.windows(2) {
        let (d1, _, end1, _) = w[0];
        let (d2, start2, _, i2) = w[1];
        if d1 == d2 && start2 < end1 {
            e.add(
                format!("opening_hours[{i2}]"),
                "overlap",
                "overlaps another slot on the same day",
            );
        }
    }
    parsed
        .into_iter()
        .map(|(weekday, a, b, _)| OpeningSlot {
            weekday,
            start: a.format("%H:%M").to_string(),
            end: b.format("%H:%M").to_string(),
        })
        .collect()
}

/// Checks a list of languages, removing duplicates.
pub fn check_languages(langs: &[String], field: &str, e: &mut Errors) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if langs.len() > 50 {
        e.add(field, "too_many", "at most 50 languages");
        return out;
    }
    for (i, l) in langs.iter().enumerate() {
        if let Some(code) = e.take(&format!("{field}[{i}]"), language(l)) {
            if !out.contains(&code) {
                out.push(code);
            }
        }
    }
    out
}

struct RawDesk<'a> {
    name: &'a str,
    address: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    opening_hours: &'a [OpeningSlot],
    languages: &'a [String],
    active: bool,
}

fn check(raw: RawDesk<'_>) -> Result<ValidDesk, Vec<FieldError>> {
    let mut e = Errors::default();
    let name = e.take("name", required_text(raw.name, 200));
    let address = e.take("address", optional_text(raw.address, 300));
    let email = e.take("email", optional_email(raw.email));
    let phone = e.take("phone", optional_phone(raw.phone));
    let opening_hours = check_opening_hours(raw.opening_hours, &mut e);
    let languages = check_languages(raw.languages, "languages", &mut e);
    e.finish(|| ValidDesk {
        name: name.unwrap_or_default(),
        address: address.flatten(),
        email: email.flatten(),
        phone: phone.flatten(),
        opening_hours,
        languages,
        active: raw.active,
    })
}

impl NewDesk {
    /// Parses the body into a checked desk, or every field error.
    pub fn parse(&self) -> Result<ValidDesk, Vec<FieldError>> {
        check(RawDesk {
            name: &self.name,
            address: self.address.as_deref(),
            email: self.email.as_deref(),
            phone: self.phone.as_deref(),
            opening_hours: &self.opening_hours,
            languages: &self.languages,
            active: self.active.unwrap_or(true),
        })
    }
}

impl DeskPatch {
    /// Applies the patch to the current values and checks the result.
    pub fn apply(&self, cur: &ValidDesk) -> Result<ValidDesk, Vec<FieldError>> {
        fn pick<'a>(p: &'a Option<Option<String>>, cur: &'a Option<String>) -> Option<&'a str> {
            match p {
                Some(v) => v.as_deref(),
                None => cur.as_deref(),
            }
        }
        check(RawDesk {
            name: self.name.as_deref().unwrap_or(&cur.name),
            address: pick(&self.address, &cur.address),
            email: pick(&self.email, &cur.email),
            phone: pick(&self.phone, &cur.phone),
            opening_hours: self.opening_hours.as_deref().unwrap_or(&cur.opening_hours),
            languages: self.languages.as_deref().unwrap_or(&cur.languages),
            active: self.active.unwrap_or(cur.active),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(d: Weekday, a: &str, b: &str) -> OpeningSlot {
        OpeningSlot {
            weekday: d,
            start: a.into(),
            end: b.into(),
        }
    }

    #[test]
    fn opening_hours_rules() {
        let ok = NewDesk {
            name: "Sportello".into(),
            opening_hours: vec![
                slot(Weekday::Tuesday, "14:00", "17:00"),
                slot(Weekday::Monday, "09:00", "12:30"),
            ],
            ..Default::default()
        };
        let d = ok.parse().unwrap();
        assert_eq!(d.opening_hours[0].weekday, Weekday::Monday);

        let bad = NewDesk {
            name: "Sportello".into(),
            opening_hours: vec![
                slot(Weekday::Monday, "09:00", "12:30"),
                slot(Weekday::Monday, "12:00", "13:00"),
                slot(Weekday::Friday, "10:00", "09:00"),
                slot(Weekday::Friday, "25:00", "26:00"),
            ],
            ..Default::default()
        };
        let errs = bad.parse().unwrap_err();
        let fields: Vec<_> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert!(
            fields.contains(&("opening_hours[1]", "overlap")),
            "{fields:?}"
        );
        assert!(
            fields.contains(&("opening_hours[2].end", "end_before_start")),
            "{fields:?}"
        );
        assert!(
            fields.contains(&("opening_hours[3].start", "invalid_time")),
            "{fields:?}"
        );
    }
}
