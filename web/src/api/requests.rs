//! Mediation requests.

use lumit_shared::mediation::{
    NewRequest, RequestStep, RequestTransition, ServiceRequest, Suggestion,
};

use super::{ApiError, ApiPath};

/// The list's path, for a paged list with its filters.
pub fn search() -> ApiPath {
    ApiPath::new("/api/v1/requests")
}

/// Submits a request.
pub async fn create(body: &NewRequest) -> Result<ServiceRequest, ApiError> {
    super::post("/api/v1/requests", body).await
}

/// One request.
pub async fn get(id: &str) -> Result<ServiceRequest, ApiError> {
    super::get(&format!("/api/v1/requests/{id}")).await
}

/// A request's steps so far.
pub async fn history(id: &str) -> Result<Vec<RequestStep>, ApiError> {
    super::get(&format!("/api/v1/requests/{id}/history")).await
}

/// Moves a request to another status.
pub async fn transition(id: &str, body: &RequestTransition) -> Result<ServiceRequest, ApiError> {
    super::post(&format!("/api/v1/requests/{id}/transitions"), body).await
}

/// The mediators suggested for a request.
pub async fn suggestions(id: &str, include_unavailable: bool) -> Result<Vec<Suggestion>, ApiError> {
    super::get(&format!(
        "/api/v1/requests/{id}/suggestions?include_unavailable={include_unavailable}"
    ))
    .await
}
