//! The one place that turns failures into HTTP answers (RFC 9457 problem+json).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use lumit_shared::problem::PROBLEM_CONTENT_TYPE;
use lumit_shared::rule::RuleError;
use lumit_shared::{FieldError, Problem};

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed (bad JSON syntax, bad query string, …).
    #[error("bad request: {detail}")]
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        detail: String,
        /// Fields at fault.
        errors: Vec<FieldError>,
    },
    /// 401: no valid credentials.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// 403: authenticated but not allowed.
    #[error("forbidden: {code}")]
    Forbidden {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        detail: String,
    },
    /// 404: no such resource, or not visible to the caller.
    #[error("not found")]
    NotFound,
    /// 409: conflicts with the current state.
    #[error("conflict: {detail}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        detail: String,
        /// Field at fault, if any.
        errors: Vec<FieldError>,
        /// Extra members (allowed transitions, candidates, …).
        extra: serde_json::Map<String, serde_json::Value>,
    },
    /// 412: `If-Match` names an old version.
    #[error("precondition failed")]
    PreconditionFailed,
    /// 413: body too large.
    #[error("payload too large")]
    PayloadTooLarge(usize),
    /// 415: body not JSON (or form where allowed).
    #[error("unsupported media type")]
    UnsupportedMediaType(&'static str),
    /// 422: the body parsed but some fields are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 429: too many attempts.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds until another attempt is allowed.
        retry_after: i64,
    },
    /// 429: the caller's request budget is spent (`crate::limits`).
    #[error("rate limited")]
    RateLimited {
        /// Seconds until the budget allows another request.
        retry_after: i64,
    },
    /// 503: the database can't be reached (no connection within the timeout, busy, or a
    /// statement past its timeout).
    #[error("service unavailable")]
    Unavailable,
    /// 503: too many password checks at once; try again in a second.
    #[error("busy")]
    Busy,
    /// 503: the connection to the database failed under a request (the server restarted,
    /// crashed or went out of reach). The pool drops the connection; the client retries.
    #[error("database connection lost")]
    ConnectionLost,
    /// 500: a bug or an unexpected failure; logged, never shown.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl ApiError {
    /// A 403 with a code.
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            detail: detail.into(),
        }
    }

    /// A 409 with a code and explanation.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            extra: Default::default(),
        }
    }

    /// A 422 for one field.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    /// The problem body for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code().as_u16();
        match self {
            Self::BadRequest {
                code,
                detail,
                errors,
            } => {
                let mut p = Problem::new(status, code, "Bad request", detail.clone());
                p.errors = errors.clone();
                p
            }
            Self::Unauthorized(code) => {
                let mut p = Problem::new(
                    status,
                    code,
                    "Unauthorized",
                    match *code {
                        "invalid_credentials" => "Wrong username or password.",
                        "invalid_client" => "Unknown client or wrong secret.",
                        "invalid_refresh_token" => {
                            "The refresh token is invalid, expired or already used."
                        }
                        "account_inactive" => "The account is deactivated.",
                        "session_ended" => "The session has ended: log in again.",
                        "totp_required" => {
                            "The password is right; now the code of the authenticator app \
                             (or a recovery code) is needed."
                        }
                        "invalid_totp" => "The code is wrong or was already used.",
                        _ => "A valid bearer token is required.",
                    },
                );
                if matches!(*code, "totp_required" | "invalid_totp") {
                    p.errors = vec![FieldError::new(
                        "totp_code",
                        code,
                        "the 6-digit code of the authenticator app, or `recovery_code`",
                    )];
                }
                p
            }
            Self::Forbidden { code, detail } => {
                Problem::new(status, code, "Forbidden", detail.clone())
            }
            Self::NotFound => Problem::new(status, "not_found", "Not found", "No such resource."),
            Self::Conflict {
                code,
                detail,
                errors,
                extra,
            } => {
                let mut p = Problem::new(status, code, "Conflict", detail.clone());
                p.errors = errors.clone();
                p.extra = extra.clone();
                p
            }
            Self::PreconditionFailed => Problem::new(
                status,
                "stale_write",
                "Precondition failed",
                "The resource changed since you read it: reload and try again.",
            ),
            Self::PayloadTooLarge(limit) => Problem::new(
                status,
                "payload_too_large",
                "Payload too large",
                format!("The body must be at most {limit} bytes."),
            ),
            Self::UnsupportedMediaType(expected) => Problem::new(
                status,
                "unsupported_media_type",
                "Unsupported media type",
                format!("The body must be {expected}."),
            ),
            Self::Validation(errors) => {
                let mut p = Problem::new(
                    status,
                    "validation_failed",
                    "Validation failed",
                    "Some fields are invalid: see `errors`.",
                );
                p.errors = errors.clone();
                p
            }
            Self::TooManyRequests { retry_after } => Problem::new(
                status,
                "too_many_attempts",
                "Too many requests",
                format!("Too many failed attempts: try again in {retry_after} seconds."),
            ),
            Self::RateLimited { retry_after } => Problem::new(
                status,
                "rate_limited",
                "Too many requests",
                format!(
                    "This caller's request budget is spent: try again in {retry_after} seconds \
                     (see the RateLimit-* headers)."
                ),
            ),
            Self::Unavailable | Self::ConnectionLost => Problem::new(
                status,
                "service_unavailable",
                "Service unavailable",
                "The database is not reachable right now; try again shortly.",
            ),
            Self::Busy => Problem::new(
                status,
                "busy",
                "Service busy",
                "Too many sign-ins at once: try again in a second.",
            ),
            Self::Internal(_) => Problem::new(
                status,
                "internal_error",
                "Internal server error",
                "Something went wrong on our side; it has been logged.",
            ),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } | Self::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Unavailable | Self::ConnectionLost | Self::Busy => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(e) = self {
            tracing::error!(error = format!("{e:#}"), "internal error");
        }
        let mut res = problem_response(&self.problem());
        let headers = res.headers_mut();
        match self {
            Self::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::TooManyRequests { retry_after } | Self::RateLimited { retry_after } => {
                if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                    headers.insert(header::RETRY_AFTER, v);
                }
            }
            Self::Unavailable | Self::ConnectionLost => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            Self::Busy => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        res
    }
}

/// Serialises a problem with the right status and media type.
pub fn problem_response(p: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(&without_nul(p)).unwrap_or_else(|_| b"{}".to_vec());
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// A problem may quote what the caller sent (a field's name, a value), which may hold the very
/// NUL character it refuses; no text the API answers holds one (the document says so), so each
/// is shown as `\0`.
fn without_nul(p: &Problem) -> std::borrow::Cow<'_, Problem> {
    let has = |s: &str| s.contains('\0');
    let any = has(&p.title)
        || has(&p.detail)
        || p.errors.iter().any(|e| has(&e.field) || has(&e.message));
    if !any {
        return std::borrow::Cow::Borrowed(p);
    }
    let clean = |s: &str| s.replace('\0', "\\0");
    let mut p = p.clone();
    p.title = clean(&p.title);
    p.detail = clean(&p.detail);
    for e in &mut p.errors {
        e.field = clean(&e.field);
        e.message = clean(&e.message);
    }
    std::borrow::Cow::Owned(p)
}

/// What SQLite answers a statement stopped by its deadline (`db::statement_deadline`) with, as
/// diesel reports it.
const SQLITE_INTERRUPTED: &str = "interrupted";

/// How the store fails, in its own terms: the models return these and know nothing of HTTP;
/// [`ApiError`]'s `From` below is where they become statuses.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed or refused (a constraint, a lost connection, a timeout).
    #[error(transparent)]
    Db(DieselError),
    /// No such row (diesel's own `NotFound` becomes this, so there is one to match).
    #[error("not found")]
    NotFound,
    /// The row changed since the version the caller read.
    #[error("stale version")]
    Stale,
    /// A rule refused the change (one that needs what the store holds, e.g. a parent's kind).
    #[error("refused: {0:?}")]
    Rule(RuleError),
    /// Anything else: a value that would not serialise.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::NotFound,
            e => Self::Db(e),
        }
    }
}

impl From<RuleError> for StoreError {
    fn from(e: RuleError) -> Self {
        Self::Rule(e)
    }
}

/// What the models answer.
pub type StoreResult<T> = Result<T, StoreError>;

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Db(e) => e.into(),
            StoreError::NotFound => Self::NotFound,
            StoreError::Stale => Self::PreconditionFailed,
            StoreError::Rule(e) => e.into(),
            StoreError::Internal(e) => Self::Internal(e),
        }
    }
}

/// A workflow's refusal: 409 with the reachable steps, 403, or 422 with the fields at fault.
impl From<RuleError> for ApiError {
    fn from(e: RuleError) -> Self {
        match e {
            RuleError::NotAllowed {
                what,
                from,
                to,
                allowed,
            } => {
                let mut extra = serde_json::Map::new();
                extra.insert("allowed".into(), serde_json::json!(allowed));
                Self::Conflict {
                    code: "transition_not_allowed",
                    detail: format!("A {what} in `{from}` can't move to `{to}`."),
                    errors: Vec::new(),
                    extra,
                }
            }
            RuleError::Forbidden(_) => {
                Self::forbidden("forbidden", "Your role does not allow this.")
            }
            RuleError::NotYours(code, detail) => Self::forbidden(code, detail),
            RuleError::TooLate(code, detail) | RuleError::NotYet(code, detail) => {
                Self::conflict(code, detail)
            }
            RuleError::Fields(errors) => Self::Validation(errors),
        }
    }
}

impl From<DieselError> for ApiError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let field = unique_field(info.message(), info.constraint_name());
                let mut err = Self::conflict(
                    "already_exists",
                    "A record with the same value already exists.",
                );
                if let (Some(f), Self::Conflict { errors, .. }) = (field, &mut err) {
                    errors.push(FieldError::new(f, "already_exists", "is already in use"));
                }
                err
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Self::conflict("invalid_reference", "A referenced record does not exist.")
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => Self::ConnectionLost,
            DieselError::DatabaseError(_, ref info) if connection_failed(info.message()) => {
                Self::ConnectionLost
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("statement timeout")
                    || info.message() == SQLITE_INTERRUPTED =>
            {
                tracing::warn!(message = info.message(), "statement timeout: answering 503");
                Self::Unavailable
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("database is locked") =>
            {
                // Past SQLite's busy timeout, or a snapshot that cannot be upgraded: worth a
                // line in the log, since writes queue in the process and should not meet.
                tracing::warn!(message = info.message(), "database busy: answering 503");
                Self::Unavailable
            }
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

/// True for PostgreSQL's words for a connection that is gone or a server that cannot serve yet:
/// the server shutting down (`57P01`), crashed (`57P02`), starting up or recovering (`57P03`), or
/// the socket closed under libpq. diesel reports most of them as `ClosedConnection`, but not
/// those the server sends as an ordinary error just before it closes.
fn connection_failed(message: &str) -> bool {
    [
        "terminating connection",
        "the database system is",
        "server closed the connection",
        "no connection to the server",
        "could not receive data from server",
        "could not send data to server",
        "SSL connection has been closed",
        "connection to server",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// Names the field of a unique violation from the database's message: SQLite says
/// `UNIQUE constraint failed: users.username_lower`, PostgreSQL names `users_username_lower_key`.
fn unique_field(message: &str, constraint: Option<&str>) -> Option<String> {
    let raw = if let Some(rest) = message.strip_prefix("UNIQUE constraint failed: ") {
        rest.split(',').next()?.split('.').nth(1)?.trim().to_owned()
    } else {
        let c = constraint?;
        let c = c.strip_suffix("_key").unwrap_or(c);
        // `<table>_<column>`: tables here have no underscore-free ambiguity worth more than this.
        ["municipalities_", "users_", "api_clients_", "desks_"]
            .iter()
            .find_map(|t| c.strip_prefix(t))?
            .to_owned()
    };
    Some(match raw.as_str() {
        "username_lower" => "username".to_owned(),
        other => other.to_owned(),
    })
}

impl From<r2d2::Error> for ApiError {
    fn from(_: r2d2::Error) -> Self {
        Self::Unavailable
    }
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, ApiError>;
