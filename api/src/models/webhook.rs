//! Webhooks in the database: subscriptions, the deliveries each change writes with its audit row
//! ([`emit`]), claimed by a worker ([`claim`]) and marked delivered, retried or failed.
//!
//! Anonymisation: a payload holds ids, event types and statuses only, and a subscription's
//! description is about the receiving system; nothing here names a person or carries free text
//! about one, so anonymising a person has nothing to erase in these tables.

use chrono::{NaiveDateTime, SecondsFormat};
use diesel::prelude::*;
use lumit_shared::api_client::Scope;
use lumit_shared::audit::FieldChange;
use lumit_shared::webhook::{
    DeliveryStatus, ValidWebhook, Webhook, WebhookDelivery, WebhookEventType,
};

use crate::db::{new_id, now, DbConn};
use crate::error::StoreResult;
use crate::schema::{api_clients, municipalities, people, webhook_deliveries, webhooks};

/// Who is asking: an admin sees every subscription, an API client only its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// Every subscription (admins).
    All,
    /// The subscriptions of this API client (its row id).
    Client(String),
}

/// A stored subscription.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    pub event_types: String,
    pub api_client_id: Option<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<NaiveDateTime>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl WebhookRow {
    /// The events it receives.
    pub fn types(&self) -> Vec<WebhookEventType> {
        self.event_types
            .split_whitespace()
            .filter_map(WebhookEventType::parse)
            .collect()
    }

    /// The secrets that sign a delivery now: the current one, and the one before the last
    /// rotation while it is still valid.
    pub fn signing_secrets(&self, at: NaiveDateTime) -> Vec<String> {
        let mut secrets = vec![self.secret.clone()];
        if let (Some(old), Some(until)) = (&self.previous_secret, self.previous_secret_until) {
            if until > at {
                secrets.push(old.clone());
            }
        }
        secrets
    }

    /// The API shape, without the secret.
    pub fn into_api(self) -> Webhook {
        let at = now();
        Webhook {
            event_types: self.types(),
            previous_secret_expires_at: self
                .previous_secret_until
                .filter(|u| *u > at)
                .map(|u| u.and_utc()),
            id: self.id,
            url: self.url,
            description: self.description,
            enabled: self.enabled,
            disabled_reason: self.disabled_reason,
            api_client_id: self.api_client_id,
            secret: None,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }

    /// True when `owner` may see it.
    pub fn visible_to(&self, owner: &Owner) -> bool {
        match owner {
            Owner::All => true,
            Owner::Client(id) => self.api_client_id.as_deref() == Some(id.as_str()),
        }
    }
}

fn stored_types(types: &[WebhookEventType]) -> String {
    types
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes a subscription.
pub fn insert(
    c: &mut DbConn,
    v: &ValidWebhook,
    api_client_id: Option<&str>,
    secret: &str,
    created_by: &str,
) -> StoreResult<WebhookRow> {
    let id = new_id();
    let at = now();
    diesel::insert_into(webhooks::table)
        .values((
            webhooks::id.eq(&id),
            webhooks::url.eq(&v.url),
            webhooks::description.eq(&v.description),
            webhooks::event_types.eq(stored_types(&v.event_types)),
            webhooks::api_client_id.eq(api_client_id),
            webhooks::secret.eq(secret),
            webhooks::enabled.eq(v.enabled),
            webhooks::created_by.eq(created_by),
            webhooks::created_at.eq(at),
            webhooks::updated_at.eq(at),
        ))
        .execute(c)?;
    find(c, &id)
}

/// One subscription.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<WebhookRow> {
    Ok(webhooks::table
        .find(id)
        .select(WebhookRow::as_select())
        .first(c)?)
}

/// One subscription `owner` may see; another's is "not found".
pub fn find_for(c: &mut DbConn, id: &str, owner: &Owner) -> StoreResult<WebhookRow> {
    let row = find(c, id)?;
    if row.visible_to(owner) {
        Ok(row)
    } else {
        Err(crate::error::StoreError::NotFound)
    }
}

/// A page of the subscriptions `owner` sees, newest first.
pub fn list(
    c: &mut DbConn,
    owner: &Owner,
    before: Option<String>,
    limit: i64,
) -> StoreResult<Vec<WebhookRow>> {
    let mut q = webhooks::table.select(WebhookRow::as_select()).into_boxed();
    if let Owner::Client(id) = owner {
        q = q.filter(webhooks::api_client_id.eq(id.clone()));
    }
    if let Some(b) = before {
        q = q.filter(webhooks::id.lt(b));
    }
    Ok(q.order(webhooks::id.desc()).limit(limit + 1).load(c)?)
}

/// Changes a subscription; enabling it again clears why it was disabled.
pub fn update(c: &mut DbConn, cur: &WebhookRow, v: &ValidWebhook) -> StoreResult<WebhookRow> {
    let reason = if v.enabled {
        None
    } else {
        cur.disabled_reason.clone()
    };
    diesel::update(webhooks::table.find(&cur.id))
        .set((
            webhooks::url.eq(&v.url),
            webhooks::description.eq(&v.description),
            webhooks::event_types.eq(stored_types(&v.event_types)),
            webhooks::enabled.eq(v.enabled),
            webhooks::disabled_reason.eq(reason),
            webhooks::version.eq(cur.version + 1),
            webhooks::updated_at.eq(now()),
        ))
        .execute(c)?;
    find(c, &cur.id)
}

/// A new secret; the current one keeps signing until `keep_until`.
pub fn rotate(
    c: &mut DbConn,
    cur: &WebhookRow,
    secret: &str,
    keep_until: NaiveDateTime,
) -> StoreResult<WebhookRow> {
    diesel::update(webhooks::table.find(&cur.id))
        .set((
            webhooks::secret.eq(secret),
            webhooks::previous_secret.eq(Some(&cur.secret)),
            webhooks::previous_secret_until.eq(Some(keep_until)),
            webhooks::version.eq(cur.version + 1),
            webhooks::updated_at.eq(now()),
        ))
        .execute(c)?;
    find(c, &cur.id)
}

/// Removes a subscription and its deliveries (those still to send with them).
pub fn delete(c: &mut DbConn, id: &str) -> StoreResult<()> {
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
        .execute(c)?;
    diesel::delete(webhooks::table.find(id)).execute(c)?;
    Ok(())
}

/// The receiver said it wants nothing more (410 Gone): disabled, with the reason. False when it
/// was disabled already (or is gone).
pub fn disable_gone(c: &mut DbConn, id: &str) -> StoreResult<bool> {
    let n = diesel::update(webhooks::table.find(id).filter(webhooks::enabled.eq(true)))
        .set((
            webhooks::enabled.eq(false),
            webhooks::disabled_reason.eq(Some("gone")),
            webhooks::version.eq(webhooks::version + 1),
            webhooks::updated_at.eq(now()),
        ))
        .execute(c)?;
    Ok(n == 1)
}

/// The change an audit row records, as [`emit`] reads it.
pub struct Emitted<'a> {
    /// The audit row's id: strictly increasing, given under the writers' lock.
    pub seq: i64,
    /// When.
    pub at: NaiveDateTime,
    /// The audit action, e.g. `case.transition`.
    pub action: &'a str,
    /// The record's kind, e.g. `case`.
    pub entity_type: &'a str,
    /// The record's id.
    pub entity_id: Option<&'a str>,
    /// Its municipality.
    pub municipality_id: Option<&'a str>,
    /// The fields changed, personal values already kept out.
    pub changes: &'a [FieldChange],
}

/// What an API client may receive now: none when it was revoked or its municipality deactivated.
struct ClientReach {
    scopes: Vec<Scope>,
    municipalities: Vec<String>,
}

fn reach_of(c: &mut DbConn, client_id: &str) -> StoreResult<Option<ClientReach>> {
    let row: Option<(String, String)> = api_clients::table
        .inner_join(municipalities::table)
        .filter(api_clients::id.eq(client_id))
        .filter(api_clients::revoked_at.is_null())
        .filter(municipalities::active.eq(true))
        .select((api_clients::municipality_id, api_clients::scopes))
        .first(c)
        .optional()?;
    let Some((municipality, scopes)) = row else {
        return Ok(None);
    };
    Ok(Some(ClientReach {
        scopes: scopes.split_whitespace().filter_map(Scope::parse).collect(),
        municipalities: crate::models::municipality::with_members(c, vec![municipality])?,
    }))
}

/// Whether a subscription may receive an event of `kind` in `municipality` now: an admin's
/// always; an API client's only while it is active, holds the scope that reads it, and the
/// municipality is its own (or a member of its Unione).
fn may_receive(
    c: &mut DbConn,
    hook: &WebhookRow,
    kind: WebhookEventType,
    municipality: Option<&str>,
) -> StoreResult<bool> {
    let Some(client) = &hook.api_client_id else {
        return Ok(true);
    };
    let Some(reach) = reach_of(c, client)? else {
        return Ok(false);
    };
    Ok(kind.readable_with(&reach.scopes)
        && municipality.is_some_and(|m| reach.municipalities.iter().any(|x| x == m)))
}

/// The new value of a changed field.
fn new_value<'a>(changes: &'a [FieldChange], field: &str) -> Option<&'a serde_json::Value> {
    changes
        .iter()
        .find(|f| f.field == field)
        .map(|f| &f.new)
        .filter(|v| !v.is_null())
}

/// The body sent for an event: type, time, ids and what changed; never a name or free text.
fn payload(
    kind: WebhookEventType,
    e: &Emitted<'_>,
    id: &str,
    municipality: Option<&str>,
) -> String {
    use serde_json::{json, Map, Value};
    let mut data = Map::new();
    data.insert("id".into(), json!(id));
    let training = matches!(
        kind,
        WebhookEventType::TrainingCourseCreated
            | WebhookEventType::TrainingSessionScheduled
            | WebhookEventType::TrainingCertificatesIssued
    );
    if !training {
        data.insert("municipality_id".into(), json!(municipality));
    }
    // A move: where the record was and where it is (not on creation, where nothing moved).
    if let Some(status) = e
        .changes
        .iter()
        .find(|f| f.field == "status" && !f.old.is_null())
    {
        data.insert("from".into(), status.old.clone());
        data.insert("to".into(), status.new.clone());
    }
    // Ids only, of the records the event links.
    let ids: &[&str] = match kind {
        WebhookEventType::RequestAssigned => &["mediator_id"],
        WebhookEventType::TrainingSessionScheduled => &["course_id"],
        WebhookEventType::TrainingCertificatesIssued => &["certificate_id", "enrolment_id"],
        _ => &[],
    };
    for field in ids {
        if let Some(v @ Value::String(_)) = new_value(e.changes, field) {
            data.insert((*field).into(), v.clone());
        }
    }
    json!({
        "type": kind.as_str(),
        "timestamp": e.at.and_utc().to_rfc3339_opts(SecondsFormat::Micros, true),
        "data": data,
    })
    .to_string()
}

/// A new delivery's id: `msg_` and a time-ordered UUID, the `webhook-id` of every attempt.
pub fn new_delivery_id() -> String {
    format!("msg_{}", uuid::Uuid::now_v7().simple())
}

/// Writes one delivery per enabled subscription that receives the event this audit row records,
/// in the change's own transaction: a change that rolls back emits nothing. Returns how many.
pub fn emit(c: &mut DbConn, e: &Emitted<'_>) -> StoreResult<usize> {
    let (Some(kind), Some(id)) = (WebhookEventType::of_audit_action(e.action), e.entity_id) else {
        return Ok(0);
    };
    let hooks: Vec<WebhookRow> = webhooks::table
        .filter(webhooks::enabled.eq(true))
        .filter(webhooks::event_types.like(format!("%{}%", kind.as_str())))
        .select(WebhookRow::as_select())
        .load(c)?;
    let hooks: Vec<WebhookRow> = hooks
        .into_iter()
        .filter(|h| h.types().contains(&kind))
        .collect();
    if hooks.is_empty() {
        return Ok(0);
    }
    // Anonymising by retention records no municipality: the person's is the one they were
    // registered in.
    let mut municipality = e.municipality_id.map(str::to_owned);
    if municipality.is_none() && e.entity_type == "person" {
        municipality = people::table
            .find(id)
            .select(people::created_municipality_id)
            .first(c)
            .optional()?;
    }
    let body = payload(kind, e, id, municipality.as_deref());
    let mut n = 0;
    for hook in &hooks {
        if !may_receive(c, hook, kind, municipality.as_deref())? {
            continue;
        }
        diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::id.eq(new_delivery_id()),
                webhook_deliveries::webhook_id.eq(&hook.id),
                webhook_deliveries::seq.eq(e.seq),
                webhook_deliveries::event_type.eq(kind.as_str()),
                webhook_deliveries::resource_id.eq(id),
                webhook_deliveries::payload.eq(&body),
                webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
                webhook_deliveries::next_attempt_at.eq(e.at),
                webhook_deliveries::created_at.eq(e.at),
            ))
            .execute(c)?;
        n += 1;
    }
    Ok(n)
}

/// A stored delivery.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub seq: i64,
    pub event_type: String,
    pub resource_id: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_response_code: Option<i32>,
    pub last_latency_ms: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

impl DeliveryRow {
    /// The API shape (never the payload's text: the log shows what, not the body).
    pub fn into_api(self) -> WebhookDelivery {
        let status = DeliveryStatus::parse(&self.status).unwrap_or(DeliveryStatus::Pending);
        WebhookDelivery {
            event_type: WebhookEventType::parse(&self.event_type)
                .unwrap_or(WebhookEventType::CaseCreated),
            next_attempt_at: (status == DeliveryStatus::Pending)
                .then(|| self.next_attempt_at.and_utc()),
            status,
            id: self.id,
            resource_id: self.resource_id,
            attempts: self.attempts,
            last_response_code: self.last_response_code,
            last_latency_ms: self.last_latency_ms,
            last_error: self.last_error,
            created_at: self.created_at.and_utc(),
            delivered_at: self.delivered_at.map(|d| d.and_utc()),
        }
    }
}

/// A page of a subscription's deliveries, newest first, of one status when given.
pub fn deliveries(
    c: &mut DbConn,
    webhook_id: &str,
    status: Option<DeliveryStatus>,
    before: Option<String>,
    limit: i64,
) -> StoreResult<Vec<DeliveryRow>> {
    let mut q = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id.to_owned()))
        .select(DeliveryRow::as_select())
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(webhook_deliveries::status.eq(s.as_str()));
    }
    if let Some(b) = before {
        q = q.filter(webhook_deliveries::id.lt(b));
    }
    Ok(q.order(webhook_deliveries::id.desc())
        .limit(limit + 1)
        .load(c)?)
}

/// One delivery of a subscription.
pub fn find_delivery(c: &mut DbConn, webhook_id: &str, id: &str) -> StoreResult<DeliveryRow> {
    Ok(webhook_deliveries::table
        .find(id)
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(DeliveryRow::as_select())
        .first(c)?)
}

/// Queues a delivery again, due now, as a new series of attempts (same `webhook-id`).
pub fn redeliver(c: &mut DbConn, webhook_id: &str, id: &str) -> StoreResult<DeliveryRow> {
    diesel::update(
        webhook_deliveries::table
            .find(id)
            .filter(webhook_deliveries::webhook_id.eq(webhook_id)),
    )
    .set((
        webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(now()),
        webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
        webhook_deliveries::delivered_at.eq(None::<NaiveDateTime>),
    ))
    .execute(c)?;
    find_delivery(c, webhook_id, id)
}

/// A delivery taken for sending, with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The delivery.
    pub delivery: DeliveryRow,
    /// Where to.
    pub url: String,
    /// The secrets to sign with.
    pub secrets: Vec<String>,
    /// Why it must not be sent any more (its client was revoked or lost the scope), if so.
    pub withheld: Option<&'static str>,
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// Deliveries that may go now: due (or claimed by a server whose claim ran out), of an enabled
/// subscription, and with no earlier delivery about the same record to the same subscription
/// still on its way, so each record's events arrive in order.
const DUE: &str = "SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
    WHERE w.enabled \
    AND ((d.status = 'pending' AND d.next_attempt_at <= $2) \
         OR (d.status = 'delivering' AND d.locked_until < $2)) \
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id \
        AND e.resource_id = d.resource_id AND e.seq < d.seq \
        AND e.status IN ('pending', 'delivering')) \
    ORDER BY d.seq LIMIT $3";

/// Claims up to `limit` deliveries until `until`, in the caller's transaction. On PostgreSQL the
/// rows are locked with `SKIP LOCKED`, so servers claiming at once take different ones; SQLite has
/// one writer, whose transaction makes the read and the update one step.
pub fn claim(c: &mut DbConn, until: NaiveDateTime, limit: i64) -> StoreResult<Vec<Claimed>> {
    use diesel::sql_types::{BigInt, Timestamp};
    let at = now();
    let ids: Vec<ClaimedId> = match c {
        DbConn::Pg(pg) => diesel::sql_query(format!(
            "UPDATE webhook_deliveries SET status = 'delivering', locked_until = $1 \
             WHERE id IN ({DUE} FOR UPDATE OF d SKIP LOCKED) RETURNING id"
        ))
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(at)
        .bind::<BigInt, _>(limit)
        .load(pg)?,
        DbConn::Sqlite(lite) => diesel::sql_query(format!(
            "UPDATE webhook_deliveries SET status = 'delivering', locked_until = ?1 \
             WHERE id IN ({}) RETURNING id",
            DUE.replace("$2", "?2").replace("$3", "?3")
        ))
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(at)
        .bind::<BigInt, _>(limit)
        .load(lite)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = ids.into_iter().map(|r| r.id).collect();
    let rows: Vec<(DeliveryRow, WebhookRow)> = webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhook_deliveries::id.eq_any(&ids))
        .order(webhook_deliveries::seq)
        .select((DeliveryRow::as_select(), WebhookRow::as_select()))
        .load(c)?;
    let mut out = Vec::with_capacity(rows.len());
    for (delivery, hook) in rows {
        // Checked again as it leaves: a client revoked or stripped of the scope since the event
        // gets nothing more.
        let kind = WebhookEventType::parse(&delivery.event_type);
        let withheld = match (&hook.api_client_id, kind) {
            (None, _) => None,
            (Some(_), None) => Some("unknown event type"),
            (Some(client), Some(kind)) => match reach_of(c, client)? {
                None => Some("the API client was revoked"),
                Some(r) if !kind.readable_with(&r.scopes) => {
                    Some("the API client no longer holds the scope")
                }
                Some(_) => None,
            },
        };
        out.push(Claimed {
            url: hook.url.clone(),
            secrets: hook.signing_secrets(at),
            delivery,
            withheld,
        });
    }
    Ok(out)
}

/// How an attempt went, as [`record_attempt`] stores it.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The receiver's status, if it answered.
    pub response_code: Option<i32>,
    /// How long it took.
    pub latency_ms: Option<i64>,
    /// Why it failed (short, never the receiver's body); `None`: delivered.
    pub error: Option<String>,
    /// When to try again; `None` with an error: given up.
    pub retry_at: Option<NaiveDateTime>,
}

/// Stores an attempt's outcome: delivered, due again at `retry_at`, or failed.
pub fn record_attempt(c: &mut DbConn, id: &str, a: &Attempt) -> StoreResult<()> {
    let at = now();
    let (status, delivered) = match (&a.error, a.retry_at) {
        (None, _) => (DeliveryStatus::Succeeded, Some(at)),
        (Some(_), Some(_)) => (DeliveryStatus::Pending, None),
        (Some(_), None) => (DeliveryStatus::Failed, None),
    };
    let error: Option<String> = a.error.as_ref().map(|e| e.chars().take(300).collect());
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::status.eq(status.as_str()),
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::next_attempt_at.eq(a.retry_at.unwrap_or(at)),
            webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::last_response_code.eq(a.response_code),
            webhook_deliveries::last_latency_ms.eq(a.latency_ms),
            webhook_deliveries::last_error.eq(error),
            webhook_deliveries::delivered_at.eq(delivered),
        ))
        .execute(c)?;
    Ok(())
}

/// True when some delivery may be due now (a read, so an idle worker writes nothing).
pub fn any_due(c: &mut DbConn) -> StoreResult<bool> {
    let at = now();
    let due = webhook_deliveries::table.filter(
        webhook_deliveries::status
            .eq(DeliveryStatus::Pending.as_str())
            .and(webhook_deliveries::next_attempt_at.le(at))
            .or(webhook_deliveries::status
                .eq(DeliveryStatus::Delivering.as_str())
                .and(webhook_deliveries::locked_until.lt(at))),
    );
    Ok(diesel::select(diesel::dsl::exists(due)).get_result(c)?)
}

/// What the metrics show of the webhooks: deliveries waiting (or being sent), deliveries given
/// up, and subscriptions switched off.
pub fn backlog(c: &mut DbConn) -> StoreResult<(i64, i64, i64)> {
    let rows: Vec<(String, i64)> = webhook_deliveries::table
        .group_by(webhook_deliveries::status)
        .select((webhook_deliveries::status, diesel::dsl::count_star()))
        .load(c)?;
    let n = |s: DeliveryStatus| rows.iter().find(|r| r.0 == s.as_str()).map_or(0, |r| r.1);
    let disabled = webhooks::table
        .filter(webhooks::enabled.eq(false))
        .count()
        .get_result(c)?;
    Ok((
        n(DeliveryStatus::Pending) + n(DeliveryStatus::Delivering),
        n(DeliveryStatus::Failed),
        disabled,
    ))
}
