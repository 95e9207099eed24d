//! The second factor: setting it up, signing in with codes and recovery codes, replays refused,
//! roles that must use it, and an admin removing a lost one.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::common::{assert_problem, fields, token_of, TestApp, ADMIN_PASSWORD, USER_PASSWORD};
use crate::db_tests;

db_tests!(
    enrolment_login_and_replays,
    one_code_racing_in_parallel_signs_in_once,
    recovery_codes_sign_in_once_each,
    a_required_role_sets_up_its_second_factor_first,
    an_admin_removes_a_lost_second_factor,
);

/// What an authenticator app would show for `secret` at `offset` steps from now: computed with
/// the crate directly, not with the server's code.
fn app_code(secret: &str, offset: i64) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let totp = TOTP::new(Algorithm::SHA1, 6, 0, 30, bytes, None, String::new()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    totp.generate((now + offset * 30) as u64)
}

/// A code that is certainly wrong: any six digits but the codes of the accepted steps.
fn wrong_code(secret: &str) -> String {
    let taken: Vec<String> = (-1..=1).map(|o| app_code(secret, o)).collect();
    (0..)
        .map(|n: u32| format!("{:06}", n * 7919 % 1_000_000))
        .find(|c| !taken.contains(c))
        .unwrap()
}

fn login_body(username: &str, password: &str, extra: Value) -> Value {
    let mut body = json!({"username": username, "password": password});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    body
}

async fn try_login(
    app: &TestApp,
    username: &str,
    password: &str,
    extra: Value,
) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(login_body(username, password, extra)),
    )
    .await
}

/// Sets up the second factor for the holder of `token`: returns (secret, recovery codes).
/// A `POST` with an `Idempotency-Key`, as the web app sends every one.
async fn post_keyed(app: &TestApp, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.http
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Sets up a second factor as the web app does; the secret and the recovery codes, shown once,
/// must not stay behind in the answers kept for retries.
async fn enrol(app: &TestApp, token: &str) -> (String, Vec<String>) {
    let res = post_keyed(app, "/api/v1/me/totp", token, json!(null)).await;
    assert_eq!(res.status(), 200);
    let e: Value = res.json().await.unwrap();
    let secret = e["secret"].as_str().unwrap().to_owned();
    let res = post_keyed(
        app,
        "/api/v1/me/totp/confirm",
        token,
        json!({"code": app_code(&secret, 0)}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let codes: Value = res.json().await.unwrap();
    let codes: Vec<String> = codes["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    for kept in std::iter::once(&secret).chain(&codes) {
        assert_eq!(
            app.rows_containing("idempotency_keys", "body", kept),
            0,
            "{kept}"
        );
    }
    (secret, codes)
}

async fn enrolment_login_and_replays(app: TestApp) {
    let (_, token) = app.user("m.rossi", "operator", &[]).await;
    // Optional for an operator.
    let me: Value = app.get("/api/v1/me", &token).await.json().await.unwrap();
    assert_eq!(me["totp_enabled"], false);
    assert_eq!(me["totp_required"], false);
    assert_problem(
        app.post("/api/v1/me/totp/confirm", &token, json!({"code": "123456"}))
            .await,
        409,
        "no_totp_enrolment",
    )
    .await;

    let res = app.post("/api/v1/me/totp", &token, json!(null)).await;
    assert_eq!(res.status(), 200);
    let e: Value = res.json().await.unwrap();
    let secret = e["secret"].as_str().unwrap().to_owned();
    assert!(e["otpauth_url"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/LUMIT:m.rossi?secret="));
    assert!(e["qr_code"]
        .as_str()
        .unwrap()
        .starts_with("data:image/svg+xml;base64,"));
    // Until a code is confirmed, nothing changes for the login.
    assert_eq!(
        try_login(&app, "m.rossi", USER_PASSWORD, json!({}))
            .await
            .status(),
        200
    );
    // A wrong code is refused, naming the field.
    let p = assert_problem(
        app.post(
            "/api/v1/me/totp/confirm",
            &token,
            json!({"code": wrong_code(&secret)}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), vec!["code"]);
    let res = app
        .post(
            "/api/v1/me/totp/confirm",
            &token,
            json!({"code": app_code(&secret, 0)}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let codes: Value = res.json().await.unwrap();
    assert_eq!(codes["codes"].as_array().unwrap().len(), 10);
    let me: Value = app.get("/api/v1/me", &token).await.json().await.unwrap();
    assert_eq!(me["totp_enabled"], true);
    // A second set-up is refused while one is in use.
    assert_problem(
        app.post("/api/v1/me/totp", &token, json!(null)).await,
        409,
        "totp_enabled",
    )
    .await;

    // The password alone is no longer enough; the answer says what is missing.
    let p = assert_problem(
        try_login(&app, "m.rossi", USER_PASSWORD, json!({})).await,
        401,
        "totp_required",
    )
    .await;
    assert_eq!(fields(&p), vec!["totp_code"]);
    // A wrong password with a right code is still a wrong password.
    assert_problem(
        try_login(
            &app,
            "m.rossi",
            "not the password at all",
            json!({"totp_code": app_code(&secret, 1)}),
        )
        .await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_problem(
        try_login(
            &app,
            "m.rossi",
            USER_PASSWORD,
            json!({"totp_code": wrong_code(&secret)}),
        )
        .await,
        401,
        "invalid_totp",
    )
    .await;
    // The code confirmed at set-up was used: seen over a shoulder, it is worth nothing.
    assert_problem(
        try_login(
            &app,
            "m.rossi",
            USER_PASSWORD,
            json!({"totp_code": app_code(&secret, 0)}),
        )
        .await,
        401,
        "invalid_totp",
    )
    .await;
    // The next step's code (a phone's clock a little ahead) signs in, once.
    let next = app_code(&secret, 1);
    let res = try_login(&app, "m.rossi", USER_PASSWORD, json!({"totp_code": next})).await;
    assert_eq!(res.status(), 200);
    let pair: Value = res.json().await.unwrap();
    assert_eq!(pair["user"]["totp_enabled"], true);
    assert_eq!(app.get("/api/v1/me", &token_of(&pair)).await.status(), 200);
    assert_problem(
        try_login(&app, "m.rossi", USER_PASSWORD, json!({"totp_code": next})).await,
        401,
        "invalid_totp",
    )
    .await;
    // An earlier step's code is refused once a later one was used.
    assert_problem(
        try_login(
            &app,
            "m.rossi",
            USER_PASSWORD,
            json!({"totp_code": app_code(&secret, -1)}),
        )
        .await,
        401,
        "invalid_totp",
    )
    .await;
    // Wrong codes are failures in the security log, never rows of the audit chain.
    let failures: Value = app
        .get("/api/v1/security-log?limit=100", &app.admin().await)
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = failures["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    // The wrong code and the three replays.
    assert_eq!(
        kinds.iter().filter(|k| **k == "totp_failed").count(),
        4,
        "{kinds:?}"
    );
}

async fn one_code_racing_in_parallel_signs_in_once(app: TestApp) {
    let (_, token) = app.user("m.rossi", "operator", &[]).await;
    let (secret, _) = enrol(&app, &token).await;
    let code = app_code(&secret, 1);
    // Ten logins with the same fresh code at once, each from its own address (so the throttle
    // is not what stops them): the code is taken by exactly one.
    let attempts = (0..10).map(|i| {
        let body = login_body("m.rossi", USER_PASSWORD, json!({"totp_code": code}));
        let app = &app;
        async move {
            app.post_from(&format!("10.9.0.{}", i + 1), "/api/v1/auth/login", body)
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!((ok, refused), (1, 9), "{statuses:?}");
}

async fn recovery_codes_sign_in_once_each(app: TestApp) {
    let (_, token) = app.user("m.rossi", "operator", &[]).await;
    let (_, codes) = enrol(&app, &token).await;
    // Typed as people type them: capitals, spaces for dashes.
    let typed = codes[0].replace('-', " ").to_uppercase();
    let res = try_login(
        &app,
        "m.rossi",
        USER_PASSWORD,
        json!({"recovery_code": typed}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_problem(
        try_login(
            &app,
            "m.rossi",
            USER_PASSWORD,
            json!({"recovery_code": codes[0]}),
        )
        .await,
        401,
        "invalid_totp",
    )
    .await;
    assert_problem(
        try_login(
            &app,
            "m.rossi",
            USER_PASSWORD,
            json!({"recovery_code": "aaaa-bbbb-cccc"}),
        )
        .await,
        401,
        "invalid_totp",
    )
    .await;
    // Another code still works; the use is in the audit log.
    let res = try_login(
        &app,
        "m.rossi",
        USER_PASSWORD,
        json!({"recovery_code": codes[9]}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let audit: Value = app
        .get(
            "/api/v1/audit?action=auth.recovery_code_used&limit=10",
            &app.admin().await,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");
}

async fn a_required_role_sets_up_its_second_factor_first(app: TestApp) {
    // An instance where admins must use a second factor (same database).
    let strict = app
        .instance_with(|s| s.totp_required_roles = vec![lumit_shared::user::Role::Admin])
        .await;
    let pair = strict.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(pair["user"]["totp_required"], true);
    assert_eq!(pair["user"]["totp_enabled"], false);
    let token = token_of(&pair);
    // Nothing but the set-up (and the account itself) until it is done.
    assert_problem(
        strict.get("/api/v1/users", &token).await,
        403,
        "totp_enrolment_required",
    )
    .await;
    assert_problem(
        strict.get("/api/v1/cases", &token).await,
        403,
        "totp_enrolment_required",
    )
    .await;
    assert_eq!(strict.get("/api/v1/me", &token).await.status(), 200);
    // Other roles go on as before.
    let (_, operator) = app.user("m.rossi", "operator", &[]).await;
    assert_eq!(strict.get("/api/v1/cases", &operator).await.status(), 200);

    let (secret, _) = enrol(&strict, &token).await;
    // The same session goes on, now with everything open.
    assert_eq!(strict.get("/api/v1/users", &token).await.status(), 200);
    assert_problem(
        try_login(&strict, "admin", ADMIN_PASSWORD, json!({})).await,
        401,
        "totp_required",
    )
    .await;
    let res = try_login(
        &strict,
        "admin",
        ADMIN_PASSWORD,
        json!({"totp_code": app_code(&secret, 1)}),
    )
    .await;
    assert_eq!(res.status(), 200);
}

async fn an_admin_removes_a_lost_second_factor(app: TestApp) {
    let (id, token) = app.user("m.rossi", "operator", &[]).await;
    let (secret, codes) = enrol(&app, &token).await;
    let path = format!("/api/v1/users/{id}/totp");
    // The first line of the handler: anonymous 401, the account itself 403.
    assert_eq!(
        app.call(Method::DELETE, &path, None, None).await.status(),
        401
    );
    assert_problem(
        app.call(Method::DELETE, &path, Some(&token), None).await,
        403,
        "forbidden",
    )
    .await;
    let admin = app.admin().await;
    let res = app.call(Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!(res.status(), 204);
    // Its sessions ended at once; the app's codes and the recovery codes are worth nothing.
    assert_problem(app.get("/api/v1/me", &token).await, 401, "session_ended").await;
    let res = try_login(
        &app,
        "m.rossi",
        USER_PASSWORD,
        json!({"recovery_code": codes[0]}),
    )
    .await;
    // No second factor now: the password alone signs in, whatever else is sent.
    assert_eq!(res.status(), 200);
    let pair: Value = res.json().await.unwrap();
    assert_eq!(pair["user"]["totp_enabled"], false);
    // It can be set up again with a new secret.
    let (again, _) = enrol(&app, &token_of(&pair)).await;
    assert_ne!(again, secret);
    // Removing what is not there is a 404; the removal is in the audit log.
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&admin), None)
            .await
            .status(),
        204
    );
    assert_problem(
        app.call(Method::DELETE, &path, Some(&admin), None).await,
        404,
        "not_found",
    )
    .await;
    let audit: Value = app
        .get("/api/v1/audit?action=user.totp_reset&limit=10", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");
}
