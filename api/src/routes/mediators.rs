//! `/api/v1/mediators`: the mediators and translators, their availability, calendar and hours.
//! Admins and coordinators manage them; operators and municipal officers see name, languages and
//! coverage; a mediator sees and edits their own record's availability.

use actix_web::http::header;
use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{Datelike, Duration, NaiveDate};
use lumit_shared::mediation::{
    Availability, LateCancellation, Mediator, MediatorInput, RequestStatus, ServiceRequest,
    Timesheet, TimesheetRow,
};
use lumit_shared::user::Role;
use lumit_shared::FieldError;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, Query, RequestMeta};
use crate::models::{mediator as model, municipality, request as requests};
use crate::routes::{created, with_etag};
use crate::state::AppState;

/// Contact data, organisation and account are for those who manage mediators.
fn shown(actor: &Actor, mut m: Mediator) -> Mediator {
    if authz::require(actor, Action::WriteMediators).is_err() && !own(actor, &m) {
        m.email = None;
        m.phone = None;
        m.organisation = None;
        m.user_id = None;
    }
    m
}

fn own(actor: &Actor, m: &Mediator) -> bool {
    actor.role == Some(Role::Mediator) && m.user_id.as_deref() == Some(actor.id.as_str())
}

/// The mediator if the actor may see it: a mediator sees only themself.
fn visible(c: &mut DbConn, actor: &Actor, id: &str) -> ApiResult<(Mediator, i64)> {
    let (m, v) = model::find(c, id)?;
    if actor.role == Some(Role::Mediator) && !own(actor, &m) {
        return Err(ApiError::NotFound);
    }
    Ok((m, v))
}

/// Checks that the actor may see this mediator's jobs: managers all, a mediator their own.
pub(crate) fn jobs_visible(c: &mut DbConn, actor: &Actor, id: &str) -> ApiResult<Mediator> {
    let (m, _) = model::find(c, id)?;
    if authz::require(actor, Action::ManageRequests).is_ok() || own(actor, &m) {
        Ok(m)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Filters of the mediator list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Speaks this language (ISO 639).
    pub language: Option<String>,
    /// Covers this municipality.
    pub municipality_id: Option<String>,
    /// Only active (true) or inactive (false) ones.
    pub active: Option<bool>,
}

/// List mediators by name. Permission: any staff member (a mediator sees only themself);
/// contact data only for admins and coordinators.
#[utoipa::path(
    tag = "mediators",
    params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The mediators", body = Vec<Mediator>))
)]
#[get("/mediators")]
pub async fn list(
    actor: Actor,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadMediators)?;
    let q = q.0;
    let language = q.language.map(|l| l.trim().to_ascii_lowercase());
    let place = q.municipality_id.clone();
    let (all, places) = state
        .db
        .read(move |c| {
            // Covering an Unione covers its members: the place, or its Unione, will do.
            let places = match place {
                Some(p) => {
                    let mut v = vec![p];
                    v.extend(municipality::unione_of(c, &v[0])?);
                    Some(v)
                }
                None => None,
            };
            Ok((model::load(c, None)?, places))
        })
        .await?;
    let items: Vec<Mediator> = all
        .into_iter()
        .map(|(m, _)| m)
        .filter(|m| actor.role != Some(Role::Mediator) || own(&actor, m))
        .filter(|m| q.active.is_none_or(|a| m.active == a))
        .filter(|m| {
            language
                .as_ref()
                .is_none_or(|l| m.languages.iter().any(|x| &x.language == l))
        })
        .filter(|m| {
            places
                .as_ref()
                .is_none_or(|ps| ps.iter().any(|p| m.municipality_ids.contains(p)))
        })
        .map(|m| shown(&actor, m))
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

/// Register a mediator or translator. Permission: admin, coordinator.
#[utoipa::path(
    tag = "mediators",
    request_body = MediatorInput,
    security(("bearer" = [])),
    responses((status = 201, description = "Registered", body = Mediator))
)]
#[post("/mediators")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteMediators)?;
    let input: MediatorInput = body.json().await?;
    let v = input.apply(None).map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let (m, version) = state
        .db
        .write(move |c| {
            model::check_references(c, &v, None)?;
            let id = model::insert(c, &v)?;
            let (m, version) = model::find(c, &id)?;
            audit::record(
                c,
                &ctx,
                Event::new("mediator.create", "mediator", &id).changes(audit::diff(None, Some(&m))),
            )?;
            Ok((m, version))
        })
        .await?;
    Ok(created(&format!("/api/v1/mediators/{}", m.id), version, &m))
}

/// One mediator. Permission: as for the list.
#[utoipa::path(
    tag = "mediators",
    params(("id" = String, Path, description = "Mediator id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The mediator; `ETag` carries its version", body = Mediator))
)]
#[get("/mediators/{id}")]
pub async fn get(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadMediators)?;
    let id = id.into_inner();
    let a = actor.clone();
    let (m, version) = state.db.read(move |c| visible(c, &a, &id)).await?;
    Ok(with_etag(version, &shown(&actor, m)))
}

/// Change a mediator (only the fields sent; `null` clears). Honours `If-Match`.
/// Permission: admin, coordinator.
#[utoipa::path(
    tag = "mediators",
    params(("id" = String, Path, description = "Mediator id"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    request_body = MediatorInput,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = Mediator))
)]
#[patch("/mediators/{id}")]
pub async fn update(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteMediators)?;
    let id = id.into_inner();
    let input: MediatorInput = body.json().await?;
    let ctx = AuditCtx::new(&actor, &meta);
    let (m, version) = state
        .db
        .write(move |c| {
            let (cur, version) = model::find(c, &id)?;
            if_match.check(version)?;
            let v = input.apply(Some(&cur)).map_err(ApiError::Validation)?;
            model::check_references(c, &v, Some(&cur.id))?;
            model::update(c, &cur.id, &v)?;
            if v.user_id != cur.user_id || !v.active {
                // The calendar address belongs to the person: a new account or a deactivation ends it.
                model::set_feed_token(c, &cur.id, None)?;
            }
            let (after, version) = model::find(c, &cur.id)?;
            audit::record(
                c,
                &ctx,
                Event::new("mediator.update", "mediator", &cur.id)
                    .changes(audit::diff(Some(&cur), Some(&after))),
            )?;
            Ok((after, version))
        })
        .await?;
    Ok(with_etag(version, &m))
}

/// The actor may change this mediator's availability: managers any, a mediator their own.
fn availability_editable(c: &mut DbConn, actor: &Actor, id: &str) -> ApiResult<Mediator> {
    visible(c, actor, id).map(|(m, _)| m)
}

/// A mediator's weekly windows and days away. Permission: admin, coordinator, or the mediator.
#[utoipa::path(
    tag = "mediators",
    params(("id" = String, Path, description = "Mediator id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The availability", body = Availability))
)]
#[get("/mediators/{id}/availability")]
pub async fn availability(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::EditAvailability)?;
    let id = id.into_inner();
    let a = state
        .db
        .read(move |c| {
            let m = availability_editable(c, &actor, &id)?;
            Ok(model::availability(c, &m.id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(a))
}

/// Replace a mediator's availability. Windows must not overlap on a day and must start before
/// they end; days away must not overlap. Permission: admin, coordinator, or the mediator.
#[utoipa::path(
    tag = "mediators",
    params(("id" = String, Path, description = "Mediator id")),
    request_body = Availability,
    security(("bearer" = [])),
    responses((status = 200, description = "Saved", body = Availability))
)]
#[put("/mediators/{id}/availability")]
pub async fn set_availability(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::EditAvailability)?;
    let id = id.into_inner();
    {
        let (a, id) = (actor.clone(), id.clone());
        state
            .db
            .read(move |c| availability_editable(c, &a, &id).map(|_| ()))
            .await?;
    }
    let input: Availability = body.json().await?;
    let (windows, exceptions) = input.parse().map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let a = state
        .db
        .write(move |c| {
            let m = availability_editable(c, &actor, &id)?;
            let before = model::availability(c, &m.id)?;
            model::set_availability(c, &m.id, &windows, &exceptions)?;
            let after = model::availability(c, &m.id)?;
            audit::record(
                c,
                &ctx,
                Event::new("mediator.availability", "mediator", &m.id)
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(a))
}

/// The window of a calendar.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// First day (default: today).
    pub from: Option<NaiveDate>,
    /// Day after the last (default: a week after `from`); at most 92 days after `from`.
    pub to: Option<NaiveDate>,
}

/// Checks a calendar window.
pub(crate) fn window(q: &CalendarQuery) -> ApiResult<(NaiveDate, NaiveDate)> {
    let from = q
        .from
        .unwrap_or_else(|| crate::scheduling::local_now().date());
    let to =
        q.to.or_else(|| from.checked_add_signed(Duration::days(7)))
            .unwrap_or(from);
    if to <= from || to - from > Duration::days(92) {
        return Err(ApiError::BadRequest {
            code: "invalid_query",
            detail: "`to` must be after `from`, at most 92 days later.".into(),
            errors: vec![FieldError::new(
                "to",
                "out_of_range",
                "must be after `from`, at most 92 days later",
            )],
        });
    }
    Ok((from, to))
}

/// A mediator's jobs (assigned, confirmed, completed) from `from` to before `to`, by time.
/// Permission: admin, coordinator, or the mediator.
#[utoipa::path(
    tag = "mediators",
    params(("id" = String, Path, description = "Mediator id"), CalendarQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The jobs", body = Vec<ServiceRequest>))
)]
#[get("/mediators/{id}/calendar")]
pub async fn calendar(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: Query<CalendarQuery>,
) -> ApiResult<HttpResponse> {
    authz::require_one_of(&actor, &[Action::ManageRequests, Action::WorkAssignments])?;
    let (from, to) = window(&q.0)?;
    let id = id.into_inner();
    let items = state
        .db
        .read(move |c| {
            let m = jobs_visible(c, &actor, &id)?;
            let rows = requests::jobs(
                c,
                &m.id,
                Some(from),
                Some(to),
                &[
                    RequestStatus::Assigned,
                    RequestStatus::Confirmed,
                    RequestStatus::Completed,
                ],
            )?;
            let full = requests::with_names(c, rows)?;
            Ok(full
                .into_iter()
                .map(|f| crate::routes::requests::shown(&actor, f))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(items))
}

/// The month of a timesheet.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimesheetQuery {
    /// `YYYY-MM`.
    pub month: String,
}

/// Hours of completed jobs in a month per municipality and kind, with late cancellations listed
/// apart. `Accept: text/csv` gives the same as CSV. Permission: admin, coordinator, or the
/// mediator.
#[utoipa::path(
    tag = "mediators",
    params(("id" = String, Path, description = "Mediator id"), TimesheetQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The month's hours", content(
        (Timesheet = "application/json"),
        (String = "text/csv")
    )))
)]
#[get("/mediators/{id}/timesheet")]
pub async fn timesheet(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: Query<TimesheetQuery>,
) -> ApiResult<HttpResponse> {
    authz::require_one_of(&actor, &[Action::ManageRequests, Action::WorkAssignments])?;
    let from =
        lumit_shared::mediation::month(&q.0.month).map_err(|(code, m)| ApiError::BadRequest {
            code: "invalid_query",
            detail: m.clone(),
            errors: vec![FieldError::new("month", code, m)],
        })?;
    let to = if from.month() == 12 {
        NaiveDate::from_ymd_opt(from.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(from.year(), from.month() + 1, 1)
    }
    .unwrap_or(from);
    let id = id.into_inner();
    let sheet = state
        .db
        .read(move |c| {
            let m = jobs_visible(c, &actor, &id)?;
            let work = requests::month_of_work(c, &m.id, from, to)?;
            let mut rows: Vec<TimesheetRow> = Vec::new();
            let mut late = Vec::new();
            for f in work {
                let r = &f.row;
                if r.status() == RequestStatus::Completed {
                    let minutes = i64::from(r.actual_minutes.unwrap_or(0));
                    let kind = r.kind();
                    match rows
                        .iter_mut()
                        .find(|x| x.municipality_id == r.municipality_id && x.kind == kind)
                    {
                        Some(x) => {
                            x.jobs += 1;
                            x.minutes += minutes;
                        }
                        None => rows.push(TimesheetRow {
                            municipality_id: r.municipality_id.clone(),
                            municipality_name: f.municipality_name.clone(),
                            kind,
                            jobs: 1,
                            minutes,
                        }),
                    }
                } else {
                    late.push(LateCancellation {
                        request_id: r.id.clone(),
                        reference: r.reference.clone(),
                        municipality_name: f.municipality_name.clone(),
                        starts_at: r.starts_at,
                        planned_minutes: r.duration_minutes,
                        reason: r.cancel_reason.clone(),
                    });
                }
            }
            rows.sort_by(|a, b| {
                a.municipality_name
                    .cmp(&b.municipality_name)
                    .then_with(|| a.kind.as_str().cmp(b.kind.as_str()))
            });
            Ok(Timesheet {
                mediator_id: m.id,
                mediator_name: m.full_name,
                month: from.format("%Y-%m").to_string(),
                total_minutes: rows.iter().map(|r| r.minutes).sum(),
                rows,
                late_cancellations: late,
            })
        })
        .await?;
    let wants_csv = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"));
    if wants_csv {
        let name = format!("timesheet-{}.csv", sheet.month);
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ))
            .body(timesheet_csv(&sheet)?));
    }
    Ok(HttpResponse::Ok().json(sheet))
}

/// The timesheet as CSV: one line per municipality and kind, the total, then late cancellations.
fn timesheet_csv(t: &Timesheet) -> ApiResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::Internal(e.into());
    // `type` tells worked hours (`work`, `total`) from billed late cancellations.
    w.write_record([
        "mediator",
        "month",
        "type",
        "municipality",
        "kind",
        "reference",
        "jobs",
        "minutes",
        "hours",
    ])
    .map_err(fail)?;
    let hours = |m: i64| format!("{:.2}", m as f64 / 60.0);
    for r in &t.rows {
        w.write_record([
            t.mediator_name.as_str(),
            t.month.as_str(),
            "work",
            r.municipality_name.as_str(),
            r.kind.as_str(),
            "",
            &r.jobs.to_string(),
            &r.minutes.to_string(),
            &hours(r.minutes),
        ])
        .map_err(fail)?;
    }
    let jobs: i64 = t.rows.iter().map(|r| r.jobs).sum();
    w.write_record([
        t.mediator_name.as_str(),
        t.month.as_str(),
        "total",
        "",
        "",
        "",
        &jobs.to_string(),
        &t.total_minutes.to_string(),
        &hours(t.total_minutes),
    ])
    .map_err(fail)?;
    for l in &t.late_cancellations {
        let minutes = l.planned_minutes.map(i64::from).unwrap_or(0);
        w.write_record([
            t.mediator_name.as_str(),
            t.month.as_str(),
            "late_cancellation",
            l.municipality_name.as_str(),
            "mediation",
            &l.reference,
            "1",
            &minutes.to_string(),
            &hours(minutes),
        ])
        .map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.into()))
}
