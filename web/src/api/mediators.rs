//! Mediators: their records, calendars, availability and timesheets.

use lumit_shared::mediation::{Availability, Mediator, MediatorInput, ServiceRequest, Timesheet};

use super::{enc, ApiError, ApiPath, Method};

/// The list's path, for a list with its filters.
pub fn search() -> ApiPath {
    ApiPath::new("/api/v1/mediators")
}

/// The mediators a path filters.
pub async fn list(path: &ApiPath) -> Result<Vec<Mediator>, ApiError> {
    super::get(&path.0).await
}

/// The active mediators who speak a language.
pub async fn speaking(language: &str) -> Result<Vec<Mediator>, ApiError> {
    super::get(&format!(
        "/api/v1/mediators?active=true&language={}",
        enc(language)
    ))
    .await
}

/// One mediator.
pub async fn get(id: &str) -> Result<Mediator, ApiError> {
    super::get(&format!("/api/v1/mediators/{id}")).await
}

/// One mediator with its `ETag`, to edit it.
pub async fn get_tagged(id: &str) -> Result<(Mediator, Option<String>), ApiError> {
    super::get_tagged(&format!("/api/v1/mediators/{id}")).await
}

/// Records a mediator.
pub async fn create(body: &MediatorInput) -> Result<Mediator, ApiError> {
    super::post("/api/v1/mediators", body).await
}

/// Changes a mediator (`If-Match` the version read).
pub async fn update(
    id: &str,
    body: &MediatorInput,
    etag: Option<&str>,
) -> Result<Mediator, ApiError> {
    super::patch(&format!("/api/v1/mediators/{id}"), body, etag).await
}

/// A mediator's jobs between two days.
pub async fn calendar(
    id: &str,
    from: impl std::fmt::Display,
    to: impl std::fmt::Display,
) -> Result<Vec<ServiceRequest>, ApiError> {
    super::get(&format!(
        "/api/v1/mediators/{id}/calendar?from={from}&to={to}"
    ))
    .await
}

/// A mediator's timesheet of a month (`YYYY-MM`).
pub async fn timesheet(id: &str, month: &str) -> Result<Timesheet, ApiError> {
    super::get(&format!("/api/v1/mediators/{id}/timesheet?month={month}")).await
}

/// A mediator's timesheet of a month as CSV.
pub async fn timesheet_csv(id: &str, month: &str) -> Result<String, ApiError> {
    super::get_text(
        &format!("/api/v1/mediators/{id}/timesheet?month={month}"),
        "text/csv",
    )
    .await
}

/// A mediator's availability.
pub async fn availability(id: &str) -> Result<Availability, ApiError> {
    super::get(&format!("/api/v1/mediators/{id}/availability")).await
}

/// Replaces a mediator's availability.
pub async fn set_availability(id: &str, body: &Availability) -> Result<(), ApiError> {
    super::no_content(
        Method::PUT,
        &format!("/api/v1/mediators/{id}/availability"),
        Some(body),
    )
    .await
}
