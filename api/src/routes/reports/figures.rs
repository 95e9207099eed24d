//! `GET /api/v1/reports/indicators` and `GET /api/v1/reports/catalogue`.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use lumit_shared::report::{IndicatorReport, INDICATORS};
use lumit_shared::training::MessageLanguage;
use lumit_shared::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::{attachment, tables, Format};
use crate::auth::{Actor, ActorKind};
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::models::report::{self as model, Families, Params, Window};
use crate::state::AppState;

/// Whether small counts are hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SmallCells {
    /// Counts of people and cases below the threshold (default 5) show as `<5`.
    Hide,
    /// Every count shown (staff only).
    Show,
}

/// The period and scope of a report.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// First day, included (`YYYY-MM-DD`, Italian time), in the years 2000 to 2100.
    pub from: NaiveDate,
    /// Last day, included, in the years 2000 to 2100.
    pub to: NaiveDate,
    /// One municipality (of the caller's, for those who see only theirs).
    pub municipality_id: Option<String>,
    /// Labels' language, `it` (default) or `en`.
    pub lang: Option<MessageLanguage>,
    /// Countries with fewer people than this in the period are one "other" line (2–1000).
    #[param(minimum = 2, maximum = 1000)]
    pub group_below: Option<u32>,
    /// `hide` or `show` small counts. Default: shown in JSON for staff, hidden in CSV and XLSX
    /// (made to leave LUMIT) and always hidden for API clients.
    #[param(inline)]
    pub small_cells: Option<SmallCells>,
    /// `json`, `csv` or `xlsx`; without it, `Accept` decides.
    #[param(inline)]
    pub format: Option<Format>,
}

/// The programme's indicators for a period and from the programme's start, with their
/// breakdowns; each figure's code, label and definition are in `GET /api/v1/reports/catalogue`
/// and in `docs/INDICATORS.md`. People are counted once per line however many cases, desks and
/// municipalities they have. Permission: admin and coordinator (the province, or one
/// municipality), operator and municipal officer (their municipalities), clients with
/// `reports:read` (their municipality, small counts hidden).
///
/// Beyond the schema: `from` and `to` in the years 2000 to 2100, `to` not before `from` (400
/// otherwise).
#[utoipa::path(
    operation_id = "computeIndicators",
    tag = "reports",
    params(IndicatorQuery),
    security(("bearer" = []), ("oauth2" = ["reports:read"])),
    responses((status = 200, description = "The indicators", content(
        (IndicatorReport = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )),
    (status = 404, description = "`municipality_id` names no municipality the caller works for", body = lumit_shared::Problem, content_type = "application/problem+json"))
)]
#[get("/reports/indicators")]
pub async fn indicators(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    q: Query<IndicatorQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadReports)?;
    let q = q.0;
    let format = Format::choose(q.format, &req);
    let hide = match (actor.kind, q.small_cells) {
        (ActorKind::Client, _) | (_, Some(SmallCells::Hide)) => true,
        (_, Some(SmallCells::Show)) => false,
        (_, None) => format != Format::Json,
    };
    let group_below = match q.group_below {
        Some(n) if !(2..=1000).contains(&n) => {
            return Err(field("group_below", "out_of_range", "between 2 and 1000"))
        }
        other => other,
    };
    let scope = scope(&actor, q.municipality_id)?;
    let params = params(&state, q.from, q.to, scope, q.lang, group_below)?;
    let mut report = compute(&state, params).await?;
    if hide {
        report.suppress(state.settings.reports.small_cell);
    }
    render(report, format, "lumit-indicators")
}

/// What to count for a period and a scope, with the server's settings.
pub fn params(
    state: &AppState,
    from: NaiveDate,
    to: NaiveDate,
    scope: Option<Vec<String>>,
    lang: Option<MessageLanguage>,
    group_below: Option<u32>,
) -> ApiResult<Params> {
    let (from, to) = period(from, to)?;
    let settings = &state.settings.reports;
    let to_utc = |t| crate::scheduling::to_utc(t).naive_utc();
    Ok(Params {
        period: Window::new(from, to, to_utc),
        cumulative: Window::new(settings.programme_start.min(from), to, to_utc),
        programme_start: settings.programme_start,
        scope,
        bands: settings.age_bands.clone(),
        group_below,
        lang: lang.unwrap_or_default(),
    })
}

/// Counts a report (404 for a municipality that does not exist) in three parts side by side,
/// each on its own connection, of about the same cost: the period's people assisted; the
/// period's other families and the cumulative people assisted; the cumulative other families.
/// The wait is the longest part rather than the sum (docs/PERFORMANCE.md, "Reports"). Each
/// part is read in its own snapshot, as each statement already was: a change committed in
/// between shows in one column a moment before the other.
pub async fn compute(state: &AppState, params: Params) -> ApiResult<IndicatorReport> {
    let p = std::sync::Arc::new(params);
    let part = |w: fn(&Params) -> &Window, families: Families| {
        let p = p.clone();
        state.db.read(move |c| {
            Ok(model::tally(
                c,
                w(&p),
                p.scope.as_deref(),
                &p.bands,
                families,
            )?)
        })
    };
    let scope = p.clone();
    state.db.read(move |c| check_scope(c, &scope)).await?;
    // The period's people, the costliest count, alone; the cumulative people (kept by the
    // database as they come) with the period's other families; the cumulative others.
    let mixed = {
        let p = p.clone();
        state.db.read(move |c| {
            let scope = p.scope.as_deref();
            let others = model::tally(c, &p.period, scope, &p.bands, Families::Others)?;
            let people = model::tally(c, &p.cumulative, scope, &p.bands, Families::People)?;
            Ok((others, people))
        })
    };
    let (mut period, (period_others, mut cumulative), others) = futures_util::future::try_join3(
        part(|p| &p.period, Families::People),
        mixed,
        part(|p| &p.cumulative, Families::Others),
    )
    .await?;
    period.merge(period_others);
    cumulative.merge(others);
    state
        .db
        .read(move |c| Ok(model::assemble(c, &p, period, Some(cumulative))?))
        .await
}

/// The period's figures alone, without the cumulative column (for the dashboards).
pub fn compute_period(c: &mut crate::db::DbConn, params: &Params) -> ApiResult<IndicatorReport> {
    check_scope(c, params)?;
    let scope = params.scope.as_deref();
    let period = model::tally(c, &params.period, scope, &params.bands, Families::All)?;
    Ok(model::assemble(c, params, period, None)?)
}

/// 404 for a municipality asked for that does not exist.
pub fn check_scope(c: &mut crate::db::DbConn, params: &Params) -> ApiResult<()> {
    if let Some([id]) = params.scope.as_deref() {
        crate::models::municipality::find(c, id)?;
    }
    Ok(())
}

/// A report as JSON, or as a CSV or XLSX file named `{name}-{from}-{to}`.
pub fn render(report: IndicatorReport, format: Format, name: &str) -> ApiResult<HttpResponse> {
    let name = format!("{name}-{}-{}", report.from, report.to);
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(report),
        Format::Csv => attachment(
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
            crate::sheets::csv(&tables::long(&report)).map_err(ApiError::Internal)?,
        ),
        Format::Xlsx => attachment(
            crate::sheets::XLSX,
            &format!("{name}.xlsx"),
            crate::sheets::xlsx(&tables::workbook(&report)).map_err(ApiError::Internal)?,
        ),
    })
}

pub fn field(name: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_query",
        detail: format!("Invalid query parameter `{name}`: {message}"),
        errors: vec![FieldError::new(name, code, message)],
    }
}

/// The period's days, checked: in order, and within the years LUMIT can hold.
pub fn period(from: NaiveDate, to: NaiveDate) -> ApiResult<(NaiveDate, NaiveDate)> {
    let bounds = NaiveDate::from_ymd_opt(2000, 1, 1)..=NaiveDate::from_ymd_opt(2100, 12, 31);
    let (Some(low), Some(high)) = (bounds.start(), bounds.end()) else {
        return Err(ApiError::Internal(anyhow::anyhow!("date bounds")));
    };
    if from < *low || from > *high {
        return Err(field("from", "out_of_range", "between 2000 and 2100"));
    }
    if to < *low || to > *high {
        return Err(field("to", "out_of_range", "between 2000 and 2100"));
    }
    if to < from {
        return Err(field(
            "to",
            "before_from",
            "the period ends before it starts",
        ));
    }
    Ok((from, to))
}

/// The municipalities a report counts: the province for those who see it all, else the
/// caller's; one of them when asked (404 for one the caller does not work for).
pub fn scope(actor: &Actor, municipality_id: Option<String>) -> ApiResult<Option<Vec<String>>> {
    match municipality_id {
        Some(m) if actor.covers(&m) => Ok(Some(vec![m])),
        Some(_) => Err(ApiError::NotFound),
        None if actor.sees_all() => Ok(None),
        None => Ok(Some(actor.municipality_ids.clone())),
    }
}

/// One indicator of the catalogue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CatalogueEntry {
    /// Stable code.
    pub code: &'static str,
    /// Its group.
    pub family: lumit_shared::report::Family,
    /// What it counts.
    pub unit: lumit_shared::report::Unit,
    /// A figure at the period's last day (no cumulative value).
    pub at_end: bool,
    /// Small counts hidden in reports for outside.
    pub suppressible: bool,
    /// Italian name.
    pub label_it: &'static str,
    /// English name.
    pub label_en: &'static str,
    /// Italian definition.
    pub definition_it: &'static str,
    /// English definition.
    pub definition_en: &'static str,
    /// Codes of its breakdowns.
    pub breakdowns: Vec<String>,
}

/// Every indicator: code, names, definition, breakdowns (the fund's sheet is filled by code).
/// Permission: as for the indicators.
#[utoipa::path(
    operation_id = "getReportCatalogue",
    tag = "reports",
    security(("bearer" = []), ("oauth2" = ["reports:read"])),
    responses((status = 200, description = "The catalogue", body = Vec<CatalogueEntry>))
)]
#[get("/reports/catalogue")]
pub async fn catalogue(actor: Actor) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadReports)?;
    let entries: Vec<CatalogueEntry> = INDICATORS
        .iter()
        .map(|i| CatalogueEntry {
            code: i.code,
            family: i.family,
            unit: i.unit,
            at_end: i.at_end,
            suppressible: i.suppressible,
            label_it: i.it,
            label_en: i.en,
            definition_it: i.def_it,
            definition_en: i.def_en,
            breakdowns: i.dimensions.iter().map(|d| i.breakdown_code(*d)).collect(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(entries))
}
