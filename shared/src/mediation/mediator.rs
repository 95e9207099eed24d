//! Mediators and translators: who they are, the languages they work in, where they go.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{
    language, optional_email, optional_phone, optional_text, required_text, Errors,
};
use crate::FieldError;

use super::*;

wire_enum!(
    /// What a mediator does.
    MediatorKind {
        /// Linguistic-cultural mediation, in person or remote.
        Mediator = "mediator",
        /// Translation of documents.
        Translator = "translator",
        /// Both.
        Both = "both",
    }
);

impl MediatorKind {
    /// Whether this kind of mediator takes this kind of job.
    pub fn does(self, job: RequestKind) -> bool {
        matches!(
            (self, job),
            (Self::Both, _)
                | (Self::Mediator, RequestKind::Mediation)
                | (Self::Translator, RequestKind::Translation)
        )
    }
}

wire_enum!(
    /// How well a mediator speaks a language (CEFR, or mother tongue).
    LanguageLevel {
        /// Mother tongue.
        Native = "native",
        /// C2.
        C2 = "c2",
        /// C1.
        C1 = "c1",
        /// B2.
        B2 = "b2",
        /// B1.
        B1 = "b1",
    }
);

impl LanguageLevel {
    /// Higher is better: native 5 … B1 1.
    pub fn rank(self) -> u8 {
        match self {
            Self::Native => 5,
            Self::C2 => 4,
            Self::C1 => 3,
            Self::B2 => 2,
            Self::B1 => 1,
        }
    }
}

/// A language a mediator works in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MediatorLanguage {
    /// ISO 639 code, e.g. `ar`, `bn`, `ur`.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:language"))]
    pub language: String,
    /// Level.
    pub level: LanguageLevel,
}

/// A mediator or translator. Operators and municipal officers get name, kind, languages and
/// coverage only: contact data, organisation and the linked account are then `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mediator {
    /// Identifier (UUID).
    pub id: String,
    /// Full name.
    pub full_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Mediation, translation or both.
    pub kind: MediatorKind,
    /// Employer, e.g. Co&So or Odissea.
    pub organisation: Option<String>,
    /// Languages with levels.
    pub languages: Vec<MediatorLanguage>,
    /// Municipalities covered (an Unione covers its members).
    pub municipality_ids: Vec<String>,
    /// Whether they travel to on-site jobs.
    pub travels: bool,
    /// Takes jobs.
    pub active: bool,
    /// The staff account (role `mediator`) that acts as this mediator.
    pub user_id: Option<String>,
    /// Last change.
    #[serde(serialize_with = "crate::time::serialize")]
    pub updated_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/mediators`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMediator {
    /// Full name.
    // Read when missing too (`serde(default)`), so that a 422 names every field at fault at once.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "lumit:line:200", required = true)
    )]
    pub full_name: String,
    /// E-mail.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:email?"))]
    pub email: Option<String>,
    /// Phone.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:phone?"))]
    pub phone: Option<String>,
    /// Mediator, translator or both.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = MediatorKind, required = true))]
    pub kind: Option<MediatorKind>,
    /// Cooperative or association.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:200"))]
    pub organisation: Option<String>,
    /// Languages and levels, at least one, each language once.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, required = true))]
    pub languages: Vec<MediatorLanguage>,
    /// Municipalities covered.
    #[serde(default)]
    pub municipality_ids: Vec<String>,
    /// Travels to other municipalities (default true).
    #[serde(default)]
    pub travels: Option<bool>,
    /// Takes jobs (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// The staff account (role `mediator`) that acts as this mediator.
    #[serde(default)]
    pub user_id: Option<String>,
}

impl From<NewMediator> for MediatorInput {
    fn from(m: NewMediator) -> Self {
        Self {
            full_name: Some(m.full_name),
            email: Some(m.email),
            phone: Some(m.phone),
            kind: m.kind,
            organisation: Some(m.organisation),
            languages: Some(m.languages),
            municipality_ids: Some(m.municipality_ids),
            travels: m.travels,
            active: m.active,
            user_id: Some(m.user_id),
        }
    }
}

/// Body of `PATCH /api/v1/mediators/{id}`: only the fields that change; `null` clears an optional
/// one. A [`NewMediator`] is checked as one of these with every field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct MediatorInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub full_name: Option<String>,
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:email?"))]
    pub email: Option<Option<String>>,
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:phone?"))]
    pub phone: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MediatorKind>,
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:line?:200"))]
    pub organisation: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub languages: Option<Vec<MediatorLanguage>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travels: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub user_id: Option<Option<String>>,
}

/// A mediator's fields once parsed (references are checked by the server).
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ValidMediator {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub kind: MediatorKind,
    pub organisation: Option<String>,
    pub languages: Vec<MediatorLanguage>,
    pub municipality_ids: Vec<String>,
    pub travels: bool,
    pub active: bool,
    pub user_id: Option<String>,
}

impl MediatorInput {
    /// Applies the input to the current mediator (`None`: a new one, where name, kind and
    /// languages are required), collecting every field error.
    pub fn apply(&self, cur: Option<&Mediator>) -> Result<ValidMediator, Vec<FieldError>> {
        let mut e = Errors::default();
        let full_name = match (&self.full_name, cur) {
            (Some(n), _) => e.take("full_name", required_text(n, 200)),
            (None, Some(c)) => Some(c.full_name.clone()),
            (None, None) => {
                e.add("full_name", "required", "must not be empty");
                None
            }
        };
        let email = match &self.email {
            Some(v) => e.take("email", optional_email(v.as_deref())).flatten(),
            None => cur.and_then(|c| c.email.clone()),
        };
        let phone = match &self.phone {
            Some(v) => e.take("phone", optional_phone(v.as_deref())).flatten(),
            None => cur.and_then(|c| c.phone.clone()),
        };
        let kind = self.kind.or(cur.map(|c| c.kind));
        if kind.is_none() {
            e.add("kind", "required", "say mediator, translator or both");
        }
        let organisation = match &self.organisation {
            Some(v) => e
                .take("organisation", optional_text(v.as_deref(), 200))
                .flatten(),
            None => cur.and_then(|c| c.organisation.clone()),
        };
        let languages = match &self.languages {
            Some(ls) => {
                let mut out: Vec<MediatorLanguage> = Vec::new();
                for (i, l) in ls.iter().enumerate() {
                    let field = format!("languages[{i}].language");
                    if let Some(code) = e.take(&field, language(&l.language)) {
                        if out.iter().any(|o| o.language == code) {
                            e.add(field, "duplicate", "this language is listed twice");
                        } else {
                            out.push(MediatorLanguage {
                                language: code,
                                level: l.level,
                            });
                        }
                    }
                }
                if ls.is_empty() {
                    e.add("languages", "required", "list at least one language");
                }
                out
            }
            None => match cur {
                Some(c) => c.languages.clone(),
                None => {
                    e.add("languages", "required", "list at least one language");
                    Vec::new()
                }
            },
        };
        let municipality_ids = match &self.municipality_ids {
            Some(ids) => {
                let mut out: Vec<String> = Vec::new();
                for id in ids {
                    let id = id.trim().to_owned();
                    if !id.is_empty() && !out.contains(&id) {
                        out.push(id);
                    }
                }
                out
            }
            None => cur.map(|c| c.municipality_ids.clone()).unwrap_or_default(),
        };
        let user_id = match &self.user_id {
            Some(v) => v
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            None => cur.and_then(|c| c.user_id.clone()),
        };
        let travels = self.travels.or(cur.map(|c| c.travels)).unwrap_or(true);
        let active = self.active.or(cur.map(|c| c.active)).unwrap_or(true);
        e.finish(|| ValidMediator {
            full_name: full_name.unwrap_or_default(),
            email,
            phone,
            kind: kind.unwrap_or(MediatorKind::Mediator),
            organisation,
            languages,
            municipality_ids,
            travels,
            active,
            user_id,
        })
    }
}
