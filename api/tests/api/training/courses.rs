//! Topics, courses and sessions: what is checked, the calendar, and what trainers see.

use serde_json::json;

use super::{at_office, course, day_ahead, json_of, session};
use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(topics_are_an_editable_list, planning_courses_and_sessions);

async fn topics_are_an_editable_list(app: TestApp) {
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let topics = json_of(app.get("/api/v1/training/topics", &coord).await, 200).await;
    let ids: Vec<&str> = topics
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "immigration_law",
            "residence_permits",
            "citizenship",
            "asylum",
            "intercultural_communication",
            "anti_discrimination",
            "health_access"
        ]
    );
    let res = app
        .post(
            "/api/v1/training/topics",
            &coord,
            json!({"name_it": " ", "name_en": "Schools"}),
        )
        .await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["name_it"]
    );
    let t = json_of(
        app.post(
            "/api/v1/training/topics",
            &coord,
            json!({"name_it": "Scuola", "name_en": "Schools"}),
        )
        .await,
        201,
    )
    .await;
    let id = t["id"].as_str().unwrap();
    let topics = json_of(app.get("/api/v1/training/topics", &coord).await, 200).await;
    assert_eq!(topics.as_array().unwrap().last().unwrap()["id"], id);

    // A topic no longer offered can't be chosen for a new course; old courses keep it.
    let kept = json_of(
        app.post(
            "/api/v1/training/courses",
            &coord,
            json!({"title": "Scuola e famiglie", "topic_id": id, "organisation": "Sant'Anna"}),
        )
        .await,
        201,
    )
    .await;
    let t = json_of(
        app.patch(
            &format!("/api/v1/training/topics/{id}"),
            &coord,
            json!({"active": false}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(t["active"], false);
    let res = app
        .post(
            "/api/v1/training/courses",
            &coord,
            json!({"title": "Iscrizioni", "topic_id": id, "organisation": "Sant'Anna"}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["code"], "inactive");
    let res = app
        .patch(
            &format!("/api/v1/training/courses/{}", kept["id"].as_str().unwrap()),
            &coord,
            json!({"title": "Scuola e famiglie straniere"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let audit = app
        .get(
            "/api/v1/audit?action=training.topic.update",
            &app.admin().await,
        )
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");
}

async fn planning_courses_and_sessions(app: TestApp) {
    let camaiore = app.municipality("046005").await;
    let gallicano = app.municipality("046015").await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (trainer_id, trainer) = app.user("trainer", "trainer", &[]).await;
    let (operator_id, operator) = app
        .user("operator.c", "operator", std::slice::from_ref(&camaiore))
        .await;

    // Every field at fault, and trainers must be trainer accounts.
    let res = app
        .post(
            "/api/v1/training/courses",
            &coord,
            json!({"title": "", "topic_id": "", "organisation": " ", "min_attendance_percent": 0}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        fields(&p),
        [
            "title",
            "topic_id",
            "organisation",
            "min_attendance_percent"
        ]
    );
    let res = app
        .post(
            "/api/v1/training/courses",
            &coord,
            json!({"title": "X", "topic_id": "nope", "organisation": "Y"}),
        )
        .await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["topic_id"]
    );
    let res = app
        .post("/api/v1/training/courses", &coord, json!({"title": "X", "topic_id": "asylum", "organisation": "Y", "trainer_ids": [trainer_id, operator_id]}))
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["trainer_ids[1]"]);
    assert_eq!(p["errors"][0]["code"], "not_a_trainer");

    let taught = course(
        &app,
        &coord,
        "Il rinnovo del permesso di soggiorno",
        &[&trainer_id],
    )
    .await;
    let other = course(&app, &coord, "Cittadinanza: la domanda", &[]).await;
    let c = json_of(
        app.get(&format!("/api/v1/training/courses/{taught}"), &coord)
            .await,
        200,
    )
    .await;
    assert_eq!(c["trainers"][0]["full_name"], "Test trainer");
    assert_eq!(c["min_attendance_percent"], 75);
    assert_eq!(c["target_offices"], json!(["registry", "social_services"]));
    assert!(c["capacity"].is_null());

    // Sessions: times, one kind of place, a real office, https links, seats.
    let day = day_ahead(30);
    let path = format!("/api/v1/training/courses/{taught}/sessions");
    let mut bad = at_office(&camaiore, "Sala A", day, "13:00", "09:00", 0);
    bad["link"] = json!("https://meet.example.org/x");
    let p = assert_problem(app.post(&path, &coord, bad).await, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["end", "capacity", "link"]);
    let p = assert_problem(
        app.post(
            &path,
            &coord,
            at_office("no-such-office", "A", day, "09:00", "13:00", 20),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["municipality_id"]);
    let p = assert_problem(
        app.post(&path, &coord, json!({"date": day, "start": "09:00", "end": "11:00", "place_kind": "online", "link": "http://meet.example.org", "capacity": 50}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "invalid_link");
    let first = session(
        &app,
        &coord,
        &taught,
        at_office(&camaiore, "Sala Consiliare", day, "09:00", "13:00", 20),
    )
    .await;
    assert_eq!(first["starts_at"], format!("{day}T09:00:00"));
    assert_eq!(
        first["course_title"],
        "Il rinnovo del permesso di soggiorno"
    );
    session(&app, &coord, &taught, json!({"date": day + chrono::Duration::days(7), "start": "14:00", "end": "16:30", "place_kind": "online", "link": "https://meet.example.org/lumit", "capacity": 30})).await;

    // The same room (however it is spelt) at an overlapping time is refused, naming the other
    // course; another room, or the same room once the first session ended, is fine.
    let p = assert_problem(
        app.post(
            &format!("/api/v1/training/courses/{other}/sessions"),
            &coord,
            at_office(&camaiore, "sala consiliare", day, "12:00", "14:00", 10),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "room_taken");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Il rinnovo"),
        "{p}"
    );
    session(
        &app,
        &coord,
        &other,
        at_office(&camaiore, "Sala B", day, "12:00", "14:00", 10),
    )
    .await;
    session(
        &app,
        &coord,
        &other,
        at_office(&camaiore, "Sala Consiliare", day, "13:00", "15:00", 10),
    )
    .await;
    session(
        &app,
        &coord,
        &other,
        at_office(&gallicano, "Sala Consiliare", day, "09:00", "13:00", 10),
    )
    .await;

    // Moving a session into a taken room is refused too, and leaves it as it was.
    let id = first["id"].as_str().unwrap();
    let res = app
        .patch(
            &format!("/api/v1/training/sessions/{id}"),
            &coord,
            json!({"start": "10:00", "end": "14:00"}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422, "validation_failed").await["errors"][0]["code"],
        "room_taken"
    );
    let s = json_of(
        app.get(&format!("/api/v1/training/sessions/{id}"), &coord)
            .await,
        200,
    )
    .await;
    assert_eq!(s["ends_at"], format!("{day}T13:00:00"));
    // Changing the kind of place needs what the new kind needs.
    let res = app
        .patch(
            &format!("/api/v1/training/sessions/{id}"),
            &coord,
            json!({"place_kind": "online"}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["municipality_id", "room", "link"]);

    // The course's figures come from its sessions.
    let c = json_of(
        app.get(&format!("/api/v1/training/courses/{taught}"), &coord)
            .await,
        200,
    )
    .await;
    assert_eq!(c["sessions"], 2);
    assert_eq!(c["planned_minutes"], 4 * 60 + 150);
    assert_eq!(c["capacity"], 20);
    assert_eq!(c["first_day"], day.to_string());

    // The calendar: everyone sees the programme by start; trainers only their courses.
    let q = format!(
        "/api/v1/training/sessions?from={day}&to={}",
        day + chrono::Duration::days(7)
    );
    let all = json_of(app.get(&q, &operator).await, 200).await;
    let starts: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap())
        .collect();
    assert_eq!(starts.len(), 5);
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    let mine = json_of(app.get(&q, &trainer).await, 200).await;
    assert_eq!(mine.as_array().unwrap().len(), 2);
    assert!(mine
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["course_id"] == taught.as_str()));
    let list = json_of(app.get("/api/v1/training/courses", &trainer).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get(&format!("/api/v1/training/courses/{other}"), &trainer)
            .await
            .status(),
        404
    );
    let res = app
        .get(
            &format!(
                "/api/v1/training/sessions?from={day}&to={}",
                day - chrono::Duration::days(1)
            ),
            &coord,
        )
        .await;
    assert_eq!(
        fields(&assert_problem(res, 400, "invalid_query").await),
        ["to"]
    );
    // The calendar's last days: refused, not a crash.
    let res = app
        .get(
            "/api/v1/training/sessions?from=%2B262143-12-01&to=%2B262143-12-31",
            &coord,
        )
        .await;
    assert_eq!(res.status(), 400);
    // A year no programme has.
    let res = app
        .post(&format!("/api/v1/training/courses/{taught}/sessions"), &coord, json!({"date": "0001-01-01", "start": "09:00", "end": "10:00", "place_kind": "online", "link": "https://x.org/a", "capacity": 5}))
        .await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["date"]
    );
    // A trainer who has left stays listed; the course can still be changed.
    let admin = app.admin().await;
    let res = app
        .patch(
            &format!("/api/v1/users/{trainer_id}"),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .patch(
            &format!("/api/v1/training/courses/{taught}"),
            &coord,
            json!({"title": "Il rinnovo del permesso di soggiorno"}),
        )
        .await;
    assert_eq!(res.status(), 200);

    // Courses page by title.
    let page = json_of(
        app.get("/api/v1/training/courses?limit=1", &coord).await,
        200,
    )
    .await;
    assert_eq!(page["items"][0]["title"], "Cittadinanza: la domanda");
    let cursor = page["next_cursor"].as_str().unwrap();
    let page = json_of(
        app.get(
            &format!("/api/v1/training/courses?limit=1&cursor={cursor}"),
            &coord,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        page["items"][0]["title"],
        "Il rinnovo del permesso di soggiorno"
    );
    assert!(page["next_cursor"].is_null());
}
