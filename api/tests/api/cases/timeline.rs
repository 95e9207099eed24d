//! A case's timeline: recording work, editing notes within a day, many entries written at once.

use reqwest::Method;
use serde_json::{json, Value};

use super::{open_case, setup};
use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    the_timeline_records_work,
    authors_edit_notes_within_a_day,
    timeline_entries_written_at_once_keep_one_chain,
);

async fn the_timeline_records_work(app: TestApp) {
    let d = setup(&app).await;
    let case = open_case(&app, &d, "Ricongiungimento").await;
    let url = format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap());
    let res = app
        .post(
            &url,
            &d.op,
            json!({"kind": "intervention", "note": "Compilata la domanda", "minutes": 45}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let ev: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("{url}/{}", ev["id"].as_str().unwrap()),
        "the new entry's address"
    );
    assert_eq!(ev["minutes"], 45);
    assert_eq!(ev["author_name"], "op.gallicano");
    app.post(
        &url,
        &d.op,
        json!({"kind": "document_check", "data": {"checked": ["Passaporto", "Fototessere"]}}),
    )
    .await;
    app.post(
        &url,
        &d.op,
        json!({"kind": "appointment", "note": "Questura", "data": {"at": "2026-12-01T10:00:00Z"}}),
    )
    .await;
    let p = assert_problem(
        app.post(&url, &d.op, json!({"kind": "intervention", "note": "x"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["minutes"]);
    let p = assert_problem(
        app.post(&url, &d.op, json!({"kind": "status_change", "note": "x"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["kind"]);
    let p = assert_problem(
        app.post(
            &url,
            &d.op,
            json!({"kind": "note", "note": "x", "minutes": 100000}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["minutes"]);
    let timeline: Value = app.get(&url, &d.op).await.json().await.unwrap();
    let kinds: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["intervention", "document_check", "appointment"]);
    assert_eq!(timeline[1]["data"]["checked"][1], "Fototessere");
}

async fn authors_edit_notes_within_a_day(app: TestApp) {
    let d = setup(&app).await;
    let case = open_case(&app, &d, "Rinnovo").await;
    let url = format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap());
    let ev: Value = app
        .post(
            &url,
            &d.op,
            json!({"kind": "note", "note": "Telefonato al datore"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let edit = format!("{url}/{}", ev["id"].as_str().unwrap());
    let res = app
        .patch(
            &edit,
            &d.op,
            json!({"note": "Telefonato al datore di lavoro"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(edited["note"], "Telefonato al datore di lavoro");
    assert!(edited["edited_at"].is_string());
    // Someone else may not; nor may the author after 24 hours.
    assert_problem(
        app.patch(&edit, &d.coord, json!({"note": "x"})).await,
        403,
        "not_the_author",
    )
    .await;
    app.sql(&match app.backend {
        crate::common::Backend::Postgres => format!(
            "UPDATE case_events SET at = at - INTERVAL '25 hours' WHERE id = '{}'",
            ev["id"].as_str().unwrap()
        ),
        crate::common::Backend::Sqlite => format!(
            "UPDATE case_events SET at = datetime(at, '-25 hours') WHERE id = '{}'",
            ev["id"].as_str().unwrap()
        ),
    });
    assert_problem(
        app.patch(&edit, &d.op, json!({"note": "tardi"})).await,
        409,
        "edit_window_closed",
    )
    .await;
    // The text it replaced stays with the entry, where anonymisation reaches it.
    let timeline: Value = app
        .get(
            &format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap()),
            &d.op,
        )
        .await
        .json()
        .await
        .unwrap();
    let entry = timeline
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == ev["id"])
        .unwrap();
    assert_eq!(entry["previous"][0]["note"], "Telefonato al datore");
    assert!(entry["previous"][0]["edited_by_name"].is_string());
    // The audit log records who corrected it and when, never the text.
    let admin = app.admin().await;
    let log: Value = app
        .get(
            &format!(
                "/api/v1/audit?entity_id={}&action=case.event_edit",
                case["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"][0]["changes"][0]["old"], "[dato personale]");
    assert_eq!(log["items"][0]["changes"][0]["new"], "[dato personale]");
    assert!(!log.to_string().contains("Telefonato"));
}

/// Timeline entries take the writers' lock only to link their audit row (`Db::write_then_chain`):
/// many at once, on the same cases, beside writes that take the lock first (transitions, edits
/// of the case), must all land, without a deadlock, in one unbroken chain with a row each.
async fn timeline_entries_written_at_once_keep_one_chain(app: TestApp) {
    let d = setup(&app).await;
    let admin = app.admin().await;
    let mut cases = Vec::new();
    for summary in ["Rinnovo", "Ricongiungimento", "Tessera sanitaria"] {
        cases.push(
            open_case(&app, &d, summary).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let before = app
        .get("/api/v1/audit?action=case.event_add&limit=200", &admin)
        .await
        .json::<Value>()
        .await
        .unwrap()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, 0);

    let (app, d) = (&app, &d);
    let entries = cases.iter().flat_map(|case| {
        (0..20).map(move |n| async move {
            app.post(
                &format!("/api/v1/cases/{case}/events"),
                &d.op,
                json!({"kind": "note", "note": format!("Telefonata {n}")}),
            )
            .await
            .status()
            .as_u16()
        })
    });
    let others = cases.iter().flat_map(|case| {
        [
            (
                format!("/api/v1/cases/{case}/transitions"),
                Method::POST,
                json!({"to": "in_progress"}),
            ),
            (
                format!("/api/v1/cases/{case}"),
                Method::PATCH,
                json!({"language": "ar"}),
            ),
        ]
        .into_iter()
        .map(move |(path, method, body)| async move {
            app.call(method, &path, Some(&d.op), Some(body))
                .await
                .status()
                .as_u16()
        })
    });
    let (entries, others) = futures_util::future::join(
        futures_util::future::join_all(entries),
        futures_util::future::join_all(others),
    )
    .await;
    assert!(entries.iter().all(|s| *s == 201), "{entries:?}");
    assert!(others.iter().all(|s| *s == 200), "{others:?}");

    let linked: Value = app
        .get("/api/v1/audit?action=case.event_add&limit=200", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(linked["items"].as_array().unwrap().len(), 60);
    let v: Value = app
        .get("/api/v1/audit/verify", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["ok"], true, "{v}");
    for case in &cases {
        let timeline: Value = app
            .get(&format!("/api/v1/cases/{case}/events"), &d.op)
            .await
            .json()
            .await
            .unwrap();
        let notes = timeline
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "note")
            .count();
        assert_eq!(notes, 20, "{timeline}");
    }
}
