//! The audit log: one row per change with old and new values; the chain shows tampering.

use serde_json::{json, Value};

use crate::common::{Backend, TestApp};
use crate::db_tests;

db_tests!(
    every_change_is_audited,
    verify_detects_a_tampered_row,
    audit_filters_and_pages,
    a_row_rewritten_with_its_link_recomputed_is_detected,
    deleting_the_newest_rows_is_detected,
    emptying_the_log_is_refused_and_detected,
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

/// The verification, with a token taken beforehand (a login is itself an audited change).
async fn verification(app: &TestApp, admin: &str) -> Value {
    app.get("/api/v1/audit/verify", admin)
        .await
        .json()
        .await
        .unwrap()
}

fn drop_trigger(app: &TestApp, name: &str) {
    match app.backend {
        Backend::Sqlite => app.sql(&format!("DROP TRIGGER {name}")),
        Backend::Postgres => app.sql(&format!("DROP TRIGGER {name} ON audit_log")),
    }
}

#[derive(diesel::QueryableByName)]
struct Newest {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    at: chrono::NaiveDateTime,
    #[diesel(sql_type = diesel::sql_types::Text)]
    actor_kind: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    actor_id: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    entity_type: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    entity_id: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    municipality_id: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    request_id: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    client_ip: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    changes: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    prev_hash: String,
}

/// What someone who can write to the database but does not hold the audit key can do: change
/// the newest row (who did it) and recompute its link, as plain SHA-256 passed off as an older
/// row, or keyed with a key of their own.
async fn a_row_rewritten_with_its_link_recomputed_is_detected(app: TestApp) {
    use diesel::RunQueryDsl;
    use hmac::Mac;
    use sha2::Digest;
    let admin = app.admin().await;
    assert_eq!(verification(&app, &admin).await["ok"], true);
    drop_trigger(&app, "audit_log_no_update");
    for attempt in ["unkeyed", "own key"] {
        let row: Newest = {
            let mut c = app.db.conn().unwrap();
            diesel::sql_query(
                "SELECT id, at, actor_kind, actor_id, action, entity_type, entity_id, \
                 municipality_id, request_id, client_ip, changes, prev_hash \
                 FROM audit_log ORDER BY id DESC LIMIT 1",
            )
            .get_result(&mut **c)
            .unwrap()
        };
        let mut content = json!([
            row.id,
            row.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            row.actor_kind,
            row.actor_id,
            "someone else",
            row.action,
            row.entity_type,
            row.entity_id,
            row.municipality_id,
            row.request_id,
            row.client_ip,
            row.changes,
            row.prev_hash,
        ]);
        let (hash, scheme) = if attempt == "unkeyed" {
            (
                hex::encode(sha2::Sha256::digest(content.to_string().as_bytes())),
                1,
            )
        } else {
            content.as_array_mut().unwrap().push(2.into());
            let mut mac =
                hmac::Hmac::<sha2::Sha256>::new_from_slice(b"a key of the attacker's own choosing")
                    .unwrap();
            mac.update(content.to_string().as_bytes());
            (hex::encode(mac.finalize().into_bytes()), 2)
        };
        app.sql(&format!(
            "UPDATE audit_log SET actor_name = 'someone else', hash = '{hash}', scheme = {scheme} WHERE id = {}",
            row.id
        ));
        let v = verification(&app, &admin).await;
        assert_eq!(v["ok"], false, "{attempt}: {v}");
        assert_eq!(v["first_bad_id"], row.id, "{attempt}: {v}");
    }
}

async fn deleting_the_newest_rows_is_detected(app: TestApp) {
    let admin = app.admin().await;
    for i in 0..3 {
        let res = app
            .post(
                "/api/v1/municipalities",
                &admin,
                json!({"name": format!("Ufficio {i}"), "kind": "other"}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    // The server's timer does this every 30 s and at shutdown; `lumit audit head` on demand.
    let checkpoint = {
        let mut c = app.db.conn().unwrap();
        lumit_api::audit::write_checkpoint(&mut c, &app.data_dir())
            .unwrap()
            .unwrap()
    };
    let v = verification(&app, &admin).await;
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["checkpoint_id"], checkpoint.id);
    // The newest two rows go, as if those changes never happened: the chain that is left is
    // whole, but shorter than the checkpoint says.
    drop_trigger(
        &app,
        match app.backend {
            Backend::Sqlite => "audit_log_no_delete",
            Backend::Postgres => "audit_log_no_update",
        },
    );
    app.sql(&format!(
        "DELETE FROM audit_log WHERE id > {}",
        checkpoint.id - 2
    ));
    let v = verification(&app, &admin).await;
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["first_bad_id"], checkpoint.id - 1, "{v}");
    assert!(v["problem"].as_str().unwrap().contains("missing"), "{v}");
    // And the checkpoint does not move over the hole.
    let mut c = app.db.conn().unwrap();
    assert!(lumit_api::audit::write_checkpoint(&mut c, &app.data_dir()).is_err());
    let still = lumit_api::audit::read_checkpoint(&app.data_dir())
        .unwrap()
        .unwrap();
    assert_eq!(still, checkpoint);
}

async fn emptying_the_log_is_refused_and_detected(app: TestApp) {
    let admin = app.admin().await;
    let wipe = match app.backend {
        Backend::Sqlite => "DELETE FROM audit_log",
        Backend::Postgres => "TRUNCATE audit_log",
    };
    let refused = {
        let mut c = app.db.conn().unwrap();
        diesel::connection::SimpleConnection::batch_execute(&mut **c, wipe).is_err()
    };
    assert!(refused, "{wipe} must be refused");
    match app.backend {
        Backend::Sqlite => drop_trigger(&app, "audit_log_no_delete"),
        Backend::Postgres => drop_trigger(&app, "audit_log_no_truncate"),
    }
    app.sql(wipe);
    let v = verification(&app, &admin).await;
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["rows_checked"], 0, "{v}");
    // Even without the checkpoint file, an empty log is not a sound one.
    std::fs::remove_file(app.data_dir().join(lumit_api::audit::CHECKPOINT_FILE)).unwrap();
    let v = verification(&app, &admin).await;
    assert_eq!(v["ok"], false, "{v}");
}

/// PostgreSQL with two roles: the owner runs the migrations, the server connects as a role that
/// can add audit rows but not change, delete or truncate them, and everything still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_role_cannot_alter_the_audit_log() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let role = format!("lumit_app_{}", uuid::Uuid::new_v4().simple());
    let mut owner_url = String::new();
    let app = TestApp::spawn_with(Backend::Postgres, |s| {
        owner_url = s.database_url.clone();
        let mut c = diesel::PgConnection::establish(&crate::common::postgres_url()).unwrap();
        c.batch_execute(&format!("CREATE ROLE {role} LOGIN"))
            .unwrap();
        s.migration_database_url = Some(s.database_url.clone());
        s.database_url =
            s.database_url
                .replacen("postgres://postgres@", &format!("postgres://{role}@"), 1);
        assert!(s.database_url.contains(&role), "{}", s.database_url);
    })
    .await;
    // The server works: logins, writes with their audit rows, reads with their access log.
    let admin = app.admin().await;
    let res = app
        .post(
            "/api/v1/municipalities",
            &admin,
            json!({"name": "Ufficio di prova", "kind": "other"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let v = verification(&app, &admin).await;
    assert_eq!(v["ok"], true, "{v}");
    // Its role cannot touch the audit log, even with the triggers gone (which only the owner can
    // drop).
    assert!(app
        .db
        .conn()
        .unwrap()
        .batch_execute("DROP TRIGGER audit_log_no_update ON audit_log")
        .is_err());
    diesel::PgConnection::establish(&owner_url)
        .unwrap()
        .batch_execute("DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER audit_log_no_truncate ON audit_log")
        .unwrap();
    let mut c = app.db.conn().unwrap();
    for attempt in [
        "UPDATE audit_log SET actor_name = 'x' WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 1",
        "TRUNCATE audit_log",
    ] {
        let err = c.batch_execute(attempt).unwrap_err().to_string();
        assert!(err.contains("permission denied"), "{attempt}: {err}");
    }
    drop(c);
    drop(app);
    let mut c = diesel::PgConnection::establish(&crate::common::postgres_url()).unwrap();
    let _ = c.batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}"));
}
