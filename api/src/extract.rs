//! Request extractors that turn every kind of bad input into a precise problem answer:
//! JSON bodies (415 / 413 / 400 / 422 with the field), query strings, `If-Match`, request metadata.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use lumit_shared::FieldError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

mod strict;

/// The token of `Authorization: Bearer <token>`, if the request carries one.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    let v = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Largest body accepted.
pub const BODY_LIMIT: usize = 256 * 1024;

/// The request id and client address, for logs and the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// `X-Request-Id`, accepted or generated.
    pub request_id: Option<String>,
    /// The client's IP.
    pub client_ip: Option<String>,
}

/// The request id the middleware stored.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Set when the peer is a proxy of ours that appends the client's address to
/// `X-Forwarded-For`.
#[derive(Debug, Clone, Copy)]
pub struct TrustProxy(pub bool);

/// The address our proxy appended: the rightmost of `X-Forwarded-For`. Everything left of it was
/// sent by the client and proves nothing (throttling by it could be dodged at will).
fn forwarded_client(req: &HttpRequest) -> Option<String> {
    let last = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .last()?;
    last.parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}

impl RequestMeta {
    /// Reads it off a request.
    pub fn of(req: &HttpRequest) -> Self {
        let trust = req.app_data::<TrustProxy>().is_some_and(|t| t.0);
        let peer = || req.peer_addr().map(|a| a.ip().to_string());
        let client_ip = if trust {
            forwarded_client(req).or_else(peer)
        } else {
            peer()
        };
        Self {
            request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
            client_ip,
        }
    }
}

impl FromRequest for RequestMeta {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::of(req)))
    }
}

/// What kind of body the request declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Json,
    Form,
    Other,
}

fn body_kind(req: &HttpRequest) -> BodyKind {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if ct == "application/json" || (ct.starts_with("application/") && ct.ends_with("+json")) {
        BodyKind::Json
    } else if ct == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else {
        BodyKind::Other
    }
}

async fn read_body(req: &HttpRequest, payload: &mut Payload) -> Result<BytesMut, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return Err(ApiError::PayloadTooLarge(BODY_LIMIT));
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            code: "unreadable_body",
            detail: format!("The body could not be read: {e}"),
            errors: Vec::new(),
        })?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(ApiError::PayloadTooLarge(BODY_LIMIT));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A body that is not JSON at all: 400.
fn syntax_error(e: serde_json::Error) -> ApiError {
    ApiError::BadRequest {
        code: "malformed_json",
        detail: format!("The body is not valid JSON: {e}"),
        errors: Vec::new(),
    }
}

/// Turns a serde error with its path into a problem: syntax → 400, data → 422 naming the field.
fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    use serde_json::error::Category;
    match inner.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::BadRequest {
            code: "malformed_json",
            detail: format!("The body is not valid JSON: {inner}"),
            errors: Vec::new(),
        },
        Category::Data => ApiError::Validation(vec![data_error(&path, &inner.to_string())]),
    }
}

/// Names the field a serde data error is about, including unknown and missing fields, whose
/// names serde only gives in the message.
fn data_error(path: &str, message: &str) -> FieldError {
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned();
    let quoted = message.split('`').nth(1).unwrap_or("").to_owned();
    let join = |name: &str| {
        if path == "." || path.is_empty() {
            name.to_owned()
        } else if path == name || path.ends_with(&format!(".{name}")) {
            path.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if message.starts_with("unknown field") {
        FieldError::new(join(&quoted), "unknown_field", message)
    } else if message.starts_with("missing field") {
        FieldError::new(join(&quoted), "required", message)
    } else {
        let field = if path == "." {
            String::new()
        } else {
            path.to_owned()
        };
        FieldError::new(field, "invalid_value", message)
    }
}

/// A request body, read only when the handler asks for it: after the permission check, so that a
/// caller without permission learns nothing from body errors.
pub struct Body {
    req: HttpRequest,
    payload: Payload,
}

impl FromRequest for Body {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        ready(Ok(Self {
            req: req.clone(),
            payload: payload.take(),
        }))
    }
}

impl Body {
    /// A JSON body, checked for media type (415), size (413), syntax (400) and shape (422).
    pub async fn json<T: DeserializeOwned>(mut self) -> Result<T, ApiError> {
        if body_kind(&self.req) != BodyKind::Json {
            return Err(ApiError::UnsupportedMediaType("application/json"));
        }
        let body = read_body(&self.req, &mut self.payload).await?;
        parse_json(&body)
    }

    /// A JSON or form-encoded body (OAuth 2 token requests).
    pub async fn json_or_form<T: DeserializeOwned>(mut self) -> Result<T, ApiError> {
        let kind = body_kind(&self.req);
        if kind == BodyKind::Other {
            return Err(ApiError::UnsupportedMediaType(
                "application/x-www-form-urlencoded or application/json",
            ));
        }
        let body = read_body(&self.req, &mut self.payload).await?;
        match kind {
            BodyKind::Json => parse_json(&body),
            _ => parse_form(&body),
        }
    }

    /// A JSON body that may be empty (then `T::default()`).
    pub async fn json_or_empty<T: DeserializeOwned + Default>(mut self) -> Result<T, ApiError> {
        let declared_empty = self.req.headers().get(header::CONTENT_TYPE).is_none();
        let body = read_body(&self.req, &mut self.payload).await?;
        if body.is_empty() && declared_empty {
            return Ok(T::default());
        }
        if body_kind(&self.req) != BodyKind::Json {
            return Err(ApiError::UnsupportedMediaType("application/json"));
        }
        // The document allows `null` for an optional body (`oneOf: [null, …]`): same as none.
        if body.iter().all(u8::is_ascii_whitespace) || body.trim_ascii() == b"null" {
            return Ok(T::default());
        }
        parse_json(&body)
    }
}

/// Parses JSON bytes with field paths in errors.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let tree: serde_json::Value = serde_json::from_slice(body).map_err(syntax_error)?;
    // Before the shape: an unknown field's name would otherwise be echoed with its NUL.
    refuse_nul_in_json(body, &tree)?;
    serde_path_to_error::deserialize(strict::Strict(tree)).map_err(json_error)
}

/// The caller's mistake, not a server error: no text may hold a NUL character (PostgreSQL
/// refuses one outright), and JSON can only spell it `\u0000`. A 422 naming the field.
fn refuse_nul_in_json(body: &[u8], tree: &serde_json::Value) -> Result<(), ApiError> {
    if !body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return Ok(());
    }
    match nul_path(tree, "") {
        Some(field) => Err(nul_error(field)),
        None => Ok(()),
    }
}

/// Where the first text (value or key) holding a NUL stands, in serde_path_to_error's spelling.
fn nul_path(v: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) => s.contains('\0').then(|| at.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| nul_path(x, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            let here = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if k.contains('\0') {
                Some(here)
            } else {
                nul_path(x, &here)
            }
        }),
        _ => None,
    }
}

fn nul_error(field: String) -> ApiError {
    ApiError::Validation(vec![FieldError::new(
        without_nul(&field),
        "invalid_characters",
        "must not contain a NUL character",
    )])
}

/// A name as an answer may repeat it: a NUL written `\u0000`, as JSON spells it (no text of an
/// answer holds a NUL either).
pub fn without_nul(name: &str) -> String {
    name.replace('\0', "\\u0000")
}

fn parse_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if let Some((k, _)) =
        form_urlencoded::parse(body).find(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        return Err(nul_error(k.into_owned()));
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(body));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ApiError::Validation(vec![data_error(&path, &e.into_inner().to_string())])
    })
}

/// A query string, with the parameter at fault named on error (422).
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let qs = req.query_string().as_bytes();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(qs));
        ready(
            serde_path_to_error::deserialize(de)
                .map(Query)
                .map_err(|e| {
                    let path = e.path().to_string();
                    let fe = data_error(&path, &e.into_inner().to_string());
                    ApiError::BadRequest {
                        code: "invalid_query",
                        detail: format!("Invalid query parameter `{}`: {}", fe.field, fe.message),
                        errors: vec![fe],
                    }
                }),
        )
    }
}

/// The `If-Match` header: absent, `*`, or a list of entity tags.
#[derive(Debug, Clone)]
pub struct IfMatch(Option<Vec<String>>);

impl IfMatch {
    /// Refuses (412) when the header names only other versions than `version`.
    pub fn check(&self, version: i64) -> Result<(), ApiError> {
        match &self.0 {
            None => Ok(()),
            Some(tags) if tags.iter().any(|t| t == "*" || t == &etag(version)) => Ok(()),
            Some(_) => Err(ApiError::PreconditionFailed),
        }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let tags = req.headers().get(header::IF_MATCH).map(|v| {
            v.to_str()
                .unwrap_or("")
                .split(',')
                .map(|t| t.trim().trim_start_matches("W/").to_owned())
                .filter(|t| !t.is_empty())
                .collect()
        });
        ready(Ok(Self(tags)))
    }
}

/// The entity tag of a resource version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}
