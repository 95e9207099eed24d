//! The dashboard on the home page: the caller's numbers at a glance and their charts, drawn as
//! SVG (bars, a line, stacked bars) in a palette that colour-blind readers tell apart, each
//! with a one-line summary and its data as a table, and a period picker. One request.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use lumit_shared::dashboard::{Chart, ChartKind, Dashboard, DashboardView, Tile};
use lumit_shared::report::Unit;

use crate::api;
use crate::components::{ErrorView, Loading};
use crate::i18n::{fmt_int, use_i18n, Lang};
use crate::pages::reports::presets;
use crate::pages::requests::today;

/// Okabe and Ito's palette, without its yellow (too light on white): told apart with every
/// common colour blindness, and each at least 3:1 on white.
pub const PALETTE: [&str; 6] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#8a6d00",
];

/// A value as the page writes it: whole numbers with thousands separators, others to one
/// decimal.
fn fmt_value(lang: Lang, v: f64) -> String {
    if v.fract() == 0.0 {
        fmt_int(lang, v as i64)
    } else {
        let s = format!("{v:.1}");
        match lang {
            Lang::It => s.replace('.', ","),
            Lang::En => s,
        }
    }
}

/// The period choices: the last twelve months, this month, then the reports' quarters and years.
fn choices(today: NaiveDate, lang: Lang) -> Vec<(String, String)> {
    let month = today.with_day(1).unwrap_or(today);
    let end = month
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(today);
    let year_ago = month
        .checked_sub_months(chrono::Months::new(11))
        .unwrap_or(month);
    let (twelve, this) = match lang {
        Lang::It => ("Ultimi 12 mesi", "Questo mese"),
        Lang::En => ("Last 12 months", "This month"),
    };
    let mut out = vec![
        (format!("{year_ago}/{end}"), twelve.to_owned()),
        (format!("{month}/{end}"), this.to_owned()),
    ];
    out.extend(presets(today, lang));
    out
}

/// The dashboard, for every role that has one.
#[component]
pub fn DashboardPanel() -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |k: &str| query.with(|q| q.get(k)).unwrap_or_default();
    let data = LocalResource::new(move || {
        let (from, to) = (param("from"), param("to"));
        let lang = i.lang.get().tag();
        async move {
            let period = (!from.is_empty() && !to.is_empty()).then_some((&*from, &*to));
            api::reports::dashboard(lang, period).await
        }
    });
    let pick = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if let Some((f, t)) = v.split_once('/') {
            navigate(&format!("/?from={f}&to={t}"), Default::default());
        }
    };
    view! {
        <section class="dashboard" aria-labelledby="dash-title">
            <div class="page-head">
                <h2 id="dash-title">{move || i.t(k!("dash.title"))}</h2>
                <div class="field">
                    <label for="dash-period">{move || i.t(k!("rep.period"))}</label>
                    <select id="dash-period" on:change=pick>
                        {move || {
                            let current = format!("{}/{}", param("from"), param("to"));
                            choices(today(), i.lang.get()).into_iter().map(|(v, label)| {
                                let selected = v == current;
                                view! { <option value=v selected=selected>{label}</option> }
                            }).collect_view()
                        }}
                    </select>
                </div>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                    Ok(d) => view! { <Board d=d /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Board(d: Dashboard) -> impl IntoView {
    let i = use_i18n();
    let period = format!(
        "{} – {}",
        d.from.format("%d/%m/%Y"),
        d.to.format("%d/%m/%Y")
    );
    let whose = match d.view {
        DashboardView::Province => k!("dash.province"),
        DashboardView::Desk => k!("dash.desk"),
        DashboardView::Municipality => k!("dash.municipality"),
        DashboardView::Mediator => k!("dash.mediator"),
    };
    view! {
        <p class="muted" data-testid="dash-period">{move || i.t(whose)} " · " {period.clone()}</p>
        <div class="stats">
            {d.tiles.into_iter().map(|t| view! { <TileView t=t /> }).collect_view()}
        </div>
        <div class="charts">
            {d.charts.into_iter().map(|c| view! { <ChartView c=c /> }).collect_view()}
        </div>
    }
}

#[component]
fn TileView(t: Tile) -> impl IntoView {
    let i = use_i18n();
    let unit = (t.unit == Unit::Hours).then_some(k!("rep.unit_hours"));
    view! {
        <div class="stat" data-code=t.code.clone()>
            <p class="stat-value">{move || fmt_value(i.lang.get(), t.value)}</p>
            <p class="stat-label">{t.label.clone()}{move || unit.map(|k| format!(" ({})", i.t(k)))}</p>
        </div>
    }
}

/// A chart: its title, its summary, the drawing (hidden from screen readers, which read the
/// summary and the table), and the table.
#[component]
pub fn ChartView(c: Chart) -> impl IntoView {
    let i = use_i18n();
    let id = format!("chart-{}", c.code);
    let svg = match c.kind {
        ChartKind::Line => line(&c).into_any(),
        ChartKind::Bar | ChartKind::Stacked => bars(&c).into_any(),
    };
    let empty = c.total() == 0.0;
    view! {
        <figure class="chart" data-code=c.code.clone() aria-labelledby=format!("{id}-title")>
            <h3 id=format!("{id}-title")>{c.title.clone()}</h3>
            <p class="chart-summary" id=format!("{id}-summary")>{c.summary.clone()}</p>
            {(!empty).then(|| view! { <div class="chart-drawing" aria-hidden="true">{svg}</div> })}
            {(!empty).then(|| view! {
                <details class="chart-table">
                    <summary>{move || i.t(k!("dash.table"))}</summary>
                    <DataTable c=c.clone() />
                </details>
            })}
        </figure>
    }
}

/// The chart's numbers: a row per category, a column per series (and the total when stacked).
#[component]
fn DataTable(c: Chart) -> impl IntoView {
    let i = use_i18n();
    let stacked = c.series.len() > 1;
    let totals = c.category_totals();
    view! {
        <table class="table table-compact">
            <caption class="visually-hidden">{c.title.clone()}</caption>
            <thead><tr>
                <th scope="col">{move || i.t(k!("rep.line"))}</th>
                {c.series.iter().map(|s| view! { <th scope="col" class="num">{s.name.label.clone()}</th> }).collect_view()}
                {stacked.then(|| view! { <th scope="col" class="num">{move || i.t(k!("dash.total"))}</th> })}
            </tr></thead>
            <tbody>
                {c.categories.iter().enumerate().map(|(k, cat)| {
                    let values: Vec<f64> = c.series.iter().map(|s| s.values.get(k).copied().unwrap_or(0.0)).collect();
                    let total = totals.get(k).copied().unwrap_or(0.0);
                    view! {
                        <tr data-key=cat.key.clone()>
                            <th scope="row">{cat.label.clone()}</th>
                            {values.into_iter().map(|v| view! { <td class="num">{move || fmt_value(i.lang.get(), v)}</td> }).collect_view()}
                            {stacked.then(|| view! { <td class="num">{move || fmt_value(i.lang.get(), total)}</td> })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

const WIDTH: f64 = 640.0;
const LABEL_W: f64 = 230.0;
const ROW_H: f64 = 30.0;

/// Horizontal bars (long names of municipalities and categories stay readable), stacked when
/// there are several series, with a legend.
fn bars(c: &Chart) -> impl IntoView {
    let i = use_i18n();
    let totals = c.category_totals();
    let max = totals.iter().copied().fold(0.0, f64::max).max(1.0);
    let plot = WIDTH - LABEL_W - 70.0;
    let legend = c.series.len() > 1;
    let top = if legend { 28.0 } else { 4.0 };
    let height = top + ROW_H * c.categories.len() as f64 + 4.0;
    let lang = i.lang.get_untracked();
    let rows = c.categories.iter().enumerate().map(|(k, cat)| {
        let y = top + ROW_H * k as f64;
        let mut x = LABEL_W;
        let segments = c
            .series
            .iter()
            .enumerate()
            .map(|(s, series)| {
                let v = series.values.get(k).copied().unwrap_or(0.0);
                let w = v / max * plot;
                let rect = view! {
                    <rect x=format!("{x:.1}") y=format!("{:.1}", y + 4.0) width=format!("{w:.1}") height="20"
                        fill=PALETTE[s % PALETTE.len()] />
                };
                x += w;
                rect
            })
            .collect_view();
        let label = truncate(&cat.label, 26);
        view! {
            <g>
                <text x=format!("{:.1}", LABEL_W - 6.0) y=format!("{:.1}", y + 19.0) text-anchor="end" class="chart-label">{label}</text>
                {segments}
                <text x=format!("{:.1}", x + 4.0) y=format!("{:.1}", y + 19.0) class="chart-value">{fmt_value(lang, totals[k])}</text>
            </g>
        }
    }).collect_view();
    let legend_items = legend.then(|| {
        let mut x = 0.0;
        c.series
            .iter()
            .enumerate()
            .map(|(s, series)| {
                let at = x;
                let name = truncate(&series.name.label, 28);
                x += 16.0 + 8.5 * name.chars().count() as f64 + 16.0;
                view! {
                    <g>
                        <rect x=format!("{at:.1}") y="4" width="14" height="14" fill=PALETTE[s % PALETTE.len()] />
                        <text x=format!("{:.1}", at + 18.0) y="16" class="chart-label">{name}</text>
                    </g>
                }
            })
            .collect_view()
    });
    view! {
        <svg viewBox=format!("0 0 {WIDTH} {height:.0}") width="100%" role="presentation" focusable="false">
            {legend_items}
            {rows}
        </svg>
    }
}

/// A line through the months, with points and their values.
fn line(c: &Chart) -> impl IntoView {
    let i = use_i18n();
    let lang = i.lang.get_untracked();
    let values = c
        .series
        .first()
        .map(|s| s.values.clone())
        .unwrap_or_default();
    let max = values.iter().copied().fold(0.0, f64::max).max(1.0);
    let (left, right, top, bottom) = (40.0, 40.0, 24.0, 40.0);
    let height = 240.0;
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom;
    let n = values.len().max(1);
    let step = if n > 1 { plot_w / (n - 1) as f64 } else { 0.0 };
    let point = |k: usize, v: f64| (left + step * k as f64, top + plot_h - v / max * plot_h);
    let path: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let (x, y) = point(k, *v);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    // As many month names as fit under the axis; values over the points while they fit.
    let every = n.div_ceil(6).max(1);
    let values_fit = n <= 12;
    let marks = values.iter().enumerate().map(|(k, v)| {
        let (x, y) = point(k, *v);
        let label = c.categories.get(k).map(|l| l.label.clone()).unwrap_or_default();
        view! {
            <g>
                <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="4" fill=PALETTE[0] />
                {values_fit.then(|| view! {
                    <text x=format!("{x:.1}") y=format!("{:.1}", y - 8.0) text-anchor="middle" class="chart-value">{fmt_value(lang, *v)}</text>
                })}
                {(k % every == 0).then(|| view! {
                    <text x=format!("{x:.1}") y=format!("{:.1}", height - 16.0) text-anchor="middle" class="chart-label">{label}</text>
                })}
            </g>
        }
    }).collect_view();
    view! {
        <svg viewBox=format!("0 0 {WIDTH} {height:.0}") width="100%" role="presentation" focusable="false">
            <line x1=left y1=format!("{:.1}", top + plot_h) x2=format!("{:.1}", WIDTH - right) y2=format!("{:.1}", top + plot_h) class="chart-axis" />
            <polyline points=path.join(" ") fill="none" stroke=PALETTE[0] stroke-width="2.5" />
            {marks}
        </svg>
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_choices_start_with_the_last_twelve_months() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let c = choices(d("2026-12-07"), Lang::It);
        assert_eq!(
            c[0],
            ("2026-01-01/2026-12-31".into(), "Ultimi 12 mesi".into())
        );
        assert_eq!(c[1].0, "2026-12-01/2026-12-31");
        assert_eq!(c[2].0, "2026-10-01/2026-12-31");
        assert_eq!(
            truncate("Comune di Castelnuovo di Garfagnana", 12),
            "Comune di C…"
        );
        assert_eq!(fmt_value(Lang::It, 1234.0), "1.234");
        assert_eq!(fmt_value(Lang::It, 4.5), "4,5");
    }
}
