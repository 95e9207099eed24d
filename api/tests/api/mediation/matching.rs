//! Matching mediators to requests: ranked suggestions, the travel buffer, no double booking.

use chrono::{Datelike, Duration};
use reqwest::Method;
use serde_json::{json, Value};

use super::{booked, day_ahead, file, json_of, mediation, mediator, step};
use crate::common::{assert_problem, TestApp};
use crate::db_tests;

db_tests!(
    suggestions_rank_with_reasons_and_the_travel_buffer,
    two_coordinators_assigning_at_once_never_double_book,
);

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
