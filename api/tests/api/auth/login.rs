//! Logging in: the first start, throttling of failures, failures that reveal nothing.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_problem, token_of, TestApp, ADMIN_PASSWORD};
use crate::db_tests;

db_tests!(
    first_start_has_reference_data_and_admin_can_log_in,
    login_is_throttled_after_five_failures,
    one_password_across_many_accounts_is_refused,
    unknown_user_and_wrong_password_look_the_same,
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
