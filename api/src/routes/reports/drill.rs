//! `GET /api/v1/reports/drill`: from a figure to the cases behind it.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use lumit_shared::report::{drillable, Column, Dimension, DrillDown, DrillFilter, Indicator};
use lumit_shared::training::MessageLanguage;
use serde::Deserialize;
use utoipa::IntoParams;

use super::figures::{check_scope, field, params, scope};
use crate::audit::AuditCtx;
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::ApiResult;
use crate::extract::{Query, RequestMeta};
use crate::models::report::{self as model, drill::Drill};
use crate::state::AppState;

/// Which figure, which lines, which period.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DrillQuery {
    /// The figure's code: `people_assisted`, `cases_opened`, `cases_closed` or
    /// `cases_open_at_end`.
    #[param(pattern = "^(?:people_assisted|cases_opened|cases_closed|cases_open_at_end)$")]
    pub indicator: String,
    /// First day, included, in the years 2000 to 2100.
    pub from: NaiveDate,
    /// Last day, included, in the years 2000 to 2100.
    pub to: NaiveDate,
    /// `period` (default) or `cumulative` (from the programme's start).
    pub column: Option<Column>,
    /// One municipality (of the caller's, for those who see only theirs): the line "by
    /// municipality".
    pub municipality_id: Option<String>,
    /// The line "by sex" (`F`, `M`, `X`; people assisted).
    pub sex: Option<String>,
    /// The line "by age band" (e.g. `18-60`, `unknown`; people assisted).
    pub age_band: Option<String>,
    /// The line "by citizenship" (ISO code, `stateless` or `unknown`; people assisted).
    pub citizenship: Option<String>,
    /// The line "by category" (people assisted, cases opened).
    pub category: Option<String>,
    /// The line "by outcome" (cases closed).
    pub outcome: Option<String>,
    /// Labels' language, `it` (default) or `en`.
    pub lang: Option<MessageLanguage>,
    /// How many cases to list, 1–500 (default 200), newest first.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// The cases behind a figure of the desks, or behind one line of its breakdowns (e.g. the cases
/// of people from Morocco aged 18–60 in Gallicano in the third quarter), with how many cases and
/// people there are. The same scope as the case list; every person shown is in the access log.
/// Permission: those who may read both the indicators and the cases (admin, coordinator,
/// operator; clients with `reports:read` and `cases:read`).
///
/// Beyond the schema: `from` and `to` in the years 2000 to 2100, `to` not before `from`; only the
/// lines the figure has (`sex`, `age_band`, `citizenship` for people assisted; `category` for
/// people assisted and cases opened; `outcome` for cases closed), else 400 `not_drillable`.
#[utoipa::path(
    operation_id = "drillIndicator",
    tag = "reports",
    params(DrillQuery),
    security(("bearer" = []), ("oauth2" = ["reports:read", "cases:read"])),
    responses(
        (status = 200, description = "The cases behind the figure", body = DrillDown),
        (status = 404, description = "`municipality_id` names no municipality the caller works for", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/drill")]
pub async fn drill(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    q: Query<DrillQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadReports)?;
    authz::require(&actor, Action::ReadCases)?;
    let q = q.0;
    let Some(indicator) = Indicator::by_code(&q.indicator).filter(|i| drillable(i.code, None))
    else {
        return Err(field(
            "indicator",
            "not_drillable",
            "people_assisted, cases_opened, cases_closed or cases_open_at_end",
        ));
    };
    // Lines of several breakdowns together: people from Morocco aged 18–60 in Gallicano.
    let mut lines = Vec::new();
    for (d, name, key) in [
        (Dimension::Sex, "sex", q.sex),
        (Dimension::AgeBand, "age_band", q.age_band),
        (Dimension::Citizenship, "citizenship", q.citizenship),
        (Dimension::Category, "category", q.category),
        (Dimension::Outcome, "outcome", q.outcome),
    ] {
        let Some(key) = key else { continue };
        if !drillable(indicator.code, Some((d, &key))) {
            return Err(field(
                name,
                "not_drillable",
                "this figure has no such line to list",
            ));
        }
        lines.push((d, key));
    }
    let limit = match q.limit {
        None => 200,
        Some(n @ 1..=500) => n,
        Some(_) => return Err(field("limit", "out_of_range", "between 1 and 500")),
    };
    let scope = scope(&actor, q.municipality_id)?;
    let params = params(&state, q.from, q.to, scope, q.lang, None)?;
    let column = q.column.unwrap_or_default();
    let drill = Drill {
        indicator: indicator.code,
        lines: lines.clone(),
        window: match column {
            Column::Period => params.period,
            // A figure at the period's end has one column: the same cases.
            Column::Cumulative if indicator.at_end => params.period,
            Column::Cumulative => params.cumulative,
        },
        scope: params.scope.clone(),
        bands: params.bands.clone(),
    };
    let lang = params.lang;
    let municipality_ids = params.scope.clone();
    let (found, filters) = state
        .db
        .read(move |c| {
            check_scope(c, &params)?;
            let found = model::drill::cases(c, &drill, limit)?;
            let mut filters = Vec::new();
            for (d, k) in &drill.lines {
                filters.push(DrillFilter {
                    dimension: *d,
                    key: k.clone(),
                    label: model::line_label(c, lang, *d, k)?,
                });
            }
            if let Some([m]) = drill.scope.as_deref() {
                filters.push(DrillFilter {
                    dimension: Dimension::Municipality,
                    key: m.clone(),
                    label: model::line_label(c, lang, Dimension::Municipality, m)?,
                });
            }
            Ok((found, filters))
        })
        .await?;
    let items: Vec<_> = found
        .rows
        .into_iter()
        .map(|(r, first, last)| r.into_api(format!("{first} {last}")))
        .collect();
    let ctx = AuditCtx::new(&actor, &meta);
    state
        .access
        .wait_written(crate::access::Shown::page(
            &ctx,
            "report.drill",
            "cases",
            items.iter().map(|c| c.person_id.clone()),
        ))
        .await?;
    Ok(HttpResponse::Ok().json(DrillDown {
        indicator: indicator.code.to_owned(),
        indicator_label: indicator.label(lang).to_owned(),
        filters,
        column,
        from: q.from,
        to: q.to,
        municipality_ids,
        cases: found.cases,
        people: found.people,
        items,
    }))
}
