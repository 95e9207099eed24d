//! The authorisation table: every endpoint × every kind of caller, with the answer the rules give.
//! Public endpoints (login, refresh, logout, token, probes) are covered in `auth` and `conventions`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::db_tests;

db_tests!(every_endpoint_for_every_caller);

/// The callers, in the order of each row's expectations.
const CALLERS: [&str; 9] = [
    "anonymous",
    "admin",
    "coordinator",
    "operator (Gallicano)",
    "municipal officer (Camaiore)",
    "mediator",
    "client of Gallicano with every scope",
    "client of Gallicano with reports:read only",
    "trainer",
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
    let (mediator_user, mediator) = app.user("mediator", "mediator", &[]).await;
    let every: Vec<&str> = lumit_shared::api_client::Scope::ALL
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    let (_, id, secret) = app.api_client(&gallicano, &every).await;
    let scoped: Value = app.client_token(&id, &secret).await.json().await.unwrap();
    let (_, id, secret) = app.api_client(&gallicano, &["reports:read"]).await;
    let unscoped: Value = app.client_token(&id, &secret).await.json().await.unwrap();
    let (trainer_user, trainer) = app.user("trainer", "trainer", &[]).await;
    let tokens: [Option<String>; 9] = [
        None,
        Some(admin.clone()),
        Some(coordinator),
        Some(operator),
        Some(officer),
        Some(mediator),
        Some(scoped["access_token"].as_str().unwrap().to_owned()),
        Some(unscoped["access_token"].as_str().unwrap().to_owned()),
        Some(trainer),
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
    let khan = app
        .post(
            "/api/v1/people",
            &admin,
            json!({"first_name": "Ahmed", "last_name": "Khan", "birth_date": "1985-03-02", "municipality_id": camaiore}),
        )
        .await;
    assert_eq!(khan.status(), 201);
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

    // Mediation: the mediator caller's record, another mediator, a request of each municipality
    // (Gallicano's assigned to the mediator caller).
    let new_mediator = |name: &str, user: Option<&String>| json!({"full_name": name, "kind": "both", "languages": [{"language": "ar", "level": "native"}], "municipality_ids": [gallicano, camaiore], "user_id": user});
    let mut mediator_ids = Vec::new();
    for body in [
        new_mediator("Amal", Some(&mediator_user)),
        new_mediator("Bilal", None),
    ] {
        let m: Value = app
            .post("/api/v1/mediators", &admin, body)
            .await
            .json()
            .await
            .unwrap();
        let id = m["id"].as_str().unwrap().to_owned();
        let always = json!({"weekly": (1..=7).map(|d| json!({"weekday": d, "start": "00:00", "end": "24:00"})).collect::<Vec<_>>(), "exceptions": []});
        let res = app
            .call(
                M::PUT,
                &format!("/api/v1/mediators/{id}/availability"),
                Some(&admin),
                Some(always),
            )
            .await;
        assert_eq!(res.status(), 200);
        mediator_ids.push(id);
    }
    let (med_own, med_other) = (mediator_ids[0].clone(), mediator_ids[1].clone());
    let day = lumit_api::scheduling::local_now().date() + chrono::Duration::days(10);
    let mediation = |municipality: &String| json!({"municipality_id": municipality, "office": "Anagrafe", "contact_name": "Rossi", "kind": "mediation", "language": "ar", "date": day, "start_time": "10:00", "duration_minutes": 60, "remote": true, "setting": "school", "purpose": "Colloquio"});
    let mut request_ids = Vec::new();
    for m in [&gallicano, &camaiore] {
        let r: Value = app
            .post("/api/v1/requests", &admin, mediation(m))
            .await
            .json()
            .await
            .unwrap();
        request_ids.push(r["id"].as_str().unwrap().to_owned());
    }
    let (req_g, req_c) = (request_ids[0].clone(), request_ids[1].clone());
    for body in [
        json!({"to": "approved"}),
        json!({"to": "assigned", "mediator_id": med_own}),
    ] {
        let res = app
            .post(
                &format!("/api/v1/requests/{req_g}/transitions"),
                &admin,
                body,
            )
            .await;
        assert_eq!(res.status(), 200);
    }

    // Training: a course the trainer caller teaches and one they don't, a session of each, an
    // enrolment of Gallicano's staff.
    let mut training = Vec::new();
    for (title, trainers) in [("Permessi", vec![trainer_user.clone()]), ("Asilo", vec![])] {
        let c: Value = app
            .post("/api/v1/training/courses", &admin, json!({"title": title, "topic_id": "asylum", "organisation": "Sant'Anna", "trainer_ids": trainers}))
            .await
            .json()
            .await
            .unwrap();
        let id = c["id"].as_str().unwrap().to_owned();
        let s: Value = app
            .post(&format!("/api/v1/training/courses/{id}/sessions"), &admin, json!({"date": day, "start": "09:00", "end": "12:00", "place_kind": "online", "link": "https://meet.example.org/x", "capacity": 30}))
            .await
            .json()
            .await
            .unwrap();
        training.push((id, s["id"].as_str().unwrap().to_owned()));
    }
    let ((course_t, session_t), (course_o, session_o)) = (training[0].clone(), training[1].clone());
    let colleague = |municipality: &String, email: &str| json!({"full_name": "Giulia Bianchi", "email": email, "municipality_id": municipality});
    let enrolment: Value = app
        .post(
            &format!("/api/v1/training/courses/{course_t}/enrolments"),
            &admin,
            colleague(&gallicano, "g.b@comune.gallicano.lu.it"),
        )
        .await
        .json()
        .await
        .unwrap();
    let enrolment = enrolment["id"].as_str().unwrap().to_owned();
    // The enrolment's invitation waits in the outbox (no mail server in tests).
    let mail: Value = app
        .get("/api/v1/outbox", &admin)
        .await
        .json()
        .await
        .unwrap();
    let mail = mail["items"][0]["id"].as_str().unwrap().to_owned();
    // A frozen report of the province (none of the municipal callers' own).
    let frozen: Value = app
        .post(
            "/api/v1/reports/frozen",
            &admin,
            json!({"from": "2026-01-01", "to": "2026-03-31"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let frozen = frozen["id"].as_str().unwrap().to_owned();
    // Webhooks: an admin's subscription and one of the client with every scope.
    let hook = |token: &str| {
        let (app, token) = (&app, token.to_owned());
        async move {
            let body =
                json!({"url": "https://hooks.example.org/lumit", "event_types": ["case.created"]});
            let v: Value = app
                .post("/api/v1/webhooks", &token, body)
                .await
                .json()
                .await
                .unwrap();
            v["id"].as_str().unwrap().to_owned()
        }
    };
    let hook_admin = hook(&admin).await;
    let hook_client = hook(tokens[6].as_deref().unwrap()).await;

    use Method as M;
    let n = || None::<Value>;
    #[rustfmt::skip]
    let rows: Vec<(Method, String, Option<Value>, [u16; 9])> = vec![
        //                                                                 anon admin coord op  officer med  client+ client- trainer
        (M::GET, "/api/v1/me".into(), n(),                                  [401, 200, 200, 200, 200, 200, 403, 403, 200]),
        (M::PUT, "/api/v1/me/password".into(),
            Some(json!({"current_password": "wrong password!!", "new_password": "whatever long enough"})),
                                                                            [401, 422, 422, 422, 422, 422, 403, 403, 422]),
        // Nothing is being set up yet: 409 for every person; clients have no account.
        (M::POST, "/api/v1/me/totp/confirm".into(), Some(json!({"code": "000000"})),
                                                                            [401, 409, 409, 409, 409, 409, 403, 403, 409]),
        (M::POST, "/api/v1/me/totp".into(), n(),                            [401, 200, 200, 200, 200, 200, 403, 403, 200]),
        (M::GET, "/api/v1/summary".into(), n(),                             [401, 200, 200, 200, 200, 200, 200, 403, 200]),
        (M::GET, "/api/v1/municipalities".into(), n(),                      [401, 200, 200, 200, 200, 200, 200, 403, 200]),
        // Indicators: the province, or one municipality of the caller's (404 for another).
        (M::GET, "/api/v1/reports/indicators?from=2026-01-01&to=2026-03-31".into(), n(),
                                                                            [401, 200, 200, 200, 200, 403, 200, 200, 403]),
        (M::GET, format!("/api/v1/reports/indicators?from=2026-01-01&to=2026-03-31&municipality_id={camaiore}"), n(),
                                                                            [401, 200, 200, 404, 200, 403, 404, 404, 403]),
        (M::GET, "/api/v1/reports/catalogue".into(), n(),                   [401, 200, 200, 200, 200, 403, 200, 200, 403]),
        // Each staff role's own dashboard; trainers and partner systems have none.
        (M::GET, "/api/v1/dashboard".into(), n(),                           [401, 200, 200, 200, 200, 200, 403, 403, 403]),
        // The register of people as a file: admins and coordinators only.
        (M::GET, "/api/v1/people?format=csv".into(), n(),                   [401, 200, 200, 403, 403, 403, 403, 403, 403]),
        // Freezing is the coordinators' act; a province-wide frozen report is not the desks'.
        (M::POST, "/api/v1/reports/frozen".into(), Some(json!({"from": "2026-04-01", "to": "2026-06-30"})),
                                                                            [401, 201, 201, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/reports/frozen".into(), n(),                      [401, 200, 200, 200, 200, 403, 200, 200, 403]),
        (M::GET, format!("/api/v1/reports/frozen/{frozen}"), n(),           [401, 200, 200, 404, 404, 403, 404, 404, 403]),
        // The cases behind a figure: reports and cases both (officers and clients without
        // `cases:read` read no cases).
        (M::GET, "/api/v1/reports/drill?indicator=cases_opened&from=2026-01-01&to=2026-03-31".into(), n(),
                                                                            [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::GET, format!("/api/v1/municipalities/{gallicano}"), n(),        [401, 200, 200, 200, 200, 200, 200, 403, 200]),
        (M::POST, "/api/v1/municipalities".into(), Some(json!({"name": "Nuovo ufficio", "kind": "other"})),
                                                                            [401, 201, 403, 403, 403, 403, 403, 403, 403]),
        (M::PATCH, format!("/api/v1/municipalities/{camaiore}"), Some(json!({"phone": "0584 000000"})),
                                                                            [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/municipalities/{gallicano}/desks"), n(),  [401, 200, 200, 200, 200, 200, 200, 403, 200]),
        (M::POST, format!("/api/v1/municipalities/{gallicano}/desks"), Some(json!({"name": "Nuovo"})),
                                                                            [401, 201, 403, 403, 403, 403, 201, 403, 403]),
        (M::POST, format!("/api/v1/municipalities/{camaiore}/desks"), Some(json!({"name": "Nuovo"})),
                                                                            [401, 201, 403, 403, 403, 403, 404, 403, 403]),
        (M::GET, format!("/api/v1/desks/{desk_c}"), n(),                    [401, 200, 200, 200, 200, 200, 200, 403, 200]),
        (M::PATCH, format!("/api/v1/desks/{desk_g}"), Some(json!({"phone": "0583 111111"})),
                                                                            [401, 200, 403, 403, 403, 403, 200, 403, 403]),
        (M::PATCH, format!("/api/v1/desks/{desk_c}"), Some(json!({"phone": "0584 111111"})),
                                                                            [401, 200, 403, 403, 403, 403, 404, 403, 403]),
        (M::GET, "/api/v1/case-categories".into(), n(),                     [401, 200, 200, 200, 200, 200, 200, 403, 200]),
        (M::PATCH, "/api/v1/case-categories/other".into(), Some(json!({"retention_years": 6})),
                                                                            [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::POST, "/api/v1/case-categories".into(), Some(json!({"id": "other.faq", "parent_id": "other", "name_it": "Domande", "name_en": "Questions"})),
                                                                            [401, 201, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/cases".into(), n(),                               [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::POST, "/api/v1/cases".into(), Some(open(&person_g, &gallicano)), [401, 201, 201, 201, 403, 403, 201, 403, 403]),
        (M::GET, format!("/api/v1/cases/{case_g}"), n(),                    [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::GET, format!("/api/v1/cases/{case_c}"), n(),                    [401, 200, 200, 404, 403, 403, 404, 403, 403]),
        (M::PATCH, format!("/api/v1/cases/{case_g}"), Some(json!({"priority": "high"})),
                                                                            [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::PATCH, format!("/api/v1/cases/{case_c}"), Some(json!({"priority": "high"})),
                                                                            [401, 200, 200, 404, 403, 403, 404, 403, 403]),
        (M::GET, format!("/api/v1/cases/{case_g}/events"), n(),             [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::POST, format!("/api/v1/cases/{case_g}/events"), Some(json!({"kind": "note", "note": "Telefonata"})),
                                                                            [401, 201, 201, 201, 403, 403, 201, 403, 403]),
        (M::POST, format!("/api/v1/cases/{case_c}/events"), Some(json!({"kind": "note", "note": "Telefonata"})),
                                                                            [401, 201, 201, 404, 403, 403, 404, 403, 403]),
        (M::POST, format!("/api/v1/cases/{case_c}/transitions"), Some(json!({"to": "in_progress"})),
                                                                            [401, 409, 200, 404, 403, 403, 404, 403, 403]),
        (M::GET, "/api/v1/deadlines".into(), n(),                           [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::GET, format!("/api/v1/cases/{case_g}/referrals"), n(),          [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::POST, format!("/api/v1/cases/{case_g}/referrals"), Some(json!({"office_kind": "questura", "reason": "Impronte"})),
                                                                            [401, 201, 201, 201, 403, 403, 201, 403, 403]),
        (M::POST, format!("/api/v1/cases/{case_c}/referrals"), Some(json!({"office_kind": "questura", "reason": "Impronte"})),
                                                                            [401, 201, 201, 404, 403, 403, 404, 403, 403]),
        // Only the note's author (the admin) may edit it; others get 403 even with access to the case.
        (M::PATCH, format!("/api/v1/cases/{case_g}/events/{note_g}"), Some(json!({"note": "Nota corretta"})),
                                                                            [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::PATCH, format!("/api/v1/cases/{case_c}/events/{note_g}"), Some(json!({"note": "Nota corretta"})),
                                                                            [401, 404, 404, 404, 403, 403, 404, 403, 403]),
        (M::POST, format!("/api/v1/cases/{case_g}/referrals/{referral_g}/answer"), Some(json!({"answer": "Fissato"})),
                                                                            [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::POST, format!("/api/v1/cases/{case_c}/referrals/{referral_g}/answer"), Some(json!({"answer": "Fissato"})),
                                                                            [401, 404, 404, 404, 403, 403, 404, 403, 403]),
        (M::GET, format!("/api/v1/people/{person_g}/export"), n(),          [401, 200, 200, 403, 403, 403, 403, 403, 403]),
        (M::POST, format!("/api/v1/people/{person_g}/merge"), Some(json!({"duplicate_id": person_g})),
                                                                            [401, 422, 422, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/people".into(), n(),                              [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::POST, "/api/v1/people".into(), Some(json!({"first_name": "Nuova", "last_name": "Persona", "municipality_id": gallicano, "confirm_new": true})),
                                                                            [401, 201, 201, 201, 403, 403, 201, 403, 403]),
        (M::GET, format!("/api/v1/people/{person_g}"), n(),                 [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::GET, format!("/api/v1/people/{person_c}"), n(),                 [401, 200, 200, 404, 403, 403, 404, 403, 403]),
        (M::PATCH, format!("/api/v1/people/{person_g}"), Some(json!({"phone": "333 1234567"})),
                                                                            [401, 200, 200, 200, 403, 403, 200, 403, 403]),
        (M::PATCH, format!("/api/v1/people/{person_c}"), Some(json!({"phone": "333 1234567"})),
                                                                            [401, 200, 200, 404, 403, 403, 404, 403, 403]),
        (M::GET, format!("/api/v1/people/{person_g}/access-log"), n(),      [401, 200, 200, 403, 403, 403, 403, 403, 403]),
        (M::POST, format!("/api/v1/people/{person_c}/anonymise"), n(),      [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/users".into(), n(),                               [401, 200, 200, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/users/{target_user}"), n(),               [401, 200, 200, 403, 403, 403, 403, 403, 403]),
        (M::POST, "/api/v1/users".into(), Some(json!({"username": "new.user", "full_name": "New", "role": "operator"})),
                                                                            [401, 201, 403, 403, 403, 403, 403, 403, 403]),
        (M::PATCH, format!("/api/v1/users/{target_user}"), Some(json!({"full_name": "Renamed"})),
                                                                            [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::POST, format!("/api/v1/users/{target_user}/password-reset"), n(),
                                                                            [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::POST, format!("/api/v1/users/{target_user}/end-sessions"), n(),
                                                                            [401, 204, 403, 403, 403, 403, 403, 403, 403]),
        // The account has no second factor to remove: 404 for the admin.
        (M::DELETE, format!("/api/v1/users/{target_user}/totp"), n(),       [401, 404, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/api-clients".into(), n(),                         [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/api-clients/{client_row}"), n(),          [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::POST, "/api/v1/api-clients".into(), Some(json!({"name": "X", "municipality_id": camaiore, "scopes": ["desks:read"]})),
                                                                            [401, 201, 403, 403, 403, 403, 403, 403, 403]),
        (M::DELETE, format!("/api/v1/api-clients/{client_row}"), n(),       [401, 204, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/audit".into(), n(),                               [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/audit/1".into(), n(),                             [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/outbox".into(), n(),                              [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/outbox/summary".into(), n(),                      [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::POST, format!("/api/v1/outbox/{mail}/retry"), n(),              [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        // Webhooks: admins every subscription, an API client with `webhooks:manage` its own
        // (another's is not found).
        (M::GET, "/api/v1/webhooks".into(), n(),                            [401, 200, 403, 403, 403, 403, 200, 403, 403]),
        (M::POST, "/api/v1/webhooks".into(), Some(json!({"url": "https://hooks.example.org/new", "event_types": ["case.created"]})),
                                                                            [401, 201, 403, 403, 403, 403, 201, 403, 403]),
        (M::GET, format!("/api/v1/webhooks/{hook_admin}"), n(),             [401, 200, 403, 403, 403, 403, 404, 403, 403]),
        (M::GET, format!("/api/v1/webhooks/{hook_client}"), n(),            [401, 200, 403, 403, 403, 403, 200, 403, 403]),
        (M::PATCH, format!("/api/v1/webhooks/{hook_admin}"), Some(json!({"description": "Protocollo"})),
                                                                            [401, 200, 403, 403, 403, 403, 404, 403, 403]),
        (M::POST, format!("/api/v1/webhooks/{hook_admin}/secret"), n(),     [401, 200, 403, 403, 403, 403, 404, 403, 403]),
        (M::GET, format!("/api/v1/webhooks/{hook_admin}/deliveries"), n(),  [401, 200, 403, 403, 403, 403, 404, 403, 403]),
        (M::POST, format!("/api/v1/webhooks/{hook_client}/deliveries/msg_none/redeliver"), n(),
                                                                            [401, 404, 403, 403, 403, 403, 404, 403, 403]),
        (M::DELETE, format!("/api/v1/webhooks/{hook_admin}"), n(),          [401, 204, 403, 403, 403, 403, 404, 403, 403]),
        (M::GET, "/api/v1/audit/verify".into(), n(),                        [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/security-log".into(), n(),                        [401, 200, 403, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/mediators".into(), n(),                          [401, 200, 200, 200, 200, 200, 403, 403, 403]),
        (M::POST, "/api/v1/mediators".into(), Some(new_mediator("Nuovo", None)),
                                                                            [401, 201, 201, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/mediators/{med_own}"), n(),               [401, 200, 200, 200, 200, 200, 403, 403, 403]),
        (M::GET, format!("/api/v1/mediators/{med_other}"), n(),             [401, 200, 200, 200, 200, 404, 403, 403, 403]),
        (M::PATCH, format!("/api/v1/mediators/{med_other}"), Some(json!({"phone": "333 7654321"})),
                                                                            [401, 200, 200, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/mediators/{med_own}/availability"), n(),  [401, 200, 200, 403, 403, 200, 403, 403, 403]),
        (M::PUT, format!("/api/v1/mediators/{med_other}/availability"), Some(json!({"weekly": [], "exceptions": []})),
                                                                            [401, 200, 200, 403, 403, 404, 403, 403, 403]),
        (M::GET, format!("/api/v1/mediators/{med_own}/calendar"), n(),      [401, 200, 200, 403, 403, 200, 403, 403, 403]),
        (M::GET, format!("/api/v1/mediators/{med_other}/calendar"), n(),    [401, 200, 200, 403, 403, 404, 403, 403, 403]),
        (M::GET, format!("/api/v1/mediators/{med_own}/timesheet?month=2026-11"), n(),
                                                                            [401, 200, 200, 403, 403, 200, 403, 403, 403]),
        (M::GET, "/api/v1/requests".into(), n(),                            [401, 200, 200, 200, 200, 200, 200, 403, 403]),
        (M::POST, "/api/v1/requests".into(), Some(mediation(&gallicano)),   [401, 201, 201, 201, 422, 403, 201, 403, 403]),
        (M::POST, "/api/v1/requests".into(), Some(mediation(&camaiore)),    [401, 201, 201, 422, 201, 403, 422, 403, 403]),
        (M::GET, format!("/api/v1/requests/{req_g}"), n(),                  [401, 200, 200, 200, 404, 200, 200, 403, 403]),
        (M::GET, format!("/api/v1/requests/{req_c}"), n(),                  [401, 200, 200, 404, 200, 404, 404, 403, 403]),
        (M::GET, format!("/api/v1/requests/{req_c}/history"), n(),          [401, 200, 200, 404, 200, 404, 404, 403, 403]),
        (M::GET, format!("/api/v1/requests/{req_c}/suggestions"), n(),      [401, 200, 200, 403, 403, 403, 403, 403, 403]),
        // Rejecting needs a reason: those allowed get 422, so the request stays as it is.
        (M::POST, format!("/api/v1/requests/{req_c}/transitions"), Some(json!({"to": "rejected"})),
                                                                            [401, 422, 422, 404, 403, 404, 404, 403, 403]),
        // Confirming takes no reason: the assigned mediator and coordinators get 422.
        (M::POST, format!("/api/v1/requests/{req_g}/transitions"), Some(json!({"to": "confirmed", "reason": "x"})),
                                                                            [401, 422, 422, 403, 404, 422, 403, 403, 403]),
        // Cancelling needs a reason: requesters and coordinators get 422; mediators never cancel.
        (M::POST, format!("/api/v1/requests/{req_c}/transitions"), Some(json!({"to": "cancelled"})),
                                                                            [401, 422, 422, 404, 422, 404, 404, 403, 403]),
        (M::POST, format!("/api/v1/requests/{req_g}/transitions"), Some(json!({"to": "cancelled"})),
                                                                            [401, 422, 422, 422, 404, 403, 422, 403, 403]),
        (M::GET, "/api/v1/me/mediator".into(), n(),                         [401, 403, 403, 403, 403, 200, 403, 403, 403]),
        (M::GET, "/api/v1/me/assignments".into(), n(),                      [401, 403, 403, 403, 403, 200, 403, 403, 403]),
        (M::POST, "/api/v1/me/calendar-feed".into(), n(),                   [401, 403, 403, 403, 403, 200, 403, 403, 403]),
        (M::GET, "/api/v1/me/assignments.ics".into(), n(),                  [401, 403, 403, 403, 403, 200, 403, 403, 403]),
        (M::GET, "/api/v1/training/topics".into(), n(),                      [401, 200, 200, 200, 200, 200, 403, 403, 200]),
        (M::POST, "/api/v1/training/topics".into(), Some(json!({"name_it": "Scuola", "name_en": "School"})),
                                                                            [401, 201, 201, 403, 403, 403, 403, 403, 403]),
        (M::PATCH, "/api/v1/training/topics/asylum".into(), Some(json!({"name_en": "Asylum"})),
                                                                            [401, 200, 200, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/training/courses".into(), n(),                     [401, 200, 200, 200, 200, 200, 403, 403, 200]),
        (M::POST, "/api/v1/training/courses".into(), Some(json!({"title": "Nuovo", "topic_id": "asylum", "organisation": "Sant'Anna"})),
                                                                            [401, 201, 201, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/training/courses/{course_t}"), n(),       [401, 200, 200, 200, 200, 200, 403, 403, 200]),
        // Trainers see only the courses they teach.
        (M::GET, format!("/api/v1/training/courses/{course_o}"), n(),       [401, 200, 200, 200, 200, 200, 403, 403, 404]),
        (M::PATCH, format!("/api/v1/training/courses/{course_o}"), Some(json!({"description": "Per gli uffici anagrafe"})),
                                                                            [401, 200, 200, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/training/courses/{course_t}/sessions"), n(), [401, 200, 200, 200, 200, 200, 403, 403, 200]),
        (M::GET, format!("/api/v1/training/courses/{course_o}/sessions"), n(), [401, 200, 200, 200, 200, 200, 403, 403, 404]),
        (M::POST, format!("/api/v1/training/courses/{course_o}/sessions"), Some(json!({"date": day, "start": "14:00", "end": "16:00", "place_kind": "online", "link": "https://meet.example.org/y", "capacity": 30})),
                                                                            [401, 201, 201, 403, 403, 403, 403, 403, 403]),
        (M::GET, "/api/v1/training/sessions".into(), n(),                    [401, 200, 200, 200, 200, 200, 403, 403, 200]),
        (M::GET, format!("/api/v1/training/sessions/{session_t}"), n(),     [401, 200, 200, 200, 200, 200, 403, 403, 200]),
        (M::GET, format!("/api/v1/training/sessions/{session_o}"), n(),     [401, 200, 200, 200, 200, 200, 403, 403, 404]),
        (M::PATCH, format!("/api/v1/training/sessions/{session_o}"), Some(json!({"capacity": 40})),
                                                                            [401, 200, 200, 403, 403, 403, 403, 403, 403]),
        // Attendance: the sessions are days ahead, so those allowed to mark are told the session
        // hasn't started (409).
        (M::GET, format!("/api/v1/training/sessions/{session_t}/attendance"), n(), [401, 200, 200, 403, 403, 403, 403, 403, 200]),
        (M::GET, format!("/api/v1/training/sessions/{session_o}/attendance"), n(), [401, 200, 200, 403, 403, 403, 403, 403, 404]),
        (M::PUT, format!("/api/v1/training/sessions/{session_t}/attendance/{enrolment}"), Some(json!({"presence": "present"})),
                                                                            [401, 409, 409, 403, 403, 403, 403, 403, 409]),
        (M::GET, format!("/api/v1/training/courses/{course_t}/attendance"), n(), [401, 200, 200, 403, 200, 403, 403, 403, 200]),
        (M::GET, format!("/api/v1/training/courses/{course_o}/attendance"), n(), [401, 200, 200, 403, 200, 403, 403, 403, 404]),
        // Enrolled names: coordinators, the course's trainers, officers (their own staff).
        (M::GET, format!("/api/v1/training/courses/{course_t}/enrolments"), n(), [401, 200, 200, 403, 200, 403, 403, 403, 200]),
        (M::GET, format!("/api/v1/training/courses/{course_o}/enrolments"), n(), [401, 200, 200, 403, 200, 403, 403, 403, 404]),
        // A nameless colleague: everyone allowed to enrol is told what is missing.
        (M::POST, format!("/api/v1/training/courses/{course_o}/enrolments"), Some(json!({"full_name": "", "email": "x@comune.camaiore.lu.it", "municipality_id": camaiore})),
                                                                            [401, 422, 422, 403, 422, 403, 403, 403, 403]),
        // Gallicano's staff: not for Camaiore's officer; the coordinator enrols first, so the
        // admin finds them enrolled.
        (M::POST, format!("/api/v1/training/courses/{course_o}/enrolments"), Some(colleague(&gallicano, "p.v@comune.gallicano.lu.it")),
                                                                            [401, 422, 201, 403, 422, 403, 403, 403, 403]),
        // The sessions are days ahead: the course is not over, so no questionnaire yet (409).
        (M::POST, format!("/api/v1/training/courses/{course_t}/questionnaire"), n(),
                                                                            [401, 409, 409, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/training/courses/{course_t}/questionnaire"), n(), [401, 200, 200, 403, 403, 403, 403, 403, 200]),
        (M::GET, format!("/api/v1/training/courses/{course_o}/questionnaire"), n(), [401, 200, 200, 403, 403, 403, 403, 403, 404]),
        // Paper: the sign-in sheet for those who take attendance; certificates only once the
        // course is over (409); a course's certificates for whoever sees its enrolments.
        (M::GET, format!("/api/v1/training/sessions/{session_t}/sign-in-sheet"), n(), [401, 200, 200, 403, 403, 403, 403, 403, 200]),
        (M::GET, format!("/api/v1/training/sessions/{session_o}/sign-in-sheet"), n(), [401, 200, 200, 403, 403, 403, 403, 403, 404]),
        (M::POST, format!("/api/v1/training/courses/{course_t}/certificates"), n(),
                                                                            [401, 409, 409, 403, 403, 403, 403, 403, 403]),
        (M::GET, format!("/api/v1/training/courses/{course_t}/certificates"), n(), [401, 200, 200, 403, 200, 403, 403, 403, 200]),
        (M::GET, format!("/api/v1/training/courses/{course_o}/certificates"), n(), [401, 200, 200, 403, 200, 403, 403, 403, 404]),
        (M::GET, "/api/v1/training/certificates/no-such-certificate/pdf".into(), n(), [401, 404, 404, 403, 404, 403, 403, 403, 404]),
        // Checking a code needs no account.
        (M::GET, "/api/v1/certificates/ZZZZ-ZZZZ-ZZZZ".into(), n(),          [404, 404, 404, 404, 404, 404, 404, 404, 404]),
        (M::GET, "/api/v1/certificates/not-a-code".into(), n(),              [400, 400, 400, 400, 400, 400, 400, 400, 400]),
        // The questionnaire's own page needs no account: a link that does not exist is 404 for all.
        (M::GET, "/api/v1/questionnaire/no-such-link".into(), n(),          [404, 404, 404, 404, 404, 404, 404, 404, 404]),
        (M::POST, "/api/v1/questionnaire/no-such-link".into(), Some(json!({"satisfaction": 4, "usefulness": 4, "recommend": true})),
                                                                            [404, 404, 404, 404, 404, 404, 404, 404, 404]),
        (M::POST, "/api/v1/training/participants/no-such-participant/anonymise".into(), n(),
                                                                            [401, 404, 403, 403, 403, 403, 403, 403, 403]),
        // Withdrawn by the coordinator first; Camaiore's officer can't reach Gallicano's staff.
        (M::POST, format!("/api/v1/training/enrolments/{enrolment}/withdrawal"), n(),
                                                                            [401, 409, 200, 403, 404, 403, 403, 403, 403]),
        // A possible duplicate registered at Camaiore: everyone who may register is told (the
        // operator and the client of Gallicano only that it exists at Camaiore).
        (M::POST, "/api/v1/people".into(), Some(json!({"first_name": "Khan", "last_name": "Ahmed", "birth_date": "1985-03-02", "municipality_id": gallicano})),
                                                                            [401, 409, 409, 409, 403, 403, 409, 403, 403]),
        // Last: linking makes Camaiore's person Gallicano's too.
        (M::POST, format!("/api/v1/people/{person_c}/links"), Some(json!({"municipality_id": gallicano, "reason": "Trasferito"})),
                                                                            [401, 409, 201, 403, 403, 403, 403, 403, 403]),
    ];

    let mut failures = Vec::new();
    for (method, path, body, expected) in &rows {
        // The admin goes last, so that its successful writes don't change what others see.
        for i in [0, 2, 3, 4, 5, 6, 7, 8, 1] {
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
