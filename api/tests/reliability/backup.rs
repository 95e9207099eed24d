//! Backups taken while the server writes, restored into a new place and started: on SQLite with
//! `lumit backup` / `lumit restore`, on PostgreSQL with the documented scripts in `ops/`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use crate::server::{notes_on, Server, Writers};

/// The shared PostgreSQL server of the tests (never restarted by them).
fn postgres_url() -> String {
    std::env::var("LUMIT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database of its own on the shared server, dropped at the end.
pub struct SharedDatabase {
    name: String,
    /// Its URL.
    pub url: String,
}

impl SharedDatabase {
    /// Creates `lumit_<what>_<random>`.
    pub fn new(what: &str) -> SharedDatabase {
        let name = format!("lumit_{what}_{}", uuid::Uuid::new_v4().simple());
        PgConnection::establish(&postgres_url())
            .expect("PostgreSQL is required for the tests")
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        let base = postgres_url();
        let server = base.rsplit_once('/').map_or(base.as_str(), |(s, _)| s);
        SharedDatabase {
            url: format!("{server}/{name}"),
            name,
        }
    }
}

impl Drop for SharedDatabase {
    fn drop(&mut self) {
        if let Ok(mut c) = PgConnection::establish(&postgres_url()) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// Runs a command to its end; panics with its output unless it succeeds.
fn succeeds(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn lumit(url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lumit"));
    c.args(args)
        .env("LUMIT_DATABASE_URL", url)
        // Nothing listens here: `restore` checks that no server answers.
        .env("LUMIT_BIND", "127.0.0.1:9")
        .env("LUMIT_LOG", "warn");
    c
}

fn ops(script: &str) -> Command {
    Command::new(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../ops")
            .join(script),
    )
}

/// Writes during the backup; the copy, restored elsewhere and started, holds everything that was
/// acknowledged before the backup began, and its audit chain verifies.
async fn backup_during_writes(
    url: &str,
    dir: &Path,
    back_up: impl FnOnce(),
    restore: impl FnOnce() -> String,
) {
    let server = Server::start(url, &dir.join("first"), &[]).await;
    let admin = server.admin().await;
    let cases = server.cases(&admin, 8).await;
    let writers = Writers::start(&server, &admin, &cases, 8);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let before = notes_on(&server, &admin, &cases).await;
    tokio::task::block_in_place(back_up);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let outcome = writers.stop().await;
    assert!(
        outcome.acknowledged.len() > before.len(),
        "writes went on during the backup"
    );
    drop(server);

    let restored_url = tokio::task::block_in_place(restore);
    let server = Server::start(&restored_url, &dir.join("restored"), &[]).await;
    let admin = server.admin().await;
    // The reads before the backup are in its access log (on SQLite a file of its own).
    let (status, _, case) = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/cases/{}", cases[0]),
            Some(&admin),
            None,
        )
        .await
        .expect("case");
    assert_eq!(status, reqwest::StatusCode::OK, "{case}");
    let person = case["person_id"].as_str().expect("person_id");
    let (status, _, log) = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/people/{person}/access-log"),
            Some(&admin),
            None,
        )
        .await
        .expect("access log");
    assert_eq!(status, reqwest::StatusCode::OK, "{log}");
    let timelines = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "case.timeline")
        .count();
    assert!(
        timelines >= 1,
        "the timeline reads before the backup are not in its log: {log}"
    );
    let after = notes_on(&server, &admin, &cases).await;
    let missing = before.difference(&after).count();
    assert_eq!(missing, 0, "notes made before the backup are missing");
    server.assert_audit_verifies(&admin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_backup_during_writes_restores_and_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("lumit.db").display());
    let copy = dir.path().join("backup.db");
    let restored = dir.path().join("elsewhere/lumit.db");
    let restored_url = format!("sqlite://{}", restored.display());
    backup_during_writes(
        &url,
        dir.path(),
        || {
            let said = succeeds(&mut lumit(
                &url,
                &["backup", "--to", copy.to_str().unwrap()],
            ));
            assert!(said.contains("integrity checked"), "{said}");
            // A second backup never overwrites the first.
            let again = lumit(&url, &["backup", "--to", copy.to_str().unwrap()])
                .output()
                .expect("run");
            assert!(!again.status.success());
        },
        || {
            succeeds(&mut lumit(
                &restored_url,
                &["restore", "--from", copy.to_str().unwrap()],
            ));
            // An existing database is replaced only when asked.
            let again = lumit(
                &restored_url,
                &["restore", "--from", copy.to_str().unwrap()],
            )
            .output()
            .expect("run");
            assert!(!again.status.success());
            assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
            restored_url.clone()
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_backup_procedure_restores_and_verifies() {
    let source = SharedDatabase::new("backup");
    let target = SharedDatabase::new("restore");
    let dir = tempfile::tempdir().expect("temp dir");
    let dump = dir.path().join("lumit.dump");
    backup_during_writes(
        &source.url,
        dir.path(),
        || {
            succeeds(ops("pg-backup.sh").arg(&source.url).arg(&dump));
        },
        || {
            succeeds(ops("pg-restore.sh").arg(&dump).arg(&target.url));
            target.url.clone()
        },
    )
    .await;
}
