//! A mediator's month: hours per municipality and kind of job, the late cancellations apart, a
//! chart of hours per municipality, and the CSV for the accounts.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use lumit_shared::mediation::{hours, month, Timesheet, TimesheetRow};

use crate::api::{self, ApiError};
use crate::components::{download, error_message, ErrorView, FormStatus, Loading};
use crate::guard::RoleGate;
use crate::i18n::{fmt_int, use_i18n};
use crate::pages::requests::{fmt_local, kind_key, today, COORDINATION};

/// The timesheet page.
#[component]
pub fn Page() -> impl IntoView {
    view! { <RoleGate roles=COORDINATION><Sheet /></RoleGate> }
}

/// Minutes per municipality, largest first.
fn per_municipality(rows: &[TimesheetRow]) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|(n, _)| *n == r.municipality_name) {
            Some((_, m)) => *m += r.minutes,
            None => out.push((r.municipality_name.clone(), r.minutes)),
        }
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.1));
    out
}

#[component]
fn Sheet() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let navigate = use_navigate();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let current_month = move || {
        query
            .with(|q| q.get("month"))
            .filter(|m| month(m).is_ok())
            .unwrap_or_else(|| today().format("%Y-%m").to_string())
    };
    let picked = RwSignal::new(current_month());
    let month_err = RwSignal::new(None::<String>);
    let data = LocalResource::new(move || {
        let (id, m) = (id(), current_month());
        async move { api::mediators::timesheet(&id, &m).await }
    });
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let m = picked.get_untracked();
        if month(&m).is_err() {
            month_err.set(Some(i.t(k!("ts.month_format")).to_owned()));
            return;
        }
        month_err.set(None);
        navigate(
            &format!("/mediators/{}/timesheet?month={}", id(), m.trim()),
            Default::default(),
        );
    };
    let dl_err = RwSignal::new(None::<ApiError>);
    let dl_ok = RwSignal::new(None::<String>);
    let csv = move |_| {
        let (id, m) = (id(), current_month());
        dl_ok.set(None);
        spawn_local(async move {
            match api::mediators::timesheet_csv(&id, &m).await {
                Ok(text) => {
                    download(&format!("lumit-ore-{id}-{m}.csv"), "text/csv", &text);
                    dl_err.set(None);
                    dl_ok.set(Some(i.t(k!("ts.downloaded")).to_owned()));
                }
                Err(e) => dl_err.set(Some(e)),
            }
        });
    };
    let dl_msg =
        Signal::derive(move || dl_err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <h1 tabindex="-1">
            {move || i.t(k!("ts.title"))}
            {move || data.get().and_then(|r| r.ok()).map(|t| format!(": {}", t.mediator_name))}
        </h1>
        <form class="filters" on:submit=show novalidate aria-label=move || i.t(k!("ts.month"))>
            <div class="field" class:has-error=move || month_err.with(Option::is_some)>
                <label for="month">{move || i.t(k!("ts.month"))}</label>
                <input id="month" name="month" type="month" aria-describedby="month-error"
                    aria-invalid=move || if month_err.with(Option::is_some) { "true" } else { "false" }
                    prop:value=move || picked.get() on:input=move |ev| picked.set(event_target_value(&ev)) />
                <p class="error" id="month-error" role="alert">{move || month_err.get()}</p>
            </div>
            <button type="submit" class="btn">{move || i.t(k!("ts.show"))}</button>
            <button type="button" class="btn" on:click=csv>{move || i.t(k!("ts.csv"))}</button>
            <A href=move || format!("/mediators/{}", id()) attr:class="btn btn-ghost">{move || i.t(k!("ts.back"))}</A>
        </form>
        <FormStatus error=dl_msg ok=Signal::derive(move || dl_ok.get()) />
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                Ok(t) => view! { <SheetView t=t /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn SheetView(t: Timesheet) -> impl IntoView {
    let i = use_i18n();
    let jobs: i64 = t.rows.iter().map(|r| r.jobs).sum();
    let total = t.total_minutes;
    let bars = per_municipality(&t.rows);
    let month_label = t.month.clone();
    let month_label2 = t.month.clone();
    view! {
        <section aria-labelledby="hours-title">
            <h2 id="hours-title">{move || i.t(k!("ts.hours"))}</h2>
            <p class="stat-inline" data-testid="timesheet-total">{move || i.t(k!("ts.total"))} ": " <strong>{hours(total)}</strong> " " {move || i.t(k!("ts.hours_unit"))}</p>
            {if t.rows.is_empty() {
                view! { <p class="muted">{move || i.t(k!("ts.no_jobs"))}</p> }.into_any()
            } else { view! {
                <table class="table">
                    <caption>{move || format!("{} — {}", i.t(k!("ts.hours")), month_label)}</caption>
                    <thead><tr>
                        <th scope="col">{move || i.t(k!("req.municipality"))}</th>
                        <th scope="col">{move || i.t(k!("req.kind"))}</th>
                        <th scope="col" class="num">{move || i.t(k!("ts.jobs"))}</th>
                        <th scope="col" class="num">{move || i.t(k!("ts.hours_col"))}</th>
                    </tr></thead>
                    <tbody>
                        {t.rows.iter().cloned().map(|r| view! {
                            <tr>
                                <th scope="row">{r.municipality_name.clone()}</th>
                                <td>{move || i.t(kind_key(r.kind))}</td>
                                <td class="num">{move || fmt_int(i.lang.get(), r.jobs)}</td>
                                <td class="num">{hours(r.minutes)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot><tr>
                        <th scope="row">{move || i.t(k!("ts.total"))}</th>
                        <td></td>
                        <td class="num">{move || fmt_int(i.lang.get(), jobs)}</td>
                        <td class="num">{hours(total)}</td>
                    </tr></tfoot>
                </table>
                <Chart bars=bars />
            }.into_any() }}
        </section>
        <section aria-labelledby="late-title">
            <h2 id="late-title">{move || i.t(k!("ts.late"))}</h2>
            {if t.late_cancellations.is_empty() {
                view! { <p class="muted">{move || i.t(k!("ts.no_late"))}</p> }.into_any()
            } else { view! {
                <table class="table">
                    <caption>{move || format!("{} — {}", i.t(k!("ts.late")), month_label2)}</caption>
                    <thead><tr>
                        <th scope="col">{move || i.t(k!("req.reference"))}</th>
                        <th scope="col">{move || i.t(k!("req.municipality"))}</th>
                        <th scope="col">{move || i.t(k!("req.starts_at"))}</th>
                        <th scope="col" class="num">{move || i.t(k!("ts.planned"))}</th>
                        <th scope="col">{move || i.t(k!("req.cancel_reason"))}</th>
                    </tr></thead>
                    <tbody>
                        {t.late_cancellations.into_iter().map(|l| view! {
                            <tr>
                                <th scope="row"><A href=format!("/requests/{}", l.request_id)>{l.reference.clone()}</A></th>
                                <td>{l.municipality_name.clone()}</td>
                                <td>{l.starts_at.map(fmt_local).unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{l.planned_minutes.map(|m| hours(m.into())).unwrap_or_else(|| "—".into())}</td>
                                <td>{l.reason.clone().unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any() }}
        </section>
    }
}

/// Hours per municipality as bars; the table above holds the same numbers.
#[component]
fn Chart(bars: Vec<(String, i64)>) -> impl IntoView {
    let i = use_i18n();
    let max = bars.iter().map(|(_, m)| *m).max().unwrap_or(0).max(1);
    let row_h = 28;
    let label_w = 160;
    let bar_w = 360;
    let height = (bars.len() as i64) * row_h + 8;
    let summary = bars
        .iter()
        .map(|(n, m)| format!("{n} {}", hours(*m)))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <figure class="chart">
            <svg role="img" aria-label=move || format!("{}: {summary}", i.t(k!("ts.chart")))
                viewBox=format!("0 0 {} {height}", label_w + bar_w + 70) width="100%" preserveAspectRatio="xMinYMin meet">
                {bars.into_iter().enumerate().map(|(n, (name, m))| {
                    let y = n as i64 * row_h + 4;
                    let w = (m * bar_w / max).max(2);
                    view! {
                        <g aria-hidden="true">
                            <text x=label_w - 8 y=y + 18 text-anchor="end" class="chart-label">{name}</text>
                            <rect x=label_w y=y + 4 width=w height=row_h - 8 class="chart-bar"></rect>
                            <text x=label_w + w + 6 y=y + 18 class="chart-value">{hours(m)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{move || i.t(k!("ts.chart"))}</figcaption>
        </figure>
    }
}
