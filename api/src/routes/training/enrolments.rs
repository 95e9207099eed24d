//! `/api/v1/training/…/enrolments`: who is enrolled in a course, enrolling and withdrawing.
//! Participants' names and e-mails are personal data: lists are in the access log, and the audit
//! log holds ids and states only.

use actix_web::{get, post, web, HttpResponse};
use lumit_shared::training::{not_your_municipality, Enrolment, EnrolmentStatus, NewEnrolment};
use serde::Serialize;

use super::{may_see_course, participants_scope};
use crate::access;
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::training::{course, enrolment as model};
use crate::state::AppState;

/// What the audit log keeps of an enrolment: no name, no address.
#[derive(Serialize)]
struct Trace<'a> {
    course_id: &'a str,
    participant_id: &'a str,
    status: EnrolmentStatus,
}

/// A course's enrolments: those holding a place, the waiting list in order, those who withdrew.
/// Permission: admin, coordinator, the course's trainers; municipal officers see their
/// municipalities' staff.
#[utoipa::path(
    operation_id = "listEnrolments",
    tag = "training",
    params(("id" = String, Path, description = "Course id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The enrolments", body = Vec<Enrolment>))
)]
#[get("/training/courses/{id}/enrolments")]
pub async fn list_enrolments(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadEnrolments)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let scope = participants_scope(&actor);
    let list = state
        .db
        .read(move |c| {
            course::find(c, &id)?;
            may_see_course(c, &actor, &id)?;
            Ok(model::of_course(c, &id, scope.as_deref())?
                .into_iter()
                .map(|(e, p, pos)| e.into_api(p, pos))
                .collect::<Vec<Enrolment>>())
        })
        .await?;
    let shown = list.iter().map(|e| e.participant.id.clone());
    state
        .access
        .wait_written(access::Shown::page(
            &ctx,
            "training.enrolments",
            "training_enrolments",
            shown,
        ))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Enrol a participant in a course: found by e-mail (one participant across courses, their
/// details brought up to date) or registered. A place while the course has one, the waiting
/// list after. Permission: admin, coordinator; municipal officers enrol only the staff of their
/// municipalities (an Unione's officer, of its members).
///
/// Beyond the schema: an office of the registry (which must exist) or an organisation, one of the
/// two; a participant is enrolled once per course (422).
#[utoipa::path(
    operation_id = "createEnrolment",
    tag = "training",
    params(("id" = String, Path, description = "Course id")),
    request_body = NewEnrolment,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Enrolled, or on the waiting list (`status`)", body = Enrolment),
        (status = 422, description = "Invalid, already enrolled, or not the officer's municipality", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/training/courses/{id}/enrolments")]
pub async fn enrol(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::EnrolParticipants)?;
    let input: NewEnrolment = body.json().await?;
    let valid = input.parse().map_err(ApiError::Validation)?;
    let officer = participants_scope(&actor).is_some();
    if officer
        && !valid
            .municipality_id
            .as_deref()
            .is_some_and(|m| actor.covers(m))
    {
        return Err(ApiError::Validation(vec![not_your_municipality()]));
    }
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let by = actor.id.clone();
    let enrolment = state
        .db
        .write(move |c| {
            let course_row = course::find(c, &id)?;
            // Someone already registered elsewhere stays out of an officer's reach.
            if let Some(p) = model::participant_by_email(c, &valid.email)? {
                if officer
                    && !p
                        .municipality_id
                        .as_deref()
                        .is_some_and(|m| actor.covers(m))
                {
                    return Err(ApiError::Validation(vec![not_your_municipality()]));
                }
            }
            course::lock_enrolments(c, &id)?;
            let p = model::save_participant(c, &valid)?;
            let e = model::enrol(c, &id, &p.id, Some(&by))?;
            audit::record(
                c,
                &ctx,
                Event::new("training.enrolment.create", "training_enrolment", &e.id)
                    .municipality(p.municipality_id.as_deref())
                    .changes(audit::diff(
                        None,
                        Some(&Trace {
                            course_id: &id,
                            participant_id: &p.id,
                            status: e.status(),
                        }),
                    )),
            )?;
            tell(c, &course_row, &p, e.status())?;
            let position = model::of_course(c, &id, None)?
                .into_iter()
                .find(|r| r.0.id == e.id)
                .and_then(|r| r.2);
            Ok(e.into_api(p, position))
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!(
                "/api/v1/training/courses/{}/enrolments",
                enrolment.course_id
            ),
        ))
        .json(enrolment))
}

/// Withdraw an enrolment; a freed place goes to the first on the waiting list. Permission:
/// admin, coordinator; municipal officers for their municipalities' staff.
#[utoipa::path(
    operation_id = "withdrawEnrolment",
    tag = "training",
    params(("id" = String, Path, description = "Enrolment id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = Enrolment),
        (status = 409, description = "Already withdrawn", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/training/enrolments/{id}/withdrawal")]
pub async fn withdraw(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::EnrolParticipants)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let officer = participants_scope(&actor).is_some();
    let enrolment = state
        .db
        .write(move |c| {
            let (e, p) = model::find(c, &id)?;
            if officer
                && !p
                    .municipality_id
                    .as_deref()
                    .is_some_and(|m| actor.covers(m))
            {
                return Err(ApiError::NotFound);
            }
            course::lock_enrolments(c, &e.course_id)?;
            model::withdraw(c, &e)?;
            audit::record(
                c,
                &ctx,
                Event::new("training.enrolment.withdraw", "training_enrolment", &e.id)
                    .municipality(p.municipality_id.as_deref())
                    .changes(audit::diff(
                        Some(&Trace {
                            course_id: &e.course_id,
                            participant_id: &p.id,
                            status: e.status(),
                        }),
                        Some(&Trace {
                            course_id: &e.course_id,
                            participant_id: &p.id,
                            status: EnrolmentStatus::Withdrawn,
                        }),
                    )),
            )?;
            super::sessions::move_up(c, &ctx, &e.course_id)?;
            let (e, p) = model::find(c, &id)?;
            Ok(e.into_api(p, None))
        })
        .await?;
    Ok(HttpResponse::Ok().json(enrolment))
}

/// Writes the participant's message about their enrolment into the outbox, in this transaction.
pub(super) fn tell(
    c: &mut crate::db::DbConn,
    course: &course::CourseRow,
    p: &model::ParticipantRow,
    status: EnrolmentStatus,
) -> ApiResult<()> {
    if let Some(m) = crate::mail::texts::enrolment(c, course, p, status)? {
        crate::models::outbox::enqueue(c, &m)?;
    }
    Ok(())
}

/// Anonymise a participant for good (right to erasure): their name, address, job title and
/// organisation are gone from the participant and from the messages written to them; places
/// they never used are withdrawn (the waiting list moves up), those they attended stay, as does
/// the municipality, for the programme's figures. Permission: admin.
#[utoipa::path(
    operation_id = "anonymiseParticipant",
    tag = "training",
    params(("id" = String, Path, description = "Participant id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Anonymised"))
)]
#[post("/training/participants/{id}/anonymise")]
pub async fn anonymise_participant(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::AnonymisePeople)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    state
        .db
        .write(move |c| {
            let freed = model::anonymise_participant(c, &id)?;
            audit::record(
                c,
                &ctx,
                Event::new(
                    "training.participant.anonymise",
                    "training_participant",
                    &id,
                ),
            )?;
            for course_id in freed {
                super::sessions::move_up(c, &ctx, &course_id)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
