//! Cases: opening, workflow, timeline, scope, filters.

use serde_json::{json, Value};

use crate::common::TestApp;

mod lists;
mod scope;
mod search;
mod timeline;
mod workflow;

struct Desk {
    op: String,
    coord: String,
    gallicano: String,
    person: String,
}

async fn setup(app: &TestApp) -> Desk {
    let gallicano = app.municipality("046015").await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let person: Value = app
        .post(
            "/api/v1/people",
            &op,
            json!({"first_name": "Amina", "last_name": "Diallo", "birth_date": "1990-05-04", "sex": "F", "citizenship": "SN",
                   "permit_expiry": "2026-12-20", "municipality_id": gallicano}),
        )
        .await
        .json()
        .await
        .unwrap();
    Desk {
        op,
        coord,
        gallicano,
        person: person["id"].as_str().unwrap().to_owned(),
    }
}

async fn open_case(app: &TestApp, d: &Desk, summary: &str) -> Value {
    let res = app
        .post(
            "/api/v1/cases",
            &d.op,
            json!({"person_id": d.person, "municipality_id": d.gallicano, "category_id": "residence_permit",
                   "subcategory_id": "residence_permit.renewal", "summary": summary, "language": "fr"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}
