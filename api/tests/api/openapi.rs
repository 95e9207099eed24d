//! The committed OpenAPI document is the generated one; Swagger UI is served from the binary.

use serde_json::Value;

use crate::common::TestApp;
use crate::db_tests;

#[test]
fn committed_document_matches_the_generated_one() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    ))
    .expect("openapi/openapi.json is committed");
    let generated = lumit_api::openapi::document();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: regenerate it with\n    cargo run -p lumit-api -- openapi > openapi/openapi.json"
    );
}

#[test]
fn document_describes_security_scopes_and_problems() {
    let doc: Value = serde_json::from_str(&lumit_api::openapi::document()).unwrap();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    let scopes = &schemes["oauth2"]["flows"]["clientCredentials"]["scopes"];
    assert!(scopes["municipalities:read"].is_string() && scopes["desks:write"].is_string());
    // Every operation documents its problem answers.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let errors: Vec<&String> = responses
                .keys()
                .filter(|k| k.starts_with('4') || k.starts_with('5'))
                .collect();
            if path != "/healthz" {
                assert!(!errors.is_empty(), "{method} {path} documents no error");
            }
            for code in errors {
                assert!(
                    responses[code]["content"]["application/problem+json"].is_object(),
                    "{method} {path} {code} is not problem+json"
                );
            }
            if op.get("security").is_some() {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{method} {path}"
                );
            }
        }
    }
}

db_tests!(swagger_ui_is_served_offline);

async fn swagger_ui_is_served_offline(app: TestApp) {
    let res = app
        .http
        .get(format!("{}/api/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "Swagger UI must not load anything from the network"
    );
    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
    ] {
        let res = app
            .http
            .get(format!("{}/api/docs/{asset}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{asset}");
    }
    let doc: Value = app
        .http
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["info"]["title"], "LUMIT API");
}
