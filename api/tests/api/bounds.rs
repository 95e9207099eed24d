//! Every query has a bound: a statement that runs too long is cut off on both databases.

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use lumit_api::error::ApiError;

use crate::common::{Backend, TestApp};

/// Counts to a billion: minutes of work on either database, unless something stops it.
const ENDLESS: &str = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n \
                       WHERE x < 1000000000) SELECT count(*) FROM n";
/// Counts to half a million: a fifth of a second or so.
const SHORT: &str = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n \
                     WHERE x < 500000) SELECT count(*) FROM n";
const TIMEOUT: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_past_its_timeout_is_cut_off_on_sqlite() {
    a_statement_past_its_timeout_is_cut_off(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_past_its_timeout_is_cut_off_on_postgres() {
    a_statement_past_its_timeout_is_cut_off(Backend::Postgres).await;
}

async fn a_statement_past_its_timeout_is_cut_off(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.db_statement_timeout = TIMEOUT).await;
    let started = Instant::now();
    let slow = app
        .db
        .read(|c| {
            diesel::sql_query(ENDLESS).execute(c)?;
            Ok(())
        })
        .await;
    assert!(matches!(slow, Err(ApiError::Unavailable)), "{slow:?}");
    let took = started.elapsed();
    assert!(
        took >= TIMEOUT && took < TIMEOUT * 4,
        "cut off after {took:?} on {backend:?}"
    );
    // The deadline is per statement: a unit of work of short statements runs to its end even
    // when together they take longer than one may; and the connection cut off serves again.
    let (statements, took) = app
        .db
        .read(|c| {
            let started = Instant::now();
            let mut statements = 0;
            while started.elapsed() < TIMEOUT + TIMEOUT / 2 {
                diesel::sql_query(SHORT).execute(c)?;
                statements += 1;
            }
            Ok((statements, started.elapsed()))
        })
        .await
        .expect("short statements run to the end");
    assert!(
        statements > 1 && took > TIMEOUT,
        "{statements} statements in {took:?}"
    );
    // A write cut off inside its transaction is undone whole (SQLite rolls it back itself) and
    // answered 503 as well; the connection then writes again.
    let endless_write = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n \
                         WHERE x < 1000000000) INSERT INTO slow_write (x) SELECT x FROM n";
    let slow = app
        .db
        .write(move |c| {
            diesel::sql_query("CREATE TEMP TABLE IF NOT EXISTS slow_write (x BIGINT)")
                .execute(c)?;
            diesel::sql_query("INSERT INTO slow_write (x) VALUES (0)").execute(c)?;
            diesel::sql_query(endless_write).execute(c)?;
            Ok(())
        })
        .await;
    assert!(matches!(slow, Err(ApiError::Unavailable)), "{slow:?}");
    let written = app
        .db
        .write(|c| {
            diesel::sql_query("CREATE TEMP TABLE IF NOT EXISTS slow_write (x BIGINT)")
                .execute(c)?;
            Ok(diesel::sql_query("INSERT INTO slow_write (x) VALUES (1)").execute(c)?)
        })
        .await
        .expect("the next write runs");
    assert_eq!(written, 1);
}
