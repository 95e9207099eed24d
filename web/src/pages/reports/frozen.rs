//! Frozen reports: the list, and one report as it was sent with what differs today.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lumit_shared::municipality::Municipality;
use lumit_shared::report::{Difference, FrozenReport};

use super::{fmt_amount, ReportView, READERS, XLSX};
use crate::api;
use crate::components::{download_bytes, error_message, ErrorView, FormStatus, Loading};
use crate::i18n::{fmt_datetime, use_i18n};

/// The period of a frozen report, `01/07/2026 – 30/09/2026`.
fn period(f: &FrozenReport) -> String {
    format!(
        "{} – {}",
        f.from.format("%d/%m/%Y"),
        f.to.format("%d/%m/%Y")
    )
}

/// Names of municipalities by id (for the scope of each report).
fn municipality_names() -> LocalResource<Vec<Municipality>> {
    LocalResource::new(|| async {
        api::municipalities::page(None)
            .await
            .map(|p| p.items)
            .unwrap_or_default()
    })
}

fn scope_name(names: &[Municipality], id: Option<&str>, province: String) -> String {
    match id {
        None => province,
        Some(id) => names
            .iter()
            .find(|m| m.id == id)
            .map_or_else(|| id.to_owned(), |m| m.name.clone()),
    }
}

/// The frozen reports the caller may read, latest period first.
#[component]
pub fn FrozenList() -> impl IntoView {
    let i = use_i18n();
    let data = LocalResource::new(api::reports::frozen_list);
    let names = municipality_names();
    view! {
        <section aria-labelledby="frozen-title" class="report-family">
            <h2 id="frozen-title">{move || i.t(k!("rep.frozen_title"))}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{move || i.t(k!("rep.frozen_none"))}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="table" data-testid="frozen-list">
                            <caption class="visually-hidden">{move || i.t(k!("rep.frozen_title"))}</caption>
                            <thead><tr>
                                <th scope="col">{move || i.t(k!("rep.period"))}</th>
                                <th scope="col">{move || i.t(k!("rep.municipality"))}</th>
                                <th scope="col">{move || i.t(k!("rep.frozen_by"))}</th>
                                <th scope="col">{move || i.t(k!("rep.frozen_at"))}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|f| {
                                    let at = f.frozen_at;
                                    let m = f.municipality_id.clone();
                                    let (href, when) = (format!("/reports/frozen/{}", f.id), period(&f));
                                    view! {
                                        <tr>
                                            <td><A href=href>{when}</A></td>
                                            <td>{move || scope_name(&names.get().unwrap_or_default(), m.as_deref(), i.t(k!("rep.province")).to_owned())}</td>
                                            <td>{f.frozen_by_name.clone()}</td>
                                            <td>{move || fmt_datetime(i.lang.get(), &at)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// `/reports/frozen/:id`.
#[component]
pub fn FrozenPage() -> impl IntoView {
    view! { <crate::guard::RoleGate roles=READERS><Frozen /></crate::guard::RoleGate> }
}

#[component]
fn Frozen() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let data = LocalResource::new(move || {
        let id = id();
        async move { api::reports::frozen(&id).await }
    });
    let names = municipality_names();
    let dl_err = RwSignal::new(None::<String>);
    let dl_ok = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let download = move |kind: &'static str, f: FrozenReport| {
        let mime = if kind == "csv" { "text/csv" } else { XLSX };
        let path = api::reports::frozen_file(&f.id, kind);
        let file = format!("lumit-congelato-{}-{}.{kind}", f.from, f.to);
        busy.set(true);
        spawn_local(async move {
            match api::download(&path, mime).await {
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
    view! {
        <p><A href="/reports">{move || i.t(k!("rep.back"))}</A></p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                Ok(d) => {
                    let f = d.frozen.clone();
                    let (f1, f2) = (f.clone(), f.clone());
                    let at = f.frozen_at;
                    let m = f.municipality_id.clone();
                    view! {
                        <h1 tabindex="-1">{move || i.t(k!("rep.frozen_heading"))} ": " {period(&f)}</h1>
                        <dl class="facts">
                            <dt>{move || i.t(k!("rep.municipality"))}</dt>
                            <dd>{move || scope_name(&names.get().unwrap_or_default(), m.as_deref(), i.t(k!("rep.province")).to_owned())}</dd>
                            <dt>{move || i.t(k!("rep.frozen_by"))}</dt><dd>{f.frozen_by_name.clone()}</dd>
                            <dt>{move || i.t(k!("rep.frozen_at"))}</dt><dd>{move || fmt_datetime(i.lang.get(), &at)}</dd>
                            <dt>{move || i.t(k!("rep.fingerprint"))}</dt><dd><code class="hash">{f.sha256.clone()}</code></dd>
                            <dt>{move || i.t(k!("rep.integrity"))}</dt>
                            <dd data-testid="integrity" class=if f.intact { "ok" } else { "error" }>
                                {move || i.t(if f.intact { k!("rep.intact") } else { k!("rep.altered") })}
                            </dd>
                        </dl>
                        <div class="actions" role="group" aria-label=move || i.t(k!("rep.downloads"))>
                            <button type="button" class="btn" on:click=move |_| download("xlsx", f1.clone()) disabled=move || busy.get()>{move || i.t(k!("rep.xlsx"))}</button>
                            <button type="button" class="btn" on:click=move |_| download("csv", f2.clone()) disabled=move || busy.get()>{move || i.t(k!("rep.csv"))}</button>
                        </div>
                        <FormStatus error=Signal::derive(move || dl_err.get()) ok=Signal::derive(move || dl_ok.get()) />
                        <Differences list=d.differences />
                        <ReportView report=d.report links=None />
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// What differs today from the frozen figures.
#[component]
fn Differences(list: Vec<Difference>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <section aria-labelledby="diff-title" class="differences">
            <h2 id="diff-title">{move || i.t(k!("rep.diff_title"))}</h2>
            {if list.is_empty() {
                view! { <p role="status" data-testid="no-differences">{move || i.t(k!("rep.diff_none"))}</p> }.into_any()
            } else {
                let n = list.len();
                view! {
                    <p role="status" class="warning">{move || i.t(k!("rep.diff_some")).replace("{n}", &n.to_string())}</p>
                    <table class="table" data-testid="differences">
                        <caption class="visually-hidden">{move || i.t(k!("rep.diff_title"))}</caption>
                        <thead><tr>
                            <th scope="col">{move || i.t(k!("rep.indicator"))}</th>
                            <th scope="col">{move || i.t(k!("rep.column"))}</th>
                            <th scope="col" class="num">{move || i.t(k!("rep.frozen_value"))}</th>
                            <th scope="col" class="num">{move || i.t(k!("rep.today_value"))}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|d| {
                                let column = if d.column == "cumulative" { k!("rep.cumulative") } else { k!("rep.in_period") };
                                view! {
                                    <tr data-code=d.code.clone()>
                                        <th scope="row">{d.label.clone()}</th>
                                        <td>{move || i.t(column)}</td>
                                        <td class="num">{move || fmt_amount(i.lang.get(), d.frozen.as_ref())}</td>
                                        <td class="num">{move || fmt_amount(i.lang.get(), d.live.as_ref())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
