//! `Idempotency-Key` on every `POST` of the API (but the sign-in ones): the same key from the same
//! caller within [`KEEP`] gets the first answer again, status and body, instead of a second
//! record; the same key with another request is a 422. The keys live in the database, so every
//! instance behind a balancer honours them.
//!
//! A request with a key first reserves it: a row without an answer, with a token of its own. The
//! change it makes marks that reservation `committed` in its own transaction
//! ([`crate::db::BEFORE_COMMIT`]) — and fails, undoing the change, if the reservation is no longer
//! its own — and the answer is stored once the handler has it. So, whatever stops in between:
//! - a second request while the first runs waits for its answer (then replays it), or gets a 409
//!   `idempotency_key_in_use` if it takes too long;
//! - a reservation without a commit after [`ABANDONED`] is taken over by a retry; should the first
//!   request still be alive, its commit finds the reservation gone and is undone, so the change
//!   is made once;
//! - a change that committed but whose answer was never stored (the process was killed in that
//!   instant) is never made again: a retry gets a 409 `idempotency_outcome_unknown`.
//!
//! Only answers of changes that committed are kept: a refusal (401, 403, 404, 409, 422, a 5xx…)
//! gives the key back, since the same request may succeed later (a person linked meanwhile, the
//! database back). Secrets shown once (a temporary password, a client secret, a feed token, a
//! second factor's secret and recovery codes) are not stored: a replay omits them.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use futures_util::StreamExt;
use lumit_shared::FieldError;
use sha2::{Digest, Sha256};

use crate::db::{now, Db, DbConn, BEFORE_COMMIT};
use crate::error::{ApiError, ApiResult};
use crate::extract::BODY_LIMIT;
use crate::schema::idempotency_keys as k;
use crate::state::AppState;

/// The request header.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on an answer that repeats the first one.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// How long a key is remembered.
pub const KEEP: chrono::Duration = chrono::Duration::hours(24);
/// A reservation without a commit this old may be taken over by a retry. Safe however long the
/// first request still runs: its commit checks that the reservation is still its own.
const ABANDONED: chrono::Duration = chrono::Duration::seconds(10);
/// Members of an answer that are shown once and never stored.
const SECRETS: &[&str] = &[
    "temporary_password",
    "client_secret",
    "password",
    "token",
    "path",
    // A second factor's secret (as text, inside its address and its QR code) and recovery codes.
    "secret",
    "otpauth_url",
    "qr_code",
    "codes",
];
/// How long a second request waits for the first one's answer before a 409.
const WAIT: Duration = Duration::from_secs(5);
/// Longest key accepted.
const MAX_KEY_LEN: usize = 255;

/// An answer stored for a key.
#[derive(Debug, Clone, Queryable)]
struct Stored {
    request_hash: String,
    created_at: NaiveDateTime,
    committed: bool,
    status: Option<i32>,
    content_type: Option<String>,
    location: Option<String>,
    etag: Option<String>,
    body: Option<String>,
}

/// What the reservation found.
enum Reservation {
    /// The key is ours: run the request.
    Reserved,
    /// The first request's answer.
    Replay(Stored),
    /// Same key, another request.
    Mismatch,
    /// The first request is still running.
    InUse,
    /// The first request's change committed, its answer was lost.
    OutcomeUnknown,
}

fn reserve(
    c: &mut DbConn,
    caller: &str,
    key: &str,
    hash: &str,
    token: &str,
) -> ApiResult<Reservation> {
    let t = now();
    let found: Option<Stored> = k::table
        .find((caller, key))
        .select((
            k::request_hash,
            k::created_at,
            k::committed,
            k::status,
            k::content_type,
            k::location,
            k::etag,
            k::body,
        ))
        .first(c)
        .optional()?;
    let take_over = match found {
        None => false,
        Some(s) if s.created_at < t - KEEP => true,
        Some(s) if s.request_hash != hash => return Ok(Reservation::Mismatch),
        Some(s) if s.status.is_some() => return Ok(Reservation::Replay(s)),
        // The first request may be between its commit and storing its answer: wait for it.
        Some(s) if s.created_at >= t - ABANDONED => return Ok(Reservation::InUse),
        Some(s) if s.committed => return Ok(Reservation::OutcomeUnknown),
        Some(_) => true,
    };
    if take_over {
        // Only if it is still what was seen: on PostgreSQL the first request may have committed
        // while this waited for its row.
        let gone = diesel::delete(
            k::table.find((caller, key)).filter(
                k::created_at.lt(t - KEEP).or(k::committed
                    .eq(false)
                    .and(k::status.is_null())
                    .and(k::created_at.lt(t - ABANDONED))),
            ),
        )
        .execute(c)?;
        if gone == 0 {
            return Ok(Reservation::InUse);
        }
    }
    diesel::insert_into(k::table)
        .values((
            k::caller.eq(caller),
            k::idempotency_key.eq(key),
            k::request_hash.eq(hash),
            k::token.eq(token),
            k::created_at.eq(t),
            k::committed.eq(false),
        ))
        .execute(c)?;
    forget_expired(c, t)?;
    Ok(Reservation::Reserved)
}

/// Deletes keys past [`KEEP`], at most once a minute per instance (an indexed range).
fn forget_expired(c: &mut DbConn, t: NaiveDateTime) -> ApiResult<()> {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let minute = t.and_utc().timestamp() / 60;
    if LAST.swap(minute, Ordering::Relaxed) != minute {
        diesel::delete(k::table.filter(k::created_at.lt(t - KEEP))).execute(c)?;
    }
    Ok(())
}

/// Stores the answer of a reservation whose change committed; any other gives the key back, so
/// that a retry runs again. A reservation taken over meanwhile is not touched.
fn finish(c: &mut DbConn, caller: &str, key: &str, token: &str, answer: &Answer) -> ApiResult<()> {
    let row = k::table
        .find((caller, key))
        .filter(k::token.eq(token))
        .filter(k::status.is_null());
    diesel::delete(row.filter(k::committed.eq(false))).execute(c)?;
    diesel::update(row.filter(k::committed.eq(true)))
        .set((
            k::status.eq(Some(i32::from(answer.status.as_u16()))),
            k::content_type.eq(&answer.content_type),
            k::location.eq(&answer.location),
            k::etag.eq(&answer.etag),
            k::body.eq(Some(&answer.body)),
        ))
        .execute(c)?;
    Ok(())
}

/// Gives the key back after a request that answered nothing (the handler failed).
fn give_back(c: &mut DbConn, caller: &str, key: &str, token: &str) -> ApiResult<()> {
    diesel::delete(
        k::table
            .find((caller, key))
            .filter(k::token.eq(token))
            .filter(k::committed.eq(false)),
    )
    .execute(c)?;
    Ok(())
}

/// The answer's body as stored: JSON without the members shown only once.
fn storable(bytes: &[u8]) -> Option<String> {
    fn scrub(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (name, value) in map.iter_mut() {
                    if SECRETS.contains(&name.as_str()) {
                        *value = serde_json::Value::Null;
                    } else {
                        scrub(value);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(scrub),
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Some(String::new());
    }
    let mut v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    scrub(&mut v);
    serde_json::to_string(&v).ok()
}

/// What the handler answered, as stored.
struct Answer {
    status: StatusCode,
    content_type: Option<String>,
    location: Option<String>,
    etag: Option<String>,
    body: String,
}

impl Answer {
    fn replay(s: Stored) -> HttpResponse {
        let status = s
            .status
            .and_then(|n| u16::try_from(n).ok())
            .and_then(|n| StatusCode::from_u16(n).ok())
            .unwrap_or(StatusCode::OK);
        let mut res = HttpResponse::build(status);
        res.insert_header((REPLAYED, "true"))
            .insert_header((header::CACHE_CONTROL, "no-store"));
        for (name, value) in [
            (header::CONTENT_TYPE, s.content_type),
            (header::LOCATION, s.location),
            (header::ETAG, s.etag),
        ] {
            if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                res.insert_header((name, v));
            }
        }
        res.body(s.body.unwrap_or_default())
    }
}

/// The key of a request: visible ASCII, 1 to 255 characters (a UUID is what clients send).
fn parse_key(v: &HeaderValue) -> ApiResult<String> {
    let s = v.to_str().unwrap_or_default();
    if s.is_empty() || s.len() > MAX_KEY_LEN || !s.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::BadRequest {
            code: "invalid_idempotency_key",
            detail: format!(
                "Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters (a UUID)."
            ),
            errors: vec![FieldError::new(
                "Idempotency-Key",
                "invalid_idempotency_key",
                "must be 1 to 255 visible ASCII characters",
            )],
        });
    }
    Ok(s.to_owned())
}

/// Who is asking, from a valid bearer token: keys are per caller. `None` lets the request through
/// to be refused by its handler.
fn caller(req: &ServiceRequest, state: &AppState) -> Option<String> {
    let v = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let claims = state.jwt.verify(token.trim())?;
    Some(format!("{}:{}", claims.kind, claims.sub))
}

/// Reads the body (within the API's limit), to hash it and hand it on.
async fn body_of(req: &mut ServiceRequest) -> ApiResult<web::Bytes> {
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::BadRequest {
            code: "unreadable_body",
            detail: "The request body could not be read.".into(),
            errors: Vec::new(),
        })?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(ApiError::PayloadTooLarge(BODY_LIMIT));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn request_hash(req: &ServiceRequest, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(req.method().as_str());
    h.update(b" ");
    h.update(req.uri().path_and_query().map_or("", |p| p.as_str()));
    h.update(b"\n");
    h.update(body);
    hex::encode(h.finalize())
}

/// True for the requests a key applies to.
fn applies(req: &ServiceRequest) -> bool {
    req.method() == Method::POST
        && req.path().starts_with("/api/v1/")
        && !req.path().starts_with("/api/v1/auth/")
}

/// The middleware.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let raw = match req.headers().get(&IDEMPOTENCY_KEY) {
        Some(raw) if applies(&req) => raw.clone(),
        _ => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let key = match parse_key(&raw) {
        Ok(key) => key,
        Err(e) => return Ok(req.error_response(e)),
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(caller) = caller(&req, &state) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let body = match body_of(&mut req).await {
        Ok(body) => body,
        Err(e) => return Ok(req.error_response(e)),
    };
    let hash = request_hash(&req, &body);
    req.set_payload(Payload::from(body));
    let token = uuid::Uuid::new_v4().simple().to_string();
    match wait_for_reservation(&state.db, &caller, &key, &hash, &token).await {
        Ok(Reservation::Reserved) => {}
        Ok(Reservation::Replay(stored)) => {
            return Ok(req.into_response(Answer::replay(stored)));
        }
        Ok(Reservation::Mismatch) => {
            let e = ApiError::Validation(vec![FieldError::new(
                "Idempotency-Key",
                "idempotency_key_reused",
                "was already used for a different request",
            )]);
            return Ok(req.error_response(e));
        }
        Ok(Reservation::InUse) => {
            let e = ApiError::conflict(
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being processed; retry shortly.",
            );
            let mut res = req.error_response(e);
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return Ok(res);
        }
        Ok(Reservation::OutcomeUnknown) => {
            let e = ApiError::conflict(
                "idempotency_outcome_unknown",
                "A request with this Idempotency-Key was carried out but its answer was lost: \
                 look for the record instead of sending it again.",
            );
            return Ok(req.error_response(e));
        }
        Err(e) => return Ok(req.error_response(e)),
    }
    let mark = {
        let (caller, key, token) = (caller.clone(), key.clone(), token.clone());
        std::sync::Arc::new(move |c: &mut DbConn| mark_committed(c, &caller, &key, &token))
    };
    let served = BEFORE_COMMIT.scope(mark, next.call(req)).await;
    let res = match served {
        Ok(res) => res,
        Err(e) => {
            // The handler failed before answering: give the key back unless its change committed.
            let _ = state
                .db
                .append(move |c| give_back(c, &caller, &key, &token))
                .await;
            return Err(e);
        }
    };
    let (req, res) = res.into_parts();
    let status = res.status();
    let header_text = |name: &HeaderName| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (content_type, location, etag) = (
        header_text(&header::CONTENT_TYPE),
        header_text(&header::LOCATION),
        header_text(&header::ETAG),
    );
    let (head, res_body) = res.into_parts();
    let bytes = body::to_bytes(res_body)
        .await
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("reading the answer to store it")))?;
    // A body that is not JSON could not be given back intact: the key is given back instead.
    let answer = storable(&bytes).map(|body| Answer {
        status,
        content_type,
        location,
        etag,
        body,
    });
    if let Err(e) = state
        .db
        .append(move |c| match &answer {
            Some(answer) => finish(c, &caller, &key, &token, answer),
            None => give_back(c, &caller, &key, &token),
        })
        .await
    {
        // The change stands and the client gets its answer; a retry will be told the outcome
        // is unknown rather than make the change twice.
        tracing::warn!(error = %e, "could not store the answer of an idempotent request");
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(BoxBody::new(bytes)),
    ))
}

/// Reserves the key, waiting up to [`WAIT`] for a first request that is still running.
async fn wait_for_reservation(
    db: &Db,
    caller: &str,
    key: &str,
    hash: &str,
    token: &str,
) -> ApiResult<Reservation> {
    let started = std::time::Instant::now();
    loop {
        let (c, k, h, t) = (
            caller.to_owned(),
            key.to_owned(),
            hash.to_owned(),
            token.to_owned(),
        );
        let found = match db.append(move |conn| reserve(conn, &c, &k, &h, &t)).await {
            // Two first requests at once: the other inserted it first.
            Err(ApiError::Conflict { .. }) => Reservation::InUse,
            other => other?,
        };
        match found {
            Reservation::InUse if started.elapsed() < WAIT => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => return Ok(other),
        }
    }
}

/// Marks the reservation of the request being served as committed, in the change's own
/// transaction (see [`crate::db::Db::write`]). A reservation a retry took over meanwhile makes
/// this fail, and with it the change: the retry makes it instead.
pub fn mark_committed(c: &mut DbConn, caller: &str, key: &str, token: &str) -> ApiResult<()> {
    let marked = diesel::update(k::table.find((caller, key)).filter(k::token.eq(token)))
        .set(k::committed.eq(true))
        .execute(c)?;
    if marked == 0 {
        return Err(ApiError::conflict(
            "idempotency_key_in_use",
            "A retry with this Idempotency-Key took over this request; its answer counts.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
