//! The outbox in the database: messages written with the change they tell about, claimed by a
//! worker, marked sent, or tried again later.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::outbox::{OutboxMessage, OutboxStatus, OutboxSummary};
use serde::{Deserialize, Serialize};

use crate::db::{new_id, now, DbConn};
use crate::error::StoreResult;
use crate::schema::outbox;

/// A file sent with a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its name.
    pub filename: String,
    /// Its MIME type, e.g. `text/calendar; method=PUBLISH`.
    pub content_type: String,
    /// Its content (text).
    pub content: String,
    /// A certificate's PDF, made when the message is sent (from the certificate as it is then,
    /// so the outbox never holds a copy of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_id: Option<String>,
}

/// A message to write into the outbox.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// `training.invitation`, `training.waiting`, …
    pub kind: &'static str,
    /// Address.
    pub recipient: String,
    /// Name shown with the address.
    pub recipient_name: String,
    /// `it` or `en`.
    pub language: &'static str,
    /// Subject.
    pub subject: String,
    /// Plain text.
    pub body: String,
    /// Files.
    pub attachments: Vec<Attachment>,
    /// Whose message it is (anonymising them reaches it).
    pub participant_id: Option<String>,
}

/// A stored message.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub body: String,
    pub attachments: String,
    pub participant_id: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl OutboxRow {
    /// The API shape.
    pub fn into_api(self) -> OutboxMessage {
        OutboxMessage {
            status: OutboxStatus::parse(&self.status).unwrap_or(OutboxStatus::Pending),
            id: self.id,
            kind: self.kind,
            recipient: self.recipient,
            subject: self.subject,
            attempts: self.attempts,
            last_error: self.last_error,
            next_attempt_at: self.next_attempt_at,
            sent_at: self.sent_at,
            created_at: self.created_at,
        }
    }

    /// Its files.
    pub fn attachments(&self) -> Vec<Attachment> {
        serde_json::from_str(&self.attachments).unwrap_or_default()
    }
}

/// Writes a message, due at once, in the caller's transaction.
pub fn enqueue(c: &mut DbConn, m: &NewMessage) -> StoreResult<String> {
    let id = new_id();
    let at = now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(&id),
            outbox::kind.eq(m.kind),
            outbox::recipient.eq(&m.recipient),
            outbox::recipient_name.eq(&m.recipient_name),
            outbox::language.eq(m.language),
            outbox::subject.eq(&m.subject),
            outbox::body.eq(&m.body),
            outbox::attachments
                .eq(serde_json::to_string(&m.attachments).unwrap_or_else(|_| "[]".into())),
            outbox::participant_id.eq(&m.participant_id),
            outbox::status.eq(OutboxStatus::Pending.as_str()),
            outbox::next_attempt_at.eq(at),
            outbox::created_at.eq(at),
        ))
        .execute(c)?;
    Ok(id)
}

/// Pending messages due now, oldest first.
pub fn due(c: &mut DbConn, limit: i64) -> StoreResult<Vec<OutboxRow>> {
    let at = now();
    Ok(outbox::table
        .filter(outbox::status.eq(OutboxStatus::Pending.as_str()))
        .filter(outbox::next_attempt_at.le(at))
        .filter(
            outbox::claimed_until
                .is_null()
                .or(outbox::claimed_until.lt(at)),
        )
        .order((outbox::next_attempt_at, outbox::id))
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(c)?)
}

/// Takes a message for sending until `until`; false when another worker holds it or it is no
/// longer pending.
pub fn claim(c: &mut DbConn, id: &str, until: NaiveDateTime) -> StoreResult<bool> {
    let at = now();
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq(OutboxStatus::Pending.as_str()))
            .filter(
                outbox::claimed_until
                    .is_null()
                    .or(outbox::claimed_until.lt(at)),
            ),
    )
    .set(outbox::claimed_until.eq(until))
    .execute(c)?;
    Ok(n == 1)
}

/// The mail server accepted it. A questionnaire's text holds its link's secret: emptied once
/// delivered, so the database keeps no key to anyone's questionnaire.
pub fn sent(c: &mut DbConn, id: &str) -> StoreResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::kind.eq("training.questionnaire")),
    )
    .set(outbox::body.eq(""))
    .execute(c)?;
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Sent.as_str()),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::sent_at.eq(now()),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(c)?;
    Ok(())
}

/// An attempt failed: tried again after `wait`, or given up once `attempts` reach `max`.
pub fn failed_attempt(
    c: &mut DbConn,
    row: &OutboxRow,
    error: &str,
    wait: Duration,
    max: i64,
) -> StoreResult<()> {
    let attempts = row.attempts + 1;
    let status = if attempts >= max {
        OutboxStatus::Failed
    } else {
        OutboxStatus::Pending
    };
    let error: String = error.chars().take(500).collect();
    diesel::update(outbox::table.find(&row.id))
        .set((
            outbox::status.eq(status.as_str()),
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(now() + wait),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(c)?;
    Ok(())
}

/// Sends a message again from the start: pending, due now, attempts counted afresh.
pub fn retry(c: &mut DbConn, id: &str) -> StoreResult<OutboxRow> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Pending.as_str()),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now()),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(c)?;
    find(c, id)
}

/// One message.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<OutboxRow> {
    Ok(outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(c)?)
}

/// A page of messages, newest first (ids are time-ordered), of one status when given.
pub fn list(
    c: &mut DbConn,
    status: Option<OutboxStatus>,
    before: Option<String>,
    limit: i64,
) -> StoreResult<Vec<OutboxRow>> {
    let mut q = outbox::table.select(OutboxRow::as_select()).into_boxed();
    if let Some(s) = status {
        q = q.filter(outbox::status.eq(s.as_str()));
    }
    if let Some(b) = before {
        q = q.filter(outbox::id.lt(b));
    }
    Ok(q.order(outbox::id.desc()).limit(limit + 1).load(c)?)
}

/// Counts by status.
pub fn summary(c: &mut DbConn, smtp_configured: bool) -> StoreResult<OutboxSummary> {
    let rows: Vec<(String, i64)> = outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(c)?;
    let n = |s: OutboxStatus| rows.iter().find(|r| r.0 == s.as_str()).map_or(0, |r| r.1);
    Ok(OutboxSummary {
        smtp_configured,
        pending: n(OutboxStatus::Pending),
        sent: n(OutboxStatus::Sent),
        failed: n(OutboxStatus::Failed),
    })
}

/// Anonymising a participant: their messages keep only that they existed, and those not yet
/// sent never will be.
pub fn forget_participant(c: &mut DbConn, participant_id: &str) -> StoreResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::participant_id.eq(participant_id))
            .filter(outbox::status.ne(OutboxStatus::Sent.as_str())),
    )
    .set((
        outbox::status.eq(OutboxStatus::Failed.as_str()),
        outbox::last_error.eq("anonymised"),
    ))
    .execute(c)?;
    diesel::update(outbox::table.filter(outbox::participant_id.eq(participant_id)))
        .set((
            outbox::recipient.eq(""),
            outbox::recipient_name.eq(""),
            outbox::subject.eq(""),
            outbox::body.eq(""),
            outbox::attachments.eq("[]"),
        ))
        .execute(c)?;
    Ok(())
}
