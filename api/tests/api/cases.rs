//! Cases: opening, workflow, timeline, scope, filters.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    a_case_moves_through_the_workflow_to_closed,
    the_timeline_records_work,
    operators_of_other_municipalities_cannot_find_it,
    lists_filter_search_and_count,
    free_text_finds_names_references_and_summaries,
    references_are_checked,
    authors_edit_notes_within_a_day,
    admins_manage_the_taxonomy,
    two_instances_read_and_log_at_once,
    timeline_entries_written_at_once_keep_one_chain,
);

struct Desk {
    op: String,
    coord: String,
    gallicano: String,
    person: String,
}

async fn setup(app: &TestApp) -> Desk {
    let gallicano = app.municipality("046015").await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let person: Value = app
        .post(
            "/api/v1/people",
            &op,
            json!({"first_name": "Amina", "last_name": "Diallo", "birth_date": "1990-05-04", "sex": "F", "citizenship": "SN",
                   "permit_expiry": "2026-12-20", "municipality_id": gallicano}),
        )
        .await
        .json()
        .await
        .unwrap();
    Desk {
        op,
        coord,
        gallicano,
        person: person["id"].as_str().unwrap().to_owned(),
    }
}

async fn open_case(app: &TestApp, d: &Desk, summary: &str) -> Value {
    let res = app
        .post(
            "/api/v1/cases",
            &d.op,
            json!({"person_id": d.person, "municipality_id": d.gallicano, "category_id": "residence_permit",
                   "subcategory_id": "residence_permit.renewal", "summary": summary, "language": "fr"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn a_case_moves_through_the_workflow_to_closed(app: TestApp) {
    let d = setup(&app).await;
    let case = open_case(&app, &d, "Rinnovo del permesso in scadenza").await;
    let reference = case["reference"].as_str().unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(reference, format!("LU-{year}-000001"));
    assert_eq!(case["status"], "open");
    assert_eq!(case["person_name"], "Amina Diallo");
    let second = open_case(&app, &d, "Tessera sanitaria").await;
    assert_eq!(second["reference"], format!("LU-{year}-000002"));

    let url = format!("/api/v1/cases/{}/transitions", case["id"].as_str().unwrap());
    let go = |token: String, body: Value| {
        let (app, url) = (&app, url.clone());
        async move { app.post(&url, &token, body).await }
    };
    let res = go(d.op.clone(), json!({"to": "in_progress"})).await;
    assert_eq!(res.status(), 200);
    // An impossible move lists the possible ones.
    let p = assert_problem(
        go(d.op.clone(), json!({"to": "open"})).await,
        409,
        "transition_not_allowed",
    )
    .await;
    assert_eq!(
        p["allowed"],
        json!(["waiting_documents", "waiting_office", "closed"])
    );
    assert_eq!(
        go(
            d.op.clone(),
            json!({"to": "waiting_office", "note": "Inviata alla Questura"})
        )
        .await
        .status(),
        200
    );
    // Closing needs an outcome.
    let p = assert_problem(
        go(d.op.clone(), json!({"to": "closed"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["outcome"]);
    let closed: Value = go(d.op.clone(), json!({"to": "closed", "outcome": "resolved"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["outcome"], "resolved");
    assert!(closed["closed_at"].is_string());
    // Reopening is for coordinators, with a reason.
    assert_problem(
        go(d.op.clone(), json!({"to": "open", "note": "x"})).await,
        403,
        "forbidden",
    )
    .await;
    let p = assert_problem(
        go(d.coord.clone(), json!({"to": "open"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["note"]);
    let reopened: Value = go(
        d.coord.clone(),
        json!({"to": "open", "note": "Permesso respinto"}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(reopened["status"], "open");
    assert_eq!(reopened["closed_at"], Value::Null);
    assert_eq!(reopened["outcome"], Value::Null);

    let timeline: Value = app
        .get(
            &format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap()),
            &d.op,
        )
        .await
        .json()
        .await
        .unwrap();
    let steps: Vec<String> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}→{}",
                e["data"]["from"].as_str().unwrap(),
                e["data"]["to"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            "open→in_progress",
            "in_progress→waiting_office",
            "waiting_office→closed",
            "closed→open"
        ]
    );
    assert_eq!(timeline[3]["note"], "Permesso respinto");
    assert_eq!(timeline[3]["author_name"], "coord");
    let admin = app.admin().await;
    let log: Value = app
        .get(
            &format!(
                "/api/v1/audit?entity_id={}&action=case.reopen",
                case["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
}

async fn the_timeline_records_work(app: TestApp) {
    let d = setup(&app).await;
    let case = open_case(&app, &d, "Ricongiungimento").await;
    let url = format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap());
    let res = app
        .post(
            &url,
            &d.op,
            json!({"kind": "intervention", "note": "Compilata la domanda", "minutes": 45}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let ev: Value = res.json().await.unwrap();
    assert_eq!(ev["minutes"], 45);
    assert_eq!(ev["author_name"], "op.gallicano");
    app.post(
        &url,
        &d.op,
        json!({"kind": "document_check", "data": {"checked": ["Passaporto", "Fototessere"]}}),
    )
    .await;
    app.post(
        &url,
        &d.op,
        json!({"kind": "appointment", "note": "Questura", "data": {"at": "2026-12-01T10:00:00Z"}}),
    )
    .await;
    let p = assert_problem(
        app.post(&url, &d.op, json!({"kind": "intervention", "note": "x"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["minutes"]);
    let p = assert_problem(
        app.post(&url, &d.op, json!({"kind": "status_change", "note": "x"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["kind"]);
    let p = assert_problem(
        app.post(
            &url,
            &d.op,
            json!({"kind": "note", "note": "x", "minutes": 100000}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["minutes"]);
    let timeline: Value = app.get(&url, &d.op).await.json().await.unwrap();
    let kinds: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["intervention", "document_check", "appointment"]);
    assert_eq!(timeline[1]["data"]["checked"][1], "Fototessere");
}

async fn operators_of_other_municipalities_cannot_find_it(app: TestApp) {
    let d = setup(&app).await;
    let case = open_case(&app, &d, "Rinnovo").await;
    let camaiore = app.municipality("046005").await;
    let (_, other) = app
        .user("op.camaiore", "operator", std::slice::from_ref(&camaiore))
        .await;
    let url = format!("/api/v1/cases/{}", case["id"].as_str().unwrap());
    assert_problem(app.get(&url, &other).await, 404, "not_found").await;
    assert_problem(
        app.patch(&url, &other, json!({"summary": "x"})).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.post(
            &format!("{url}/transitions"),
            &other,
            json!({"to": "closed"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let list: Value = app.get("/api/v1/cases", &other).await.json().await.unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());
    let found: Value = app
        .get(
            &format!("/api/v1/cases?q={}", case["reference"].as_str().unwrap()),
            &other,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(found["items"].as_array().unwrap().is_empty());
    assert_problem(
        app.get(&format!("/api/v1/people/{}", d.person), &other)
            .await,
        404,
        "not_found",
    )
    .await;
    // Opening a case for her at Camaiore (the coordinator does it) makes her visible there.
    let res = app
        .post("/api/v1/cases", &d.coord, json!({"person_id": d.person, "municipality_id": camaiore, "category_id": "registry", "summary": "Residenza"}))
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        app.get(&format!("/api/v1/people/{}", d.person), &other)
            .await
            .status(),
        200
    );
    // The coordinator sees every desk's cases; each read of a case, and the page, is logged.
    let all: Value = app
        .get("/api/v1/cases", &d.coord)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    app.get(&url, &d.op).await;
    // The read shows in the person's access log.
    let log: Value = app
        .get(&format!("/api/v1/people/{}/access-log", d.person), &d.coord)
        .await
        .json()
        .await
        .unwrap();
    let reads: Vec<(&str, &str)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["entity_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reads,
        [
            ("case.read", case["id"].as_str().unwrap()),
            ("case.list", "cases"),
            ("person.read", d.person.as_str())
        ]
    );
}

/// Free text: a name's words, and from three characters on anywhere in the reference or the
/// summary, ignoring case, with `%` and `_` taken literally; the index follows every change of
/// a summary.
async fn free_text_finds_names_references_and_summaries(app: TestApp) {
    let d = setup(&app).await;
    let permit = open_case(&app, &d, "Rinnovo del PERMESSO di soggiorno").await;
    let registry = open_case(&app, &d, "Iscrizione anagrafica").await;
    let percent = open_case(&app, &d, "Esenzione al 100% del ticket").await;
    let rossi: Value = app
        .post(
            "/api/v1/people",
            &d.op,
            json!({"first_name": "Mario", "last_name": "Rossi", "municipality_id": d.gallicano, "confirm_new": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    let other = app
        .post(
            "/api/v1/cases",
            &d.op,
            json!({"person_id": rossi["id"], "municipality_id": d.gallicano, "category_id": "registry",
                   "summary": "Residenza di via Diaz"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let found = |q: &str| {
        let (app, op) = (&app, d.op.clone());
        let q = q.replace('%', "%25").replace(' ', "%20");
        async move {
            let page = app
                .get_json(&format!("/api/v1/cases?q={q}&limit=100"), &op)
                .await;
            let mut ids: Vec<String> = page["items"]
                .as_array()
                .unwrap_or_else(|| panic!("{page}"))
                .iter()
                .map(id)
                .collect();
            ids.sort();
            ids
        }
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(found("permesso").await, [id(&permit)], "ignoring case");
    assert_eq!(found("esso di sogg").await, [id(&permit)], "inside words");
    assert_eq!(found("100%").await, [id(&percent)], "% is a character");
    assert_eq!(found("1_0").await, Vec::<String>::new(), "_ is a character");
    let reference = permit["reference"].as_str().unwrap();
    let tail = &reference[reference.len() - 4..];
    assert!(found(&tail.to_lowercase()).await.contains(&id(&permit)));
    // A name's words: Diallo's cases, not the one whose summary says "Diaz".
    assert_eq!(
        found("diallo amina").await,
        sorted(vec![id(&permit), id(&registry), id(&percent)])
    );
    assert_eq!(found("rossi").await, [id(&other)]);
    // Two letters start a name's word; inside a text they say too little to look for.
    assert_eq!(found("ro").await, [id(&other)]);
    assert_eq!(
        found("di").await,
        sorted(vec![id(&permit), id(&registry), id(&percent)])
    );
    // The index follows the summary when it changes (as erasure changes it).
    app.sql(&format!(
        "UPDATE cases SET summary = 'Ricongiungimento familiare' WHERE id = '{}'",
        id(&registry)
    ));
    assert!(found("anagrafica").await.is_empty());
    assert_eq!(found("congiungimento").await, [id(&registry)]);
}

async fn lists_filter_search_and_count(app: TestApp) {
    let d = setup(&app).await;
    let me: Value = app.get("/api/v1/me", &d.op).await.json().await.unwrap();
    let a = open_case(&app, &d, "Rinnovo del permesso").await;
    let b = open_case(&app, &d, "Iscrizione anagrafica").await;
    open_case(&app, &d, "Patente").await;
    app.patch(
        &format!("/api/v1/cases/{}", a["id"].as_str().unwrap()),
        &d.op,
        json!({"assigned_to_id": me["id"], "priority": "high"}),
    )
    .await;
    app.post(
        &format!("/api/v1/cases/{}/transitions", b["id"].as_str().unwrap()),
        &d.op,
        json!({"to": "in_progress"}),
    )
    .await;
    let refs = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["summary"].as_str().unwrap().to_owned())
            .collect()
    };
    let get = |q: String| {
        let (app, op) = (&app, d.op.clone());
        async move {
            app.get(&format!("/api/v1/cases?{q}"), &op)
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        refs(get("assigned=mine".into()).await),
        ["Rinnovo del permesso"]
    );
    assert_eq!(
        refs(get("assigned=unassigned".into()).await),
        ["Patente", "Iscrizione anagrafica"]
    );
    assert_eq!(
        refs(get("status=in_progress".into()).await),
        ["Iscrizione anagrafica"]
    );
    assert_eq!(
        refs(get("status=open,in_progress&q=anagrafica".into()).await),
        ["Iscrizione anagrafica"]
    );
    assert_eq!(
        refs(get(format!("q={}", b["reference"].as_str().unwrap())).await),
        ["Iscrizione anagrafica"]
    );
    assert_eq!(
        get("q=diallo&citizenship=sn".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let page = get("limit=2&count=true".into()).await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["total_is_at_least"], false);
    // The count is bounded: it stops one past its limit, however many match (the API's limit
    // is 10,000; the same count with a limit of 2 here).
    let mut c = app.db.conn().unwrap();
    let all = lumit_api::models::case::Filter::default();
    assert_eq!(
        lumit_api::models::case::count(&mut c, &all, 2).unwrap(),
        (2, true)
    );
    assert_eq!(
        lumit_api::models::case::count(&mut c, &all, 3).unwrap(),
        (3, false)
    );
    drop(c);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next = get(format!(
        "limit=2&cursor={}",
        page["next_cursor"].as_str().unwrap()
    ))
    .await;
    assert_eq!(refs(next), ["Rinnovo del permesso"]);
    let p = assert_problem(
        app.get("/api/v1/cases?status=lost", &d.op).await,
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(fields(&p), ["status[0]"]);
}

async fn references_are_checked(app: TestApp) {
    let d = setup(&app).await;
    let cats: Value = app
        .get("/api/v1/case-categories", &d.op)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = cats
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"family_reunification") && ids.contains(&"citizenship.marriage"));
    let base = json!({"person_id": d.person, "municipality_id": d.gallicano, "category_id": "residence_permit", "summary": "x"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("category_id", json!("nope")), "category_id"),
        (
            with("category_id", json!("residence_permit.renewal")),
            "category_id",
        ),
        (
            with("subcategory_id", json!("citizenship.marriage")),
            "subcategory_id",
        ),
        (with("person_id", json!("nobody")), "person_id"),
        (with("desk_id", json!("no-desk")), "desk_id"),
        (with("summary", json!("  ")), "summary"),
        (with("assigned_to_id", json!("ghost")), "assigned_to_id"),
    ] {
        let p = assert_problem(
            app.post("/api/v1/cases", &d.op, body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&p), [field]);
    }
    let camaiore = app.municipality("046005").await;
    let p = assert_problem(
        app.post(
            "/api/v1/cases",
            &d.op,
            with("municipality_id", json!(camaiore)),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["municipality_id"]);

    // An operator of another municipality cannot be given the case (she would see the person);
    // a coordinator, who works for the whole province, can.
    let (camaiore_op, _) = app
        .user("op.camaiore", "operator", std::slice::from_ref(&camaiore))
        .await;
    let p = assert_problem(
        app.post(
            "/api/v1/cases",
            &d.op,
            with("assigned_to_id", json!(camaiore_op)),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["assigned_to_id"]);
    assert_eq!(p["errors"][0]["code"], "not_in_municipality", "{p}");
    let coord_id = app.login("coord", crate::common::USER_PASSWORD).await["user"]["id"].clone();
    let res = app
        .post("/api/v1/cases", &d.op, with("assigned_to_id", coord_id))
        .await;
    assert_eq!(res.status(), 201);

    // A person merged into another is gone: no new case for her.
    let dup: Value = app
        .post(
            "/api/v1/people",
            &d.op,
            json!({"first_name": "Aminah", "last_name": "Diallo", "birth_date": "1990-05-04", "sex": "F",
                   "citizenship": "SN", "municipality_id": d.gallicano, "confirm_new": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    let dup = dup["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{dup}"))
        .to_owned();
    let res = app
        .post(
            &format!("/api/v1/people/{}/merge", d.person),
            &d.coord,
            json!({"duplicate_id": dup}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let p = assert_problem(
        app.post("/api/v1/cases", &d.op, with("person_id", json!(dup)))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["person_id"]);

    let case = open_case(&app, &d, "Rinnovo").await;
    let url = format!("{}/api/v1/cases/{}", app.base, case["id"].as_str().unwrap());
    let res = app
        .http
        .request(Method::PATCH, &url)
        .bearer_auth(&d.op)
        .header("if-match", "\"9\"")
        .json(&json!({"summary": "y"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "stale_write").await;
    let p = assert_problem(
        app.patch(
            &format!("/api/v1/cases/{}", case["id"].as_str().unwrap()),
            &d.op,
            json!({"status": "closed"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "unknown_field");
}

async fn authors_edit_notes_within_a_day(app: TestApp) {
    let d = setup(&app).await;
    let case = open_case(&app, &d, "Rinnovo").await;
    let url = format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap());
    let ev: Value = app
        .post(
            &url,
            &d.op,
            json!({"kind": "note", "note": "Telefonato al datore"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let edit = format!("{url}/{}", ev["id"].as_str().unwrap());
    let res = app
        .patch(
            &edit,
            &d.op,
            json!({"note": "Telefonato al datore di lavoro"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(edited["note"], "Telefonato al datore di lavoro");
    assert!(edited["edited_at"].is_string());
    // Someone else may not; nor may the author after 24 hours.
    assert_problem(
        app.patch(&edit, &d.coord, json!({"note": "x"})).await,
        403,
        "not_the_author",
    )
    .await;
    app.sql(&match app.backend {
        crate::common::Backend::Postgres => format!(
            "UPDATE case_events SET at = at - INTERVAL '25 hours' WHERE id = '{}'",
            ev["id"].as_str().unwrap()
        ),
        crate::common::Backend::Sqlite => format!(
            "UPDATE case_events SET at = datetime(at, '-25 hours') WHERE id = '{}'",
            ev["id"].as_str().unwrap()
        ),
    });
    assert_problem(
        app.patch(&edit, &d.op, json!({"note": "tardi"})).await,
        409,
        "edit_window_closed",
    )
    .await;
    // The text it replaced stays with the entry, where anonymisation reaches it.
    let timeline: Value = app
        .get(
            &format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap()),
            &d.op,
        )
        .await
        .json()
        .await
        .unwrap();
    let entry = timeline
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == ev["id"])
        .unwrap();
    assert_eq!(entry["previous"][0]["note"], "Telefonato al datore");
    assert!(entry["previous"][0]["edited_by_name"].is_string());
    // The audit log records who corrected it and when, never the text.
    let admin = app.admin().await;
    let log: Value = app
        .get(
            &format!(
                "/api/v1/audit?entity_id={}&action=case.event_edit",
                case["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"][0]["changes"][0]["old"], "[dato personale]");
    assert_eq!(log["items"][0]["changes"][0]["new"], "[dato personale]");
    assert!(!log.to_string().contains("Telefonato"));
}

async fn admins_manage_the_taxonomy(app: TestApp) {
    let d = setup(&app).await;
    let admin = app.admin().await;
    let body = json!({"id": "residence_permit.seasonal", "parent_id": "residence_permit", "name_it": "Lavoro stagionale", "name_en": "Seasonal work"});
    assert_problem(
        app.post("/api/v1/case-categories", &d.op, body.clone())
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.post("/api/v1/case-categories", &admin, body.clone())
            .await
            .status(),
        201
    );
    assert_problem(
        app.post("/api/v1/case-categories", &admin, body).await,
        409,
        "already_exists",
    )
    .await;
    let p = assert_problem(
        app.post(
            "/api/v1/case-categories",
            &admin,
            json!({"id": "Bad Id", "name_it": "", "name_en": "x", "retention_years": 0}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["id", "name_it", "retention_years"]);
    let res = app
        .patch(
            "/api/v1/case-categories/international_protection",
            &admin,
            json!({"retention_years": 10, "checklist": ["Modello C3"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cats: Value = app
        .get("/api/v1/case-categories", &d.op)
        .await
        .json()
        .await
        .unwrap();
    let ip = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "international_protection")
        .unwrap();
    assert_eq!(ip["retention_years"], 10);
    assert_eq!(ip["checklist"], json!(["Modello C3"]));
    // The new sub-category works for cases.
    let res = app
        .post("/api/v1/cases", &d.op, json!({"person_id": d.person, "municipality_id": d.gallicano, "category_id": "residence_permit",
                                              "subcategory_id": "residence_permit.seasonal", "summary": "Stagionale"}))
        .await;
    assert_eq!(res.status(), 201);
}

db_tests!(
    synthetic_data_loads_and_stays_consistent,
    free_text_reads_few_matches_alone_and_many_in_order,
    an_operators_pages_are_the_coordinators_view_of_their_municipalities,
);

/// A free text with more matches than the look-up takes reads the list in its order; one with
/// fewer reads its matches alone: either way the same cases, counted alike, page after page.
async fn free_text_reads_few_matches_alone_and_many_in_order(app: TestApp) {
    use lumit_api::models::case::TEXT_PROBE;
    let total = TEXT_PROBE + 300;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || lumit_api::synthetic::run(&db, 80, total as usize, 5))
        .await
        .unwrap()
        .unwrap();
    let admin = app.admin().await;
    let get = |q: String| {
        let (app, admin) = (&app, admin.clone());
        async move { app.get_json(&format!("/api/v1/cases?{q}"), &admin).await }
    };
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{page}"))
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // Every summary says "Pratica …": many matches, the list's own order.
    let all = get("limit=50".into()).await;
    let many = get("q=pratica&limit=50&count=true".into()).await;
    assert_eq!(many["total"], total);
    assert_eq!(ids(&many), ids(&all));
    let cursor = |p: &Value| p["next_cursor"].as_str().unwrap().to_owned();
    assert_eq!(
        ids(&get(format!("q=pratica&limit=50&cursor={}", cursor(&many))).await),
        ids(&get(format!("limit=50&cursor={}", cursor(&all))).await)
    );
    // About a third are renewals: few enough to be read alone, in the same order.
    let renewals = app.rows_containing("cases", "summary", "renewal");
    assert!(renewals > 50 && renewals < TEXT_PROBE, "{renewals}");
    let few = get("q=RENEWAL&limit=50&count=true".into()).await;
    assert_eq!(few["total"], renewals);
    let first = ids(&few);
    assert_eq!(first.len(), 50);
    let mut pages = first.clone();
    let mut next = few["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = next {
        let page = get(format!("q=renewal&limit=50&cursor={c}")).await;
        pages.extend(ids(&page));
        next = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(pages.len() as i64, renewals, "every match once");
    // Letters beyond ASCII ignore case as well, whether the matches are many or few.
    app.sql("UPDATE cases SET summary = summary || ' della CITTÀ'");
    let many = get("q=citt%C3%A0&limit=50&count=true".into()).await;
    assert_eq!(many["total"], total);
    assert_eq!(ids(&many), ids(&all));
    app.sql(&format!(
        "UPDATE cases SET summary = 'Residenza a PIETRASANTA, CITTÀ DEL MARMO' WHERE id = '{}'",
        first[0]
    ));
    let few = get("q=citt%C3%A0%20del%20marmo&count=true".into()).await;
    assert_eq!(
        (few["total"].as_i64(), ids(&few)),
        (Some(1), vec![first[0].clone()])
    );
}

async fn synthetic_data_loads_and_stays_consistent(app: TestApp) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || lumit_api::synthetic::run(&db, 50, 300, 7))
        .await
        .unwrap()
        .unwrap();
    if app.backend == crate::common::Backend::Sqlite {
        // The trigram index of cases' text holds what the cases hold (it fails otherwise).
        app.sql("INSERT INTO cases_text (cases_text, rank) VALUES ('integrity-check', 1)");
    }
    let admin = app.admin().await;
    let page: Value = app
        .get("/api/v1/cases?count=true&limit=200", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 300);
    let mut refs: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reference"].as_str().unwrap())
        .collect();
    refs.sort_unstable();
    refs.dedup();
    assert_eq!(refs.len(), 200, "references are unique");
    let people: Value = app
        .get("/api/v1/people?limit=200", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(people["items"].as_array().unwrap().len(), 50);
    // The name-search index was built for the loaded people: each is found by name.
    for p in people["items"].as_array().unwrap().iter().step_by(7) {
        let q = format!(
            "{} {}",
            p["first_name"].as_str().unwrap(),
            p["last_name"].as_str().unwrap()
        );
        let found: Value = app
            .get(
                &format!("/api/v1/people?q={}&limit=200", q.replace(' ', "%20")),
                &admin,
            )
            .await
            .json()
            .await
            .unwrap();
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["id"] == p["id"]),
            "{q}"
        );
    }
    // A case opened afterwards continues the year's numbering instead of colliding.
    let gallicano = app.municipality("046015").await;
    let pid = people["items"][0]["id"].as_str().unwrap();
    let res = app.post("/api/v1/cases", &admin, json!({"person_id": pid, "municipality_id": gallicano, "category_id": "other", "summary": "Nuova"})).await;
    assert_eq!(res.status(), 201);
    let v: Value = app
        .get("/api/v1/audit/verify", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["ok"], true);
}

/// Every page of a list, following the cursors; returns the cases in order.
async fn all_pages(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/cases?{query}&cursor={c}"),
            None => format!("/api/v1/cases?{query}"),
        };
        let res = app.get(&path, token).await;
        assert_eq!(res.status(), 200, "{path}");
        let page: Value = res.json().await.unwrap();
        ids.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return ids,
        }
    }
}

// An operator's list is read one index range per (municipality, status) and merged: paged in
// small steps, in both orders, it must be exactly the coordinator's list cut to those
// municipalities.
async fn an_operators_pages_are_the_coordinators_view_of_their_municipalities(app: TestApp) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || lumit_api::synthetic::run(&db, 60, 900, 11))
        .await
        .unwrap()
        .unwrap();
    let admin = app.admin().await;
    let mut mine = Vec::new();
    for istat in ["046015", "046006", "046019"] {
        mine.push(app.municipality(istat).await);
    }
    let (_, op) = app.user("op.three", "operator", &mine).await;
    let all: Value = app
        .get("/api/v1/cases?limit=200&count=true", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["total"], 900);
    for sort in ["opened", "updated"] {
        for status in ["", "closed,open,in_progress,waiting_documents"] {
            let q = format!("sort={sort}&status={status}");
            let cases = all_pages(&app, &admin, &format!("{q}&limit=200")).await;
            let ids = |v: &[Value], keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
                v.iter()
                    .filter(|c| keep(c))
                    .map(|c| c["id"].as_str().unwrap().to_owned())
                    .collect()
            };
            let expected = ids(&cases, &|c| {
                mine.iter().any(|m| c["municipality_id"] == m.as_str())
            });
            assert!(expected.len() > 20, "the sample covers several pages");
            let got = all_pages(&app, &op, &format!("{q}&limit=7")).await;
            assert_eq!(ids(&got, &|_| true), expected, "{q}");
            // One municipality of theirs, and one that is not theirs.
            let one = all_pages(
                &app,
                &op,
                &format!("{q}&limit=5&municipality_id={}", mine[1]),
            )
            .await;
            let want = ids(&cases, &|c| c["municipality_id"] == mine[1].as_str());
            assert_eq!(ids(&one, &|_| true), want, "{q} in one municipality");
            let lucca = app.municipality("046017").await;
            let none = all_pages(&app, &op, &format!("{q}&municipality_id={lucca}")).await;
            assert!(none.is_empty(), "another municipality's cases stay hidden");
        }
    }
    let p = assert_problem(
        app.get("/api/v1/cases?sort=newest", &op).await,
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(fields(&p), ["sort"]);
}

/// Two instances on one database (or the server and the `lumit` command line beside it) read
/// records at the same moment, each read writing its access row: every read is answered and
/// logged, none refused because the other instance held the database's write lock just then.
async fn two_instances_read_and_log_at_once(app: TestApp) {
    let d = setup(&app).await;
    let case = open_case(&app, &d, "Rinnovo del permesso").await;
    let path = format!("/api/v1/cases/{}", case["id"].as_str().unwrap());
    let other = app.another_instance().await;
    let mut reads = tokio::task::JoinSet::new();
    for i in 0..200 {
        let base = if i % 2 == 0 { &app.base } else { &other.base };
        let req = app.http.get(format!("{base}{path}")).bearer_auth(&d.op);
        reads.spawn(async move { req.send().await.expect("request").status().as_u16() });
    }
    let mut refused = 0;
    while let Some(status) = reads.join_next().await {
        if status.expect("task") != 200 {
            refused += 1;
        }
    }
    assert_eq!(refused, 0, "reads refused while the other instance wrote");
    let person = case["person_id"].as_str().unwrap();
    let log: Value = app
        .get(
            &format!("/api/v1/people/{person}/access-log?limit=200"),
            &d.coord,
        )
        .await
        .json()
        .await
        .unwrap();
    let case_reads = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "case.read")
        .count();
    assert_eq!(case_reads, 200, "every read is in the access log");
}

/// Timeline entries take the writers' lock only to link their audit row (`Db::write_then_chain`):
/// many at once, on the same cases, beside writes that take the lock first (transitions, edits
/// of the case), must all land, without a deadlock, in one unbroken chain with a row each.
async fn timeline_entries_written_at_once_keep_one_chain(app: TestApp) {
    let d = setup(&app).await;
    let admin = app.admin().await;
    let mut cases = Vec::new();
    for summary in ["Rinnovo", "Ricongiungimento", "Tessera sanitaria"] {
        cases.push(
            open_case(&app, &d, summary).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let before = app
        .get("/api/v1/audit?action=case.event_add&limit=200", &admin)
        .await
        .json::<Value>()
        .await
        .unwrap()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, 0);

    let (app, d) = (&app, &d);
    let entries = cases.iter().flat_map(|case| {
        (0..20).map(move |n| async move {
            app.post(
                &format!("/api/v1/cases/{case}/events"),
                &d.op,
                json!({"kind": "note", "note": format!("Telefonata {n}")}),
            )
            .await
            .status()
            .as_u16()
        })
    });
    let others = cases.iter().flat_map(|case| {
        [
            (
                format!("/api/v1/cases/{case}/transitions"),
                Method::POST,
                json!({"to": "in_progress"}),
            ),
            (
                format!("/api/v1/cases/{case}"),
                Method::PATCH,
                json!({"language": "ar"}),
            ),
        ]
        .into_iter()
        .map(move |(path, method, body)| async move {
            app.call(method, &path, Some(&d.op), Some(body))
                .await
                .status()
                .as_u16()
        })
    });
    let (entries, others) = futures_util::future::join(
        futures_util::future::join_all(entries),
        futures_util::future::join_all(others),
    )
    .await;
    assert!(entries.iter().all(|s| *s == 201), "{entries:?}");
    assert!(others.iter().all(|s| *s == 200), "{others:?}");

    let linked: Value = app
        .get("/api/v1/audit?action=case.event_add&limit=200", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(linked["items"].as_array().unwrap().len(), 60);
    let v: Value = app
        .get("/api/v1/audit/verify", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["ok"], true, "{v}");
    for case in &cases {
        let timeline: Value = app
            .get(&format!("/api/v1/cases/{case}/events"), &d.op)
            .await
            .json()
            .await
            .unwrap();
        let notes = timeline
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "note")
            .count();
        assert_eq!(notes, 20, "{timeline}");
    }
}
