//! Lists of cases: filters, counts, paging within an operator's scope, a large synthetic load.

use serde_json::{json, Value};

use super::{open_case, setup};
use crate::common::{assert_problem, fields, TestApp};
use crate::db_tests;

db_tests!(
    lists_filter_search_and_count,
    synthetic_data_loads_and_stays_consistent,
    an_operators_pages_are_the_coordinators_view_of_their_municipalities,
);

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
