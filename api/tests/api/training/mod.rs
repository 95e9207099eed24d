//! Training for public offices: topics, courses, sessions (place, times, rooms, seats), the
//! calendar, what trainers see, enrolment with the waiting list, officers' scope and the race for
//! the last place.

use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};

use crate::common::TestApp;

/// Runs each test on SQLite and on PostgreSQL; the test starts its own app (with a mail server
/// of its own, unlike `db_tests!`, whose app is started for it).
macro_rules! backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(crate::common::Backend::Postgres).await
            }
        }
    )*};
}

mod attendance;
mod certificates;
mod courses;
mod enrolment;
mod mail;
mod questionnaire;

/// A day some weeks ahead.
fn day_ahead(days: i64) -> NaiveDate {
    lumit_api::scheduling::local_now().date() + Duration::days(days)
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(code, status, "{body}");
    body
}

/// Plans a course (no sessions) and returns its id.
async fn course(app: &TestApp, token: &str, title: &str, trainers: &[&str]) -> String {
    let c = json_of(
        app.post(
            "/api/v1/training/courses",
            token,
            json!({"title": title, "topic_id": "residence_permits", "organisation": "Scuola Superiore Sant'Anna",
                   "trainer_ids": trainers, "target_offices": ["registry", "social_services"]}),
        )
        .await,
        201,
    )
    .await;
    c["id"].as_str().unwrap().to_owned()
}

/// A session at an office's room.
fn at_office(
    municipality: &str,
    room: &str,
    day: NaiveDate,
    start: &str,
    end: &str,
    seats: i64,
) -> Value {
    json!({"date": day, "start": start, "end": end, "place_kind": "office",
           "municipality_id": municipality, "room": room, "capacity": seats})
}

/// Adds a session and returns it.
async fn session(app: &TestApp, token: &str, course: &str, body: Value) -> Value {
    json_of(
        app.post(
            &format!("/api/v1/training/courses/{course}/sessions"),
            token,
            body,
        )
        .await,
        201,
    )
    .await
}

/// A colleague to enrol.
fn colleague(name: &str, email: &str, municipality: &str) -> Value {
    json!({"full_name": name, "email": email, "municipality_id": municipality, "job_title": "Ufficiale d'anagrafe"})
}

/// Enrols and returns the enrolment.
async fn enrol(app: &TestApp, token: &str, course: &str, body: Value) -> Value {
    json_of(
        app.post(
            &format!("/api/v1/training/courses/{course}/enrolments"),
            token,
            body,
        )
        .await,
        201,
    )
    .await
}
