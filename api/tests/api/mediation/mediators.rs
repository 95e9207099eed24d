//! The mediators' registry: validation, what each role sees, coverage, availability, edits.

use reqwest::Method;
use serde_json::json;

use super::{always, json_of};
use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(mediators_and_their_availability);

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
