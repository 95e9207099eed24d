//! The signed-in account: password, second factor, own mediator record and jobs.

use lumit_shared::auth::{ChangePassword, RecoveryCodes, TotpConfirm, TotpEnrolment};
use lumit_shared::mediation::{CalendarFeed, Mediator, ServiceRequest};

use super::{ApiError, Method};

/// Changes the own password.
pub async fn change_password(body: &ChangePassword) -> Result<(), ApiError> {
    super::no_content(Method::PUT, "/api/v1/me/password", Some(body)).await
}

/// Starts enrolling an authenticator app.
pub async fn start_totp() -> Result<TotpEnrolment, ApiError> {
    super::post("/api/v1/me/totp", &serde_json::json!(null)).await
}

/// Confirms the authenticator app with a code, answering the recovery codes.
pub async fn confirm_totp(body: &TotpConfirm) -> Result<RecoveryCodes, ApiError> {
    super::post("/api/v1/me/totp/confirm", body).await
}

/// The own mediator record.
pub async fn mediator() -> Result<Mediator, ApiError> {
    super::get("/api/v1/me/mediator").await
}

/// The own jobs from a day on.
pub async fn assignments(from: impl std::fmt::Display) -> Result<Vec<ServiceRequest>, ApiError> {
    super::get(&format!("/api/v1/me/assignments?from={from}")).await
}

/// A new address of the own calendar feed.
pub async fn calendar_feed() -> Result<CalendarFeed, ApiError> {
    super::post("/api/v1/me/calendar-feed", &serde_json::json!({})).await
}
