//! One connection type over SQLite and PostgreSQL, a pool, migrations and the transaction helpers
//! every write goes through. The `Db` type's reads, writes and the writers' turn stay in this one
//! file, over 500 lines, because their rules (who waits for whom, what a commit runs) are read
//! together; opening connections, options and grants have files of their own.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;

mod connect;
mod grants;
mod options;
pub mod statement_deadline;

pub use connect::*;
pub use grants::*;
pub use options::*;

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
            // As diesel's own `transaction`: the caller's error, unless undoing failed too. A
            // write interrupted at its deadline was rolled back by SQLite itself, and diesel has
            // seen that no transaction is left: nothing failed but the statement.
            match AnsiTransactionManager::rollback_transaction(sqlite(conn)?) {
                Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(e),
                Err(diesel::result::Error::DatabaseError(_, info))
                    if info.message().contains("no transaction is active") =>
                {
                    Err(e)
                }
                Err(rollback) => Err(rollback.into()),
            }
        }
    }
}

/// Work a request attaches to its write transactions, run after the write's own work and before
/// the commit: so that a change and its bookkeeping (the `Idempotency-Key` reservation it marks
/// committed) commit together or not at all. Layers above set it; this one only runs it.
pub type BeforeCommit = std::sync::Arc<dyn Fn(&mut DbConn) -> Result<(), ApiError> + Send + Sync>;

tokio::task_local! {
    /// The [`BeforeCommit`] of the request being served, if it has one.
    pub static BEFORE_COMMIT: BeforeCommit;
}

/// The pool.
pub type Pool = r2d2::Pool<Manager>;

/// When a write takes its turn at the writers' lock (PostgreSQL; on SQLite every write waits
/// for the single writer from its start).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// Never: it adds no audit row (the access log).
    Never,
    /// From the start: its rules read rows that another write could change meanwhile (counters,
    /// states, "is this the last admin"), so the whole transaction takes turns.
    First,
    /// Only to link its audit row, then commit (see [`Db::write_then_chain`]).
    AtLink,
}

/// The advisory lock that serialises the audit chain's writers on PostgreSQL (the triggers that
/// keep the reports' first activities take it too: migration `report_activity`).
const WRITERS_LOCK: &str = "SELECT pg_advisory_xact_lock(7714001)";

thread_local! {
    /// Set while a [`Turn::AtLink`] write has not yet taken the writers' lock. The write runs on
    /// one blocking thread from start to commit, so the thread is the transaction.
    static LOCK_AT_LINK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Clears [`LOCK_AT_LINK`] however the write ends.
struct LinkGuard;

impl Drop for LinkGuard {
    fn drop(&mut self) {
        LOCK_AT_LINK.with(|l| l.set(false));
    }
}

/// Called by [`crate::audit::record`] before it reads the chain's head: a write that has waited
/// until now takes its turn here.
pub(crate) fn before_linking(c: &mut DbConn) -> Result<(), ApiError> {
    if LOCK_AT_LINK.with(|l| l.replace(false)) {
        diesel::sql_query(WRITERS_LOCK).execute(c)?;
    }
    Ok(())
}

/// Counts the write transactions this instance ended, committed or not. Layers above that keep
/// copies of rows between requests (the cache of callers) compare it with the count they last
/// saw and start again when it moved: a change is never late on the instance that made it.
#[derive(Clone, Default)]
pub struct Changes(Arc<AtomicU64>);

impl Changes {
    /// The count so far.
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }
}

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
    /// Requests waiting in that queue now (for the metrics).
    waiting: Arc<std::sync::atomic::AtomicUsize>,
    /// Counts this instance's ended writes (see [`Changes`]).
    changes: Changes,
    /// What the driver connects to.
    url: String,
    options: DbOptions,
    health: Arc<Health>,
}

impl Db {
    /// Connects (creating the SQLite folder if needed) and builds the pool.
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Self> {
        Self::open(
            url,
            DbOptions {
                pool_size,
                ..DbOptions::default()
            },
        )
    }

    /// Connects with the given options (creating the SQLite folder if needed).
    pub fn open(url: &str, options: DbOptions) -> anyhow::Result<Self> {
        let parsed = DatabaseUrl::parse(url)?;
        if parsed.backend == Backend::Sqlite {
            if let Some(dir) = std::path::Path::new(&parsed.target).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).with_context(|| {
                        format!("creating the database folder {}", dir.display())
                    })?;
                }
            }
        }
        Self::build(parsed, options, false)
    }

    /// A pool that connects only when used: the server starts even if the database is down, and
    /// answers 503 until it is back (used by tests of that answer).
    pub fn connect_lazy(url: &str, pool_size: u32) -> anyhow::Result<Self> {
        let options = DbOptions {
            pool_size,
            connect_timeout: Duration::from_secs(1),
            ..DbOptions::default()
        };
        Self::build(DatabaseUrl::parse(url)?, options, true)
    }

    fn build(url: DatabaseUrl, options: DbOptions, lazy: bool) -> anyhow::Result<Self> {
        let health = Arc::new(Health::new());
        let manager = Manager {
            url: url.clone(),
            options: options.clone(),
            health: health.clone(),
        };
        let builder = r2d2::Pool::builder()
            .max_size(options.pool_size)
            .connection_timeout(options.connect_timeout)
            .test_on_check_out(false)
            // r2d2 logs each failed attempt, every few hundred milliseconds of an outage; the
            // requests' 503s and the readiness probe say it already.
            .error_handler(Box::new(r2d2::NopErrorHandler));
        let pool = if lazy {
            builder.min_idle(Some(0)).build_unchecked(manager)
        } else {
            builder
                .min_idle(Some(1))
                .build(manager)
                .context("connecting to the database")?
        };
        Ok(Self {
            pool,
            backend: url.backend,
            sqlite_writer: Arc::new(Mutex::new(())),
            queue: Arc::new(tokio::sync::Semaphore::new(options.pool_size as usize)),
            waiting: Arc::default(),
            changes: Changes::default(),
            url: url.target,
            options,
            health,
        })
    }

    /// The count of writes this instance ended.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// What the driver connects to: a PostgreSQL URL or a SQLite file.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How it connects.
    pub fn options(&self) -> &DbOptions {
        &self.options
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for blocking code (CLI commands, start-up).
    pub fn conn(&self) -> anyhow::Result<PooledConn> {
        self.checkout()
            .map_err(|_| anyhow::anyhow!("the database is not reachable"))
    }

    /// A connection without the statement timeout, for start-up work that may take minutes on
    /// a large database (migrations, rebuilding what the triggers keep); the pool drops it after
    /// use, even if lifting the timeout fails half-way.
    pub fn unhurried_conn(&self) -> anyhow::Result<PooledConn> {
        let mut conn = self.conn()?;
        conn.broken = true;
        match &mut **conn {
            DbConn::Pg(pg) => pg
                .batch_execute(
                    "SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0",
                )
                .context("lifting the statement timeout")?,
            // Without the instrumentation no statement gets a deadline.
            DbConn::Sqlite(lite) => {
                lite.set_instrumentation(|_: diesel::connection::InstrumentationEvent<'_>| {})
            }
        }
        Ok(conn)
    }

    /// Applies pending migrations; returns how many ran. A migration may rebuild an index of a
    /// large table: it runs on an [unhurried connection](Self::unhurried_conn).
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut conn = self.unhurried_conn()?;
        let set = match self.backend {
            Backend::Postgres => PG_MIGRATIONS,
            Backend::Sqlite => SQLITE_MIGRATIONS,
        };
        let done = conn
            .run_pending_migrations(set)
            .map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?;
        Ok(done.len())
    }

    /// A connection from the pool that did not open before the last connection failure; the
    /// suspect ones met on the way are dropped. During an outage this waits the connect timeout
    /// and answers 503.
    fn checkout(&self) -> Result<PooledConn, ApiError> {
        // Bounded: every suspect connection is dropped, so at most a poolful is met.
        for _ in 0..=self.options.pool_size {
            let mut conn = self.pool.get().map_err(|_| ApiError::Unavailable)?;
            if !self.health.is_suspect(conn.opened_ms) {
                return Ok(conn);
            }
            conn.broken = true;
        }
        Err(ApiError::Unavailable)
    }

    /// An idle connection that is not suspect, without waiting; `None` when there is none.
    fn try_checkout(&self) -> Option<PooledConn> {
        let mut conn = self.pool.try_get()?;
        if self.health.is_suspect(conn.opened_ms) {
            conn.broken = true;
            return None;
        }
        Some(conn)
    }

    /// Runs `f` on a connection; when the connection itself failed (the server went away), it
    /// is marked so that the pool drops it and every connection opened before it.
    fn run<T>(
        &self,
        conn: &mut Conn,
        f: impl FnOnce(&mut DbConn) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let result = f(&mut conn.db);
        if matches!(result, Err(ApiError::ConnectionLost)) {
            conn.broken = true;
            self.health.lost_now();
        }
        result
    }

    /// Waits for a connection's turn, in arrival order.
    async fn turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        use std::sync::atomic::Ordering;
        self.waiting.fetch_add(1, Ordering::Relaxed);
        // As long as the pool's own checkout timeout: past it the answer is 503, not a hang.
        let permit = tokio::time::timeout(self.options.connect_timeout, self.queue.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        permit
            .map_err(|_| ApiError::Unavailable)?
            .map_err(|_| ApiError::Unavailable)
    }

    /// Connections in use and requests waiting for one, now.
    pub fn pool_use(&self) -> (usize, usize) {
        let size = self.options.pool_size as usize;
        let free = self.queue.available_permits();
        let waiting = self.waiting.load(std::sync::atomic::Ordering::Relaxed);
        (size.saturating_sub(free), waiting)
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
    /// database little. Handing the work to a blocking thread and back cost much of the API's CPU,
    /// and more in the switching it causes (docs/PERFORMANCE.md, "Short reads on the worker").
    /// A worker never waits for a connection: when none is idle (all busy, or the database
    /// unreachable) the read goes to a blocking thread as [`Db::read`] does. Anything long, or
    /// that writes, does not belong here: while the statement runs, the worker's other
    /// connections wait (a name search tried here: docs/PERFORMANCE.md). The
    /// statement timeout and TCP keepalives bound how long a stalled network can hold it.
    pub async fn read_short<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = self.turn().await?;
        match self.try_checkout() {
            // A bug that panics answers 500, as it does on a blocking thread, instead of
            // unwinding through the worker and dropping the client's connection.
            Some(mut conn) => {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run(&mut conn, f)))
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
        let db = self.clone();
        actix_web::web::block(move || {
            let mut conn = db.checkout()?;
            db.run(&mut conn, f)
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
            db.transaction(Turn::Never, move |c| {
                if let DbConn::Pg(pg) = c {
                    pg.batch_execute("SET LOCAL synchronous_commit = off")?;
                }
                f(c)
            })
        })
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// A connection of its own, outside the pool and its queue, for a writer that runs on its
    /// own thread (the access log's): it never waits behind the requests it serves.
    pub fn dedicated(&self) -> Result<Conn, ApiError> {
        let manager = Manager {
            url: DatabaseUrl {
                backend: self.backend,
                target: self.url.clone(),
            },
            options: self.options.clone(),
            health: self.health.clone(),
        };
        r2d2::ManageConnection::connect(&manager).map_err(|e| {
            tracing::warn!(error = %e, "opening a dedicated connection");
            ApiError::Unavailable
        })
    }

    /// True when a dedicated connection must be opened again: it failed, or it was opened before
    /// the database was last lost (the pool's own test).
    pub fn must_reopen(&self, conn: &mut Conn) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.broken || self.health.is_suspect(conn.opened_ms) || conn.db.is_broken()
    }

    /// Runs appending work on a dedicated connection, outside the audit chain: on PostgreSQL as
    /// it comes (a single statement is its own transaction: one round trip), on SQLite in a
    /// transaction behind the single writer, as every write.
    pub fn append_on<T, F>(&self, conn: &mut Conn, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
    {
        match self.backend {
            Backend::Postgres => self.run(conn, f),
            Backend::Sqlite => self.transaction_in(conn, Turn::Never, f),
        }
    }

    /// Runs a write transaction on a blocking thread; see [`Db::write_blocking`].
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.write_taking(Turn::First, f).await
    }

    /// A write that only adds rows under a parent it reads (a timeline entry under its case):
    /// nothing another write does meanwhile can make it wrong, so on PostgreSQL its work runs
    /// beside other writes and it takes the writers' lock only when [`crate::audit::record`]
    /// links its audit row, just before the commit. The chain stays one line and every committed
    /// change has its row; the lock is held for the link and the commit alone, which raised the
    /// rate of timeline entries (docs/PERFORMANCE.md). It must record its audit row after its
    /// last change to other tables: a write that holds the lock never waits for one that does
    /// not, so the two cannot deadlock.
    pub async fn write_then_chain<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.write_taking(Turn::AtLink, f).await
    }

    async fn write_taking<T, F>(&self, turn: Turn, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = self.turn().await?;
        let db = self.clone();
        let before_commit = BEFORE_COMMIT.try_with(Clone::clone).ok();
        actix_web::web::block(move || {
            db.transaction(turn, |c| {
                let value = f(c)?;
                if let Some(before_commit) = &before_commit {
                    before_commit(c)?;
                }
                Ok(value)
            })
        })
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
        self.transaction(Turn::First, f)
    }

    /// A transaction behind SQLite's single writer; on PostgreSQL also behind the writers' lock
    /// when it extends the audit chain, from its start or from its link (`turn`). A 2xx is
    /// answered only after the commit returned: on PostgreSQL (`synchronous_commit` on) and on SQLite with
    /// `synchronous = FULL` that means on disk.
    fn transaction<T, F>(&self, turn: Turn, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
    {
        let mut conn = self.checkout()?;
        let result = self.transaction_in(&mut conn, turn, f);
        if turn != Turn::Never {
            // A change to an account or a client must be seen by this instance's next request;
            // other instances hear of it from the database.
            self.changes.0.fetch_add(1, Ordering::AcqRel);
        }
        result
    }

    fn transaction_in<T, F>(&self, conn: &mut Conn, turn: Turn, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
    {
        let _guard = match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres => None,
        };
        self.run(conn, |c| match c {
            DbConn::Sqlite(_) => immediate_transaction(c, f),
            DbConn::Pg(_) => c.transaction(|c| match turn {
                Turn::Never => f(c),
                Turn::First => {
                    diesel::sql_query(WRITERS_LOCK).execute(c)?;
                    f(c)
                }
                Turn::AtLink => {
                    let _clear = LinkGuard;
                    LOCK_AT_LINK.with(|l| l.set(true));
                    let value = f(c)?;
                    // A write that recorded nothing still commits in turn, as before.
                    before_linking(c)?;
                    Ok(value)
                }
            }),
        })
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
mod tests;
