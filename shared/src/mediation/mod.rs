//! Mediators and translators, and the service requests municipalities file for them.
//!
//! Times of jobs and availability are local times in Italy (Europe/Rome), as people say them:
//! "Tuesday at 10:00". They are sent without an offset (`2026-12-01T10:00:00`).

mod availability;
mod lifecycle;
mod matching;
mod mediator;
mod new_request;
mod request;
mod timesheet;

pub use availability::*;
pub use lifecycle::{late_cancellation, Party, RequestMove, StepKind, LATE_CANCELLATION_HOURS};
pub use matching::*;
pub use mediator::*;
pub use new_request::*;
pub use request::*;
pub use timesheet::*;
