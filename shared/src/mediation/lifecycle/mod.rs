//! The life cycle of a service request: which steps exist, whose each step is, and what it
//! needs. The API applies it before writing; the web app offers only the steps it allows.

use chrono::{Duration, NaiveDateTime};

use super::{JobOutcome, RequestStatus, RequestTransition};
use crate::rule::RuleError;
use crate::validate::{optional_text, required_paragraphs, Errors};
use crate::FieldError;

/// A cancellation this close to the start is late: the mediator has kept the time free, so the
/// job is billed and counted apart.
pub const LATE_CANCELLATION_HOURS: i64 = 24;

/// Whose a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The coordinators, who approve, reject and assign.
    Coordination,
    /// The mediator the job is assigned to (or the coordinators on their behalf).
    AssignedMediator,
    /// Those who file requests for the request's municipality.
    Requester,
}

/// The kinds of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// Submitted → approved.
    Approve,
    /// Submitted or approved → rejected, with a reason.
    Reject,
    /// Approved → assigned, naming the mediator.
    Assign,
    /// Assigned → confirmed by the mediator.
    Confirm,
    /// Assigned or confirmed → approved again: the mediator gives the job back, with a reason.
    Decline,
    /// Confirmed → completed, with the minutes worked and the outcome.
    Complete,
    /// Any open state → cancelled, with a reason.
    Cancel,
}

impl StepKind {
    /// Whose step it is.
    pub fn party(self) -> Party {
        match self {
            Self::Approve | Self::Reject | Self::Assign => Party::Coordination,
            Self::Confirm | Self::Decline | Self::Complete => Party::AssignedMediator,
            Self::Cancel => Party::Requester,
        }
    }

    /// The fields of the body this step takes; others are refused rather than ignored.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Self::Approve | Self::Confirm => &[],
            Self::Reject | Self::Decline | Self::Cancel => &["reason"],
            Self::Assign => &["mediator_id"],
            Self::Complete => &["actual_start", "actual_minutes", "outcome", "notes"],
        }
    }
}

/// A step the rules allow, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestMove {
    /// Approve.
    Approve,
    /// Reject, saying why.
    Reject {
        /// Why.
        reason: String,
    },
    /// Book a mediator (whether they are free is the API's check: it needs their other jobs).
    Assign {
        /// The mediator.
        mediator_id: String,
    },
    /// The mediator confirms.
    Confirm,
    /// The mediator gives the job back. Why is theirs (it may be their health): it goes to the
    /// history, which only coordinators read in full, not on the request.
    Decline {
        /// Why.
        reason: String,
    },
    /// Done.
    Complete {
        /// Actual start (the planned one when not given).
        actual_start: Option<NaiveDateTime>,
        /// Minutes worked.
        actual_minutes: i32,
        /// How it went.
        outcome: JobOutcome,
        /// Notes.
        notes: Option<String>,
    },
    /// Called off.
    Cancel {
        /// Why.
        reason: String,
        /// Under `LATE_CANCELLATION_HOURS` before the start.
        late: bool,
    },
}

impl RequestMove {
    /// The kind of step.
    pub fn kind(&self) -> StepKind {
        match self {
            Self::Approve => StepKind::Approve,
            Self::Reject { .. } => StepKind::Reject,
            Self::Assign { .. } => StepKind::Assign,
            Self::Confirm => StepKind::Confirm,
            Self::Decline { .. } => StepKind::Decline,
            Self::Complete { .. } => StepKind::Complete,
            Self::Cancel { .. } => StepKind::Cancel,
        }
    }
}

/// Whether calling off a job that starts at `starts_at` is late at `now` (local times).
pub fn late_cancellation(starts_at: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    starts_at.is_some_and(|s| s - now < Duration::hours(LATE_CANCELLATION_HOURS))
}

impl RequestStatus {
    /// Where a request may go from here. `assigned`/`confirmed` → `approved` is the mediator
    /// declining (with a reason).
    pub fn next(self) -> &'static [RequestStatus] {
        use RequestStatus::*;
        match self {
            Submitted => &[Approved, Rejected, Cancelled],
            Approved => &[Assigned, Rejected, Cancelled],
            Assigned => &[Confirmed, Approved, Cancelled],
            Confirmed => &[Completed, Approved, Cancelled],
            Rejected | Completed | Cancelled => &[],
        }
    }

    /// A mediator is booked for the job in these states.
    pub fn books_mediator(self) -> bool {
        matches!(self, Self::Assigned | Self::Confirmed)
    }

    /// The kind of the step from here to `to`, if it is one.
    pub fn step(self, to: RequestStatus) -> Option<StepKind> {
        use RequestStatus::*;
        if !self.next().contains(&to) {
            return None;
        }
        match to {
            Approved if self.books_mediator() => Some(StepKind::Decline),
            Approved => Some(StepKind::Approve),
            Rejected => Some(StepKind::Reject),
            Assigned => Some(StepKind::Assign),
            Confirmed => Some(StepKind::Confirm),
            Completed => Some(StepKind::Complete),
            Cancelled => Some(StepKind::Cancel),
            Submitted => None,
        }
    }

    /// The steps from here that an actor who is these parties may take.
    pub fn steps(self, is: impl Fn(Party) -> bool) -> Vec<StepKind> {
        self.next()
            .iter()
            .filter_map(|&to| self.step(to))
            .filter(|k| is(k.party()))
            .collect()
    }

    /// Checks a step: possible from here (else the reachable ones), the actor's to take (`may`
    /// answers whether the actor is that party, with the caller's own refusal), only the fields
    /// the step takes, and those it needs. `t` has been through `RequestTransition::parse`;
    /// `starts_at` and `now` are local times, for a late cancellation.
    pub fn move_to<E: From<RuleError>>(
        self,
        t: &RequestTransition,
        starts_at: Option<NaiveDateTime>,
        now: NaiveDateTime,
        mut may: impl FnMut(Party) -> Result<(), E>,
    ) -> Result<RequestMove, E> {
        let Some(kind) = self.step(t.to) else {
            return Err(RuleError::not_allowed(
                "request",
                self.as_str(),
                t.to.as_str(),
                self.next().iter().map(|s| s.as_str()),
            )
            .into());
        };
        may(kind.party())?;
        only(t, kind.fields())?;
        let reason = |what: &str| {
            t.reason.clone().ok_or_else(|| {
                RuleError::field("reason", "required", format!("say why it is {what}"))
            })
        };
        Ok(match kind {
            StepKind::Approve => RequestMove::Approve,
            StepKind::Confirm => RequestMove::Confirm,
            StepKind::Reject => RequestMove::Reject {
                reason: reason("rejected")?,
            },
            StepKind::Decline => RequestMove::Decline {
                reason: reason("declined")?,
            },
            StepKind::Cancel => RequestMove::Cancel {
                reason: reason("cancelled")?,
                late: late_cancellation(starts_at, now),
            },
            StepKind::Assign => RequestMove::Assign {
                mediator_id: t.mediator_id.clone().ok_or_else(|| {
                    RuleError::field("mediator_id", "required", "choose a mediator")
                })?,
            },
            StepKind::Complete => {
                let mut e = Vec::new();
                let minutes = match t.actual_minutes {
                    Some(m) if (1..=1440).contains(&m) => Some(m),
                    Some(_) => {
                        e.push(FieldError::new(
                            "actual_minutes",
                            "out_of_range",
                            "must be between 1 and 1440",
                        ));
                        None
                    }
                    None => {
                        e.push(FieldError::new(
                            "actual_minutes",
                            "required",
                            "say how long the job took",
                        ));
                        None
                    }
                };
                if t.outcome.is_none() {
                    e.push(FieldError::new("outcome", "required", "say how it went"));
                }
                match (minutes, t.outcome) {
                    (Some(actual_minutes), Some(outcome)) if e.is_empty() => {
                        RequestMove::Complete {
                            actual_start: t.actual_start.or(starts_at),
                            actual_minutes,
                            outcome,
                            notes: t.notes.clone(),
                        }
                    }
                    _ => return Err(RuleError::Fields(e).into()),
                }
            }
        })
    }
}

/// Fields that belong to another kind of step are refused rather than ignored.
fn only(t: &RequestTransition, allowed: &[&str]) -> Result<(), RuleError> {
    let present = [
        ("reason", t.reason.is_some()),
        ("mediator_id", t.mediator_id.is_some()),
        ("actual_start", t.actual_start.is_some()),
        ("actual_minutes", t.actual_minutes.is_some()),
        ("outcome", t.outcome.is_some()),
        ("notes", t.notes.is_some()),
    ];
    let errors: Vec<FieldError> = present
        .iter()
        .filter(|(f, p)| *p && !allowed.contains(f))
        .map(|(f, _)| FieldError::new(*f, "not_allowed", "not for this step"))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(RuleError::Fields(errors))
    }
}

impl RequestTransition {
    /// Trims the texts (a blank reason or note is none) and bounds them: a reason 1,000
    /// characters, notes 2,000.
    pub fn parse(mut self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.reason = errors
            .take("reason", optional_text(self.reason.as_deref(), 1000))
            .flatten();
        self.notes = match self.notes.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(n) => errors.take("notes", required_paragraphs(n, 2000)),
        };
        errors.finish(|| self)
    }
}

#[cfg(test)]
mod tests;
