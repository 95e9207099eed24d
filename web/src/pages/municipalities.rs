//! Municipalities and offices: searchable list, detail with desks and members, create and edit.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use lumit_shared::desk::Desk;
use lumit_shared::municipality::{
    Municipality, MunicipalityKind, MunicipalityPatch, NewMunicipality,
};
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, Empty, ErrorView, FormStatus, Loading, MoreButton, Paged,
    SelectField, TextField,
};
use crate::i18n::{text, use_i18n};
use crate::pages::desks::weekday_key;
use crate::session::use_session;

/// The text key of a kind.
pub fn kind_key(k: MunicipalityKind) -> crate::i18n::Key {
    match k {
        MunicipalityKind::Comune => k!("kind.comune"),
        MunicipalityKind::Unione => k!("kind.unione"),
        MunicipalityKind::Prefettura => k!("kind.prefettura"),
        MunicipalityKind::Questura => k!("kind.questura"),
        MunicipalityKind::Other => k!("kind.other"),
    }
}

/// The active municipalities the user works for (all of them for coordinators and admins; an
/// Unione's members with the Unione), as (id, name) options.
pub fn my_municipalities(
    s: crate::session::Session,
    all: Option<Vec<Municipality>>,
) -> Vec<(String, String)> {
    let Some((role, ids)) = s
        .user
        .with(|u| u.as_ref().map(|u| (u.role, u.municipality_ids.clone())))
    else {
        return Vec::new();
    };
    all.unwrap_or_default()
        .into_iter()
        .filter(|m| {
            m.active
                && (role.sees_all_municipalities()
                    || ids.contains(&m.id)
                    || m.member_of_id.as_ref().is_some_and(|p| ids.contains(p)))
        })
        .map(|m| (m.id, m.name))
        .collect()
}

/// Every municipality (for selects and names), loaded page by page.
pub async fn all_municipalities() -> Result<Vec<Municipality>, ApiError> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = api::municipalities::page(cursor.as_deref()).await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(out),
        }
    }
}

/// Asks the person to confirm.
pub fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// The list, with search and filters.
#[component]
pub fn List() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let q = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let active = RwSignal::new("true".to_owned());
    let list = Paged::<Municipality>::new();
    let (items, loading, error) = (list.items, list.loading, list.error);
    let unioni = LocalResource::new(api::municipalities::unions);

    let load = move |reset: bool| {
        let mut path = api::municipalities::search()
            .with_raw("limit", "50")
            .with("q", &q.get_untracked());
        if !kind.get_untracked().is_empty() {
            path = path.with_raw("kind", &kind.get_untracked());
        }
        if !active.get_untracked().is_empty() {
            path = path.with_raw("active", &active.get_untracked());
        }
        list.load(path, !reset);
    };
    load(true);
    let kinds = Signal::derive(move || {
        let lang = i.lang.get();
        std::iter::once((String::new(), text(lang, k!("app.all")).to_owned()))
            .chain(
                MunicipalityKind::ALL
                    .iter()
                    .map(|k| (k.as_str().to_owned(), text(lang, kind_key(*k)).to_owned())),
            )
            .collect()
    });
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
    Effect::new(move |prev: Option<()>| {
        kind.track();
        active.track();
        if prev.is_some() {
            load(true);
        }
    });
    let unione_name = move |id: &Option<String>| -> String {
        let Some(id) = id else { return "—".into() };
        unioni
            .get()
            .and_then(|r| r.ok())
            .and_then(|p| p.items.into_iter().find(|m| &m.id == id).map(|m| m.name))
            .unwrap_or_default()
    };

    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t(k!("mun.title"))}</h1>
            <Show when=move || s.is(&[Role::Admin])>
                <A href="/municipalities/new" attr:class="btn btn-primary">{move || i.t(k!("mun.new"))}</A>
            </Show>
        </div>
        <form class="filters" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(true); }>
            <div class="field">
                <label for="q">{move || i.t(k!("app.search"))}</label>
                <input id="q" type="search" placeholder=move || i.t(k!("mun.search_hint")) prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
            </div>
            <SelectField id="kind" label=k!("mun.kind") value=kind options=kinds />
            <SelectField id="active" label=k!("mun.status") value=active options=states />
            <button type="submit" class="btn">{move || i.t(k!("app.search"))}</button>
        </form>
        {move || error.get().map(|e| view! { <ErrorView error=e retry=Callback::new(move |_| load(true)) /> })}
        <Show when=move || !items.with(Vec::is_empty) fallback=move || view! { <Show when=move || !loading.get() fallback=|| view! { <Loading /> }><Empty /></Show> }>
            <table class="table">
                <caption class="visually-hidden">{move || i.t(k!("mun.title"))}</caption>
                <thead><tr>
                    <th scope="col">{move || i.t(k!("mun.name"))}</th>
                    <th scope="col">{move || i.t(k!("mun.kind"))}</th>
                    <th scope="col">{move || i.t(k!("mun.istat"))}</th>
                    <th scope="col">{move || i.t(k!("mun.member_of"))}</th>
                    <th scope="col">{move || i.t(k!("mun.status"))}</th>
                </tr></thead>
                <tbody>
                    <For each=move || items.get() key=|m| m.id.clone() let:m>
                        <tr>
                            <td><A href=format!("/municipalities/{}", m.id)>{m.name.clone()}</A></td>
                            <td>{move || i.t(kind_key(m.kind))}</td>
                            <td>{m.istat_code.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{ let p = m.member_of_id.clone(); move || unione_name(&p) }</td>
                            <td>{move || i.t(if m.active { k!("app.active") } else { k!("app.inactive") })}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </Show>
        <MoreButton more=Signal::derive(move || list.has_more()) loading=loading on_more=Callback::new(move |_| load(false)) />
    }
}

/// One municipality with its desks (and members, for an Unione).
#[component]
pub fn Detail() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = LocalResource::new(move || {
        let id = id();
        async move {
            let (m, tag) = api::municipalities::get_tagged(&id).await?;
            let desks: Vec<Desk> = api::municipalities::desks(&id).await?;
            let members: Vec<Municipality> = if m.kind == MunicipalityKind::Unione {
                api::municipalities::members(&id).await?.items
            } else {
                Vec::new()
            };
            let parent = match &m.member_of_id {
                Some(p) => Some(api::municipalities::get(p).await?),
                None => None,
            };
            Ok::<_, ApiError>((m, tag, desks, members, parent))
        }
    });
    let action_error = RwSignal::new(None::<String>);
    let toggle = move |m: Municipality, tag: Option<String>| {
        let lang = i.lang.get_untracked();
        if m.active && !confirm(text(lang, k!("app.confirm_deactivate"))) {
            return;
        }
        spawn_local(async move {
            let patch = MunicipalityPatch {
                active: Some(!m.active),
                ..Default::default()
            };
            match api::municipalities::update(&m.id, &patch, tag.as_deref()).await {
                Ok(_) => {
                    action_error.set(None);
                    data.refetch();
                }
                Err(e) => action_error.set(Some(error_message(lang, &e))),
            }
        });
    };
    let is_admin = move || s.is(&[Role::Admin]);

    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <h1 tabindex="-1">{move || i.t(k!("mun.title"))}</h1><ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                Ok((m, tag, desks, members, parent)) => {
                    let (m2, tag2) = (m.clone(), tag.clone());
                    let (edit_href, new_desk_href) = (format!("/municipalities/{}/edit", m.id), format!("/municipalities/{}/desks/new", m.id));
                    let fact = move |k: crate::i18n::Key, v: Option<String>| view! { <div><dt>{move || i.t(k)}</dt><dd>{v.unwrap_or_else(|| "—".into())}</dd></div> };
                    view! {
                        <div class="page-head">
                            <h1 tabindex="-1">{m.name.clone()}</h1>
                            <Show when=is_admin>
                                <div class="actions">
                                    <A href=edit_href.clone() attr:class="btn">{move || i.t(k!("app.edit"))}</A>
                                    {
                                        let (m3, t3) = (m2.clone(), tag2.clone());
                                        view! { <button type="button" class="btn" on:click=move |_| toggle(m3.clone(), t3.clone())>
                                            {move || i.t(if m2.active { k!("app.deactivate") } else { k!("app.reactivate") })}
                                        </button> }
                                    }
                                </div>
                            </Show>
                        </div>
                        <FormStatus error=Signal::derive(move || action_error.get()) />
                        <dl class="facts">
                            <div><dt>{move || i.t(k!("mun.kind"))}</dt><dd>{move || i.t(kind_key(m.kind))}</dd></div>
                            {fact(k!("mun.istat"), m.istat_code.clone())}
                            {fact(k!("mun.province"), m.province_code.clone())}
                            {fact(k!("mun.member_of"), parent.map(|p| p.name))}
                            {fact(k!("mun.address"), m.address.clone())}
                            {fact(k!("mun.email"), m.email.clone())}
                            {fact(k!("mun.phone"), m.phone.clone())}
                            <div><dt>{move || i.t(k!("mun.status"))}</dt><dd>{move || i.t(if m.active { k!("app.active") } else { k!("app.inactive") })}</dd></div>
                        </dl>
                        {(!members.is_empty()).then(|| view! {
                            <h2>{move || i.t(k!("mun.members"))}</h2>
                            <ul class="plain">
                                {members.into_iter().map(|mm| view! { <li><A href=format!("/municipalities/{}", mm.id)>{mm.name}</A></li> }).collect_view()}
                            </ul>
                        })}
                        <div class="page-head">
                            <h2>{move || i.t(k!("mun.desks"))}</h2>
                            <Show when=is_admin>
                                <A href=new_desk_href.clone() attr:class="btn">{move || i.t(k!("desk.new"))}</A>
                            </Show>
                        </div>
                        {if desks.is_empty() { view! { <Empty /> }.into_any() } else {
                            view! { <div class="cards">{desks.into_iter().map(|d| view! { <DeskCard desk=d /> }).collect_view()}</div> }.into_any()
                        }}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn DeskCard(desk: Desk) -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let id = desk.id.clone();
    view! {
        <article class="card" class:inactive=!desk.active>
            <h3>{desk.name.clone()} {(!desk.active).then(|| view! { <span class="badge">{move || i.t(k!("app.inactive"))}</span> })}</h3>
            {desk.address.clone().map(|a| view! { <p>{a}</p> })}
            {(!desk.languages.is_empty()).then(|| { let ls = desk.languages.clone(); view! { <p>{move || crate::pickers::languages_label(i.lang.get(), &ls)}</p> } })}
            {if desk.opening_hours.is_empty() {
                view! { <p class="muted">{move || i.t(k!("desk.no_hours"))}</p> }.into_any()
            } else {
                view! {
                    <table class="table compact">
                        <caption>{move || i.t(k!("desk.hours"))}</caption>
                        <thead><tr><th scope="col">{move || i.t(k!("desk.day"))}</th><th scope="col">{move || i.t(k!("desk.from"))}</th><th scope="col">{move || i.t(k!("desk.to"))}</th></tr></thead>
                        <tbody>
                            {desk.opening_hours.iter().map(|h| {
                                let day = weekday_key(h.weekday);
                                view! { <tr><td>{move || i.t(day)}</td><td>{h.start.clone()}</td><td>{h.end.clone()}</td></tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <Show when=move || s.is(&[Role::Admin])>
                <A href=format!("/desks/{id}/edit") attr:class="btn">{move || i.t(k!("app.edit"))}</A>
            </Show>
        </article>
    }
}

/// Create form.
#[component]
pub fn Create() -> impl IntoView {
    view! { <crate::guard::RoleGate roles=&[Role::Admin]><MunicipalityForm current=None /></crate::guard::RoleGate> }
}

/// Edit form.
#[component]
pub fn Edit() -> impl IntoView {
    let params = use_params_map();
    let data = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move { api::municipalities::get_tagged(&id).await }
    });
    view! {
        <crate::guard::RoleGate roles=&[Role::Admin]>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || data.get().map(|r| match r {
                    Ok((m, tag)) => view! { <MunicipalityForm current=Some((m, tag)) /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                })}
            </Suspense>
        </crate::guard::RoleGate>
    }
}

fn opt(s: String) -> Option<String> {
    let t = s.trim().to_owned();
    (!t.is_empty()).then_some(t)
}

#[component]
fn MunicipalityForm(current: Option<(Municipality, Option<String>)>) -> impl IntoView {
    let i = use_i18n();
    let navigate = use_navigate();
    let editing = current.clone();
    let m = current.as_ref().map(|(m, _)| m.clone());
    let get = |f: fn(&Municipality) -> Option<String>| m.as_ref().and_then(f).unwrap_or_default();
    let name = RwSignal::new(m.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    let kind = RwSignal::new(
        m.as_ref()
            .map(|m| m.kind.as_str().to_owned())
            .unwrap_or_else(|| "comune".into()),
    );
    let istat = RwSignal::new(get(|m| m.istat_code.clone()));
    let province = RwSignal::new(get(|m| m.province_code.clone()));
    let member_of = RwSignal::new(get(|m| m.member_of_id.clone()));
    let address = RwSignal::new(get(|m| m.address.clone()));
    let email = RwSignal::new(get(|m| m.email.clone()));
    let phone = RwSignal::new(get(|m| m.phone.clone()));
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let unioni = LocalResource::new(api::municipalities::unions);
    let unione_options = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, k!("mun.none")).to_owned())];
        if let Some(Ok(p)) = unioni.get() {
            v.extend(p.items.into_iter().map(|u| (u.id, u.name)));
        }
        v
    });
    let kinds = Signal::derive(move || {
        let lang = i.lang.get();
        MunicipalityKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), text(lang, kind_key(*k)).to_owned()))
            .collect()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let k = MunicipalityKind::parse(&kind.get_untracked()).unwrap_or_default();
        let editing = editing.clone();
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = match &editing {
                None => {
                    let body = NewMunicipality {
                        name: name.get_untracked(),
                        kind: k,
                        istat_code: opt(istat.get_untracked()),
                        province_code: opt(province.get_untracked()),
                        member_of_id: opt(member_of.get_untracked()),
                        address: opt(address.get_untracked()),
                        email: opt(email.get_untracked()),
                        phone: opt(phone.get_untracked()),
                        active: None,
                    };
                    api::municipalities::create(&body).await
                }
                Some((m, tag)) => {
                    let body = MunicipalityPatch {
                        name: Some(name.get_untracked()),
                        kind: Some(k),
                        istat_code: Some(opt(istat.get_untracked())),
                        province_code: Some(opt(province.get_untracked())),
                        member_of_id: Some(opt(member_of.get_untracked())),
                        address: Some(opt(address.get_untracked())),
                        email: Some(opt(email.get_untracked())),
                        phone: Some(opt(phone.get_untracked())),
                        active: None,
                    };
                    api::municipalities::update(&m.id, &body, tag.as_deref()).await
                }
            };
            busy.set(false);
            match result {
                Ok(saved) => navigate(&format!("/municipalities/{}", saved.id), Default::default()),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let title = if current.is_some() {
        k!("mun.edit")
    } else {
        k!("mun.new")
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <h1 tabindex="-1">{move || i.t(title)}</h1>
        <form class="form" on:submit=submit novalidate>
            <FormStatus error=form_error />
            <TextField id="name" label=k!("mun.name") value=name error=field_error(err, "name") required=true />
            <SelectField id="kind" label=k!("mun.kind") value=kind options=kinds error=field_error(err, "kind") />
            <TextField id="istat_code" label=k!("mun.istat") value=istat error=field_error(err, "istat_code") />
            <TextField id="province_code" label=k!("mun.province") value=province error=field_error(err, "province_code") />
            <SelectField id="member_of_id" label=k!("mun.member_of") value=member_of options=unione_options error=field_error(err, "member_of_id") />
            <TextField id="address" label=k!("mun.address") value=address error=field_error(err, "address") autocomplete="street-address" />
            <TextField id="email" label=k!("mun.email") value=email error=field_error(err, "email") kind="email" autocomplete="email" />
            <TextField id="phone" label=k!("mun.phone") value=phone error=field_error(err, "phone") kind="tel" autocomplete="tel" />
            <div class="actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || if busy.get() { i.t(k!("app.saving")) } else { i.t(k!("app.save")) }}</button>
                <A href="/municipalities" attr:class="btn">{move || i.t(k!("app.cancel"))}</A>
            </div>
        </form>
    }
}
