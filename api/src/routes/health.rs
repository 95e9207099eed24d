//! Liveness and readiness probes.

use actix_web::{web, HttpResponse};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "Alive")))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The database answers; 503 otherwise.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "Ready"),
        (status = 503, description = "Database unreachable", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    if state.db.ping().await {
        Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })))
    } else {
        Err(ApiError::Unavailable)
    }
}
