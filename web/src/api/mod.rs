//! The only place that does HTTP. Adds the bearer token, refreshes it once on a 401 (through the
//! `HttpOnly` cookie) and turns problem+json answers into [`ApiError`]s with field messages.
//! Pages call the typed functions of one module per resource (mirroring the server's routes);
//! only this module knows the API's paths.

pub mod api_clients;
pub mod audit;
pub mod cases;
pub mod desks;
pub mod me;
pub mod mediators;
pub mod municipalities;
pub mod outbox;
pub mod people;
pub mod referrals;
pub mod reports;
pub mod requests;
pub mod summary;
pub mod training;
pub mod users;
pub mod webhooks;

use std::cell::RefCell;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use lumit_shared::auth::{LoginRequest, TokenPair};
use lumit_shared::Problem;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What went wrong with a call.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with a problem.
    Problem(Problem),
    /// The server could not be reached, or answered something unreadable.
    Network(String),
}

impl ApiError {
    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Problem(p) => Some(p.status),
            Self::Network(_) => None,
        }
    }

    /// The error of one field, if the problem names it (shown by its code: `field_text`).
    pub fn field(&self, name: &str) -> Option<&lumit_shared::FieldError> {
        self.problem()?.field_message(name)
    }

    /// The problem's code (`totp_required`, `invalid_totp`, …), if the server answered one.
    pub fn code(&self) -> Option<&str> {
        self.problem().map(|p| p.code.as_str())
    }

    /// The problem, if any.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Self::Problem(p) => Some(p),
            Self::Network(_) => None,
        }
    }

    /// A validation problem found in the browser, shaped like the server's so that forms show
    /// both the same way.
    pub fn invalid(errors: Vec<lumit_shared::FieldError>) -> Self {
        let mut p = Problem::new(422, "validation_failed", "Validation failed", "");
        p.errors = errors;
        Self::Problem(p)
    }
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Option<TokenPair>>>;
type SessionListener = Box<dyn Fn(Option<TokenPair>)>;

thread_local! {
    static TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static REFRESHING: RefCell<Option<RefreshFuture>> = const { RefCell::new(None) };
    static ON_SESSION: RefCell<Option<SessionListener>> = const { RefCell::new(None) };
    static LOGGING_OUT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True while the person's own logout ends the session (not a timeout or an admin).
pub fn logging_out() -> bool {
    LOGGING_OUT.with(|l| l.get())
}

/// Registers what to do when tokens change (new pair, or `None` when the session ended).
pub fn on_session_change(f: impl Fn(Option<TokenPair>) + 'static) {
    ON_SESSION.with(|s| *s.borrow_mut() = Some(Box::new(f)));
}

fn session_changed(pair: Option<TokenPair>) {
    TOKEN.with(|t| *t.borrow_mut() = pair.as_ref().map(|p| p.access_token.clone()));
    ON_SESSION.with(|s| {
        if let Some(f) = s.borrow().as_ref() {
            f(pair)
        }
    });
}

/// A request to our own API (a path: the browser's fetch resolves it against the page).
fn request(method: Method, path: &str) -> RequestBuilder {
    RequestBuilder::new(path).method(method)
}

/// Sends a request built with a body (or none).
async fn fetch(
    req: RequestBuilder,
    body: Option<&serde_json::Value>,
) -> Result<Response, ApiError> {
    let sent = match body {
        Some(b) => req.json(b).map_err(network)?.send().await,
        None => req.send().await,
    };
    sent.map_err(network)
}

fn network(e: impl std::fmt::Display) -> ApiError {
    ApiError::Network(e.to_string())
}

async fn to_error(res: Response) -> ApiError {
    let status = res.status();
    match res.json::<Problem>().await {
        Ok(p) => ApiError::Problem(p),
        Err(_) => ApiError::Problem(Problem::new(
            status,
            "unexpected",
            "Error",
            format!("HTTP {status}"),
        )),
    }
}

thread_local! {
    /// Part of every `Idempotency-Key`, renewed after each create that succeeded: until then a
    /// repeat of the same request (a double click, a retry after a network error or a timeout)
    /// carries the same key, and the server answers it with the first answer instead of making
    /// a second record. After a success the same form sent again is a new record, as meant.
    static ROUND: std::cell::RefCell<String> = std::cell::RefCell::new(new_round());
}

fn new_round() -> String {
    // 2 × 52 random bits: keys only need to differ between this browser's rounds.
    let part = || (js_sys::Math::random() * 4_503_599_627_370_496.0) as u64;
    format!("{:013x}{:013x}", part(), part())
}

/// FNV-1a: a cheap fingerprint of the request, so that another request never reuses a key.
fn fingerprint(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in *part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h = (h ^ 0xff).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The key of a `POST`: this round's, and the request's fingerprint.
fn idempotency_key(path: &str, body: Option<&serde_json::Value>) -> String {
    let text = body.map(ToString::to_string).unwrap_or_default();
    let round = ROUND.with(|r| r.borrow().clone());
    format!(
        "{round}-{:016x}",
        fingerprint(&[path.as_bytes(), text.as_bytes()])
    )
}

async fn send_once(
    method: Method,
    path: &str,
    body: Option<&serde_json::Value>,
    if_match: Option<&str>,
    accept: Option<&str>,
) -> Result<Response, ApiError> {
    let is_post = method == Method::POST;
    let mut req = request(method, path);
    if is_post {
        req = req.header("Idempotency-Key", &idempotency_key(path, body));
    }
    if let Some(a) = accept {
        req = req.header("Accept", a);
    }
    if let Some(t) = TOKEN.with(|t| t.borrow().clone()) {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    if let Some(tag) = if_match {
        req = req.header("If-Match", tag);
    }
    fetch(req, body).await
}

/// Sends a request; on a 401 refreshes the session once and retries.
async fn send(
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
    if_match: Option<&str>,
) -> Result<Response, ApiError> {
    send_accepting(method, path, body, if_match, None).await
}

/// [`send`] asking for a media type other than JSON.
async fn send_accepting(
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
    if_match: Option<&str>,
    accept: Option<&str>,
) -> Result<Response, ApiError> {
    let is_post = method == Method::POST;
    let mut res = send_once(method.clone(), path, body.as_ref(), if_match, accept).await?;
    if res.status() == 401 && refresh().await.is_some() {
        res = send_once(method, path, body.as_ref(), if_match, accept).await?;
    }
    if is_post && res.ok() {
        ROUND.with(|r| *r.borrow_mut() = new_round());
    }
    Ok(res)
}

async fn decode<T: DeserializeOwned>(res: Response) -> Result<T, ApiError> {
    if !res.ok() {
        return Err(to_error(res).await);
    }
    res.json::<T>().await.map_err(network)
}

// An `ApiError` is large on 64-bit (the tests' build), not on wasm32; errors are rare.
#[allow(clippy::result_large_err)]
fn to_value<B: Serialize>(body: &B) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(body).map_err(|e| ApiError::Network(e.to_string()))
}

/// GET a JSON resource.
async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(send(Method::GET, path, None, None).await?).await
}

/// GET a file (a PDF) as bytes.
async fn get_bytes(path: &str, accept: &str) -> Result<Vec<u8>, ApiError> {
    let res = send_accepting(Method::GET, path, None, None, Some(accept)).await?;
    if !res.ok() {
        return Err(to_error(res).await);
    }
    res.binary().await.map_err(network)
}

/// GET a resource as text in another representation (`Accept: text/csv`), e.g. for a download.
async fn get_text(path: &str, accept: &str) -> Result<String, ApiError> {
    let res = send_accepting(Method::GET, path, None, None, Some(accept)).await?;
    if !res.ok() {
        return Err(to_error(res).await);
    }
    res.text().await.map_err(network)
}

/// GET a JSON resource with its `ETag`.
async fn get_tagged<T: DeserializeOwned>(path: &str) -> Result<(T, Option<String>), ApiError> {
    let res = send(Method::GET, path, None, None).await?;
    let tag = res.headers().get("etag");
    Ok((decode(res).await?, tag))
}

/// POST JSON, expecting JSON back.
async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    decode(send(Method::POST, path, Some(to_value(body)?), None).await?).await
}

/// PUT JSON, expecting JSON back.
async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    decode(send(Method::PUT, path, Some(to_value(body)?), None).await?).await
}

/// PATCH JSON with an optional `If-Match`.
async fn patch<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    if_match: Option<&str>,
) -> Result<T, ApiError> {
    decode(send(Method::PATCH, path, Some(to_value(body)?), if_match).await?).await
}

/// A call answered with 204.
async fn no_content<B: Serialize>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<(), ApiError> {
    let body = body.map(to_value).transpose()?;
    let res = send(method, path, body, None).await?;
    if res.ok() {
        Ok(())
    } else {
        Err(to_error(res).await)
    }
}

/// Logs in; the refresh token goes into the `HttpOnly` cookie.
pub async fn login(username: &str, password: &str) -> Result<TokenPair, ApiError> {
    login_with(username, password, SecondFactor::None).await
}

/// What a login sends besides the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    /// Nothing (the account may answer `totp_required`).
    None,
    /// The code of the authenticator app.
    Code(String),
    /// A recovery code.
    Recovery(String),
}

/// Logs in with a second factor; the refresh token goes into the `HttpOnly` cookie.
pub async fn login_with(
    username: &str,
    password: &str,
    second: SecondFactor,
) -> Result<TokenPair, ApiError> {
    let (totp_code, recovery_code) = match second {
        SecondFactor::None => (None, None),
        SecondFactor::Code(c) => (Some(c), None),
        SecondFactor::Recovery(c) => (None, Some(c)),
    };
    let body = LoginRequest {
        username: username.into(),
        password: password.into(),
        refresh_token_in_cookie: true,
        totp_code,
        recovery_code,
    };
    let res = fetch(
        request(Method::POST, "/api/v1/auth/login"),
        Some(&to_value(&body)?),
    )
    .await?;
    let pair: TokenPair = decode(res).await?;
    session_changed(Some(pair.clone()));
    Ok(pair)
}

/// Exchanges the cookie for a new pair. Concurrent callers share one request: a refresh token
/// works once, and a second use would end the session.
pub async fn refresh() -> Option<TokenPair> {
    let fut = REFRESHING.with(|r| {
        r.borrow_mut()
            .get_or_insert_with(|| {
                async {
                    let res = fetch(request(Method::POST, "/api/v1/auth/refresh"), None)
                        .await
                        .ok()?;
                    let pair = if res.ok() {
                        res.json::<TokenPair>().await.ok()
                    } else {
                        None
                    };
                    session_changed(pair.clone());
                    pair
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    let out = fut.await;
    REFRESHING.with(|r| *r.borrow_mut() = None);
    out
}

/// Logs out: the server revokes the refresh token and clears the cookie.
pub async fn logout() {
    let _ = fetch(request(Method::POST, "/api/v1/auth/logout"), None).await;
    LOGGING_OUT.with(|l| l.set(true));
    session_changed(None);
    LOGGING_OUT.with(|l| l.set(false));
}

/// A path into the API with its query, made only by this module's children: the shared list
/// and download components take it, so that no page spells a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiPath(String);

impl ApiPath {
    fn new(path: impl Into<String>) -> Self {
        Self(path.into())
    }

    /// The path with `key=value` added to its query, the value encoded.
    pub fn with(self, key: &str, value: &str) -> Self {
        self.with_raw(key, &enc(value))
    }

    /// The path with `key=value` added to its query as it is (numbers, dates, instants).
    pub fn with_raw(mut self, key: &str, value: &str) -> Self {
        let sep = if self.0.contains('?') { '&' } else { '?' };
        self.0.push_str(&format!("{sep}{key}={value}"));
        self
    }

    /// The path as text (for an element id, say).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// GET one page of a list.
pub async fn page<T: DeserializeOwned>(path: &ApiPath) -> Result<lumit_shared::Page<T>, ApiError> {
    get(&path.0).await
}

/// GET a file (a PDF, a CSV, a spreadsheet) as bytes.
pub async fn download(path: &ApiPath, accept: &str) -> Result<Vec<u8>, ApiError> {
    get_bytes(&path.0, accept).await
}

/// Encodes a query string value.
pub fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s)
        .as_string()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Collects the `.rs` files under a folder.
    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn only_the_api_module_knows_paths() {
        let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
        let mut files = Vec::new();
        sources(src, &mut files);
        let mut offenders: Vec<String> = files
            .iter()
            .filter(|f| !f.starts_with(src.join("api")))
            .filter(|f| {
                std::fs::read_to_string(f)
                    .expect("readable source")
                    .contains("/api/v1")
            })
            .map(|f| f.strip_prefix(src).unwrap_or(f).display().to_string())
            .collect();
        offenders.sort();
        assert!(
            offenders.is_empty(),
            "API paths outside src/api/ (call a function of src/api/ instead): {}",
            offenders.join(", ")
        );
    }
}
