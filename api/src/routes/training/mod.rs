//! `/api/v1/training/…`: the training programme for the staff of public offices. Everyone sees
//! the programme (trainers only the courses they teach); coordinators plan it; coordinators and
//! municipal officers enrol participants (officers only their municipalities' staff).

mod attendance;
mod certificates;
mod courses;
mod enrolments;
mod questionnaire;
mod sessions;
mod topics;

pub use attendance::*;
pub use certificates::*;
pub use courses::*;
pub use enrolments::*;
pub use questionnaire::*;
pub use sessions::*;
pub use topics::*;

use lumit_shared::user::Role;

use crate::auth::Actor;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::models::training::course;

/// Trainers see only the courses they teach: any other is not found for them.
fn may_see_course(c: &mut DbConn, actor: &Actor, course_id: &str) -> ApiResult<()> {
    if actor.role == Some(Role::Trainer) && !course::teaches(c, course_id, &actor.id)? {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// The courses a trainer may see (`None`: every course).
fn trainer_filter(actor: &Actor) -> Option<String> {
    (actor.role == Some(Role::Trainer)).then(|| actor.id.clone())
}

/// Whose enrolments the actor sees: every participant's, or only those of their municipalities
/// (officers).
fn participants_scope(actor: &Actor) -> Option<Vec<String>> {
    (actor.role == Some(Role::MunicipalOfficer)).then(|| actor.municipality_ids.clone())
}

/// Refuses what needs the course over (certificates, the questionnaire) before its last session
/// has ended; a course with no session is never over.
fn require_over(c: &mut DbConn, course_id: &str, detail: &'static str) -> ApiResult<()> {
    let last_end = crate::models::training::session::of_course(c, course_id)?
        .iter()
        .map(|s| s.ends_at)
        .max();
    if last_end.is_none_or(|end| end > crate::scheduling::local_now()) {
        return Err(lumit_shared::rule::RuleError::NotYet("course_not_over", detail).into());
    }
    Ok(())
}
