//! The API conventions every endpoint follows: problem+json for every error, request ids,
//! pagination, ETags.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_problem, fields, Backend, TestApp};
use crate::db_tests;

db_tests!(
    framework_errors_are_problems,
    body_errors_are_problems_naming_the_field,
    stale_writes_get_412,
    conflicts_get_409_naming_the_field,
    request_ids_are_echoed,
    lists_paginate_with_cursors,
    server_errors_never_leak_causes,
    nul_characters_in_the_address_are_refused,
    nul_characters_in_bodies_are_refused,
);

// PostgreSQL refuses a NUL in any text value: in a path or query string it is the caller's
// mistake, a 400 naming the parameter, on both databases alike.
async fn nul_characters_in_the_address_are_refused(app: TestApp) {
    let admin = app.admin().await;
    let p = assert_problem(
        app.get("/api/v1/cases?status=open&q=a%00b", &admin).await,
        400,
        "invalid_characters",
    )
    .await;
    assert_eq!(fields(&p), ["q"]);
    let p = assert_problem(
        app.get("/api/v1/cases/a%00b", &admin).await,
        400,
        "invalid_characters",
    )
    .await;
    assert_eq!(fields(&p), ["path"]);
    let p = assert_problem(
        app.get("/api/v1/people?q=%00", &admin).await,
        400,
        "invalid_characters",
    )
    .await;
    assert_eq!(fields(&p), ["q"]);
    // An encoded percent sign followed by "00" is not a NUL.
    assert_eq!(
        app.get("/api/v1/people?q=%2500", &admin).await.status(),
        200
    );
}

// The same in a JSON or form body: a 422 naming the field, and nothing written.
async fn nul_characters_in_bodies_are_refused(app: TestApp) {
    let admin = app.admin().await;
    let count = || async {
        let page: Value = app
            .get("/api/v1/municipalities?limit=200", &admin)
            .await
            .json()
            .await
            .unwrap();
        page["items"].as_array().unwrap().len()
    };
    let before = count().await;
    let p = assert_problem(
        app.post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": "Uff\u{0}icio", "kind": "other"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["name"]);
    assert_eq!(p["errors"][0]["code"], "invalid_characters");
    assert_eq!(count().await, before);
    // A backslash followed by "u0000" is text, not a NUL.
    let res = app
        .post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": "Ufficio \\u0000", "kind": "other"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .http
        .post(format!("{}/api/v1/auth/token", app.base))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "a\0b"),
            ("client_secret", "x"),
        ])
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["client_id"]);
}

async fn framework_errors_are_problems(app: TestApp) {
    let admin = app.admin().await;
    assert_problem(
        app.get("/api/v1/nothing-here", &admin).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.call(Method::GET, "/api/nothing", None, None).await,
        404,
        "not_found",
    )
    .await;
    let res = app
        .call(Method::DELETE, "/api/v1/municipalities", Some(&admin), None)
        .await;
    assert_eq!(res.headers()["allow"], "GET, POST");
    assert_problem(res, 405, "method_not_allowed").await;
    assert_problem(
        app.get("/api/v1/municipalities/no-such-id", &admin).await,
        404,
        "not_found",
    )
    .await;
    // No token, a malformed token, a token signed with another key.
    let res = app
        .call(Method::GET, "/api/v1/municipalities", None, None)
        .await;
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_problem(res, 401, "unauthenticated").await;
    assert_problem(
        app.get("/api/v1/municipalities", "not.a.jwt").await,
        401,
        "invalid_token",
    )
    .await;
    let forged = lumit_api::auth::jwt::JwtKeys::new("another secret that is long enough!!")
        .issue("someone", "user", Some("admin"), None, None)
        .unwrap()
        .0;
    assert_problem(
        app.get("/api/v1/municipalities", &forged).await,
        401,
        "invalid_token",
    )
    .await;
}

async fn body_errors_are_problems_naming_the_field(app: TestApp) {
    let admin = app.admin().await;
    let url = format!("{}/api/v1/municipalities", app.base);
    // Malformed JSON: 400 saying where.
    let res = app
        .http
        .post(&url)
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 400, "malformed_json").await;
    assert!(p["detail"].as_str().unwrap().contains("line 1"), "{p}");
    // Wrong content type: 415.
    let res = app
        .http
        .post(&url)
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported_media_type").await;
    // Over the limit: 413, nothing created.
    let huge = json!({"name": "x".repeat(300 * 1024), "kind": "other"});
    let res = app.post("/api/v1/municipalities", &admin, huge).await;
    assert_problem(res, 413, "payload_too_large").await;
    // Unknown field: 422 naming it.
    let res = app
        .post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": "Ufficio", "kind": "other", "nmae": "typo"}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["nmae"]);
    assert_eq!(p["errors"][0]["code"], "unknown_field");
    // Wrong type, missing field, bad enum: 422 naming each.
    let p = assert_problem(
        app.post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": 5, "kind": "other"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["name"]);
    let p = assert_problem(
        app.post("/api/v1/municipalities", &admin, json!({"kind": "other"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["name"]);
    assert_eq!(p["errors"][0]["code"], "required");
    let p = assert_problem(
        app.post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": "X", "kind": "city"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["kind"]);
    // Domain validation collects every field.
    let p = assert_problem(
        app.post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": " ", "kind": "comune", "istat_code": "46005", "email": "nope"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["name", "istat_code", "email"]);
    // A bad query parameter: 400 naming it.
    let p = assert_problem(
        app.get("/api/v1/municipalities?limit=500", &admin).await,
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(fields(&p), ["limit"]);
    let p = assert_problem(
        app.get("/api/v1/municipalities?active=maybe", &admin).await,
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(fields(&p), ["active"]);
    let p = assert_problem(
        app.get("/api/v1/municipalities?cursor=%%%", &admin).await,
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(fields(&p), ["cursor"]);
    // None of it created anything.
    let all: Value = app
        .get("/api/v1/municipalities?limit=200", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 19);
}

async fn stale_writes_get_412(app: TestApp) {
    let admin = app.admin().await;
    let id = app.municipality("046005").await;
    let res = app
        .get(&format!("/api/v1/municipalities/{id}"), &admin)
        .await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let patch = |tag: String, phone: &'static str| {
        let (app, admin, id) = (&app, admin.clone(), id.clone());
        async move {
            app.http
                .patch(format!("{}/api/v1/municipalities/{id}", app.base))
                .bearer_auth(admin)
                .header("if-match", tag)
                .json(&json!({"phone": phone}))
                .send()
                .await
                .unwrap()
        }
    };
    let res = patch(etag.clone(), "0584 1111").await;
    assert_eq!(res.status(), 200);
    let new_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_tag, etag);
    // The old version is stale now: 412, and the value is unchanged.
    assert_problem(patch(etag, "0584 2222").await, 412, "stale_write").await;
    let now: Value = app
        .get(&format!("/api/v1/municipalities/{id}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["phone"], "0584 1111");
    assert_eq!(patch(new_tag, "0584 3333").await.status(), 200);
}

async fn conflicts_get_409_naming_the_field(app: TestApp) {
    let admin = app.admin().await;
    let res = app
        .post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": "Camaiore bis", "kind": "comune", "istat_code": "046005"}),
        )
        .await;
    let p = assert_problem(res, 409, "already_exists").await;
    assert_eq!(fields(&p), ["istat_code"]);
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "Admin", "full_name": "Other", "role": "operator"}),
        )
        .await;
    let p = assert_problem(res, 409, "already_exists").await;
    assert_eq!(fields(&p), ["username"]);
}

async fn request_ids_are_echoed(app: TestApp) {
    let res = app
        .http
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
    let res = app
        .http
        .get(format!("{}/api/v1/me", app.base))
        .send()
        .await
        .unwrap();
    let generated = res.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(generated.len(), 36);
    // And security headers on every answer.
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    assert!(res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(
        res.headers()["permissions-policy"],
        lumit_api::startup::PERMISSIONS
    );
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    // Tokens and personal data stay out of caches.
    let admin = app.admin().await;
    for path in ["/api/v1/people", "/api/v1/me"] {
        let res = app.get(path, &admin).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let res = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(
                serde_json::json!({"username": "admin", "password": crate::common::ADMIN_PASSWORD}),
            ),
        )
        .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
}

async fn lists_paginate_with_cursors(app: TestApp) {
    let admin = app.admin().await;
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/municipalities?limit=5&cursor={c}"),
            None => "/api/v1/municipalities?limit=5".to_owned(),
        };
        let page: Value = app.get(&path, &admin).await.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 5);
        names.extend(items.iter().map(|m| m["name"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(names.len(), 19);
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| lumit_shared::text::fold(n));
    assert_eq!(names, sorted);
}

async fn server_errors_never_leak_causes(app: TestApp) {
    // The database goes away under a running server: answers are 503 problems without internals.
    let db_url = match app.backend {
        Backend::Sqlite => "sqlite:///nonexistent-dir/for/sure/lumit.db".to_owned(),
        Backend::Postgres => "postgres://postgres@127.0.0.1:1/none".to_owned(),
    };
    let settings = lumit_api::config::Settings {
        database_url: db_url.clone(),
        migration_database_url: None,
        bind: "127.0.0.1:0".into(),
        data_dir: std::env::temp_dir(),
        jwt_secret: Some("a secret for the unavailable database test".into()),
        audit_key: Some(crate::common::AUDIT_KEY.into()),
        admin_password: None,
        log_level: "error".into(),
        log_format: "text".into(),
        cors_origins: vec![],
        web_dir: "no-web".into(),
        pool_size: 1,
        workers: 1,
        trust_proxy: false,
        travel_buffer_minutes: 30,
        db_connect_timeout: std::time::Duration::from_secs(1),
        db_statement_timeout: std::time::Duration::from_secs(30),
        sqlite_synchronous: lumit_api::db::Synchronous::Full,
        shutdown_timeout: std::time::Duration::from_secs(5),
        public_url: None,
        signin_failures_per_address: 20,
        session_lifetime: std::time::Duration::from_secs(12 * 3600),
        session_idle: std::time::Duration::from_secs(2 * 3600),
        totp_required_roles: Vec::new(),
        mail: lumit_api::config::MailSettings::default(),
        reports: lumit_api::config::ReportSettings::default(),
        rate_limits: lumit_api::config::RateLimits::default(),
        metrics: lumit_api::config::MetricsSettings::default(),
        webhooks: lumit_api::config::WebhookSettings::default(),
    };
    let db = lumit_api::db::Db::connect_lazy(&db_url, 1).unwrap();
    let server = lumit_api::startup::Application::build(settings, db).unwrap();
    let base = format!("http://127.0.0.1:{}", server.port());
    tokio::spawn(server.run_until_stopped());
    let res = app.http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let res = app
        .http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "a", "password": "b"}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 503, "service_unavailable").await;
    let text = p.to_string();
    assert!(
        !text.contains("nonexistent") && !text.contains("127.0.0.1:1"),
        "{text}"
    );
    // The healthy app is ready.
    assert_eq!(
        app.http
            .get(format!("{}/readyz", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

/// The data folder and the SQLite files are private, even when found open at start.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_folder_and_database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let mut paths = None;
    let app = crate::common::TestApp::spawn_with(crate::common::Backend::Sqlite, |s| {
        // Left open by a copy or a loose umask.
        let db = s.database_url.strip_prefix("sqlite://").unwrap().to_owned();
        std::fs::write(&db, b"").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(&s.data_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        paths = Some((s.data_dir.clone(), std::path::PathBuf::from(db)));
    })
    .await;
    let (dir, db) = paths.unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&db), 0o600);
    let access = lumit_api::db::access_log_file(db.to_str().unwrap());
    assert_eq!(mode(std::path::Path::new(&access)), 0o600);
    for side in ["-wal", "-shm"] {
        let p = format!("{}{side}", db.display());
        assert_eq!(mode(std::path::Path::new(&p)), 0o600, "{p}");
    }
    let _ = app.admin().await;
}

/// Docker compose publishes the API on loopback only, and the TLS proxy it documents exists.
#[test]
fn compose_publishes_plain_http_on_loopback_only() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let compose = std::fs::read_to_string(format!("{root}/docker-compose.yml")).unwrap();
    let published: Vec<&str> = compose
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("- \"") && l.contains(":8080"))
        .collect();
    assert!(!published.is_empty(), "the API is published");
    assert!(
        published.iter().all(|l| l.starts_with("- \"127.0.0.1:")),
        "{published:?}"
    );
    let caddy = std::fs::read_to_string(format!("{root}/ops/Caddyfile")).unwrap();
    assert!(caddy.contains("reverse_proxy api:8080"), "{caddy}");
    assert!(compose.contains("./ops/Caddyfile:/etc/caddy/Caddyfile"));
}
