//! API clients: client credentials with scopes, immediate revocation, a flood of guesses.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_problem, TestApp};
use crate::db_tests;

db_tests!(
    client_credentials_carry_scopes_and_revocation_is_immediate,
    a_flood_of_random_client_credentials_costs_nothing,
);

async fn client_credentials_carry_scopes_and_revocation_is_immediate(app: TestApp) {
    let camaiore = app.municipality("046005").await;
    let (id, client_id, secret) = app
        .api_client(&camaiore, &["municipalities:read", "desks:read"])
        .await;

    // Form-encoded, JSON, and HTTP Basic all work.
    let res = app.client_token(&client_id, &secret).await;
    assert_eq!(res.status(), 200);
    let tok: Value = res.json().await.unwrap();
    assert_eq!(tok["token_type"], "Bearer");
    assert_eq!(tok["scope"], "municipalities:read desks:read");
    let token = tok["access_token"].as_str().unwrap().to_owned();
    let res = app
        .call(Method::POST, "/api/v1/auth/token", None,
              Some(json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": "desks:read"})))
        .await;
    let narrow: Value = res.json().await.unwrap();
    assert_eq!(narrow["scope"], "desks:read");
    let res = app
        .http
        .post(format!("{}/api/v1/auth/token", app.base))
        .basic_auth(&client_id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // The scopes decide: municipalities yes; accounts never; a narrowed token not beyond its scope.
    assert_eq!(
        app.get("/api/v1/municipalities", &token).await.status(),
        200
    );
    assert_problem(
        app.get("/api/v1/users", &token).await,
        403,
        "insufficient_scope",
    )
    .await;
    assert_problem(
        app.get(
            "/api/v1/municipalities",
            narrow["access_token"].as_str().unwrap(),
        )
        .await,
        403,
        "insufficient_scope",
    )
    .await;

    // Errors: wrong secret, unknown grant, a scope the client does not hold.
    assert_problem(
        app.client_token(&client_id, "wrong").await,
        401,
        "invalid_client",
    )
    .await;
    let res = app
        .http
        .post(format!("{}/api/v1/auth/token", app.base))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "unsupported_grant_type").await;
    let res = app
        .http
        .post(format!("{}/api/v1/auth/token", app.base))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
            ("scope", "cases:write"),
        ])
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "scope");

    // Revoked: the token already issued stops working, and no new one is given.
    let admin = app.admin().await;
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-clients/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get("/api/v1/municipalities", &token).await,
        401,
        "invalid_token",
    )
    .await;
    assert_problem(
        app.client_token(&client_id, &secret).await,
        401,
        "invalid_client",
    )
    .await;
    let listed: Value = app
        .get("/api/v1/api-clients?include_revoked=true", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["revoked"], true);
    assert!(listed["items"][0].get("client_secret").is_none());
    let active: Value = app
        .get("/api/v1/api-clients", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(active["items"].as_array().unwrap().len(), 0);
}

async fn a_flood_of_random_client_credentials_costs_nothing(app: TestApp) {
    let camaiore = app.municipality("046005").await;
    let (_, client_id, secret) = app.api_client(&camaiore, &["municipalities:read"]).await;
    let admin = app.admin().await;
    let audit_before: Value = app
        .get("/api/v1/audit?limit=200", &admin)
        .await
        .json()
        .await
        .unwrap();

    // 500 random client credentials at once from 5 addresses, while staff work goes on.
    let flood = futures_util::future::join_all((0..500).map(|i| {
        app.http
            .post(format!("{}/api/v1/auth/token", app.base))
            .header("x-forwarded-for", format!("198.18.0.{}", i % 5))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", &uuid::Uuid::new_v4().to_string()),
                ("client_secret", "guess"),
            ])
            .send()
    }));
    let write = app.post(
        "/api/v1/users",
        &admin,
        json!({"username": "nuovo", "full_name": "Nuovo Operatore", "role": "operator",
               "municipality_ids": [camaiore], "password": "temporary password 1"}),
    );
    let (answers, written) = tokio::join!(flood, write);
    assert_eq!(
        written.status(),
        201,
        "a legitimate write goes through the flood"
    );
    let mut unauthorized = 0;
    for res in answers {
        match res.unwrap().status().as_u16() {
            401 => unauthorized += 1,
            429 => {}
            other => panic!("status {other}"),
        }
    }
    // Each address gets 20 failures; everything after is refused before touching the database.
    assert!(unauthorized <= 100, "{unauthorized} checked");
    assert!(unauthorized >= 5, "{unauthorized} checked");

    // The audit chain got the staff write and nothing from the flood.
    let audit_after: Value = app
        .get("/api/v1/audit?limit=200", &admin)
        .await
        .json()
        .await
        .unwrap();
    let (before, after) = (
        audit_before["items"].as_array().unwrap(),
        audit_after["items"].as_array().unwrap(),
    );
    let new: Vec<&Value> = after.iter().filter(|e| !before.contains(e)).collect();
    assert!(
        new.iter().all(|e| e["action"] != "auth.token_failed"),
        "{new:?}"
    );
    assert_eq!(new.len(), 1, "{new:?}");
    // The partner's own system, from its own address, is not held up.
    let res = app
        .http
        .post(format!("{}/api/v1/auth/token", app.base))
        .header("x-forwarded-for", "198.18.1.1")
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}
