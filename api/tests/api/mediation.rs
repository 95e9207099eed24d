//! Mediators and service requests: registry, availability, life cycle, matching with the travel
//! buffer, the double-booking guarantee under concurrency, calendar, iCalendar feed and hours.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    mediators_and_their_availability,
    a_request_goes_from_submitted_to_completed,
    declines_and_late_cancellations,
    suggestions_rank_with_reasons_and_the_travel_buffer,
    two_coordinators_assigning_at_once_never_double_book,
    calendar_feed_and_timesheet,
    who_sees_which_request,
);

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

async fn mediators_and_their_availability(app: TestApp) {
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let unione = app.municipality("Unione dei Comuni della Garfagnana").await;
    let (uid, med_token) = app.user("amal", "mediator", &[]).await;
    let (_, op) = app
        .user("op.c", "operator", std::slice::from_ref(&camaiore))
        .await;

    // Every field at fault is named.
    let res = app
        .post(
            "/api/v1/mediators",
            &admin,
            json!({"full_name": " ", "languages": [{"language": "arabic", "level": "native"}], "municipality_ids": ["nope"]}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["full_name", "kind", "languages[0].language"]);
    let res = app
        .post(
            "/api/v1/mediators",
            &admin,
            json!({"full_name": "Amal Haddad", "kind": "both", "languages": [{"language": "ar", "level": "native"}], "municipality_ids": ["nope"]}),
        )
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["municipality_ids[0]"]);

    let m = json_of(
        app.post(
            "/api/v1/mediators",
            &admin,
            json!({"full_name": "Amal Haddad", "email": "amal@coeso.it", "phone": "333 1234567", "kind": "both",
                   "organisation": "Co&So", "languages": [{"language": "ar", "level": "native"}, {"language": "fr", "level": "c1"}],
                   "municipality_ids": [camaiore, unione], "user_id": uid}),
        )
        .await,
        201,
    )
    .await;
    let id = m["id"].as_str().unwrap();
    assert_eq!(
        m["languages"][0],
        json!({"language": "ar", "level": "native"})
    );
    assert_eq!(m["user_id"], uid.as_str());

    // Operators see name, languages and coverage only.
    let seen = json_of(app.get(&format!("/api/v1/mediators/{id}"), &op).await, 200).await;
    assert_eq!(seen["full_name"], "Amal Haddad");
    assert!(seen["email"].is_null() && seen["phone"].is_null() && seen["organisation"].is_null());
    assert_eq!(seen["municipality_ids"].as_array().unwrap().len(), 2);
    let list = json_of(app.get("/api/v1/mediators?language=fr", &op).await, 200).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let list = json_of(app.get("/api/v1/mediators?language=bn", &op).await, 200).await;
    assert!(list.as_array().unwrap().is_empty());
    // Covering the Unione covers Gallicano, one of its members.
    let gallicano = app.municipality("046015").await;
    let lucca = app.municipality("046017").await;
    let list = json_of(
        app.get(
            &format!("/api/v1/mediators?municipality_id={gallicano}"),
            &op,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let list = json_of(
        app.get(&format!("/api/v1/mediators?municipality_id={lucca}"), &op)
            .await,
        200,
    )
    .await;
    assert!(list.as_array().unwrap().is_empty());

    // The mediator edits their own availability; overlapping windows and reversed days are refused.
    let me = json_of(app.get("/api/v1/me/mediator", &med_token).await, 200).await;
    assert_eq!(me["id"], id);
    let path = format!("/api/v1/mediators/{id}/availability");
    let bad = json!({"weekly": [
            {"weekday": 2, "start": "09:00", "end": "13:00"},
            {"weekday": 2, "start": "12:00", "end": "15:00"},
            {"weekday": 3, "start": "10:00", "end": "09:00"},
            {"weekday": 4, "start": "10:00", "end": "10:00:30"}],
        "exceptions": [{"from": "2026-12-31", "to": "2026-12-24", "reason": "ferie"}]});
    let res = app
        .call(Method::PUT, &path, Some(&med_token), Some(bad))
        .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        fields(&p),
        [
            "weekly[2].end",
            "weekly[3].end",
            "weekly[1]",
            "exceptions[0].to"
        ]
    );
    let good = json!({"weekly": [
            {"weekday": 2, "start": "09:00", "end": "13:00"},
            {"weekday": 2, "start": "14:00", "end": "18:00"}],
        "exceptions": [{"from": "2026-12-24", "to": "2026-12-31", "reason": "ferie"}]});
    let saved = json_of(
        app.call(Method::PUT, &path, Some(&med_token), Some(good.clone()))
            .await,
        200,
    )
    .await;
    assert_eq!(saved, good);
    assert_eq!(json_of(app.get(&path, &admin).await, 200).await, good);

    // Another mediator neither sees nor edits it; an operator may not edit availability at all.
    let (_, other) = app.user("other.med", "mediator", &[]).await;
    assert_problem(
        app.get(&format!("/api/v1/mediators/{id}"), &other).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.call(Method::PUT, &path, Some(&other), Some(always()))
            .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.call(Method::PUT, &path, Some(&op), Some(always()))
            .await,
        403,
        "forbidden",
    )
    .await;

    // A changed mediator: PATCH only what changes.
    let res = app
        .patch(
            &format!("/api/v1/mediators/{id}"),
            &admin,
            json!({"phone": null, "travels": false}),
        )
        .await;
    let m = json_of(res, 200).await;
    assert!(m["phone"].is_null());
    assert_eq!(m["travels"], false);
    assert_eq!(m["email"], "amal@coeso.it");
    // Linking an account without the mediator role is refused.
    let (op_id, _) = app.user("op.two", "operator", &[]).await;
    let res = app
        .patch(
            &format!("/api/v1/mediators/{id}"),
            &admin,
            json!({"user_id": op_id}),
        )
        .await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["user_id"]
    );
}

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
    assert_eq!(
        steps,
        [
            ("submitted", "officer"),
            ("approved", "coord"),
            ("assigned", "coord"),
            ("confirmed", "amal"),
            ("completed", "amal")
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
}

async fn suggestions_rank_with_reasons_and_the_travel_buffer(app: TestApp) {
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let lucca = app.municipality("046017").await;
    let gallicano = app.municipality("046015").await;
    let unione = app.municipality("Unione dei Comuni della Garfagnana").await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let lang = |l: &str| json!([{"language": "ar", "level": l}]);
    let busy = mediator(&app, &admin, json!({"full_name": "Amal Busy", "kind": "mediator", "languages": lang("native"), "municipality_ids": [camaiore, lucca]})).await;
    let light = mediator(&app, &admin, json!({"full_name": "Bilal Light", "kind": "both", "languages": lang("native"), "municipality_ids": [camaiore]})).await;
    let b1 = mediator(&app, &admin, json!({"full_name": "Carla Basic", "kind": "mediator", "languages": lang("b1"), "municipality_ids": [unione]})).await;
    let far = mediator(&app, &admin, json!({"full_name": "Dina Far", "kind": "mediator", "languages": lang("native"), "municipality_ids": [lucca]})).await;
    let away = mediator(&app, &admin, json!({"full_name": "Emma Away", "kind": "mediator", "languages": lang("native"), "municipality_ids": [camaiore]})).await;
    mediator(&app, &admin, json!({"full_name": "Fatou Wolof", "kind": "mediator", "languages": [{"language": "wo", "level": "native"}], "municipality_ids": [camaiore]})).await;
    // Amal's second job is the day after: keep both in one month.
    let mut day = day_ahead(14);
    if (day + Duration::days(1)).month() != day.month() {
        day += Duration::days(2);
    }
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/mediators/{away}/availability"),
            Some(&admin),
            Some(json!({"weekly": [{"weekday": day.weekday().number_from_monday(), "start": "08:00", "end": "12:00"}],
                        "exceptions": [{"from": day, "to": day, "reason": "ferie"}]})),
        )
        .await;
    json_of(res, 200).await;

    // Amal has three hours that month already, on site in Lucca 09:00–10:00 on the day.
    booked(
        &app,
        &coord,
        mediation(&lucca, day, "09:00", 60, false),
        &busy,
    )
    .await;
    booked(
        &app,
        &coord,
        mediation(&lucca, day + Duration::days(1), "09:00", 120, true),
        &busy,
    )
    .await;

    // An on-site job in Camaiore at 10:00: Amal can't travel from Lucca in time.
    let id = file(&app, &coord, mediation(&camaiore, day, "10:00", 60, false)).await;
    json_of(
        step(&app, &coord, &id, json!({"to": "approved"})).await,
        200,
    )
    .await;
    let s = json_of(
        app.get(&format!("/api/v1/requests/{id}/suggestions"), &coord)
            .await,
        200,
    )
    .await;
    let names: Vec<(&str, u64)> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["full_name"].as_str().unwrap(),
                x["rank"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(names, [("Bilal Light", 1)], "{s}");
    assert!(
        s[0]["explanation"]
            .as_str()
            .unwrap()
            .contains("level native"),
        "{s}"
    );

    let all = json_of(
        app.get(
            &format!("/api/v1/requests/{id}/suggestions?include_unavailable=true"),
            &coord,
        )
        .await,
        200,
    )
    .await;
    let why = |name: &str| -> Vec<String> {
        let x = all
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["full_name"] == name)
            .unwrap_or_else(|| panic!("{name} in {all}"));
        assert!(x["rank"].is_null());
        x["failures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(why("Amal Busy"), ["travel"]);
    assert_eq!(why("Carla Basic"), ["coverage"]);
    assert_eq!(why("Dina Far"), ["coverage"]);
    assert_eq!(why("Emma Away"), ["availability"]);
    assert_eq!(why("Fatou Wolof"), ["language"]);
    let amal = all
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["full_name"] == "Amal Busy")
        .unwrap();
    assert!(amal["failures"][0]["conflicting_reference"]
        .as_str()
        .unwrap()
        .starts_with("RS-"));

    // Someone who doesn't speak the language can't be assigned, even by hand.
    let wolof: Value = json_of(app.get("/api/v1/mediators?language=wo", &coord).await, 200).await;
    let res = step(
        &app,
        &coord,
        &id,
        json!({"to": "assigned", "mediator_id": wolof[0]["id"]}),
    )
    .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["code"], "not_qualified", "{p}");
    // Assigning Amal anyway is refused, naming the job in the way.
    let p = assert_problem(
        step(
            &app,
            &coord,
            &id,
            json!({"to": "assigned", "mediator_id": busy}),
        )
        .await,
        409,
        "double_booked",
    )
    .await;
    assert_eq!(p["rule"], "travel");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains(p["conflicting_reference"].as_str().unwrap()),
        "{p}"
    );

    // Remote, or thirty minutes later, Amal is free; ranked by hours this month after Bilal's zero.
    let id = file(&app, &coord, mediation(&camaiore, day, "10:30", 60, false)).await;
    let s = json_of(
        app.get(&format!("/api/v1/requests/{id}/suggestions"), &coord)
            .await,
        200,
    )
    .await;
    let names: Vec<&str> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bilal Light", "Amal Busy"], "{s}");
    assert_eq!(s[1]["minutes_this_month"], 180);
    let id = file(&app, &coord, mediation(&camaiore, day, "10:00", 60, true)).await;
    let s = json_of(
        app.get(&format!("/api/v1/requests/{id}/suggestions"), &coord)
            .await,
        200,
    )
    .await;
    let names: Vec<&str> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["full_name"].as_str().unwrap())
        .collect();
    // Remote: coverage doesn't matter; level first, then hours.
    assert_eq!(
        names,
        ["Bilal Light", "Dina Far", "Amal Busy", "Carla Basic"],
        "{s}"
    );
    // The Unione covers Gallicano: Carla qualifies there on site.
    let id = file(&app, &coord, mediation(&gallicano, day, "15:00", 60, false)).await;
    let s = json_of(
        app.get(&format!("/api/v1/requests/{id}/suggestions"), &coord)
            .await,
        200,
    )
    .await;
    let names: Vec<&str> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Carla Basic"], "{s}");

    // A translation needs both languages and a translator.
    let id = file(
        &app,
        &coord,
        json!({"municipality_id": camaiore, "office": "Servizi sociali", "contact_name": "Rossi", "kind": "translation",
               "language": "ar", "target_language": "it", "document_type": "Certificato di nascita", "pages": 2,
               "due_date": day, "purpose": "Ricongiungimento"}),
    )
    .await;
    let res = app.patch(&format!("/api/v1/mediators/{light}"), &admin, json!({"languages": [{"language": "ar", "level": "native"}, {"language": "it", "level": "c2"}]})).await;
    json_of(res, 200).await;
    let s = json_of(
        app.get(
            &format!("/api/v1/requests/{id}/suggestions?include_unavailable=true"),
            &coord,
        )
        .await,
        200,
    )
    .await;
    let first = &s[0];
    assert_eq!(
        (
            first["full_name"].as_str(),
            first["rank"].as_u64(),
            first["level"].as_str()
        ),
        (Some("Bilal Light"), Some(1), Some("c2"))
    );
    assert!(s[1]["rank"].is_null(), "{s}");
    let _ = b1;
    let _ = far;
}

async fn two_coordinators_assigning_at_once_never_double_book(app: TestApp) {
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let (_, c1) = app.user("coord1", "coordinator", &[]).await;
    let (_, c2) = app.user("coord2", "coordinator", &[]).await;
    let m = mediator(&app, &admin, json!({"full_name": "Amal Haddad", "kind": "mediator", "languages": [{"language": "ar", "level": "native"}], "municipality_ids": [camaiore]})).await;
    for round in 0..6 {
        let day = day_ahead(20 + round);
        let a = file(&app, &c1, mediation(&camaiore, day, "10:00", 60, false)).await;
        let b = file(&app, &c2, mediation(&camaiore, day, "10:30", 60, false)).await;
        for id in [&a, &b] {
            json_of(step(&app, &c1, id, json!({"to": "approved"})).await, 200).await;
        }
        let body = json!({"to": "assigned", "mediator_id": m});
        let (ra, rb) = tokio::join!(
            step(&app, &c1, &a, body.clone()),
            step(&app, &c2, &b, body.clone())
        );
        let mut got = [ra.status().as_u16(), rb.status().as_u16()];
        let loser = if got[0] == 409 { ra } else { rb };
        got.sort();
        assert_eq!(got, [200, 409], "round {round}");
        let p = assert_problem(loser, 409, "double_booked").await;
        assert!(
            p["conflicting_request_id"].as_str() == Some(a.as_str())
                || p["conflicting_request_id"].as_str() == Some(b.as_str())
        );
        // Exactly one of the two holds the mediator.
        let cal = json_of(
            app.get(
                &format!(
                    "/api/v1/mediators/{m}/calendar?from={day}&to={}",
                    day + Duration::days(1)
                ),
                &admin,
            )
            .await,
            200,
        )
        .await;
        assert_eq!(cal.as_array().unwrap().len(), 1, "round {round}: {cal}");
    }
}

async fn calendar_feed_and_timesheet(app: TestApp) {
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let lucca = app.municipality("046017").await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (uid, med) = app.user("amal", "mediator", &[]).await;
    let m = mediator(&app, &admin, json!({"full_name": "Amal Haddad", "kind": "both", "languages": [{"language": "ar", "level": "native"}, {"language": "it", "level": "c2"}], "municipality_ids": [camaiore, lucca], "user_id": uid})).await;
    let day = day_ahead(8);
    let a = booked(
        &app,
        &coord,
        mediation(&camaiore, day, "10:00", 60, false),
        &m,
    )
    .await;
    let b = booked(&app, &coord, mediation(&lucca, day, "15:00", 90, true), &m).await;
    let c = booked(
        &app,
        &coord,
        mediation(&camaiore, day + Duration::days(1), "09:00", 60, false),
        &m,
    )
    .await;
    let t = booked(
        &app,
        &coord,
        json!({"municipality_id": lucca, "office": "Servizi sociali", "contact_name": "Neri", "kind": "translation",
               "language": "ar", "target_language": "it", "document_type": "Sentenza", "pages": 3, "due_date": day, "purpose": "Tribunale"}),
        &m,
    )
    .await;
    for id in [&a, &b, &c, &t] {
        json_of(step(&app, &med, id, json!({"to": "confirmed"})).await, 200).await;
    }

    // The calendar of the day, by time (the translation due that day first, at midnight).
    let cal = json_of(
        app.get(
            &format!(
                "/api/v1/mediators/{m}/calendar?from={day}&to={}",
                day + Duration::days(1)
            ),
            &coord,
        )
        .await,
        200,
    )
    .await;
    let ids: Vec<&str> = cal
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [t.as_str(), a.as_str(), b.as_str()]);
    let res = app
        .get(
            &format!("/api/v1/mediators/{m}/calendar?from={day}&to={day}"),
            &coord,
        )
        .await;
    assert_eq!(
        fields(&assert_problem(res, 400, "invalid_query").await),
        ["to"]
    );

    // The iCalendar feed: with the private address's token, no login needed.
    let feed = json_of(
        app.post("/api/v1/me/calendar-feed", &med, json!({})).await,
        200,
    )
    .await;
    let path = feed["path"].as_str().unwrap().to_owned();
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let ics = res.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 4, "{ics}");
    let reference = json_of(app.get(&format!("/api/v1/requests/{a}"), &med).await, 200).await
        ["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(ics.contains(&reference), "{ics}");
    let utc = lumit_api::scheduling::to_utc(day.and_hms_opt(10, 0, 0).unwrap());
    assert!(
        ics.contains(&format!("DTSTART:{}", utc.format("%Y%m%dT%H%M%SZ"))),
        "{ics}"
    );
    assert!(
        ics.contains(&format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d"))),
        "{ics}"
    );
    // Deactivating the account ends the address at once.
    let res = app
        .patch(
            &format!("/api/v1/users/{uid}"),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "invalid_token").await;
    let res = app
        .patch(
            &format!("/api/v1/users/{uid}"),
            &admin,
            json!({"active": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Deactivation ended her sessions: the token she held is refused; she logs in again.
    assert_problem(
        app.get("/api/v1/me/assignments", &med).await,
        401,
        "session_ended",
    )
    .await;
    let med = crate::common::token_of(&app.login("amal", crate::common::USER_PASSWORD).await);
    // A new address replaces the old; a wrong token is refused.
    let res = app.post("/api/v1/me/calendar-feed", &med, json!({})).await;
    assert_eq!(res.status(), 200);
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "invalid_token").await;
    let res = app
        .http
        .get(format!("{}/api/v1/me/assignments.ics", app.base))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "unauthenticated").await;

    // Completed jobs make the timesheet: per municipality and kind.
    for (id, minutes) in [(&a, 70), (&b, 90), (&c, 45), (&t, 240)] {
        json_of(
            step(
                &app,
                &med,
                id,
                json!({"to": "completed", "actual_minutes": minutes, "outcome": "done"}),
            )
            .await,
            200,
        )
        .await;
    }
    // Months may split the two days: sum both.
    let mut rows: Vec<(String, String, i64, i64)> = Vec::new();
    let mut total = 0;
    let mut months = vec![day.format("%Y-%m").to_string()];
    let next = (day + Duration::days(1)).format("%Y-%m").to_string();
    if next != months[0] {
        months.push(next);
    }
    for month in &months {
        let sheet = json_of(
            app.get(
                &format!("/api/v1/mediators/{m}/timesheet?month={month}"),
                &coord,
            )
            .await,
            200,
        )
        .await;
        total += sheet["total_minutes"].as_i64().unwrap();
        for r in sheet["rows"].as_array().unwrap() {
            let key = (
                r["municipality_name"].as_str().unwrap().to_owned(),
                r["kind"].as_str().unwrap().to_owned(),
            );
            match rows.iter_mut().find(|x| (x.0.clone(), x.1.clone()) == key) {
                Some(x) => {
                    x.2 += r["jobs"].as_i64().unwrap();
                    x.3 += r["minutes"].as_i64().unwrap();
                }
                None => rows.push((
                    key.0,
                    key.1,
                    r["jobs"].as_i64().unwrap(),
                    r["minutes"].as_i64().unwrap(),
                )),
            }
        }
    }
    rows.sort();
    assert_eq!(total, 445);
    assert_eq!(
        rows,
        [
            ("Camaiore".to_owned(), "mediation".to_owned(), 2, 115),
            ("Lucca".to_owned(), "mediation".to_owned(), 1, 90),
            ("Lucca".to_owned(), "translation".to_owned(), 1, 240),
        ]
    );
    // The same as CSV.
    let res = app
        .http
        .get(format!(
            "{}/api/v1/mediators/{m}/timesheet?month={}",
            app.base, months[0]
        ))
        .bearer_auth(&coord)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("mediator,month,type,municipality,kind,reference,jobs,minutes,hours")
    );
    assert!(
        csv.contains(&format!(
            "Amal Haddad,{},work,Lucca,translation,,1,240,4.00",
            months[0]
        )),
        "{csv}"
    );
    assert!(csv.lines().any(|l| l.contains(",total,")), "{csv}");
    // A month that is not a month.
    let res = app
        .get(
            &format!("/api/v1/mediators/{m}/timesheet?month=2026-13"),
            &coord,
        )
        .await;
    assert_eq!(
        fields(&assert_problem(res, 400, "invalid_query").await),
        ["month"]
    );
}

async fn who_sees_which_request(app: TestApp) {
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let gallicano = app.municipality("046015").await;
    let (_, officer_c) = app
        .user(
            "officer.c",
            "municipal_officer",
            std::slice::from_ref(&camaiore),
        )
        .await;
    let (_, officer_g) = app
        .user(
            "officer.g",
            "municipal_officer",
            std::slice::from_ref(&gallicano),
        )
        .await;
    let (_, op_g) = app
        .user("op.g", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (uid, med) = app.user("amal", "mediator", &[]).await;
    let m = mediator(&app, &admin, json!({"full_name": "Amal Haddad", "kind": "mediator", "languages": [{"language": "ar", "level": "native"}], "municipality_ids": [camaiore, gallicano], "user_id": uid})).await;

    // An operator links a case of Gallicano; the officer may not file for another municipality.
    let person: Value = app
        .post(
            "/api/v1/people",
            &op_g,
            json!({"first_name": "Amina", "last_name": "Diallo", "municipality_id": gallicano}),
        )
        .await
        .json()
        .await
        .unwrap();
    let case: Value = app.post("/api/v1/cases", &op_g, json!({"person_id": person["id"], "municipality_id": gallicano, "category_id": "other", "summary": "Residenza"})).await.json().await.unwrap();
    let mut body = mediation(&gallicano, day_ahead(12), "10:00", 60, false);
    body["case_id"] = case["id"].clone();
    body["attachments"] = json!("Copia del permesso");
    let res = app.post("/api/v1/requests", &officer_c, body.clone()).await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["municipality_id"]
    );
    // An officer can't link a case: they may not see cases.
    let res = app.post("/api/v1/requests", &officer_g, body.clone()).await;
    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["case_id"]
    );
    let g = file(&app, &op_g, body).await;
    let c = file(
        &app,
        &officer_c,
        mediation(&camaiore, day_ahead(12), "15:00", 60, true),
    )
    .await;

    // Each municipality sees its own; the case link only for those who may read the case.
    let list = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        list(&json_of(app.get("/api/v1/requests", &officer_c).await, 200).await),
        [c.as_str()]
    );
    assert_eq!(
        list(&json_of(app.get("/api/v1/requests", &officer_g).await, 200).await),
        [g.as_str()]
    );
    assert_eq!(
        list(&json_of(app.get("/api/v1/requests", &coord).await, 200).await),
        [c.as_str(), g.as_str()]
    );
    assert_problem(
        app.get(&format!("/api/v1/requests/{g}"), &officer_c).await,
        404,
        "not_found",
    )
    .await;
    let seen = json_of(
        app.get(&format!("/api/v1/requests/{g}"), &officer_g).await,
        200,
    )
    .await;
    assert!(seen["case_id"].is_null());
    let seen = json_of(app.get(&format!("/api/v1/requests/{g}"), &op_g).await, 200).await;
    assert_eq!(seen["case_id"], case["id"]);
    let filtered = json_of(
        app.get("/api/v1/requests?kind=translation", &coord).await,
        200,
    )
    .await;
    assert!(list(&filtered).is_empty());
    let res = app.get("/api/v1/requests?status=done", &coord).await;
    assert_eq!(
        fields(&assert_problem(res, 400, "invalid_query").await),
        ["status[0]"]
    );

    // A mediator sees nothing until assigned, then only that job, without case or attachments.
    assert!(list(&json_of(app.get("/api/v1/requests", &med).await, 200).await).is_empty());
    json_of(step(&app, &coord, &g, json!({"to": "approved"})).await, 200).await;
    json_of(
        step(
            &app,
            &coord,
            &g,
            json!({"to": "assigned", "mediator_id": m}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        list(&json_of(app.get("/api/v1/requests", &med).await, 200).await),
        [g.as_str()]
    );
    let seen = json_of(app.get(&format!("/api/v1/requests/{g}"), &med).await, 200).await;
    assert!(
        seen["case_id"].is_null() && seen["attachments"].is_null(),
        "{seen}"
    );
    assert_eq!(seen["address"], "Piazza San Bernardino 1");
    assert_problem(
        app.get(&format!("/api/v1/requests/{c}"), &med).await,
        404,
        "not_found",
    )
    .await;

    // A partner system of Gallicano files and reads through the API with its scopes.
    let (_, cid, secret) = app
        .api_client(&gallicano, &["requests:read", "requests:write"])
        .await;
    let tok: Value = app.client_token(&cid, &secret).await.json().await.unwrap();
    let tok = tok["access_token"].as_str().unwrap();
    let x = file(
        &app,
        tok,
        mediation(&gallicano, day_ahead(13), "11:00", 30, true),
    )
    .await;
    assert_eq!(
        list(&json_of(app.get("/api/v1/requests", tok).await, 200).await),
        [x.as_str(), g.as_str()]
    );
    assert_problem(
        app.get(&format!("/api/v1/requests/{c}"), tok).await,
        404,
        "not_found",
    )
    .await;
}
