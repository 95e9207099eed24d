//! Sessions: refresh rotation, the refresh cookie, deactivation, logout, lifetimes, ending them.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_problem, token_of, TestApp, ADMIN_PASSWORD};
use crate::db_tests;

db_tests!(
    refresh_rotates_and_reuse_revokes_the_family,
    browser_refresh_token_travels_in_a_cookie,
    deactivation_cuts_off_tokens_at_once,
    logout_ends_the_session_at_once,
    a_session_ends_at_its_absolute_lifetime,
    an_idle_session_ends,
    an_admin_ends_every_session_of_an_account,
);

async fn refresh_rotates_and_reuse_revokes_the_family(app: TestApp) {
    let first = app.login("admin", ADMIN_PASSWORD).await;
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |t: String| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/v1/auth/refresh",
                None,
                Some(json!({"refresh_token": t})),
            )
            .await
        }
    };
    let res = refresh(r1.clone()).await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    assert_eq!(
        app.get("/api/v1/me", &token_of(&second)).await.status(),
        200
    );

    // The old token is single use: presenting it again is theft, and the whole family dies.
    assert_problem(refresh(r1).await, 401, "invalid_refresh_token").await;
    assert_problem(refresh(r2).await, 401, "invalid_refresh_token").await;
    let admin = app.admin().await;
    let log: Value = app
        .get("/api/v1/audit?action=auth.refresh_reuse", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"].as_array().unwrap().len(), 1);

    // Logout revokes; garbage is refused.
    let other = app.login("admin", ADMIN_PASSWORD).await;
    let r3 = other["refresh_token"].as_str().unwrap().to_owned();
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({"refresh_token": r3.clone()})),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_problem(refresh(r3).await, 401, "invalid_refresh_token").await;
    assert_problem(
        refresh("garbage".into()).await,
        401,
        "invalid_refresh_token",
    )
    .await;
}

async fn browser_refresh_token_travels_in_a_cookie(app: TestApp) {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = browser
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD, "refresh_token_in_cookie": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    for part in [
        "lumit_refresh=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth",
    ] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    // Plain-http localhost: no Secure flag, or the browser would drop it.
    assert!(!cookie.contains("Secure"), "{cookie}");
    // Secure follows the configured public address, never what the client claims.
    let claims_https = app
        .http
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("x-forwarded-proto", "https")
        .header("host", "lumit.example.it")
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD, "refresh_token_in_cookie": true}))
        .send()
        .await
        .unwrap();
    let cookie = claims_https.headers()["set-cookie"].to_str().unwrap();
    assert!(!cookie.contains("Secure"), "{cookie}");
    let behind_tls = app
        .instance_with(|s| s.public_url = Some("https://lumit.example.it".into()))
        .await;
    let res = behind_tls
        .http
        .post(format!("{}/api/v1/auth/login", behind_tls.base))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD, "refresh_token_in_cookie": true}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let body: Value = res.json().await.unwrap();
    assert!(
        body.get("refresh_token").is_none(),
        "no refresh token in the body: {body}"
    );

    let res = browser
        .post(format!("{}/api/v1/auth/refresh", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert!(body["access_token"].is_string());

    let res = browser
        .post(format!("{}/api/v1/auth/logout", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = browser
        .post(format!("{}/api/v1/auth/refresh", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

async fn deactivation_cuts_off_tokens_at_once(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let (id, token) = app.user("op.gallicano", "operator", &[gallicano]).await;
    let refresh = app
        .login("op.gallicano", crate::common::USER_PASSWORD)
        .await["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get("/api/v1/me", &token).await.status(), 200);

    let admin = app.admin().await;
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);

    assert_problem(app.get("/api/v1/me", &token).await, 401, "account_inactive").await;
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "op.gallicano", "password": crate::common::USER_PASSWORD})),
        )
        .await;
    assert_problem(res, 401, "invalid_credentials").await;
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": refresh})),
        )
        .await;
    assert_problem(res, 401, "invalid_refresh_token").await;

    // Reactivated, the person can log in again.
    app.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        json!({"active": true}),
    )
    .await;
    app.login("op.gallicano", crate::common::USER_PASSWORD)
        .await;
}

async fn logout_ends_the_session_at_once(app: TestApp) {
    let elsewhere = app.admin().await;
    let login = app.login("admin", ADMIN_PASSWORD).await;
    let token = token_of(&login);
    assert_eq!(app.get("/api/v1/users", &token).await.status(), 200);
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({"refresh_token": login["refresh_token"]})),
        )
        .await;
    assert_eq!(res.status(), 204);
    // The access token, minutes from its expiry, is refused from the next request on.
    assert_problem(app.get("/api/v1/users", &token).await, 401, "session_ended").await;
    // On the other instances too.
    let other = app.another_instance().await;
    assert_problem(
        other.get("/api/v1/users", &token).await,
        401,
        "session_ended",
    )
    .await;
    // The refresh token is dead too.
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": login["refresh_token"]})),
        )
        .await;
    assert_problem(res, 401, "invalid_refresh_token").await;
    // The same account's session on another device goes on.
    assert_eq!(app.get("/api/v1/users", &elsewhere).await.status(), 200);
    assert_eq!(other.get("/api/v1/users", &elsewhere).await.status(), 200);
    // Logging in again works at once.
    let again = app.admin().await;
    assert_eq!(app.get("/api/v1/users", &again).await.status(), 200);
}

async fn a_session_ends_at_its_absolute_lifetime(app: TestApp) {
    let login = app.login("admin", ADMIN_PASSWORD).await;
    // The session's end is announced, 12 hours after the login by default.
    let ends: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(login["session_expires_at"].clone()).unwrap();
    let hours = (ends - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((11.9..=12.0).contains(&hours), "{hours}");
    let refresh = |token: Value| {
        app.call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": token})),
        )
    };
    // Refreshing keeps the session, and its end.
    let next: Value = refresh(login["refresh_token"].clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["session_expires_at"], login["session_expires_at"]);
    // Thirteen hours after the login, however active, the session is over.
    app.sql(match app.backend {
        crate::common::Backend::Sqlite => {
            "UPDATE refresh_tokens SET session_started_at = datetime(session_started_at, '-13 hours')"
        }
        crate::common::Backend::Postgres => {
            "UPDATE refresh_tokens SET session_started_at = session_started_at - INTERVAL '13 hours'"
        }
    });
    assert_problem(
        refresh(next["refresh_token"].clone()).await,
        401,
        "invalid_refresh_token",
    )
    .await;
    // An access token never outlives its session.
    let short = app
        .instance_with(|s| s.session_lifetime = std::time::Duration::from_secs(3600))
        .await;
    let login = short.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(login["expires_in"], 900);
    let short = app
        .instance_with(|s| s.session_lifetime = std::time::Duration::from_secs(60))
        .await;
    let login = short.login("admin", ADMIN_PASSWORD).await;
    let expires_in = login["expires_in"].as_i64().unwrap();
    assert!((59..=60).contains(&expires_in), "{expires_in}");
}

async fn an_idle_session_ends(app: TestApp) {
    let app = app
        .instance_with(|s| s.session_idle = std::time::Duration::from_secs(2))
        .await;
    let refresh = |token: Value| {
        app.call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": token})),
        )
    };
    // Used within the idle timeout, the session goes on past it.
    let mut token = app.login("admin", ADMIN_PASSWORD).await["refresh_token"].clone();
    for _ in 0..2 {
        tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
        let res = refresh(token).await;
        assert_eq!(res.status(), 200);
        token = res.json::<Value>().await.unwrap()["refresh_token"].clone();
    }
    // Left alone longer than that, it ends.
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    assert_problem(refresh(token).await, 401, "invalid_refresh_token").await;
}

async fn an_admin_ends_every_session_of_an_account(app: TestApp) {
    let camaiore = app.municipality("046005").await;
    let (uid, first) = app.user("laptop.perso", "operator", &[camaiore]).await;
    let second = app
        .login("laptop.perso", crate::common::USER_PASSWORD)
        .await;
    let admin = app.admin().await;
    let res = app
        .call(
            Method::POST,
            &format!("/api/v1/users/{uid}/end-sessions"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    for token in [first, token_of(&second)] {
        assert_problem(app.get("/api/v1/me", &token).await, 401, "session_ended").await;
    }
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": second["refresh_token"]})),
        )
        .await;
    assert_problem(res, 401, "invalid_refresh_token").await;
    // The admin's own session is untouched, and the account may log in again.
    assert_eq!(app.get("/api/v1/users", &admin).await.status(), 200);
    let again = app
        .login("laptop.perso", crate::common::USER_PASSWORD)
        .await;
    assert_eq!(app.get("/api/v1/me", &token_of(&again)).await.status(), 200);
    // Changing one's password ends the other sessions too.
    let other = app
        .login("laptop.perso", crate::common::USER_PASSWORD)
        .await;
    let res = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&token_of(&again)),
            Some(json!({"current_password": crate::common::USER_PASSWORD, "new_password": "una nuova password lunga"})),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_problem(
        app.get("/api/v1/me", &token_of(&other)).await,
        401,
        "session_ended",
    )
    .await;
}
