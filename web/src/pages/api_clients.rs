//! Partner systems' credentials: list, create (secret shown once), revoke.

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::api_client::{ApiClient, NewApiClient, Scope};
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, CheckField, Empty, ErrorView, FormStatus, Loading, SecretOnce,
    SelectField, TextField,
};
use crate::guard::RoleGate;
use crate::i18n::{fmt_datetime, text, use_i18n};
use crate::pages::municipalities::{all_municipalities, confirm};

/// The API clients page (admin).
#[component]
pub fn Page() -> impl IntoView {
    view! { <RoleGate roles=&[Role::Admin]><Clients /></RoleGate> }
}

#[component]
fn Clients() -> impl IntoView {
    let i = use_i18n();
    let include_revoked = RwSignal::new(false);
    let municipalities = LocalResource::new(all_municipalities);
    let list = LocalResource::new(move || {
        let all = include_revoked.get();
        async move { api::api_clients::list(all).await }
    });
    let name = RwSignal::new(String::new());
    let municipality = RwSignal::new(String::new());
    let scopes: Vec<(Scope, RwSignal<bool>)> = Scope::ALL
        .iter()
        .map(|(s, _)| (*s, RwSignal::new(false)))
        .collect();
    let err = RwSignal::new(None::<ApiError>);
    let action_err = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<ApiClient>);
    let busy = RwSignal::new(false);
    let chosen = {
        let scopes = scopes.clone();
        move || {
            scopes
                .iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(s, _)| *s)
                .collect::<Vec<_>>()
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let body = NewApiClient {
            name: name.get_untracked(),
            municipality_id: municipality.get_untracked(),
            scopes: chosen(),
        };
        spawn_local(async move {
            match api::api_clients::create(&body).await {
                Ok(c) => {
                    err.set(None);
                    name.set(String::new());
                    created.set(Some(c));
                    list.refetch();
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let revoke = move |c: ApiClient| {
        let lang = i.lang.get_untracked();
        if !confirm(text(lang, k!("clients.confirm_revoke"))) {
            return;
        }
        spawn_local(async move {
            match api::api_clients::revoke(&c.id).await {
                Ok(()) => {
                    action_err.set(None);
                    list.refetch();
                }
                Err(e) => action_err.set(Some(error_message(lang, &e))),
            }
        });
    };
    let mun_options = Signal::derive(move || {
        let mut v = vec![(String::new(), "—".to_owned())];
        if let Some(Ok(all)) = municipalities.get() {
            v.extend(all.into_iter().filter(|m| m.active).map(|m| (m.id, m.name)));
        }
        v
    });
    let mun_name = move |id: &str| -> String {
        municipalities
            .get()
            .and_then(|r| r.ok())
            .and_then(|all| all.into_iter().find(|m| m.id == id).map(|m| m.name))
            .unwrap_or_default()
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    let scopes_error = field_error(err, "scopes");
    view! {
        <h1 tabindex="-1">{move || i.t(k!("clients.title"))}</h1>
        <FormStatus error=Signal::derive(move || action_err.get()) />
        <CheckField id="include_revoked".to_owned() label=Signal::derive(move || i.t(k!("clients.include_revoked")).to_owned()) checked=include_revoked />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| list.refetch()) /> }.into_any(),
                Ok(page) if page.items.is_empty() => view! { <Empty /> }.into_any(),
                Ok(page) => view! {
                    <table class="table">
                        <caption class="visually-hidden">{move || i.t(k!("clients.title"))}</caption>
                        <thead><tr>
                            <th scope="col">{move || i.t(k!("clients.name"))}</th>
                            <th scope="col">{move || i.t(k!("clients.client_id"))}</th>
                            <th scope="col">{move || i.t(k!("clients.municipality"))}</th>
                            <th scope="col">{move || i.t(k!("clients.scopes"))}</th>
                            <th scope="col">{move || i.t(k!("clients.created"))}</th>
                            <th scope="col"><span class="visually-hidden">{move || i.t(k!("clients.revoke"))}</span></th>
                        </tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|c| {
                                let c2 = c.clone();
                                let mid = c.municipality_id.clone();
                                let when = c.created_at;
                                view! {
                                    <tr>
                                        <td>{c.name.clone()}</td>
                                        <td><code>{c.client_id.clone()}</code></td>
                                        <td>{move || mun_name(&mid)}</td>
                                        <td>{c.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")}</td>
                                        <td>{move || fmt_datetime(i.lang.get(), &when)}</td>
                                        <td>{if c.revoked {
                                            view! { <span class="badge badge-danger">{move || i.t(k!("clients.revoked"))}</span> }.into_any()
                                        } else {
                                            view! { <button type="button" class="btn" on:click=move |_| revoke(c2.clone())
                                                aria-label=format!("{} {}", text(i.lang.get_untracked(), k!("clients.revoke")), c.name)>{move || i.t(k!("clients.revoke"))}</button> }.into_any()
                                        }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Suspense>
        <h2>{move || i.t(k!("clients.new"))}</h2>
        {move || created.get().map(|c| view! {
            <p><strong>{c.name.clone()}</strong> " — " {move || i.t(k!("clients.client_id"))} ": " <code data-testid="client-id">{c.client_id.clone()}</code></p>
            {c.client_secret.clone().map(|s| view! { <SecretOnce label=Signal::derive(move || i.t(k!("clients.secret_once")).to_owned()) value=s /> })}
        })}
        <form class="form" on:submit=submit novalidate>
            <FormStatus error=form_error />
            <TextField id="client_name" label=k!("clients.name") value=name error=field_error(err, "name") required=true />
            <SelectField id="client_municipality" label=k!("clients.municipality") value=municipality options=mun_options error=field_error(err, "municipality_id") />
            <fieldset class="checks" aria-describedby="scopes-error">
                <legend>{move || i.t(k!("clients.scopes"))}</legend>
                {scopes.iter().map(|(s, on)| {
                    let desc = Scope::ALL.iter().find(|(x, _)| x == s).map(|(_, d)| *d).unwrap_or_default();
                    let label = format!("{} — {desc}", s.as_str());
                    view! { <CheckField id=format!("scope-{}", s.as_str().replace(':', "-")) label=Signal::derive(move || label.clone()) checked=*on /> }
                }).collect_view()}
                <p class="error" id="scopes-error" role="alert">{move || scopes_error.get()}</p>
            </fieldset>
            <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || i.t(k!("clients.new"))}</button>
        </form>
    }
}
