//! The authorisation table: every endpoint × every kind of caller, with the answer the rules give.
//! Public endpoints (login, refresh, logout, token, probes) are covered in `auth` and `conventions`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::db_tests;

db_tests!(every_endpoint_for_every_caller);

/// The callers, in the order of each row's expectations.
const CALLERS: [&str; 8] = [
    "anonymous",
    "admin",
    "coordinator",
    "operator (Gallicano)",
    "municipal officer (Camaiore)",
    "mediator",
    "client of Gallicano with every scope",
    "client of Gallicano without the scope",
];

async fn every_endpoint_for_every_caller(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let admin = app.admin().await;
    let (_, coordinator) = app.user("coord", "coordinator", &[]).await;
    let (_, operator) = app
        .user("operator", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, officer) = app
        .user(
            "officer",
            "municipal_officer",
            std::slice::from_ref(&camaiore),
        )
        .await;
    let (_, mediator) = app.user("mediator", "mediator", &[]).await;
    let every: Vec<&str> = lumit_shared::api_client::Scope::ALL
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    let (_, id, secret) = app.api_client(&gallicano, &every).await;
    let scoped: Value = app.client_token(&id, &secret).await.json().await.unwrap();
    let (_, id, secret) = app.api_client(&gallicano, &["reports:read"]).await;
    let unscoped: Value = app.client_token(&id, &secret).await.json().await.unwrap();
    let tokens: [Option<String>; 8] = [
        None,
        Some(admin.clone()),
        Some(coordinator),
        Some(operator),
        Some(officer),
        Some(mediator),
        Some(scoped["access_token"].as_str().unwrap().to_owned()),
        Some(unscoped["access_token"].as_str().unwrap().to_owned()),
    ];

    // Fixtures the rows refer to.
    let desk_g: Value = app
        .post(
            &format!("/api/v1/municipalities/{gallicano}/desks"),
            &admin,
            json!({"name": "G"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let desk_c: Value = app
        .post(
            &format!("/api/v1/municipalities/{camaiore}/desks"),
            &admin,
            json!({"name": "C"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let (desk_g, desk_c) = (
        desk_g["id"].as_str().unwrap().to_owned(),
        desk_c["id"].as_str().unwrap().to_owned(),
    );
    let (target_user, _) = app.user("target", "operator", &[]).await;
    let (client_row, _, _) = app.api_client(&camaiore, &["desks:read"]).await;
    let person_g: Value = app
        .post(
            "/api/v1/people",
            &admin,
            json!({"first_name": "Amina", "last_name": "Diallo", "municipality_id": gallicano}),
        )
        .await
        .json()
        .await
        .unwrap();
    let person_c: Value = app
        .post(
            "/api/v1/people",
            &admin,
            json!({"first_name": "Li", "last_name": "Wei", "municipality_id": camaiore}),
        )
        .await
        .json()
        .await
        .unwrap();
    let (person_g, person_c) = (
        person_g["id"].as_str().unwrap().to_owned(),
        person_c["id"].as_str().unwrap().to_owned(),
    );
    let open = |person: &String, municipality: &String| json!({"person_id": person, "municipality_id": municipality, "category_id": "other", "summary": "Informazioni"});
    let case_g: Value = app
        .post("/api/v1/cases", &admin, open(&person_g, &gallicano))
        .await
        .json()
        .await
        .unwrap();
    let case_c: Value = app
        .post("/api/v1/cases", &admin, open(&person_c, &camaiore))
        .await
        .json()
        .await
        .unwrap();
    let (case_g, case_c) = (
        case_g["id"].as_str().unwrap().to_owned(),
        case_c["id"].as_str().unwrap().to_owned(),
    );
    let note_g: Value = app
        .post(
            &format!("/api/v1/cases/{case_g}/events"),
            &admin,
            json!({"kind": "note", "note": "Prima nota"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let referral_g: Value = app
        .post(
            &format!("/api/v1/cases/{case_g}/referrals"),
            &admin,
            json!({"office_kind": "questura", "reason": "Impronte"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let (note_g, referral_g) = (
        note_g["id"].as_str().unwrap().to_owned(),
        referral_g["id"].as_str().unwrap().to_owned(),
    );

    use Method as M;
    let n = || None::<Value>;
    #[rustfmt::skip]
    let rows: Vec<(Method, String, Option<Value>, [u16; 8])> = vec![
        //                                                                 anon admin coord op  officer med  client+ client-
        (M::GET, "/api/v1/me".into(), n(),                                  [401, 200, 200, 200, 200, 200, 403, 403]),
        (M::PUT, "/api/v1/me/password".into(),
            Some(json!({"current_password": "wrong password!!", "new_password": "whatever long enough"})),
                                                                            [401, 422, 422, 422, 422, 422, 403, 403]),
        (M::GET, "/api/v1/summary".into(), n(),                             [401, 200, 200, 200, 200, 200, 200, 403]),
        (M::GET, "/api/v1/municipalities".into(), n(),                      [401, 200, 200, 200, 200, 200, 200, 403]),
        (M::GET, format!("/api/v1/municipalities/{gallicano}"), n(),        [401, 200, 200, 200, 200, 200, 200, 403]),
        (M::POST, "/api/v1/municipalities".into(), Some(json!({"name": "Nuovo ufficio", "kind": "other"})),
                                                                            [401, 201, 403, 403, 403, 403, 403, 403]),
        (M::PATCH, format!("/api/v1/municipalities/{camaiore}"), Some(json!({"phone": "0584 000000"})),
                                                                            [401, 200, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/municipalities/{gallicano}/desks"), n(),  [401, 200, 200, 200, 200, 200, 200, 403]),
        (M::POST, format!("/api/v1/municipalities/{gallicano}/desks"), Some(json!({"name": "Nuovo"})),
                                                                            [401, 201, 403, 403, 403, 403, 201, 403]),
        (M::POST, format!("/api/v1/municipalities/{camaiore}/desks"), Some(json!({"name": "Nuovo"})),
                                                                            [401, 201, 403, 403, 403, 403, 404, 403]),
        (M::GET, format!("/api/v1/desks/{desk_c}"), n(),                    [401, 200, 200, 200, 200, 200, 200, 403]),
        (M::PATCH, format!("/api/v1/desks/{desk_g}"), Some(json!({"phone": "0583 111111"})),
                                                                            [401, 200, 403, 403, 403, 403, 200, 403]),
        (M::PATCH, format!("/api/v1/desks/{desk_c}"), Some(json!({"phone": "0584 111111"})),
                                                                            [401, 200, 403, 403, 403, 403, 404, 403]),
        (M::GET, "/api/v1/case-categories".into(), n(),                     [401, 200, 200, 200, 200, 200, 200, 403]),
        (M::PATCH, "/api/v1/case-categories/other".into(), Some(json!({"retention_years": 6})),
                                                                            [401, 200, 403, 403, 403, 403, 403, 403]),
        (M::POST, "/api/v1/case-categories".into(), Some(json!({"id": "other.faq", "parent_id": "other", "name_it": "Domande", "name_en": "Questions"})),
                                                                            [401, 201, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/cases".into(), n(),                               [401, 200, 200, 200, 403, 403, 200, 403]),
        (M::POST, "/api/v1/cases".into(), Some(open(&person_g, &gallicano)), [401, 201, 201, 201, 403, 403, 201, 403]),
        (M::GET, format!("/api/v1/cases/{case_g}"), n(),                    [401, 200, 200, 200, 403, 403, 200, 403]),
        (M::GET, format!("/api/v1/cases/{case_c}"), n(),                    [401, 200, 200, 404, 403, 403, 404, 403]),
        (M::PATCH, format!("/api/v1/cases/{case_g}"), Some(json!({"priority": "high"})),
                                                                            [401, 200, 200, 200, 403, 403, 200, 403]),
        (M::PATCH, format!("/api/v1/cases/{case_c}"), Some(json!({"priority": "high"})),
                                                                            [401, 200, 200, 404, 403, 403, 404, 403]),
        (M::GET, format!("/api/v1/cases/{case_g}/events"), n(),             [401, 200, 200, 200, 403, 403, 200, 403]),
        (M::POST, format!("/api/v1/cases/{case_g}/events"), Some(json!({"kind": "note", "note": "Telefonata"})),
                                                                            [401, 201, 201, 201, 403, 403, 201, 403]),
        (M::POST, format!("/api/v1/cases/{case_c}/events"), Some(json!({"kind": "note", "note": "Telefonata"})),
                                                                            [401, 201, 201, 404, 403, 403, 404, 403]),
        (M::POST, format!("/api/v1/cases/{case_c}/transitions"), Some(json!({"to": "in_progress"})),
                                                                            [401, 409, 200, 404, 403, 403, 404, 403]),
        (M::GET, "/api/v1/deadlines".into(), n(),                           [401, 200, 200, 200, 403, 403, 200, 403]),
        (M::GET, format!("/api/v1/cases/{case_g}/referrals"), n(),          [401, 200, 200, 200, 403, 403, 200, 403]),
        (M::POST, format!("/api/v1/cases/{case_g}/referrals"), Some(json!({"office_kind": "questura", "reason": "Impronte"})),
                                                                            [401, 201, 201, 201, 403, 403, 201, 403]),
        (M::POST, format!("/api/v1/cases/{case_c}/referrals"), Some(json!({"office_kind": "questura", "reason": "Impronte"})),
                                                                            [401, 201, 201, 404, 403, 403, 404, 403]),
        // Only the note's author (the admin) may edit it; others get 403 even with access to the case.
        (M::PATCH, format!("/api/v1/cases/{case_g}/events/{note_g}"), Some(json!({"note": "Nota corretta"})),
                                                                            [401, 200, 403, 403, 403, 403, 403, 403]),
        (M::PATCH, format!("/api/v1/cases/{case_c}/events/{note_g}"), Some(json!({"note": "Nota corretta"})),
                                                                            [401, 404, 404, 404, 403, 403, 404, 403]),
        (M::POST, format!("/api/v1/cases/{case_g}/referrals/{referral_g}/answer"), Some(json!({"answer": "Fissato"})),
                                                                            [401, 200, 200, 200, 403, 403, 200, 403]),
        (M::POST, format!("/api/v1/cases/{case_c}/referrals/{referral_g}/answer"), Some(json!({"answer": "Fissato"})),
                                                                            [401, 404, 404, 404, 403, 403, 404, 403]),
        (M::GET, format!("/api/v1/people/{person_g}/export"), n(),          [401, 200, 200, 403, 403, 403, 403, 403]),
        (M::POST, format!("/api/v1/people/{person_g}/merge"), Some(json!({"duplicate_id": person_g})),
                                                                            [401, 422, 422, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/people".into(), n(),                              [401, 200, 200, 200, 403, 403, 200, 403]),
        (M::POST, "/api/v1/people".into(), Some(json!({"first_name": "Nuova", "last_name": "Persona", "municipality_id": gallicano, "confirm_new": true})),
                                                                            [401, 201, 201, 201, 403, 403, 201, 403]),
        (M::GET, format!("/api/v1/people/{person_g}"), n(),                 [401, 200, 200, 200, 403, 403, 200, 403]),
        (M::GET, format!("/api/v1/people/{person_c}"), n(),                 [401, 200, 200, 404, 403, 403, 404, 403]),
        (M::PATCH, format!("/api/v1/people/{person_g}"), Some(json!({"phone": "333 1234567"})),
                                                                            [401, 200, 200, 200, 403, 403, 200, 403]),
        (M::PATCH, format!("/api/v1/people/{person_c}"), Some(json!({"phone": "333 1234567"})),
                                                                            [401, 200, 200, 404, 403, 403, 404, 403]),
        (M::GET, format!("/api/v1/people/{person_g}/access-log"), n(),      [401, 200, 200, 403, 403, 403, 403, 403]),
        (M::POST, format!("/api/v1/people/{person_c}/anonymise"), n(),      [401, 200, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/users".into(), n(),                               [401, 200, 200, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/users/{target_user}"), n(),               [401, 200, 200, 403, 403, 403, 403, 403]),
        (M::POST, "/api/v1/users".into(), Some(json!({"username": "new.user", "full_name": "New", "role": "operator"})),
                                                                            [401, 201, 403, 403, 403, 403, 403, 403]),
        (M::PATCH, format!("/api/v1/users/{target_user}"), Some(json!({"full_name": "Renamed"})),
                                                                            [401, 200, 403, 403, 403, 403, 403, 403]),
        (M::POST, format!("/api/v1/users/{target_user}/password-reset"), n(),
                                                                            [401, 200, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/api-clients".into(), n(),                         [401, 200, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/api-clients/{client_row}"), n(),          [401, 200, 403, 403, 403, 403, 403, 403]),
        (M::POST, "/api/v1/api-clients".into(), Some(json!({"name": "X", "municipality_id": camaiore, "scopes": ["desks:read"]})),
                                                                            [401, 201, 403, 403, 403, 403, 403, 403]),
        (M::DELETE, format!("/api/v1/api-clients/{client_row}"), n(),       [401, 204, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/audit".into(), n(),                               [401, 200, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/audit/1".into(), n(),                             [401, 200, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/audit/verify".into(), n(),                        [401, 200, 403, 403, 403, 403, 403, 403]),
    ];

    let mut failures = Vec::new();
    for (method, path, body, expected) in &rows {
        // The admin goes last, so that its successful writes don't change what others see.
        for i in [0, 2, 3, 4, 5, 6, 7, 1] {
            let body = body
                .clone()
                .or_else(|| matches!(*method, M::POST | M::PUT | M::PATCH).then(|| json!({})));
            let res = app
                .call(method.clone(), path, tokens[i].as_deref(), body)
                .await;
            let got = res.status().as_u16();
            if got >= 400 {
                let ct = res
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                if !ct.starts_with("application/problem+json") {
                    failures.push(format!(
                        "{method} {path} as {}: {got} is not problem+json",
                        CALLERS[i]
                    ));
                }
            }
            if got != expected[i] {
                failures.push(format!(
                    "{method} {path} as {}: expected {}, got {got}",
                    CALLERS[i], expected[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorisation table mismatches:\n{}",
        failures.join("\n")
    );
}
