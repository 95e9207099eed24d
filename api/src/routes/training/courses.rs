//! `/api/v1/training/courses`: courses, their figures, and their sessions.

use actix_web::{get, patch, post, web, HttpResponse};
use lumit_shared::training::{Course, CoursePatch, NewCourse, NewSession, Session};
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{may_see_course, trainer_filter};
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, Query, RequestMeta};
use crate::models::training::{course as model, session};
use crate::pagination::Pager;
use crate::routes::{created, with_etag};
use crate::state::AppState;

/// Filters of the course list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CourseQuery {
    /// Part of the title (case and accents ignored).
    pub q: Option<String>,
    /// One topic.
    pub topic_id: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// List courses by title, with their figures. Permission: any staff account; trainers see the
/// courses they teach.
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listCourses",
    tag = "training",
    params(CourseQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of courses", body = Page<Course>))
)]
#[get("/training/courses")]
pub async fn list_courses(
    actor: Actor,
    state: web::Data<AppState>,
    q: Query<CourseQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadTraining)?;
    let q = q.0;
    let mut pager = Pager::<model::Cursor>::new(q.limit, q.cursor.as_deref())?;
    let (limit, after) = pager.query();
    let filter = model::Filter {
        q: q.q,
        topic_id: q.topic_id,
        trainer_id: trainer_filter(&actor),
    };
    let page = state
        .db
        .read(move |c| {
            let rows = model::list(c, &filter, after, limit)?;
            let (rows, next_cursor) = pager.cut(rows, |r| {
                model::Cursor(r.title_folded.clone(), r.id.clone())
            });
            Ok(Page {
                items: model::to_api(c, rows)?,
                next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Plan a course. Permission: admin, coordinator.
///
/// Beyond the schema: the topic must exist and the trainers be accounts with the trainer role
/// (422).
#[utoipa::path(
    operation_id = "createCourse",
    tag = "training",
    request_body = NewCourse,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Course))
)]
#[post("/training/courses")]
pub async fn create_course(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::PlanTraining)?;
    let input: NewCourse = body.json().await?;
    let valid = input.parse().map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let by = actor.id.clone();
    let (version, course) = state
        .db
        .write(move |c| {
            let row = model::insert(c, &valid, Some(&by))?;
            let version = row.version;
            let course = model::one_to_api(c, row)?;
            audit::record(
                c,
                &ctx,
                Event::new("training.course.create", "training_course", &course.id)
                    .changes(audit::diff(None, Some(&course))),
            )?;
            Ok((version, course))
        })
        .await?;
    Ok(created(
        &format!("/api/v1/training/courses/{}", course.id),
        version,
        &course,
    ))
}

/// Read a course with its figures. Permission: any staff account; trainers only the courses
/// they teach.
#[utoipa::path(
    operation_id = "getCourse",
    tag = "training",
    params(("id" = String, Path, description = "Course id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The course; `ETag` carries its version", body = Course))
)]
#[get("/training/courses/{id}")]
pub async fn get_course(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadTraining)?;
    let id = id.into_inner();
    let (version, course) = state
        .db
        .read(move |c| {
            let row = model::find(c, &id)?;
            may_see_course(c, &actor, &id)?;
            Ok((row.version, model::one_to_api(c, row)?))
        })
        .await?;
    Ok(with_etag(version, &course))
}

/// Change a course (only the fields sent). Honours `If-Match`. Permission: admin, coordinator.
///
/// Beyond the schema: `If-Match` must be the course's current `ETag` (412 otherwise); the topic
/// must exist and the trainers be accounts with the trainer role (422).
#[utoipa::path(
    operation_id = "updateCourse",
    tag = "training",
    params(
        ("id" = String, Path, description = "Course id"),
        ("If-Match" = Option<String>, Header, description = "ETag from a previous read")
    ),
    request_body = CoursePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Course),
        (status = 412, description = "Stale `If-Match`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[patch("/training/courses/{id}")]
pub async fn update_course(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::PlanTraining)?;
    let patch: CoursePatch = body.json().await?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, course) = state
        .db
        .write(move |c| {
            let cur = model::find(c, &id)?;
            if_match.check(cur.version)?;
            let before = model::one_to_api(c, cur.clone())?;
            let valid = patch.apply(&before).map_err(ApiError::Validation)?;
            let row = model::update(c, &cur, &valid)?;
            let version = row.version;
            let after = model::one_to_api(c, row)?;
            audit::record(
                c,
                &ctx,
                Event::new("training.course.update", "training_course", &id)
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok((version, after))
        })
        .await?;
    Ok(with_etag(version, &course))
}

/// A course's sessions, by start. Permission: any staff account; trainers only for the courses
/// they teach.
#[utoipa::path(
    operation_id = "listCourseSessions",
    tag = "training",
    params(("id" = String, Path, description = "Course id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The sessions", body = Vec<Session>))
)]
#[get("/training/courses/{id}/sessions")]
pub async fn course_sessions(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadTraining)?;
    let id = id.into_inner();
    let list = state
        .db
        .read(move |c| {
            let course = model::find(c, &id)?;
            may_see_course(c, &actor, &id)?;
            Ok(session::of_course(c, &id)?
                .into_iter()
                .map(|s| s.into_api(course.title.clone()))
                .collect::<Vec<Session>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Add a session to a course: a day, a start and an end, a place (an office of the registry, a
/// free address, or a link) and its seats. A room can't hold two sessions at once, and the
/// seats can't be fewer than the participants enrolled; more seats move the waiting list up.
/// Permission: admin, coordinator.
///
/// Beyond the schema: the place fields of its `place_kind` and no other (an office that exists, an
/// address, or a link); the end after the start; the room free at that time (422).
#[utoipa::path(
    operation_id = "createSession",
    tag = "training",
    params(("id" = String, Path, description = "Course id")),
    request_body = NewSession,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Session))
)]
#[post("/training/courses/{id}/sessions")]
pub async fn create_session(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::PlanTraining)?;
    let input: NewSession = body.json().await?;
    let valid = input.parse().map_err(ApiError::Validation)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, s) = state
        .db
        .write(move |c| {
            let course = model::find(c, &id)?;
            model::lock_enrolments(c, &id)?;
            let row = session::insert(c, &id, &valid)?;
            let version = row.version;
            let s = row.into_api(course.title);
            audit::record(
                c,
                &ctx,
                Event::new("training.session.create", "training_session", &s.id)
                    .changes(audit::diff(None, Some(&s))),
            )?;
            super::sessions::move_up(c, &ctx, &id)?;
            Ok((version, s))
        })
        .await?;
    Ok(created(
        &format!("/api/v1/training/sessions/{}", s.id),
        version,
        &s,
    ))
}
