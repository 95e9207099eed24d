//! The audit log: one row per change with old and new values; the chain shows tampering.

use serde_json::{json, Value};

use crate::common::{Backend, TestApp};
use crate::db_tests;

db_tests!(
    every_change_is_audited,
    verify_detects_a_tampered_row,
    audit_filters_and_pages
);

async fn every_change_is_audited(app: TestApp) {
    let admin = app.admin().await;
    let res = app
        .post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": "Ufficio Test", "kind": "other"}),
        )
        .await;
    let m: Value = res.json().await.unwrap();
    let id = m["id"].as_str().unwrap();
    app.patch(
        &format!("/api/v1/municipalities/{id}"),
        &admin,
        json!({"phone": "0583 123456"}),
    )
    .await;
    app.patch(
        &format!("/api/v1/municipalities/{id}"),
        &admin,
        json!({"active": false}),
    )
    .await;
    let desk: Value = app
        .post(
            &format!("/api/v1/municipalities/{id}/desks"),
            &admin,
            json!({"name": "S"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let created: Value = app
        .post("/api/v1/users", &admin, json!({"username": "a.b", "full_name": "A B", "role": "coordinator", "password": "a temporary password"}))
        .await
        .json()
        .await
        .unwrap();
    let uid = created["user"]["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/users/{uid}/password-reset"),
        &admin,
        json!({}),
    )
    .await;
    let gallicano = app.municipality("046015").await;
    let (cid, _, _) = app.api_client(&gallicano, &["desks:read"]).await;
    app.call(
        reqwest::Method::DELETE,
        &format!("/api/v1/api-clients/{cid}"),
        Some(&admin),
        None,
    )
    .await;

    let log: Value = app
        .get(&format!("/api/v1/audit?entity_id={id}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    let items = log["items"].as_array().unwrap();
    let actions: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "municipality.deactivate",
            "municipality.update",
            "municipality.create"
        ]
    );
    let update = &items[1];
    assert_eq!(update["actor_kind"], "user");
    assert_eq!(update["actor_name"], "admin");
    assert_eq!(update["entity_type"], "municipality");
    assert_eq!(update["municipality_id"], id);
    assert_eq!(update["client_ip"], "127.0.0.1");
    assert!(update["request_id"].is_string());
    assert_eq!(
        update["changes"],
        json!([{"field": "phone", "old": null, "new": "0583 123456"}])
    );
    let create = &items[2];
    assert!(create["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["field"] == "name" && c["new"] == "Ufficio Test"));

    for (entity, action) in [
        (desk["id"].as_str().unwrap(), "desk.create"),
        (uid, "user.create"),
        (uid, "user.password_reset"),
        (cid.as_str(), "api_client.create"),
        (cid.as_str(), "api_client.revoke"),
    ] {
        let log: Value = app
            .get(
                &format!("/api/v1/audit?entity_id={entity}&action={action}"),
                &admin,
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(log["items"].as_array().unwrap().len(), 1, "{action}");
    }
    // Secrets never reach the log.
    let everything: Value = app
        .get("/api/v1/audit?limit=200", &admin)
        .await
        .json()
        .await
        .unwrap();
    let text = everything.to_string();
    assert!(
        !text.contains("a temporary password") && !text.contains("$argon2"),
        "a secret leaked into the audit log"
    );
    assert!(!text.contains("client_secret"));
}

async fn verify_detects_a_tampered_row(app: TestApp) {
    let admin = app.admin().await;
    for i in 0..3 {
        app.post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": format!("Ufficio {i}"), "kind": "other"}),
        )
        .await;
    }
    let v: Value = app
        .get("/api/v1/audit/verify", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["ok"], true);
    let total = v["rows_checked"].as_i64().unwrap();
    assert!(total >= 24, "{v}");

    // The database refuses edits outright.
    let refused = {
        let mut c = app.db.conn().unwrap();
        diesel::connection::SimpleConnection::batch_execute(
            &mut **c,
            "UPDATE audit_log SET action = 'x' WHERE id = 5",
        )
        .is_err()
    };
    assert!(refused, "the append-only trigger must refuse updates");

    // Someone with rights to drop the trigger edits row 5: verify points at it.
    match app.backend {
        Backend::Sqlite => app.sql("DROP TRIGGER audit_log_no_update"),
        Backend::Postgres => app.sql("DROP TRIGGER audit_log_no_update ON audit_log"),
    }
    app.sql("UPDATE audit_log SET actor_name = 'someone else' WHERE id = 5");
    let v: Value = app
        .get("/api/v1/audit/verify", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["first_bad_id"], 5);
    assert_eq!(v["rows_checked"], 5);
}

async fn audit_filters_and_pages(app: TestApp) {
    let admin = app.admin().await;
    for i in 0..4 {
        app.post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": format!("Ufficio {i}"), "kind": "other"}),
        )
        .await;
    }
    let me: Value = app.get("/api/v1/me", &admin).await.json().await.unwrap();
    let mine = format!(
        "/api/v1/audit?actor_id={}&action=municipality.create&limit=3",
        me["id"].as_str().unwrap()
    );
    let p1: Value = app.get(&mine, &admin).await.json().await.unwrap();
    assert_eq!(p1["items"].as_array().unwrap().len(), 3);
    let cursor = p1["next_cursor"].as_str().unwrap();
    let p2: Value = app
        .get(&format!("{mine}&cursor={cursor}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p2["items"].as_array().unwrap().len(), 1);
    assert_eq!(p2["next_cursor"], Value::Null);
    // Time range: nothing in the future.
    let future: Value = app
        .get("/api/v1/audit?from=2999-01-01T00:00:00Z", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert!(future["items"].as_array().unwrap().is_empty());
    let one: Value = app
        .get(&format!("/api/v1/audit/{}", p2["items"][0]["id"]), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["action"], "municipality.create");
}
