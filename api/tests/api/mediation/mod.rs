//! Mediators and service requests: registry, availability, life cycle, matching with the travel
//! buffer, the double-booking guarantee under concurrency, calendar, iCalendar feed and hours.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::TestApp;

mod calendar;
mod lifecycle;
mod matching;
mod mediators;
mod visibility;

/// Local time in Italy now.
fn now() -> NaiveDateTime {
    lumit_api::scheduling::local_now()
}

/// A weekday at least a week ahead (so no cancellation there is late), as `YYYY-MM-DD`.
fn day_ahead(days: i64) -> NaiveDate {
    now().date() + Duration::days(days)
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(code, status, "{body}");
    body
}

/// Every day, all day.
fn always() -> Value {
    json!({"weekly": (1..=7).map(|d| json!({"weekday": d, "start": "00:00", "end": "24:00"})).collect::<Vec<_>>(), "exceptions": []})
}

/// Registers a mediator (available always unless told) and returns its id.
async fn mediator(app: &TestApp, admin: &str, body: Value) -> String {
    let m = json_of(app.post("/api/v1/mediators", admin, body).await, 201).await;
    let id = m["id"].as_str().unwrap().to_owned();
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/mediators/{id}/availability"),
            Some(admin),
            Some(always()),
        )
        .await;
    json_of(res, 200).await;
    id
}

fn mediation(municipality: &str, day: NaiveDate, start: &str, minutes: i32, remote: bool) -> Value {
    let mut v = json!({
        "municipality_id": municipality, "office": "Ufficio anagrafe", "contact_name": "Maria Rossi",
        "contact_phone": "0584 986111", "kind": "mediation", "language": "ar",
        "date": day, "start_time": start, "duration_minutes": minutes, "remote": remote,
        "setting": "registry_office", "participants": 2, "purpose": "Colloquio per la residenza"
    });
    if !remote {
        v["address"] = json!("Piazza San Bernardino 1");
    }
    v
}

async fn file(app: &TestApp, token: &str, body: Value) -> String {
    let r = json_of(app.post("/api/v1/requests", token, body).await, 201).await;
    assert_eq!(r["status"], "submitted");
    r["id"].as_str().unwrap().to_owned()
}

async fn step(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/requests/{id}/transitions"), token, body)
        .await
}

/// Files, approves and assigns; returns the request id.
async fn booked(app: &TestApp, coord: &str, body: Value, mediator_id: &str) -> String {
    let id = file(app, coord, body).await;
    json_of(step(app, coord, &id, json!({"to": "approved"})).await, 200).await;
    json_of(
        step(
            app,
            coord,
            &id,
            json!({"to": "assigned", "mediator_id": mediator_id}),
        )
        .await,
        200,
    )
    .await;
    id
}
