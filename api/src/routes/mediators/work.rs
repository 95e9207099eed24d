//! A mediator's jobs: the calendar and the monthly timesheet (JSON or CSV).

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{Datelike, Duration, NaiveDate};
use lumit_shared::mediation::{
    LateCancellation, RequestStatus, ServiceRequest, Timesheet, TimesheetRow,
};
use lumit_shared::FieldError;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::models::request as requests;
use crate::state::AppState;

use super::*;

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
///
/// Beyond the schema: `to` after `from`, at most 92 days later (400 otherwise).
#[utoipa::path(
    operation_id = "getMediatorCalendar",
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
    #[param(pattern = "lumit:month", example = "2026-11")]
    pub month: String,
}

/// Hours of completed jobs in a month per municipality and kind, with late cancellations listed
/// apart. `Accept: text/csv` gives the same as CSV. Permission: admin, coordinator, or the
/// mediator.
#[utoipa::path(
    operation_id = "getMediatorTimesheet",
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
/// Names go through the spreadsheet guard: a mediator called `=1+1` stays a name.
fn timesheet_csv(t: &Timesheet) -> ApiResult<Vec<u8>> {
    use crate::sheets::{Cell, Table};
    let hours = |m: i64| Cell::Text(format!("{:.2}", m as f64 / 60.0));
    let line = |kind: &str, municipality: &str, what: &str, reference: &str, jobs: i64, m: i64| {
        vec![
            Cell::from(t.mediator_name.as_str()),
            Cell::from(t.month.as_str()),
            Cell::from(kind),
            Cell::from(municipality),
            Cell::from(what),
            Cell::from(reference),
            Cell::Whole(jobs),
            Cell::Whole(m),
            hours(m),
        ]
    };
    // `type` tells worked hours (`work`, `total`) from billed late cancellations.
    let mut rows: Vec<Vec<Cell>> = t
        .rows
        .iter()
        .map(|r| {
            line(
                "work",
                &r.municipality_name,
                r.kind.as_str(),
                "",
                r.jobs,
                r.minutes,
            )
        })
        .collect();
    let jobs: i64 = t.rows.iter().map(|r| r.jobs).sum();
    rows.push(line("total", "", "", "", jobs, t.total_minutes));
    for l in &t.late_cancellations {
        let minutes = l.planned_minutes.map(i64::from).unwrap_or(0);
        rows.push(line(
            "late_cancellation",
            &l.municipality_name,
            "mediation",
            &l.reference,
            1,
            minutes,
        ));
    }
    let table = Table {
        header: [
            "mediator",
            "month",
            "type",
            "municipality",
            "kind",
            "reference",
            "jobs",
            "minutes",
            "hours",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        ..Table::default()
    };
    crate::sheets::csv(&table).map_err(ApiError::Internal)
}
