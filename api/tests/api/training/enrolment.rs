//! Enrolment: places then the waiting list, moving up, seats never below the enrolled, one
//! participant per e-mail, officers' scope, personal data kept out of the audit log, and two
//! enrolments racing for the last place.

use serde_json::{json, Value};

use super::{at_office, colleague, course, day_ahead, enrol, json_of, session};
use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    places_then_the_waiting_list_then_moving_up,
    officers_enrol_their_own_staff,
    two_enrolments_race_for_the_last_place,
    anonymising_a_participant_reaches_everything
);

fn statuses(list: &Value) -> Vec<(String, String, Value)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["participant"]["full_name"].as_str().unwrap().to_owned(),
                e["status"].as_str().unwrap().to_owned(),
                e["waiting_position"].clone(),
            )
        })
        .collect()
}

async fn places_then_the_waiting_list_then_moving_up(app: TestApp) {
    let camaiore = app.municipality("046005").await;
    let admin = app.admin().await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (trainer_id, trainer) = app.user("trainer", "trainer", &[]).await;
    let c = course(&app, &coord, "Permessi di soggiorno", &[&trainer_id]).await;
    let s = session(
        &app,
        &coord,
        &c,
        at_office(&camaiore, "Sala A", day_ahead(20), "09:00", "13:00", 2),
    )
    .await;
    let sid = s["id"].as_str().unwrap().to_owned();

    // Bad input names its fields and writes nothing.
    let path = format!("/api/v1/training/courses/{c}/enrolments");
    let res = app
        .post(&path, &coord, json!({"full_name": "", "email": "nope"}))
        .await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["full_name", "email"]
    );
    let res = app
        .post(&path, &coord, json!({"full_name": "A", "email": "a@b.it", "municipality_id": camaiore, "organisation": "ASL"}))
        .await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["organisation"]
    );

    let a = enrol(
        &app,
        &coord,
        &c,
        colleague(
            "Giulia Bianchi",
            "g.bianchi@comune.camaiore.lu.it",
            &camaiore,
        ),
    )
    .await;
    let b = enrol(
        &app,
        &coord,
        &c,
        colleague("Marco Neri", "m.neri@comune.camaiore.lu.it", &camaiore),
    )
    .await;
    let w = enrol(&app, &coord, &c, json!({"full_name": "Sara Conti", "email": "s.conti@uslnordovest.toscana.it", "organisation": "ASL Toscana nord ovest", "language": "en"})).await;
    assert_eq!(
        (a["status"].as_str(), b["status"].as_str()),
        (Some("enrolled"), Some("enrolled"))
    );
    assert_eq!(w["status"], "waiting");
    assert_eq!(w["waiting_position"], 1);
    assert_eq!(w["participant"]["language"], "en");

    // The same e-mail, in any case, is the same participant: not twice in a course…
    let res = app
        .post(
            &path,
            &coord,
            colleague(
                "Giulia Bianchi",
                "G.Bianchi@Comune.Camaiore.lu.it",
                &camaiore,
            ),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["code"], "already_enrolled");
    // …and one participant across courses.
    let other = course(&app, &coord, "Cittadinanza", &[]).await;
    let again = enrol(
        &app,
        &coord,
        &other,
        colleague(
            "Giulia Bianchi",
            "G.BIANCHI@comune.camaiore.lu.it",
            &camaiore,
        ),
    )
    .await;
    assert_eq!(again["participant"]["id"], a["participant"]["id"]);

    // Seats can't drop below those holding a place; nothing changes.
    let res = app
        .patch(
            &format!("/api/v1/training/sessions/{sid}"),
            &coord,
            json!({"capacity": 1}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        (
            p["errors"][0]["field"].as_str(),
            p["errors"][0]["code"].as_str()
        ),
        (Some("capacity"), Some("below_enrolled"))
    );
    // Nor can a new session seat fewer.
    let res = app
        .post(
            &format!("/api/v1/training/courses/{c}/sessions"),
            &coord,
            at_office(&camaiore, "Sala A", day_ahead(27), "09:00", "13:00", 1),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422, "validation_failed").await["errors"][0]["code"],
        "below_enrolled"
    );

    // The trainer sees the list: places by name, then the waiting list in order.
    let list = json_of(app.get(&path, &trainer).await, 200).await;
    assert_eq!(
        statuses(&list),
        [
            ("Giulia Bianchi".into(), "enrolled".into(), Value::Null),
            ("Marco Neri".into(), "enrolled".into(), Value::Null),
            ("Sara Conti".into(), "waiting".into(), json!(1)),
        ]
    );

    // A withdrawal moves the first of the waiting list up.
    let wid = a["id"].as_str().unwrap();
    let res = json_of(
        app.post(
            &format!("/api/v1/training/enrolments/{wid}/withdrawal"),
            &coord,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(res["status"], "withdrawn");
    let list = json_of(app.get(&path, &coord).await, 200).await;
    assert_eq!(
        statuses(&list),
        [
            ("Marco Neri".into(), "enrolled".into(), Value::Null),
            ("Sara Conti".into(), "enrolled".into(), Value::Null),
            ("Giulia Bianchi".into(), "withdrawn".into(), Value::Null),
        ]
    );
    let res = app
        .post(
            &format!("/api/v1/training/enrolments/{wid}/withdrawal"),
            &coord,
            json!({}),
        )
        .await;
    assert_problem(res, 409, "already_withdrawn").await;

    // Coming back after withdrawing joins the end of the line; more seats move it up.
    let back = enrol(
        &app,
        &coord,
        &c,
        colleague(
            "Giulia Bianchi",
            "g.bianchi@comune.camaiore.lu.it",
            &camaiore,
        ),
    )
    .await;
    assert_eq!(back["status"], "waiting");
    json_of(
        app.patch(
            &format!("/api/v1/training/sessions/{sid}"),
            &coord,
            json!({"capacity": 3}),
        )
        .await,
        200,
    )
    .await;
    let list = json_of(app.get(&path, &coord).await, 200).await;
    assert!(statuses(&list).iter().all(|s| s.1 == "enrolled"), "{list}");
    let course_now = json_of(
        app.get(&format!("/api/v1/training/courses/{c}"), &coord)
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            course_now["enrolled"].as_i64(),
            course_now["waiting"].as_i64()
        ),
        (Some(3), Some(0))
    );

    // Names and addresses stay out of the audit log; who saw the list is in the access log.
    let audit = json_of(
        app.get(
            "/api/v1/audit?entity_type=training_enrolment&limit=200",
            &admin,
        )
        .await,
        200,
    )
    .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"training.enrolment.withdraw"),
        "{actions:?}"
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "training.enrolment.move_up")
            .count(),
        2,
        "{actions:?}"
    );
    assert_eq!(app.rows_containing("audit_log", "changes", "Bianchi"), 0);
    assert_eq!(
        app.rows_containing("audit_log", "changes", "camaiore.lu.it"),
        0
    );
    assert_eq!(
        app.rows_containing("access_log", "action", "training.enrolments"),
        3
    );
    assert!(
        app.rows_containing(
            "access_log",
            "subjects",
            a["participant"]["id"].as_str().unwrap()
        ) >= 1
    );
}

async fn officers_enrol_their_own_staff(app: TestApp) {
    let camaiore = app.municipality("046005").await;
    let gallicano = app.municipality("046015").await;
    let unione = app.municipality("Unione dei Comuni della Garfagnana").await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (_, officer) = app
        .user(
            "officer",
            "municipal_officer",
            std::slice::from_ref(&unione),
        )
        .await;
    let (_, operator) = app
        .user("operator.c", "operator", std::slice::from_ref(&camaiore))
        .await;
    let c = course(&app, &coord, "Comunicazione interculturale", &[]).await;
    let path = format!("/api/v1/training/courses/{c}/enrolments");

    // The Unione's officer enrols the staff of its members…
    let mine = enrol(
        &app,
        &officer,
        &c,
        colleague("Paolo Verdi", "p.verdi@comune.gallicano.lu.it", &gallicano),
    )
    .await;
    assert_eq!(mine["status"], "enrolled");
    // …but not another municipality's, nor an organisation outside the registry.
    for body in [
        colleague("Anna Blu", "a.blu@comune.camaiore.lu.it", &camaiore),
        json!({"full_name": "Anna Blu", "email": "a.blu@asl.it", "organisation": "ASL"}),
    ] {
        let p = assert_problem(
            app.post(&path, &officer, body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p["errors"][0]["code"], "not_your_municipality");
    }
    // Someone Camaiore registered can't be taken over by giving a Gallicano address.
    let theirs = enrol(
        &app,
        &coord,
        &c,
        colleague("Anna Blu", "a.blu@comune.camaiore.lu.it", &camaiore),
    )
    .await;
    let p = assert_problem(
        app.post(
            &path,
            &officer,
            colleague("Anna Blu", "A.Blu@comune.camaiore.lu.it", &gallicano),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "not_your_municipality");

    // The officer sees and withdraws only their own staff; operators don't enrol.
    let list = json_of(app.get(&path, &officer).await, 200).await;
    assert_eq!(
        statuses(&list),
        [("Paolo Verdi".into(), "enrolled".into(), Value::Null)]
    );
    let res = app
        .post(
            &format!(
                "/api/v1/training/enrolments/{}/withdrawal",
                theirs["id"].as_str().unwrap()
            ),
            &officer,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .post(
            &format!(
                "/api/v1/training/enrolments/{}/withdrawal",
                mine["id"].as_str().unwrap()
            ),
            &officer,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get(&path, &operator).await.status(), 403);
    let res = app
        .post(&path, &operator, colleague("X Y", "x@y.it", &camaiore))
        .await;
    assert_eq!(res.status(), 403);
}

async fn two_enrolments_race_for_the_last_place(app: TestApp) {
    let camaiore = app.municipality("046005").await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (_, coord2) = app.user("coord2", "coordinator", &[]).await;
    let other = app.another_instance().await;
    for round in 0..6 {
        let c = course(&app, &coord, &format!("Corso {round}"), &[]).await;
        session(
            &app,
            &coord,
            &c,
            at_office(
                &camaiore,
                &format!("Sala {round}"),
                day_ahead(40),
                "09:00",
                "13:00",
                1,
            ),
        )
        .await;
        let path = format!("/api/v1/training/courses/{c}/enrolments");
        let (ra, rb) = tokio::join!(
            app.post(
                &path,
                &coord,
                colleague("Uno", &format!("uno{round}@comune.it"), &camaiore)
            ),
            other.post(
                &path,
                &coord2,
                colleague("Due", &format!("due{round}@comune.it"), &camaiore)
            )
        );
        let (a, b) = (json_of(ra, 201).await, json_of(rb, 201).await);
        let mut got = [a["status"].as_str().unwrap(), b["status"].as_str().unwrap()];
        got.sort();
        assert_eq!(got, ["enrolled", "waiting"], "round {round}");
        let course = json_of(
            app.get(&format!("/api/v1/training/courses/{c}"), &coord)
                .await,
            200,
        )
        .await;
        assert_eq!(
            (course["enrolled"].as_i64(), course["waiting"].as_i64()),
            (Some(1), Some(1)),
            "round {round}"
        );
    }
}

async fn anonymising_a_participant_reaches_everything(app: TestApp) {
    let camaiore = app.municipality("046005").await;
    let admin = app.admin().await;
    let c = course(&app, &admin, "Diritto dell'immigrazione", &[]).await;
    session(
        &app,
        &admin,
        &c,
        at_office(&camaiore, "Sala A", day_ahead(-1), "09:00", "11:00", 1),
    )
    .await;
    let e = enrol(&app, &admin, &c, json!({"full_name": "Ottavia Quaranta", "email": "ottavia.quaranta@esempio.it", "municipality_id": camaiore, "job_title": "Responsabile XYZW"})).await;
    let pid = e["participant"]["id"].as_str().unwrap().to_owned();
    let eid = e["id"].as_str().unwrap();
    let sid = json_of(
        app.get(&format!("/api/v1/training/courses/{c}/sessions"), &admin)
            .await,
        200,
    )
    .await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    json_of(
        app.call(
            reqwest::Method::PUT,
            &format!("/api/v1/training/sessions/{sid}/attendance/{eid}"),
            Some(&admin),
            Some(json!({"presence": "present"})),
        )
        .await,
        200,
    )
    .await;
    // She also holds the only place of a course to come, where Nino waits.
    let later = course(&app, &admin, "Cittadinanza", &[]).await;
    session(
        &app,
        &admin,
        &later,
        at_office(&camaiore, "Sala B", day_ahead(9), "09:00", "11:00", 1),
    )
    .await;
    enrol(&app, &admin, &later, json!({"full_name": "Ottavia Quaranta", "email": "ottavia.quaranta@esempio.it", "municipality_id": camaiore})).await;
    let next = enrol(
        &app,
        &admin,
        &later,
        colleague("Nino Primo", "nino.primo@esempio.it", &camaiore),
    )
    .await;
    assert_eq!(next["status"], "waiting");
    let needles = ["Quaranta", "ottavia.quaranta", "XYZW"];
    let columns = app.text_columns();
    let holding = || {
        let mut found = Vec::new();
        for (table, column) in &columns {
            for needle in needles {
                if app.rows_containing(table, column, needle) > 0 {
                    found.push(format!("{table}.{column} holds {needle}"));
                }
            }
        }
        found
    };
    let before = holding();
    assert!(
        before
            .iter()
            .any(|f| f.starts_with("training_participants.")),
        "{before:?}"
    );
    assert!(
        before.iter().any(|f| f.starts_with("outbox.")),
        "the invitation names her: {before:?}"
    );

    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let path = format!("/api/v1/training/participants/{pid}/anonymise");
    assert_eq!(app.post(&path, &coord, json!({})).await.status(), 403);
    assert_eq!(app.post(&path, &admin, json!({})).await.status(), 204);
    assert_eq!(holding(), Vec::<String>::new());
    // Her hours still count for the course she attended; the place she never used goes to
    // the next in line.
    let report = json_of(
        app.get(&format!("/api/v1/training/courses/{c}/attendance"), &admin)
            .await,
        200,
    )
    .await;
    assert_eq!(report["participants"][0]["attended_minutes"], 120);
    assert_eq!(
        report["participants"][0]["full_name"],
        "Partecipante anonimo"
    );
    let list = json_of(
        app.get(
            &format!("/api/v1/training/courses/{later}/enrolments"),
            &admin,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        statuses(&list),
        [
            ("Nino Primo".into(), "enrolled".into(), Value::Null),
            (
                "Partecipante anonimo".into(),
                "withdrawn".into(),
                Value::Null
            ),
        ]
    );
    let failed = json_of(app.get("/api/v1/outbox?status=failed", &admin).await, 200).await;
    assert!(
        failed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["last_error"] == "anonymised" && m["recipient"] == ""),
        "{failed}"
    );
    assert_eq!(
        failed["items"].as_array().unwrap().len(),
        2,
        "her two invitations, never to be sent"
    );
}
