//! The programme's indicators for the fund: a period (a quarter, a year, or any days), one
//! municipality or the province, every figure for the period and from the programme's start,
//! each breakdown as a table, and the CSV and XLSX to send on; frozen reports and the cases
//! behind a figure.

pub mod drill;
pub mod frozen;

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use lumit_shared::permission::Action;
use lumit_shared::report::{
    drill_param, drillable, Amount, Breakdown, Dimension, Family, Figure, IndicatorReport,
    NewFrozenReport, Unit,
};
use lumit_shared::training::MessageLanguage;
use lumit_shared::user::Role;

use crate::api::{self, enc};
use crate::components::{download_bytes, error_message, DayInput, ErrorView, FormStatus, Loading};
use crate::i18n::{fmt_int, use_i18n, Lang};
use crate::pages::requests::today;
use crate::session::use_session;

/// Roles that read the indicators (the API decides their scope).
pub const READERS: &[Role] = &[
    Role::Admin,
    Role::Coordinator,
    Role::Operator,
    Role::MunicipalOfficer,
];

/// The XLSX media type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The quarter `q` (1–4) of `year`: its first and last day.
pub fn quarter(year: i32, q: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, 3 * (q - 1) + 1, 1)?;
    let next = if q == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, 3 * q + 1, 1)?
    };
    Some((first, next.pred_opt()?))
}

/// The choices of the period picker, newest first: this quarter and the seven before, this year
/// and the two before. Each is `(value "from/to", label key or text)`.
pub fn presets(today: NaiveDate, lang: Lang) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut year, mut q) = (today.year(), today.month0() / 3 + 1);
    for _ in 0..8 {
        if let Some((from, to)) = quarter(year, q) {
            let label = match lang {
                Lang::It => format!("{q}º trimestre {year}"),
                Lang::En => format!("Q{q} {year}"),
            };
            out.push((format!("{from}/{to}"), label));
        }
        if q == 1 {
            q = 4;
            year -= 1;
        } else {
            q -= 1;
        }
    }
    for y in [today.year(), today.year() - 1, today.year() - 2] {
        if let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y, 12, 31),
        ) {
            let label = match lang {
                Lang::It => format!("Anno {y}"),
                Lang::En => format!("Year {y}"),
            };
            out.push((format!("{from}/{to}"), label));
        }
    }
    out
}

/// A figure as people read it: `1.234`, `4,5` (Italian decimals), `<5`, or a dash.
pub fn fmt_amount(lang: Lang, a: Option<&Amount>) -> String {
    match a {
        None => "—".into(),
        Some(Amount::Whole(n)) => fmt_int(lang, *n),
        Some(Amount::Decimal(_)) | Some(Amount::Hidden(_)) => {
            let text = a.map(Amount::text).unwrap_or_default();
            match lang {
                Lang::It => text.replace('.', ","),
                Lang::En => text,
            }
        }
    }
}

fn report_lang(lang: Lang) -> MessageLanguage {
    match lang {
        Lang::It => MessageLanguage::It,
        Lang::En => MessageLanguage::En,
    }
}

/// The page.
#[component]
pub fn Page() -> impl IntoView {
    view! { <crate::guard::RoleGate roles=READERS><Reports /></crate::guard::RoleGate> }
}

#[component]
fn Reports() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let default = quarter(today().year(), today().month0() / 3 + 1);
    let from_q = move || {
        query
            .with(|q| q.get("from"))
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .or(default.map(|d| d.0))
    };
    let to_q = move || {
        query
            .with(|q| q.get("to"))
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .or(default.map(|d| d.1))
    };
    let muni_q = move || query.with(|q| q.get("municipality_id")).unwrap_or_default();
    let from = RwSignal::new(from_q().map(|d| d.to_string()).unwrap_or_default());
    let to = RwSignal::new(to_q().map(|d| d.to_string()).unwrap_or_default());
    let municipality = RwSignal::new(muni_q());
    let form_err = RwSignal::new(None::<String>);
    let sees_all = move || s.role().is_some_and(Role::sees_all_municipalities);
    let path = move || {
        let (Some(f), Some(t)) = (from_q(), to_q()) else {
            return None;
        };
        let mut p = api::reports::indicators_path(f, t);
        let m = muni_q();
        if !m.is_empty() {
            p = p.with("municipality_id", &m);
        }
        Some(p.with_raw("lang", i.lang.get().tag()))
    };
    let data = LocalResource::new(move || {
        let p = path();
        async move {
            match p {
                Some(p) => api::reports::indicators(&p).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let municipalities = LocalResource::new(move || {
        let all = sees_all();
        async move {
            if all {
                api::municipalities::page(None)
                    .await
                    .map(|p| p.items)
                    .unwrap_or_default()
            } else {
                Vec::new()
            }
        }
    });
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (f, t) = (from.get_untracked(), to.get_untracked());
        let (Ok(fd), Ok(td)) = (f.parse::<NaiveDate>(), t.parse::<NaiveDate>()) else {
            form_err.set(Some(i.t(k!("rep.bad_dates")).to_owned()));
            return;
        };
        if td < fd {
            form_err.set(Some(i.t(k!("rep.to_before_from")).to_owned()));
            return;
        }
        form_err.set(None);
        let m = municipality.get_untracked();
        let mut url = format!("/reports?from={fd}&to={td}");
        if !m.is_empty() {
            url.push_str(&format!("&municipality_id={}", enc(&m)));
        }
        navigate(&url, Default::default());
    };
    let pick = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if let Some((f, t)) = v.split_once('/') {
            from.set(f.to_owned());
            to.set(t.to_owned());
        }
    };
    let show_small = RwSignal::new(false);
    let dl_err = RwSignal::new(None::<String>);
    let dl_ok = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let download = move |kind: &'static str| {
        let Some(mut p) = path().map(|p| p.with_raw("format", kind)) else {
            return;
        };
        if show_small.get_untracked() {
            p = p.with_raw("small_cells", "show");
        }
        let (mime, name) = match kind {
            "csv" => ("text/csv", "csv"),
            _ => (XLSX, "xlsx"),
        };
        let file = format!(
            "lumit-indicatori-{}-{}.{name}",
            from_q().map(|d| d.to_string()).unwrap_or_default(),
            to_q().map(|d| d.to_string()).unwrap_or_default()
        );
        busy.set(true);
        dl_ok.set(None);
        spawn_local(async move {
            match api::download(&p, mime).await {
                Ok(bytes) => {
                    download_bytes(&file, mime, &bytes);
                    dl_err.set(None);
                    dl_ok.set(Some(i.t(k!("rep.downloaded")).to_owned()));
                }
                Err(e) => dl_err.set(Some(error_message(i.lang.get_untracked(), &e))),
            }
            busy.set(false);
        });
    };
    let can_show_small = move || s.is(&[Role::Admin, Role::Coordinator]);
    let can_freeze = move || {
        s.role()
            .is_some_and(|r| Action::FreezeReports.allowed_for(r))
    };
    let drills = s.role().is_some_and(|r| Action::ReadCases.allowed_for(r));
    view! {
        <h1 tabindex="-1">{move || i.t(k!("rep.title"))}</h1>
        <p class="lead">{move || i.t(k!("rep.intro"))}</p>
        <form class="filters" on:submit=show novalidate aria-label=move || i.t(k!("rep.period"))>
            <div class="field">
                <label for="rep-preset">{move || i.t(k!("rep.period"))}</label>
                <select id="rep-preset" on:change=pick>
                    <option value="">{move || i.t(k!("rep.choose_period"))}</option>
                    {move || presets(today(), i.lang.get()).into_iter().map(|(v, label)| {
                        let selected = v == format!("{}/{}", from.get_untracked(), to.get_untracked());
                        view! { <option value=v selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="rep-from">{move || i.t(k!("rep.from"))}</label>
                <DayInput id="rep-from" value=from described=Signal::derive(|| Some("rep-form-error".to_owned())) />
            </div>
            <div class="field">
                <label for="rep-to">{move || i.t(k!("rep.to"))}</label>
                <DayInput id="rep-to" value=to described=Signal::derive(|| Some("rep-form-error".to_owned())) />
            </div>
            <Show when=sees_all>
                <div class="field">
                    <label for="rep-municipality">{move || i.t(k!("rep.municipality"))}</label>
                    <select id="rep-municipality" on:change=move |ev| municipality.set(event_target_value(&ev))>
                        <option value="" selected=move || municipality.get().is_empty()>{move || i.t(k!("rep.province"))}</option>
                        {move || municipalities.get().unwrap_or_default().into_iter().map(|m| {
                            let id = m.id.clone();
                            let selected = move || municipality.get() == id;
                            view! { <option value=m.id.clone() selected=selected>{m.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </Show>
            <button type="submit" class="btn">{move || i.t(k!("rep.show"))}</button>
            <p class="error" id="rep-form-error" role="alert">{move || form_err.get()}</p>
        </form>
        <div class="actions" role="group" aria-label=move || i.t(k!("rep.downloads"))>
            <button type="button" class="btn" on:click=move |_| download("xlsx") disabled=move || busy.get()
                aria-busy=move || busy.get().to_string()>{move || i.t(k!("rep.xlsx"))}</button>
            <button type="button" class="btn" on:click=move |_| download("csv") disabled=move || busy.get()
                aria-busy=move || busy.get().to_string()>{move || i.t(k!("rep.csv"))}</button>
            <Show when=can_show_small>
                <label class="check">
                    <input type="checkbox" prop:checked=move || show_small.get()
                        on:change=move |ev| show_small.set(event_target_checked(&ev)) />
                    {move || i.t(k!("rep.show_small"))}
                </label>
            </Show>
        </div>
        <FormStatus error=Signal::derive(move || dl_err.get()) ok=Signal::derive(move || dl_ok.get()) />
        <Show when=can_freeze>
            <Freeze from=Signal::derive(from_q) to=Signal::derive(to_q) municipality=Signal::derive(muni_q) />
        </Show>
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                Ok(None) => view! { <p class="muted">{move || i.t(k!("rep.bad_dates"))}</p> }.into_any(),
                Ok(Some(report)) => {
                    let links = drills.then(|| DrillLinks {
                        from: report.from,
                        to: report.to,
                        municipality: muni_q(),
                    });
                    view! { <ReportView report=report links=links /> }.into_any()
                }
            })}
        </Transition>
        <frozen::FrozenList />
    }
}

/// Freezing the period shown, after a confirmation: it is for good.
#[component]
fn Freeze(
    from: Signal<Option<NaiveDate>>,
    to: Signal<Option<NaiveDate>>,
    municipality: Signal<String>,
) -> impl IntoView {
    let i = use_i18n();
    let navigate = use_navigate();
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let err = RwSignal::new(None::<String>);
    let confirm = move |_| {
        let (Some(from), Some(to)) = (from.get_untracked(), to.get_untracked()) else {
            return;
        };
        let m = municipality.get_untracked();
        let body = NewFrozenReport {
            from,
            to,
            municipality_id: (!m.is_empty()).then_some(m),
            lang: Some(report_lang(i.lang.get_untracked())),
        };
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::reports::freeze(&body).await {
                Ok(f) => navigate(&format!("/reports/frozen/{}", f.id), Default::default()),
                Err(e) => err.set(Some(error_message(i.lang.get_untracked(), &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="freeze" aria-labelledby="freeze-title">
            <h2 id="freeze-title" class="visually-hidden">{move || i.t(k!("rep.freeze"))}</h2>
            <Show when=move || asking.get() fallback=move || view! {
                <button type="button" class="btn" on:click=move |_| asking.set(true)>{move || i.t(k!("rep.freeze"))}</button>
            }>
                <div class="confirm" role="group" aria-labelledby="freeze-question">
                    <p id="freeze-question">{move || i.t(k!("rep.freeze_question"))}</p>
                    <button type="button" class="btn btn-primary" on:click=confirm.clone() disabled=move || busy.get()
                        aria-busy=move || busy.get().to_string()>{move || i.t(k!("rep.freeze_confirm"))}</button>
                    <button type="button" class="btn" on:click=move |_| asking.set(false)>{move || i.t(k!("app.cancel"))}</button>
                </div>
            </Show>
            <p class="error" role="alert">{move || err.get()}</p>
        </section>
    }
}

/// Where a report's figures lead: the cases behind them (for those who read cases).
#[derive(Debug, Clone)]
pub struct DrillLinks {
    from: NaiveDate,
    to: NaiveDate,
    municipality: String,
}

impl DrillLinks {
    /// The drill-down page of a figure's column, or of one line; none where there is no list.
    fn href(&self, code: &str, column: &str, line: Option<(Dimension, &str)>) -> Option<String> {
        if !drillable(code, line) {
            return None;
        }
        let mut h = format!(
            "/reports/drill?indicator={code}&from={}&to={}&column={column}",
            self.from, self.to
        );
        match line {
            Some((Dimension::Municipality, key)) => {
                h.push_str(&format!("&municipality_id={}", enc(key)));
            }
            Some((d, key)) => {
                if !self.municipality.is_empty() {
                    h.push_str(&format!("&municipality_id={}", enc(&self.municipality)));
                }
                h.push_str(&format!("&{}={}", drill_param(d), enc(key)));
            }
            None if !self.municipality.is_empty() => {
                h.push_str(&format!("&municipality_id={}", enc(&self.municipality)));
            }
            None => {}
        }
        Some(h)
    }
}

/// A figure's cell: the number, a link to the cases behind it when there is one to follow.
fn amount_cell(
    href: Option<String>,
    amount: Option<Amount>,
    column: crate::i18n::Key,
) -> impl IntoView {
    let i = use_i18n();
    let text = move || fmt_amount(i.lang.get(), amount.as_ref());
    let worth = matches!(amount, Some(Amount::Whole(n)) if n > 0);
    view! {
        <td class="num">
            {match href.filter(|_| worth) {
                Some(h) => view! {
                    <A href=h attr:class="drill"
                        attr:aria-label=move || format!("{} {} — {}", text(), i.t(column).to_lowercase(), i.t(k!("rep.show_cases")))>{text}</A>
                }.into_any(),
                None => text.into_any(),
            }}
        </td>
    }
}

/// A report's figures by family, each with its breakdowns; with `links`, each count leads to
/// the cases behind it.
#[component]
pub fn ReportView(report: IndicatorReport, links: Option<DrillLinks>) -> impl IntoView {
    let i = use_i18n();
    let period = format!(
        "{} – {}",
        report.from.format("%d/%m/%Y"),
        report.to.format("%d/%m/%Y")
    );
    let since = report.programme_start.format("%d/%m/%Y").to_string();
    view! {
        <p class="muted" data-testid="report-period">
            {move || i.t(k!("rep.period"))} ": " {period.clone()} " · " {move || i.t(k!("rep.cumulative_since"))} " " {since.clone()}
        </p>
        {Family::ALL.iter().map(|family| {
            let links = links.clone();
            let figures: Vec<Figure> = report.figures.iter().filter(|f| f.family == *family).cloned().collect();
            let id = format!("family-{}", family.as_str());
            let family = *family;
            view! {
                <section aria-labelledby=id.clone() class="report-family">
                    <h2 id=id.clone()>{move || family.label(report_lang(i.lang.get()))}</h2>
                    <table class="table">
                        <caption class="visually-hidden">{move || family.label(report_lang(i.lang.get()))}</caption>
                        <thead><tr>
                            <th scope="col">{move || i.t(k!("rep.indicator"))}</th>
                            <th scope="col" class="num">{move || i.t(k!("rep.in_period"))}</th>
                            <th scope="col" class="num">{move || i.t(k!("rep.cumulative"))}</th>
                        </tr></thead>
                        <tbody>
                            {figures.iter().map(|f| {
                                let unit = unit_suffix(f.unit);
                                let href = |column| links.as_ref().and_then(|l| l.href(&f.code, column, None));
                                view! {
                                    <tr data-code=f.code.clone()>
                                        <th scope="row">{f.label.clone()}{move || unit.map(|k| format!(" ({})", i.t(k)))}</th>
                                        {amount_cell(href("period"), f.period, k!("rep.in_period"))}
                                        {amount_cell(href("cumulative"), f.cumulative, k!("rep.cumulative"))}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    {figures.into_iter().filter(|f| !f.breakdowns.is_empty()).map(|f| { let links = links.clone(); view! {
                        <details class="breakdowns">
                            <summary>{move || i.t(k!("rep.details"))} ": " {f.label.clone()}</summary>
                            {f.breakdowns.iter().cloned().map(|b| view! { <BreakdownTable b=b code=f.code.clone() links=links.clone() /> }).collect_view()}
                        </details>
                    }}).collect_view()}
                </section>
            }
        }).collect_view()}
    }
}

fn unit_suffix(u: Unit) -> Option<crate::i18n::Key> {
    match u {
        Unit::Hours => Some(k!("rep.unit_hours")),
        Unit::Minutes => Some(k!("rep.unit_minutes")),
        Unit::Count | Unit::Average => None,
    }
}

#[component]
fn BreakdownTable(b: Breakdown, code: String, links: Option<DrillLinks>) -> impl IntoView {
    let i = use_i18n();
    let at_end = b.rows.iter().all(|r| r.cumulative.is_none());
    view! {
        <table class="table table-compact" data-code=b.code.clone()>
            <caption>{b.label.clone()}</caption>
            <thead><tr>
                <th scope="col">{move || i.t(k!("rep.line"))}</th>
                <th scope="col" class="num">{move || i.t(k!("rep.in_period"))}</th>
                {(!at_end).then(|| view! { <th scope="col" class="num">{move || i.t(k!("rep.cumulative"))}</th> })}
            </tr></thead>
            <tbody>
                {b.rows.into_iter().map(|r| {
                    let href = |column| {
                        links.as_ref().and_then(|l| l.href(&code, column, Some((b.dimension, &r.key))))
                    };
                    view! {
                        <tr data-key=r.key.clone()>
                            <th scope="row">{r.label.clone()}</th>
                            {amount_cell(href("period"), Some(r.period), k!("rep.in_period"))}
                            {(!at_end).then(|| amount_cell(href("cumulative"), r.cumulative, k!("rep.cumulative")))}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Whether a role reads the indicators (for the navigation).
pub fn may_read(role: Role) -> bool {
    Action::ReadReports.allowed_for(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_presets() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(quarter(2026, 3), Some((d("2026-07-01"), d("2026-09-30"))));
        assert_eq!(quarter(2026, 4), Some((d("2026-10-01"), d("2026-12-31"))));
        let p = presets(d("2026-12-07"), Lang::It);
        assert_eq!(
            p[0],
            ("2026-10-01/2026-12-31".into(), "4º trimestre 2026".into())
        );
        assert_eq!(p[1].0, "2026-07-01/2026-09-30");
        assert_eq!(p[4].0, "2025-10-01/2025-12-31");
        assert_eq!(p[8], ("2026-01-01/2026-12-31".into(), "Anno 2026".into()));
        assert_eq!(p.len(), 11);
    }

    #[test]
    fn amounts_read_as_numbers_in_each_language() {
        assert_eq!(fmt_amount(Lang::It, Some(&Amount::Decimal(4.5))), "4,5");
        assert_eq!(fmt_amount(Lang::En, Some(&Amount::Decimal(4.5))), "4.5");
        assert_eq!(fmt_amount(Lang::It, Some(&Amount::Whole(1234))), "1.234");
        assert_eq!(
            fmt_amount(
                Lang::It,
                Some(&Amount::Hidden(lumit_shared::report::Below(5)))
            ),
            "<5"
        );
        assert_eq!(fmt_amount(Lang::It, None), "—");
    }
}
