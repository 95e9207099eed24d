//! Municipalities and unions of municipalities.

use lumit_shared::desk::Desk;
use lumit_shared::municipality::{Municipality, MunicipalityPatch, NewMunicipality};
use lumit_shared::Page;

use super::{enc, ApiError, ApiPath};

/// The list's path, for a searchable list with its filters.
pub fn search() -> ApiPath {
    ApiPath::new("/api/v1/municipalities")
}

/// One page of up to 200 municipalities, from `cursor` on.
pub async fn page(cursor: Option<&str>) -> Result<Page<Municipality>, ApiError> {
    let path = match cursor {
        Some(c) => format!("/api/v1/municipalities?limit=200&cursor={}", enc(c)),
        None => "/api/v1/municipalities?limit=200".to_owned(),
    };
    super::get(&path).await
}

/// The unions of municipalities (up to 200).
pub async fn unions() -> Result<Page<Municipality>, ApiError> {
    super::get("/api/v1/municipalities?kind=unione&limit=200").await
}

/// The members of a union (up to 200).
pub async fn members(id: &str) -> Result<Page<Municipality>, ApiError> {
    super::get(&format!(
        "/api/v1/municipalities?member_of_id={id}&limit=200"
    ))
    .await
}

/// One municipality.
pub async fn get(id: &str) -> Result<Municipality, ApiError> {
    super::get(&format!("/api/v1/municipalities/{id}")).await
}

/// One municipality with its `ETag`, to edit it.
pub async fn get_tagged(id: &str) -> Result<(Municipality, Option<String>), ApiError> {
    super::get_tagged(&format!("/api/v1/municipalities/{id}")).await
}

/// Creates a municipality.
pub async fn create(body: &NewMunicipality) -> Result<Municipality, ApiError> {
    super::post("/api/v1/municipalities", body).await
}

/// Changes a municipality (`If-Match` the version read).
pub async fn update(
    id: &str,
    body: &MunicipalityPatch,
    etag: Option<&str>,
) -> Result<Municipality, ApiError> {
    super::patch(&format!("/api/v1/municipalities/{id}"), body, etag).await
}

/// A municipality's desks.
pub async fn desks(id: &str) -> Result<Vec<Desk>, ApiError> {
    super::get(&format!("/api/v1/municipalities/{id}/desks")).await
}
