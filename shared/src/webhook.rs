//! Webhooks (Standard Webhooks): URLs subscribed to events, and the log of what was delivered.
//! Payloads are thin: ids, the event's type and what changed, never a name or free text.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api_client::Scope;
use crate::validate::{optional_text, Errors, Parsed};
use crate::FieldError;

/// Longest URL a subscription may have.
pub const MAX_URL: usize = 2000;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 200;

/// What a subscription can be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WebhookEventType {
    /// A case was opened.
    #[serde(rename = "case.created")]
    CaseCreated,
    /// A case moved in its workflow (or was reopened): `from`, `to`.
    #[serde(rename = "case.status_changed")]
    CaseStatusChanged,
    /// A mediation or translation request was filed.
    #[serde(rename = "request.submitted")]
    RequestSubmitted,
    /// A request was approved.
    #[serde(rename = "request.approved")]
    RequestApproved,
    /// A mediator was assigned to a request.
    #[serde(rename = "request.assigned")]
    RequestAssigned,
    /// The mediator confirmed a request.
    #[serde(rename = "request.confirmed")]
    RequestConfirmed,
    /// A request was carried out.
    #[serde(rename = "request.completed")]
    RequestCompleted,
    /// A request was cancelled.
    #[serde(rename = "request.cancelled")]
    RequestCancelled,
    /// A person's record was anonymised.
    #[serde(rename = "person.anonymised")]
    PersonAnonymised,
    /// A training course was created.
    #[serde(rename = "training.course_created")]
    TrainingCourseCreated,
    /// A training session was scheduled.
    #[serde(rename = "training.session_scheduled")]
    TrainingSessionScheduled,
    /// Certificates of a course were issued (one event per certificate).
    #[serde(rename = "training.certificates_issued")]
    TrainingCertificatesIssued,
    /// A period's report was frozen.
    #[serde(rename = "report.frozen")]
    ReportFrozen,
}

impl WebhookEventType {
    /// Every event type, with the audit action it is emitted for.
    pub const ALL: [(Self, &'static str); 13] = [
        (Self::CaseCreated, "case.create"),
        (Self::CaseStatusChanged, "case.transition"),
        (Self::RequestSubmitted, "request.create"),
        (Self::RequestApproved, "request.approve"),
        (Self::RequestAssigned, "request.assign"),
        (Self::RequestConfirmed, "request.confirm"),
        (Self::RequestCompleted, "request.complete"),
        (Self::RequestCancelled, "request.cancel"),
        (Self::PersonAnonymised, "person.anonymise"),
        (Self::TrainingCourseCreated, "training.course.create"),
        (Self::TrainingSessionScheduled, "training.session.create"),
        (
            Self::TrainingCertificatesIssued,
            "training.certificate.issue",
        ),
        (Self::ReportFrozen, "report.freeze"),
    ];

    /// The wire name, e.g. `case.created`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CaseCreated => "case.created",
            Self::CaseStatusChanged => "case.status_changed",
            Self::RequestSubmitted => "request.submitted",
            Self::RequestApproved => "request.approved",
            Self::RequestAssigned => "request.assigned",
            Self::RequestConfirmed => "request.confirmed",
            Self::RequestCompleted => "request.completed",
            Self::RequestCancelled => "request.cancelled",
            Self::PersonAnonymised => "person.anonymised",
            Self::TrainingCourseCreated => "training.course_created",
            Self::TrainingSessionScheduled => "training.session_scheduled",
            Self::TrainingCertificatesIssued => "training.certificates_issued",
            Self::ReportFrozen => "report.frozen",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().map(|(t, _)| *t).find(|t| t.as_str() == s)
    }

    /// The event an audit action emits, if any (reopening a case is a status change too).
    pub fn of_audit_action(action: &str) -> Option<Self> {
        if action == "case.reopen" {
            return Some(Self::CaseStatusChanged);
        }
        Self::ALL
            .iter()
            .find(|(_, a)| *a == action)
            .map(|(t, _)| *t)
    }

    /// The scope an API client needs to receive it; `None`: clients never do.
    pub fn client_scope(self) -> Option<Scope> {
        match self {
            Self::CaseCreated | Self::CaseStatusChanged | Self::PersonAnonymised => {
                Some(Scope::CasesRead)
            }
            Self::RequestSubmitted
            | Self::RequestApproved
            | Self::RequestAssigned
            | Self::RequestConfirmed
            | Self::RequestCompleted
            | Self::RequestCancelled => Some(Scope::RequestsRead),
            Self::ReportFrozen => Some(Scope::ReportsRead),
            Self::TrainingCourseCreated
            | Self::TrainingSessionScheduled
            | Self::TrainingCertificatesIssued => None,
        }
    }

    /// True when a client holding `scopes` may receive it.
    pub fn readable_with(self, scopes: &[Scope]) -> bool {
        self.client_scope().is_some_and(|s| scopes.contains(&s))
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first attempt or its next one.
    Pending,
    /// Being sent by a server now.
    Delivering,
    /// The receiver answered 2xx.
    Succeeded,
    /// Given up: every retry failed, or the receiver answered 410 Gone.
    Failed,
}

impl DeliveryStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [
        Self::Pending,
        Self::Delivering,
        Self::Succeeded,
        Self::Failed,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivering => "delivering",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A subscription as the API returns it (its secret only on creation and rotation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    /// Identifier.
    pub id: String,
    /// Where events are POSTed.
    pub url: String,
    /// What the receiving end is, e.g. "Protocollo".
    pub description: Option<String>,
    /// The events it receives.
    pub event_types: Vec<WebhookEventType>,
    /// False: nothing is sent to it.
    pub enabled: bool,
    /// Why LUMIT disabled it: `gone` (the receiver answered 410 Gone). Cleared by re-enabling.
    pub disabled_reason: Option<String>,
    /// The API client (its `id`) that owns it; none for an admin's subscription, which receives
    /// events of every municipality.
    pub api_client_id: Option<String>,
    /// The signing secret, `whsec_` + base64: shown only in the answer to the creation and to a
    /// rotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Until then deliveries are also signed with the secret before the last rotation.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/webhooks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// `https://…` (plain `http://` and private addresses only where the server allows them).
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:url:2000"))]
    pub url: String,
    /// What the receiving end is (about the system, never about a person).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:200"))]
    pub description: Option<String>,
    /// The events to receive (at least one).
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub event_types: Vec<WebhookEventType>,
}

/// Body of `PATCH /api/v1/webhooks/{id}`: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    /// New URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:url:2000"))]
    pub url: Option<String>,
    /// New description; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:line?:200"))]
    pub description: Option<Option<String>>,
    /// Replaces the events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub event_types: Option<Vec<WebhookEventType>>,
    /// Disable, or enable again (which clears `disabled_reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// A checked subscription (the server still checks the URL's scheme and address).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidWebhook {
    /// Trimmed URL.
    pub url: String,
    /// Description.
    pub description: Option<String>,
    /// Sorted distinct event types.
    pub event_types: Vec<WebhookEventType>,
    /// Enabled.
    pub enabled: bool,
}

impl ValidWebhook {
    /// The current subscription as the starting point of a patch.
    pub fn from_current(w: &Webhook) -> Self {
        Self {
            url: w.url.clone(),
            description: w.description.clone(),
            event_types: w.event_types.clone(),
            enabled: w.enabled,
        }
    }
}

/// An absolute `http(s)://` URL of at most [`MAX_URL`] characters, without spaces.
pub fn url(s: &str) -> Parsed<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(("required", "must not be empty".into()));
    }
    if t.chars().count() > MAX_URL {
        return Err(("too_long", format!("must be at most {MAX_URL} characters")));
    }
    if t.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(("invalid_url", "must not contain spaces".into()));
    }
    let lower = t.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') => Ok(t.to_owned()),
        _ => Err(("invalid_url", "must be an https:// address".into())),
    }
}

/// Sorted distinct types, at least one.
fn event_types(e: &mut Errors, types: &[WebhookEventType]) -> Vec<WebhookEventType> {
    let mut types = types.to_vec();
    types.sort();
    types.dedup();
    if types.is_empty() {
        e.add("event_types", "required", "at least one event type");
    }
    types
}

/// Each type an API client with `scopes` may not receive, as a 422 naming `event_types[i]`.
pub fn unreadable_types(types: &[WebhookEventType], scopes: &[Scope]) -> Vec<FieldError> {
    types
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.readable_with(scopes))
        .map(|(i, t)| {
            let why = match t.client_scope() {
                Some(s) => format!("needs the scope `{}`", s.as_str()),
                None => "is not sent to API clients".to_owned(),
            };
            FieldError::new(
                format!("event_types[{i}]"),
                "insufficient_scope",
                format!("`{}` {why}", t.as_str()),
            )
        })
        .collect()
}

impl NewWebhook {
    /// Parses the body, or every field error.
    pub fn parse(&self) -> Result<ValidWebhook, Vec<FieldError>> {
        let mut e = Errors::default();
        let url = e.take("url", url(&self.url));
        let description = e.take(
            "description",
            optional_text(self.description.as_deref(), MAX_DESCRIPTION),
        );
        let types = event_types(&mut e, &self.event_types);
        e.finish(|| ValidWebhook {
            url: url.unwrap_or_default(),
            description: description.flatten(),
            event_types: types,
            enabled: true,
        })
    }
}

impl WebhookPatch {
    /// The subscription with this patch applied, or every field error.
    pub fn apply(&self, cur: &ValidWebhook) -> Result<ValidWebhook, Vec<FieldError>> {
        let mut e = Errors::default();
        let url = match &self.url {
            Some(u) => e.take("url", url(u)),
            None => Some(cur.url.clone()),
        };
        let description = match &self.description {
            Some(d) => e
                .take("description", optional_text(d.as_deref(), MAX_DESCRIPTION))
                .flatten(),
            None => cur.description.clone(),
        };
        let types = match &self.event_types {
            Some(t) => event_types(&mut e, t),
            None => cur.event_types.clone(),
        };
        e.finish(|| ValidWebhook {
            url: url.unwrap_or_default(),
            description,
            event_types: types,
            enabled: self.enabled.unwrap_or(cur.enabled),
        })
    }
}

/// One delivery of an event to a subscription, as its log shows it (never the receiver's body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// `msg_…`: the `webhook-id` header, the same on every attempt.
    pub id: String,
    /// The event.
    pub event_type: WebhookEventType,
    /// The record it is about.
    pub resource_id: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts so far (in this series: a redelivery starts a new one).
    pub attempts: i64,
    /// The status the receiver last answered.
    pub last_response_code: Option<i32>,
    /// How long the last attempt took, in milliseconds.
    pub last_latency_ms: Option<i64>,
    /// Why the last attempt failed, in short (never the receiver's body).
    pub last_error: Option<String>,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the event was emitted.
    pub created_at: DateTime<Utc>,
    /// When the receiver accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_its_name_and_action() {
        for (t, action) in WebhookEventType::ALL {
            assert_eq!(WebhookEventType::parse(t.as_str()), Some(t));
            assert_eq!(WebhookEventType::of_audit_action(action), Some(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
        assert_eq!(
            WebhookEventType::of_audit_action("case.reopen"),
            Some(WebhookEventType::CaseStatusChanged)
        );
        assert_eq!(WebhookEventType::of_audit_action("case.update"), None);
    }

    #[test]
    fn urls_and_types_are_checked() {
        let ok = NewWebhook {
            url: " https://hooks.example.org/lumit ".into(),
            description: None,
            event_types: vec![
                WebhookEventType::ReportFrozen,
                WebhookEventType::CaseCreated,
                WebhookEventType::ReportFrozen,
            ],
        };
        let v = ok.parse().unwrap();
        assert_eq!(v.url, "https://hooks.example.org/lumit");
        assert_eq!(
            v.event_types,
            [
                WebhookEventType::CaseCreated,
                WebhookEventType::ReportFrozen
            ]
        );
        for bad in [
            "",
            "ftp://x",
            "https://",
            "https:///x",
            "https://a b",
            "example.org",
        ] {
            let mut w = ok.clone();
            w.url = bad.into();
            assert!(w.parse().is_err(), "{bad}");
        }
        let mut none = ok.clone();
        none.event_types.clear();
        assert_eq!(none.parse().unwrap_err()[0].field, "event_types");
    }

    #[test]
    fn clients_receive_what_their_scopes_read() {
        let types = [
            WebhookEventType::CaseCreated,
            WebhookEventType::RequestApproved,
            WebhookEventType::TrainingCourseCreated,
        ];
        let e = unreadable_types(&types, &[Scope::CasesRead]);
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["event_types[1]", "event_types[2]"]);
    }
}
