//! `GET /metrics` in the Prometheus text format: requests by route template and status, their
//! latency, the database pool, and the work waiting in the e-mail outbox and for webhooks. Not public: it answers
//! on a separate address (`LUMIT_METRICS_BIND`) or to a bearer token (`LUMIT_METRICS_TOKEN`), and
//! is a 404 when neither is set (docs/OPERATIONS.md).

use std::sync::OnceLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::error::ApiError;
use crate::state::AppState;

const REQUESTS: &str = "lumit_http_requests_total";
const LATENCY: &str = "lumit_http_request_duration_seconds";

/// The process's one recorder (the `metrics` facade has one per process; every server in it,
/// e.g. in tests, shares it).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let buckets = [
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
        ];
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(LATENCY.into()), &buckets)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder came first; then ours still renders what it has.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Counts each request by method, route template (never the raw path, which holds ids) and
/// status, and times it.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    handle();
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status().as_u16().to_string();
    let labels = [("method", method), ("route", route)];
    metrics::histogram!(LATENCY, &labels).record(started.elapsed().as_secs_f64());
    let [method, route] = labels;
    metrics::counter!(REQUESTS, &[method, route, ("status", status)]).increment(1);
    Ok(res)
}

/// Reads what is only known by asking: the pool, the outbox and the webhook backlog.
async fn sample(state: &AppState) -> Result<(), ApiError> {
    let (in_use, waiting) = state.db.pool_use();
    metrics::gauge!("lumit_db_pool_size").set(f64::from(state.settings.pool_size));
    metrics::gauge!("lumit_db_connections_in_use").set(in_use as f64);
    metrics::gauge!("lumit_db_connections_waiting").set(waiting as f64);
    let smtp = state.settings.mail.smtp_url.is_some();
    let outbox = state
        .db
        .read_short(move |c| crate::models::outbox::summary(c, smtp).map_err(Into::into))
        .await?;
    metrics::gauge!("lumit_mail_pending").set(outbox.pending as f64);
    metrics::gauge!("lumit_mail_failed").set(outbox.failed as f64);
    let (pending, failed, disabled) = state
        .db
        .read_short(|c| crate::models::webhook::backlog(c).map_err(Into::into))
        .await?;
    metrics::gauge!("lumit_webhook_deliveries_pending").set(pending as f64);
    metrics::gauge!("lumit_webhook_deliveries_failed").set(failed as f64);
    metrics::gauge!("lumit_webhook_subscriptions_disabled").set(disabled as f64);
    Ok(())
}

/// The text every scrape gets.
async fn render(state: &AppState) -> HttpResponse {
    // A database that is down must not hide the request figures, which say so best.
    if let Err(e) = sample(state).await {
        tracing::warn!(error = %e, "metrics: the outbox could not be read");
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(handle().render())
}

/// `GET /metrics` on the main address: only with `Authorization: Bearer <LUMIT_METRICS_TOKEN>`.
pub async fn scrape_with_token(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some(expected) = state.settings.metrics.token.as_deref() else {
        return Err(ApiError::NotFound);
    };
    let given = crate::extract::bearer(&req);
    if !given.is_some_and(|t| crate::crypto::constant_time_eq(t, expected)) {
        return Err(ApiError::Unauthorized("invalid_token"));
    }
    Ok(render(&state).await)
}

/// `GET /metrics` on the separate address, which only the scraper's network reaches.
pub async fn scrape(state: web::Data<AppState>) -> HttpResponse {
    render(&state).await
}
