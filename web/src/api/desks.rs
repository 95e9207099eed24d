//! The desks (sportelli) of municipalities.

use lumit_shared::desk::{Desk, DeskPatch, NewDesk};

use super::ApiError;

/// One desk with its `ETag`, to edit it.
pub async fn get_tagged(id: &str) -> Result<(Desk, Option<String>), ApiError> {
    super::get_tagged(&format!("/api/v1/desks/{id}")).await
}

/// Opens a desk of a municipality.
pub async fn create(municipality_id: &str, body: &NewDesk) -> Result<Desk, ApiError> {
    super::post(
        &format!("/api/v1/municipalities/{municipality_id}/desks"),
        body,
    )
    .await
}

/// Changes a desk (`If-Match` the version read).
pub async fn update(id: &str, body: &DeskPatch, etag: Option<&str>) -> Result<Desk, ApiError> {
    super::patch(&format!("/api/v1/desks/{id}"), body, etag).await
}
