//! `/api/v1/webhooks`: URLs subscribed to events (Standard Webhooks), their secrets and their
//! delivery logs. Admins manage every subscription; an API client with `webhooks:manage` only
//! its own (another's is 404), for events of its municipality that its scopes can read.

mod deliveries;
mod subscriptions;

pub use deliveries::*;
pub use subscriptions::*;

use lumit_shared::webhook::{unreadable_types, WebhookEventType};
use lumit_shared::FieldError;

use crate::auth::{Actor, ActorKind};
use crate::error::{ApiError, ApiResult};
use crate::models::webhook::Owner;
use crate::webhooks::guard;

/// Whose subscriptions the caller reaches: an admin every one, an API client its own.
fn owner(actor: &Actor) -> Owner {
    match actor.kind {
        ActorKind::User => Owner::All,
        ActorKind::Client => Owner::Client(actor.id.clone()),
    }
}

/// Checks what a subscription asks for against the server and the caller: the URL's scheme and
/// address (when given), and for an API client every event type against its scopes (a 422
/// naming `event_types[i]` of the body as sent).
fn check(
    actor: &Actor,
    url: Option<&str>,
    types: Option<&[WebhookEventType]>,
    allow_private: bool,
) -> ApiResult<()> {
    let mut errors = Vec::new();
    if let Some(Err((code, message))) = url.map(|u| guard::check_url(u, allow_private)) {
        errors.push(FieldError::new("url", code, message));
    }
    if let (ActorKind::Client, Some(types)) = (actor.kind, types) {
        errors.extend(unreadable_types(types, &actor.scopes));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}
