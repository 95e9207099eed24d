//! Stored answers: reservations, replays and their keys.

use super::*;

/// A migrated SQLite database of its own.
fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("keys.db").display());
    let db = Db::connect(&url, 1).expect("database");
    db.migrate().expect("migrations");
    (dir, db)
}

/// A reservation left `ago` in the past, committed or not, without an answer.
fn left_behind(c: &mut DbConn, key: &str, ago: chrono::Duration, committed: bool) {
    diesel::insert_into(k::table)
        .values((
            k::caller.eq("user:u1"),
            k::idempotency_key.eq(key),
            k::request_hash.eq("h"),
            k::token.eq("first"),
            k::created_at.eq(now() - ago),
            k::committed.eq(committed),
        ))
        .execute(c)
        .expect("insert");
}

fn outcome(c: &mut DbConn, key: &str) -> &'static str {
    match reserve(c, "user:u1", key, "h", "retry").expect("reserve") {
        Reservation::Reserved => "reserved",
        Reservation::Replay(_) => "replay",
        Reservation::Mismatch => "mismatch",
        Reservation::InUse => "in use",
        Reservation::OutcomeUnknown => "outcome unknown",
    }
}

/// What a retry meets, by what the first request left behind.
#[test]
fn a_retry_after_a_death_is_safe() {
    let (_dir, db) = db();
    let mut conn = db.conn().expect("connection");
    let c = &mut **conn;
    // Still running (or between its commit and its answer): wait.
    left_behind(c, "running", chrono::Duration::seconds(1), false);
    assert_eq!(outcome(c, "running"), "in use");
    left_behind(c, "answering", chrono::Duration::seconds(1), true);
    assert_eq!(outcome(c, "answering"), "in use");
    // Silent for long, never committed: the retry takes over...
    left_behind(c, "slow", ABANDONED + chrono::Duration::seconds(1), false);
    assert_eq!(outcome(c, "slow"), "reserved");
    assert_eq!(outcome(c, "slow"), "in use");
    // ... and should the first request commit after all, its change is refused.
    assert!(mark_committed(c, "user:u1", "slow", "first").is_err());
    mark_committed(c, "user:u1", "slow", "retry").expect("the retry's own");
    // Committed, answer lost: never made twice.
    left_behind(c, "lost", ABANDONED + chrono::Duration::seconds(1), true);
    assert_eq!(outcome(c, "lost"), "outcome unknown");
    // Past a day the key is new again, whatever it was.
    left_behind(c, "old", KEEP + chrono::Duration::seconds(1), true);
    assert_eq!(outcome(c, "old"), "reserved");
}

#[test]
fn secrets_shown_once_are_not_stored() {
    let body = br#"{"user":{"id":"u1","username":"ada"},"temporary_password":"s3cret","items":[{"client_secret":"x","name":"P"}]}"#;
    let kept = storable(body).expect("JSON");
    assert!(
        !kept.contains("s3cret") && !kept.contains("\"x\""),
        "{kept}"
    );
    let totp = br#"{"secret":"JBSW","otpauth_url":"otpauth://totp/x?secret=JBSW","qr_code":"data:Q","codes":["abcd-efgh-ijkm"]}"#;
    let totp = storable(totp).expect("JSON");
    assert!(
        !totp.contains("JBSW") && !totp.contains("data:Q") && !totp.contains("abcd"),
        "{totp}"
    );
    assert!(kept.contains("\"username\":\"ada\"") && kept.contains("\"name\":\"P\""));
    assert_eq!(storable(b"").as_deref(), Some(""));
    assert!(storable(b"not json").is_none());
}
