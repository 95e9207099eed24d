//! The tamper-evident audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One changed field: old and new values (never secrets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// Field name.
    pub field: String,
    /// Value before (null when created): any JSON value.
    pub old: serde_json::Value,
    /// Value after (null when removed): any JSON value.
    pub new: serde_json::Value,
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Sequence number: rows are chained in this order.
    pub id: i64,
    /// When.
    #[serde(serialize_with = "crate::time::serialize")]
    pub at: DateTime<Utc>,
    /// `user`, `client` or `system`.
    pub actor_kind: String,
    /// User or client id.
    pub actor_id: Option<String>,
    /// Username or client name, as it was.
    pub actor_name: Option<String>,
    /// What happened, e.g. `municipality.update`, `auth.login_failed`.
    pub action: String,
    /// Kind of record touched.
    pub entity_type: String,
    /// Its id.
    pub entity_id: Option<String>,
    /// The municipality it belongs to.
    pub municipality_id: Option<String>,
    /// Request id.
    pub request_id: Option<String>,
    /// Client IP address.
    pub client_ip: Option<String>,
    /// Fields changed.
    pub changes: Vec<FieldChange>,
    /// SHA-256 of the previous row (hex).
    pub prev_hash: String,
    /// SHA-256 over this row's content and `prev_hash` (hex).
    pub hash: String,
}

/// Answer of `GET /api/v1/audit/verify`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerification {
    /// True when every row's hash matches its content and chain.
    pub ok: bool,
    /// How many rows were checked.
    pub rows_checked: i64,
    /// The first row whose hash or link is wrong (or, when the newest rows are gone, the first
    /// one missing).
    pub first_bad_id: Option<i64>,
    /// The newest row of the signed checkpoint kept outside the database (`audit-head.json` in
    /// the data folder), which the table must still hold unchanged; none before the first.
    pub checkpoint_id: Option<i64>,
    /// What is wrong, in words, when something is.
    pub problem: Option<String>,
}

/// One read of a record (`GET /api/v1/people/{id}/access-log`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessEntry {
    /// Sequence number.
    pub id: i64,
    /// When.
    #[serde(serialize_with = "crate::time::serialize")]
    pub at: DateTime<Utc>,
    /// `user` or `client`.
    pub actor_kind: String,
    /// Who.
    pub actor_id: Option<String>,
    /// Their name as it was.
    pub actor_name: Option<String>,
    /// What: `person.read`, `case.read`, `person.export`.
    pub action: String,
    /// `person` or `case`.
    pub entity_type: String,
    /// The record read.
    pub entity_id: String,
    /// The request, for correlation with the server's log.
    pub request_id: Option<String>,
    /// Client address.
    pub client_ip: Option<String>,
}

/// A failed sign-in (`GET /api/v1/security-log`), kept 90 days, outside the audit chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityEvent {
    /// Identifier (time-ordered).
    pub id: String,
    /// When.
    #[serde(serialize_with = "crate::time::serialize")]
    pub at: DateTime<Utc>,
    /// `login_failed` (staff) or `client_failed` (API client).
    pub kind: String,
    /// The account the attempt named, when it named one.
    pub user_id: Option<String>,
    /// That account's user name or client id; what was typed is never kept, as it may be a
    /// password.
    pub account: Option<String>,
    /// Client address.
    pub client_ip: Option<String>,
    /// The request, for correlation with the server's log.
    pub request_id: Option<String>,
}
