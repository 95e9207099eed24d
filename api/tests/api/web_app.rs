//! Serving the web app: content types, caching, deep links, and API paths that stay problems.

use crate::common::{assert_problem, TestApp};
use crate::db_tests;

db_tests!(serves_the_spa_with_the_right_headers);

async fn serves_the_spa_with_the_right_headers(app: TestApp) {
    // Before the app is built, `/` explains how to build it.
    let res = app.http.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("cargo xtask web"));

    std::fs::create_dir_all(&app.web_dir).unwrap();
    std::fs::write(
        app.web_dir.join("index.html"),
        "<!doctype html><title>LUMIT</title>",
    )
    .unwrap();
    std::fs::write(app.web_dir.join("lumit-web-0123abcd.wasm"), b"\0asm").unwrap();
    std::fs::write(app.web_dir.join("app-89abcdef.css"), "body{}").unwrap();

    let get = |path: &str| app.http.get(format!("{}{path}", app.base)).send();
    let res = get("/").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'")
            && !csp.contains("script-src 'self' 'unsafe-inline'"),
        "{csp}"
    );

    let res = get("/lumit-web-0123abcd.wasm").await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let res = get("/app-89abcdef.css").await.unwrap();
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));

    // Deep links get the index; API paths never do.
    let res = get("/municipalities/123/edit").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("<title>LUMIT</title>"));
    assert_problem(
        get("/api/v1/no-such-resource/123").await.unwrap(),
        404,
        "not_found",
    )
    .await;
    assert_problem(get("/api/anything").await.unwrap(), 404, "not_found").await;
    // No escaping the folder.
    let res = get("/../Cargo.toml").await.unwrap();
    assert!(!res.text().await.unwrap().contains("[package]"));
}
