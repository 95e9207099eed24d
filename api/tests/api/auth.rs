//! Login, throttling, refresh rotation, deactivation, forced password change, client credentials.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_problem, token_of, TestApp, ADMIN_PASSWORD};
use crate::db_tests;

db_tests!(
    first_start_has_reference_data_and_admin_can_log_in,
    login_is_throttled_after_five_failures,
    unknown_user_and_wrong_password_look_the_same,
    refresh_rotates_and_reuse_revokes_the_family,
    browser_refresh_token_travels_in_a_cookie,
    deactivation_cuts_off_tokens_at_once,
    temporary_password_must_be_changed_first,
    client_credentials_carry_scopes_and_revocation_is_immediate,
    a_change_through_one_instance_reaches_the_others,
    a_change_made_outside_the_server_reaches_it,
);

async fn first_start_has_reference_data_and_admin_can_log_in(app: TestApp) {
    // Usernames are case-insensitive.
    let login = app.login("ADMIN", ADMIN_PASSWORD).await;
    assert_eq!(login["token_type"], "Bearer");
    assert_eq!(login["expires_in"], 900);
    assert_eq!(login["user"]["role"], "admin");
    assert!(login["refresh_token"]
        .as_str()
        .is_some_and(|t| t.len() >= 40));
    let token = token_of(&login);

    let page: Value = app
        .get("/api/v1/municipalities?limit=200", &token)
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    let by_name = |n: &str| {
        items
            .iter()
            .find(|m| m["name"] == n)
            .unwrap_or_else(|| panic!("{n} missing"))
            .clone()
    };
    let unione = by_name("Unione dei Comuni della Garfagnana");
    assert_eq!(unione["kind"], "unione");
    let expected = [
        ("Camporgiano", "046006"),
        ("Careggine", "046008"),
        ("Castelnuovo di Garfagnana", "046009"),
        ("Castiglione di Garfagnana", "046010"),
        ("Fabbriche di Vergemoli", "046036"),
        ("Fosciandora", "046014"),
        ("Gallicano", "046015"),
        ("Minucciano", "046019"),
        ("Molazzana", "046020"),
        ("Piazza al Serchio", "046023"),
        ("Pieve Fosciana", "046025"),
        ("San Romano in Garfagnana", "046027"),
        ("Sillano Giuncugnano", "046037"),
        ("Villa Collemandina", "046035"),
    ];
    for (name, code) in expected {
        let m = by_name(name);
        assert_eq!(m["istat_code"], code, "{name}");
        assert_eq!(m["province_code"], "046");
        assert_eq!(
            m["member_of_id"], unione["id"],
            "{name} is a member of the Unione"
        );
    }
    assert_eq!(by_name("Camaiore")["istat_code"], "046005");
    assert_eq!(by_name("Camaiore")["member_of_id"], Value::Null);
    assert_eq!(by_name("Lucca")["istat_code"], "046017");
    assert_eq!(by_name("Prefettura di Lucca")["kind"], "prefettura");
    assert_eq!(by_name("Questura di Lucca")["kind"], "questura");
    assert_eq!(items.len(), 19);

    // Loading again is idempotent.
    let added = tokio::task::spawn_blocking({
        let db = app.db.clone();
        move || lumit_api::seed::reference_data(&db)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(added, 0);
}

async fn login_is_throttled_after_five_failures(app: TestApp) {
    for _ in 0..5 {
        let res = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "admin", "password": "wrong password!"})),
            )
            .await;
        assert_problem(res, 401, "invalid_credentials").await;
    }
    // Even the right password is refused now, with a Retry-After within the 15-minute window.
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "Admin", "password": ADMIN_PASSWORD})),
        )
        .await;
    let retry: i64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "retry-after {retry}");
    assert_problem(res, 429, "too_many_attempts").await;

    // Unknown usernames are throttled the same way, so the limit reveals nothing.
    for _ in 0..5 {
        let res = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "nobody", "password": "x"})),
            )
            .await;
        assert_eq!(res.status(), 401);
    }
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "nobody", "password": "x"})),
        )
        .await;
    assert_problem(res, 429, "too_many_attempts").await;

    // When the window has passed (failures aged in the database), logging in works again.
    app.sql(match app.backend {
        crate::common::Backend::Sqlite => {
            "UPDATE login_failures SET failed_at = datetime(failed_at, '-16 minutes')"
        }
        crate::common::Backend::Postgres => {
            "UPDATE login_failures SET failed_at = failed_at - INTERVAL '16 minutes'"
        }
    });
    app.login("admin", ADMIN_PASSWORD).await;
}

async fn unknown_user_and_wrong_password_look_the_same(app: TestApp) {
    let a = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": "nope nope nope"})),
        )
        .await;
    let b = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "ghost", "password": "nope nope nope"})),
        )
        .await;
    let a = assert_problem(a, 401, "invalid_credentials").await;
    let b = assert_problem(b, 401, "invalid_credentials").await;
    assert_eq!(a, b);
    // Both failures are in the security log; the name typed is kept only when it is an
    // account's (what was typed may be a password), and none of it enters the audit chain.
    let admin = app.admin().await;
    let log: Value = app
        .get("/api/v1/security-log", &admin)
        .await
        .json()
        .await
        .unwrap();
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{log}");
    assert!(items.iter().all(|e| e["kind"] == "login_failed"));
    assert_eq!(items[1]["account"], "admin");
    assert!(items[1]["user_id"].is_string());
    assert!(items[0]["account"].is_null() && items[0]["user_id"].is_null());
    assert!(!log.to_string().contains("ghost"));
    let chain = app
        .get("/api/v1/audit?limit=200", &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !chain.contains("ghost") && !chain.contains("login_failed"),
        "{chain}"
    );
}

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

/// Waits for the instance's caller cache to come on: a test of what it keeps proves nothing
/// while it is off.
async fn cache_is_on(app: &TestApp) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !app.db.callers().is_on() {
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
    assert!(
        !app.db.callers().is_empty(),
        "the server keeps the operator"
    );
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
    let callers = other.db.callers();
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
