//! Where the database is and how to use it: the URL, SQLite's durability, pool and timeouts.

use std::time::Duration;

use anyhow::bail;

use super::*;

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

/// How SQLite makes a commit durable (`PRAGMA synchronous`, in WAL mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// Every commit waits for the write-ahead log to reach the disk: a commit that was
    /// acknowledged survives a crash of the process *and* a power loss.
    Full,
    /// The log is synced only at checkpoints: a commit survives a crash of the process, but the
    /// last ones before a power loss or an OS crash may be rolled back (never corrupted).
    Normal,
}

impl Synchronous {
    pub(super) fn pragma(self) -> &'static str {
        match self {
            Self::Full => "FULL",
            Self::Normal => "NORMAL",
        }
    }
}

/// How connections are opened and how long anything may wait on the database.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Connections in the pool.
    pub pool_size: u32,
    /// Longest wait to open a connection (PostgreSQL `connect_timeout`) and for a free one.
    pub connect_timeout: Duration,
    /// Longest a statement may run (PostgreSQL's `statement_timeout`; on SQLite a progress
    /// handler, see [`statement_deadline`]), so that a slow query can hold neither an HTTP
    /// worker nor a pool slot for long. Zero: no limit (bulk loads and other maintenance from
    /// the command line).
    pub statement_timeout: Duration,
    /// SQLite's durability level.
    pub synchronous: Synchronous,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            pool_size: 4,
            connect_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
            synchronous: Synchronous::Full,
        }
    }
}
