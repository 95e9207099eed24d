//! `Idempotency-Key`: a retried create makes one record and gets the first answer again.

use diesel::prelude::*;
use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    a_retry_gets_the_first_answer_and_makes_one_record,
    the_same_key_for_another_request_is_refused,
    concurrent_retries_make_one_record,
    keys_belong_to_their_caller,
    anonymisation_forgets_the_answers_that_name_her,
    secrets_are_shown_once_even_to_a_retry,
);

async fn post_with_key(
    app: &TestApp,
    path: &str,
    token: &str,
    key: &str,
    body: &Value,
) -> Response {
    app.http
        .request(Method::POST, format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("request")
}

/// A case of a new person at Gallicano; returns (case id, person id).
async fn a_case(app: &TestApp, token: &str) -> (String, String) {
    let gallicano = app.municipality("046015").await;
    let person: Value = app
        .post(
            "/api/v1/people",
            token,
            json!({"first_name": "Chiamaka", "last_name": "Ebereqaabai", "birth_date": "1994-02-11",
                   "sex": "F", "citizenship": "NG", "phone": "+39 333 1234567", "municipality_id": gallicano}),
        )
        .await
        .json()
        .await
        .unwrap();
    let case: Value = app
        .post(
            "/api/v1/cases",
            token,
            json!({"person_id": person["id"], "municipality_id": gallicano,
                   "category_id": "residence_permit", "summary": "Rinnovo"}),
        )
        .await
        .json()
        .await
        .unwrap();
    (
        case["id"].as_str().unwrap().to_owned(),
        person["id"].as_str().unwrap().to_owned(),
    )
}

async fn timeline_len(app: &TestApp, token: &str, case: &str) -> usize {
    let v: Value = app
        .get(&format!("/api/v1/cases/{case}/events"), token)
        .await
        .json()
        .await
        .unwrap();
    v.as_array().expect("timeline").len()
}

async fn a_retry_gets_the_first_answer_and_makes_one_record(app: TestApp) {
    let admin = app.admin().await;
    let (case, _) = a_case(&app, &admin).await;
    let before = timeline_len(&app, &admin, &case).await;
    let path = format!("/api/v1/cases/{case}/events");
    let body = json!({"kind": "note", "note": "Ha telefonato per l'appuntamento"});
    let first = post_with_key(&app, &path, &admin, "3f1c7a4e-double-click", &body).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_location = first.headers().get("location").cloned();
    let first_body: Value = first.json().await.unwrap();
    let again = post_with_key(&app, &path, &admin, "3f1c7a4e-double-click", &body).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers().get("location").cloned(), first_location);
    assert!(again.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let again_body: Value = again.json().await.unwrap();
    assert_eq!(again_body, first_body);
    assert_eq!(timeline_len(&app, &admin, &case).await, before + 1);
    // Without a key, or with another one, the same body is a new note.
    assert_eq!(app.post(&path, &admin, body.clone()).await.status(), 201);
    assert_eq!(
        post_with_key(&app, &path, &admin, "another-key", &body)
            .await
            .status(),
        201
    );
    assert_eq!(timeline_len(&app, &admin, &case).await, before + 3);
    // A refused request keeps its answer too: the retry is refused the same way.
    let bad = json!({"kind": "note", "note": ""});
    let p = assert_problem(
        post_with_key(&app, &path, &admin, "bad-note", &bad).await,
        422,
        "validation_failed",
    )
    .await;
    let p2 = assert_problem(
        post_with_key(&app, &path, &admin, "bad-note", &bad).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p, p2);
    // A refusal is not kept: the key is free again for the request that succeeds.
    let res = post_with_key(&app, &path, &admin, "bad-note", &body).await;
    assert_eq!(res.status(), 201);
    assert!(res.headers().get("idempotent-replayed").is_none());
    // A key that is no key.
    let p = assert_problem(
        post_with_key(&app, &path, &admin, &"k".repeat(256), &body).await,
        400,
        "invalid_idempotency_key",
    )
    .await;
    assert_eq!(fields(&p), ["Idempotency-Key"]);
    assert_eq!(timeline_len(&app, &admin, &case).await, before + 4);
}

async fn the_same_key_for_another_request_is_refused(app: TestApp) {
    let admin = app.admin().await;
    let (case, _) = a_case(&app, &admin).await;
    let before = timeline_len(&app, &admin, &case).await;
    let path = format!("/api/v1/cases/{case}/events");
    let first = json!({"kind": "note", "note": "Prima"});
    assert_eq!(
        post_with_key(&app, &path, &admin, "k-1", &first)
            .await
            .status(),
        201
    );
    let p = assert_problem(
        post_with_key(
            &app,
            &path,
            &admin,
            "k-1",
            &json!({"kind": "note", "note": "Seconda"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["Idempotency-Key"]);
    assert_eq!(p["errors"][0]["code"], "idempotency_key_reused");
    // The same body to another resource is another request too.
    let p = assert_problem(
        post_with_key(&app, "/api/v1/cases/another/events", &admin, "k-1", &first).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["Idempotency-Key"]);
    assert_eq!(timeline_len(&app, &admin, &case).await, before + 1);
}

async fn concurrent_retries_make_one_record(app: TestApp) {
    let admin = app.admin().await;
    let (case, _) = a_case(&app, &admin).await;
    let before = timeline_len(&app, &admin, &case).await;
    let path = format!("/api/v1/cases/{case}/events");
    let body = json!({"kind": "note", "note": "Inviata due volte insieme"});
    let answers = futures_util::future::join_all(
        (0..6).map(|_| post_with_key(&app, &path, &admin, "together", &body)),
    )
    .await;
    let mut bodies = Vec::new();
    for res in answers {
        let status = res.status().as_u16();
        // Each waits for the first answer; only one taking longer than the wait would be a 409.
        assert!(status == 201 || status == 409, "{status}");
        if status == 201 {
            bodies.push(res.json::<Value>().await.unwrap());
        } else {
            assert_problem(res, 409, "idempotency_key_in_use").await;
        }
    }
    assert!(!bodies.is_empty());
    assert!(bodies.iter().all(|b| b == &bodies[0]), "{bodies:?}");
    assert_eq!(timeline_len(&app, &admin, &case).await, before + 1);
}

async fn keys_belong_to_their_caller(app: TestApp) {
    let admin = app.admin().await;
    let (case, _) = a_case(&app, &admin).await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let before = timeline_len(&app, &admin, &case).await;
    let path = format!("/api/v1/cases/{case}/events");
    let body = json!({"kind": "note", "note": "Stessa chiave, due persone"});
    assert_eq!(
        post_with_key(&app, &path, &admin, "shared", &body)
            .await
            .status(),
        201
    );
    let res = post_with_key(&app, &path, &coord, "shared", &body).await;
    assert_eq!(res.status(), 201);
    assert!(res.headers().get("idempotent-replayed").is_none());
    assert_eq!(timeline_len(&app, &admin, &case).await, before + 2);
    // Without a valid token the key changes nothing: the answer is the 401.
    let res = post_with_key(&app, &path, "not a token", "shared", &body).await;
    assert_problem(res, 401, "invalid_token").await;
}

async fn anonymisation_forgets_the_answers_that_name_her(app: TestApp) {
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let res = post_with_key(
        &app,
        "/api/v1/people",
        &admin,
        "person-1",
        &json!({"first_name": "Chiamaka", "last_name": "Ebereqaabai", "birth_date": "1994-02-11",
                "sex": "F", "citizenship": "NG", "municipality_id": gallicano}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let person: Value = res.json().await.unwrap();
    let pid = person["id"].as_str().unwrap();
    let res = post_with_key(
        &app,
        "/api/v1/cases",
        &admin,
        "case-1",
        &json!({"person_id": pid, "municipality_id": gallicano,
                "category_id": "residence_permit", "summary": "Rinnovo per Ebereqaabai"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let stored_naming_her = |app: &TestApp| -> i64 {
        use lumit_api::schema::idempotency_keys as k;
        let mut c = app.db.conn().unwrap();
        k::table
            .filter(k::body.like("%Ebereqaabai%"))
            .count()
            .get_result(&mut **c)
            .unwrap()
    };
    assert_eq!(stored_naming_her(&app), 2);
    let res = app
        .post(
            &format!("/api/v1/people/{pid}/anonymise"),
            &admin,
            json!({}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(stored_naming_her(&app), 0);
}

async fn secrets_are_shown_once_even_to_a_retry(app: TestApp) {
    let admin = app.admin().await;
    let body =
        json!({"username": "new.operator", "full_name": "Nuova Operatrice", "role": "coordinator"});
    let first = post_with_key(&app, "/api/v1/users", &admin, "user-1", &body).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert!(first["temporary_password"].is_string(), "{first}");
    let again = post_with_key(&app, "/api/v1/users", &admin, "user-1", &body).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["cache-control"], "no-store");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["user"], first["user"]);
    assert!(again["temporary_password"].is_null(), "{again}");
    use diesel::prelude::*;
    use lumit_api::schema::idempotency_keys as k;
    let mut c = app.db.conn().unwrap();
    let stored: Vec<Option<String>> = k::table.select(k::body).load(&mut **c).unwrap();
    let secret = first["temporary_password"].as_str().unwrap();
    assert!(stored.iter().flatten().all(|b| !b.contains(secret)));
}
