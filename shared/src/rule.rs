//! Why the rules of a workflow refuse a step. The rules themselves are pure functions next to the
//! types they govern (`CaseStatus::move_to`, `RequestStatus::move_to`); they read no database and
//! know nothing of HTTP, so the API and the web app ask the same question and get the same answer.
//! The API's `error` module is the one place that turns these into statuses.

use crate::permission::Action;
use crate::FieldError;

/// A step the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    /// Not a step from the current state (409, listing the steps that are).
    NotAllowed {
        /// What moves: `case`, `request`.
        what: &'static str,
        /// The current state.
        from: &'static str,
        /// The state asked for.
        to: &'static str,
        /// The states reachable from `from`.
        allowed: Vec<&'static str>,
    },
    /// The actor may not take this step (403). The API asks its own authorisation module
    /// instead, which also knows API clients' scopes; this is for callers that know only a role.
    Forbidden(Action),
    /// The step is someone else's to take (403): a stable code and why.
    NotYours(&'static str, &'static str),
    /// The thing is past the point where the step is possible (409): a stable code and why.
    TooLate(&'static str, &'static str),
    /// The thing has not reached the point where the step is possible (409): a code and why.
    NotYet(&'static str, &'static str),
    /// Fields missing, not wanted or wrong for this step (422).
    Fields(Vec<FieldError>),
}

impl RuleError {
    /// One field at fault.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Fields(vec![FieldError::new(field, code, message)])
    }

    /// Not a step from `from`: names the reachable ones.
    pub fn not_allowed(
        what: &'static str,
        from: &'static str,
        to: &'static str,
        allowed: impl IntoIterator<Item = &'static str>,
    ) -> Self {
        Self::NotAllowed {
            what,
            from,
            to,
            allowed: allowed.into_iter().collect(),
        }
    }
}

/// The permission check of a role, for the rules' own tests (the API asks `authz`, the web app
/// the role's `Action::allowed_for`).
#[cfg(test)]
pub fn by_role(role: crate::user::Role) -> impl FnMut(Action) -> Result<(), RuleError> {
    move |a| {
        if a.allowed_for(role) {
            Ok(())
        } else {
            Err(RuleError::Forbidden(a))
        }
    }
}
