//! Changing the case taxonomy: a category's input, checked against the current one.

use serde::{Deserialize, Serialize};

use crate::validate::{required_text, Errors};
use crate::FieldError;

use super::*;

/// Body of `POST /api/v1/case-categories`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    /// Slug: 2–60 of lower-case letters, digits, `_` and `.`; a sub-category is `parent.child`.
    // Read when missing too (`serde(default)`, here and for the names), so that a 422 names
    // every field at fault at once.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[a-z0-9_.]{2,60}$",
            example = "residence_permit.renewal",
            required = true
        )
    )]
    pub id: String,
    /// Parent category, for a sub-category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Italian name.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "lumit:line:200", required = true)
    )]
    pub name_it: String,
    /// English name.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "lumit:line:200", required = true)
    )]
    pub name_en: String,
    /// Documents to check, at most 50.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "lumit:line:200", max_items = 50)
    )]
    pub checklist: Vec<String>,
    /// Years kept after the last case closed, 1–100; `null` for the default (5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub retention_years: Option<i32>,
    /// Offered for new cases (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// Body of `PATCH /api/v1/case-categories/{id}`: only the fields present change. A category's
/// id and parent never change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    /// Italian name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub name_it: Option<String>,
    /// English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub name_en: Option<String>,
    /// Replaces the documents to check, at most 50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "lumit:line:200", max_items = 50)
    )]
    pub checklist: Option<Vec<String>>,
    /// Years kept after the last case closed, 1–100; `null` for the default (5).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<i32>, minimum = 1, maximum = 100)
    )]
    pub retention_years: Option<Option<i32>>,
    /// Offered for new cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A new category or a change, as [`CategoryInput::apply`] checks it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CategoryInput {
    /// Slug (creation only).
    pub id: Option<String>,
    /// Parent category (creation only).
    pub parent_id: Option<String>,
    /// Italian name.
    pub name_it: Option<String>,
    /// English name.
    pub name_en: Option<String>,
    /// Documents to check.
    pub checklist: Option<Vec<String>>,
    /// Years kept; `Some(None)` for the default.
    pub retention_years: Option<Option<i32>>,
    /// Offered for new cases.
    pub active: Option<bool>,
}

impl From<NewCategory> for CategoryInput {
    fn from(c: NewCategory) -> Self {
        Self {
            // Missing or empty: "required", not a malformed slug.
            id: (!c.id.is_empty()).then_some(c.id),
            parent_id: c.parent_id,
            name_it: Some(c.name_it),
            name_en: Some(c.name_en),
            checklist: Some(c.checklist),
            retention_years: Some(c.retention_years),
            active: c.active,
        }
    }
}

impl From<CategoryPatch> for CategoryInput {
    fn from(p: CategoryPatch) -> Self {
        Self {
            name_it: p.name_it,
            name_en: p.name_en,
            checklist: p.checklist,
            retention_years: p.retention_years,
            active: p.active,
            ..Self::default()
        }
    }
}

impl CategoryInput {
    /// Applies the input to a category (a new one when `cur` is `None`) and checks the result.
    pub fn apply(&self, cur: Option<&CaseCategory>) -> Result<CaseCategory, Vec<FieldError>> {
        let mut e = Errors::default();
        let id = match (cur, &self.id) {
            (Some(c), None) => c.id.clone(),
            (Some(_), Some(_)) => {
                e.add("id", "not_allowed", "a category's id can't change");
                String::new()
            }
            (None, Some(id)) => {
                let ok = (2..=60).contains(&id.len())
                    && id.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
                    });
                if !ok {
                    e.add(
                        "id",
                        "invalid_format",
                        "2–60 of lower-case letters, digits, `_` and `.`",
                    );
                }
                id.clone()
            }
            (None, None) => {
                e.add("id", "required", "must not be empty");
                String::new()
            }
        };
        if cur.is_some() && self.parent_id.is_some() {
            e.add("parent_id", "not_allowed", "a category can't move");
        }
        let name_it = match (&self.name_it, cur) {
            (Some(n), _) => e.take("name_it", required_text(n, 200)),
            (None, Some(c)) => Some(c.name_it.clone()),
            (None, None) => e.take("name_it", required_text("", 200)),
        };
        let name_en = match (&self.name_en, cur) {
            (Some(n), _) => e.take("name_en", required_text(n, 200)),
            (None, Some(c)) => Some(c.name_en.clone()),
            (None, None) => e.take("name_en", required_text("", 200)),
        };
        let checklist = match (&self.checklist, cur) {
            (Some(items), _) => {
                let mut out = Vec::new();
                if items.len() > 50 {
                    e.add("checklist", "too_many", "at most 50 documents");
                }
                for (i, it) in items.iter().enumerate().take(50) {
                    if let Some(t) = e.take(&format!("checklist[{i}]"), required_text(it, 200)) {
                        out.push(t);
                    }
                }
                out
            }
            (None, Some(c)) => c.checklist.clone(),
            (None, None) => Vec::new(),
        };
        let retention_years = match (&self.retention_years, cur) {
            (Some(v), _) => *v,
            (None, Some(c)) => c.retention_years,
            (None, None) => None,
        };
        if retention_years.is_some_and(|y| !(1..=100).contains(&y)) {
            e.add(
                "retention_years",
                "out_of_range",
                "must be between 1 and 100",
            );
        }
        let parent_id = cur
            .map(|c| c.parent_id.clone())
            .unwrap_or_else(|| self.parent_id.clone());
        let active = self.active.or(cur.map(|c| c.active)).unwrap_or(true);
        e.finish(|| CaseCategory {
            id,
            parent_id,
            name_it: name_it.unwrap_or_default(),
            name_en: name_en.unwrap_or_default(),
            checklist,
            retention_years,
            active,
        })
    }
}
