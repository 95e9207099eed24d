//! The access log: who read which person's or case's record, and which people a list page, a
//! timeline or a report showed. Apart from the audit log because reads are many and change
//! nothing: an access row joins no hash chain, so a read never waits for the writers' turn.
//! Append-only in the database, like the audit log.
//!
//! A single record's read writes its row in the read's own transaction ([`record`]). Pages go
//! through the [`AccessLog`]'s writer: rows queued by requests in flight are written together
//! in one transaction (on PostgreSQL one statement), and each request is answered only once its
//! row is committed — a page whose row cannot be written is not served.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use lumit_shared::audit::AccessEntry;
use tokio::sync::{mpsc, oneshot};

use crate::audit::AuditCtx;
use crate::db::{now, Conn, Db, DbConn};
use crate::error::{ApiError, ApiResult};
use crate::schema::access_log;

/// A read to record.
#[derive(Debug, Clone, Copy)]
pub struct Read<'a> {
    /// `person.read`, `case.read`, `person.export`.
    pub action: &'static str,
    /// `person` or `case`.
    pub entity_type: &'static str,
    /// The record.
    pub entity_id: &'a str,
    /// Whose data it holds.
    pub person_id: &'a str,
    /// The municipality of the record.
    pub municipality_id: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = access_log)]
struct NewRow<'a> {
    at: NaiveDateTime,
    actor_kind: &'a str,
    actor_id: Option<&'a str>,
    actor_name: Option<&'a str>,
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    person_id: Option<&'a str>,
    municipality_id: Option<&'a str>,
    request_id: Option<&'a str>,
    client_ip: Option<&'a str>,
    subjects: Option<&'a str>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = access_log)]
struct Row {
    id: i64,
    at: NaiveDateTime,
    actor_kind: String,
    actor_id: Option<String>,
    actor_name: Option<String>,
    action: String,
    entity_type: String,
    entity_id: String,
    request_id: Option<String>,
    client_ip: Option<String>,
}

/// Appends one read.
pub fn record(c: &mut DbConn, ctx: &AuditCtx, r: Read<'_>) -> ApiResult<()> {
    diesel::insert_into(access_log::table)
        .values(NewRow {
            at: now(),
            actor_kind: ctx.actor_kind,
            actor_id: ctx.actor_id.as_deref(),
            actor_name: ctx.actor_name.as_deref(),
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            person_id: Some(r.person_id),
            municipality_id: r.municipality_id,
            request_id: ctx.request_id.as_deref(),
            client_ip: ctx.client_ip.as_deref(),
            subjects: None,
        })
        .execute(c)?;
    Ok(())
}

/// A read of several people's data, to be written by the [`AccessLog`].
#[derive(Debug, Clone)]
pub struct Shown {
    at: NaiveDateTime,
    ctx: AuditCtx,
    action: &'static str,
    entity_type: &'static str,
    entity_id: String,
    person_id: Option<String>,
    municipality_id: Option<String>,
    subjects: Option<String>,
}

impl Shown {
    /// A page of a list (`person.list`, `case.list`, `deadline.list`, …) that showed these
    /// people; `None` when it showed nobody. `list` names the list (`people`, `cases`), never
    /// its query, which may hold a name typed in a search.
    pub fn page(
        ctx: &AuditCtx,
        action: &'static str,
        list: &'static str,
        people: impl IntoIterator<Item = String>,
    ) -> Option<Self> {
        let mut ids: Vec<String> = people.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        (!ids.is_empty()).then(|| Self {
            at: now(),
            ctx: ctx.clone(),
            action,
            entity_type: "list",
            entity_id: list.to_owned(),
            person_id: None,
            municipality_id: None,
            subjects: Some(ids.join(" ")),
        })
    }

    /// A part of one person's record read on its own (`case.timeline`, `case.referrals`).
    pub fn record(ctx: &AuditCtx, r: Read<'_>) -> Self {
        Self {
            at: now(),
            ctx: ctx.clone(),
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id.to_owned(),
            person_id: Some(r.person_id.to_owned()),
            municipality_id: r.municipality_id.map(str::to_owned),
            subjects: None,
        }
    }

    fn row(&self) -> NewRow<'_> {
        NewRow {
            at: self.at,
            actor_kind: self.ctx.actor_kind,
            actor_id: self.ctx.actor_id.as_deref(),
            actor_name: self.ctx.actor_name.as_deref(),
            action: self.action,
            entity_type: self.entity_type,
            entity_id: &self.entity_id,
            person_id: self.person_id.as_deref(),
            municipality_id: self.municipality_id.as_deref(),
            request_id: self.ctx.request_id.as_deref(),
            client_ip: self.ctx.client_ip.as_deref(),
            subjects: self.subjects.as_deref(),
        }
    }
}

/// A queued row and who waits for it.
struct Pending {
    shown: Shown,
    written: oneshot::Sender<bool>,
}

/// Rows written together at most; more wait for the next batch.
const BATCH: usize = 256;

/// How long the writer waits for more rows before writing a batch, while pages come from
/// several requests at once (its previous batch held more than one row). A page read alone is
/// written at once (after a burst, the first one waits this once).
const LINGER: Duration = Duration::from_millis(3);

/// Writes the rows of pages, each committed before its page is served, in batches (group
/// commit): a thread with a connection of its own writes, in one transaction, every row queued
/// while it wrote the previous batch. Alone, a page waits for one small commit. Under load the
/// writer first waits [`LINGER`] for the pages in flight, as PostgreSQL's own `commit_delay`
/// does when other transactions are active, so that one commit serves many pages: a commit per
/// page or two costs the list dearly (docs/PERFORMANCE.md, "The access log's cost"). A row handed to the pool
/// instead waited behind the very reads that waited for it.
#[derive(Clone)]
pub struct AccessLog {
    inner: std::sync::Arc<Writer>,
}

/// The queue and the thread that empties it.
struct Writer {
    queue: Option<mpsc::Sender<Pending>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Writer {
    /// The last handle gone (the server stopped): close the queue and wait for the thread to
    /// write what is left and close its connection, so that nothing of it outlives the server
    /// (nor races the process's exit).
    fn drop(&mut self) {
        self.queue.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl AccessLog {
    /// Starts the writer's thread; it ends when the last handle is dropped.
    pub fn start(db: Db) -> std::io::Result<Self> {
        let (queue, pending) = mpsc::channel::<Pending>(4 * BATCH);
        let thread = std::thread::Builder::new()
            .name("lumit-access-log".into())
            .spawn(move || write_batches(&db, pending))?;
        Ok(Self {
            inner: std::sync::Arc::new(Writer {
                queue: Some(queue),
                thread: Some(thread),
            }),
        })
    }

    /// Queues the row and returns once it is committed. A read whose row cannot be written is
    /// not served: the caller answers 503.
    pub async fn wait_written(&self, shown: Option<Shown>) -> ApiResult<()> {
        let Some(shown) = shown else {
            return Ok(());
        };
        let (written, done) = oneshot::channel();
        let queue = self.inner.queue.as_ref().ok_or(ApiError::Unavailable)?;
        queue
            .send(Pending { shown, written })
            .await
            .map_err(|_| ApiError::Unavailable)?;
        match done.await {
            Ok(true) => Ok(()),
            _ => Err(ApiError::Unavailable),
        }
    }
}

/// The writer's loop: takes what is queued, writes it in one transaction, answers each waiter.
fn write_batches(db: &Db, mut pending: mpsc::Receiver<Pending>) {
    let mut conn = None;
    let mut batch = Vec::with_capacity(BATCH);
    let mut busy = false;
    while let Some(first) = pending.blocking_recv() {
        batch.push(first);
        if busy {
            std::thread::sleep(LINGER);
        }
        while batch.len() < BATCH {
            match pending.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        let written = write_batch(db, &mut conn, &batch);
        busy = batch.len() > 1;
        if let Err(e) = &written {
            tracing::error!(error = %e, rows = batch.len(), "access log not written: the reads are refused");
        }
        for p in batch.drain(..) {
            let _ = p.written.send(written.is_ok());
        }
    }
}

fn write_batch(db: &Db, conn: &mut Option<Conn>, batch: &[Pending]) -> ApiResult<()> {
    if conn.as_mut().is_some_and(|c| db.must_reopen(c)) {
        *conn = None;
    }
    let c = match conn {
        Some(c) => c,
        None => conn.insert(db.dedicated()?),
    };
    let rows: Vec<NewRow<'_>> = batch.iter().map(|p| p.shown.row()).collect();
    db.append_on(c, |c| {
        match c {
            DbConn::Pg(pg) => {
                InsertRows::of(&rows).execute(pg)?;
            }
            // In process, a statement per row costs little.
            DbConn::Sqlite(lite) => {
                for row in &rows {
                    diesel::insert_into(access_log::table)
                        .values(row)
                        .execute(lite)?;
                }
            }
        }
        Ok(())
    })
}

/// A batch of rows inserted on PostgreSQL as `INSERT … SELECT … FROM unnest(…)`, a column per
/// array: the same text for any number of rows, so it is prepared once per connection and
/// kept (diesel's multi-row `VALUES` is a new statement for every batch size). One statement is
/// its own transaction, one round trip. Its commit does not wait for its own flush to disk, as
/// a single record's read does not (see `Db::append`): `set_config(…, true)` sets
/// `synchronous_commit` for this statement's transaction alone, where a session's `SET` would
/// stay on a connection that a pooler in transaction mode hands to other clients.
struct InsertRows<'a> {
    at: Vec<NaiveDateTime>,
    actor_kind: Vec<&'a str>,
    actor_id: Vec<Option<&'a str>>,
    actor_name: Vec<Option<&'a str>>,
    action: Vec<&'a str>,
    entity_type: Vec<&'a str>,
    entity_id: Vec<&'a str>,
    person_id: Vec<Option<&'a str>>,
    municipality_id: Vec<Option<&'a str>>,
    request_id: Vec<Option<&'a str>>,
    client_ip: Vec<Option<&'a str>>,
    subjects: Vec<Option<&'a str>>,
}

impl<'a> InsertRows<'a> {
    fn of(rows: &[NewRow<'a>]) -> Self {
        Self {
            at: rows.iter().map(|r| r.at).collect(),
            actor_kind: rows.iter().map(|r| r.actor_kind).collect(),
            actor_id: rows.iter().map(|r| r.actor_id).collect(),
            actor_name: rows.iter().map(|r| r.actor_name).collect(),
            action: rows.iter().map(|r| r.action).collect(),
            entity_type: rows.iter().map(|r| r.entity_type).collect(),
            entity_id: rows.iter().map(|r| r.entity_id).collect(),
            person_id: rows.iter().map(|r| r.person_id).collect(),
            municipality_id: rows.iter().map(|r| r.municipality_id).collect(),
            request_id: rows.iter().map(|r| r.request_id).collect(),
            client_ip: rows.iter().map(|r| r.client_ip).collect(),
            subjects: rows.iter().map(|r| r.subjects).collect(),
        }
    }
}

/// The statement's identity in diesel's cache of prepared statements.
struct InsertRowsId;

impl QueryId for InsertRows<'_> {
    type QueryId = InsertRowsId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for InsertRows<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        use diesel::sql_types::{Array, Nullable, Text, Timestamp};
        out.push_sql(
            "INSERT INTO access_log (at, actor_kind, action, entity_type, entity_id, actor_id, \
             actor_name, person_id, municipality_id, request_id, client_ip, subjects) \
             SELECT r.* FROM (SELECT set_config('synchronous_commit', 'off', true)) AS s, \
             unnest(",
        );
        out.push_bind_param::<Array<Timestamp>, _>(&self.at)?;
        for column in [
            &self.actor_kind,
            &self.action,
            &self.entity_type,
            &self.entity_id,
        ] {
            out.push_sql(", ");
            out.push_bind_param::<Array<Text>, _>(column)?;
        }
        for column in [
            &self.actor_id,
            &self.actor_name,
            &self.person_id,
            &self.municipality_id,
            &self.request_id,
            &self.client_ip,
            &self.subjects,
        ] {
            out.push_sql(", ");
            out.push_bind_param::<Array<Nullable<Text>>, _>(column)?;
        }
        out.push_sql(") AS r");
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for InsertRows<'_> {}

/// Ids read at first when looking for a person's reads on PostgreSQL; each further look reads
/// sixteen times as many.
const WINDOW: i64 = 20_000;

/// Reads of a person's data (their record, their cases, and the pages that showed them), newest
/// first.
///
/// On PostgreSQL the log is read in windows of ids, newest first, each sixteen times the last,
/// until a page of reads is found. Neither plan alone is safe on a large log: following the
/// ids backwards reads the whole log for a person seldom shown, the index of the people shown
/// fetches every row of a person shown on most pages; within a window the planner picks, and
/// either way reads at most the window (docs/PERFORMANCE.md, "A person's access log").
pub fn for_person(
    c: &mut DbConn,
    person_id: &str,
    before_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<AccessEntry>> {
    for_person_in_windows(c, person_id, before_id, limit, WINDOW)
}

/// [`for_person`] with a first window of `window` ids (tests use small ones).
pub fn for_person_in_windows(
    c: &mut DbConn,
    person_id: &str,
    before_id: Option<i64>,
    limit: i64,
    window: i64,
) -> ApiResult<Vec<AccessEntry>> {
    let rows = match c {
        DbConn::Sqlite(_) => reads_of(c, person_id, before_id, None, limit)?,
        DbConn::Pg(_) => {
            let top = match before_id {
                Some(b) => b,
                None => access_log::table
                    .select(diesel::dsl::max(access_log::id))
                    .first::<Option<i64>>(c)?
                    .map_or(0, |m| m + 1),
            };
            let mut span = window.max(1);
            loop {
                let from = top.saturating_sub(span);
                let rows = reads_of(c, person_id, Some(top), Some(from), limit)?;
                if rows.len() as i64 >= limit || from <= 0 {
                    break rows;
                }
                span = span.saturating_mul(16);
            }
        }
    };
    Ok(rows
        .into_iter()
        .map(|r| AccessEntry {
            id: r.id,
            at: DateTime::<Utc>::from_naive_utc_and_offset(r.at, Utc),
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            request_id: r.request_id,
            client_ip: r.client_ip,
        })
        .collect())
}

/// The reads of a person with ids below `before` (and from `from` on), newest first.
fn reads_of(
    c: &mut DbConn,
    person_id: &str,
    before: Option<i64>,
    from: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Row>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{BigInt, Bool, Text};
    // A page names her among its subjects: on PostgreSQL through the GIN index of the subjects
    // as UUIDs (migration 23; the expression must be the index's), on SQLite (a small office's
    // database) by reading the log.
    let shown_her = match c {
        // People's ids are UUIDs; any other text was on no page, nor is the nil UUID.
        DbConn::Pg(_) => sql::<Bool>("string_to_array(access_log.subjects, ' ')::uuid[] @> ARRAY[")
            .bind::<Text, _>(
                uuid::Uuid::parse_str(person_id)
                    .unwrap_or(uuid::Uuid::nil())
                    .to_string(),
            )
            .sql("::uuid]"),
        DbConn::Sqlite(_) => sql::<Bool>("(' ' || access_log.subjects || ' ') LIKE ")
            .bind::<Text, _>(format!("% {person_id} %"))
            .sql(""),
    };
    let mut q = access_log::table
        .filter(access_log::person_id.eq(person_id).or(shown_her))
        .select(Row::as_select())
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(access_log::id.lt(b));
    }
    if let Some(f) = from {
        q = q.filter(access_log::id.ge(f));
    }
    q = match c {
        // Not along the primary key, which the planner would follow backwards through the
        // window whatever it holds: it chooses between the window's rows and her index entries.
        DbConn::Pg(_) => q.order(sql::<BigInt>("access_log.id + 0").desc()),
        DbConn::Sqlite(_) => q.order(access_log::id.desc()),
    };
    q.limit(limit).load(c)
}
