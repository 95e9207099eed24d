//! Filing a request: what each kind needs, parsed into a `ValidRequest`.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::validate::{
    language, optional_email, optional_phone, optional_text, required_paragraphs, required_text,
    Errors,
};
use crate::FieldError;

use super::*;

/// Body of `POST /api/v1/requests`. Fields for the other kind must be absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct NewRequest {
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:id"))]
    pub municipality_id: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub office: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub contact_name: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:email?"))]
    pub contact_email: Option<String>,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:phone?"))]
    pub contact_phone: Option<String>,
    pub kind: RequestKind,
    /// Mediation: the language; translation: the source language.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:language"))]
    pub language: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:language"))]
    pub target_language: Option<String>,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:200"))]
    pub document_type: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub pages: Option<i32>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000000))]
    pub words: Option<i32>,
    pub due_date: Option<NaiveDate>,
    pub sworn: Option<bool>,
    /// Mediation: the day.
    pub date: Option<NaiveDate>,
    /// Mediation: start, `HH:MM` local time.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:time"))]
    pub start_time: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 15, maximum = 480))]
    pub duration_minutes: Option<i32>,
    pub remote: Option<bool>,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:300"))]
    pub address: Option<String>,
    pub setting: Option<Setting>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub participants: Option<i32>,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:text:2000"))]
    pub purpose: String,
    pub urgency: Option<Urgency>,
    pub case_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:1000"))]
    pub attachments: Option<String>,
}

// The enum's derives come from `wire_enum!`, which has no `#[default]`.
/// A request's fields once parsed.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ValidRequest {
    pub municipality_id: String,
    pub office: String,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub kind: RequestKind,
    pub language: String,
    pub target_language: Option<String>,
    pub document_type: Option<String>,
    pub pages: Option<i32>,
    pub words: Option<i32>,
    pub due_date: Option<NaiveDate>,
    pub sworn: bool,
    pub starts_at: Option<NaiveDateTime>,
    pub duration_minutes: Option<i32>,
    pub remote: bool,
    pub address: Option<String>,
    pub setting: Option<Setting>,
    pub participants: Option<i32>,
    pub purpose: String,
    pub urgency: Urgency,
    pub case_id: Option<String>,
    pub attachments: Option<String>,
}

impl ValidRequest {
    /// End of a mediation.
    pub fn ends_at(&self) -> Option<NaiveDateTime> {
        self.starts_at?
            .checked_add_signed(chrono::Duration::minutes(self.duration_minutes?.into()))
    }
}

/// The furthest day a job may be planned for: two years ahead.
pub fn horizon(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_signed(chrono::Duration::days(731))
        .unwrap_or(today)
}

fn positive(e: &mut Errors, field: &str, v: Option<i32>, max: i32) -> Option<i32> {
    match v {
        Some(n) if !(1..=max).contains(&n) => {
            e.add(
                field,
                "out_of_range",
                format!("must be between 1 and {max}"),
            );
            None
        }
        v => v,
    }
}

impl NewRequest {
    /// Parses a new request; `today` (local) bounds the dates: a job can't be in the past.
    pub fn parse(&self, today: NaiveDate) -> Result<ValidRequest, Vec<FieldError>> {
        let mut e = Errors::default();
        if self.municipality_id.trim().is_empty() {
            e.add("municipality_id", "required", "must not be empty");
        }
        let office = e.take("office", required_text(&self.office, 200));
        let contact_name = e.take("contact_name", required_text(&self.contact_name, 200));
        let contact_email = e
            .take(
                "contact_email",
                optional_email(self.contact_email.as_deref()),
            )
            .flatten();
        let contact_phone = e
            .take(
                "contact_phone",
                optional_phone(self.contact_phone.as_deref()),
            )
            .flatten();
        let lang = e.take("language", language(&self.language));
        let purpose = e.take("purpose", required_paragraphs(&self.purpose, 2000));
        let attachments = e
            .take(
                "attachments",
                optional_text(self.attachments.as_deref(), 1000),
            )
            .flatten();
        let forbid = |e: &mut Errors, field: &str, present: bool, kind: &str| {
            if present {
                e.add(field, "not_allowed", format!("only for {kind}"));
            }
        };
        let mut v = ValidRequest {
            municipality_id: self.municipality_id.trim().to_owned(),
            office: office.clone().unwrap_or_default(),
            contact_name: contact_name.clone().unwrap_or_default(),
            contact_email,
            contact_phone,
            kind: self.kind,
            language: lang.clone().unwrap_or_default(),
            target_language: None,
            document_type: None,
            pages: None,
            words: None,
            due_date: None,
            sworn: false,
            starts_at: None,
            duration_minutes: None,
            remote: false,
            address: None,
            setting: None,
            participants: None,
            purpose: purpose.clone().unwrap_or_default(),
            urgency: self.urgency.unwrap_or(Urgency::Normal),
            case_id: self
                .case_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            attachments,
        };
        match self.kind {
            RequestKind::Translation => {
                for (field, present) in [
                    ("date", self.date.is_some()),
                    ("start_time", self.start_time.is_some()),
                    ("duration_minutes", self.duration_minutes.is_some()),
                    ("remote", self.remote.is_some()),
                    ("address", self.address.is_some()),
                    ("setting", self.setting.is_some()),
                    ("participants", self.participants.is_some()),
                ] {
                    forbid(&mut e, field, present, "mediations");
                }
                match self.target_language.as_deref() {
                    Some(t) => {
                        if let Some(t) = e.take("target_language", language(t)) {
                            if lang.as_deref() == Some(t.as_str()) {
                                e.add(
                                    "target_language",
                                    "same_language",
                                    "must differ from the source language",
                                );
                            }
                            v.target_language = Some(t);
                        }
                    }
                    None => e.add("target_language", "required", "say the target language"),
                }
                v.document_type = e
                    .take(
                        "document_type",
                        optional_text(self.document_type.as_deref(), 200),
                    )
                    .flatten();
                if v.document_type.is_none() {
                    e.add("document_type", "required", "say what document it is");
                }
                v.pages = positive(&mut e, "pages", self.pages, 1000);
                v.words = positive(&mut e, "words", self.words, 1_000_000);
                if v.pages.is_none()
                    && v.words.is_none()
                    && !e.0.iter().any(|f| f.field == "pages" || f.field == "words")
                {
                    e.add("pages", "required", "give the pages or the words");
                }
                match self.due_date {
                    Some(d) if d < today => {
                        e.add("due_date", "in_the_past", "must not be in the past")
                    }
                    Some(d) if d > horizon(today) => {
                        e.add("due_date", "too_far", "must be within two years")
                    }
                    Some(d) => v.due_date = Some(d),
                    None => e.add("due_date", "required", "say when it is needed"),
                }
                v.sworn = self.sworn.unwrap_or(false);
            }
            RequestKind::Mediation => {
                for (field, present) in [
                    ("target_language", self.target_language.is_some()),
                    ("document_type", self.document_type.is_some()),
                    ("pages", self.pages.is_some()),
                    ("words", self.words.is_some()),
                    ("due_date", self.due_date.is_some()),
                    ("sworn", self.sworn.is_some()),
                ] {
                    forbid(&mut e, field, present, "translations");
                }
                let date = match self.date {
                    Some(d) if d < today => {
                        e.add("date", "in_the_past", "must not be in the past");
                        None
                    }
                    Some(d) if d > horizon(today) => {
                        e.add("date", "too_far", "must be within two years");
                        None
                    }
                    Some(d) => Some(d),
                    None => {
                        e.add("date", "required", "say the day");
                        None
                    }
                };
                let start = match self.start_time.as_deref() {
                    Some(s) => e.take("start_time", time_of_day(s)),
                    None => {
                        e.add("start_time", "required", "say the start time");
                        None
                    }
                };
                v.starts_at = date.zip(start).map(|(d, t)| d.and_time(t));
                match self.duration_minutes {
                    Some(m) if (15..=480).contains(&m) => v.duration_minutes = Some(m),
                    Some(_) => e.add(
                        "duration_minutes",
                        "out_of_range",
                        "must be between 15 and 480 minutes",
                    ),
                    None => e.add("duration_minutes", "required", "say how long"),
                }
                if let (Some(s), Some(end)) = (v.starts_at, v.ends_at()) {
                    if end.date() != s.date() && end.time() != NaiveTime::MIN {
                        e.add("duration_minutes", "past_midnight", "must end the same day");
                    }
                }
                v.remote = self.remote.unwrap_or(false);
                v.address = e
                    .take("address", optional_text(self.address.as_deref(), 300))
                    .flatten();
                if !v.remote && v.address.is_none() {
                    e.add("address", "required", "give the address, or mark it remote");
                }
                v.setting = self.setting;
                if v.setting.is_none() {
                    e.add("setting", "required", "say the setting");
                }
                v.participants = positive(&mut e, "participants", self.participants, 100);
            }
        }
        e.finish(|| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn requests_need_the_fields_of_their_kind() {
        let r = NewRequest {
            municipality_id: "046005".into(),
            office: "Anagrafe".into(),
            contact_name: "Rossi".into(),
            kind: RequestKind::Mediation,
            language: "ar".into(),
            purpose: "Colloquio".into(),
            pages: Some(2),
            ..Default::default()
        };
        let fields: Vec<String> = r
            .parse(d("2026-11-26"))
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            [
                "pages",
                "date",
                "start_time",
                "duration_minutes",
                "address",
                "setting"
            ]
        );
        let r = NewRequest {
            kind: RequestKind::Translation,
            language: "bn".into(),
            target_language: Some("it".into()),
            document_type: Some("Certificato di nascita".into()),
            pages: Some(2),
            due_date: Some(d("2026-11-27")),
            ..r
        };
        let v = r.parse(d("2026-11-26")).unwrap();
        assert_eq!(v.target_language.as_deref(), Some("it"));
        assert!(!v.sworn);
    }
}
