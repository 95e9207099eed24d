//! Who may find a case, and every read of one logged, even with two instances reading at once.

use serde_json::{json, Value};

use super::{open_case, setup};
use crate::common::{assert_problem, TestApp};
use crate::db_tests;

db_tests!(
    operators_of_other_municipalities_cannot_find_it,
    two_instances_read_and_log_at_once,
);

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
