//! The database restarting and crashing; the server killed and stopped.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::cluster::Cluster;
use crate::server::{notes_on, Outcome, Server, Writers};

/// Answers the writers may get during a fault: a created note, or a 503 to retry.
fn assert_only_created_or_retry(outcome: &Outcome, what: &str) {
    for status in outcome.statuses.keys() {
        assert!(
            *status == 201 || *status == 503,
            "{what}: answers {:?}",
            outcome.statuses
        );
    }
    assert!(
        outcome.unavailable_well_formed,
        "{what}: a 503 without Retry-After or problem+json"
    );
    assert!(
        outcome.statuses.get(&201).copied().unwrap_or(0) > 0,
        "{what}: nothing was written at all: {:?}",
        outcome.statuses
    );
}

/// Every acknowledged note is on the timelines.
async fn assert_all_present(server: &Server, token: &str, cases: &[String], outcome: &Outcome) {
    let present = notes_on(server, token, cases).await;
    let missing: Vec<&String> = outcome
        .acknowledged
        .iter()
        .filter(|id| !present.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged notes lost: {missing:?}",
        missing.len(),
        outcome.acknowledged.len()
    );
}

/// An operator of Gallicano with a password of her own; returns her token.
async fn operator(server: &Server, admin: &str) -> String {
    let gallicano = server.municipality(admin, "046015").await;
    server
        .create(
            admin,
            "/api/v1/users",
            json!({"username": "op.gallicano", "full_name": "Operatrice", "role": "operator",
                   "municipality_ids": [gallicano], "password": "temporary password 1"}),
        )
        .await;
    let first = server
        .login("op.gallicano", "temporary password 1")
        .await
        .expect("first login");
    let (status, _, _) = server
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&first),
            Some(&json!({"current_password": "temporary password 1",
                         "new_password": "her own password 1"})),
        )
        .await
        .expect("answer");
    assert_eq!(status, StatusCode::NO_CONTENT);
    server
        .login("op.gallicano", "her own password 1")
        .await
        .expect("login")
}

/// Waits until an authenticated read answers 200; returns how long it took.
async fn until_served(server: &Server, token: &str, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if let Some((status, _, body)) = server
            .call(Method::GET, "/api/v1/cases?limit=5", Some(token), None)
            .await
        {
            assert_ne!(status.as_u16(), 500, "a 500 while recovering: {body}");
            if status == StatusCode::OK {
                return started.elapsed();
            }
        }
        assert!(
            started.elapsed() < within,
            "not serving {within:?} after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// PostgreSQL restarted cleanly, then crashed, under eight writers: during each outage every
/// answer is a 503 with `Retry-After` (readiness 503, liveness 200), service is back within 5 s
/// of the database, nothing acknowledged is lost, the audit chain verifies, and an account
/// deactivated while the server's listener was disconnected is refused afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restarts_and_crashes_lose_nothing() {
    let cluster = Cluster::start();
    PgConnection::establish(&cluster.url("postgres"))
        .expect("the private cluster")
        .batch_execute("CREATE DATABASE lumit")
        .expect("create database");
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(
        &cluster.url("lumit"),
        dir.path(),
        &[("LUMIT_DB_CONNECT_TIMEOUT", "2")],
    )
    .await;
    let admin = server.admin().await;
    let cases = server.cases(&admin, 8).await;
    let op = operator(&server, &admin).await;
    for _ in 0..3 {
        // Cached by now: the cache is what must not outlive the deactivation below.
        let (status, _, _) = server
            .call(Method::GET, "/api/v1/cases?limit=5", Some(&op), None)
            .await
            .expect("answer");
        assert_eq!(status, StatusCode::OK);
    }

    for mode in ["fast", "immediate"] {
        let writers = Writers::start(&server, &admin, &cases, 8);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        cluster.down(mode);
        tokio::time::sleep(Duration::from_millis(500)).await;
        // The outage as a client sees it.
        let (status, headers, body) = server
            .call(Method::GET, "/api/v1/cases?limit=5", Some(&admin), None)
            .await
            .expect("an answer during the outage");
        assert_eq!(status.as_u16(), 503, "{mode}: {body}");
        assert!(headers.contains_key("retry-after"), "{mode}");
        assert_eq!(body["code"], "service_unavailable", "{body}");
        let ready = server.call(Method::GET, "/readyz", None, None).await;
        assert_eq!(ready.map(|r| r.0.as_u16()), Some(503), "{mode}: readyz");
        let live = server.call(Method::GET, "/healthz", None, None).await;
        assert_eq!(live.map(|r| r.0.as_u16()), Some(200), "{mode}: healthz");
        let login = server
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(&json!({"username": "admin", "password": "whatever it is"})),
            )
            .await
            .expect("login answers");
        assert_eq!(login.0.as_u16(), 503, "{mode}: login during the outage");
        tokio::time::sleep(Duration::from_secs(2)).await;

        cluster.up();
        if mode == "fast" {
            // Before the server's listener is back: a change it cannot hear.
            PgConnection::establish(&cluster.url("lumit"))
                .expect("the database is back")
                .batch_execute("UPDATE users SET active = FALSE WHERE username = 'op.gallicano'")
                .expect("deactivate");
        }
        let took = until_served(&server, &admin, Duration::from_secs(5)).await;
        eprintln!("{mode}: serving again {took:?} after the database");
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let outcome = writers.stop().await;
        eprintln!(
            "{mode}: {:?}, {} unanswered",
            outcome.statuses, outcome.no_answer
        );
        assert_only_created_or_retry(&outcome, mode);
        assert_eq!(
            outcome.no_answer, 0,
            "{mode}: requests left without an answer"
        );
        assert_all_present(&server, &admin, &cases, &outcome).await;
        server.assert_audit_verifies(&admin).await;
        let (status, _, body) = server
            .call(Method::GET, "/api/v1/cases?limit=5", Some(&op), None)
            .await
            .expect("answer");
        assert_eq!(
            status.as_u16(),
            401,
            "{mode}: deactivated during the outage, still served: {body}"
        );
    }
}

/// `kill -9` of the server during eight writers on SQLite: the file passes the integrity check
/// and holds every acknowledged note; the audit chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_survives_kill_9_during_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("lumit.db");
    let url = format!("sqlite://{}", file.display());
    let mut server = Server::start(&url, dir.path(), &[]).await;
    let admin = server.admin().await;
    let cases = server.cases(&admin, 8).await;
    let writers = Writers::start(&server, &admin, &cases, 8);
    tokio::time::sleep(Duration::from_secs(2)).await;
    server.kill9();
    let outcome = writers.stop().await;
    assert!(outcome.acknowledged.len() > 10, "{:?}", outcome.statuses);
    for status in outcome.statuses.keys() {
        assert!(*status == 201 || *status == 503, "{:?}", outcome.statuses);
    }

    #[derive(diesel::QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let mut c = SqliteConnection::establish(file.to_str().expect("path")).expect("open");
    let check: Vec<Check> =
        diesel::RunQueryDsl::load(diesel::sql_query("PRAGMA integrity_check"), &mut c)
            .expect("integrity check");
    assert_eq!(check.len(), 1);
    assert_eq!(check[0].integrity_check, "ok");
    drop(c);

    drop(server);
    let server = Server::start(&url, dir.path(), &[]).await;
    let admin = server.admin().await;
    assert_all_present(&server, &admin, &cases, &outcome).await;
    server.assert_audit_verifies(&admin).await;
}

/// SIGTERM during writes, on both databases: the server stops accepting, finishes what is in
/// flight and exits 0; every acknowledged note is there when it starts again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_during_writes_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("lumit.db").display());
    stop_during_writes(&url, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_during_writes_on_postgres() {
    let db = crate::backup::SharedDatabase::new("sigterm");
    let dir = tempfile::tempdir().expect("temp dir");
    stop_during_writes(&db.url, dir.path()).await;
}

async fn stop_during_writes(url: &str, dir: &std::path::Path) {
    let mut server = Server::start(url, dir, &[("LUMIT_SHUTDOWN_TIMEOUT", "10")]).await;
    let admin = server.admin().await;
    let cases = server.cases(&admin, 8).await;
    let writers = Writers::start(&server, &admin, &cases, 8);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let status = server.terminate(Duration::from_secs(15));
    let outcome = writers.stop().await;
    assert!(status.success(), "exit status {status:?}");
    assert!(outcome.acknowledged.len() > 10, "{:?}", outcome.statuses);
    for status in outcome.statuses.keys() {
        assert_eq!(*status, 201, "{:?}", outcome.statuses);
    }
    drop(server);
    let server = Server::start(url, dir, &[]).await;
    let admin = server.admin().await;
    assert_all_present(&server, &admin, &cases, &outcome).await;
    server.assert_audit_verifies(&admin).await;
}

/// A statement that runs past the statement timeout is cut off and answered 503, and its
/// connection serves the next request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_past_its_timeout_is_a_503() {
    use lumit_api::db::{Db, DbOptions};
    use lumit_api::error::ApiError;
    let shared = crate::backup::SharedDatabase::new("timeout");
    let url = shared.url.clone();
    let db = tokio::task::spawn_blocking(move || {
        Db::open(
            &url,
            DbOptions {
                pool_size: 1,
                statement_timeout: Duration::from_millis(300),
                ..DbOptions::default()
            },
        )
    })
    .await
    .expect("join")
    .expect("connect");
    let started = Instant::now();
    let slow = db
        .read(|c| {
            diesel::RunQueryDsl::execute(diesel::sql_query("SELECT pg_sleep(5)"), c)?;
            Ok(())
        })
        .await;
    assert!(matches!(slow, Err(ApiError::Unavailable)), "{slow:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(db.ping().await, "the connection serves again");
}
