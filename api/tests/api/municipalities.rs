//! Municipalities and desks: create, search, change, deactivate; opening hours; Unione coverage.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    admin_manages_municipalities,
    search_ignores_case_and_accents,
    desks_with_opening_hours,
    unione_client_covers_its_members,
    deactivating_a_municipality_cuts_off_its_staff_at_once,
);

async fn admin_manages_municipalities(app: TestApp) {
    let admin = app.admin().await;
    let unione = app.municipality("Unione dei Comuni della Garfagnana").await;
    let res = app
        .post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": "Comune di Prova", "kind": "comune", "istat_code": "046099", "member_of_id": unione,
                   "email": "protocollo@comune.prova.lu.it", "phone": "+39 0583 000000", "address": "Piazza 1"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(res.headers()["etag"], "\"1\"");
    let m: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/municipalities/{}", m["id"].as_str().unwrap())
    );
    assert_eq!(m["province_code"], "046");
    let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "active",
            "address",
            "email",
            "id",
            "istat_code",
            "kind",
            "member_of_id",
            "name",
            "phone",
            "province_code"
        ]
    );

    // A comune can only be a member of an Unione.
    let camaiore = app.municipality("046005").await;
    let p = assert_problem(
        app.patch(&location, &admin, json!({"member_of_id": camaiore}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["member_of_id"]);
    // Clearing with null, deactivating (never deleting).
    let res = app
        .patch(&location, &admin, json!({"address": null, "active": false}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let m: Value = res.json().await.unwrap();
    assert_eq!(m["address"], Value::Null);
    assert_eq!(m["active"], false);
    let inactive: Value = app
        .get("/api/v1/municipalities?active=false", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inactive["items"].as_array().unwrap().len(), 1);
    // Members of the Unione, by filter.
    let members: Value = app
        .get(
            &format!("/api/v1/municipalities?member_of_id={unione}&limit=200"),
            &admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(members["items"].as_array().unwrap().len(), 15);
    // The home page's counts follow: 19 seeded + 1 created - 1 deactivated.
    let summary: Value = app
        .get("/api/v1/summary", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        summary,
        json!({"municipalities": 19, "desks": 0, "users": 1})
    );
    // There is no delete.
    assert_problem(
        app.call(Method::DELETE, &location, Some(&admin), None)
            .await,
        405,
        "method_not_allowed",
    )
    .await;
}

async fn search_ignores_case_and_accents(app: TestApp) {
    let admin = app.admin().await;
    app.post(
        "/api/v1/municipalities",
        &admin,
        json!({"name": "Città di Prova", "kind": "other"}),
    )
    .await;
    let names = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = names(
        app.get("/api/v1/municipalities?q=CITTA", &admin)
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(r, ["Città di Prova"]);
    let r = names(
        app.get("/api/v1/municipalities?q=garfagnana", &admin)
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(r.len(), 4, "{r:?}");
    let r = names(
        app.get("/api/v1/municipalities?q=04601", &admin)
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(
        r,
        [
            "Castiglione di Garfagnana",
            "Fosciandora",
            "Gallicano",
            "Lucca",
            "Minucciano"
        ]
    );
    let r = names(
        app.get("/api/v1/municipalities?kind=questura", &admin)
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(r, ["Questura di Lucca"]);
    // Punctuation, LIKE wildcards included, is ignored like accents.
    let r = names(
        app.get("/api/v1/municipalities?q=_gallicano%25", &admin)
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(r, ["Gallicano"]);
}

async fn desks_with_opening_hours(app: TestApp) {
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let url = format!("/api/v1/municipalities/{gallicano}/desks");
    let res = app
        .post(
            &url,
            &admin,
            json!({"name": "Sportello immigrazione", "address": "Via Roma 1", "languages": ["it", "EN", "ar", "en"],
                   "opening_hours": [
                       {"weekday": "tuesday", "start": "14:00", "end": "17:00"},
                       {"weekday": "monday", "start": "09:00", "end": "12:30"}]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let desk: Value = res.json().await.unwrap();
    assert_eq!(desk["languages"], json!(["it", "en", "ar"]));
    assert_eq!(desk["opening_hours"][0]["weekday"], "monday");
    assert_eq!(desk["municipality_id"], gallicano.as_str());

    // Overlaps, reversed ranges and bad times are refused, naming each slot.
    let p = assert_problem(
        app.post(
            &url,
            &admin,
            json!({"name": "Sportello 2", "opening_hours": [
                {"weekday": "monday", "start": "09:00", "end": "12:30"},
                {"weekday": "monday", "start": "12:00", "end": "13:00"},
                {"weekday": "friday", "start": "11:00", "end": "10:00"},
                {"weekday": "friday", "start": "9am", "end": "10:00"}]}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&p),
        [
            "opening_hours[2].end",
            "opening_hours[3].start",
            "opening_hours[1]"
        ]
    );

    let desk_url = format!("/api/v1/desks/{}", desk["id"].as_str().unwrap());
    let res = app
        .patch(
            &desk_url,
            &admin,
            json!({"opening_hours": [], "active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let listed: Value = app
        .get(&format!("{url}?active=false"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["opening_hours"], json!([]));
    assert_problem(
        app.get("/api/v1/municipalities/nope/desks", &admin).await,
        404,
        "not_found",
    )
    .await;
}

async fn unione_client_covers_its_members(app: TestApp) {
    // A client acting for the Unione may manage the desks of every member comune, not others'.
    let unione = app.municipality("Unione dei Comuni della Garfagnana").await;
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let (_, client_id, secret) = app
        .api_client(&unione, &["desks:read", "desks:write"])
        .await;
    let tok: Value = app
        .client_token(&client_id, &secret)
        .await
        .json()
        .await
        .unwrap();
    let token = tok["access_token"].as_str().unwrap();
    let res = app
        .post(
            &format!("/api/v1/municipalities/{gallicano}/desks"),
            token,
            json!({"name": "Sportello"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            &format!("/api/v1/municipalities/{camaiore}/desks"),
            token,
            json!({"name": "Sportello"}),
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    // Nor can it probe with a body error: permission comes before the body.
    let res = app
        .post(
            &format!("/api/v1/municipalities/{camaiore}/desks"),
            token,
            json!({"bogus": true}),
        )
        .await;
    assert_problem(res, 404, "not_found").await;
}

async fn deactivating_a_municipality_cuts_off_its_staff_at_once(app: TestApp) {
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let unione = app.municipality("Unione dei Comuni della Garfagnana").await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, client_id, secret) = app.api_client(&gallicano, &["desks:read"]).await;
    let client: Value = app
        .client_token(&client_id, &secret)
        .await
        .json()
        .await
        .unwrap();
    let client = client["access_token"].as_str().unwrap().to_owned();
    let (_, unione_id, unione_secret) = app
        .api_client(&unione, &["desks:read", "desks:write"])
        .await;
    let by_unione: Value = app
        .client_token(&unione_id, &unione_secret)
        .await
        .json()
        .await
        .unwrap();
    let by_unione = by_unione["access_token"].as_str().unwrap().to_owned();
    let person = json!({"first_name": "Amina", "last_name": "Diallo", "birth_date": "1990-05-04",
                        "sex": "F", "citizenship": "SN", "municipality_id": gallicano});
    let res = app.post("/api/v1/people", &op, person.clone()).await;
    assert_eq!(res.status(), 201);
    let amina: Value = res.json().await.unwrap();
    let desks = format!("/api/v1/municipalities/{gallicano}/desks");
    assert_eq!(app.get(&desks, &client).await.status(), 200);

    let res = app
        .patch(
            &format!("/api/v1/municipalities/{gallicano}"),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // At once, with the tokens already issued: the operator no longer reaches its people nor
    // registers new ones there; its client is refused; the Unione no longer covers it.
    assert_problem(
        app.get(
            &format!("/api/v1/people/{}", amina["id"].as_str().unwrap()),
            &op,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let p = assert_problem(
        app.post("/api/v1/people", &op, person).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["municipality_id"]);
    assert_problem(app.get(&desks, &client).await, 401, "invalid_token").await;
    let res = app
        .post(&desks, &by_unione, json!({"name": "Sportello"}))
        .await;
    assert_problem(res, 404, "not_found").await;

    // Active again: back as before.
    let res = app
        .patch(
            &format!("/api/v1/municipalities/{gallicano}"),
            &admin,
            json!({"active": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get(&desks, &client).await.status(), 200);
}
