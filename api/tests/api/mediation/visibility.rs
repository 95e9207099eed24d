//! Who sees which request: municipalities, coordinators, mediators and partner systems.

use serde_json::{json, Value};

use super::{day_ahead, file, json_of, mediation, mediator, step};
use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(who_sees_which_request);

async fn who_sees_which_request(app: TestApp) {
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let gallicano = app.municipality("046015").await;
    let (_, officer_c) = app
        .user(
            "officer.c",
            "municipal_officer",
            std::slice::from_ref(&camaiore),
        )
        .await;
    let (_, officer_g) = app
        .user(
            "officer.g",
            "municipal_officer",
            std::slice::from_ref(&gallicano),
        )
        .await;
    let (_, op_g) = app
        .user("op.g", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (uid, med) = app.user("amal", "mediator", &[]).await;
    let m = mediator(&app, &admin, json!({"full_name": "Amal Haddad", "kind": "mediator", "languages": [{"language": "ar", "level": "native"}], "municipality_ids": [camaiore, gallicano], "user_id": uid})).await;

    // An operator links a case of Gallicano; the officer may not file for another municipality.
    let person: Value = app
        .post(
            "/api/v1/people",
            &op_g,
            json!({"first_name": "Amina", "last_name": "Diallo", "municipality_id": gallicano}),
        )
        .await
        .json()
        .await
        .unwrap();
    let case: Value = app.post("/api/v1/cases", &op_g, json!({"person_id": person["id"], "municipality_id": gallicano, "category_id": "other", "summary": "Residenza"})).await.json().await.unwrap();
    let mut body = mediation(&gallicano, day_ahead(12), "10:00", 60, false);
    body["case_id"] = case["id"].clone();
    body["attachments"] = json!("Copia del permesso");
    let res = app.post("/api/v1/requests", &officer_c, body.clone()).await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["municipality_id"]
    );
    // An officer can't link a case: they may not see cases.
    let res = app.post("/api/v1/requests", &officer_g, body.clone()).await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["case_id"]
    );
    let g = file(&app, &op_g, body).await;
    let c = file(
        &app,
        &officer_c,
        mediation(&camaiore, day_ahead(12), "15:00", 60, true),
    )
    .await;

    // Each municipality sees its own; the case link only for those who may read the case.
    let list = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        list(&json_of(app.get("/api/v1/requests", &officer_c).await, 200).await),
        [c.as_str()]
    );
    assert_eq!(
        list(&json_of(app.get("/api/v1/requests", &officer_g).await, 200).await),
        [g.as_str()]
    );
    assert_eq!(
        list(&json_of(app.get("/api/v1/requests", &coord).await, 200).await),
        [c.as_str(), g.as_str()]
    );
    assert_problem(
        app.get(&format!("/api/v1/requests/{g}"), &officer_c).await,
        404,
        "not_found",
    )
    .await;
    let seen = json_of(
        app.get(&format!("/api/v1/requests/{g}"), &officer_g).await,
        200,
    )
    .await;
    assert!(seen["case_id"].is_null());
    let seen = json_of(app.get(&format!("/api/v1/requests/{g}"), &op_g).await, 200).await;
    assert_eq!(seen["case_id"], case["id"]);
    let filtered = json_of(
        app.get("/api/v1/requests?kind=translation", &coord).await,
        200,
    )
    .await;
    assert!(list(&filtered).is_empty());
    let res = app.get("/api/v1/requests?status=done", &coord).await;
    assert_eq!(
        fields(&assert_problem(res, 400, "invalid_query").await),
        ["status[0]"]
    );

    // A mediator sees nothing until assigned, then only that job, without case or attachments.
    assert!(list(&json_of(app.get("/api/v1/requests", &med).await, 200).await).is_empty());
    json_of(step(&app, &coord, &g, json!({"to": "approved"})).await, 200).await;
    json_of(
        step(
            &app,
            &coord,
            &g,
            json!({"to": "assigned", "mediator_id": m}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        list(&json_of(app.get("/api/v1/requests", &med).await, 200).await),
        [g.as_str()]
    );
    let seen = json_of(app.get(&format!("/api/v1/requests/{g}"), &med).await, 200).await;
    assert!(
        seen["case_id"].is_null() && seen["attachments"].is_null(),
        "{seen}"
    );
    assert_eq!(seen["address"], "Piazza San Bernardino 1");
    assert_problem(
        app.get(&format!("/api/v1/requests/{c}"), &med).await,
        404,
        "not_found",
    )
    .await;

    // A partner system of Gallicano files and reads through the API with its scopes.
    let (_, cid, secret) = app
        .api_client(&gallicano, &["requests:read", "requests:write"])
        .await;
    let tok: Value = app.client_token(&cid, &secret).await.json().await.unwrap();
    let tok = tok["access_token"].as_str().unwrap();
    let x = file(
        &app,
        tok,
        mediation(&gallicano, day_ahead(13), "11:00", 30, true),
    )
    .await;
    assert_eq!(
        list(&json_of(app.get("/api/v1/requests", tok).await, 200).await),
        [x.as_str(), g.as_str()]
    );
    assert_problem(
        app.get(&format!("/api/v1/requests/{c}"), tok).await,
        404,
        "not_found",
    )
    .await;
}
