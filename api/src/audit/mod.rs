//! The audit log: one row per change, in the change's own transaction, each row chained to the
//! previous one by an HMAC-SHA256 whose key is kept outside the database (`LUMIT_AUDIT_KEY`), so
//! that editing a row, even with its link recomputed, shows up in [`verify`]. The newest link is
//! also written, signed, to a checkpoint file outside the table ([`write_checkpoint`]), so that
//! deleting the newest rows shows up too.

use std::sync::OnceLock;

use anyhow::{anyhow, bail};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use lumit_shared::audit::{AuditEntry, FieldChange};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::{Actor, ActorKind};
use crate::db::{now, DbConn};
use crate::error::{ApiError, ApiResult};
use crate::extract::RequestMeta;
use crate::schema::audit_log;

mod chain;
mod redact;

pub use chain::*;
pub use redact::*;

/// Hash that the first row links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Rows written before the chain was keyed: plain SHA-256.
const SCHEME_SHA256: i32 = 1;
/// Rows linked by HMAC-SHA256 with the audit key.
const SCHEME_HMAC: i32 = 2;

/// The file in the data folder that holds the newest checkpoint.
pub const CHECKPOINT_FILE: &str = "audit-head.json";

static KEY: OnceLock<Vec<u8>> = OnceLock::new();

/// Sets the key that links the chain, once per process (the same key again is fine: several
/// servers of one test process share it).
pub fn use_key(key: &str) -> anyhow::Result<()> {
    let key = key.as_bytes();
    if KEY.get_or_init(|| key.to_vec()) != key {
        bail!("another audit key is already in use in this process");
    }
    Ok(())
}

fn key() -> ApiResult<&'static [u8]> {
    KEY.get()
        .map(Vec::as_slice)
        .ok_or_else(|| ApiError::Internal(anyhow!("no audit key: set LUMIT_AUDIT_KEY")))
}

fn hmac_hex(key: &[u8], text: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(text.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Who did it, from where (also of a read, in the access log).
#[derive(Debug, Clone)]
pub struct AuditCtx {
    pub(crate) actor_kind: &'static str,
    pub(crate) actor_id: Option<String>,
    pub(crate) actor_name: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) client_ip: Option<String>,
}

impl AuditCtx {
    /// An authenticated actor's request.
    pub fn new(actor: &Actor, meta: &RequestMeta) -> Self {
        Self {
            actor_kind: match actor.kind {
                ActorKind::User => "user",
                ActorKind::Client => "client",
            },
            actor_id: Some(actor.id.clone()),
            actor_name: Some(actor.name.clone()),
            request_id: meta.request_id.clone(),
            client_ip: meta.client_ip.clone(),
        }
    }

    /// A request before authentication (login attempts): the claimed name, the user id if known.
    pub fn anonymous(meta: &RequestMeta, user_id: Option<String>, name: &str) -> Self {
        Self {
            actor_kind: if user_id.is_some() {
                "user"
            } else {
                "anonymous"
            },
            actor_id: user_id,
            actor_name: Some(name.chars().take(100).collect()),
            request_id: meta.request_id.clone(),
            client_ip: meta.client_ip.clone(),
        }
    }

    /// A mediator's calendar application, reading the feed with its secret address.
    pub fn calendar_feed(meta: &RequestMeta, mediator_id: &str) -> Self {
        Self {
            actor_kind: "calendar_feed",
            actor_id: Some(mediator_id.to_owned()),
            actor_name: Some("calendar feed".to_owned()),
            request_id: meta.request_id.clone(),
            client_ip: meta.client_ip.clone(),
        }
    }

    /// The system itself (start-up, CLI, scheduled jobs).
    pub fn system(what: &str) -> Self {
        Self {
            actor_kind: "system",
            actor_id: None,
            actor_name: Some(what.to_owned()),
            request_id: None,
            client_ip: None,
        }
    }
}

/// What happened.
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// e.g. `municipality.create`.
    pub action: &'static str,
    /// e.g. `municipality`.
    pub entity_type: &'static str,
    /// The record's id.
    pub entity_id: Option<String>,
    /// The municipality it belongs to.
    pub municipality_id: Option<String>,
    /// Fields changed.
    pub changes: Vec<FieldChange>,
}

impl Event {
    /// An event about one record.
    pub fn new(action: &'static str, entity_type: &'static str, entity_id: &str) -> Self {
        Self {
            action,
            entity_type,
            entity_id: Some(entity_id.to_owned()),
            ..Default::default()
        }
    }

    /// Sets the municipality.
    pub fn municipality(mut self, id: Option<&str>) -> Self {
        self.municipality_id = id.map(str::to_owned);
        self
    }

    /// Sets the changed fields.
    pub fn changes(mut self, changes: Vec<FieldChange>) -> Self {
        self.changes = changes;
        self
    }
}

/// The fields that differ between two serialisable values (objects); `None` stands for "did not
/// exist". Callers pass API types, which never contain secrets.
pub fn diff<T: Serialize>(old: Option<&T>, new: Option<&T>) -> Vec<FieldChange> {
    let to_map = |v: Option<&T>| match v.map(serde_json::to_value) {
        Some(Ok(serde_json::Value::Object(m))) => m,
        _ => serde_json::Map::new(),
    };
    let (old, new) = (to_map(old), to_map(new));
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| k.as_str() != "id")
        .filter_map(|k| {
            let o = old.get(k).cloned().unwrap_or(serde_json::Value::Null);
            let n = new.get(k).cloned().unwrap_or(serde_json::Value::Null);
            (o != n).then(|| FieldChange {
                field: k.clone(),
                old: o,
                new: n,
            })
        })
        .collect()
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
struct Row {
    id: i64,
    at: NaiveDateTime,
    actor_kind: String,
    actor_id: Option<String>,
    actor_name: Option<String>,
    action: String,
    entity_type: String,
    entity_id: Option<String>,
    municipality_id: Option<String>,
    request_id: Option<String>,
    client_ip: Option<String>,
    changes: String,
    prev_hash: String,
    hash: String,
    scheme: i32,
}

impl Row {
    /// The row's link: over every field but `hash`, in a fixed order, as a JSON array; SHA-256
    /// for rows from before the key, HMAC-SHA256 with the key from scheme 2 on (the scheme is
    /// covered, so a keyed row cannot be passed off as an older one).
    fn compute_hash(&self, key: &[u8]) -> String {
        let mut content = serde_json::json!([
            self.id,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            self.actor_kind,
            self.actor_id,
            self.actor_name,
            self.action,
            self.entity_type,
            self.entity_id,
            self.municipality_id,
            self.request_id,
            self.client_ip,
            self.changes,
            self.prev_hash,
        ]);
        if self.scheme == SCHEME_SHA256 {
            return hex::encode(Sha256::digest(content.to_string().as_bytes()));
        }
        if let Some(a) = content.as_array_mut() {
            a.push(self.scheme.into());
        }
        hmac_hex(key, &content.to_string())
    }

    fn into_api(self) -> AuditEntry {
        AuditEntry {
            id: self.id,
            at: self.at.and_utc(),
            actor_kind: self.actor_kind,
            actor_id: self.actor_id,
            actor_name: self.actor_name,
            action: self.action,
            entity_type: self.entity_type,
            entity_id: self.entity_id,
            municipality_id: self.municipality_id,
            request_id: self.request_id,
            client_ip: self.client_ip,
            changes: serde_json::from_str(&self.changes).unwrap_or_default(),
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

/// Appends one row. Must run inside [`crate::db::Db::write`] or [`crate::db::Db::write_then_chain`],
/// which serialise writers, so that the chain has no forks.
pub fn record(c: &mut DbConn, ctx: &AuditCtx, ev: Event) -> ApiResult<()> {
    crate::db::before_linking(c)?;
    let last: Option<(i64, String)> = audit_log::table
        .select((audit_log::id, audit_log::hash))
        .order(audit_log::id.desc())
        .first(c)
        .optional()?;
    let (id, prev_hash) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let mut changes = ev.changes;
    keep_out_personal_data(ev.entity_type, &mut changes);
    let changed = serde_json::to_string(&changes).map_err(|e| ApiError::Internal(e.into()))?;
    let mut row = Row {
        id,
        at: now(),
        actor_kind: ctx.actor_kind.to_owned(),
        actor_id: ctx.actor_id.clone(),
        actor_name: ctx.actor_name.clone(),
        action: ev.action.to_owned(),
        entity_type: ev.entity_type.to_owned(),
        entity_id: ev.entity_id,
        municipality_id: ev.municipality_id,
        request_id: ctx.request_id.clone(),
        client_ip: ctx.client_ip.clone(),
        changes: changed,
        prev_hash,
        hash: String::new(),
        scheme: SCHEME_HMAC,
    };
    row.hash = row.compute_hash(key()?);
    diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(c)?;
    // The change's webhook deliveries, in its own transaction: they commit with it or not at
    // all, ordered by this row's id (given under the writers' lock), from the changes as kept
    // here (personal values already out).
    crate::models::webhook::emit(
        c,
        &crate::models::webhook::Emitted {
            seq: row.id,
            at: row.at,
            action: &row.action,
            entity_type: &row.entity_type,
            entity_id: row.entity_id.as_deref(),
            municipality_id: row.municipality_id.as_deref(),
            changes: &changes,
        },
    )?;
    Ok(())
}

/// Filters of `GET /api/v1/audit`.
#[derive(Debug, Default)]
pub struct Filter {
    /// Actor id.
    pub actor_id: Option<String>,
    /// Entity type.
    pub entity_type: Option<String>,
    /// Entity id.
    pub entity_id: Option<String>,
    /// Action.
    pub action: Option<String>,
    /// From (inclusive).
    pub from: Option<NaiveDateTime>,
    /// To (exclusive).
    pub to: Option<NaiveDateTime>,
    /// Rows with an id below this (cursor).
    pub before_id: Option<i64>,
}

/// Newest first.
pub fn list(c: &mut DbConn, f: &Filter, limit: i64) -> ApiResult<Vec<AuditEntry>> {
    let mut q = audit_log::table.select(Row::as_select()).into_boxed();
    if let Some(v) = &f.actor_id {
        q = q.filter(audit_log::actor_id.eq(v.clone()));
    }
    if let Some(v) = &f.entity_type {
        q = q.filter(audit_log::entity_type.eq(v.clone()));
    }
    if let Some(v) = &f.entity_id {
        q = q.filter(audit_log::entity_id.eq(v.clone()));
    }
    if let Some(v) = &f.action {
        q = q.filter(audit_log::action.eq(v.clone()));
    }
    if let Some(v) = f.from {
        q = q.filter(audit_log::at.ge(v));
    }
    if let Some(v) = f.to {
        q = q.filter(audit_log::at.lt(v));
    }
    if let Some(v) = f.before_id {
        q = q.filter(audit_log::id.lt(v));
    }
    let rows: Vec<Row> = q.order(audit_log::id.desc()).limit(limit).load(c)?;
    Ok(rows.into_iter().map(Row::into_api).collect())
}

/// One entry.
pub fn find(c: &mut DbConn, id: i64) -> ApiResult<AuditEntry> {
    let row: Row = audit_log::table
        .find(id)
        .select(Row::as_select())
        .first(c)?;
    Ok(row.into_api())
}
