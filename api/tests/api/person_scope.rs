//! A desk sees only its own people: a possible duplicate registered elsewhere is named by its
//! municipality only, a case cannot be a way in, and a coordinator links a person to another
//! municipality with a reason. Duplicates are found by sound and transliteration.

use serde_json::{json, Value};

use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    a_duplicate_elsewhere_is_named_by_its_municipality_only,
    a_case_is_no_way_to_another_desks_person,
    coordinators_link_a_person_to_another_municipality,
    another_desk_that_serves_her_sees_her_identity_only,
    duplicates_are_found_by_sound_and_transliteration,
);

/// Registers a person; returns the answer.
async fn register(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post("/api/v1/people", token, body).await
}

struct Desks {
    gallicano: String,
    camaiore: String,
    op_g: String,
    op_c: String,
    coord: String,
    /// Ahmed Khan, registered at Gallicano with a phone, a tax code and a note.
    khan: String,
}

async fn desks(app: &TestApp) -> Desks {
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let (_, op_g) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, op_c) = app
        .user("op.camaiore", "operator", std::slice::from_ref(&camaiore))
        .await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let res = register(
        app,
        &op_g,
        json!({"first_name": "Ahmed", "last_name": "Khan", "birth_date": "1985-03-02", "sex": "M",
               "citizenship": "PK", "phone": "+39 320 5550101", "tax_code": "KHNHMD85C02Z236J",
               "notes": "diabete, in cura al CSM", "municipality_id": gallicano}),
    )
    .await;
    let status = res.status();
    let khan: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{khan}");
    Desks {
        gallicano,
        camaiore,
        op_g,
        op_c,
        coord,
        khan: khan["id"].as_str().unwrap().to_owned(),
    }
}

async fn a_duplicate_elsewhere_is_named_by_its_municipality_only(app: TestApp) {
    let d = desks(&app).await;
    let again = json!({"first_name": "Ahmed", "last_name": "Khan", "birth_date": "1985-03-02",
                       "municipality_id": d.camaiore});
    let p = assert_problem(
        register(&app, &d.op_c, again.clone()).await,
        409,
        "possible_duplicate",
    )
    .await;
    assert_eq!(p["candidates"], json!([]));
    assert_eq!(
        p["elsewhere"],
        json!([{"municipality_id": d.gallicano, "municipality_name": "Gallicano"}])
    );
    let text = p.to_string();
    for secret in [
        &d.khan,
        "320 5550101",
        "KHNHMD85C02Z236J",
        "diabete",
        "PK",
        "1985",
    ] {
        assert!(!text.contains(secret), "{secret} revealed: {text}");
    }
    // A partner system of Camaiore with cases:write learns no more.
    let (_, id, secret) = app.api_client(&d.camaiore, &["cases:write"]).await;
    let token: Value = app.client_token(&id, &secret).await.json().await.unwrap();
    let p = assert_problem(
        register(&app, token["access_token"].as_str().unwrap(), again.clone()).await,
        409,
        "possible_duplicate",
    )
    .await;
    assert_eq!(p["candidates"], json!([]));
    assert!(!p.to_string().contains(&d.khan));
    // Gallicano's own desk, and the coordinator, are shown the person.
    let mine = json!({"first_name": "Khan", "last_name": "Ahmed", "birth_date": "1985-03-02",
                      "municipality_id": d.gallicano});
    let p = assert_problem(
        register(&app, &d.op_g, mine).await,
        409,
        "possible_duplicate",
    )
    .await;
    assert_eq!(p["candidates"][0]["id"], d.khan.as_str());
    assert_eq!(p["elsewhere"], json!([]));
    let p = assert_problem(
        register(&app, &d.coord, again.clone()).await,
        409,
        "possible_duplicate",
    )
    .await;
    assert_eq!(p["candidates"][0]["id"], d.khan.as_str());
    // Camaiore may still register her as a person of its own.
    let mut confirmed = again;
    confirmed["confirm_new"] = json!(true);
    assert_eq!(register(&app, &d.op_c, confirmed).await.status(), 201);
}

async fn a_case_is_no_way_to_another_desks_person(app: TestApp) {
    let d = desks(&app).await;
    let open = json!({"person_id": d.khan, "municipality_id": d.camaiore,
                      "category_id": "residence_permit", "summary": "Rinnovo"});
    let p = assert_problem(
        app.post("/api/v1/cases", &d.op_c, open.clone()).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["person_id"]);
    assert_eq!(p["errors"][0]["code"], "invalid_reference");
    // Exactly the answer for a person that does not exist.
    let mut nobody = open.clone();
    nobody["person_id"] = json!("0190a0a0-0000-7000-8000-000000000000");
    let q = assert_problem(
        app.post("/api/v1/cases", &d.op_c, nobody).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"], q["errors"]);
    // Nothing opened, so she stays out of reach.
    assert_eq!(
        app.get(&format!("/api/v1/people/{}", d.khan), &d.op_c)
            .await
            .status(),
        404
    );
    // Clients follow the same rule.
    let (_, id, secret) = app.api_client(&d.camaiore, &["cases:write"]).await;
    let token: Value = app.client_token(&id, &secret).await.json().await.unwrap();
    let p = assert_problem(
        app.post(
            "/api/v1/cases",
            token["access_token"].as_str().unwrap(),
            open.clone(),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["person_id"]);
    // Her own desk opens cases for her as before.
    let mut own = open;
    own["municipality_id"] = json!(d.gallicano);
    assert_eq!(app.post("/api/v1/cases", &d.op_g, own).await.status(), 201);
}

async fn coordinators_link_a_person_to_another_municipality(app: TestApp) {
    let d = desks(&app).await;
    let url = format!("/api/v1/people/{}/links", d.khan);
    let link = json!({"municipality_id": d.camaiore, "reason": "Trasferito a Camaiore, segue la pratica lì"});
    // Only coordinators and admins link.
    assert_problem(
        app.post(&url, &d.op_c, link.clone()).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(&url, &d.op_g, link.clone()).await,
        403,
        "forbidden",
    )
    .await;
    let p = assert_problem(
        app.post(
            &url,
            &d.coord,
            json!({"municipality_id": d.camaiore, "reason": "  "}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["reason"]);
    let p = assert_problem(
        app.post(
            &url,
            &d.coord,
            json!({"municipality_id": "nowhere", "reason": "x"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["municipality_id"]);
    let res = app.post(&url, &d.coord, link.clone()).await;
    assert_eq!(res.status(), 201);
    let made: Value = res.json().await.unwrap();
    assert_eq!(made["municipality_id"], d.camaiore.as_str());
    assert_eq!(made["linked_by_name"], "coord");
    assert_problem(app.post(&url, &d.coord, link).await, 409, "already_linked").await;

    // Camaiore's desk now serves her: finds her, reads her, opens a case.
    assert_eq!(
        app.get(&format!("/api/v1/people/{}", d.khan), &d.op_c)
            .await
            .status(),
        200
    );
    let found: Value = app
        .get("/api/v1/people?q=ahmed%20khan", &d.op_c)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["id"], d.khan.as_str(), "{found}");
    let listed: Value = app
        .get("/api/v1/people", &d.op_c)
        .await
        .json()
        .await
        .unwrap();
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == d.khan.as_str()));
    let open = json!({"person_id": d.khan, "municipality_id": d.camaiore,
                      "category_id": "residence_permit", "summary": "Rinnovo"});
    assert_eq!(app.post("/api/v1/cases", &d.op_c, open).await.status(), 201);

    // The link is on her access log; the audit chain records it without the reason.
    let log: Value = app
        .get(&format!("/api/v1/people/{}/access-log", d.khan), &d.coord)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "person.link" && e["actor_name"] == "coord"),
        "{log}"
    );
    let admin = app.admin().await;
    let audit: Value = app
        .get(
            &format!("/api/v1/audit?entity_id={}&action=person.link", d.khan),
            &admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");
    assert!(!audit.to_string().contains("Trasferito"), "{audit}");
    // Anonymisation reaches the reason.
    let res = app
        .post(
            &format!("/api/v1/people/{}/anonymise", d.khan),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let mut c = app.db.conn().unwrap();
    use diesel::prelude::*;
    let reasons: Vec<String> = lumit_api::schema::person_links::table
        .select(lumit_api::schema::person_links::reason)
        .load(&mut **c)
        .unwrap();
    assert_eq!(reasons, ["[anonimizzato]"]);
}

async fn another_desk_that_serves_her_sees_her_identity_only(app: TestApp) {
    let d = desks(&app).await;
    let link = json!({"municipality_id": d.camaiore, "reason": "Trasferito"});
    let url = format!("/api/v1/people/{}", d.khan);
    assert_eq!(
        app.post(&format!("{url}/links"), &d.coord, link)
            .await
            .status(),
        201
    );
    let read = |token: String| {
        let (app, url) = (&app, url.clone());
        async move {
            let res = app.get(&url, &token).await;
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()
        }
    };
    // Gallicano registered him: everything it gathered.
    let full = read(d.op_g.clone()).await;
    assert_eq!(full["phone"], "+39 320 5550101");
    assert_eq!(full["notes"], "diabete, in cura al CSM");
    assert_eq!(full["identity_only"], false);
    // Camaiore serves him too: his identity, not Gallicano's notes and contacts.
    let seen = read(d.op_c.clone()).await;
    assert_eq!(seen["identity_only"], true);
    assert_eq!(
        (
            &seen["first_name"],
            &seen["last_name"],
            &seen["birth_date"],
            &seen["sex"],
            &seen["citizenship"]
        ),
        (
            &json!("Ahmed"),
            &json!("Khan"),
            &json!("1985-03-02"),
            &json!("M"),
            &json!("PK")
        )
    );
    for kept in ["phone", "tax_code", "notes", "permit_number", "email"] {
        assert!(seen[kept].is_null(), "{kept} shown to another desk: {seen}");
    }
    let listed: Value = app
        .get("/api/v1/people?q=khan", &d.op_c)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["id"], d.khan.as_str());
    assert!(listed["items"][0]["notes"].is_null() && listed["items"][0]["phone"].is_null());
    // Nor does it change them, unseen; it keeps his identity up to date.
    let p = assert_problem(
        app.patch(&url, &d.op_c, json!({"phone": "333 0000000", "notes": "x"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["phone", "notes"]);
    assert_eq!(p["errors"][0]["code"], "kept_by_registering_desk");
    let res = app
        .patch(&url, &d.op_c, json!({"languages": ["ur", "en"]}))
        .await;
    assert_eq!(res.status(), 200);
    let after: Value = res.json().await.unwrap();
    assert!(after["phone"].is_null() && after["identity_only"] == true);
    let full = read(d.op_g.clone()).await;
    assert_eq!(full["phone"], "+39 320 5550101");
    assert_eq!(full["languages"], json!(["ur", "en"]));
    // Coordinators see every desk's work.
    assert_eq!(read(d.coord.clone()).await["identity_only"], false);
}

async fn duplicates_are_found_by_sound_and_transliteration(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let admin = app.admin().await;
    let pairs = [
        (("Mohamed", "Benali"), ("Mohammed", "Benali")),
        (("Mohamed", "Benali"), ("Benali", "Muhammad")),
        (("Oleksandr", "Kovalenko"), ("Olexandr", "Kovalenko")),
        (("Oleksandr", "Kovalenko"), ("Aleksandr", "Kovalenko")),
        (("Thi Lan", "Nguyen"), ("Thi Lan", "Nguyễn")),
        (("Mohammad", "Hossain"), ("Mohammad", "Hussain")),
    ];
    // Each pair both ways, each on a day of its own.
    let mut day = 0;
    for ((f1, l1), (f2, l2)) in pairs {
        for ((fa, la), (fb, lb)) in [((f1, l1), (f2, l2)), ((f2, l2), (f1, l1))] {
            day += 1;
            let date = format!("1987-12-{day:02}");
            let first = register(
                &app,
                &admin,
                json!({"first_name": fa, "last_name": la, "birth_date": date, "municipality_id": gallicano}),
            )
            .await;
            assert_eq!(first.status(), 201, "{fa} {la}");
            let id = first.json::<Value>().await.unwrap()["id"].clone();
            let p = assert_problem(
                register(
                    &app,
                    &admin,
                    json!({"first_name": fb, "last_name": lb, "birth_date": date, "municipality_id": gallicano}),
                )
                .await,
                409,
                "possible_duplicate",
            )
            .await;
            assert_eq!(p["candidates"][0]["id"], id, "{fa} {la} / {fb} {lb}");
            // Only the year known: still found.
            let p = assert_problem(
                register(
                    &app,
                    &admin,
                    json!({"first_name": fb, "last_name": lb, "birth_year": 1987, "municipality_id": gallicano}),
                )
                .await,
                409,
                "possible_duplicate",
            )
            .await;
            assert!(
                p["candidates"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["id"] == id),
                "{fb} {lb} by year"
            );
        }
    }
    // Other people of a common surname, born on other days, raise no alarm.
    for (first, date) in [
        ("Mohamed", "1990-05-05"),
        ("Fatima", "1987-12-01"),
        ("Mehmet", "1987-12-01"),
    ] {
        let res = register(
            &app,
            &admin,
            json!({"first_name": first, "last_name": "Benali", "birth_date": date, "municipality_id": gallicano}),
        )
        .await;
        assert_eq!(res.status(), 201, "{first} Benali {date}");
    }
}
