//! Who may subscribe to what, and where deliveries may go: admins every subscription and event;
//! an API client its own subscriptions, for events of its municipality its scopes can read; no
//! private address unless the server allows it.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::receiver::Receiver;
use super::{client_token, open_case, subscribe, wait_log};
use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    private_addresses_are_refused,
    client_subscriptions_reach_their_municipality_and_scopes,
    only_admins_and_clients_with_the_scope_manage_subscriptions,
);

async fn private_addresses_are_refused(app: TestApp) {
    // A server as deployed: private receivers not allowed.
    let app = TestApp::spawn_with(app.backend, |s| s.webhooks.allow_private = false).await;
    let admin = app.admin().await;
    for (url, code) in [
        ("https://127.0.0.1/hook", "private_address"),
        ("https://10.0.0.1/hook", "private_address"),
        ("https://[::1]:8443/hook", "private_address"),
        (
            "https://169.254.169.254/latest/meta-data",
            "private_address",
        ),
        ("http://hooks.example.org/hook", "https_required"),
    ] {
        let res = app
            .post(
                "/api/v1/webhooks",
                &admin,
                json!({"url": url, "event_types": ["case.created"]}),
            )
            .await;
        let p = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(p["errors"][0]["field"], "url", "{url}: {p}");
        assert_eq!(p["errors"][0]["code"], code, "{url}: {p}");
    }
    // A name is resolved when sending, and refused when it points at a local address: the
    // receiver on loopback never sees a connection.
    let receiver = Receiver::start().await;
    let url = format!("https://localhost:{}/hook", receiver.port);
    let hook = subscribe(&app, &admin, &url, &["case.created"]).await;
    let hook_id = hook["id"].as_str().unwrap();
    let res = app
        .patch(
            &format!("/api/v1/webhooks/{hook_id}"),
            &admin,
            json!({"url": "https://192.168.1.20/hook"}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["url"]);
    let gallicano = app.municipality("046015").await;
    open_case(&app, &admin, &gallicano).await;
    let log = wait_log(&app, &admin, hook_id, 10, |l| {
        l.first().is_some_and(|d| d["last_error"].is_string())
    })
    .await;
    let error = log[0]["last_error"].as_str().unwrap_or_default();
    assert!(
        error.contains("localhost resolves to")
            && (error.contains("127.0.0.1") || error.contains("::1")),
        "{error}"
    );
    // An address written in a stored URL is checked again before sending.
    app.sql(&format!(
        "UPDATE webhooks SET url = 'https://127.0.0.1:{}/hook' WHERE id = '{hook_id}'",
        receiver.port
    ));
    let case = open_case(&app, &admin, &gallicano).await;
    let log = wait_log(&app, &admin, hook_id, 10, |l| {
        l.iter()
            .any(|d| d["resource_id"] == case.as_str() && d["last_error"].is_string())
    })
    .await;
    let d = log
        .iter()
        .find(|d| d["resource_id"] == case.as_str())
        .unwrap();
    let error = d["last_error"].as_str().unwrap();
    assert!(error.contains("127.0.0.1"), "{error}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(receiver.hits().is_empty(), "{:?}", receiver.hits());
}

async fn client_subscriptions_reach_their_municipality_and_scopes(app: TestApp) {
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let unione = app.municipality("Unione dei Comuni della Garfagnana").await;
    let (client_row, token) =
        client_token(&app, &gallicano, &["cases:read", "webhooks:manage"]).await;
    let (mine, everything) = (Receiver::start().await, Receiver::start().await);

    // Only what its scopes read: each other type named.
    let res = app
        .post(
            "/api/v1/webhooks",
            &token,
            json!({"url": mine.url(), "event_types": ["case.created", "request.submitted", "training.course_created"]}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["event_types[1]", "event_types[2]"]);
    assert_eq!(p["errors"][0]["code"], "insufficient_scope");
    let hook = subscribe(
        &app,
        &token,
        &mine.url(),
        &["case.created", "case.status_changed"],
    )
    .await;
    let hook_id = hook["id"].as_str().unwrap().to_owned();
    assert_eq!(hook["api_client_id"], client_row.as_str());
    let res = app
        .patch(
            &format!("/api/v1/webhooks/{hook_id}"),
            &token,
            json!({"event_types": ["report.frozen"]}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["event_types[0]"]);
    let admins = subscribe(&app, &admin, &everything.url(), &["case.created"]).await;
    let admins = admins["id"].as_str().unwrap();

    // Its own subscriptions only; an admin's is not there for it.
    let listed = app.get_json("/api/v1/webhooks", &token).await;
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [hook_id.as_str()]);
    let listed = app.get_json("/api/v1/webhooks", &admin).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    for (method, path) in [
        (Method::GET, format!("/api/v1/webhooks/{admins}")),
        (Method::PATCH, format!("/api/v1/webhooks/{admins}")),
        (Method::DELETE, format!("/api/v1/webhooks/{admins}")),
        (Method::POST, format!("/api/v1/webhooks/{admins}/secret")),
        (Method::GET, format!("/api/v1/webhooks/{admins}/deliveries")),
    ] {
        let body = (method == Method::PATCH).then(|| json!({"enabled": false}));
        let res = app.call(method.clone(), &path, Some(&token), body).await;
        assert_eq!(res.status(), 404, "{method} {path}");
    }

    // Events of its municipality only; the admin's subscription hears of every one.
    let own = open_case(&app, &admin, &gallicano).await;
    open_case(&app, &admin, &camaiore).await;
    assert_eq!(everything.wait_for(2, 10).await.len(), 2);
    let got = mine.wait_for(1, 10).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mine.hits().len(), 1, "{got:?}");
    assert_eq!(got[0].json()["data"]["id"], own.as_str());

    // An Unione's client hears of its members.
    let (_, unione_token) = client_token(&app, &unione, &["cases:read", "webhooks:manage"]).await;
    let members = Receiver::start().await;
    subscribe(&app, &unione_token, &members.url(), &["case.created"]).await;
    let member_case = open_case(&app, &admin, &gallicano).await;
    open_case(&app, &admin, &camaiore).await;
    let got = members.wait_for(1, 10).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(members.hits().len(), 1);
    assert_eq!(got[0].json()["data"]["id"], member_case.as_str());
    assert_eq!(mine.wait_for(2, 10).await.len(), 2);

    // Without the scope that reads cases, or revoked, a client hears nothing more.
    let queued = |app: &TestApp| app.rows_containing("webhook_deliveries", "webhook_id", &hook_id);
    assert_eq!(queued(&app), 2);
    app.sql(&format!(
        "UPDATE api_clients SET scopes = 'webhooks:manage' WHERE id = '{client_row}'"
    ));
    open_case(&app, &admin, &gallicano).await;
    assert_eq!(queued(&app), 2);
    app.sql(&format!(
        "UPDATE api_clients SET scopes = 'cases:read webhooks:manage' WHERE id = '{client_row}'"
    ));
    open_case(&app, &admin, &gallicano).await;
    assert_eq!(queued(&app), 3);
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-clients/{client_row}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    open_case(&app, &admin, &gallicano).await;
    assert_eq!(queued(&app), 3);
}

async fn only_admins_and_clients_with_the_scope_manage_subscriptions(app: TestApp) {
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let (_, operator) = app
        .user("operator", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, coordinator) = app.user("coordinator", "coordinator", &[]).await;
    let (_, reader) = client_token(&app, &gallicano, &["cases:read"]).await;
    let body = json!({"url": "https://hooks.example.org/lumit", "event_types": ["case.created"]});
    let res = app.call(Method::GET, "/api/v1/webhooks", None, None).await;
    assert_problem(res, 401, "unauthenticated").await;
    let res = app
        .call(Method::POST, "/api/v1/webhooks", None, Some(body.clone()))
        .await;
    assert_eq!(res.status(), 401);
    for token in [&operator, &coordinator] {
        let res = app.post("/api/v1/webhooks", token, body.clone()).await;
        assert_problem(res, 403, "forbidden").await;
        assert_eq!(app.get("/api/v1/webhooks", token).await.status(), 403);
    }
    let res = app.post("/api/v1/webhooks", &reader, body.clone()).await;
    assert_problem(res, 403, "insufficient_scope").await;
    let created: Value = app
        .post("/api/v1/webhooks", &admin, body)
        .await
        .json()
        .await
        .unwrap();
    assert!(created["api_client_id"].is_null(), "{created}");
    let res = app
        .get(
            &format!("/api/v1/webhooks/{}", created["id"].as_str().unwrap()),
            &operator,
        )
        .await;
    assert_eq!(res.status(), 403);
    // Unknown fields and types are named.
    let res = app
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": "https://hooks.example.org/x", "event_types": ["case.deleted"]}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["event_types[0]"]);
    let res = app
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": "https://hooks.example.org/x", "event_types": ["case.created"], "secret": "mine"}),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
}
