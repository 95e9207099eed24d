//! Webhooks: subscriptions, signed deliveries with retries, the delivery log, and who may do
//! what. A receiver the test starts ([`receiver`]) records what arrives.

mod access;
mod delivery;
mod events;
mod receiver;
mod reliability;

use std::time::{Duration, Instant};

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::common::TestApp;
use receiver::Hit;

/// The Standard Webhooks check, written here from the specification: some `v1,` signature of
/// `webhook-signature` is base64 of HMAC-SHA256 over `{id}.{timestamp}.{body}`, keyed with the
/// bytes of the secret's base64 part.
pub fn signed_by(secret: &str, hit: &Hit) -> bool {
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .expect("base64 after whsec_");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
    mac.update(
        format!(
            "{}.{}.{}",
            hit.id(),
            hit.header("webhook-timestamp"),
            hit.body
        )
        .as_bytes(),
    );
    let expected = mac.finalize().into_bytes();
    hit.header("webhook-signature").split(' ').any(|sig| {
        sig.strip_prefix("v1,")
            .and_then(|s| b64.decode(s).ok())
            .is_some_and(|got| got.as_slice() == &expected[..])
    })
}

/// Subscribes `url` to event types; panics unless 201. Returns the answer (with its secret).
pub async fn subscribe(app: &TestApp, token: &str, url: &str, types: &[&str]) -> Value {
    let res = app
        .post(
            "/api/v1/webhooks",
            token,
            json!({"url": url, "event_types": types, "description": "Protocollo"}),
        )
        .await;
    assert_eq!(res.status(), 201, "subscribe {url} to {types:?}");
    res.json().await.unwrap()
}

/// Registers a person and opens a case for them in a municipality; returns the case's id.
pub async fn open_case(app: &TestApp, token: &str, municipality: &str) -> String {
    let person: Value = app
        .post(
            "/api/v1/people",
            token,
            json!({"first_name": "Amina", "last_name": "Diallo", "municipality_id": municipality, "confirm_new": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            "/api/v1/cases",
            token,
            json!({"person_id": person["id"], "municipality_id": municipality, "category_id": "other", "summary": "Informazioni sul permesso"}),
        )
        .await;
    assert_eq!(res.status(), 201, "open a case");
    let case: Value = res.json().await.unwrap();
    case["id"].as_str().unwrap().to_owned()
}

/// Moves a case; panics unless 200.
pub async fn transition(app: &TestApp, token: &str, case: &str, to: &str) {
    let res = app
        .post(
            &format!("/api/v1/cases/{case}/transitions"),
            token,
            json!({"to": to}),
        )
        .await;
    assert_eq!(res.status(), 200, "move {case} to {to}");
}

/// A subscription's delivery log (first page, newest first).
pub async fn deliveries(app: &TestApp, token: &str, hook: &str) -> Vec<Value> {
    let page = app
        .get_json(
            &format!("/api/v1/webhooks/{hook}/deliveries?limit=200"),
            token,
        )
        .await;
    page["items"].as_array().unwrap().clone()
}

/// Waits (up to `secs`) until the log satisfies `done`, and returns it.
pub async fn wait_log(
    app: &TestApp,
    token: &str,
    hook: &str,
    secs: u64,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        let log = deliveries(app, token, hook).await;
        if done(&log) || Instant::now() > end {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An API client's access token.
pub async fn client_token(app: &TestApp, municipality: &str, scopes: &[&str]) -> (String, String) {
    let (row, id, secret) = app.api_client(municipality, scopes).await;
    let tok: Value = app.client_token(&id, &secret).await.json().await.unwrap();
    (row, tok["access_token"].as_str().unwrap().to_owned())
}
