//! Login, throttling, refresh rotation, deactivation, forced password change, client credentials.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_problem, token_of, TestApp, ADMIN_PASSWORD};
use crate::db_tests;

db_tests!(
    first_start_has_reference_data_and_admin_can_log_in,
    login_is_throttled_after_five_failures,
    one_password_across_many_accounts_is_refused,
    unknown_user_and_wrong_password_look_the_same,
    refresh_rotates_and_reuse_revokes_the_family,
    browser_refresh_token_travels_in_a_cookie,
    deactivation_cuts_off_tokens_at_once,
    temporary_password_must_be_changed_first,
    client_credentials_carry_scopes_and_revocation_is_immediate,
    a_flood_of_random_client_credentials_costs_nothing,
    logout_ends_the_session_at_once,
    a_session_ends_at_its_absolute_lifetime,
    an_idle_session_ends,
    an_admin_ends_every_session_of_an_account,
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

/// Answers to `n` logins sent at once from `address`, as (401s, 429s, other statuses).
async fn burst(
    app: &TestApp,
    address: &str,
    n: usize,
    body: impl Fn(usize) -> Value,
) -> (usize, usize, Vec<u16>) {
    let answers = futures_util::future::join_all(
        (0..n).map(|i| app.post_from(address, "/api/v1/auth/login", body(i))),
    )
    .await;
    let mut counts = (0, 0, Vec::new());
    for res in answers {
        match res.status().as_u16() {
            401 => counts.0 += 1,
            429 => {
                let retry: i64 = res.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=900).contains(&retry), "retry-after {retry}");
                counts.1 += 1;
            }
            other => counts.2.push(other),
        }
    }
    counts
}

async fn login_is_throttled_after_five_failures(app: TestApp) {
    // 200 wrong passwords at once from one address: each attempt is counted before its password
    // is checked, so no more than 5 get an answer (503 is the cap on checks at once, no guess).
    let wrong = |_| json!({"username": "admin", "password": "wrong password!"});
    let (unauthorized, throttled, other) = burst(&app, "203.0.113.7", 200, wrong).await;
    assert!(unauthorized <= 5, "{unauthorized} guesses");
    assert!(unauthorized >= 1, "some attempt was checked");
    assert!(other.iter().all(|s| *s == 503), "{other:?}");
    assert_eq!(unauthorized + throttled + other.len(), 200);
    // Fill the pair's quota if the cap on checks turned some away.
    for _ in unauthorized..5 {
        let res = app
            .post_from("203.0.113.7", "/api/v1/auth/login", wrong(0))
            .await;
        assert_problem(res, 401, "invalid_credentials").await;
    }
    // From that address even the right password is refused now, for the rest of the window.
    let right = json!({"username": "Admin", "password": ADMIN_PASSWORD});
    let res = app
        .post_from("203.0.113.7", "/api/v1/auth/login", right.clone())
        .await;
    assert_problem(res, 429, "too_many_attempts").await;

    // The attacker cannot lock the admin out: while the hammering goes on, the right password
    // from an address that has not failed still logs in (after a short wait).
    let hammering = burst(&app, "203.0.113.7", 50, wrong);
    let from_the_office = app.post_from("198.51.100.20", "/api/v1/auth/login", right.clone());
    let ((unauthorized, _, _), res) = tokio::join!(hammering, from_the_office);
    assert_eq!(unauthorized, 0, "no more guesses for the attacker");
    assert_eq!(res.status(), 200);

    // Unknown usernames are throttled the same way, so the limit reveals nothing.
    for _ in 0..5 {
        let res = app
            .post_from(
                "203.0.113.8",
                "/api/v1/auth/login",
                json!({"username": "nobody", "password": "x"}),
            )
            .await;
        assert_eq!(res.status(), 401);
    }
    let res = app
        .post_from(
            "203.0.113.8",
            "/api/v1/auth/login",
            json!({"username": "nobody", "password": "x"}),
        )
        .await;
    assert_problem(res, 429, "too_many_attempts").await;
}

async fn one_password_across_many_accounts_is_refused(app: TestApp) {
    // Spraying: one password, a new account each time, from one address. After 20 failures the
    // address is refused whatever the account.
    for i in 0..25 {
        let res = app
            .post_from(
                "192.0.2.50",
                "/api/v1/auth/login",
                json!({"username": format!("operator{i}"), "password": "Estate2026!"}),
            )
            .await;
        assert_eq!(res.status(), if i < 20 { 401 } else { 429 }, "attempt {i}");
    }
    let unauthorized = 20;
    let res = app
        .post_from(
            "192.0.2.50",
            "/api/v1/auth/login",
            json!({"username": "admin", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_problem(res, 429, "too_many_attempts").await;
    // The address our proxy saw is the rightmost: a client cannot pick a fresh one by sending
    // its own X-Forwarded-For in front.
    let res = app
        .post_from(
            "10.9.9.9, 192.0.2.50",
            "/api/v1/auth/login",
            json!({"username": "admin", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_problem(res, 429, "too_many_attempts").await;
    let res = app
        .post_from(
            "192.0.2.50, 192.0.2.51",
            "/api/v1/auth/login",
            json!({"username": "admin", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // The failures are in the security log with the address our proxy reported.
    let admin = app.admin().await;
    let log: Value = app
        .get("/api/v1/security-log?limit=100", &admin)
        .await
        .json()
        .await
        .unwrap();
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), unauthorized, "{log}");
    assert!(
        items.iter().all(|e| e["client_ip"] == "192.0.2.50"),
        "{log}"
    );
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
