//! Referrals and deadlines; the data-protection tools: export, merge, anonymise, retention.

use serde_json::{json, Value};

use crate::common::{assert_problem, fields, Backend, TestApp};
use crate::db_tests;

db_tests!(
    referrals_with_overdue_follow_ups_reach_the_deadlines,
    permits_and_integration_checks_fall_due,
    export_merge_and_anonymise,
    an_export_is_written_out_whole_page_by_page,
    retention_anonymises_what_is_due,
);

async fn person(
    app: &TestApp,
    token: &str,
    municipality: &str,
    first: &str,
    last: &str,
    extra: Value,
) -> String {
    let mut body = json!({"first_name": first, "last_name": last, "municipality_id": municipality, "confirm_new": true});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let res = app.post("/api/v1/people", token, body).await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn case(
    app: &TestApp,
    token: &str,
    person: &str,
    municipality: &str,
    category: &str,
) -> Value {
    let res = app
        .post("/api/v1/cases", token, json!({"person_id": person, "municipality_id": municipality, "category_id": category, "summary": "Pratica"}))
        .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// The export of a person with more cases than a page holds: written out as it is read (no
/// length known in advance), every case once, in one valid document; and a person without
/// cases still gets a whole document.
async fn an_export_is_written_out_whole_page_by_page(app: TestApp) {
    use lumit_api::routes::people::EXPORT_PAGE;
    let gallicano = app.municipality("046015").await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let many = person(&app, &coord, &gallicano, "Amina", "Diop", json!({})).await;
    let none = person(&app, &coord, &gallicano, "Rosa", "Diop", json!({})).await;
    // Exactly two pages: the second is the last, though it is full.
    let total = EXPORT_PAGE as usize * 2;
    let mut opened = std::collections::BTreeSet::new();
    for _ in 0..total {
        let c = case(&app, &coord, &many, &gallicano, "registry").await;
        opened.insert(c["id"].as_str().unwrap().to_owned());
    }
    let res = app
        .get(&format!("/api/v1/people/{many}/export"), &coord)
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers().get("content-length").is_none(),
        "streamed, not built whole: {:?}",
        res.headers()
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
    let export: lumit_shared::case::PersonExport = res.json().await.expect("one valid document");
    assert_eq!(export.person.id, many);
    let exported: Vec<String> = export.cases.iter().map(|c| c.case.id.clone()).collect();
    assert_eq!(exported.len(), total, "every case, once");
    assert_eq!(
        exported
            .iter()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        opened
    );
    let res = app
        .get(&format!("/api/v1/people/{none}/export"), &coord)
        .await;
    assert_eq!(res.status(), 200);
    let export: lumit_shared::case::PersonExport = res.json().await.expect("one valid document");
    assert_eq!(
        (export.person.id.as_str(), export.cases.len()),
        (none.as_str(), 0)
    );
}

fn days(n: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(n)).to_string()
}

async fn referrals_with_overdue_follow_ups_reach_the_deadlines(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let questura = app.municipality("Questura di Lucca").await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let p = person(&app, &op, &gallicano, "Amina", "Diallo", json!({})).await;
    let c = case(&app, &op, &p, &gallicano, "residence_permit").await;
    let url = format!("/api/v1/cases/{}/referrals", c["id"].as_str().unwrap());
    let res = app
        .post(&url, &op, json!({"office_kind": "questura", "target_municipality_id": questura, "reason": "Appuntamento per le impronte", "follow_up_date": days(-3)}))
        .await;
    assert_eq!(res.status(), 201);
    let r: Value = res.json().await.unwrap();
    let p2 = assert_problem(
        app.post(&url, &op, json!({"office_kind": "questura", "reason": " "}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p2), ["reason"]);

    let due: Value = app
        .get("/api/v1/deadlines?within_days=30", &op)
        .await
        .json()
        .await
        .unwrap();
    let item = due
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "referral_follow_up")
        .expect("follow-up listed");
    assert_eq!(item["overdue"], true);
    assert_eq!(item["case_reference"], c["reference"]);
    // The referral is on the timeline; answering takes it off the deadlines.
    let timeline: Value = app
        .get(
            &format!("/api/v1/cases/{}/events", c["id"].as_str().unwrap()),
            &op,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(timeline[0]["kind"], "referral");
    let res = app
        .post(
            &format!("{url}/{}/answer", r["id"].as_str().unwrap()),
            &op,
            json!({"answer": "Fissato il 12/12"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let due: Value = app
        .get("/api/v1/deadlines", &op)
        .await
        .json()
        .await
        .unwrap();
    assert!(due
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["kind"] != "referral_follow_up"));
    let listed: Value = app.get(&url, &op).await.json().await.unwrap();
    assert_eq!(listed[0]["answer"], "Fissato il 12/12");
    assert_problem(
        app.get("/api/v1/deadlines?within_days=0", &op).await,
        400,
        "invalid_query",
    )
    .await;
}

async fn permits_and_integration_checks_fall_due(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let admin = app.admin().await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    person(
        &app,
        &admin,
        &gallicano,
        "Soon",
        "Expiring",
        json!({"permit_expiry": days(20)}),
    )
    .await;
    person(
        &app,
        &admin,
        &gallicano,
        "Later",
        "Expiring",
        json!({"permit_expiry": days(200)}),
    )
    .await;
    person(
        &app,
        &admin,
        &camaiore,
        "Other",
        "Desk",
        json!({"permit_expiry": days(10)}),
    )
    .await;
    let p = person(&app, &admin, &gallicano, "Accordo", "Firmato", json!({})).await;
    let c = case(&app, &admin, &p, &gallicano, "integration_agreement").await;
    // Signed two years ago: the check is due now.
    let two_years_ago = "UPDATE cases SET opened_at = opened_at - INTERVAL '725 days'";
    app.sql(&match app.backend {
        Backend::Postgres => format!("{two_years_ago} WHERE id = '{}'", c["id"].as_str().unwrap()),
        Backend::Sqlite => format!(
            "UPDATE cases SET opened_at = datetime(opened_at, '-725 days') WHERE id = '{}'",
            c["id"].as_str().unwrap()
        ),
    });
    let due: Value = app
        .get("/api/v1/deadlines?within_days=60", &op)
        .await
        .json()
        .await
        .unwrap();
    let items: Vec<(String, String)> = due
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_owned(),
                d["person_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            ("integration_check".to_owned(), "Accordo Firmato".to_owned()),
            ("permit_expiry".to_owned(), "Soon Expiring".to_owned())
        ]
    );
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let all: Value = app
        .get("/api/v1/deadlines?within_days=60", &coord)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3);
}

async fn export_merge_and_anonymise(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let admin = app.admin().await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let keep = person(
        &app,
        &coord,
        &gallicano,
        "Mohammed",
        "Ali",
        json!({"birth_date": "1980-01-02", "tax_code": "RSSMRA80A01H501U", "phone": "333 1234567"}),
    )
    .await;
    let dup = person(
        &app,
        &coord,
        &gallicano,
        "Mohamed",
        "Ali",
        json!({"birth_date": "1980-01-02"}),
    )
    .await;
    let c1 = case(&app, &coord, &keep, &gallicano, "citizenship").await;
    let c2 = case(&app, &coord, &dup, &gallicano, "registry").await;
    app.post(
        &format!("/api/v1/cases/{}/events", c1["id"].as_str().unwrap()),
        &coord,
        json!({"kind": "note", "note": "Parla arabo"}),
    )
    .await;

    // Merge: the duplicate's case moves, the duplicate is gone from lists and reads.
    let res = app
        .post(
            &format!("/api/v1/people/{keep}/merge"),
            &coord,
            json!({"duplicate_id": dup}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(
        app.get(&format!("/api/v1/people/{dup}"), &coord).await,
        404,
        "not_found",
    )
    .await;
    let moved: Value = app
        .get(
            &format!("/api/v1/cases/{}", c2["id"].as_str().unwrap()),
            &coord,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(moved["person_id"], keep.as_str());
    let p = assert_problem(
        app.post(
            &format!("/api/v1/people/{keep}/merge"),
            &coord,
            json!({"duplicate_id": keep}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["duplicate_id"]);

    // Export: everything, audited.
    let res = app
        .get(&format!("/api/v1/people/{keep}/export"), &coord)
        .await;
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let export: Value = res.json().await.unwrap();
    assert_eq!(export["person"]["tax_code"], "RSSMRA80A01H501U");
    assert_eq!(export["cases"].as_array().unwrap().len(), 2);
    let notes: Vec<&str> = export["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["note"].as_str().unwrap())
        })
        .collect();
    assert!(notes.contains(&"Parla arabo"));
    let log: Value = app
        .get(
            &format!("/api/v1/audit?entity_id={keep}&action=person.export"),
            &admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"].as_array().unwrap().len(), 1);

    // Anonymise (admin only): identity gone, statistics kept.
    assert_problem(
        app.post(
            &format!("/api/v1/people/{keep}/anonymise"),
            &coord,
            json!({}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/people/{keep}/anonymise"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let anon: Value = res.json().await.unwrap();
    assert_eq!(anon["last_name"], "Anonimizzato");
    assert_eq!(anon["tax_code"], Value::Null);
    assert_eq!(anon["phone"], Value::Null);
    assert_eq!(anon["birth_date"], Value::Null);
    assert_eq!(anon["birth_year"], 1980);
    assert_eq!(anon["created_municipality_id"], gallicano.as_str());
    let export: Value = app
        .get(&format!("/api/v1/people/{keep}/export"), &coord)
        .await
        .json()
        .await
        .unwrap();
    let text = export.to_string();
    assert!(
        !text.contains("Mohammed") && !text.contains("Parla arabo") && !text.contains("RSSMRA"),
        "{text}"
    );
    assert_eq!(export["cases"][0]["case"]["category_id"], "registry");
    let found: Value = app
        .get("/api/v1/people?q=mohammed", &coord)
        .await
        .json()
        .await
        .unwrap();
    assert!(found["items"].as_array().unwrap().is_empty());
    // Nothing identifying stays in the audit log either: it recorded who changed which of her
    // fields and when, never the values.
    let mut audit = String::new();
    for entity in [&keep, &dup] {
        let log: Value = app
            .get(
                &format!("/api/v1/audit?entity_id={entity}&limit=200"),
                &admin,
            )
            .await
            .json()
            .await
            .unwrap();
        assert!(!log["items"].as_array().unwrap().is_empty());
        audit.push_str(&log.to_string());
    }
    for case in [&c1, &c2] {
        let id = case["id"].as_str().unwrap();
        let log: Value = app
            .get(&format!("/api/v1/audit?entity_id={id}&limit=200"), &admin)
            .await
            .json()
            .await
            .unwrap();
        audit.push_str(&log.to_string());
    }
    for personal in [
        "Mohammed",
        "Mohamed",
        "\"Ali\"",
        "RSSMRA",
        "333 1234567",
        "1980-01-02",
    ] {
        assert!(!audit.contains(personal), "{personal} in {audit}");
    }
    assert!(audit.contains("[dato personale]"));
}

async fn retention_anonymises_what_is_due(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let admin = app.admin().await;
    let old = person(&app, &admin, &gallicano, "Vecchia", "Pratica", json!({})).await;
    let recent = person(&app, &admin, &gallicano, "Recente", "Pratica", json!({})).await;
    let open = person(&app, &admin, &gallicano, "Aperta", "Pratica", json!({})).await;
    for p in [&old, &recent] {
        let c = case(&app, &admin, p, &gallicano, "other").await;
        app.post(
            &format!("/api/v1/cases/{}/transitions", c["id"].as_str().unwrap()),
            &admin,
            json!({"to": "closed", "outcome": "resolved"}),
        )
        .await;
    }
    case(&app, &admin, &open, &gallicano, "other").await;
    // The old one closed six years ago.
    app.sql(&match app.backend {
        Backend::Postgres => format!("UPDATE cases SET closed_at = closed_at - INTERVAL '6 years' WHERE person_id = '{old}'"),
        Backend::Sqlite => format!("UPDATE cases SET closed_at = datetime(closed_at, '-6 years') WHERE person_id = '{old}'"),
    });
    let db = app.db.clone();
    let due = tokio::task::spawn_blocking(move || lumit_api::seed::retention(&db, false, 5))
        .await
        .unwrap()
        .unwrap();
    let due_ids: Vec<&str> = due.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(due_ids, [old.as_str()]);
    let still: Value = app
        .get(&format!("/api/v1/people/{old}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(still["first_name"], "Vecchia", "a dry run changes nothing");
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || lumit_api::seed::retention(&db, true, 5))
        .await
        .unwrap()
        .unwrap();
    let gone: Value = app
        .get(&format!("/api/v1/people/{old}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(gone["last_name"], "Anonimizzato");
    let kept: Value = app
        .get(&format!("/api/v1/people/{recent}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kept["first_name"], "Recente");
    // Running again finds nothing more to do.
    let db = app.db.clone();
    assert!(
        tokio::task::spawn_blocking(move || lumit_api::seed::retention(&db, true, 5))
            .await
            .unwrap()
            .unwrap()
            .is_empty()
    );
}
