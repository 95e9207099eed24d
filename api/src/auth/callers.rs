//! A cache of who is calling: reading the caller from the database on every request was a large
//! share of a short request's cost (a statement and a second hand-off to a blocking thread:
//! docs/PERFORMANCE.md, "The caller cache"), and the answer
//! changes only when an account, its municipalities, an Unione's members or an API client change.
//!
//! The cache keeps the promise of [`crate::caller`]: deactivating an account or revoking a client
//! cuts its tokens off on every instance. Each instance watches for such changes on a connection
//! of its own and empties its cache when one commits, within [`POLL`]: on PostgreSQL triggers
//! `NOTIFY lumit_callers` (migration 10) and the watcher listens; SQLite has no notifications, so
//! triggers count changes in `caller_changes` (migration 11) and the watcher reads the count —
//! which also catches the `lumit` command line changing the file from another process. A write on
//! this instance empties the cache as soon as it ends, so a change is never late on the instance
//! that made it. The cache is used only while the watcher has proved in the last [`FRESH`] that
//! it sees changes (on PostgreSQL a notification it sends itself comes back; on SQLite the count
//! was read); a caller read before a change is not stored after it (the generation counter).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};

use super::actor::Actor;
use crate::db::{connect_postgres, Backend, Changes, Db, DbOptions};

/// How often the watcher looks for changes: the longest another instance (or process) can serve a
/// changed caller from its cache.
pub const POLL: Duration = Duration::from_millis(10);
/// How often the PostgreSQL watcher proves that notifications reach it.
const HEARTBEAT: Duration = Duration::from_secs(1);
/// How long a proof lasts: past it (a watcher stuck on a dead connection) the cache is not used.
pub const FRESH: Duration = Duration::from_secs(3);
/// Wait before connecting again after the watcher's connection failed.
const RETRY: Duration = Duration::from_secs(1);
/// More distinct callers than this and the cache starts again empty (tokens are signed, so only
/// real accounts and clients can fill it).
const MAX_ENTRIES: usize = 10_000;
/// The channel the triggers of migration 10 notify.
const CHANNEL: &str = "lumit_callers";

/// What identifies a cached caller: the token's kind and subject, and for clients the scopes the
/// token asked for (the actor's scopes are those the client still holds among them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    kind: String,
    sub: String,
    scope: Option<String>,
    /// Each session its own entry: a session that was logged out is refused on its own.
    sid: Option<String>,
}

impl Key {
    /// The key of a verified token's claims.
    pub fn of(claims: &super::jwt::Claims) -> Self {
        Self {
            kind: claims.kind.clone(),
            sub: claims.sub.clone(),
            scope: claims.scope.clone(),
            sid: claims.sid.clone(),
        }
    }
}

/// The cache; clones share it.
#[derive(Clone)]
pub struct Callers {
    inner: Arc<Inner>,
}

/// Only for tests of the cache alone: a server's cache must hear of its writes ([`Callers::new`]).
#[cfg(test)]
impl Default for Callers {
    fn default() -> Self {
        Self::new(Changes::default())
    }
}

struct Inner {
    entries: Mutex<Entries>,
    /// This instance's writes: one that ended since the entries were last looked at empties them.
    changes: Changes,
    /// When the watcher last proved that it sees changes, in milliseconds since `epoch`; 0 = never
    /// (or not since it failed): the cache is off.
    verified_ms: AtomicU64,
    epoch: Instant,
}

impl Default for Inner {
    fn default() -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            changes: Changes::default(),
            verified_ms: AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }
}

#[derive(Default)]
struct Entries {
    /// Bumped by every change: a caller read under an older generation is not stored.
    generation: u64,
    /// The count of this instance's writes when the entries were last looked at.
    writes_seen: u64,
    map: HashMap<Key, Actor>,
}

/// A ticket to store what was read: the generation when the read began.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl Callers {
    /// A cache that hears of this instance's writes from `changes` (see [`Db::changes`]).
    pub fn new(changes: Changes) -> Self {
        Self {
            inner: Arc::new(Inner {
                changes,
                ..Inner::default()
            }),
        }
    }

    /// The cached caller, when the cache is on and holds it.
    pub fn get(&self, key: &Key) -> Option<Actor> {
        if !self.is_on() {
            return None;
        }
        self.entries().map.get(key).cloned()
    }

    /// Call before reading a caller from the database; `None` when the cache is off.
    pub fn ticket(&self) -> Option<Ticket> {
        self.is_on().then(|| Ticket(self.entries().generation))
    }

    /// Stores a caller read after `ticket` was taken, unless something changed since.
    pub fn put(&self, ticket: Ticket, key: Key, actor: Actor) {
        let mut e = self.entries();
        if e.generation != ticket.0 {
            return;
        }
        if e.map.len() >= MAX_ENTRIES {
            e.map.clear();
        }
        e.map.insert(key, actor);
    }

    /// How many callers are kept.
    pub fn len(&self) -> usize {
        self.entries().map.len()
    }

    /// True when no caller is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every caller: something they are made of may have changed.
    pub fn invalidate(&self) {
        let mut e = self.entries();
        e.generation += 1;
        e.map.clear();
    }

    /// True while the watcher's last proof of life is recent.
    pub fn is_on(&self) -> bool {
        self.is_on_at(self.now_ms())
    }

    fn is_on_at(&self, now_ms: u64) -> bool {
        let at = self.inner.verified_ms.load(Ordering::Acquire);
        at != 0 && now_ms.saturating_sub(at) < FRESH.as_millis() as u64
    }

    /// Starts the thread that watches for changes; it ends when the last clone of the cache is
    /// dropped.
    pub fn watch(&self, source: Source) -> std::io::Result<()> {
        let weak = Arc::downgrade(&self.inner);
        std::thread::Builder::new()
            .name("lumit-callers".into())
            .spawn(move || watch(&weak, &source))
            .map(drop)
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Nothing leaves the map half-changed: a panic elsewhere does not make it unusable.
        let mut e = self
            .inner
            .entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let writes = self.inner.changes.count();
        if e.writes_seen != writes {
            e.writes_seen = writes;
            e.generation += 1;
            e.map.clear();
        }
        e
    }

    fn now_ms(&self) -> u64 {
        // At least 1: 0 means "never proved".
        (self.inner.epoch.elapsed().as_millis() as u64).max(1)
    }

    fn proved(&self) {
        self.inner
            .verified_ms
            .store(self.now_ms(), Ordering::Release);
    }

    fn lost(&self) {
        self.inner.verified_ms.store(0, Ordering::Release);
        self.invalidate();
    }
}

/// Where changes to callers are watched.
#[derive(Debug, Clone)]
pub enum Source {
    /// A PostgreSQL URL and how to connect: notifications.
    Postgres(String, DbOptions),
    /// A SQLite file: the count of changes.
    Sqlite(String),
}

impl Source {
    /// The database `db` connects to.
    pub fn of(db: &Db) -> Self {
        match db.backend() {
            Backend::Postgres => Self::Postgres(db.url().to_owned(), db.options().clone()),
            Backend::Sqlite => Self::Sqlite(db.url().to_owned()),
        }
    }
}

/// Why the watcher stopped watching.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("cannot connect: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("cannot connect: {0}")]
    ConnectPg(#[from] diesel::r2d2::Error),
    #[error("{0}")]
    Query(#[from] diesel::result::Error),
}

/// The watcher: connects, watches, empties the cache on every change and proves that it sees
/// them; on any failure the cache goes off until it is back.
fn watch(weak: &Weak<Inner>, source: &Source) {
    loop {
        let Some(callers) = weak.upgrade().map(|inner| Callers { inner }) else {
            return;
        };
        let result = match source {
            Source::Postgres(url, options) => connect_postgres(url, options)
                .map_err(Failure::from)
                .and_then(|mut c| Ok(listen(weak, &mut c, callers)?)),
            Source::Sqlite(path) => SqliteConnection::establish(path)
                .map_err(Failure::from)
                .and_then(|mut c| Ok(count_changes(weak, &mut c, callers)?)),
        };
        if let Some(inner) = weak.upgrade() {
            Callers { inner }.lost();
        }
        match result {
            Ok(()) => return,
            Err(e) => tracing::warn!(error = %e, "caller cache off: its watcher failed"),
        }
        std::thread::sleep(RETRY);
    }
}

/// SQLite: reads the count of changes every [`POLL`] until the cache is dropped (`Ok`) or a read
/// fails. A read that succeeds is the proof: the count is in the same file as the accounts.
fn count_changes(
    weak: &Weak<Inner>,
    conn: &mut SqliteConnection,
    callers: Callers,
) -> diesel::QueryResult<()> {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    // A writer holds the file for milliseconds; waiting for it is better than going off.
    conn.batch_execute("PRAGMA busy_timeout = 5000")?;
    let read = |c: &mut SqliteConnection| {
        diesel::sql_query("SELECT n FROM caller_changes WHERE id = 1")
            .get_result::<Count>(c)
            .map(|r| r.n)
    };
    // Whatever changed while nobody watched: start empty.
    let mut seen = read(conn)?;
    callers.invalidate();
    drop(callers);
    loop {
        let Some(inner) = weak.upgrade() else {
            return Ok(());
        };
        let callers = Callers { inner };
        let n = read(conn)?;
        if n != seen {
            callers.invalidate();
            seen = n;
        }
        callers.proved();
        drop(callers);
        std::thread::sleep(POLL);
    }
}

/// PostgreSQL: listens until the cache is dropped (`Ok`) or the connection fails.
///
/// The proof of life is a notification the listener sends to itself on a channel of its own and
/// hears back: it shows that notifications reach this connection, not only that the connection
/// answers (behind a pooler in transaction mode, `LISTEN` and `NOTIFY` may land on different
/// server sessions and nothing would ever be heard — the cache then stays off).
fn listen(
    weak: &Weak<Inner>,
    conn: &mut PgConnection,
    callers: Callers,
) -> diesel::QueryResult<()> {
    let probe = format!("lumit_callers_probe_{}", uuid::Uuid::new_v4().simple());
    conn.batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {probe}"))?;
    // Whatever changed while nobody listened: start empty.
    callers.invalidate();
    drop(callers);
    let mut last_probe: Option<Instant> = None;
    loop {
        let Some(inner) = weak.upgrade() else {
            return Ok(());
        };
        let callers = Callers { inner };
        if last_probe.is_none_or(|at| at.elapsed() >= HEARTBEAT) {
            conn.batch_execute(&format!("NOTIFY {probe}"))?;
            last_probe = Some(Instant::now());
        }
        drain(conn, &callers, &probe)?;
        drop(callers);
        std::thread::sleep(POLL);
    }
}

/// Reads the waiting notifications: a change empties the cache, the probe proves the listener.
/// Changes are acted on before the proof, so a proof never covers a change not yet applied.
fn drain(conn: &mut PgConnection, callers: &Callers, probe: &str) -> diesel::QueryResult<()> {
    let (mut changed, mut heard) = (false, false);
    for n in conn.notifications_iter() {
        if n?.channel == probe {
            heard = true;
        } else {
            changed = true;
        }
    }
    if changed {
        callers.invalidate();
    }
    if heard {
        callers.proved();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumit_shared::user::Role;

    fn actor(name: &str) -> Actor {
        Actor {
            kind: super::super::actor::ActorKind::User,
            id: name.into(),
            name: name.into(),
            role: Some(Role::Operator),
            scopes: Vec::new(),
            municipality_ids: vec!["046015".into()],
            must_change_password: false,
            must_enrol_totp: false,
            sessions_valid_after_ms: None,
        }
    }

    fn key(sub: &str) -> Key {
        Key {
            kind: "user".into(),
            sub: sub.into(),
            scope: None,
            sid: None,
        }
    }

    #[test]
    fn off_until_the_listener_proves_its_connection() {
        let c = Callers::default();
        assert!(c.ticket().is_none());
        c.proved();
        let t = c.ticket().expect("on");
        c.put(t, key("a"), actor("a"));
        assert_eq!(c.get(&key("a")).map(|a| a.name), Some("a".into()));
        c.lost();
        assert!(c.get(&key("a")).is_none());
        c.proved();
        assert!(
            c.get(&key("a")).is_none(),
            "losing the listener empties the cache"
        );
    }

    #[test]
    fn a_proof_older_than_fresh_turns_the_cache_off() {
        let c = Callers::default();
        c.proved();
        let now = c.inner.verified_ms.load(Ordering::Acquire);
        assert!(c.is_on_at(now));
        assert!(c.is_on_at(now + FRESH.as_millis() as u64 - 1));
        assert!(!c.is_on_at(now + FRESH.as_millis() as u64 + 1));
    }

    #[test]
    fn a_caller_read_before_a_change_is_not_stored_after_it() {
        let c = Callers::default();
        c.proved();
        let before = c.ticket().expect("on");
        c.invalidate();
        c.put(before, key("a"), actor("a"));
        assert!(c.get(&key("a")).is_none());
        let after = c.ticket().expect("on");
        c.put(after, key("a"), actor("a"));
        assert!(c.get(&key("a")).is_some());
        c.invalidate();
        assert!(c.get(&key("a")).is_none(), "a change empties the cache");
    }

    #[test]
    fn clients_are_cached_per_requested_scope() {
        let c = Callers::default();
        c.proved();
        let narrow = Key {
            kind: "client".into(),
            sub: "c1".into(),
            scope: Some("cases:read".into()),
            sid: None,
        };
        let wide = Key {
            scope: Some("cases:read cases:write".into()),
            sid: None,
            ..narrow.clone()
        };
        c.put(c.ticket().expect("on"), narrow.clone(), actor("c1"));
        assert!(c.get(&narrow).is_some());
        assert!(c.get(&wide).is_none());
    }
}
