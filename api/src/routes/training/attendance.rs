//! `/api/v1/training/…/attendance`: taking attendance at a session (a tap per person, at the
//! door) and a course's hours per participant and rate per session.

use actix_web::{get, put, web, HttpResponse};
use lumit_shared::training::{may_take_attendance, CourseAttendance, Mark, SessionAttendance};
use serde::Serialize;

use super::{may_see_course, participants_scope};
use crate::access;
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::training::{attendance as model, course, enrolment, session};
use crate::scheduling::local_now;
use crate::state::AppState;

/// What the audit log keeps of a mark: no name.
#[derive(Serialize)]
struct Trace<'a> {
    session_id: &'a str,
    enrolment_id: &'a str,
    presence: &'static str,
    minutes: i64,
}

/// Who holds a place at a session, with what was recorded for each. Permission: admin,
/// coordinator, the course's trainers.
#[utoipa::path(
    operation_id = "getSessionAttendance",
    tag = "training",
    params(("id" = String, Path, description = "Session id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The participants and their marks", body = Vec<SessionAttendance>))
)]
#[get("/training/sessions/{id}/attendance")]
pub async fn session_attendance(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::TakeAttendance)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let list = state
        .db
        .read(move |c| {
            let (s, _) = session::find(c, &id)?;
            may_see_course(c, &actor, &s.course_id)?;
            Ok(model::of_session(c, &s)?)
        })
        .await?;
    let shown: Vec<String> = list.iter().map(|a| a.participant_id.clone()).collect();
    state
        .access
        .wait_written(access::Shown::page(
            &ctx,
            "training.attendance",
            "training_attendance",
            shown,
        ))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Record (or correct) one participant's attendance: present, absent, or present for some
/// minutes. Only once the session has started. Permission: admin, coordinator, the course's
/// trainers.
///
/// Beyond the schema: the enrolment must be one of the session's course; `minutes` only for
/// `partial`, less than the session lasts (422).
#[utoipa::path(
    operation_id = "markAttendance",
    tag = "training",
    params(
        ("id" = String, Path, description = "Session id"),
        ("enrolment_id" = String, Path, description = "Enrolment id")
    ),
    request_body = Mark,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = SessionAttendance),
        (status = 409, description = "The session has not started", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[put("/training/sessions/{id}/attendance/{enrolment_id}")]
pub async fn mark_attendance(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::TakeAttendance)?;
    let input: Mark = body.json().await?;
    let (id, enrolment_id) = path.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let by = actor.id.clone();
    let row = state
        .db
        .write_then_chain(move |c| {
            let (s, _) = session::find(c, &id)?;
            may_see_course(c, &actor, &s.course_id)?;
            may_take_attendance(local_now(), s.starts_at)?;
            let valid = input
                .parse((s.ends_at - s.starts_at).num_minutes())
                .map_err(ApiError::Validation)?;
            let (e, _) = enrolment::find(c, &enrolment_id)?;
            model::mark(c, &s, &e, valid, Some(&by))?;
            audit::record(
                c,
                &ctx,
                Event::new("training.attendance.mark", "training_session", &s.id).changes(
                    audit::diff(
                        None,
                        Some(&Trace {
                            session_id: &s.id,
                            enrolment_id: &e.id,
                            presence: valid.presence.as_str(),
                            minutes: valid.minutes,
                        }),
                    ),
                ),
            )?;
            model::of_session(c, &s)?
                .into_iter()
                .find(|a| a.enrolment_id == e.id)
                .ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(row))
}

/// A course's attendance: hours and per cent per participant holding a place (and whether a
/// certificate is due), the rate of each session, hours planned and delivered. Permission:
/// admin, coordinator, the course's trainers; municipal officers see their municipalities' staff.
#[utoipa::path(
    operation_id = "getCourseAttendance",
    tag = "training",
    params(("id" = String, Path, description = "Course id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The course's attendance", body = CourseAttendance))
)]
#[get("/training/courses/{id}/attendance")]
pub async fn course_attendance(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadEnrolments)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let scope = participants_scope(&actor);
    let report = state
        .db
        .read(move |c| {
            let row = course::find(c, &id)?;
            may_see_course(c, &actor, &id)?;
            let sessions = session::of_course(c, &id)?;
            Ok(model::of_course(
                c,
                &sessions,
                &id,
                row.min_attendance_percent,
                local_now(),
                scope.as_deref(),
            )?)
        })
        .await?;
    let shown: Vec<String> = report
        .participants
        .iter()
        .map(|p| p.participant_id.clone())
        .collect();
    state
        .access
        .wait_written(access::Shown::page(
            &ctx,
            "training.hours",
            "training_attendance",
            shown,
        ))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
