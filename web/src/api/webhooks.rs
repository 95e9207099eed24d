//! Webhook subscriptions and their delivery log.

use lumit_shared::webhook::{NewWebhook, Webhook, WebhookDelivery, WebhookPatch};
use lumit_shared::Page;

use super::{ApiError, ApiPath, Method};

/// The subscriptions (up to 200).
pub async fn list() -> Result<Page<Webhook>, ApiError> {
    super::get("/api/v1/webhooks?limit=200").await
}

/// Subscribes a URL (the answer holds the signing secret, shown once).
pub async fn create(body: &NewWebhook) -> Result<Webhook, ApiError> {
    super::post("/api/v1/webhooks", body).await
}

/// Changes a subscription (enables or disables it, among others).
pub async fn update(id: &str, body: &WebhookPatch) -> Result<Webhook, ApiError> {
    super::patch(&format!("/api/v1/webhooks/{id}"), body, None).await
}

/// Ends a subscription.
pub async fn delete(id: &str) -> Result<(), ApiError> {
    super::no_content::<()>(Method::DELETE, &format!("/api/v1/webhooks/{id}"), None).await
}

/// A new signing secret (shown once); the old one stays valid for 24 hours.
pub async fn rotate_secret(id: &str) -> Result<Webhook, ApiError> {
    super::post(
        &format!("/api/v1/webhooks/{id}/secret"),
        &serde_json::json!({}),
    )
    .await
}

/// The delivery log's path, for a paged list with its filters.
pub fn deliveries(id: &str) -> ApiPath {
    ApiPath::new(format!("/api/v1/webhooks/{id}/deliveries"))
}

/// Queues a delivery again, now.
pub async fn redeliver(id: &str, delivery_id: &str) -> Result<WebhookDelivery, ApiError> {
    super::post(
        &format!("/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver"),
        &serde_json::json!({}),
    )
    .await
}
