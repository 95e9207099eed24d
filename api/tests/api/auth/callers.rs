//! The callers an instance keeps: a change made elsewhere (another instance, the database) reaches it.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_problem, token_of, TestApp};
use crate::db_tests;

db_tests!(
    a_change_through_one_instance_reaches_the_others,
    a_change_made_outside_the_server_reaches_it,
);

/// Waits for the instance's caller cache to come on: a test of what it keeps proves nothing
/// while it is off.
async fn cache_is_on(app: &TestApp) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !app.callers.is_on() {
        assert!(
            std::time::Instant::now() < deadline,
            "the caller cache never came on"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// A change made outside the server, as by the `lumit` command line (another process) or by hand
/// in the database, reaches the callers it keeps.
async fn a_change_made_outside_the_server_reaches_it(app: TestApp) {
    cache_is_on(&app).await;
    let gallicano = app.municipality("046015").await;
    let (id, token) = app.user("op.gallicano", "operator", &[gallicano]).await;
    assert_eq!(app.get("/api/v1/me", &token).await.status(), 200);
    assert!(!app.callers.is_empty(), "the server keeps the operator");
    // Straight to the database, not through the server: nothing in the process hears of it.
    app.sql(&format!(
        "UPDATE users SET active = FALSE WHERE id = '{id}'"
    ));
    eventually(&app, "/api/v1/me", &token, 401).await;
    assert_problem(app.get("/api/v1/me", &token).await, 401, "account_inactive").await;
}

/// Asks until the answer has `status` (a change reaches another instance when its listener hears
/// of it, a hundredth of a second later); fails after two seconds.
async fn eventually(app: &TestApp, path: &str, token: &str, status: u16) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let got = app.get(path, token).await.status().as_u16();
        if got == status {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} still answers {got}, not {status}, on the other instance"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// Two instances on one database, as behind a balancer: each keeps the callers it has seen, and
/// a change made through one reaches the other — a municipality added, an account deactivated,
/// a client revoked.
async fn a_change_through_one_instance_reaches_the_others(app: TestApp) {
    let other = app.another_instance().await;
    let callers = other.callers.clone();
    cache_is_on(&other).await;
    let gallicano = app.municipality("046015").await;
    let lucca = app.municipality("046017").await;
    let (id, token) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let person: Value = app
        .post(
            "/api/v1/people",
            &coord,
            json!({"first_name": "Lin", "last_name": "Chen", "birth_date": "1988-02-01", "sex": "F", "citizenship": "CN",
                   "municipality_id": lucca}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/people/{}", person["id"].as_str().unwrap());
    assert_eq!(other.get(&path, &token).await.status(), 404);
    assert_eq!(other.get("/api/v1/me", &token).await.status(), 200);
    assert!(!callers.is_empty(), "the other instance keeps the operator");

    let admin = app.admin().await;
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            json!({"municipality_ids": [gallicano, lucca]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    eventually(&other, &path, &token, 200).await;

    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    eventually(&other, "/api/v1/me", &token, 401).await;
    assert_problem(
        other.get("/api/v1/me", &token).await,
        401,
        "account_inactive",
    )
    .await;

    let (client, client_id, secret) = app.api_client(&gallicano, &["cases:read"]).await;
    let v: Value = app
        .client_token(&client_id, &secret)
        .await
        .json()
        .await
        .unwrap();
    let client_token = token_of(&v);
    assert_eq!(
        other.get("/api/v1/cases", &client_token).await.status(),
        200
    );
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-clients/{client}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    eventually(&other, "/api/v1/cases", &client_token, 401).await;
}
