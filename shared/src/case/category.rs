//! Changing the case taxonomy: a category's input, checked against the current one.

use serde::{Deserialize, Serialize};

use crate::validate::{required_text, Errors};
use crate::FieldError;

use super::*;

/// Body of `POST /api/v1/case-categories` and `PATCH /api/v1/case-categories/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    /// Slug (creation only): lower case letters, digits, `_` and `.`; a sub-category is `parent.child`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Parent category (creation only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Italian name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_it: Option<String>,
    /// English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Documents to check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist: Option<Vec<String>>,
    /// Years kept after the last case closed; `null` for the default (5).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    pub retention_years: Option<Option<i32>>,
    /// Offered for new cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
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
