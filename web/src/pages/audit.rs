//! The audit log: filterable table, one entry's old and new values, and the chain check; below
//! it the security log of failed sign-ins.

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::audit::{AuditEntry, AuditVerification};
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{Empty, ErrorView, ExportButtons, Loading, MoreButton, Paged};
use crate::guard::RoleGate;
use crate::i18n::{fmt_datetime, fmt_int, use_i18n};

/// The audit page (admin).
#[component]
pub fn Page() -> impl IntoView {
    view! { <RoleGate roles=&[Role::Admin]><Audit /><FailedSignIns /></RoleGate> }
}

/// Failed sign-ins of the last 90 days (kept out of the chain, deleted after that).
#[component]
fn FailedSignIns() -> impl IntoView {
    let i = use_i18n();
    let log = LocalResource::new(api::audit::security_log);
    view! {
        <section aria-labelledby="security-log-title">
            <h2 id="security-log-title">{move || i.t(k!("security.title"))}</h2>
            <p class="muted">{move || i.t(k!("security.hint"))}</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || log.get().map(|r| match r {
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <Empty /> }.into_any(),
                    Ok(page) => view! {
                        <table class="table compact">
                            <caption class="visually-hidden">{move || i.t(k!("security.title"))}</caption>
                            <thead><tr>
                                <th scope="col">{move || i.t(k!("audit.when"))}</th>
                                <th scope="col">{move || i.t(k!("security.account"))}</th>
                                <th scope="col">{move || i.t(k!("audit.ip"))}</th>
                            </tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|e| {
                                    let at = e.at;
                                    let account = e.account.clone();
                                    view! {
                                        <tr>
                                            <td>{move || fmt_datetime(i.lang.get(), &at)}</td>
                                            <td>{move || account.clone().unwrap_or_else(|| i.t(k!("security.no_account")).to_owned())}</td>
                                            <td>{e.client_ip.clone().unwrap_or_else(|| "—".into())}</td>
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

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[component]
fn Audit() -> impl IntoView {
    let i = use_i18n();
    let action = RwSignal::new(String::new());
    let entity_type = RwSignal::new(String::new());
    let entity_id = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let list = Paged::<AuditEntry>::new();
    let (items, loading, error) = (list.items, list.loading, list.error);
    let selected = RwSignal::new(None::<AuditEntry>);
    let verification = RwSignal::new(None::<Result<AuditVerification, ApiError>>);
    let verifying = RwSignal::new(false);

    // The filters as typed: the list shows them on "search", the export takes them as they are.
    let path = move || {
        let mut path = api::audit::search().with_raw("limit", "50");
        for (k, v) in [
            ("action", action.get_untracked()),
            ("entity_type", entity_type.get_untracked()),
            ("entity_id", entity_id.get_untracked()),
        ] {
            if !v.trim().is_empty() {
                path = path.with(k, v.trim());
            }
        }
        // Dates from the date inputs are whole days in UTC.
        if !from.get_untracked().is_empty() {
            path = path.with_raw("from", &format!("{}T00:00:00Z", from.get_untracked()));
        }
        if !to.get_untracked().is_empty() {
            path = path.with_raw("to", &format!("{}T23:59:59Z", to.get_untracked()));
        }
        path
    };
    let load = move |reset: bool| list.load(path(), !reset);
    load(true);
    let verify = move |_| {
        verifying.set(true);
        verification.set(None);
        spawn_local(async move {
            verification.set(Some(api::audit::verify().await));
            verifying.set(false);
        });
    };
    let input = move |id: &'static str,
                      key: crate::i18n::Key,
                      sig: RwSignal<String>,
                      kind: &'static str| {
        view! {
            <div class="field">
                <label for=id>{move || i.t(key)}</label>
                <input id=id type=kind prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t(k!("audit.title"))}</h1>
            <div class="actions">
                <button type="button" class="btn btn-primary" on:click=verify disabled=move || verifying.get()>
                    {move || if verifying.get() { i.t(k!("audit.verifying")) } else { i.t(k!("audit.verify")) }}
                </button>
            </div>
        <ExportButtons path=Signal::derive(path) name="lumit-registro" />
        </div>
        <div role="status" aria-live="polite">
            {move || verification.get().map(|r| match r {
                Ok(v) if v.ok => view! { <p class="alert alert-ok">{move || i.t(k!("audit.ok"))} " — " {move || fmt_int(i.lang.get(), v.rows_checked)} " " {move || i.t(k!("audit.rows_checked"))}</p> }.into_any(),
                Ok(v) => view! { <p class="alert alert-error">{move || i.t(k!("audit.bad"))} " " {v.first_bad_id.map(|x| x.to_string())} {v.problem.map(|p| format!(" ({p})"))}</p> }.into_any(),
                Err(e) => view! { <ErrorView error=e /> }.into_any(),
            })}
        </div>
        <form class="filters" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(true); }>
            {input("f-action", k!("audit.action"), action, "text")}
            {input("f-entity-type", k!("audit.entity_type"), entity_type, "text")}
            {input("f-entity-id", k!("audit.entity_id"), entity_id, "text")}
            {input("f-from", k!("audit.from"), from, "date")}
            {input("f-to", k!("audit.to"), to, "date")}
            <button type="submit" class="btn">{move || i.t(k!("app.search"))}</button>
        </form>
        {move || error.get().map(|e| view! { <ErrorView error=e retry=Callback::new(move |_| load(true)) /> })}
        {move || selected.get().map(|e| view! {
            <section class="card" aria-labelledby="audit-detail-title">
                <h2 id="audit-detail-title">{move || i.t(k!("audit.detail"))} " #" {e.id}</h2>
                <dl class="facts">
                    <div><dt>{move || i.t(k!("audit.when"))}</dt><dd>{ let at = e.at; move || fmt_datetime(i.lang.get(), &at) }</dd></div>
                    <div><dt>{move || i.t(k!("audit.who"))}</dt><dd>{format!("{} ({})", e.actor_name.clone().unwrap_or_default(), e.actor_kind)}</dd></div>
                    <div><dt>{move || i.t(k!("audit.action"))}</dt><dd>{e.action.clone()}</dd></div>
                    <div><dt>{move || i.t(k!("audit.entity"))}</dt><dd>{format!("{} {}", e.entity_type, e.entity_id.clone().unwrap_or_default())}</dd></div>
                    <div><dt>{move || i.t(k!("audit.ip"))}</dt><dd>{e.client_ip.clone().unwrap_or_else(|| "—".into())}</dd></div>
                    <div><dt>{move || i.t(k!("audit.request"))}</dt><dd>{e.request_id.clone().unwrap_or_else(|| "—".into())}</dd></div>
                </dl>
                {if e.changes.is_empty() {
                    view! { <p class="muted">{move || i.t(k!("audit.no_changes"))}</p> }.into_any()
                } else {
                    view! {
                        <table class="table compact diff">
                            <thead><tr><th scope="col">{move || i.t(k!("audit.field"))}</th><th scope="col">{move || i.t(k!("audit.old"))}</th><th scope="col">{move || i.t(k!("audit.new"))}</th></tr></thead>
                            <tbody>{e.changes.iter().map(|c| view! { <tr><th scope="row">{c.field.clone()}</th><td>{show(&c.old)}</td><td>{show(&c.new)}</td></tr> }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }}
                <button type="button" class="btn" on:click=move |_| selected.set(None)>{move || i.t(k!("app.back"))}</button>
            </section>
        })}
        <Show when=move || !items.with(Vec::is_empty) fallback=move || view! { <Show when=move || !loading.get() fallback=|| view! { <Loading /> }><Empty /></Show> }>
            <table class="table">
                <caption class="visually-hidden">{move || i.t(k!("audit.title"))}</caption>
                <thead><tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{move || i.t(k!("audit.when"))}</th>
                    <th scope="col">{move || i.t(k!("audit.who"))}</th>
                    <th scope="col">{move || i.t(k!("audit.action"))}</th>
                    <th scope="col">{move || i.t(k!("audit.entity"))}</th>
                </tr></thead>
                <tbody>
                    <For each=move || items.get() key=|e| e.id let:e>
                        {
                            let entry = e.clone();
                            let at = e.at;
                            view! {
                                <tr class:selected=move || selected.with(|s| s.as_ref().is_some_and(|s| s.id == e.id))>
                                    <td><button type="button" class="btn btn-ghost" on:click=move |_| selected.set(Some(entry.clone()))
                                        aria-label=format!("{} #{}", "Dettaglio / details", e.id)>{e.id}</button></td>
                                    <td>{move || fmt_datetime(i.lang.get(), &at)}</td>
                                    <td>{e.actor_name.clone().unwrap_or_default()}</td>
                                    <td><code>{e.action.clone()}</code></td>
                                    <td>{e.entity_type.clone()}</td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </Show>
        <MoreButton more=Signal::derive(move || list.has_more()) loading=loading on_more=Callback::new(move |_| load(false)) />
    }
}
