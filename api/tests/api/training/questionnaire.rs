//! The questionnaire: sent once the course is over, a personal link that works once and
//! expires, answers stored with nothing that leads back to a participant, results for
//! coordinators and the course's trainers.

use mail_parser::MessageParser;
use serde_json::{json, Value};

use super::mail::app_with_mail;
use super::{at_office, colleague, course, day_ahead, enrol, json_of, session};
use crate::common::{assert_problem, fields, Backend};
use crate::smtp_sink::SmtpSink;

backends!(a_single_use_link_and_anonymous_answers);

/// The link in a delivered message.
fn link_in(data: &[u8]) -> String {
    let m = MessageParser::default().parse(data).unwrap();
    let text = m.body_text(0).unwrap().to_string();
    let at = text.find("/questionario/").expect("a questionnaire link");
    text[at + "/questionario/".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

async fn a_single_use_link_and_anonymous_answers(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = app_with_mail(backend, Some(sink.url()), 8).await;
    let camaiore = app.municipality("046005").await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (trainer_id, trainer) = app.user("trainer", "trainer", &[]).await;
    let (_, other_trainer) = app.user("trainer.two", "trainer", &[]).await;
    let (_, officer) = app
        .user(
            "officer",
            "municipal_officer",
            std::slice::from_ref(&camaiore),
        )
        .await;

    // Not before the last session is over.
    let running = course(&app, &coord, "In corso", &[]).await;
    session(
        &app,
        &coord,
        &running,
        at_office(&camaiore, "Sala B", day_ahead(-2), "09:00", "11:00", 5),
    )
    .await;
    session(
        &app,
        &coord,
        &running,
        at_office(&camaiore, "Sala B", day_ahead(3), "09:00", "11:00", 5),
    )
    .await;
    let send = |c: &str| format!("/api/v1/training/courses/{c}/questionnaire");
    assert_problem(
        app.post(&send(&running), &coord, json!({})).await,
        409,
        "course_not_over",
    )
    .await;

    let c = course(&app, &coord, "Comunicazione interculturale", &[&trainer_id]).await;
    session(
        &app,
        &coord,
        &c,
        at_office(&camaiore, "Sala A", day_ahead(-1), "09:00", "13:00", 5),
    )
    .await;
    let mut english = colleague("Sara Conti", "s.conti@comune.it", &camaiore);
    english["language"] = json!("en");
    for body in [
        colleague("Anna Blu", "a.blu@comune.it", &camaiore),
        colleague("Bruno Gialli", "b.gialli@comune.it", &camaiore),
        english,
    ] {
        enrol(&app, &coord, &c, body).await;
    }
    assert_eq!(app.post(&send(&c), &officer, json!({})).await.status(), 403);
    let r = json_of(app.post(&send(&c), &coord, json!({})).await, 200).await;
    assert_eq!(
        (r["sent"].as_i64(), r["answered"].as_i64()),
        (Some(3), Some(0))
    );
    // Sending again reaches nobody twice.
    let r = json_of(app.post(&send(&c), &coord, json!({})).await, 200).await;
    assert_eq!(r["sent"], 3);

    // Three invitations to enrol, three links.
    let got = sink.wait_for(6, 20).await;
    let links: Vec<(String, String)> = got
        .iter()
        .filter(|m| String::from_utf8_lossy(&m.data).contains("questionario"))
        .map(|m| (m.to[0].clone(), link_in(&m.data)))
        .collect();
    assert_eq!(links.len(), 3, "one link each");
    let token_of = |to: &str| links.iter().find(|l| l.0 == to).unwrap().1.clone();
    let (anna, bruno, sara) = (
        token_of("a.blu@comune.it"),
        token_of("b.gialli@comune.it"),
        token_of("s.conti@comune.it"),
    );

    // No account needed; the link says which course, in the participant's language.
    let path = |t: &str| format!("/api/v1/questionnaire/{t}");
    let invite = json_of(
        app.call(reqwest::Method::GET, &path(&sara), None, None)
            .await,
        200,
    )
    .await;
    assert_eq!(
        invite,
        json!({"course_title": "Comunicazione interculturale", "organisation": "Scuola Superiore Sant'Anna", "language": "en"})
    );
    let answer = |t: String, body: Value| {
        let app = &app;
        async move {
            app.call(reqwest::Method::POST, &path(&t), None, Some(body))
                .await
        }
    };
    let p = assert_problem(
        answer(
            anna.clone(),
            json!({"satisfaction": 6, "usefulness": 0, "recommend": true}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["satisfaction", "usefulness"]);
    assert_eq!(answer(anna.clone(), json!({"satisfaction": 5, "usefulness": 4, "recommend": true, "comment": "Molto utile per l'anagrafe"})).await.status(), 204);
    // Once only.
    assert_problem(
        answer(
            anna.clone(),
            json!({"satisfaction": 1, "usefulness": 1, "recommend": false}),
        )
        .await,
        409,
        "already_answered",
    )
    .await;
    assert_problem(
        app.call(reqwest::Method::GET, &path(&anna), None, None)
            .await,
        409,
        "already_answered",
    )
    .await;
    assert_eq!(
        answer(
            bruno.clone(),
            json!({"satisfaction": 3, "usefulness": 4, "recommend": false})
        )
        .await
        .status(),
        204
    );
    assert_eq!(
        answer(
            "not-a-link".into(),
            json!({"satisfaction": 3, "usefulness": 4, "recommend": false})
        )
        .await
        .status(),
        404
    );

    // PostgreSQL stamps rows with the transaction that wrote them: after two answers, every link
    // of the course carries the same stamp, so it tells nobody which links answered.
    if let Some(writers) = app.writers_of("training_questionnaire_links", "course_id", &c) {
        assert_eq!(writers, 1, "the links' xmin tells which were answered");
    }

    // After 60 days the link is dead.
    app.sql("UPDATE training_questionnaire_links SET expires_at = '2000-01-01 00:00:00' WHERE answered = FALSE");
    assert_problem(
        app.call(reqwest::Method::GET, &path(&sara), None, None)
            .await,
        409,
        "link_expired",
    )
    .await;
    assert_problem(
        answer(
            sara.clone(),
            json!({"satisfaction": 4, "usefulness": 4, "recommend": true}),
        )
        .await,
        409,
        "link_expired",
    )
    .await;

    // Results: averages, spread, comments; for coordinators and the course's trainers.
    let results = format!("/api/v1/training/courses/{c}/questionnaire");
    let r = json_of(app.get(&results, &trainer).await, 200).await;
    assert_eq!(
        (r["sent"].as_i64(), r["answered"].as_i64()),
        (Some(3), Some(2))
    );
    assert_eq!(r["satisfaction_average"], 4.0);
    assert_eq!(r["usefulness_average"], 4.0);
    assert_eq!(r["satisfaction"], json!([0, 0, 1, 0, 1]));
    assert_eq!(
        (r["recommend_yes"].as_i64(), r["recommend_no"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(r["comments"], json!(["Molto utile per l'anagrafe"]));
    assert_eq!(app.get(&results, &other_trainer).await.status(), 404);
    assert_eq!(app.get(&results, &officer).await.status(), 403);

    // Nothing leads from an answer to a person: no link, enrolment, participant or time in the
    // answers, and the links keep only whether they were answered.
    assert_eq!(
        app.columns_of("training_answers"),
        [
            "comment",
            "course_id",
            "id",
            "recommend",
            "satisfaction",
            "usefulness"
        ]
    );
    assert_eq!(
        app.columns_of("training_questionnaire_links"),
        [
            "answered",
            "course_id",
            "enrolment_id",
            "expires_at",
            "token_hash"
        ]
    );
    assert_eq!(app.rows_containing("audit_log", "changes", "anagrafe"), 0);
    assert_eq!(
        app.rows_containing("training_questionnaire_links", "token_hash", &anna),
        0,
        "tokens are kept hashed"
    );
}
