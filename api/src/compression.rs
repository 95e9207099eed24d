//! Which answers actix-web's `Compress` may compress. Lists, reports and exports travel
//! compressed when the client accepts it (a page of cases shrinks to a fifth); the rest go as
//! they are:
//!
//! - **Answers to writes and to the authentication endpoints.** Tokens, one-time secrets (a new
//!   client's secret, a TOTP seed, a calendar feed's address) and text the caller chose, in one
//!   compressed body, let an attacker who can make a victim send requests and can watch the
//!   sizes on the wire guess the secret a character at a time (BREACH). Only reads are
//!   compressed, and none under `/api/v1/auth/`.
//! - **Small answers** (under [`MIN_SIZE`]): the framing costs more than it saves.
//! - **Answers already compressed**: the web app's `.br`/`.gz` files (`web_app`), XLSX (a zip),
//!   images other than SVG.
//!
//! `keep_as_is` marks those with `Content-Encoding: identity`, which `Compress` leaves alone;
//! `unmark` removes the marker on the way out (`identity` is not for responses, RFC 9110 §8.4.1).

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, CONTENT_ENCODING, CONTENT_TYPE};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// Answers smaller than this go uncompressed.
pub const MIN_SIZE: u64 = 1024;

const AS_IS: HeaderValue = HeaderValue::from_static("identity");

/// Inside `Compress`: marks the answers it must not compress.
pub async fn keep_as_is(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    let auth = req.path().starts_with("/api/v1/auth/");
    let mut res = next.call(req).await?;
    if res.headers().contains_key(CONTENT_ENCODING) {
        return Ok(res);
    }
    let small = matches!(res.response().body().size(), BodySize::Sized(n) if n < MIN_SIZE);
    let packed = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(already_compressed);
    if !read || auth || small || packed {
        res.headers_mut().insert(CONTENT_ENCODING, AS_IS);
    }
    Ok(res)
}

/// Outside `Compress`: takes the marker off.
pub async fn unmark(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    if res.headers().get(CONTENT_ENCODING) == Some(&AS_IS) {
        res.headers_mut().remove(CONTENT_ENCODING);
    }
    Ok(res)
}

/// Types whose bytes are compressed already.
fn already_compressed(content_type: &str) -> bool {
    let t = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    t.ends_with(".sheet")
        || t == "application/zip"
        || t == "application/gzip"
        || t == "application/pdf"
        || (t.starts_with("image/") && t != "image/svg+xml")
        || t.starts_with("font/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn zips_images_and_fonts_are_compressed_already() {
        for t in [
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/zip",
            "image/png",
            "font/woff2",
            "application/pdf",
        ] {
            assert!(super::already_compressed(t), "{t}");
        }
        for t in [
            "application/json",
            "application/problem+json",
            "text/csv; charset=utf-8",
            "image/svg+xml",
            "application/wasm",
        ] {
            assert!(!super::already_compressed(t), "{t}");
        }
    }
}
