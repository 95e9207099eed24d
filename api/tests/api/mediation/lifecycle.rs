//! A request's life cycle: filing rules, approval, assignment, completion, declines, cancellations.

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::json;

use super::{booked, day_ahead, file, json_of, mediation, mediator, now, step};
use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    a_request_goes_from_submitted_to_completed,
    declines_and_late_cancellations,
);

async fn a_request_goes_from_submitted_to_completed(app: TestApp) {
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let (_, officer) = app
        .user(
            "officer",
            "municipal_officer",
            std::slice::from_ref(&camaiore),
        )
        .await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (uid, med) = app.user("amal", "mediator", &[]).await;
    let m = mediator(
        &app,
        &admin,
        json!({"full_name": "Amal Haddad", "kind": "mediator", "languages": [{"language": "ar", "level": "native"}],
               "municipality_ids": [camaiore], "user_id": uid}),
    )
    .await;

    // The form's rules: a mediation needs a day, a time, a duration, a place and a setting.
    let res = app
        .post(
            "/api/v1/requests",
            &officer,
            json!({"municipality_id": camaiore, "office": "Anagrafe", "contact_name": "Rossi", "kind": "mediation", "language": "ar", "purpose": "x", "pages": 2}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        fields(&p),
        [
            "pages",
            "date",
            "start_time",
            "duration_minutes",
            "address",
            "setting"
        ]
    );
    let mut past = mediation(
        &camaiore,
        now().date() - Duration::days(1),
        "10:00",
        60,
        false,
    );
    past["start_time"] = json!("25:00");
    let p = assert_problem(
        app.post("/api/v1/requests", &officer, past).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["date", "start_time"]);
    let far = mediation(
        &camaiore,
        NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
        "23:30",
        60,
        false,
    );
    let p = assert_problem(
        app.post("/api/v1/requests", &officer, far).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["date"]);

    let day = day_ahead(9);
    let id = file(
        &app,
        &officer,
        mediation(&camaiore, day, "10:00", 60, false),
    )
    .await;
    let r = json_of(
        app.get(&format!("/api/v1/requests/{id}"), &officer).await,
        200,
    )
    .await;
    assert!(r["reference"]
        .as_str()
        .unwrap()
        .starts_with(&format!("RS-{}-", now().year())));
    assert_eq!(r["starts_at"], format!("{day}T10:00:00"));
    assert_eq!(r["ends_at"], format!("{day}T11:00:00"));

    // Not the officer's to approve; not assignable before approval (409 lists what is allowed).
    assert_problem(
        step(&app, &officer, &id, json!({"to": "approved"})).await,
        403,
        "forbidden",
    )
    .await;
    let p = assert_problem(
        step(
            &app,
            &coord,
            &id,
            json!({"to": "assigned", "mediator_id": m}),
        )
        .await,
        409,
        "transition_not_allowed",
    )
    .await;
    assert_eq!(p["allowed"], json!(["approved", "rejected", "cancelled"]));

    json_of(
        step(&app, &coord, &id, json!({"to": "approved"})).await,
        200,
    )
    .await;
    let res = step(&app, &coord, &id, json!({"to": "assigned"})).await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["mediator_id"]
    );
    let r = json_of(
        step(
            &app,
            &coord,
            &id,
            json!({"to": "assigned", "mediator_id": m}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(r["status"], "assigned");
    assert_eq!(r["mediator_name"], "Amal Haddad");

    // The mediator sees the job (without the attachments' description) and confirms it.
    let jobs = json_of(app.get("/api/v1/me/assignments", &med).await, 200).await;
    assert_eq!(jobs.as_array().unwrap().len(), 1);
    assert_eq!(jobs[0]["id"], id.as_str());
    let r = json_of(step(&app, &med, &id, json!({"to": "confirmed"})).await, 200).await;
    assert_eq!(r["status"], "confirmed");

    // A mediator taken off the roster is cut off from her jobs at once, and back when restored.
    let roster = format!("/api/v1/mediators/{m}");
    let set_active = |active: bool| app.patch(&roster, &admin, json!({"active": active}));
    assert_eq!(set_active(false).await.status(), 200);
    let res = step(
        &app,
        &med,
        &id,
        json!({"to": "completed", "actual_minutes": 75, "outcome": "done"}),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let jobs = json_of(app.get("/api/v1/me/assignments", &med).await, 200).await;
    assert_eq!(jobs.as_array().unwrap().len(), 0, "{jobs}");
    let me = json_of(app.get("/api/v1/me/mediator", &med).await, 200).await;
    assert_eq!(me["active"], false, "she still sees her own record");
    assert_eq!(set_active(true).await.status(), 200);

    // Completion needs the minutes and the outcome.
    let res = step(&app, &med, &id, json!({"to": "completed"})).await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["actual_minutes", "outcome"]
    );
    let r = json_of(
        step(&app, &med, &id, json!({"to": "completed", "actual_minutes": 75, "outcome": "done", "notes": "Tutto chiarito"})).await,
        200,
    )
    .await;
    assert_eq!(r["status"], "completed");
    assert_eq!(r["actual_minutes"], 75);
    assert_eq!(r["actual_start"], format!("{day}T10:00:00"));
    assert_eq!(r["completion_notes"], "Tutto chiarito");
    // Nothing follows completion.
    let p = assert_problem(
        step(&app, &coord, &id, json!({"to": "cancelled", "reason": "x"})).await,
        409,
        "transition_not_allowed",
    )
    .await;
    assert_eq!(p["allowed"], json!([]));

    // The history has every step with who did it; the audit log has each transition.
    let h = json_of(
        app.get(&format!("/api/v1/requests/{id}/history"), &officer)
            .await,
        200,
    )
    .await;
    let steps: Vec<(&str, &str)> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["to"].as_str().unwrap(), s["actor_name"].as_str().unwrap()))
        .collect();
    // Each author by full name, not by username.
    assert_eq!(
        steps,
        [
            ("submitted", "Test officer"),
            ("approved", "Test coord"),
            ("assigned", "Test coord"),
            ("confirmed", "Test amal"),
            ("completed", "Test amal")
        ]
    );
    assert_eq!(h[2]["mediator_name"], "Amal Haddad");
    let audit = json_of(
        app.get(&format!("/api/v1/audit?entity_id={id}"), &admin)
            .await,
        200,
    )
    .await;
    let mut actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "request.approve",
            "request.assign",
            "request.complete",
            "request.confirm",
            "request.create"
        ]
    );
    // The purpose never reaches the audit log.
    assert!(
        !audit.to_string().contains("Colloquio per la residenza"),
        "{audit}"
    );

    // Rejection needs a reason.
    let id2 = file(&app, &officer, mediation(&camaiore, day, "15:00", 60, true)).await;
    let res = step(&app, &coord, &id2, json!({"to": "rejected"})).await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["reason"]
    );
    let r = json_of(
        step(
            &app,
            &coord,
            &id2,
            json!({"to": "rejected", "reason": "Servizio non coperto"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (r["status"].as_str(), r["reason"].as_str()),
        (Some("rejected"), Some("Servizio non coperto"))
    );
}

async fn declines_and_late_cancellations(app: TestApp) {
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let (_, officer) = app
        .user(
            "officer",
            "municipal_officer",
            std::slice::from_ref(&camaiore),
        )
        .await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (uid, med) = app.user("amal", "mediator", &[]).await;
    let m = mediator(
        &app,
        &admin,
        json!({"full_name": "Amal Haddad", "kind": "mediator", "languages": [{"language": "ar", "level": "native"}],
               "municipality_ids": [camaiore], "user_id": uid}),
    )
    .await;

    // Declining sends the job back to approved, without the mediator, with the reason.
    let id = booked(
        &app,
        &coord,
        mediation(&camaiore, day_ahead(10), "09:00", 60, false),
        &m,
    )
    .await;
    let res = step(&app, &med, &id, json!({"to": "approved"})).await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["reason"]
    );
    let r = json_of(
        step(
            &app,
            &med,
            &id,
            json!({"to": "approved", "reason": "Sono in malattia"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(r["status"], "approved");
    assert!(r["mediator_id"].is_null());
    // The reason is the mediator's business: only coordinators read it, in the history.
    assert!(r["reason"].is_null(), "{r}");
    // The mediator no longer sees it; the history says who declined.
    assert_problem(
        app.get(&format!("/api/v1/requests/{id}"), &med).await,
        404,
        "not_found",
    )
    .await;
    let h = json_of(
        app.get(&format!("/api/v1/requests/{id}/history"), &coord)
            .await,
        200,
    )
    .await;
    let last = h.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["to"].as_str(),
            last["mediator_name"].as_str(),
            last["note"].as_str()
        ),
        (
            Some("approved"),
            Some("Amal Haddad"),
            Some("Sono in malattia")
        )
    );
    let h = json_of(
        app.get(&format!("/api/v1/requests/{id}/history"), &officer)
            .await,
        200,
    )
    .await;
    assert!(!h.to_string().contains("malattia"), "{h}");
    // Mediators cancel nothing: they decline.
    json_of(
        step(
            &app,
            &coord,
            &id,
            json!({"to": "assigned", "mediator_id": m}),
        )
        .await,
        200,
    )
    .await;
    assert_problem(
        step(&app, &med, &id, json!({"to": "cancelled", "reason": "no"})).await,
        403,
        "forbidden",
    )
    .await;

    // Cancelled ten days ahead: not late.
    let r = json_of(
        step(
            &app,
            &officer,
            &id,
            json!({"to": "cancelled", "reason": "La famiglia si è trasferita"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (r["status"].as_str(), r["cancelled_late"].as_bool()),
        (Some("cancelled"), Some(false))
    );
    assert_eq!(r["cancelled_by"], "officer");

    // Cancelled a few hours before the start: late, and billed on the timesheet.
    let soon = now() + Duration::hours(3);
    let (day, start) = if soon.date() == now().date()
        && soon.time() < chrono::NaiveTime::from_hms_opt(22, 0, 0).unwrap()
    {
        (soon.date(), soon.format("%H:00").to_string())
    } else {
        (now().date() + Duration::days(1), "07:00".to_owned())
    };
    let id = booked(
        &app,
        &coord,
        mediation(&camaiore, day, &start, 60, false),
        &m,
    )
    .await;
    json_of(step(&app, &med, &id, json!({"to": "confirmed"})).await, 200).await;
    let r = json_of(
        step(
            &app,
            &officer,
            &id,
            json!({"to": "cancelled", "reason": "Ufficio chiuso"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(r["cancelled_late"], true);
    let h = json_of(
        app.get(&format!("/api/v1/requests/{id}/history"), &officer)
            .await,
        200,
    )
    .await;
    assert_eq!(h.as_array().unwrap().last().unwrap()["late"], true);
    let month = day.format("%Y-%m").to_string();
    let t = json_of(
        app.get(
            &format!("/api/v1/mediators/{m}/timesheet?month={month}"),
            &coord,
        )
        .await,
        200,
    )
    .await;
    let late = t["late_cancellations"].as_array().unwrap();
    assert_eq!(late.len(), 1, "{t}");
    assert_eq!(late[0]["request_id"], id.as_str());
    assert_eq!(late[0]["planned_minutes"], 60);

    // The mediator who takes a declined job does not learn who declined it; staff do.
    let (oid, omar) = app.user("omar", "mediator", &[]).await;
    let o = mediator(
        &app,
        &admin,
        json!({"full_name": "Omar Said", "kind": "mediator", "languages": [{"language": "ar", "level": "native"}],
               "municipality_ids": [camaiore], "user_id": oid}),
    )
    .await;
    let id = booked(
        &app,
        &coord,
        mediation(&camaiore, day_ahead(20), "09:00", 60, false),
        &m,
    )
    .await;
    let declined = json!({"to": "approved", "reason": "Impegno di famiglia"});
    json_of(step(&app, &med, &id, declined).await, 200).await;
    json_of(
        step(
            &app,
            &coord,
            &id,
            json!({"to": "assigned", "mediator_id": o}),
        )
        .await,
        200,
    )
    .await;
    let authors = |h: serde_json::Value| -> Vec<String> {
        h.as_array()
            .unwrap()
            .iter()
            .map(|s| s["actor_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let path = format!("/api/v1/requests/{id}/history");
    let seen = authors(json_of(app.get(&path, &omar).await, 200).await);
    assert!(!seen.iter().any(|a| a.contains("amal")), "{seen:?}");
    assert_eq!(seen.last().map(String::as_str), Some("Test coord"));
    let seen = authors(json_of(app.get(&path, &coord).await, 200).await);
    assert!(seen.iter().any(|a| a == "Test amal"), "{seen:?}");
}
