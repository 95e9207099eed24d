//! Liveness and readiness probes.

use actix_web::{get, web, HttpResponse};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The process is alive.
#[utoipa::path(operation_id = "checkLiveness", tag = "health", responses((status = 200, description = "Alive")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The database answers; 503 otherwise.
#[utoipa::path(
    operation_id = "checkReadiness",
    tag = "health",
    responses(
        (status = 200, description = "Ready"),
        (status = 503, description = "Database unreachable", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    if state.db.ping().await {
        Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })))
    } else {
        Err(ApiError::Unavailable)
    }
}
