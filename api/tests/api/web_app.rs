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

    // The code split by route lives in a hashed folder: cached for ever, and a chunk that is
    // not there (an older build's) is a 404, never the page.
    std::fs::create_dir_all(app.web_dir.join("app-0123abcd")).unwrap();
    std::fs::write(
        app.web_dir.join("app-0123abcd/__wasm_split.js"),
        "export {}",
    )
    .unwrap();
    let res = get("/app-0123abcd/__wasm_split.js").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        get("/app-0123abcd/chunk_9.wasm").await.unwrap().status(),
        404
    );
    assert_eq!(
        get("/app-00000000/lumit-web.js").await.unwrap().status(),
        404
    );

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

db_tests!(every_encoding_decodes_to_the_same_bytes);

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).expect("brotli");
    out
}

/// The body as sent, and its `Content-Encoding` (empty when none).
async fn fetch(req: reqwest::RequestBuilder, accept: &str) -> (u16, String, Vec<u8>, String) {
    let res = req.header("accept-encoding", accept).send().await.unwrap();
    let header = |h: &str| {
        res.headers()
            .get_all(h)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (encoding, vary) = (header("content-encoding"), header("vary"));
    let status = res.status().as_u16();
    (status, encoding, res.bytes().await.unwrap().to_vec(), vary)
}

async fn every_encoding_decodes_to_the_same_bytes(app: TestApp) {
    use std::io::Write;
    // The web app's files with the twins `cargo xtask web` writes beside them.
    std::fs::create_dir_all(&app.web_dir).unwrap();
    std::fs::write(
        app.web_dir.join("index.html"),
        "<!doctype html><title>LUMIT</title>",
    )
    .unwrap();
    let wasm: Vec<u8> = (0..40_000u32)
        .flat_map(|i| (i % 251).to_le_bytes())
        .collect();
    let name = "lumit-web-0123abcd.wasm";
    std::fs::write(app.web_dir.join(name), &wasm).unwrap();
    let mut br = Vec::new();
    brotli::BrotliCompress(&mut &wasm[..], &mut br, &Default::default()).unwrap();
    std::fs::write(app.web_dir.join(format!("{name}.br")), &br).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&wasm).unwrap();
    std::fs::write(app.web_dir.join(format!("{name}.gz")), gz.finish().unwrap()).unwrap();

    let file = || app.http.get(format!("{}/{name}", app.base));
    let (status, enc, body, vary) = fetch(file(), "gzip, deflate, br").await;
    assert_eq!((status, enc.as_str()), (200, "br"));
    assert!(vary.contains("accept-encoding"), "{vary}");
    assert!(body.len() < wasm.len() / 10, "sent {} bytes", body.len());
    assert_eq!(unbrotli(&body), wasm);
    let (_, enc, body, _) = fetch(file(), "gzip").await;
    assert_eq!(enc, "gzip");
    assert_eq!(gunzip(&body), wasm);
    let (_, enc, body, _) = fetch(file(), "br;q=0, gzip;q=0.5").await;
    assert_eq!(enc, "gzip");
    assert_eq!(gunzip(&body), wasm);
    let (_, enc, body, _) = fetch(file(), "identity").await;
    assert_eq!(enc, "");
    assert_eq!(body, wasm);
    // A range is a slice of the file itself, never of a twin.
    let (status, enc, body, _) = fetch(file().header("range", "bytes=100-199"), "br, gzip").await;
    assert_eq!(
        (status, enc.as_str(), &body[..]),
        (206, "", &wasm[100..200])
    );
    let res = file().send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert!(res.headers().get("content-encoding").is_none());
    // A twin is the page itself, not a download.
    std::fs::write(app.web_dir.join("index.html.br"), {
        let mut b = Vec::new();
        brotli::BrotliCompress(
            &mut &b"<!doctype html><title>LUMIT</title>"[..],
            &mut b,
            &Default::default(),
        )
        .unwrap();
        b
    })
    .unwrap();
    let res = app
        .http
        .get(format!("{}/cases", app.base))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(res.headers().get("content-disposition").is_none());

    // The API's reads: compressed when large enough, the same JSON once decoded.
    let admin = app.admin().await;
    let list = || {
        app.http
            .get(format!("{}/api/v1/municipalities?limit=200", app.base))
            .bearer_auth(&admin)
    };
    let (_, enc, plain, _) = fetch(list(), "identity").await;
    assert_eq!(enc, "");
    assert!(plain.len() as u64 > lumit_api::compression::MIN_SIZE);
    let plain: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    let (_, enc, body, vary) = fetch(list(), "br, gzip").await;
    assert_eq!(enc, "br");
    assert!(vary.contains("accept-encoding"), "{vary}");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&unbrotli(&body)).unwrap(),
        plain
    );
    let (_, enc, body, _) = fetch(list(), "gzip").await;
    assert_eq!(enc, "gzip");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&gunzip(&body)).unwrap(),
        plain
    );
    // A CSV export streams compressed too; an XLSX is a zip already.
    let export = |format: &str| {
        app.http
            .get(format!("{}/api/v1/audit?format={format}", app.base))
            .bearer_auth(&admin)
    };
    let (status, enc, body, _) = fetch(export("csv"), "gzip").await;
    assert_eq!((status, enc.as_str()), (200, "gzip"));
    assert!(String::from_utf8(gunzip(&body)).unwrap().starts_with("N."));
    let (status, enc, body, _) = fetch(export("xlsx"), "gzip").await;
    assert_eq!((status, enc.as_str()), (200, ""));
    assert_eq!(&body[..2], b"PK");

    // Never the authentication endpoints (BREACH), nor small answers.
    let login = app
        .http
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&serde_json::json!({"username": "admin", "password": crate::common::ADMIN_PASSWORD}));
    let (status, enc, body, _) = fetch(login, "br, gzip").await;
    assert_eq!((status, enc.as_str()), (200, ""));
    assert!(
        serde_json::from_slice::<serde_json::Value>(&body).unwrap()["access_token"].is_string()
    );
    let me = app
        .http
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&admin);
    let (status, enc, body, _) = fetch(me, "br, gzip").await;
    assert_eq!((status, enc.as_str()), (200, ""));
    assert!((body.len() as u64) < lumit_api::compression::MIN_SIZE);
}
