//! Cross-cutting request handling: request ids and logging, security headers, and problem+json
//! for every error answer the framework produces itself (unknown route, wrong method, …).

use std::time::Instant;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::HttpMessage;
use lumit_shared::problem::PROBLEM_CONTENT_TYPE;
use lumit_shared::Problem;
use tracing::Instrument;

use crate::error::{problem_response, ApiError};
use crate::extract::RequestId;

/// The request id header.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn acceptable_id(v: &HeaderValue) -> Option<String> {
    let s = v.to_str().ok()?;
    let ok = !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| s.to_owned())
}

/// The path as logged: a questionnaire link's secret is a key (and would tell when its owner
/// answered), and a certificate's code leads to a person's initials, so neither reaches the log.
fn loggable(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in [
        "/api/v1/questionnaire/",
        "/questionario/",
        "/api/v1/certificates/",
        "/attestati/",
    ] {
        if path.starts_with(prefix) {
            return format!("{prefix}…").into();
        }
    }
    path.into()
}

/// Accepts or generates `X-Request-Id`, runs the request in a span carrying it, echoes it and
/// logs one line per request.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(acceptable_id)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %loggable(req.path()));
    let started = Instant::now();
    let mut res = next.call(req).instrument(span.clone()).await?;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(X_REQUEST_ID, v);
    }
    let status = res.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, elapsed_ms, "request failed");
        } else {
            tracing::info!(status, elapsed_ms, "request");
        }
    });
    Ok(res)
}

/// Refuses a path or query string that carries a NUL character (`%00`), naming the query
/// parameter: no text value may hold one (PostgreSQL refuses it outright, which would otherwise
/// surface as a server error), so it is the client's mistake, answered before any handler runs.
pub async fn refuse_nul(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let raw = req.uri().path_and_query().map_or("", |p| p.as_str());
    if raw.contains("%00") {
        let field = form_urlencoded::parse(req.query_string().as_bytes())
            .find(|(k, v)| k.contains('\0') || v.contains('\0'))
            .map_or_else(
                || "path".to_owned(),
                |(k, _)| crate::extract::without_nul(&k),
            );
        let err = ApiError::BadRequest {
            code: "invalid_characters",
            detail: format!("`{field}` contains a NUL character (%00), which no value may hold."),
            errors: vec![lumit_shared::FieldError::new(
                field,
                "invalid_characters",
                "must not contain a NUL character",
            )],
        };
        return Ok(req.error_response(err).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Replaces a non-problem error body (from the router or the framework) with problem+json.
pub fn problem_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // Problems pass through, and so do our own HTML pages (the "web app not built" page).
    let keep = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(PROBLEM_CONTENT_TYPE.as_bytes())
            || v.as_bytes().starts_with(b"text/html")
    });
    if keep {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, title, detail) = match status.as_u16() {
        404 => ("not_found", "Not found", "No such resource.".to_owned()),
        405 => (
            "method_not_allowed",
            "Method not allowed",
            "This resource does not accept that method.".to_owned(),
        ),
        413 => (
            "payload_too_large",
            "Payload too large",
            "The body is too large.".to_owned(),
        ),
        s if s >= 500 => (
            "internal_error",
            "Internal server error",
            "Something went wrong on our side.".to_owned(),
        ),
        _ => (
            "bad_request",
            status.canonical_reason().unwrap_or("Error"),
            status
                .canonical_reason()
                .unwrap_or("The request could not be handled.")
                .to_owned(),
        ),
    };
    let problem = Problem::new(status.as_u16(), code, title, detail);
    let (req, old) = res.into_parts();
    let mut new = problem_response(&problem);
    for name in [header::ALLOW, header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
        if let Some(v) = old.headers().get(&name) {
            new.headers_mut().insert(name, v.clone());
        }
    }
    let res: ServiceResponse<EitherBody<B, BoxBody>> =
        ServiceResponse::new(req, new).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

#[cfg(test)]
mod tests {
    #[test]
    fn questionnaire_secrets_stay_out_of_the_log() {
        assert_eq!(
            super::loggable("/api/v1/questionnaire/abc123"),
            "/api/v1/questionnaire/…"
        );
        assert_eq!(super::loggable("/questionario/abc123"), "/questionario/…");
        assert_eq!(super::loggable("/api/v1/cases/1"), "/api/v1/cases/1");
    }
}
