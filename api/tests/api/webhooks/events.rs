//! The event types beyond cases: each emitted by its change, with ids and the move only.

use reqwest::Method;
use serde_json::{json, Value};

use super::receiver::Receiver;
use super::subscribe;
use crate::common::TestApp;
use crate::db_tests;

db_tests!(requests_people_training_and_reports_emit_their_events);

async fn requests_people_training_and_reports_emit_their_events(app: TestApp) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let every: Vec<&str> = lumit_shared::webhook::WebhookEventType::ALL
        .iter()
        .map(|(t, _)| t.as_str())
        .collect();
    subscribe(&app, &admin, &receiver.url(), &every).await;

    let day = lumit_api::scheduling::local_now().date() + chrono::Duration::days(10);
    let request: Value = app
        .post(
            "/api/v1/requests",
            &admin,
            json!({"municipality_id": gallicano, "office": "Anagrafe", "contact_name": "Rossi", "kind": "mediation", "language": "ar", "date": day, "start_time": "10:00", "duration_minutes": 60, "remote": true, "setting": "school", "purpose": "Colloquio con la famiglia"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let request = request["id"].as_str().unwrap().to_owned();
    for body in [
        json!({"to": "approved"}),
        json!({"to": "cancelled", "reason": "La famiglia ha rinunciato"}),
    ] {
        let res = app
            .post(
                &format!("/api/v1/requests/{request}/transitions"),
                &admin,
                body,
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let person: Value = app
        .post(
            "/api/v1/people",
            &admin,
            json!({"first_name": "Amina", "last_name": "Diallo", "municipality_id": gallicano}),
        )
        .await
        .json()
        .await
        .unwrap();
    let person = person["id"].as_str().unwrap().to_owned();
    let res = app
        .call(
            Method::POST,
            &format!("/api/v1/people/{person}/anonymise"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let course: Value = app
        .post(
            "/api/v1/training/courses",
            &admin,
            json!({"title": "Permessi di soggiorno", "topic_id": "asylum", "organisation": "Sant'Anna"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let course = course["id"].as_str().unwrap().to_owned();
    let session: Value = app
        .post(
            &format!("/api/v1/training/courses/{course}/sessions"),
            &admin,
            json!({"date": day, "start": "09:00", "end": "12:00", "place_kind": "online", "link": "https://meet.example.org/x", "capacity": 30}),
        )
        .await
        .json()
        .await
        .unwrap();
    let session = session["id"].as_str().unwrap().to_owned();
    let frozen: Value = app
        .post(
            "/api/v1/reports/frozen",
            &admin,
            json!({"from": "2026-01-01", "to": "2026-03-31"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let frozen = frozen["id"].as_str().unwrap().to_owned();

    receiver.wait_for(7, 15).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let hits = receiver.hits();
    // Records differ, so their events may arrive in any order: compared by type.
    let got: std::collections::BTreeMap<String, Value> = hits
        .iter()
        .map(|h| h.json())
        .map(|v| (v["type"].as_str().unwrap().to_owned(), v["data"].clone()))
        .collect();
    let expected: std::collections::BTreeMap<String, Value> = [
        ("request.submitted", json!({"id": request, "municipality_id": gallicano})),
        (
            "request.approved",
            json!({"id": request, "municipality_id": gallicano, "from": "submitted", "to": "approved"}),
        ),
        (
            "request.cancelled",
            json!({"id": request, "municipality_id": gallicano, "from": "approved", "to": "cancelled"}),
        ),
        ("person.anonymised", json!({"id": person, "municipality_id": gallicano})),
        ("training.course_created", json!({"id": course})),
        ("training.session_scheduled", json!({"id": session, "course_id": course})),
        ("report.frozen", json!({"id": frozen, "municipality_id": null})),
    ]
    .into_iter()
    .map(|(t, d)| (t.to_owned(), d))
    .collect();
    assert_eq!(hits.len(), 7, "{hits:#?}");
    assert_eq!(got, expected);
    // No free text about anyone.
    for hit in &hits {
        for text in ["Colloquio", "rinunciato", "Amina", "Rossi", "Anagrafe"] {
            assert!(!hit.body.contains(text), "{}", hit.body);
        }
    }
}
