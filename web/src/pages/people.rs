//! The register of people: a name search over the people the desk may see, and (coordinators
//! and admins) the matching register as a spreadsheet.

use leptos::prelude::*;
use leptos_router::components::A;
use lumit_shared::person::Person;
use lumit_shared::user::Role;

use crate::api;
use crate::components::{Empty, ErrorView, ExportButtons, Loading, MoreButton, Paged, SelectField};
use crate::guard::RoleGate;
use crate::i18n::{text, use_i18n};
use crate::pages::municipalities::{all_municipalities, my_municipalities};
use crate::pages::person::sex_key;
use crate::pickers::country_label;
use crate::session::use_session;

const STAFF: &[Role] = &[Role::Admin, Role::Coordinator, Role::Operator];

/// The people list.
#[component]
pub fn List() -> impl IntoView {
    view! { <RoleGate roles=STAFF><PeopleList /></RoleGate> }
}

/// The API query of the filters (without page size or cursor).
fn api_query(q: &str, municipality_id: &str) -> api::ApiPath {
    let mut path = api::people::search();
    for (k, v) in [("q", q.trim()), ("municipality_id", municipality_id)] {
        if !v.is_empty() {
            path = path.with(k, v);
        }
    }
    path
}

#[component]
fn PeopleList() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let q = RwSignal::new(String::new());
    let municipality = RwSignal::new(String::new());
    // What the list shows: the filters as last applied (the export takes the same).
    let applied = RwSignal::new(api_query("", ""));
    let list = Paged::<Person>::new();
    let (items, loading, error) = (list.items, list.loading, list.error);
    let load = move |more: bool| {
        list.load(applied.get_untracked().with_raw("limit", "50"), more);
    };
    let apply = move || {
        applied.set(api_query(&q.get_untracked(), &municipality.get_untracked()));
        load(false);
    };
    load(false);
    Effect::new(move |prev: Option<()>| {
        municipality.track();
        if prev.is_some() {
            apply();
        }
    });
    let municipalities = LocalResource::new(all_municipalities);
    let mun_options = Signal::derive(move || {
        let mut v = vec![(String::new(), text(i.lang.get(), k!("app.all")).to_owned())];
        v.extend(my_municipalities(
            s,
            municipalities.get().and_then(|r| r.ok()),
        ));
        v
    });
    let mun_name = move |id: &str| {
        municipalities
            .get()
            .and_then(|r| r.ok())
            .and_then(|all| all.into_iter().find(|m| m.id == id).map(|m| m.name))
            .unwrap_or_default()
    };
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t(k!("people.title"))}</h1>
        </div>
        <p class="hint">{move || i.t(k!("people.intro"))}</p>
        <Show when=move || s.is(&[Role::Admin, Role::Coordinator])>
            <ExportButtons path=Signal::derive(move || applied.get()) name="lumit-persone" />
        </Show>
        <form class="filters" role="search" aria-label=move || i.t(k!("app.filters")) on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); apply(); }>
            <div class="field">
                <label for="q">{move || i.t(k!("app.search"))}</label>
                <input id="q" type="search" placeholder=move || i.t(k!("new.find_hint")) prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
            </div>
            <SelectField id="municipality_id" label=k!("people.registered_by") value=municipality options=mun_options />
            <button type="submit" class="btn">{move || i.t(k!("app.search"))}</button>
        </form>
        {move || error.get().map(|e| view! { <ErrorView error=e retry=Callback::new(move |_| load(false)) /> })}
        <Show when=move || !items.with(Vec::is_empty) fallback=move || view! { <Show when=move || !loading.get() fallback=|| view! { <Loading /> }><Empty /></Show> }>
            <table class="table">
                <caption class="visually-hidden">{move || i.t(k!("people.title"))}</caption>
                <thead><tr>
                    <th scope="col">{move || i.t(k!("cases.person"))}</th>
                    <th scope="col">{move || i.t(k!("person.sex"))}</th>
                    <th scope="col">{move || i.t(k!("person.birth"))}</th>
                    <th scope="col">{move || i.t(k!("person.citizenship"))}</th>
                    <th scope="col">{move || i.t(k!("people.registered_by"))}</th>
                </tr></thead>
                <tbody>
                    <For each=move || items.get() key=|p| p.id.clone() let:p>
                        <tr>
                            <td><A href=format!("/people/{}", p.id)>{format!("{} {}", p.last_name, p.first_name)}</A></td>
                            <td>{move || i.t(sex_key(p.sex))}</td>
                            <td>{p.birth_date.map(|d| d.format("%d/%m/%Y").to_string()).or(p.birth_year.map(|y| y.to_string())).unwrap_or_else(|| "—".into())}</td>
                            <td>{ let c = p.citizenship.clone(); move || country_label(i.lang.get(), c.as_deref()) }</td>
                            <td>{ let m = p.created_municipality_id.clone(); move || mun_name(&m) }</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </Show>
        <MoreButton more=Signal::derive(move || list.has_more()) loading=loading on_more=Callback::new(move |_| load(true)) />
    }
}
