//! One connection type over SQLite and PostgreSQL, a pool, migrations and the transaction helpers
//! every write goes through.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::auth::callers::{Callers, Source};
use crate::error::ApiError;

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// Production.
    Pg(PgConnection),
    /// Embedded default.
    Sqlite(SqliteConnection),
}

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `postgres://` or `postgresql://`.
    Postgres,
    /// `sqlite://path`.
    Sqlite,
}

/// A parsed database URL. A URL without a known scheme is refused, so that a typo can't silently
/// create an empty database somewhere.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    /// The backend.
    pub backend: Backend,
    /// What the driver gets: the URL for PostgreSQL, the file path for SQLite.
    pub target: String,
}

impl DatabaseUrl {
    /// Parses `postgres://…`, `postgresql://…` or `sqlite://path` (`sqlite:///abs/path`).
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            })
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                bail!("LUMIT_DATABASE_URL `{url}` names no file: use sqlite://data/lumit.db");
            }
            Ok(Self {
                backend: Backend::Sqlite,
                target: path.to_owned(),
            })
        } else {
            bail!(
                "LUMIT_DATABASE_URL must start with sqlite:// or postgres:// (got `{}`)",
                url.split(':').next().unwrap_or_default()
            )
        }
    }
}

/// Opens connections for r2d2, tuning SQLite on connect.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        match self.url.backend {
            Backend::Postgres => {
                let mut c = PgConnection::establish(&self.url.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // Short queries only: JIT compiling a plan the cost model thinks large took
                // longer than running it (80 ms against 30 ms for a name search).
                c.batch_execute("SET jit = off")
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConn::Pg(c))
            }
            Backend::Sqlite => {
                let mut c = SqliteConnection::establish(&self.url.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                c.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(c))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// A SQLite transaction that takes the write lock as it begins (`BEGIN IMMEDIATE`), where SQLite
/// waits its busy timeout for it. Begun deferred, a transaction that reads before it writes (most
/// do: the case, then the access row) is refused at once, without waiting, when another
/// connection holds the lock at that moment; under load that was an occasional 503.
fn immediate_transaction<T, F>(conn: &mut DbConn, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    fn sqlite(conn: &mut DbConn) -> Result<&mut SqliteConnection, ApiError> {
        match conn {
            DbConn::Sqlite(c) => Ok(c),
            DbConn::Pg(_) => Err(ApiError::Internal(anyhow::anyhow!(
                "not a SQLite connection"
            ))),
        }
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite(conn)?, "BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(sqlite(conn)?)?;
            Ok(value)
        }
        Err(e) => {
            // As diesel's own `transaction`: the caller's error, unless undoing failed too.
            match AnsiTransactionManager::rollback_transaction(sqlite(conn)?) {
                Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(e),
                Err(rollback) => Err(rollback.into()),
            }
        }
    }
}

/// The pool.
pub type Pool = r2d2::Pool<Manager>;
/// A pooled connection.
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Database access for the whole application.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    /// SQLite has one writer: writes queue here instead of failing with `SQLITE_BUSY`.
    sqlite_writer: Arc<Mutex<()>>,
    /// A first-come-first-served queue in front of the pool: r2d2 may hand a freed connection
    /// to a newcomer ahead of an older waiter, which under load gave a few requests a wait of
    /// seconds. One permit per connection.
    queue: Arc<tokio::sync::Semaphore>,
    /// Who is calling, kept between requests (off until [`Db::watch_callers`]).
    callers: Callers,
    /// What the driver connects to.
    url: String,
}

impl Db {
    /// Connects (creating the SQLite folder if needed) and builds the pool.
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Self> {
        let url = DatabaseUrl::parse(url)?;
        if url.backend == Backend::Sqlite {
            if let Some(dir) = std::path::Path::new(&url.target).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).with_context(|| {
                        format!("creating the database folder {}", dir.display())
                    })?;
                }
            }
        }
        let backend = url.backend;
        let url_target = url.target.clone();
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(5))
            .test_on_check_out(false)
            .build(Manager { url })
            .context("connecting to the database")?;
        Ok(Self {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
            queue: Arc::new(tokio::sync::Semaphore::new(pool_size as usize)),
            callers: Callers::default(),
            url: url_target,
        })
    }

    /// A pool that connects only when used: the server starts even if the database is down, and
    /// answers 503 until it is back (used by tests of that answer).
    pub fn connect_lazy(url: &str, pool_size: u32) -> anyhow::Result<Self> {
        let url = DatabaseUrl::parse(url)?;
        let backend = url.backend;
        let url_target = url.target.clone();
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(1))
            .test_on_check_out(false)
            .build_unchecked(Manager { url });
        Ok(Self {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
            queue: Arc::new(tokio::sync::Semaphore::new(pool_size as usize)),
            callers: Callers::default(),
            url: url_target,
        })
    }

    /// Turns the cache of callers on: a thread watches for changes to accounts and clients, and
    /// the cache is used while it does. See [`crate::auth::callers`].
    pub fn watch_callers(&self) -> anyhow::Result<()> {
        let source = match self.backend {
            Backend::Postgres => Source::Postgres(self.url.clone()),
            Backend::Sqlite => Source::Sqlite(self.url.clone()),
        };
        self.callers
            .watch(source)
            .context("starting the caller watcher")
    }

    /// The cache of callers.
    pub fn callers(&self) -> &Callers {
        &self.callers
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for blocking code (CLI commands, start-up).
    pub fn conn(&self) -> anyhow::Result<PooledConn> {
        self.pool.get().context("getting a database connection")
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut conn = self.conn()?;
        let set = match self.backend {
            Backend::Postgres => PG_MIGRATIONS,
            Backend::Sqlite => SQLITE_MIGRATIONS,
        };
        let done = conn
            .run_pending_migrations(set)
            .map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?;
        Ok(done.len())
    }

    /// Waits for a connection's turn, in arrival order.
    async fn turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        // As long as the pool's own checkout timeout: past it the answer is 503, not a hang.
        tokio::time::timeout(Duration::from_secs(5), self.queue.acquire())
            .await
            .map_err(|_| ApiError::Unavailable)?
            .map_err(|_| ApiError::Unavailable)
    }

    /// Runs read-only work on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = self.turn().await?;
        self.read_blocking(f).await
    }

    /// Runs a short read on the calling HTTP worker itself when a connection is idle: a page of
    /// a list, a timeline — a statement bounded by an index and a page size, that costs the
    /// database little. Handing the work to a blocking thread and back cost a list page a sixth
    /// of the API's CPU, and more in the switching it causes (measured: 3,600–4,200 →
    /// 5,000–5,600 pages a second).
    /// A worker never waits for a connection: when none is idle (all busy, or the database
    /// unreachable) the read goes to a blocking thread as [`Db::read`] does. Anything long, or
    /// that writes, does not belong here: while the statement runs, the worker's other
    /// connections wait. A name search, which costs PostgreSQL two to four times a list page,
    /// was tried here: more searches a second, but the p99 of a common name went from 19 to 68
    /// ms, as each worker's queue waited behind its own searches.
    pub async fn read_short<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = self.turn().await?;
        match self.pool.try_get() {
            // A bug that panics answers 500, as it does on a blocking thread, instead of
            // unwinding through the worker and dropping the client's connection.
            Some(mut conn) => {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut conn)))
                    .unwrap_or_else(|_| {
                        Err(ApiError::Internal(anyhow::anyhow!("a short read panicked")))
                    })
            }
            None => self.read_blocking(f).await,
        }
    }

    async fn read_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(|_| ApiError::Unavailable)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// Runs work that writes only rows outside the audit chain (the access log) on a blocking
    /// thread: on PostgreSQL without the writers' lock, so reads never queue behind changes; on
    /// SQLite behind its single writer, as every write.
    ///
    /// On PostgreSQL the commit does not wait for its own flush of the log to disk: the WAL
    /// writer flushes it within a fraction of a second. A crash of the database server in that
    /// moment could lose the last reads' rows (never corrupt anything); a flush per read would
    /// make every record opened wait on the disk.
    pub async fn append<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = self.turn().await?;
        let db = self.clone();
        actix_web::web::block(move || {
            db.transaction(false, move |c| {
                if let DbConn::Pg(pg) = c {
                    pg.batch_execute("SET LOCAL synchronous_commit = off")?;
                }
                f(c)
            })
        })
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// Runs a write transaction on a blocking thread; see [`Db::write_blocking`].
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = self.turn().await?;
        let db = self.clone();
        actix_web::web::block(move || db.write_blocking(f))
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// Runs `f` in a transaction that is serialised with every other write: every change writes an
    /// audit row chained to the previous one, so writers must take turns. On PostgreSQL an advisory
    /// lock does it across instances; on SQLite a process-wide lock in front of the single writer.
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
    {
        self.transaction(true, f)
    }

    /// A transaction behind SQLite's single writer; on PostgreSQL also behind the writers' lock
    /// when `chained` (it extends the audit chain).
    fn transaction<T, F>(&self, chained: bool, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
    {
        let mut conn = self.pool.get().map_err(|_| ApiError::Unavailable)?;
        let _guard = match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres => None,
        };
        let lock = chained && self.backend == Backend::Postgres;
        let result = match &mut *conn {
            DbConn::Sqlite(_) => immediate_transaction(&mut conn, f),
            DbConn::Pg(_) => conn.transaction(|c| {
                if lock {
                    diesel::sql_query("SELECT pg_advisory_xact_lock(7714001)").execute(c)?;
                }
                f(c)
            }),
        };
        if chained {
            // A change to an account or a client must be seen by this instance's next request;
            // other instances hear of it from the database.
            self.callers.invalidate();
        }
        result
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        self.read(|c| c.batch_execute("SELECT 1").map_err(ApiError::from))
            .await
            .is_ok()
    }
}

/// Now, in UTC, truncated to microseconds (what PostgreSQL keeps), so values read back compare equal.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new random identifier (UUID v7: time-ordered, index-friendly).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
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
}
