//! `/api/v1/training/…`: the training programme for the staff of public offices. Everyone sees
//! the programme (trainers only the courses they teach); coordinators plan it; coordinators and
//! municipal officers enrol participants (officers only their municipalities' staff).

mod attendance;
mod courses;
mod enrolments;
mod questionnaire;
mod sessions;
mod topics;

pub use attendance::*;
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
