//! Training: topics, courses, sessions, enrolments, attendance, certificates, questionnaires.

use lumit_shared::training::{
    Answers, Certificate, CertificateCheck, Course, CourseAttendance, CoursePatch, Enrolment,
    Feedback, Mark, NewCourse, NewEnrolment, NewSession, NewTopic, QuestionnaireInvite, Session,
    SessionAttendance, Topic, TopicPatch,
};

use super::{enc, ApiError, ApiPath, Method};

/// The topics.
pub async fn topics() -> Result<Vec<Topic>, ApiError> {
    super::get("/api/v1/training/topics").await
}

/// Adds a topic.
pub async fn create_topic(body: &NewTopic) -> Result<Topic, ApiError> {
    super::post("/api/v1/training/topics", body).await
}

/// Changes a topic.
pub async fn update_topic(id: &str, body: &TopicPatch) -> Result<Topic, ApiError> {
    super::patch(&format!("/api/v1/training/topics/{id}"), body, None).await
}

/// The courses' path, for a paged list with its filters.
pub fn courses() -> ApiPath {
    ApiPath::new("/api/v1/training/courses")
}

/// One course.
pub async fn course(id: &str) -> Result<Course, ApiError> {
    super::get(&format!("/api/v1/training/courses/{id}")).await
}

/// One course with its `ETag`, to edit it.
pub async fn course_tagged(id: &str) -> Result<(Course, Option<String>), ApiError> {
    super::get_tagged(&format!("/api/v1/training/courses/{id}")).await
}

/// Plans a course.
pub async fn create_course(body: &NewCourse) -> Result<Course, ApiError> {
    super::post("/api/v1/training/courses", body).await
}

/// Changes a course (`If-Match` the version read).
pub async fn update_course(
    id: &str,
    body: &CoursePatch,
    etag: Option<&str>,
) -> Result<Course, ApiError> {
    super::patch(&format!("/api/v1/training/courses/{id}"), body, etag).await
}

/// The sessions of all courses between two days.
pub async fn sessions_between(
    from: impl std::fmt::Display,
    to: impl std::fmt::Display,
) -> Result<Vec<Session>, ApiError> {
    super::get(&format!("/api/v1/training/sessions?from={from}&to={to}")).await
}

/// A course's sessions.
pub async fn sessions(course_id: &str) -> Result<Vec<Session>, ApiError> {
    super::get(&format!("/api/v1/training/courses/{course_id}/sessions")).await
}

/// Adds a session to a course.
pub async fn add_session(course_id: &str, body: &NewSession) -> Result<Session, ApiError> {
    super::post(
        &format!("/api/v1/training/courses/{course_id}/sessions"),
        body,
    )
    .await
}

/// One session.
pub async fn session(id: &str) -> Result<Session, ApiError> {
    super::get(&format!("/api/v1/training/sessions/{id}")).await
}

/// The sign-in sheet (PDF) of a session in a language.
pub fn sign_in_sheet(session_id: &str, lang: &str) -> ApiPath {
    ApiPath::new(format!(
        "/api/v1/training/sessions/{session_id}/sign-in-sheet?lang={lang}"
    ))
}

/// The attendance of a session.
pub async fn session_attendance(id: &str) -> Result<Vec<SessionAttendance>, ApiError> {
    super::get(&format!("/api/v1/training/sessions/{id}/attendance")).await
}

/// Marks a participant's presence at a session.
pub async fn mark(
    session_id: &str,
    enrolment_id: &str,
    body: &Mark,
) -> Result<SessionAttendance, ApiError> {
    super::put(
        &format!("/api/v1/training/sessions/{session_id}/attendance/{enrolment_id}"),
        body,
    )
    .await
}

/// The hours attended in a course.
pub async fn course_attendance(course_id: &str) -> Result<CourseAttendance, ApiError> {
    super::get(&format!("/api/v1/training/courses/{course_id}/attendance")).await
}

/// A course's enrolments.
pub async fn enrolments(course_id: &str) -> Result<Vec<Enrolment>, ApiError> {
    super::get(&format!("/api/v1/training/courses/{course_id}/enrolments")).await
}

/// Enrols someone in a course.
pub async fn enrol(course_id: &str, body: &NewEnrolment) -> Result<Enrolment, ApiError> {
    super::post(
        &format!("/api/v1/training/courses/{course_id}/enrolments"),
        body,
    )
    .await
}

/// Withdraws an enrolment.
pub async fn withdraw(enrolment_id: &str) -> Result<Enrolment, ApiError> {
    super::post(
        &format!("/api/v1/training/enrolments/{enrolment_id}/withdrawal"),
        &serde_json::json!({}),
    )
    .await
}

/// Anonymises a participant.
pub async fn anonymise_participant(participant_id: &str) -> Result<(), ApiError> {
    super::no_content::<()>(
        Method::POST,
        &format!("/api/v1/training/participants/{participant_id}/anonymise"),
        None,
    )
    .await
}

/// A course's certificates.
pub async fn certificates(course_id: &str) -> Result<Vec<Certificate>, ApiError> {
    super::get(&format!(
        "/api/v1/training/courses/{course_id}/certificates"
    ))
    .await
}

/// Issues the certificates a course's attendance earned.
pub async fn issue_certificates(course_id: &str) -> Result<Vec<Certificate>, ApiError> {
    super::post(
        &format!("/api/v1/training/courses/{course_id}/certificates"),
        &serde_json::json!({}),
    )
    .await
}

/// A certificate's PDF.
pub fn certificate_pdf(id: &str) -> ApiPath {
    ApiPath::new(format!("/api/v1/training/certificates/{id}/pdf"))
}

/// Checks a certificate by its code.
pub async fn check_certificate(code: &str) -> Result<CertificateCheck, ApiError> {
    super::get(&format!("/api/v1/certificates/{}", enc(code))).await
}

/// The questionnaire behind an invitation.
pub async fn invitation(token: &str) -> Result<QuestionnaireInvite, ApiError> {
    super::get(&format!("/api/v1/questionnaire/{token}")).await
}

/// Answers a questionnaire.
pub async fn answer_questionnaire(token: &str, body: &Answers) -> Result<(), ApiError> {
    super::no_content(
        Method::POST,
        &format!("/api/v1/questionnaire/{token}"),
        Some(body),
    )
    .await
}

/// A course's questionnaire results.
pub async fn feedback(course_id: &str) -> Result<Feedback, ApiError> {
    super::get(&format!(
        "/api/v1/training/courses/{course_id}/questionnaire"
    ))
    .await
}

/// Sends a course's questionnaire to its participants.
pub async fn send_questionnaire(course_id: &str) -> Result<Feedback, ApiError> {
    super::post(
        &format!("/api/v1/training/courses/{course_id}/questionnaire"),
        &serde_json::json!({}),
    )
    .await
}
