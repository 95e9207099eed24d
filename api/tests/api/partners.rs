//! What partner systems meet besides the resources: request budgets (429 and the `RateLimit-*`
//! headers), `/metrics`, and bodies held to the document's types.

use lumit_api::config::RateLimits;
use openmetrics_parser::prometheus::parse_prometheus;
use openmetrics_parser::PrometheusValue;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    budgets_per_account_client_and_address,
    metrics_are_closed_by_default_and_open_to_the_token,
    bodies_of_the_wrong_json_type_are_refused
);

fn header(res: &Response, name: &str) -> Option<i64> {
    res.headers().get(name)?.to_str().ok()?.parse().ok()
}

/// The three headers, as numbers: (limit, remaining, reset).
fn standing(res: &Response) -> (i64, i64, i64) {
    let get = |n| header(res, n).unwrap_or_else(|| panic!("no {n} on {}", res.url()));
    (
        get("ratelimit-limit"),
        get("ratelimit-remaining"),
        get("ratelimit-reset"),
    )
}

async fn budgets_per_account_client_and_address(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let (_, operator) = app
        .user("operator", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, id_a, secret_a) = app.api_client(&gallicano, &["cases:read"]).await;
    let (_, id_b, secret_b) = app.api_client(&gallicano, &["cases:read"]).await;
    let token = |res: Value| res["access_token"].as_str().unwrap().to_owned();
    let client_a = token(
        app.client_token(&id_a, &secret_a)
            .await
            .json()
            .await
            .unwrap(),
    );
    let client_b = token(
        app.client_token(&id_b, &secret_b)
            .await
            .json()
            .await
            .unwrap(),
    );
    let admin = app.admin().await;
    // A second instance with small budgets (a first one keeps the defaults for set-up).
    let small = app
        .instance_with(|s| {
            s.rate_limits = RateLimits {
                user: 4,
                client: 3,
                anonymous: 2,
            }
        })
        .await;

    // Every answer tells where the caller stands, and the count goes down.
    let first = small.get("/api/v1/cases", &operator).await;
    assert_eq!(first.status(), StatusCode::OK);
    let (limit, remaining, reset) = standing(&first);
    assert_eq!((limit, remaining), (4, 3));
    assert!((1..=60).contains(&reset), "reset {reset}");
    // Errors count and say it too.
    let missing = small.get("/api/v1/cases/nope", &operator).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(standing(&missing).1, 2);
    for _ in 0..2 {
        assert_eq!(
            small.get("/api/v1/cases", &operator).await.status(),
            StatusCode::OK
        );
    }
    let refused = small.get("/api/v1/cases", &operator).await;
    let retry_after = header(&refused, "retry-after").expect("Retry-After");
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(standing(&refused).0, 4);
    assert_eq!(standing(&refused).1, 0);
    let problem = assert_problem(refused, 429, "rate_limited").await;
    assert!(problem["detail"].as_str().unwrap().contains("budget"));

    // Another account has its own budget; so does each client, whatever its sibling spent.
    let other = small.get("/api/v1/cases", &admin).await;
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(standing(&other).1, 3);
    for n in (0..3).rev() {
        let res = small.get("/api/v1/cases", &client_a).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(standing(&res), (3, n, standing(&res).2));
    }
    assert_eq!(
        small.get("/api/v1/cases", &client_a).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let sibling = small.get("/api/v1/cases", &client_b).await;
    assert_eq!(sibling.status(), StatusCode::OK);
    assert_eq!(standing(&sibling).1, 2);

    // Without a token (or with one that does not verify) the address pays.
    let anonymous = |address: &'static str| {
        let small = &small;
        async move {
            small
                .http
                .get(format!("{}/api/v1/certificates/NOPE-NOPE", small.base))
                .bearer_auth("not-a-token")
                .header("x-forwarded-for", address)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_ne!(anonymous("10.1.1.1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_ne!(anonymous("10.1.1.1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(anonymous("10.1.1.1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_ne!(anonymous("10.1.1.2").await, StatusCode::TOO_MANY_REQUESTS);

    // The web app's files and the probes are not API calls and are not counted.
    for _ in 0..5 {
        let res = small
            .http
            .get(format!("{}/readyz", small.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers().get("ratelimit-limit").is_none());
    }
}

/// One sample of a scrape: its labels and its value, as a scraper reads them.
struct Sample {
    labels: std::collections::HashMap<String, String>,
    value: PrometheusValue,
}

/// The samples of one metric family in a scrape, parsed with a Prometheus text-format parser.
fn samples(text: &str, name: &str) -> Vec<Sample> {
    let exposition = parse_prometheus(text).expect("the Prometheus text format");
    let Some(family) = exposition.families.get(name) else {
        return Vec::new();
    };
    family
        .iter_samples()
        .map(|s| {
            let set = s.get_labelset().expect("labels");
            let labels = family
                .get_label_names()
                .iter()
                .filter_map(|n| Some((n.clone(), set.get_label_value(n)?.to_owned())))
                .collect();
            Sample {
                labels,
                value: s.value.clone(),
            }
        })
        .collect()
}

fn gauge(text: &str, name: &str) -> f64 {
    match samples(text, name).first().map(|s| &s.value) {
        Some(PrometheusValue::Gauge(v)) => v.as_f64(),
        _ => panic!("no gauge {name} in\n{text}"),
    }
}

async fn metrics_are_closed_by_default_and_open_to_the_token(app: TestApp) {
    // Neither a token nor an address set: there is no /metrics.
    let res = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let token = "metrics-token-of-at-least-thirty-two-chars";
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = free.local_addr().unwrap().to_string();
    drop(free);
    let open = app
        .instance_with(|s| {
            s.metrics.token = Some(token.into());
            s.metrics.bind = Some(bind.clone());
        })
        .await;
    let admin = open.admin().await;
    let case_path = "/api/v1/cases/00000000-0000-0000-0000-000000000000";
    assert_eq!(
        open.get(case_path, &admin).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        open.get("/api/v1/cases", &admin).await.status(),
        StatusCode::OK
    );

    let scrape = |bearer: Option<&'static str>| {
        let open = &open;
        async move {
            let mut req = open.http.get(format!("{}/metrics", open.base));
            if let Some(b) = bearer {
                req = req.bearer_auth(b);
            }
            req.send().await.unwrap()
        }
    };
    assert_eq!(scrape(None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        scrape(Some("metrics-token-of-at-least-thirty-two-wrong"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let res = scrape(Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = res.text().await.unwrap();

    // Requests by route template and status: the case's id is not in any label.
    let requests = samples(&text, "lumit_http_requests_total");
    let count = |route: &str, status: &str| {
        requests
            .iter()
            .filter(|s| {
                let label = |n: &str| s.labels.get(n).map(String::as_str);
                label("route") == Some(route)
                    && label("status") == Some(status)
                    && label("method") == Some("GET")
            })
            .map(|s| match &s.value {
                PrometheusValue::Counter(c) => c.value.as_f64(),
                other => panic!("{other:?}"),
            })
            .sum::<f64>()
    };
    assert!(count("/api/v1/cases/{id}", "404") >= 1.0, "{text}");
    assert!(count("/api/v1/cases", "200") >= 1.0, "{text}");
    assert!(!text.contains("00000000-0000"), "a raw path in the labels");
    // Latency as a histogram with buckets.
    let buckets = samples(&text, "lumit_http_request_duration_seconds");
    assert!(
        buckets.iter().any(|s| matches!(
            &s.value,
            PrometheusValue::Histogram(h) if h.buckets.len() >= 10 && h.count.is_some_and(|n| n >= 1)
        ) && s.labels.get("route").map(String::as_str) == Some("/api/v1/cases")),
        "no latency histogram for the case list"
    );
    // The pool and the outbox.
    assert_eq!(gauge(&text, "lumit_db_pool_size"), 4.0);
    assert!(gauge(&text, "lumit_db_connections_in_use") >= 0.0);
    assert!(gauge(&text, "lumit_db_connections_waiting") >= 0.0);
    let outbox = open.get_json("/api/v1/outbox/summary", &admin).await;
    assert_eq!(
        gauge(&text, "lumit_mail_pending"),
        outbox["pending"].as_f64().unwrap()
    );
    assert!(gauge(&text, "lumit_mail_failed") >= 0.0);
    // The webhook backlog: nothing subscribed, nothing waiting...
    assert_eq!(gauge(&text, "lumit_webhook_deliveries_pending"), 0.0);
    assert_eq!(gauge(&text, "lumit_webhook_deliveries_failed"), 0.0);
    assert_eq!(gauge(&text, "lumit_webhook_subscriptions_disabled"), 0.0);
    // ...then a receiver that never answers (nothing listens on port 1): its delivery waits for
    // a retry, or has failed, and the scrape counts it either way.
    crate::webhooks::subscribe(&open, &admin, "http://127.0.0.1:1/hook", &["case.created"]).await;
    let lucca = open.municipality("Lucca").await;
    crate::webhooks::open_case(&open, &admin, &lucca).await;
    let text = scrape(Some(token)).await.text().await.unwrap();
    let backlog = gauge(&text, "lumit_webhook_deliveries_pending")
        + gauge(&text, "lumit_webhook_deliveries_failed");
    assert_eq!(backlog, 1.0, "{text}");

    // The separate address needs no token, and serves nothing else.
    let res = open
        .http
        .get(format!("http://{bind}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(!samples(&text, "lumit_http_requests_total").is_empty());
    let res = open
        .http
        .get(format!("http://{bind}/api/v1/cases"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn bodies_of_the_wrong_json_type_are_refused(app: TestApp) {
    let admin = app.admin().await;
    let res = app
        .post(
            "/api/v1/case-categories",
            &admin,
            json!({"id": "contract", "name_it": "Contratto", "name_en": "Contract"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{:?}", res.text().await);
    let category: Value = res.json().await.unwrap();
    let path = format!(
        "/api/v1/case-categories/{}",
        category["id"].as_str().unwrap()
    );
    // An array where the document says object: serde_json would fill the struct by position.
    for body in [
        json!([null, null]),
        json!(["x", true]),
        json!("label"),
        json!(7),
    ] {
        let res = app
            .call(Method::PATCH, &path, Some(&admin), Some(body.clone()))
            .await;
        assert_problem(res, 422, "validation_failed").await;
    }
    // Nested too: a desk's opening slot given as an array names the slot.
    let gallicano = app.municipality("046015").await;
    let res = app
        .post(
            &format!("/api/v1/municipalities/{gallicano}/desks"),
            &admin,
            json!({"name": "Sportello", "opening_hours": [["monday", "09:00", "12:00"]], "languages": []}),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        fields(&problem),
        vec!["opening_hours[0]".to_owned()],
        "{problem}"
    );
    // Nothing was changed.
    let after = app.get_json("/api/v1/case-categories", &admin).await;
    let kept = after["items"]
        .as_array()
        .or_else(|| after.as_array())
        .unwrap()
        .iter()
        .find(|c| c["id"] == category["id"])
        .cloned()
        .unwrap();
    assert_eq!(kept["name_en"], "Contract");
}
