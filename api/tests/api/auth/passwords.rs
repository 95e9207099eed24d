//! Passwords: temporary ones must be changed first; the first admin's printed one works once.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_problem, token_of, TestApp};
use crate::db_tests;

db_tests!(temporary_password_must_be_changed_first);

async fn temporary_password_must_be_changed_first(app: TestApp) {
    let admin = app.admin().await;
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "m.rossi", "full_name": "Maria Rossi", "role": "coordinator"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let temp = created["temporary_password"].as_str().unwrap().to_owned();
    assert!(temp.len() >= 12);
    assert_eq!(created["user"]["must_change_password"], true);

    let login = app.login("m.rossi", &temp).await;
    assert_eq!(login["user"]["must_change_password"], true);
    let token = token_of(&login);
    assert_problem(
        app.get("/api/v1/municipalities", &token).await,
        403,
        "password_change_required",
    )
    .await;
    assert_eq!(app.get("/api/v1/me", &token).await.status(), 200);

    // Wrong current password, too short, same as current: each names the field.
    let put = |body: Value| app.call(Method::PUT, "/api/v1/me/password", Some(&token), Some(body));
    let p = assert_problem(
        put(json!({"current_password": "wrong", "new_password": "a brand new password"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "current_password");
    let p = assert_problem(
        put(json!({"current_password": temp, "new_password": "short"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "new_password");
    let p = assert_problem(
        put(json!({"current_password": temp, "new_password": temp})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "same_as_current");

    assert_eq!(
        put(json!({"current_password": temp, "new_password": "a brand new password"}))
            .await
            .status(),
        204
    );
    let token = token_of(&app.login("m.rossi", "a brand new password").await);
    assert_eq!(
        app.get("/api/v1/municipalities", &token).await.status(),
        200
    );

    // An admin reset gives a one-time password and forces the change again.
    let id = created["user"]["id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/api/v1/users/{id}/password-reset"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let reset: Value = res.json().await.unwrap();
    let temp2 = reset["temporary_password"].as_str().unwrap();
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "m.rossi", "password": "a brand new password"})),
        )
        .await;
    assert_eq!(res.status(), 401);
    let token = token_of(&app.login("m.rossi", temp2).await);
    assert_problem(
        app.get("/api/v1/users", &token).await,
        403,
        "password_change_required",
    )
    .await;
}

/// The first admin's password, printed at the first start when none is configured.
async fn the_printed_password_works_once(app: TestApp) {
    let printed = app
        .printed_password
        .clone()
        .expect("a password was printed");
    let login = app.login("admin", &printed).await;
    assert_eq!(login["user"]["must_change_password"], true);
    let first = token_of(&login);
    assert_problem(
        app.get("/api/v1/users", &first).await,
        403,
        "password_change_required",
    )
    .await;
    let res = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&first),
            Some(json!({"current_password": printed, "new_password": "la mia password segreta"})),
        )
        .await;
    assert_eq!(res.status(), 204);
    let mine = token_of(&app.login("admin", "la mia password segreta").await);
    assert_eq!(app.get("/api/v1/users", &mine).await.status(), 200);
}

mod the_printed_password_works_once {
    use crate::common::{Backend, TestApp};

    async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |s| s.admin_password = None).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::the_printed_password_works_once(spawn(Backend::Sqlite).await).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::the_printed_password_works_once(spawn(Backend::Postgres).await).await
    }
}
