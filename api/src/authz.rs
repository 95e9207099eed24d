//! The one authorisation module: (actor, action, resource) → allow or deny. Every handler asks it
//! in its first line. What each role may do is `lumit_shared::permission` (shared so the web app
//! offers only what is allowed); this adds API clients' scopes and the municipality of the
//! resource, so the two files are the whole access model.
//!
//! Denials: no permission for the action → 403; a resource in a municipality the actor does not
//! work for → 404, so ids can't be probed.

use crate::auth::{Actor, ActorKind};
use crate::error::{ApiError, ApiResult};

pub use lumit_shared::permission::Action;

/// Allows the action or answers 403.
pub fn require(actor: &Actor, action: Action) -> ApiResult<()> {
    let allowed = match actor.kind {
        ActorKind::User => actor.role.is_some_and(|r| action.allowed_for(r)),
        ActorKind::Client => action.scope().is_some_and(|s| actor.scopes.contains(&s)),
    };
    if allowed {
        Ok(())
    } else if actor.kind == ActorKind::Client {
        Err(ApiError::forbidden(
            "insufficient_scope",
            "The client's token lacks the scope this needs.",
        ))
    } else {
        Err(ApiError::forbidden(
            "forbidden",
            "Your role does not allow this.",
        ))
    }
}

/// Allows the action on a resource of a municipality, or answers 403 (no permission) / 404 (not
/// the actor's municipality).
pub fn require_in(actor: &Actor, action: Action, municipality_id: &str) -> ApiResult<()> {
    require(actor, action)?;
    if actor.covers(municipality_id) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Allows the first of the actions the actor may do (returned), or answers 403 as for the first.
pub fn require_one_of(actor: &Actor, actions: &[Action]) -> ApiResult<Action> {
    for a in actions {
        if require(actor, *a).is_ok() {
            return Ok(*a);
        }
    }
    match actions.first() {
        Some(a) => require(actor, *a).map(|_| *a),
        None => Err(ApiError::forbidden(
            "forbidden",
            "Your role does not allow this.",
        )),
    }
}
