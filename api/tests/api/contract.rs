//! What the contract test (`tests/contract`, schemathesis) holds the server to: it answers as the
//! API document says, on the edges the document draws.

use serde_json::{json, Value};

use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    names_holding_a_nul_are_answered_without_it,
    opening_hours_are_written_hh_mm,
    a_timesheet_month_is_written_yyyy_mm,
    a_category_is_created_with_its_names_and_changed_without_its_id,
);

/// No text of an answer holds a NUL (the document says so of every string): a parameter or a
/// field whose very name holds one is named with the NUL written `\u0000`.
async fn names_holding_a_nul_are_answered_without_it(app: TestApp) {
    let admin = app.admin().await;
    let no_nul = |p: &Value| {
        assert!(
            !p["detail"].as_str().unwrap_or_default().contains('\0')
                && p["errors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .all(|e| !e["field"].as_str().unwrap_or_default().contains('\0')
                        && !e["message"].as_str().unwrap_or_default().contains('\0')),
            "{p}"
        );
    };
    let p = assert_problem(
        app.get("/api/v1/people?a%00b=1", &admin).await,
        400,
        "invalid_characters",
    )
    .await;
    no_nul(&p);
    assert_eq!(fields(&p), ["a\\u0000b"]);
    // In a JSON body, an unknown field's name is looked at for NUL before the field is refused.
    let p = assert_problem(
        app.post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": "Ufficio", "kind": "other", "a\u{0}b": 1}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    no_nul(&p);
    assert_eq!(fields(&p), ["a\\u0000b"]);
    assert_eq!(p["errors"][0]["code"], "invalid_characters");
}

/// Opening hours are `HH:MM`, as the document's pattern says: `9:00` or ` 9:00` is refused.
async fn opening_hours_are_written_hh_mm(app: TestApp) {
    let admin = app.admin().await;
    let m = app.municipality("046005").await;
    let desk = |start: &str| {
        json!({"name": "Sportello", "opening_hours": [
            {"weekday": "monday", "start": start, "end": "12:30"}]})
    };
    for start in ["9:00", " 9:00", "09:0", "24:00", "09:00 "] {
        let p = assert_problem(
            app.post(
                &format!("/api/v1/municipalities/{m}/desks"),
                &admin,
                desk(start),
            )
            .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&p), ["opening_hours[0].start"], "{start:?}");
        assert_eq!(p["errors"][0]["code"], "invalid_time");
    }
    let res = app
        .post(
            &format!("/api/v1/municipalities/{m}/desks"),
            &admin,
            desk("09:00"),
        )
        .await;
    assert_eq!(res.status(), 201);
}

/// A timesheet's month is `YYYY-MM` (blanks around it aside), as the document's pattern says.
async fn a_timesheet_month_is_written_yyyy_mm(app: TestApp) {
    let admin = app.admin().await;
    for month in ["2026-1", "2026-13", "%2B2026-01", "2026/01", "2026-1-1"] {
        let p = assert_problem(
            app.get(
                &format!("/api/v1/mediators/none/timesheet?month={month}"),
                &admin,
            )
            .await,
            400,
            "invalid_query",
        )
        .await;
        assert_eq!(fields(&p), ["month"], "{month:?}");
    }
    // A well-written month gets as far as the mediator, who doesn't exist.
    let res = app
        .get(
            "/api/v1/mediators/none/timesheet?month=%202026-01%20",
            &admin,
        )
        .await;
    assert_eq!(res.status(), 404);
}

/// A category is created with its id and both names (`NewCategory`), at the address `Location`
/// gives, and changed without its id or parent (`CategoryPatch`); its checklist holds at most 50
/// documents, none dropped silently.
async fn a_category_is_created_with_its_names_and_changed_without_its_id(app: TestApp) {
    let admin = app.admin().await;
    let p = assert_problem(
        app.post(
            "/api/v1/case-categories",
            &admin,
            json!({"id": "contract_test", "name_it": "Prova"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["name_en"]);
    let long: Vec<String> = (0..51).map(|i| format!("Documento {i}")).collect();
    let p = assert_problem(
        app.post(
            "/api/v1/case-categories",
            &admin,
            json!({"id": "contract_test", "name_it": "Prova", "name_en": "Test", "checklist": long}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["checklist"]);
    assert_eq!(p["errors"][0]["code"], "too_many");
    let res = app
        .post(
            "/api/v1/case-categories",
            &admin,
            json!({"id": "contract_test", "name_it": "Prova", "name_en": "Test",
                   "checklist": ["Passaporto"]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.headers()["location"],
        "/api/v1/case-categories/contract_test"
    );
    for body in [
        json!({"id": "other"}),
        json!({"parent_id": "residence_permit"}),
    ] {
        let p = assert_problem(
            app.patch(
                "/api/v1/case-categories/contract_test",
                &admin,
                body.clone(),
            )
            .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p["errors"].as_array().unwrap().len(), 1, "{body}");
    }
    let res = app
        .patch(
            "/api/v1/case-categories/contract_test",
            &admin,
            json!({"name_en": "Contract test"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cat: Value = res.json().await.unwrap();
    assert_eq!(cat["name_en"], "Contract test");
    assert_eq!(cat["checklist"], json!(["Passaporto"]));
}
