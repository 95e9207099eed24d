//! Opening connections: PostgreSQL's network bounds, SQLite's settings and its access-log file, the pool's manager and its health checks.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};

use super::*;

/// The libpq settings that bound waits on the network, added to a PostgreSQL URL unless it sets
/// them itself: a connect timeout, and TCP keepalives with a user timeout so that a connection
/// whose peer vanished silently (a network stall, a failover) errors within about half a minute
/// instead of when the kernel gives up, after many minutes.
pub(super) fn with_network_bounds(url: &str, connect_timeout: Duration) -> String {
    let secs = connect_timeout.as_secs().max(1);
    let wanted = [
        ("connect_timeout", secs.to_string()),
        ("keepalives", "1".to_owned()),
        ("keepalives_idle", "15".to_owned()),
        ("keepalives_interval", "5".to_owned()),
        ("keepalives_count", "3".to_owned()),
        ("tcp_user_timeout", "30000".to_owned()),
    ];
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let given: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .collect();
    let mut out = url.to_owned();
    for (key, value) in wanted {
        if !given.contains(&key) {
            out.push(if out.contains('?') { '&' } else { '?' });
            out.push_str(key);
            out.push('=');
            out.push_str(&value);
        }
    }
    out
}

/// Opens a PostgreSQL connection with the network bounds and the session settings every
/// connection of LUMIT has (the pool's and the caller watcher's).
pub fn connect_postgres(
    url: &str,
    options: &DbOptions,
) -> Result<PgConnection, diesel::r2d2::Error> {
    let mut c = PgConnection::establish(&with_network_bounds(url, options.connect_timeout))
        .map_err(diesel::r2d2::Error::ConnectionError)?;
    // Short queries only: JIT compiling a plan the cost model thinks large took longer than
    // running it (see docs/PERFORMANCE.md). A transaction left idle (a stalled client of ours)
    // must not hold locks for long either.
    // 0 turns both timeouts off.
    let timeout_ms = options.statement_timeout.as_millis();
    // A transaction of ours is idle only between its statements; a minute is far past that, and
    // a floor keeps a short statement timeout from ending sessions under CPU load.
    let idle_ms = if timeout_ms == 0 {
        0
    } else {
        timeout_ms.saturating_mul(2).max(60_000)
    };
    c.batch_execute(&format!(
        "SET jit = off; SET statement_timeout = {timeout_ms}; \
         SET idle_in_transaction_session_timeout = {idle_ms}"
    ))
    .map_err(diesel::r2d2::Error::QueryError)?;
    Ok(c)
}

/// What the pool knows of the database's health, shared by its connections.
#[derive(Debug)]
pub(super) struct Health {
    pub(super) epoch: Instant,
    /// When a connection last failed at the connection level (the server restarted, crashed or
    /// went out of reach), in milliseconds since `epoch`; 0 = never. Every connection opened
    /// until then is suspect: it most likely died with the same server.
    pub(super) lost_ms: AtomicU64,
}

impl Health {
    pub(super) fn new() -> Self {
        Self {
            epoch: Instant::now(),
            lost_ms: AtomicU64::new(0),
        }
    }

    pub(super) fn now_ms(&self) -> u64 {
        // At least 1, so that 0 keeps meaning "never".
        (self.epoch.elapsed().as_millis() as u64).max(1)
    }

    pub(super) fn lost_now(&self) {
        self.lost_ms.fetch_max(self.now_ms(), Ordering::AcqRel);
    }

    pub(super) fn is_suspect(&self, opened_ms: u64) -> bool {
        opened_ms <= self.lost_ms.load(Ordering::Acquire)
    }
}

/// A connection of the pool, with what the pool needs to know to drop it.
pub struct Conn {
    pub(super) db: DbConn,
    /// When it was opened, in [`Health`]'s milliseconds.
    pub(super) opened_ms: u64,
    /// Failed at the connection level: the pool drops it when it comes back.
    pub(super) broken: bool,
}

impl Deref for Conn {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.db
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.db
    }
}

/// The SQLite file that holds the access log, beside the main one (`lumit.db` →
/// `lumit-access.db`). Every read of a page writes a row there; in the main file each such
/// commit made every other connection drop its page cache and read its pages again (the cost:
/// docs/PERFORMANCE.md, "The access log's cost").
pub fn access_log_file(main: &str) -> String {
    match main.strip_suffix(".db") {
        Some(stem) => format!("{stem}-access.db"),
        None => format!("{main}-access"),
    }
}

/// Attaches the access log's file as the schema `access`, where `access_log` is found by its
/// plain name (SQLite looks in `main`, then in attached schemas).
pub fn attach_access_log(
    c: &mut SqliteConnection,
    main: &str,
    synchronous: Synchronous,
) -> diesel::QueryResult<()> {
    diesel::sql_query("ATTACH DATABASE ? AS access")
        .bind::<diesel::sql_types::Text, _>(access_log_file(main))
        .execute(c)?;
    c.batch_execute(&format!(
        "PRAGMA access.journal_mode = WAL; PRAGMA access.synchronous = {};",
        synchronous.pragma()
    ))
}

/// Opens connections for r2d2, tuning SQLite on connect.
///
/// r2d2 does not test a connection when it is handed out (a round trip on every checkout; see
/// "Reliability costs" in docs/PERFORMANCE.md); instead a connection that fails at the connection level
/// is marked broken, and every connection opened before that failure is dropped at its next
/// checkout or return, so after a restart of PostgreSQL the pool is new within one request.
#[derive(Debug, Clone)]
pub struct Manager {
    pub(super) url: DatabaseUrl,
    pub(super) options: DbOptions,
    pub(super) health: Arc<Health>,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Conn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Conn, Self::Error> {
        let db = match self.url.backend {
            Backend::Postgres => DbConn::Pg(connect_postgres(&self.url.target, &self.options)?),
            Backend::Sqlite => {
                statement_deadline::install();
                let mut c = SqliteConnection::establish(&self.url.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                if !self.options.statement_timeout.is_zero() {
                    c.set_instrumentation(statement_deadline::StatementTimeout(
                        self.options.statement_timeout,
                    ));
                }
                c.batch_execute(&format!(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = {};",
                    self.options.synchronous.pragma()
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                attach_access_log(&mut c, &self.url.target, self.options.synchronous)
                    .map_err(diesel::r2d2::Error::QueryError)?;
                DbConn::Sqlite(c)
            }
        };
        Ok(Conn {
            db,
            opened_ms: self.health.now_ms(),
            broken: false,
        })
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        use diesel::r2d2::R2D2Connection;
        // A transaction left open or a failed rollback (diesel's own test) also breaks it.
        conn.broken || self.health.is_suspect(conn.opened_ms) || conn.db.is_broken()
    }
}
