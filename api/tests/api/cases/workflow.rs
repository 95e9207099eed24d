//! Opening a case and moving it through its workflow; the references it must name; the taxonomy.

use reqwest::Method;
use serde_json::{json, Value};

use super::{open_case, setup};
use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    a_case_moves_through_the_workflow_to_closed,
    references_are_checked,
    admins_manage_the_taxonomy,
);

async fn a_case_moves_through_the_workflow_to_closed(app: TestApp) {
    let d = setup(&app).await;
    let case = open_case(&app, &d, "Rinnovo del permesso in scadenza").await;
    let reference = case["reference"].as_str().unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(reference, format!("LU-{year}-000001"));
    assert_eq!(case["status"], "open");
    assert_eq!(case["person_name"], "Amina Diallo");
    let second = open_case(&app, &d, "Tessera sanitaria").await;
    assert_eq!(second["reference"], format!("LU-{year}-000002"));

    let url = format!("/api/v1/cases/{}/transitions", case["id"].as_str().unwrap());
    let go = |token: String, body: Value| {
        let (app, url) = (&app, url.clone());
        async move { app.post(&url, &token, body).await }
    };
    let res = go(d.op.clone(), json!({"to": "in_progress"})).await;
    assert_eq!(res.status(), 200);
    // An impossible move lists the possible ones.
    let p = assert_problem(
        go(d.op.clone(), json!({"to": "open"})).await,
        409,
        "transition_not_allowed",
    )
    .await;
    assert_eq!(
        p["allowed"],
        json!(["waiting_documents", "waiting_office", "closed"])
    );
    assert_eq!(
        go(
            d.op.clone(),
            json!({"to": "waiting_office", "note": "Inviata alla Questura"})
        )
        .await
        .status(),
        200
    );
    // Closing needs an outcome.
    let p = assert_problem(
        go(d.op.clone(), json!({"to": "closed"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["outcome"]);
    let closed: Value = go(d.op.clone(), json!({"to": "closed", "outcome": "resolved"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["outcome"], "resolved");
    assert!(closed["closed_at"].is_string());
    // Reopening is for coordinators, with a reason.
    assert_problem(
        go(d.op.clone(), json!({"to": "open", "note": "x"})).await,
        403,
        "forbidden",
    )
    .await;
    let p = assert_problem(
        go(d.coord.clone(), json!({"to": "open"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["note"]);
    let reopened: Value = go(
        d.coord.clone(),
        json!({"to": "open", "note": "Permesso respinto"}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(reopened["status"], "open");
    assert_eq!(reopened["closed_at"], Value::Null);
    assert_eq!(reopened["outcome"], Value::Null);

    let timeline: Value = app
        .get(
            &format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap()),
            &d.op,
        )
        .await
        .json()
        .await
        .unwrap();
    let steps: Vec<String> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}→{}",
                e["data"]["from"].as_str().unwrap(),
                e["data"]["to"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            "open→in_progress",
            "in_progress→waiting_office",
            "waiting_office→closed",
            "closed→open"
        ]
    );
    assert_eq!(timeline[3]["note"], "Permesso respinto");
    assert_eq!(timeline[3]["author_name"], "coord");
    let admin = app.admin().await;
    let log: Value = app
        .get(
            &format!(
                "/api/v1/audit?entity_id={}&action=case.reopen",
                case["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
}

async fn references_are_checked(app: TestApp) {
    let d = setup(&app).await;
    let cats: Value = app
        .get("/api/v1/case-categories", &d.op)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = cats
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"family_reunification") && ids.contains(&"citizenship.marriage"));
    let base = json!({"person_id": d.person, "municipality_id": d.gallicano, "category_id": "residence_permit", "summary": "x"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("category_id", json!("nope")), "category_id"),
        (
            with("category_id", json!("residence_permit.renewal")),
            "category_id",
        ),
        (
            with("subcategory_id", json!("citizenship.marriage")),
            "subcategory_id",
        ),
        (with("person_id", json!("nobody")), "person_id"),
        (with("desk_id", json!("no-desk")), "desk_id"),
        (with("summary", json!("  ")), "summary"),
        (with("assigned_to_id", json!("ghost")), "assigned_to_id"),
    ] {
        let p = assert_problem(
            app.post("/api/v1/cases", &d.op, body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&p), [field]);
    }
    let camaiore = app.municipality("046005").await;
    let p = assert_problem(
        app.post(
            "/api/v1/cases",
            &d.op,
            with("municipality_id", json!(camaiore)),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["municipality_id"]);

    // An operator of another municipality cannot be given the case (she would see the person);
    // a coordinator, who works for the whole province, can.
    let (camaiore_op, _) = app
        .user("op.camaiore", "operator", std::slice::from_ref(&camaiore))
        .await;
    let p = assert_problem(
        app.post(
            "/api/v1/cases",
            &d.op,
            with("assigned_to_id", json!(camaiore_op)),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["assigned_to_id"]);
    assert_eq!(p["errors"][0]["code"], "not_in_municipality", "{p}");
    let coord_id = app.login("coord", crate::common::USER_PASSWORD).await["user"]["id"].clone();
    let res = app
        .post("/api/v1/cases", &d.op, with("assigned_to_id", coord_id))
        .await;
    assert_eq!(res.status(), 201);

    // A person merged into another is gone: no new case for her.
    let dup: Value = app
        .post(
            "/api/v1/people",
            &d.op,
            json!({"first_name": "Aminah", "last_name": "Diallo", "birth_date": "1990-05-04", "sex": "F",
                   "citizenship": "SN", "municipality_id": d.gallicano, "confirm_new": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    let dup = dup["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{dup}"))
        .to_owned();
    let res = app
        .post(
            &format!("/api/v1/people/{}/merge", d.person),
            &d.coord,
            json!({"duplicate_id": dup}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let p = assert_problem(
        app.post("/api/v1/cases", &d.op, with("person_id", json!(dup)))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["person_id"]);

    let case = open_case(&app, &d, "Rinnovo").await;
    let url = format!("{}/api/v1/cases/{}", app.base, case["id"].as_str().unwrap());
    let res = app
        .http
        .request(Method::PATCH, &url)
        .bearer_auth(&d.op)
        .header("if-match", "\"9\"")
        .json(&json!({"summary": "y"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "stale_write").await;
    let p = assert_problem(
        app.patch(
            &format!("/api/v1/cases/{}", case["id"].as_str().unwrap()),
            &d.op,
            json!({"status": "closed"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "unknown_field");
}

async fn admins_manage_the_taxonomy(app: TestApp) {
    let d = setup(&app).await;
    let admin = app.admin().await;
    let body = json!({"id": "residence_permit.seasonal", "parent_id": "residence_permit", "name_it": "Lavoro stagionale", "name_en": "Seasonal work"});
    assert_problem(
        app.post("/api/v1/case-categories", &d.op, body.clone())
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.post("/api/v1/case-categories", &admin, body.clone())
            .await
            .status(),
        201
    );
    assert_problem(
        app.post("/api/v1/case-categories", &admin, body).await,
        409,
        "already_exists",
    )
    .await;
    let p = assert_problem(
        app.post(
            "/api/v1/case-categories",
            &admin,
            json!({"id": "Bad Id", "name_it": "", "name_en": "x", "retention_years": 0}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["id", "name_it", "retention_years"]);
    let res = app
        .patch(
            "/api/v1/case-categories/international_protection",
            &admin,
            json!({"retention_years": 10, "checklist": ["Modello C3"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cats: Value = app
        .get("/api/v1/case-categories", &d.op)
        .await
        .json()
        .await
        .unwrap();
    let ip = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "international_protection")
        .unwrap();
    assert_eq!(ip["retention_years"], 10);
    assert_eq!(ip["checklist"], json!(["Modello C3"]));
    // The new sub-category works for cases.
    let res = app
        .post("/api/v1/cases", &d.op, json!({"person_id": d.person, "municipality_id": d.gallicano, "category_id": "residence_permit",
                                              "subcategory_id": "residence_permit.seasonal", "summary": "Stagionale"}))
        .await;
    assert_eq!(res.status(), 201);
}
