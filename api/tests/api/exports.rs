//! Exports of lists: every row matching the list's filters, as CSV and XLSX, streamed a page at
//! a time (so across pages: none lost, none twice), in the caller's scope, formula-safe, and in
//! the access log.

use calamine::{Reader, Xlsx};
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::db_tests;

db_tests!(
    case_exports_hold_every_match_once_in_scope_and_logged,
    requests_people_and_the_audit_log_export_too
);

/// Copies of a case, `n` of them, in one statement (keyset pages are then crossed, and every
/// copy opened at the same instant tests the cursor's tie-break on the id).
fn copies(app: &TestApp, case: &str, n: i64) {
    app.sql(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
         INSERT INTO cases (id, reference, person_id, municipality_id, desk_id, category_id, \
           subcategory_id, channel, priority, assigned_to_id, summary, status, outcome, language, \
           mediator_present, opened_at, closed_at, updated_at, created_by, version) \
         SELECT 'bulk-' || i, 'BULK-' || i, c.person_id, c.municipality_id, c.desk_id, \
           c.category_id, c.subcategory_id, c.channel, c.priority, c.assigned_to_id, c.summary, \
           c.status, c.outcome, c.language, c.mediator_present, c.opened_at, c.closed_at, \
           c.updated_at, c.created_by, c.version FROM n, cases c WHERE c.id = '{case}'"
    ));
}

async fn case_exports_hold_every_match_once_in_scope_and_logged(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let admin = app.admin().await;
    let (_, operator) = app
        .user("operator", "operator", std::slice::from_ref(&gallicano))
        .await;
    let mut people = Vec::new();
    for (first, m) in [("=1+1", &gallicano), ("Olga", &camaiore)] {
        let p: Value = app
            .post(
                "/api/v1/people",
                &admin,
                json!({"first_name": first, "last_name": "Rossi", "municipality_id": m}),
            )
            .await
            .json()
            .await
            .unwrap();
        let id = p["id"].as_str().unwrap().to_owned();
        let res = app
            .post(
                "/api/v1/cases",
                &admin,
                json!({"person_id": id, "municipality_id": m, "category_id": "other", "summary": "@SUM(A1)"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        people.push((
            id,
            res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        ));
    }
    copies(&app, &people[0].1, 1100);

    // CSV: the operator's municipality only, every case once, across three pages.
    let res = app.get("/api/v1/cases?format=csv", &operator).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("lumit-pratiche-"));
    let text = res.text().await.unwrap();
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&csv.headers().unwrap()[0], "Riferimento");
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1101);
    let mut references: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    references.sort_unstable();
    references.dedup();
    assert_eq!(references.len(), 1101, "a case twice");
    assert!(rows.iter().all(|r| &r[2] == "Gallicano"), "{:?}", rows[0]);
    // What a spreadsheet would run is text.
    assert_eq!(&rows[0][1], "'=1+1 Rossi");
    assert_eq!(&rows[0][12], "'@SUM(A1)");
    assert!(!text.contains(",=1+1"));

    // The list's filters hold: no closed case.
    let none = app
        .get("/api/v1/cases?format=csv&status=closed", &operator)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(none.lines().count(), 1, "{none}");

    // XLSX, asked for by `Accept`, read back: the header and every case.
    let res = reqwest::Client::new()
        .get(format!("{}/api/v1/cases", app.base))
        .bearer_auth(&operator)
        .header(
            "accept",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.height(), 1102);
    assert_eq!(sheet.get((1, 1)).unwrap().to_string(), "'=1+1 Rossi");

    // Who took which records out: the exported person's access log says so; the other
    // municipality's person was not exported.
    let log = |person: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.get_json(
                &format!("/api/v1/people/{person}/access-log?limit=200"),
                &admin,
            )
            .await["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["action"].as_str().unwrap().to_owned(),
                        e["actor_name"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let exported = log(people[0].0.clone()).await;
    assert!(
        exported
            .iter()
            .any(|(a, who)| a == "case.export" && who.contains("operator")),
        "{exported:?}"
    );
    let other = log(people[1].0.clone()).await;
    assert!(other.iter().all(|(a, _)| a != "case.export"), "{other:?}");
}

async fn requests_people_and_the_audit_log_export_too(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let admin = app.admin().await;
    let (_, coordinator) = app.user("coord", "coordinator", &[]).await;
    let (_, operator) = app
        .user("operator", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, officer) = app
        .user(
            "officer",
            "municipal_officer",
            std::slice::from_ref(&gallicano),
        )
        .await;
    let day = lumit_api::scheduling::local_now().date() + chrono::Duration::days(10);
    for (m, office) in [
        (&gallicano, "=HYPERLINK(1)"),
        (&gallicano, "Anagrafe"),
        (&camaiore, "Scuola"),
    ] {
        let res = app
            .post(
                "/api/v1/requests",
                &admin,
                json!({"municipality_id": m, "office": office, "contact_name": "Rossi", "kind": "mediation", "language": "ar", "date": day, "start_time": "10:00", "duration_minutes": 60, "remote": true, "setting": "school", "purpose": "Colloquio"}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    // Requests: the officer's municipality only, the office formula-safe.
    let text = app
        .get("/api/v1/requests?format=csv", &officer)
        .await
        .text()
        .await
        .unwrap();
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows.iter().all(|r| &r[2] == "Gallicano"));
    assert!(rows.iter().any(|r| &r[3] == "'=HYPERLINK(1)"));
    assert!(rows.iter().all(|r| &r[5] == "Arabo"));

    // People: the register leaves only by a coordinator's or an admin's hand.
    for (first, m) in [("Amina", &gallicano), ("Olga", &camaiore)] {
        let res = app
            .post(
                "/api/v1/people",
                &admin,
                json!({"first_name": first, "last_name": "Rossi", "municipality_id": m}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let res = app.get("/api/v1/people?format=csv", &operator).await;
    crate::common::assert_problem(res, 403, "forbidden").await;
    let res = app.get("/api/v1/people?format=xlsx", &coordinator).await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.height(), 3);
    assert_eq!(sheet.get((0, 0)).unwrap().to_string(), "Cognome");
    let registered_by: Vec<String> = (1..3)
        .map(|r| sheet.get((r, 13)).unwrap().to_string())
        .collect();
    // Both are Rossi: then by id, the order they were registered in.
    assert_eq!(registered_by, ["Gallicano", "Camaiore"]);

    // The audit log: every entry of a filter, numbered, newest first.
    let text = app
        .get(
            "/api/v1/audit?format=csv&entity_type=service_request",
            &admin,
        )
        .await
        .text()
        .await
        .unwrap();
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&csv.headers().unwrap()[0], "N.");
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows.iter().all(|r| &r[5] == "service_request"));
    let ids: Vec<i64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let res = app.get("/api/v1/audit?format=csv", &coordinator).await;
    assert_eq!(res.status(), 403);
}
