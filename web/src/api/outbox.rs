//! The outgoing messages.

use lumit_shared::outbox::{OutboxMessage, OutboxSummary};

use super::{ApiError, ApiPath};

/// The list's path, for a paged list with its filters.
pub fn search() -> ApiPath {
    ApiPath::new("/api/v1/outbox")
}

/// The counts per status.
pub async fn summary() -> Result<OutboxSummary, ApiError> {
    super::get("/api/v1/outbox/summary").await
}

/// Sends a message again.
pub async fn retry(id: &str) -> Result<OutboxMessage, ApiError> {
    super::post(
        &format!("/api/v1/outbox/{id}/retry"),
        &serde_json::json!({}),
    )
    .await
}
