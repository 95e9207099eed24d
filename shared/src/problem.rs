//! RFC 9457 problem details: the one error shape of the whole API.

use serde::{Deserialize, Serialize};

/// Media type of every error body.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// One field at fault in a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Path of the field in the request, e.g. `istat_code` or `opening_hours[2].end`.
    #[cfg_attr(feature = "openapi", schema(example = "istat_code"))]
    pub field: String,
    /// Stable snake_case code the client can translate, e.g. `required`, `invalid_format`.
    #[cfg_attr(feature = "openapi", schema(example = "invalid_format"))]
    pub code: String,
    /// Human-readable explanation (English).
    #[cfg_attr(feature = "openapi", schema(example = "must be 6 digits"))]
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// An error answer (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// URI reference naming the problem type.
    #[serde(rename = "type")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "urn:lumit:problem:validation_failed")
    )]
    pub type_: String,
    /// Short summary of the problem type.
    #[cfg_attr(feature = "openapi", schema(example = "Validation failed"))]
    pub title: String,
    /// HTTP status code.
    #[cfg_attr(feature = "openapi", schema(example = 422))]
    pub status: u16,
    /// Explanation specific to this occurrence.
    #[serde(default)]
    pub detail: String,
    /// Stable snake_case code the client can translate.
    #[cfg_attr(feature = "openapi", schema(example = "validation_failed"))]
    pub code: String,
    /// Fields at fault (validation problems).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Request id, to quote when reporting a server error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Extra members of some problems: `allowed` transitions, duplicate `candidates`, …
    #[serde(flatten, default, skip_serializing_if = "serde_json::Map::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    /// Builds a problem with a code, status, title and detail.
    pub fn new(status: u16, code: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            type_: format!("urn:lumit:problem:{code}"),
            title: title.to_owned(),
            status,
            detail: detail.into(),
            code: code.to_owned(),
            errors: Vec::new(),
            request_id: None,
            extra: serde_json::Map::new(),
        }
    }

    /// The error message for one field, if the problem names it.
    pub fn field_message(&self, field: &str) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }
}
