//! Frozen reports: `POST /api/v1/reports/frozen`, `GET /api/v1/reports/frozen` and
//! `GET /api/v1/reports/frozen/{id}`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use lumit_shared::report::{differences, FrozenReport, FrozenReportDetail, NewFrozenReport};
use serde::Deserialize;
use utoipa::IntoParams;

use super::figures::{compute, params, scope};
use super::{Format, SmallCells};
use crate::audit::{self, AuditCtx, Event};
use crate::auth::{Actor, ActorKind};
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Query, RequestMeta};
use crate::models::report::frozen;
use crate::state::AppState;

/// Freeze the report of a period as it is now, to send to the fund: its figures are stored with
/// who froze it, when, and a SHA-256 of the content, and later corrections of the data never
/// change them. Every count is kept (small counts are hidden when it is downloaded for outside).
/// Permission: admin and coordinator.
///
/// Beyond the schema: `from` and `to` in the years 2000 to 2100, `to` not before `from`; the
/// municipality one of the caller's (422).
#[utoipa::path(
    operation_id = "freezeReport",
    tag = "reports",
    request_body = NewFrozenReport,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Frozen", body = FrozenReport),
        (status = 404, description = "`municipality_id` names no municipality the caller works for", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/reports/frozen")]
pub async fn freeze(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::FreezeReports)?;
    let input: NewFrozenReport = body.json().await?;
    let scope = scope(&actor, input.municipality_id.clone())?;
    // The same checks as the indicators' query, answered as a body's fields.
    let params =
        params(&state, input.from, input.to, scope, input.lang, None).map_err(|e| match e {
            ApiError::BadRequest { errors, .. } => ApiError::Validation(errors),
            e => e,
        })?;
    let ctx = AuditCtx::new(&actor, &meta);
    let by = actor.id.clone();
    // Counted in a read (a year of the province takes a while); stored in a short write.
    let report = compute(&state, params).await?;
    let row = state
        .db
        .write(move |c| {
            let name = crate::models::user::find(c, &by)?.full_name;
            let row = frozen::freeze(c, &report, &by, &name)?;
            // Only the period, the scope and the fingerprint: the figures are in the row.
            audit::record(
                c,
                &ctx,
                Event::new("report.freeze", "frozen_report", &row.id)
                    .municipality(row.municipality_id.as_deref())
                    .changes(audit::diff(
                        None,
                        Some(&serde_json::json!({
                            "from": row.period_from,
                            "to": row.period_to,
                            "sha256": row.sha256,
                        })),
                    )),
            )?;
            Ok(row)
        })
        .await?;
    let api = row.into_api();
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/reports/frozen/{}", api.id),
        ))
        .json(api))
}

/// Frozen reports the caller may read, the latest period first: the province's and every
/// municipality's for admins and coordinators, their municipalities' for the others.
/// Permission: as for the indicators.
#[utoipa::path(
    operation_id = "listFrozenReports",
    tag = "reports",
    security(("bearer" = []), ("oauth2" = ["reports:read"])),
    responses((status = 200, description = "Frozen reports", body = Vec<FrozenReport>))
)]
#[get("/reports/frozen")]
pub async fn list(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadReports)?;
    let scope = (!actor.sees_all()).then(|| actor.municipality_ids.clone());
    let rows = state
        .db
        .read(move |c| Ok(frozen::list(c, scope.as_deref())?))
        .await?;
    let out: Vec<FrozenReport> = rows.into_iter().map(frozen::Row::into_api).collect();
    Ok(HttpResponse::Ok().json(out))
}

/// How to read a frozen report.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FrozenQuery {
    /// `json` (with the differences from today's figures), `csv` or `xlsx` (the frozen figures).
    #[param(inline)]
    pub format: Option<Format>,
    /// `hide` or `show` small counts, as for the indicators.
    #[param(inline)]
    pub small_cells: Option<SmallCells>,
}

/// A frozen report: who froze it and when, whether its fingerprint still matches, its figures,
/// and every figure or line whose value today differs from the frozen one (so a number sent to
/// the fund is never silently different from the live one). As CSV or XLSX: the frozen figures.
/// Permission: as for the indicators (404 outside the caller's municipalities).
#[utoipa::path(
    operation_id = "getFrozenReport",
    tag = "reports",
    params(("id" = String, Path, description = "Frozen report id"), FrozenQuery),
    security(("bearer" = []), ("oauth2" = ["reports:read"])),
    responses((status = 200, description = "The frozen report", content(
        (FrozenReportDetail = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )))
)]
#[get("/reports/frozen/{id}")]
pub async fn get(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: Query<FrozenQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadReports)?;
    let id = path.into_inner();
    let format = Format::choose(q.0.format, &req);
    let hide = match (actor.kind, q.0.small_cells) {
        (ActorKind::Client, _) | (_, Some(SmallCells::Hide)) => true,
        (_, Some(SmallCells::Show)) => false,
        (_, None) => format != Format::Json,
    };
    let scope = (!actor.sees_all()).then(|| actor.municipality_ids.clone());
    let row = state
        .db
        .read(move |c| Ok(frozen::find(c, &id, scope.as_deref())?))
        .await?;
    let mut report = row.report().map_err(ApiError::from)?;
    let threshold = state.settings.reports.small_cell;
    if format != Format::Json {
        if hide {
            report.suppress(threshold);
        }
        return super::figures::render(report, format, "lumit-frozen");
    }
    // Today's figures for the same period, scope and language.
    let live_params = params(
        &state,
        row.period_from,
        row.period_to,
        report.municipality_ids.clone(),
        Some(report.lang),
        None,
    )?;
    let mut live = compute(&state, live_params).await?;
    if hide {
        report.suppress(threshold);
        live.suppress(threshold);
    }
    let differences = differences(&report, &live);
    Ok(HttpResponse::Ok().json(FrozenReportDetail {
        frozen: row.into_api(),
        report,
        differences,
    }))
}
