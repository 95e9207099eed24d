//! Anonymisation leaves nothing: a person's data is written everywhere a desk can write it, the
//! person is anonymised, then every text column of every table is searched for her values.

use chrono::Duration;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::db_tests;

db_tests!(anonymisation_leaves_nothing_anywhere);

async fn ok(res: reqwest::Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(code, status, "{body}");
    body
}

/// Her values. Every free text below names her, as notes at a desk do.
const NAME: &str = "Chiamaka";
const SURNAME: &str = "Ebereqaabai";
const PHONE: &str = "+39 333 9182736";
const EMAIL: &str = "chiamaka.e@example.org";
const TAX_CODE: &str = "BRQCMK90A41Z335X";
const PERMIT: &str = "RM0123456Q";
const NOTES: &str = "diabete, in cura al CSM";

async fn anonymisation_leaves_nothing_anywhere(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let questura = app.municipality("Questura di Lucca").await;
    let admin = app.admin().await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (uid, med) = app.user("amal", "mediator", &[]).await;
    let mediator = ok(
        app.post(
            "/api/v1/mediators",
            &admin,
            json!({"full_name": "Amal Haddad", "kind": "mediator", "languages": [{"language": "en", "level": "native"}],
                   "municipality_ids": [gallicano], "user_id": uid}),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let always = json!({"weekly": (1..=7).map(|d| json!({"weekday": d, "start": "00:00", "end": "24:00"})).collect::<Vec<_>>(), "exceptions": []});
    ok(
        app.call(
            Method::PUT,
            &format!("/api/v1/mediators/{mediator}/availability"),
            Some(&admin),
            Some(always),
        )
        .await,
        200,
    )
    .await;

    // The person, with every field a desk fills.
    let person = ok(
        app.post(
            "/api/v1/people",
            &coord,
            json!({"first_name": NAME, "last_name": SURNAME, "sex": "F", "birth_date": "1990-01-01",
                   "citizenship": "NG", "languages": ["en", "ig"], "phone": PHONE, "email": EMAIL,
                   "tax_code": TAX_CODE, "permit_type": "Protezione speciale", "permit_number": PERMIT,
                   "permit_expiry": "2027-03-14", "notes": format!("{NOTES} ({NAME})"),
                   "municipality_id": gallicano, "confirm_new": true}),
        )
        .await,
        201,
    )
    .await;
    let pid = person["id"].as_str().unwrap().to_owned();
    ok(
        app.patch(
            &format!("/api/v1/people/{pid}"),
            &coord,
            json!({"phone": format!("{PHONE}0"), "notes": format!("{NOTES}, {SURNAME} in terapia")}),
        )
        .await,
        200,
    )
    .await;
    ok(
        app.post(
            &format!("/api/v1/people/{pid}/links"),
            &coord,
            json!({"municipality_id": camaiore, "reason": format!("{SURNAME} si è trasferita a Camaiore")}),
        )
        .await,
        201,
    )
    .await;

    // Her case: summary, timeline (with a corrected note), a status change, a referral.
    let case = ok(
        app.post(
            "/api/v1/cases",
            &coord,
            json!({"person_id": pid, "municipality_id": gallicano, "category_id": "residence_permit",
                   "summary": format!("{NAME} {SURNAME} chiede il rinnovo")}),
        )
        .await,
        201,
    )
    .await;
    let cid = case["id"].as_str().unwrap().to_owned();
    let events = format!("/api/v1/cases/{cid}/events");
    let note = ok(
        app.post(
            &events,
            &coord,
            json!({"kind": "note", "note": format!("{NAME} {SURNAME} ha telefonato")}),
        )
        .await,
        201,
    )
    .await;
    ok(
        app.patch(
            &format!("{events}/{}", note["id"].as_str().unwrap()),
            &coord,
            json!({"note": format!("{SURNAME} ha telefonato ieri, {PHONE}")}),
        )
        .await,
        200,
    )
    .await;
    ok(
        app.post(
            &events,
            &coord,
            json!({"kind": "phone_call", "note": format!("Chiamata a {EMAIL}"), "minutes": 10}),
        )
        .await,
        201,
    )
    .await;
    ok(
        app.post(
            &format!("/api/v1/cases/{cid}/transitions"),
            &coord,
            json!({"to": "in_progress", "note": format!("Documenti di {SURNAME} completi")}),
        )
        .await,
        200,
    )
    .await;
    let referral = ok(
        app.post(
            &format!("/api/v1/cases/{cid}/referrals"),
            &coord,
            json!({"office_kind": "questura", "target_municipality_id": questura,
                   "reason": format!("Impronte per {SURNAME}, permesso {PERMIT}")}),
        )
        .await,
        201,
    )
    .await;
    ok(
        app.post(
            &format!(
                "/api/v1/cases/{cid}/referrals/{}/answer",
                referral["id"].as_str().unwrap()
            ),
            &coord,
            json!({"answer": format!("{SURNAME} convocata")}),
        )
        .await,
        200,
    )
    .await;

    // Two requests for a mediator on her case: one done, with notes; one cancelled, with a reason.
    let day = lumit_api::scheduling::local_now().date() + Duration::days(10);
    let request = |start: &str| {
        json!({"municipality_id": gallicano, "office": "Anagrafe", "contact_name": "Maria Rossi",
               "kind": "mediation", "language": "en", "date": day, "start_time": start,
               "duration_minutes": 60, "remote": false, "address": format!("Casa di {SURNAME}, via Roma 1"),
               "setting": "registry_office", "participants": 2, "case_id": cid,
               "purpose": format!("Colloquio con {NAME} {SURNAME}"),
               "attachments": format!("Passaporto di {SURNAME}")})
    };
    let step = |id: String, body: Value| {
        let (app, coord) = (&app, &coord);
        async move {
            app.post(&format!("/api/v1/requests/{id}/transitions"), coord, body)
                .await
        }
    };
    let done = ok(
        app.post("/api/v1/requests", &coord, request("09:00")).await,
        201,
    )
    .await;
    let done = done["id"].as_str().unwrap().to_owned();
    ok(step(done.clone(), json!({"to": "approved"})).await, 200).await;
    ok(
        step(
            done.clone(),
            json!({"to": "assigned", "mediator_id": mediator}),
        )
        .await,
        200,
    )
    .await;
    ok(
        app.post(
            &format!("/api/v1/requests/{done}/transitions"),
            &med,
            json!({"to": "confirmed"}),
        )
        .await,
        200,
    )
    .await;
    ok(
        app.post(
            &format!("/api/v1/requests/{done}/transitions"),
            &med,
            json!({"to": "completed", "actual_minutes": 50, "outcome": "done",
                   "notes": format!("{SURNAME} soddisfatta")}),
        )
        .await,
        200,
    )
    .await;
    let cancelled = ok(
        app.post("/api/v1/requests", &coord, request("15:00")).await,
        201,
    )
    .await;
    ok(
        step(
            cancelled["id"].as_str().unwrap().to_owned(),
            json!({"to": "cancelled", "reason": format!("{SURNAME} ricoverata")}),
        )
        .await,
        200,
    )
    .await;

    // Reads, which the access log records.
    for path in [
        format!("/api/v1/people/{pid}"),
        format!("/api/v1/people/{pid}/export"),
        format!("/api/v1/cases/{cid}"),
        events.clone(),
        format!("/api/v1/people?q={SURNAME}"),
    ] {
        ok(app.get(&path, &coord).await, 200).await;
    }

    // The scan finds her where a desk wrote her, before.
    let needles = [
        NAME,
        SURNAME,
        PHONE,
        EMAIL,
        TAX_CODE,
        PERMIT,
        NOTES,
        "Protezione speciale",
    ];
    let columns = app.text_columns();
    assert!(
        columns.len() > 100,
        "the scan found only {} text columns",
        columns.len()
    );
    let holding = |needles: &[&str]| {
        let mut found = Vec::new();
        for (table, column) in &columns {
            for needle in needles {
                let n = app.rows_containing(table, column, needle);
                if n > 0 {
                    found.push(format!("{table}.{column}: {n} row(s) with {needle:?}"));
                }
            }
        }
        found
    };
    let before = holding(&needles).join("\n");
    for place in [
        "people.first_name",
        "people.notes",
        "people.permit_type",
        "person_words.word",
        "person_links.reason",
        "cases.summary",
        "case_events.note",
        "case_event_edits.note",
        "referrals.reason",
        "referrals.answer",
        "service_requests.purpose",
        "service_requests.details",
        "service_requests.cancel_reason",
        "request_steps.note",
    ] {
        assert!(
            before.contains(&format!("{place}:")),
            "{place} not filled:\n{before}"
        );
    }

    ok(
        app.post(
            &format!("/api/v1/people/{pid}/anonymise"),
            &admin,
            json!({}),
        )
        .await,
        200,
    )
    .await;

    // Nothing of hers is left in any text column of any table.
    let left = holding(&needles);
    assert!(
        left.is_empty(),
        "left after anonymisation:\n{}",
        left.join("\n")
    );

    // What reports count stays.
    let after = ok(app.get(&format!("/api/v1/people/{pid}"), &admin).await, 200).await;
    assert_eq!(after["sex"], "F");
    assert_eq!(after["birth_year"], 1990);
    assert_eq!(after["citizenship"], "NG");
    assert!(after["birth_date"].is_null() && after["permit_expiry"].is_null());
    assert!(after["permit_type"].is_null());
    let case = ok(app.get(&format!("/api/v1/cases/{cid}"), &admin).await, 200).await;
    assert_eq!(case["category_id"], "residence_permit");
    assert_eq!(case["status"], "in_progress");
    let done = ok(
        app.get(&format!("/api/v1/requests/{done}"), &admin).await,
        200,
    )
    .await;
    assert_eq!(done["actual_minutes"], 50);
    assert_eq!(done["language"], "en");
}
