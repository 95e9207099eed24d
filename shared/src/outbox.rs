//! The outbox: e-mail LUMIT sends (invitations, questionnaires), kept until delivered.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting to be sent (or to be tried again, or for an SMTP server to be configured).
    Pending,
    /// Accepted by the mail server.
    Sent,
    /// Refused or unreachable too many times; an admin may send it again.
    Failed,
}

impl OutboxStatus {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Sent, Self::Failed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A message of the outbox as admins see it (its text stays in the database).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    /// Identifier.
    pub id: String,
    /// What it is: `training.invitation`, `training.waiting`.
    pub kind: String,
    /// Address.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Where it stands.
    pub status: OutboxStatus,
    /// Attempts so far.
    pub attempts: i64,
    /// The mail server's last refusal or the connection's failure.
    pub last_error: Option<String>,
    /// Next attempt (pending), UTC without an offset.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "lumit:local-datetime"))]
    pub next_attempt_at: NaiveDateTime,
    /// When the mail server accepted it (UTC without an offset).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:local-datetime"))]
    pub sent_at: Option<NaiveDateTime>,
    /// When it was written (UTC without an offset).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "lumit:local-datetime"))]
    pub created_at: NaiveDateTime,
}

/// The outbox at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxSummary {
    /// An SMTP server is configured (`LUMIT_SMTP_URL`); without one, messages stay pending.
    pub smtp_configured: bool,
    /// Messages waiting.
    pub pending: i64,
    /// Messages sent.
    pub sent: i64,
    /// Messages given up on.
    pub failed: i64,
}
