//! The keys of other systems that call the API.

use lumit_shared::api_client::{ApiClient, NewApiClient};
use lumit_shared::Page;

use super::{ApiError, Method};

/// The clients (up to 200), with the revoked ones if asked.
pub async fn list(include_revoked: bool) -> Result<Page<ApiClient>, ApiError> {
    super::get(&format!(
        "/api/v1/api-clients?limit=200&include_revoked={include_revoked}"
    ))
    .await
}

/// Creates a client (its secret is shown once).
pub async fn create(body: &NewApiClient) -> Result<ApiClient, ApiError> {
    super::post("/api/v1/api-clients", body).await
}

/// Revokes a client.
pub async fn revoke(id: &str) -> Result<(), ApiError> {
    super::no_content::<()>(Method::DELETE, &format!("/api/v1/api-clients/{id}"), None).await
}
