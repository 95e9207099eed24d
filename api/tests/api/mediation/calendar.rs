//! A mediator's calendar, the iCalendar feed and the monthly timesheet (JSON and CSV).

use chrono::Duration;
use serde_json::json;

use super::{booked, day_ahead, json_of, mediation, mediator, step};
use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(calendar_feed_and_timesheet);

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
    // A name a spreadsheet would run as a formula stays a name.
    let res = app
        .patch(
            &format!("/api/v1/mediators/{m}"),
            &coord,
            json!({"full_name": "=1+1"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let csv = app
        .http
        .get(format!(
            "{}/api/v1/mediators/{m}/timesheet?month={}",
            app.base, months[0]
        ))
        .bearer_auth(&coord)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert!(!lines.is_empty());
    assert!(
        lines.iter().all(|l| l.starts_with("'=1+1,")),
        "a live formula in:\n{csv}"
    );
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
