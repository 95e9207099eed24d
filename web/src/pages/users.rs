//! Staff accounts: list with filters, create (temporary password shown once), edit, deactivate,
//! password reset.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lumit_shared::municipality::Municipality;
use lumit_shared::user::{CreatedUser, NewUser, Role, User, UserPatch};

use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, CheckField, Empty, ErrorView, FormStatus, Loading, MoreButton,
    Paged, SecretOnce, SelectField, TextField,
};
use crate::guard::{role_key, RoleGate};
use crate::i18n::{text, use_i18n};
use crate::pages::municipalities::{all_municipalities, confirm};
use crate::session::use_session;

fn role_options(lang: crate::i18n::Lang, with_all: bool) -> Vec<(String, String)> {
    let mut v = Vec::new();
    if with_all {
        v.push((String::new(), text(lang, k!("app.all")).to_owned()));
    }
    v.extend(
        Role::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), text(lang, role_key(*r)).to_owned())),
    );
    v
}

/// Accounts, filtered by role, municipality, status and text.
#[component]
pub fn List() -> impl IntoView {
    view! { <RoleGate roles=&[Role::Admin, Role::Coordinator]><UserList /></RoleGate> }
}

#[component]
fn UserList() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let q = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let municipality = RwSignal::new(String::new());
    let active = RwSignal::new("true".to_owned());
    let list = Paged::<User>::new();
    let (items, loading, error) = (list.items, list.loading, list.error);
    let municipalities = LocalResource::new(all_municipalities);

    let load = move |reset: bool| {
        let mut path = api::users::search()
            .with_raw("limit", "50")
            .with("q", &q.get_untracked());
        for (k, v) in [
            ("role", role.get_untracked()),
            ("municipality_id", municipality.get_untracked()),
            ("active", active.get_untracked()),
        ] {
            if !v.is_empty() {
                path = path.with(k, &v);
            }
        }
        list.load(path, !reset);
    };
    load(true);
    Effect::new(move |prev: Option<()>| {
        role.track();
        municipality.track();
        active.track();
        if prev.is_some() {
            load(true);
        }
    });
    let roles = Signal::derive(move || role_options(i.lang.get(), true));
    let states = Signal::derive(move || {
        let lang = i.lang.get();
        vec![
            ("true".to_owned(), text(lang, k!("app.active")).to_owned()),
            (
                "false".to_owned(),
                text(lang, k!("app.inactive")).to_owned(),
            ),
            (String::new(), text(lang, k!("app.all")).to_owned()),
        ]
    });
    let mun_options = Signal::derive(move || {
        let mut v = vec![(String::new(), text(i.lang.get(), k!("app.all")).to_owned())];
        if let Some(Ok(all)) = municipalities.get() {
            v.extend(all.into_iter().map(|m| (m.id, m.name)));
        }
        v
    });
    let names = move |ids: &[String]| -> String {
        let all = municipalities
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default();
        let v: Vec<String> = ids
            .iter()
            .filter_map(|id| all.iter().find(|m| &m.id == id).map(|m| m.name.clone()))
            .collect();
        if v.is_empty() {
            "—".into()
        } else {
            v.join(", ")
        }
    };
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t(k!("users.title"))}</h1>
            <Show when=move || s.is(&[Role::Admin])>
                <A href="/users/new" attr:class="btn btn-primary">{move || i.t(k!("users.new"))}</A>
            </Show>
        </div>
        <form class="filters" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(true); }>
            <div class="field">
                <label for="q">{move || i.t(k!("app.search"))}</label>
                <input id="q" type="search" placeholder=move || i.t(k!("users.search_hint")) prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
            </div>
            <SelectField id="role" label=k!("users.role") value=role options=roles />
            <SelectField id="municipality" label=k!("users.municipalities") value=municipality options=mun_options />
            <SelectField id="active" label=k!("mun.status") value=active options=states />
            <button type="submit" class="btn">{move || i.t(k!("app.search"))}</button>
        </form>
        {move || error.get().map(|e| view! { <ErrorView error=e retry=Callback::new(move |_| load(true)) /> })}
        <Show when=move || !items.with(Vec::is_empty) fallback=move || view! { <Show when=move || !loading.get() fallback=|| view! { <Loading /> }><Empty /></Show> }>
            <table class="table">
                <caption class="visually-hidden">{move || i.t(k!("users.title"))}</caption>
                <thead><tr>
                    <th scope="col">{move || i.t(k!("users.username"))}</th>
                    <th scope="col">{move || i.t(k!("users.full_name"))}</th>
                    <th scope="col">{move || i.t(k!("users.role"))}</th>
                    <th scope="col">{move || i.t(k!("users.municipalities"))}</th>
                    <th scope="col">{move || i.t(k!("mun.status"))}</th>
                </tr></thead>
                <tbody>
                    <For each=move || items.get() key=|u| u.id.clone() let:u>
                        <tr>
                            <td><A href=format!("/users/{}", u.id)>{u.username.clone()}</A></td>
                            <td>{u.full_name.clone()}</td>
                            <td>{move || i.t(role_key(u.role))}</td>
                            <td>{ let ids = u.municipality_ids.clone(); move || names(&ids) }</td>
                            <td>{move || i.t(if u.active { k!("app.active") } else { k!("app.inactive") })}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </Show>
        <MoreButton more=Signal::derive(move || list.has_more()) loading=loading on_more=Callback::new(move |_| load(false)) />
    }
}

/// Checkboxes for the assigned municipalities.
#[component]
fn MunicipalityChecks(
    all: Vec<Municipality>,
    selected: RwSignal<Vec<String>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <fieldset class="checks" aria-describedby="municipality_ids-error">
            <legend>{move || i.t(k!("users.municipalities"))}</legend>
            {all.into_iter().filter(|m| m.active).map(|m| {
                let id = m.id.clone();
                let checked = RwSignal::new(selected.get_untracked().contains(&id));
                let id2 = id.clone();
                Effect::new(move |_| {
                    let on = checked.get();
                    selected.update(|v| {
                        v.retain(|x| x != &id2);
                        if on { v.push(id2.clone()); }
                    });
                });
                view! { <CheckField id=format!("m-{id}") label=Signal::derive(move || m.name.clone()) checked=checked /> }
            }).collect_view()}
            <p class="error" id="municipality_ids-error" role="alert">{move || error.get()}</p>
        </fieldset>
    }
}

fn municipality_error(err: RwSignal<Option<ApiError>>) -> Signal<Option<String>> {
    Signal::derive(move || {
        err.with(|e| {
            e.as_ref().and_then(|e| e.problem()).and_then(|p| {
                p.errors
                    .iter()
                    .find(|f| f.field.starts_with("municipality_ids"))
                    .map(|f| f.message.clone())
            })
        })
    })
}

/// New account form; afterwards the temporary password, once.
#[component]
pub fn Create() -> impl IntoView {
    let i = use_i18n();
    let username = RwSignal::new(String::new());
    let full_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("operator".to_owned());
    let password = RwSignal::new(String::new());
    let selected = RwSignal::new(Vec::<String>::new());
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let created = RwSignal::new(None::<CreatedUser>);
    let municipalities = LocalResource::new(all_municipalities);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let pw = password.get_untracked();
        let em = email.get_untracked();
        let body = NewUser {
            username: username.get_untracked(),
            full_name: full_name.get_untracked(),
            email: (!em.trim().is_empty()).then_some(em),
            role: Role::parse(&role.get_untracked()).unwrap_or(Role::Operator),
            municipality_ids: selected.get_untracked(),
            password: (!pw.is_empty()).then_some(pw),
        };
        spawn_local(async move {
            match api::users::create(&body).await {
                Ok(c) => {
                    err.set(None);
                    created.set(Some(c));
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let roles = Signal::derive(move || role_options(i.lang.get(), false));
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <RoleGate roles=&[Role::Admin]>
            <h1 tabindex="-1">{move || i.t(k!("users.new"))}</h1>
            {move || match created.get() {
                Some(c) => view! {
                    <div class="alert alert-ok" role="status">
                        <p>{move || i.t(k!("app.saved"))} " " <strong>{c.user.username.clone()}</strong></p>
                    </div>
                    {c.temporary_password.clone().map(|p| view! { <SecretOnce label=Signal::derive(move || i.t(k!("users.temp_shown_once")).to_owned()) value=p /> })}
                    <p class="actions"><A href=format!("/users/{}", c.user.id) attr:class="btn btn-primary">{move || i.t(k!("app.edit"))}</A>
                    <A href="/users" attr:class="btn">{move || i.t(k!("users.title"))}</A></p>
                }.into_any(),
                None => view! {
                    <form class="form" on:submit=submit novalidate>
                        <FormStatus error=form_error />
                        <TextField id="username" label=k!("users.username") value=username error=field_error(err, "username") required=true />
                        <TextField id="full_name" label=k!("users.full_name") value=full_name error=field_error(err, "full_name") required=true autocomplete="name" />
                        <TextField id="email" label=k!("users.email") value=email error=field_error(err, "email") kind="email" />
                        <SelectField id="role" label=k!("users.role") value=role options=roles error=field_error(err, "role") />
                        <Suspense fallback=|| view! { <Loading /> }>
                            {move || municipalities.get().map(|r| match r {
                                Ok(all) => view! { <MunicipalityChecks all=all selected=selected error=municipality_error(err) /> }.into_any(),
                                Err(e) => view! { <ErrorView error=e /> }.into_any(),
                            })}
                        </Suspense>
                        <TextField id="password" label=k!("users.password") value=password error=field_error(err, "password") kind="password" autocomplete="new-password" />
                        <div class="actions">
                            <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || if busy.get() { i.t(k!("app.saving")) } else { i.t(k!("app.save")) }}</button>
                            <A href="/users" attr:class="btn">{move || i.t(k!("app.cancel"))}</A>
                        </div>
                    </form>
                }.into_any(),
            }}
        </RoleGate>
    }
}

/// One account: details, edit (admin), deactivate / reactivate, password reset.
#[component]
pub fn Detail() -> impl IntoView {
    let params = use_params_map();
    let data = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            let (u, tag) = api::users::get_tagged(&id).await?;
            let all = all_municipalities().await?;
            Ok::<_, ApiError>((u, tag, all))
        }
    });
    view! {
        <RoleGate roles=&[Role::Admin, Role::Coordinator]>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || data.get().map(|r| match r {
                    Ok((u, tag, all)) => view! { <UserEditor user=u tag=tag all=all reload=Callback::new(move |_| data.refetch()) /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                })}
            </Suspense>
        </RoleGate>
    }
}

#[component]
fn UserEditor(
    user: User,
    tag: Option<String>,
    all: Vec<Municipality>,
    reload: Callback<()>,
) -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let is_admin = s.is(&[Role::Admin]);
    let full_name = RwSignal::new(user.full_name.clone());
    let email = RwSignal::new(user.email.clone().unwrap_or_default());
    let role = RwSignal::new(user.role.as_str().to_owned());
    let active = RwSignal::new(user.active);
    let selected = RwSignal::new(user.municipality_ids.clone());
    let err = RwSignal::new(None::<ApiError>);
    let ok = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let reset = RwSignal::new(None::<String>);
    let id = user.id.clone();
    let save = {
        let (id, tag) = (id.clone(), tag.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            busy.set(true);
            ok.set(None);
            let em = email.get_untracked();
            let body = UserPatch {
                full_name: Some(full_name.get_untracked()),
                email: Some((!em.trim().is_empty()).then_some(em)),
                role: Role::parse(&role.get_untracked()),
                municipality_ids: Some(selected.get_untracked()),
                active: Some(active.get_untracked()),
            };
            let (id, tag) = (id.clone(), tag.clone());
            spawn_local(async move {
                match api::users::update(&id, &body, tag.as_deref()).await {
                    Ok(_) => {
                        err.set(None);
                        ok.set(Some(text(i.lang.get_untracked(), k!("app.saved")).into()));
                        reload.run(());
                    }
                    Err(e) => err.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let do_reset = {
        let id = id.clone();
        move |_| {
            if !confirm(text(i.lang.get_untracked(), k!("users.confirm_reset"))) {
                return;
            }
            let id = id.clone();
            spawn_local(async move {
                match api::users::reset_password(&id).await {
                    Ok(r) => reset.set(Some(r.temporary_password)),
                    Err(e) => err.set(Some(e)),
                }
            });
        }
    };
    let do_end_sessions = {
        let id = id.clone();
        move |_| {
            if !confirm(text(
                i.lang.get_untracked(),
                k!("users.confirm_end_sessions"),
            )) {
                return;
            }
            let id = id.clone();
            spawn_local(async move {
                match api::users::end_sessions(&id).await {
                    Ok(()) => {
                        err.set(None);
                        ok.set(Some(
                            text(i.lang.get_untracked(), k!("users.sessions_ended")).into(),
                        ));
                    }
                    Err(e) => err.set(Some(e)),
                }
            });
        }
    };
    let totp_on = RwSignal::new(user.totp_enabled);
    let do_reset_totp = {
        let id = id.clone();
        move |_| {
            if !confirm(text(i.lang.get_untracked(), k!("users.confirm_reset_totp"))) {
                return;
            }
            let id = id.clone();
            spawn_local(async move {
                match api::users::remove_totp(&id).await {
                    Ok(()) => {
                        err.set(None);
                        ok.set(Some(
                            text(i.lang.get_untracked(), k!("users.totp_removed")).into(),
                        ));
                        // Updated in place: reloading the account would redraw the page and
                        // drop the notice before a screen reader reads it.
                        totp_on.set(false);
                    }
                    Err(e) => err.set(Some(e)),
                }
            });
        }
    };
    let totp_required = user.totp_required;
    let totp_state = move || match (totp_on.get(), totp_required) {
        (true, _) => k!("totp.state_on"),
        (false, true) => k!("totp.state_pending"),
        (false, false) => k!("totp.state_off"),
    };
    let roles = Signal::derive(move || role_options(i.lang.get(), false));
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    let names: Vec<String> = user
        .municipality_ids
        .iter()
        .filter_map(|id| all.iter().find(|m| &m.id == id).map(|m| m.name.clone()))
        .collect();
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{user.full_name.clone()} " (" {user.username.clone()} ")"</h1>
            {is_admin.then(|| view! { <div class="actions">
                <button type="button" class="btn" on:click=do_reset>{move || i.t(k!("users.reset"))}</button>
                <button type="button" class="btn" on:click=do_end_sessions>{move || i.t(k!("users.end_sessions"))}</button>
                {move || totp_on.get().then(|| view! {
                    <button type="button" class="btn" on:click=do_reset_totp.clone()>{move || i.t(k!("users.reset_totp"))}</button>
                })}
            </div> })}
        </div>
        <p class="totp-state"><strong>{move || i.t(k!("totp.title"))} ": "</strong>{move || i.t(totp_state())}</p>
        {move || reset.get().map(|p| view! { <SecretOnce label=Signal::derive(move || i.t(k!("users.temp_shown_once")).to_owned()) value=p /> })}
        {if is_admin {
            view! {
                <form class="form" on:submit=save novalidate>
                    <FormStatus error=form_error ok=ok />
                    <TextField id="full_name" label=k!("users.full_name") value=full_name error=field_error(err, "full_name") required=true />
                    <TextField id="email" label=k!("users.email") value=email error=field_error(err, "email") kind="email" />
                    <SelectField id="role" label=k!("users.role") value=role options=roles error=field_error(err, "role") />
                    <MunicipalityChecks all=all selected=selected error=municipality_error(err) />
                    <CheckField id="active".to_owned() label=Signal::derive(move || i.t(k!("app.active")).to_owned()) checked=active />
                    <div class="actions">
                        <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || if busy.get() { i.t(k!("app.saving")) } else { i.t(k!("app.save")) }}</button>
                        <A href="/users" attr:class="btn">{move || i.t(k!("app.back"))}</A>
                    </div>
                </form>
            }.into_any()
        } else {
            view! {
                <dl class="facts">
                    <div><dt>{move || i.t(k!("users.role"))}</dt><dd>{move || i.t(role_key(user.role))}</dd></div>
                    <div><dt>{move || i.t(k!("users.email"))}</dt><dd>{user.email.clone().unwrap_or_else(|| "—".into())}</dd></div>
                    <div><dt>{move || i.t(k!("users.municipalities"))}</dt><dd>{if names.is_empty() { "—".to_owned() } else { names.join(", ") }}</dd></div>
                    <div><dt>{move || i.t(k!("mun.status"))}</dt><dd>{move || i.t(if user.active { k!("app.active") } else { k!("app.inactive") })}</dd></div>
                </dl>
            }.into_any()
        }}
    }
}
