//! `GET /api/v1/dashboard`: the home page's charts, for the caller's role, in one answer.

use actix_web::{get, web, HttpResponse};
use chrono::{Datelike, Duration, NaiveDate};
use lumit_shared::case::DeadlineKind;
use lumit_shared::dashboard::{
    case_status_label, month_label, Chart, ChartKind, ChartLabel, Dashboard, DashboardView, Series,
    Tile,
};
use lumit_shared::mediation::LANGUAGES;
use lumit_shared::report::{key_label, Amount, Dimension, IndicatorReport, Unit};
use lumit_shared::training::MessageLanguage;
use lumit_shared::user::Role;
use serde::Deserialize;
use utoipa::IntoParams;

use super::figures::{compute_period, params, period};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::models::report::dashboard as model;
use crate::state::AppState;

/// The period shown.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// First day (default: the first of the month eleven months ago; a mediator's: this
    /// month's first).
    pub from: Option<NaiveDate>,
    /// Last day (default: the end of this month).
    pub to: Option<NaiveDate>,
    /// Labels' language, `it` (default) or `en`.
    pub lang: Option<MessageLanguage>,
}

/// The caller's dashboard: for admins and coordinators the province (people assisted per month,
/// open cases by status, cases by category, requests by status, mediation hours by language and
/// municipality, deadlines coming, staff trained); for operators their desk's municipalities
/// (workload and deadlines); for municipal officers their municipality's requests and hours; for
/// mediators their own jobs. Every chart comes with its data (the table alternative) and a
/// one-line summary. Permission: every staff role but trainers.
///
/// Beyond the schema: `from` and `to` in the years 2000 to 2100, `to` not before `from` (400
/// otherwise).
#[utoipa::path(
    operation_id = "getDashboard",
    tag = "reports",
    params(DashboardQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The dashboard", body = Dashboard))
)]
#[get("/dashboard")]
pub async fn dashboard(
    actor: Actor,
    state: web::Data<AppState>,
    q: Query<DashboardQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadDashboard)?;
    let q = q.0;
    let view = match actor.role {
        Some(Role::Admin | Role::Coordinator) => DashboardView::Province,
        Some(Role::Operator) => DashboardView::Desk,
        Some(Role::MunicipalOfficer) => DashboardView::Municipality,
        _ => DashboardView::Mediator,
    };
    let today = crate::scheduling::local_now().date();
    let month = today.with_day(1).unwrap_or(today);
    let end_of_month = month
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(today);
    let default_from = match view {
        DashboardView::Mediator => month,
        _ => month
            .checked_sub_months(chrono::Months::new(11))
            .unwrap_or(month),
    };
    let (from, to) = period(q.from.unwrap_or(default_from), q.to.unwrap_or(end_of_month))?;
    let lang = q.lang.unwrap_or_default();
    let scope = (!actor.sees_all()).then(|| actor.municipality_ids.clone());
    let params = params(&state, from, to, scope.clone(), Some(lang), None)?;
    let user = actor.id.clone();
    let board = state
        .db
        .read(move |c| {
            let mut board = Dashboard {
                view,
                from,
                to,
                tiles: Vec::new(),
                charts: Vec::new(),
            };
            if view == DashboardView::Mediator {
                mediator(c, &user, &params.period, lang, &mut board)?;
                return Ok(board);
            }
            // The dashboards show the period: the cumulative window is not counted.
            let report = compute_period(c, &params)?;
            let scope = params.scope.as_deref();
            let tile = |code: &str| report_tile(&report, code);
            let charts = &mut board.charts;
            match view {
                DashboardView::Province | DashboardView::Desk => {
                    board.tiles = ["people_assisted", "cases_opened", "cases_open_at_end"]
                        .iter()
                        .filter_map(|c| tile(c))
                        .collect();
                    if view == DashboardView::Province {
                        board.tiles.extend(
                            ["mediation_hours", "staff_trained"]
                                .iter()
                                .filter_map(|c| tile(c)),
                        );
                    }
                    charts.push(people_by_month(c, &params, scope, lang)?);
                    charts.push(open_cases(c, scope, lang)?);
                    charts.extend(breakdown(
                        &report,
                        "cases_opened",
                        Dimension::Category,
                        "cases_by_category",
                        lang,
                    ));
                    charts.push(deadlines(c, scope, lang)?);
                    if view == DashboardView::Province {
                        charts.extend(breakdown(
                            &report,
                            "requests_submitted",
                            Dimension::Status,
                            "requests_by_status",
                            lang,
                        ));
                        charts.extend(breakdown(
                            &report,
                            "mediation_hours",
                            Dimension::Language,
                            "hours_by_language",
                            lang,
                        ));
                        charts.extend(breakdown(
                            &report,
                            "mediation_hours",
                            Dimension::Municipality,
                            "hours_by_municipality",
                            lang,
                        ));
                        charts.extend(breakdown(
                            &report,
                            "staff_trained",
                            Dimension::Municipality,
                            "staff_trained_by_municipality",
                            lang,
                        ));
                    }
                }
                _ => {
                    board.tiles = ["requests_submitted", "jobs_completed", "mediation_hours"]
                        .iter()
                        .filter_map(|c| tile(c))
                        .collect();
                    charts.extend(breakdown(
                        &report,
                        "requests_submitted",
                        Dimension::Status,
                        "requests_by_status",
                        lang,
                    ));
                    charts.extend(breakdown(
                        &report,
                        "mediation_hours",
                        Dimension::Language,
                        "hours_by_language",
                        lang,
                    ));
                    charts.extend(breakdown(
                        &report,
                        "mediation_hours",
                        Dimension::JobKind,
                        "hours_by_kind",
                        lang,
                    ));
                }
            }
            Ok(board)
        })
        .await?;
    Ok(HttpResponse::Ok().json(board))
}

fn value(a: Option<Amount>) -> f64 {
    match a {
        Some(Amount::Whole(n)) => n as f64,
        Some(Amount::Decimal(x)) => x,
        _ => 0.0,
    }
}

fn report_tile(report: &IndicatorReport, code: &str) -> Option<Tile> {
    let f = report.figure(code)?;
    Some(Tile {
        code: code.to_owned(),
        label: f.label.clone(),
        value: value(f.period),
        unit: f.unit,
    })
}

/// A breakdown of the period as bars (the lines as the report orders them).
fn breakdown(
    report: &IndicatorReport,
    code: &str,
    d: Dimension,
    chart: &str,
    lang: MessageLanguage,
) -> Option<Chart> {
    let f = report.figure(code)?;
    let b = f.breakdowns.iter().find(|b| b.dimension == d)?;
    let bars = b
        .rows
        .iter()
        .map(|r| {
            (
                ChartLabel {
                    key: r.key.clone(),
                    label: r.label.clone(),
                },
                value(Some(r.period)),
            )
        })
        .collect();
    let title = format!("{} {}", f.label, d.label(lang));
    Some(Chart::single(
        chart,
        title,
        ChartKind::Bar,
        f.unit,
        bars,
        lang,
    ))
}

fn it_en(lang: MessageLanguage, it: &str, en: &str) -> String {
    match lang {
        MessageLanguage::It => it.to_owned(),
        MessageLanguage::En => en.to_owned(),
    }
}

fn people_by_month(
    c: &mut DbConn,
    p: &crate::models::report::Params,
    scope: Option<&[String]>,
    lang: MessageLanguage,
) -> ApiResult<Chart> {
    let to_utc = |t| crate::scheduling::to_utc(t).naive_utc();
    let months = model::months(p.period.from_local.date(), p.period.last_day, to_utc);
    let counts = model::people_by_month(c, &months, scope)?;
    let bars = months
        .iter()
        .zip(counts)
        .map(|((m, _), n)| {
            (
                ChartLabel {
                    key: m.format("%Y-%m").to_string(),
                    label: month_label(*m, lang),
                },
                n as f64,
            )
        })
        .collect();
    Ok(Chart::single(
        "people_by_month",
        it_en(
            lang,
            "Persone assistite per mese",
            "People assisted by month",
        ),
        ChartKind::Line,
        Unit::Count,
        bars,
        lang,
    ))
}

fn open_cases(c: &mut DbConn, scope: Option<&[String]>, lang: MessageLanguage) -> ApiResult<Chart> {
    let counts = model::open_cases_by_status(c, scope)?;
    let bars = lumit_shared::case::CaseStatus::ALL
        .iter()
        .filter(|s| s.as_str() != "closed")
        .map(|s| {
            let n = counts
                .iter()
                .find(|(k, _)| k == s.as_str())
                .map_or(0, |(_, n)| *n);
            (
                ChartLabel {
                    key: s.as_str().to_owned(),
                    label: case_status_label(s.as_str(), lang),
                },
                n as f64,
            )
        })
        .collect();
    Ok(Chart::single(
        "open_cases_by_status",
        it_en(
            lang,
            "Pratiche aperte per stato, oggi",
            "Open cases by status, today",
        ),
        ChartKind::Bar,
        Unit::Count,
        bars,
        lang,
    ))
}

/// Deadlines of the next four weeks (and those overdue), stacked by kind.
fn deadlines(c: &mut DbConn, scope: Option<&[String]>, lang: MessageLanguage) -> ApiResult<Chart> {
    let today = crate::scheduling::local_now().date();
    let items = crate::models::referral::deadlines(c, scope, today, 28)?;
    let mut categories = vec![ChartLabel {
        key: "overdue".into(),
        label: it_en(lang, "Scadute", "Overdue"),
    }];
    for w in 0..4 {
        let start = today + Duration::days(7 * w);
        categories.push(ChartLabel {
            key: format!("week{}", w + 1),
            label: match lang {
                MessageLanguage::It => format!("dal {}", start.format("%d/%m")),
                MessageLanguage::En => format!("from {}", start.format("%d/%m")),
            },
        });
    }
    let kinds = [
        (
            DeadlineKind::PermitExpiry,
            "Permessi in scadenza",
            "Permits expiring",
        ),
        (
            DeadlineKind::IntegrationCheck,
            "Verifiche dell'Accordo di integrazione",
            "Integration Agreement checks",
        ),
        (
            DeadlineKind::ReferralFollowUp,
            "Solleciti degli invii",
            "Referral follow-ups",
        ),
    ];
    let series = kinds
        .iter()
        .map(|(kind, it, en)| {
            let mut values = vec![0.0; categories.len()];
            for d in items.iter().filter(|d| d.kind == *kind) {
                let slot = if d.date < today {
                    0
                } else {
                    1 + ((d.date - today).num_days() / 7).min(3) as usize
                };
                values[slot] += 1.0;
            }
            Series {
                name: ChartLabel {
                    key: kind.as_str().to_owned(),
                    label: it_en(lang, it, en),
                },
                values,
            }
        })
        .collect();
    let mut chart = Chart {
        code: "deadlines_by_week".into(),
        title: it_en(
            lang,
            "Scadenze delle prossime quattro settimane",
            "Deadlines of the next four weeks",
        ),
        kind: ChartKind::Stacked,
        unit: Unit::Count,
        categories,
        series,
        summary: String::new(),
    };
    chart.summary = chart.summarise(lang);
    Ok(chart)
}

/// A mediator's period: jobs by status, hours by week and by language.
fn mediator(
    c: &mut DbConn,
    user: &str,
    w: &crate::models::report::Window,
    lang: MessageLanguage,
    board: &mut Dashboard,
) -> ApiResult<()> {
    // A deactivated mediator is cut off from their jobs, here as everywhere.
    let Some(id) = crate::models::mediator::of_user(c, user)? else {
        return Ok(());
    };
    let m = model::mediator_month(c, &id, w)?;
    let hours = |minutes: i64| value(Some(Amount::hours(minutes)));
    let jobs: i64 = m.by_status.iter().map(|(_, n)| n).sum();
    let minutes: i64 = m.minutes_by_week.iter().map(|(_, n)| n).sum();
    board.tiles = vec![
        Tile {
            code: "jobs".into(),
            label: it_en(lang, "Incarichi nel periodo", "Jobs in the period"),
            value: jobs as f64,
            unit: Unit::Count,
        },
        Tile {
            code: "hours".into(),
            label: it_en(lang, "Ore svolte", "Hours worked"),
            value: hours(minutes),
            unit: Unit::Hours,
        },
    ];
    let status = m
        .by_status
        .iter()
        .map(|(k, n)| {
            let label =
                key_label(Dimension::Status, k, lang).map_or_else(|| k.clone(), str::to_owned);
            (
                ChartLabel {
                    key: k.clone(),
                    label,
                },
                *n as f64,
            )
        })
        .collect();
    board.charts.push(Chart::single(
        "jobs_by_status",
        it_en(lang, "Incarichi per stato", "Jobs by status"),
        ChartKind::Bar,
        Unit::Count,
        status,
        lang,
    ));
    let weeks = m
        .minutes_by_week
        .iter()
        .map(|(d, n)| {
            let label = match lang {
                MessageLanguage::It => format!("sett. dal {}", d.format("%d/%m")),
                MessageLanguage::En => format!("week of {}", d.format("%d/%m")),
            };
            (
                ChartLabel {
                    key: d.to_string(),
                    label,
                },
                hours(*n),
            )
        })
        .collect();
    board.charts.push(Chart::single(
        "hours_by_week",
        it_en(lang, "Ore svolte per settimana", "Hours worked by week"),
        ChartKind::Bar,
        Unit::Hours,
        weeks,
        lang,
    ));
    let languages = m
        .minutes_by_language
        .iter()
        .map(|(k, n)| {
            let label = LANGUAGES
                .iter()
                .find(|(c, _, _)| c == k)
                .map_or_else(|| k.clone(), |(_, it, en)| it_en(lang, it, en));
            (
                ChartLabel {
                    key: k.clone(),
                    label,
                },
                hours(*n),
            )
        })
        .collect();
    board.charts.push(Chart::single(
        "hours_by_language",
        it_en(lang, "Ore svolte per lingua", "Hours worked by language"),
        ChartKind::Bar,
        Unit::Hours,
        languages,
        lang,
    ));
    Ok(())
}
