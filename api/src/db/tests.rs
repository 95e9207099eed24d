//! The database layer: the build, transactions, turns and short reads, on both databases.

use super::*;

/// `.cargo/config.toml` sets how the bundled SQLite is compiled; built without it (or with
/// `LIBSQLITE3_FLAGS` set otherwise in the environment) every list page is planned again and
/// every value read takes a lock.
#[test]
fn sqlite_is_built_as_configured() {
    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }
    let mut c = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
    let options: Vec<String> =
        diesel::sql_query("SELECT compile_options FROM pragma_compile_options")
            .load::<CompileOption>(&mut c)
            .expect("compile options")
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
    for wanted in ["ENABLE_QPSG", "DEFAULT_MEMSTATUS=0", "THREADSAFE=2"] {
        assert!(
            options.iter().any(|o| o == wanted),
            "{wanted} missing from {options:?}"
        );
    }
    assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"));
}

#[test]
fn postgres_urls_get_network_bounds_unless_they_set_them() {
    let url = with_network_bounds("postgres://u@h/db", Duration::from_secs(3));
    assert!(
        url.starts_with("postgres://u@h/db?connect_timeout=3&keepalives=1&"),
        "{url}"
    );
    assert!(url.contains("&tcp_user_timeout=30000"), "{url}");
    let url = with_network_bounds(
        "postgres://u@h/db?options=-csearch_path%3Dt&connect_timeout=10",
        Duration::from_secs(3),
    );
    assert!(url.contains("connect_timeout=10"), "{url}");
    assert!(!url.contains("connect_timeout=3"), "{url}");
    assert!(url.contains("options=-csearch_path%3Dt&"), "{url}");
    assert_eq!(url.matches("keepalives=1").count(), 1, "{url}");
}

/// A short read finds every connection busy: it must wait on a blocking thread, leaving the
/// worker free — here to release the connection it waits for. Had it waited on the worker,
/// the connection would be released only after the pool gave up (503).
#[tokio::test(flavor = "current_thread")]
async fn a_short_read_never_holds_the_worker_waiting_for_a_connection() {
    /// A read that answers `n` from the database.
    fn number(n: i32) -> impl FnOnce(&mut DbConn) -> Result<i32, ApiError> {
        move |c| Ok(diesel::select(n.into_sql::<diesel::sql_types::Integer>()).get_result(c)?)
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("short.db").display());
    let db = Db::connect(&url, 1).expect("database");
    let held = db.pool.get().expect("the one connection");
    let release = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(held);
    };
    let (answer, ()) = tokio::join!(db.read_short(number(42)), release);
    assert_eq!(answer.expect("answered once the connection was free"), 42);
    // With a connection idle it answers at once, on this thread.
    assert_eq!(
        db.read_short(number(1)).await.expect("an idle connection"),
        1
    );
    // A bug in a short read is a 500, and the worker goes on.
    let answer: Result<i32, ApiError> = db.read_short(|_| panic!("a bug")).await;
    assert!(matches!(answer, Err(ApiError::Internal(_))));
    assert_eq!(db.read_short(number(2)).await.expect("still answering"), 2);
}
