//! Training in the database: topics, courses with their trainers, sessions, participants and
//! enrolments.

pub mod attendance;
pub mod certificate;
pub mod course;
pub mod enrolment;
pub mod questionnaire;
pub mod session;
pub mod topic;
