//! Staff accounts: creation, listing, the last admin rule, the command line.

use serde_json::{json, Value};

use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    accounts_are_listed_and_filtered,
    last_active_admin_is_kept,
    unknown_municipalities_are_refused,
    cli_creates_an_admin
);

async fn accounts_are_listed_and_filtered(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    app.user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    app.user(
        "ref.camaiore",
        "municipal_officer",
        std::slice::from_ref(&camaiore),
    )
    .await;
    let admin = app.admin().await;
    let names = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = names(app.get("/api/v1/users", &admin).await.json().await.unwrap());
    assert_eq!(all, ["admin", "op.gallicano", "ref.camaiore"]);
    let ops = names(
        app.get("/api/v1/users?role=operator", &admin)
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(ops, ["op.gallicano"]);
    let here = names(
        app.get(&format!("/api/v1/users?municipality_id={camaiore}"), &admin)
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(here, ["ref.camaiore"]);
    let found = names(
        app.get("/api/v1/users?q=CAMAIORE", &admin)
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(found, ["ref.camaiore"]);
    let u: Value = app
        .get("/api/v1/users?role=operator", &admin)
        .await
        .json()
        .await
        .unwrap();
    let keys: Vec<&String> = u["items"][0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "active",
            "email",
            "full_name",
            "id",
            "municipality_ids",
            "must_change_password",
            "role",
            "totp_enabled",
            "totp_required",
            "username"
        ]
    );
    assert_eq!(u["items"][0]["municipality_ids"], json!([gallicano]));
}

async fn last_active_admin_is_kept(app: TestApp) {
    let admin = app.admin().await;
    let me: Value = app.get("/api/v1/me", &admin).await.json().await.unwrap();
    let url = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
    assert_problem(
        app.patch(&url, &admin, json!({"active": false})).await,
        409,
        "last_admin",
    )
    .await;
    assert_problem(
        app.patch(&url, &admin, json!({"role": "coordinator"}))
            .await,
        409,
        "last_admin",
    )
    .await;
    // With a second admin, the first may step down.
    app.user("admin2", "admin", &[]).await;
    let res = app
        .patch(&url, &admin, json!({"role": "coordinator"}))
        .await;
    assert_eq!(res.status(), 200);
}

async fn unknown_municipalities_are_refused(app: TestApp) {
    let admin = app.admin().await;
    let res = app
        .post("/api/v1/users", &admin, json!({"username": "x.y", "full_name": "X Y", "role": "operator", "municipality_ids": ["nope"]}))
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["municipality_ids[0]"]);
    // Nothing was created.
    let all: Value = app.get("/api/v1/users", &admin).await.json().await.unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
}

async fn cli_creates_an_admin(app: TestApp) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        lumit_api::seed::create_admin(
            &db,
            "it.prefettura",
            "IT Prefettura",
            "a long enough password",
            false,
        )
    })
    .await
    .unwrap()
    .unwrap();
    let login = app.login("it.prefettura", "a long enough password").await;
    assert_eq!(login["user"]["role"], "admin");
    let db = app.db.clone();
    let err = tokio::task::spawn_blocking(move || {
        lumit_api::seed::create_admin(&db, "IT.Prefettura", "x", "a long enough password", false)
    })
    .await
    .unwrap()
    .unwrap_err();
    assert!(err.to_string().contains("taken"), "{err}");
}
