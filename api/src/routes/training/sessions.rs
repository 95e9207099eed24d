//! `/api/v1/training/sessions`: the programme's calendar and changes to a session.

use actix_web::{get, patch, web, HttpResponse};
use chrono::{Datelike, Duration, NaiveDate};
use lumit_shared::training::{Session, SessionPatch};
use lumit_shared::FieldError;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{may_see_course, trainer_filter};
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, Query, RequestMeta};
use crate::models::training::{course, enrolment, session as model};
use crate::routes::with_etag;
use crate::state::AppState;

/// The longest stretch the calendar answers at once.
const MAX_DAYS: i64 = 400;

/// The stretch of the calendar.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// First day (default: the first of this month).
    pub from: Option<NaiveDate>,
    /// Last day, included (default: three months on); at most 400 days after `from`.
    pub to: Option<NaiveDate>,
}

/// The programme's calendar: sessions starting between two days, by start. Permission: any
/// staff account; trainers see the sessions of the courses they teach.
///
/// Beyond the schema: `to` on or after `from`, at most 400 days later (400 otherwise).
#[utoipa::path(
    operation_id = "listSessions",
    tag = "training",
    params(CalendarQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The sessions", body = Vec<Session>))
)]
#[get("/training/sessions")]
pub async fn calendar(
    actor: Actor,
    state: web::Data<AppState>,
    q: Query<CalendarQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadTraining)?;
    let today = crate::scheduling::local_now().date();
    let from =
        q.0.from
            .unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let to = match q.0.to {
        Some(t) => Some(t),
        None => from.checked_add_signed(Duration::days(92)),
    };
    // Days at the end of the calendar's range have no day after them: refused, not a panic.
    let end = to.and_then(|t| t.checked_add_signed(Duration::days(1)));
    let (Some(to), Some(end)) = (to, end) else {
        return Err(ApiError::BadRequest {
            code: "invalid_query",
            detail: "`from` and `to` must be days the calendar can show.".into(),
            errors: vec![FieldError::new(
                "to",
                "out_of_range",
                "is not a day the calendar can show",
            )],
        });
    };
    if to < from || (to - from).num_days() > MAX_DAYS {
        return Err(ApiError::BadRequest {
            code: "invalid_query",
            detail: format!("`to` must be on or after `from`, at most {MAX_DAYS} days on."),
            errors: vec![FieldError::new(
                "to",
                "out_of_range",
                "must be on or after `from`, within 400 days",
            )],
        });
    }
    let trainer = trainer_filter(&actor);
    let list = state
        .db
        .read(move |c| {
            let only = match &trainer {
                Some(t) => Some(
                    course::list(
                        c,
                        &course::Filter {
                            trainer_id: Some(t.clone()),
                            ..Default::default()
                        },
                        None,
                        10_000,
                    )?
                    .into_iter()
                    .map(|r| r.id)
                    .collect::<Vec<_>>(),
                ),
                None => None,
            };
            let rows = model::between(
                c,
                from.and_time(chrono::NaiveTime::MIN),
                end.and_time(chrono::NaiveTime::MIN),
                only.as_deref(),
            )?;
            Ok(rows
                .into_iter()
                .map(|(s, title)| s.into_api(title))
                .collect::<Vec<Session>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Read a session. Permission: any staff account; trainers only of the courses they teach.
#[utoipa::path(
    operation_id = "getSession",
    tag = "training",
    params(("id" = String, Path, description = "Session id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The session; `ETag` carries its version", body = Session))
)]
#[get("/training/sessions/{id}")]
pub async fn get_session(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadTraining)?;
    let id = id.into_inner();
    let (row, title) = state
        .db
        .read(move |c| {
            let found = model::find(c, &id)?;
            may_see_course(c, &actor, &found.0.course_id)?;
            Ok(found)
        })
        .await?;
    Ok(with_etag(row.version, &row.clone().into_api(title)))
}

/// Change a session (only the fields sent; the place is checked as a whole). The room must be
/// free and the seats must cover those enrolled; more seats move the waiting list up. Honours
/// `If-Match`. Permission: admin, coordinator.
///
/// Beyond the schema: `If-Match` must be the session's current `ETag` (412 otherwise); the place
/// fields of its kind and no other, the end after the start, the room free then, seats not below
/// the enrolled (422).
#[utoipa::path(
    operation_id = "updateSession",
    tag = "training",
    params(
        ("id" = String, Path, description = "Session id"),
        ("If-Match" = Option<String>, Header, description = "ETag from a previous read")
    ),
    request_body = SessionPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Session),
        (status = 412, description = "Stale `If-Match`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[patch("/training/sessions/{id}")]
pub async fn update_session(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::PlanTraining)?;
    let patch: SessionPatch = body.json().await?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (row, title) = state
        .db
        .write(move |c| {
            let (cur, title) = model::find(c, &id)?;
            if_match.check(cur.version)?;
            course::lock_enrolments(c, &cur.course_id)?;
            let before = cur.clone().into_api(title.clone());
            let valid = patch.apply(&before).map_err(ApiError::Validation)?;
            let row = model::update(c, &cur, &valid)?;
            let after = row.clone().into_api(title.clone());
            audit::record(
                c,
                &ctx,
                Event::new("training.session.update", "training_session", &id)
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            move_up(c, &ctx, &cur.course_id)?;
            Ok((row, title))
        })
        .await?;
    Ok(with_etag(row.version, &row.clone().into_api(title)))
}

/// Gives free places to the waiting list, with an audit row and an invitation for each
/// enrolment moved up.
pub(super) fn move_up(c: &mut DbConn, ctx: &AuditCtx, course_id: &str) -> ApiResult<()> {
    let moved = enrolment::move_up(c, course_id)?;
    if moved.is_empty() {
        return Ok(());
    }
    let row = course::find(c, course_id)?;
    for e in moved {
        let (_, p) = enrolment::find(c, &e.id)?;
        super::enrolments::tell(
            c,
            &row,
            &p,
            lumit_shared::training::EnrolmentStatus::Enrolled,
        )?;
        audit::record(
            c,
            ctx,
            Event::new("training.enrolment.move_up", "training_enrolment", &e.id),
        )?;
    }
    Ok(())
}
