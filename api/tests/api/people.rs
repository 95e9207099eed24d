//! People: registration with duplicate detection, sound-alike search, scope, access log.

use serde_json::{json, Value};

use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    duplicates_are_caught_whatever_the_spelling_of_case_and_order,
    search_finds_spelling_variants,
    search_follows_where_a_person_is_seen_and_who_they_are,
    operators_see_only_their_municipalities,
    every_read_is_in_the_access_log,
    bad_person_data_names_the_field,
);

async fn duplicates_are_caught_whatever_the_spelling_of_case_and_order(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let first = app
        .post(
            "/api/v1/people",
            &op,
            json!({"first_name": "Maria José", "last_name": "De Luca", "birth_date": "1990-04-12", "sex": "F",
                   "citizenship": "BR", "municipality_id": gallicano}),
        )
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();

    // Same person typed differently: names swapped, no accents, other case and spacing.
    let again = json!({"first_name": "DELUCA", "last_name": "maria jose", "birth_date": "1990-04-12", "municipality_id": gallicano});
    let p = assert_problem(
        app.post("/api/v1/people", &op, again.clone()).await,
        409,
        "possible_duplicate",
    )
    .await;
    assert_eq!(p["candidates"][0]["id"], first["id"]);
    assert_eq!(p["candidates"][0]["birth_date"], "1990-04-12");
    // Another birth date is another person; confirm_new creates anyway.
    let other = json!({"first_name": "Maria José", "last_name": "De Luca", "birth_date": "1991-04-12", "municipality_id": gallicano});
    assert_eq!(app.post("/api/v1/people", &op, other).await.status(), 201);
    let mut confirmed = again;
    confirmed["confirm_new"] = json!(true);
    assert_eq!(
        app.post("/api/v1/people", &op, confirmed).await.status(),
        201
    );
    // Only the birth year known: matched on the year.
    let year_only = json!({"first_name": "Ahmed", "last_name": "Khan", "birth_year": 1985, "municipality_id": gallicano});
    assert_eq!(
        app.post("/api/v1/people", &op, year_only.clone())
            .await
            .status(),
        201
    );
    assert_problem(
        app.post("/api/v1/people", &op, year_only).await,
        409,
        "possible_duplicate",
    )
    .await;
}

/// One field of each person a name search finds, in the list's order.
async fn found_by_name(app: &TestApp, token: &str, q: &str, field: &str) -> Vec<String> {
    let page: Value = app
        .get(&format!("/api/v1/people?q={q}"), token)
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[field].as_str().unwrap().to_owned())
        .collect()
}

async fn search_finds_spelling_variants(app: TestApp) {
    let admin = app.admin().await;
    let lucca = app.municipality("046017").await;
    for (first, last) in [
        ("Mohammed", "Ali"),
        ("Thi Lan", "Nguyễn"),
        ("José", "Pereira"),
        ("Anna", "Rossi"),
    ] {
        let res = app
            .post(
                "/api/v1/people",
                &admin,
                json!({"first_name": first, "last_name": last, "municipality_id": lucca}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let found = |q: &'static str| {
        let (app, admin) = (&app, admin.clone());
        async move { found_by_name(app, &admin, q, "first_name").await }
    };
    assert_eq!(found("Mohamed").await, ["Mohammed"]);
    assert_eq!(found("nguyen").await, ["Thi Lan"]);
    assert_eq!(found("jose").await, ["José"]);
    assert_eq!(found("ali%20mohamed").await, ["Mohammed"]);
    // As a desk types: one word whole, the next begun; every word must start a word of the name.
    assert_eq!(found("mohamed%20a").await, ["Mohammed"]);
    assert_eq!(found("a%20mohamed").await, ["Mohammed"]);
    assert!(found("mohamed%20r").await.is_empty());
    assert!(found("Zzyzx").await.is_empty());
}

// The name search reads a word index kept per municipality where a person is visible: it must
// follow a new case elsewhere, a new name, a merge and an anonymisation.
async fn search_follows_where_a_person_is_seen_and_who_they_are(app: TestApp) {
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let register = |first: &'static str, last: &'static str, municipality: String| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let res = app
                .post(
                    "/api/v1/people",
                    &admin,
                    json!({"first_name": first, "last_name": last,
                           "municipality_id": municipality, "confirm_new": true}),
                )
                .await;
            assert_eq!(res.status(), 201);
            res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let search = |token: String, q: &'static str| {
        let app = &app;
        async move { found_by_name(app, &token, q, "id").await }
    };
    let fatima = register("Fatima", "Benali", camaiore.clone()).await;
    assert!(search(op.clone(), "fatima%20benali").await.is_empty());
    assert_eq!(search(coord.clone(), "benali").await, vec![fatima.clone()]);

    // A case in Gallicano makes her findable there, by any word prefix in any order.
    let res = app
        .post(
            "/api/v1/cases",
            &admin,
            json!({"person_id": fatima, "municipality_id": gallicano,
                   "category_id": "registry", "summary": "Residenza"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    for q in ["fatima%20benali", "BEN%20fat", "benal"] {
        assert_eq!(search(op.clone(), q).await, vec![fatima.clone()], "{q}");
    }
    assert!(search(op.clone(), "fatima%20rossi").await.is_empty());

    // A new name replaces the old words.
    let res = app
        .patch(
            &format!("/api/v1/people/{fatima}"),
            &admin,
            json!({"last_name": "Bennani"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(search(op.clone(), "benali").await.is_empty());
    assert_eq!(search(op.clone(), "bennani").await, vec![fatima.clone()]);

    // A duplicate registered in Gallicano, merged away: one person is found, the one kept.
    let dup = register("Fatma", "Bennani", gallicano.clone()).await;
    assert_eq!(search(op.clone(), "bennani").await.len(), 2);
    // The coordinator finds Fatima through both municipalities where she is seen, yet she is one
    // match: a page of one leaves room for the next person.
    let one: Value = app
        .get("/api/v1/people?q=bennani&limit=1", &coord)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert!(one["next_cursor"].is_string(), "{one}");
    // Paged one at a time, in name order, the cursor continues among the matches.
    let first: Value = app
        .get("/api/v1/people?q=bennani&limit=1", &op)
        .await
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second: Value = app
        .get(
            &format!("/api/v1/people?q=bennani&limit=1&cursor={cursor}"),
            &op,
        )
        .await
        .json()
        .await
        .unwrap();
    let mut both = vec![
        first["items"][0]["id"].as_str().unwrap().to_owned(),
        second["items"][0]["id"].as_str().unwrap().to_owned(),
    ];
    assert!(second["next_cursor"].is_null());
    both.sort();
    let mut expected = vec![fatima.clone(), dup.clone()];
    expected.sort();
    assert_eq!(both, expected);
    let res = app
        .post(
            &format!("/api/v1/people/{fatima}/merge"),
            &coord,
            json!({"duplicate_id": dup}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(search(op.clone(), "bennani").await, vec![fatima.clone()]);

    // Anonymised: found by name no more.
    let res = app
        .post(
            &format!("/api/v1/people/{fatima}/anonymise"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(search(coord.clone(), "bennani").await.is_empty());
    assert!(search(op.clone(), "fatima").await.is_empty());
}

async fn operators_see_only_their_municipalities(app: TestApp) {
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let unione = app.municipality("Unione dei Comuni della Garfagnana").await;
    let in_gallicano: Value = app
        .post(
            "/api/v1/people",
            &admin,
            json!({"first_name": "Fatima", "last_name": "Benali", "municipality_id": gallicano}),
        )
        .await
        .json()
        .await
        .unwrap();
    app.post(
        "/api/v1/people",
        &admin,
        json!({"first_name": "Olena", "last_name": "Shevchenko", "municipality_id": camaiore}),
    )
    .await;
    // An operator of the Unione covers Gallicano, a member; not Camaiore.
    let (_, op) = app.user("op.unione", "operator", &[unione]).await;
    let page: Value = app.get("/api/v1/people", &op).await.json().await.unwrap();
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["last_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Benali"]);
    assert_eq!(
        app.get(
            &format!("/api/v1/people/{}", in_gallicano["id"].as_str().unwrap()),
            &op
        )
        .await
        .status(),
        200
    );
    // Registering for a municipality one doesn't work for is refused, naming the field.
    let p = assert_problem(
        app.post(
            "/api/v1/people",
            &op,
            json!({"first_name": "X", "last_name": "Y", "municipality_id": camaiore}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["municipality_id"]);
    // Coordinators see everyone.
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let page: Value = app
        .get("/api/v1/people", &coord)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
}

async fn every_read_is_in_the_access_log(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let person: Value = app
        .post(
            "/api/v1/people",
            &op,
            json!({"first_name": "Amina", "last_name": "Diallo", "municipality_id": gallicano}),
        )
        .await
        .json()
        .await
        .unwrap();
    let url = format!("/api/v1/people/{}", person["id"].as_str().unwrap());
    app.get(&url, &op).await;
    app.get(&url, &op).await;
    app.get(&url, &coord).await;
    // A list page that showed her is a read too.
    app.get("/api/v1/people", &op).await;
    let log: Value = app
        .get(&format!("{url}/access-log"), &coord)
        .await
        .json()
        .await
        .unwrap();
    let readers: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        readers,
        ["op.gallicano", "coord", "op.gallicano", "op.gallicano"]
    );
    assert_eq!(log["items"][0]["action"], "person.list");
    assert_eq!(log["items"][1]["action"], "person.read");
}

async fn bad_person_data_names_the_field(app: TestApp) {
    let admin = app.admin().await;
    let lucca = app.municipality("046017").await;
    let p = assert_problem(
        app.post(
            "/api/v1/people",
            &admin,
            json!({"first_name": "", "last_name": "Rossi", "tax_code": "RSSMRA80A01H501X", "citizenship": "XYZ",
                   "languages": ["klingon"], "birth_date": "2999-01-01", "municipality_id": lucca}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&p),
        [
            "first_name",
            "birth_date",
            "citizenship",
            "languages[0]",
            "tax_code"
        ]
    );
    let p = assert_problem(
        app.post("/api/v1/people", &admin, json!({"first_name": "A", "last_name": "B", "birth_date": "12/04/1990", "municipality_id": lucca})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["birth_date"]);
    // A valid codice fiscale is accepted and stored upper case; If-Match protects changes.
    let res = app
        .post("/api/v1/people", &admin, json!({"first_name": "Mario", "last_name": "Rossi", "tax_code": "rssmra80a01h501u", "municipality_id": lucca}))
        .await;
    assert_eq!(res.status(), 201);
    let person: Value = res.json().await.unwrap();
    assert_eq!(person["tax_code"], "RSSMRA80A01H501U");
    let url = format!(
        "{}/api/v1/people/{}",
        app.base,
        person["id"].as_str().unwrap()
    );
    let res = app
        .http
        .patch(&url)
        .bearer_auth(&admin)
        .header("if-match", "\"7\"")
        .json(&json!({"notes": "x"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "stale_write").await;
}
