//! The new-case flow: find the person first (search as you type, spelling variants included), or
//! register them — a possible duplicate is shown with the candidates — then open the case.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use lumit_shared::case::{Case, CaseCategory, Channel, NewCase, Priority};
use lumit_shared::person::{DuplicateCandidate, NewPerson, Person};
use lumit_shared::user::Role;
use lumit_shared::Page;

use crate::api::{self, enc, ApiError};
use crate::app::RoleGate;
use crate::components::{error_message, field_error, FormStatus, SelectField, TextField};
use crate::i18n::{text, use_i18n, Lang};
use crate::pages::municipalities::all_municipalities;
use crate::session::use_session;

/// The flow's page.
#[component]
pub fn NewCase() -> impl IntoView {
    view! { <RoleGate roles=&[Role::Admin, Role::Coordinator, Role::Operator]><Flow /></RoleGate> }
}

#[component]
fn Flow() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let chosen = RwSignal::new(None::<(String, String)>);
    let q = RwSignal::new(String::new());
    let found = LocalResource::new(move || {
        let text = q.get();
        async move {
            if text.trim().len() < 2 {
                return Ok(Vec::new());
            }
            api::get::<Page<Person>>(&format!("/api/v1/people?limit=10&q={}", enc(&text)))
                .await
                .map(|p| p.items)
        }
    });
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let citizenship = RwSignal::new(String::new());
    let municipality = RwSignal::new(String::new());
    let person_err = RwSignal::new(None::<ApiError>);
    let candidates = RwSignal::new(Vec::<DuplicateCandidate>::new());
    let municipalities = LocalResource::new(all_municipalities);
    let mine = Signal::derive(move || {
        let ids = s
            .user
            .with(|u| u.as_ref().map(|u| (u.role, u.municipality_ids.clone())));
        let mut v = Vec::new();
        if let (Some(Ok(all)), Some((role, ids))) = (municipalities.get(), ids) {
            v.extend(
                all.into_iter()
                    .filter(|m| {
                        m.active
                            && (role.sees_all_municipalities()
                                || ids.contains(&m.id)
                                || m.member_of_id.as_ref().is_some_and(|p| ids.contains(p)))
                    })
                    .map(|m| (m.id, m.name)),
            );
        }
        if municipality.get_untracked().is_empty() {
            if let Some((id, _)) = v.first() {
                municipality.set(id.clone());
            }
        }
        v
    });
    let register = move |confirm_new: bool| {
        let birth_date =
            chrono::NaiveDate::parse_from_str(birth.get_untracked().trim(), "%Y-%m-%d").ok();
        let body = NewPerson {
            first_name: first.get_untracked(),
            last_name: last.get_untracked(),
            birth_date,
            citizenship: Some(citizenship.get_untracked()).filter(|c| !c.trim().is_empty()),
            municipality_id: municipality.get_untracked(),
            confirm_new,
            ..Default::default()
        };
        spawn_local(async move {
            match api::post::<_, Person>("/api/v1/people", &body).await {
                Ok(p) => {
                    person_err.set(None);
                    candidates.set(Vec::new());
                    chosen.set(Some((p.id, format!("{} {}", p.first_name, p.last_name))));
                }
                Err(e) => {
                    let dup = e
                        .problem()
                        .filter(|p| p.code == "possible_duplicate")
                        .and_then(|p| p.extra.get("candidates").cloned());
                    candidates.set(
                        dup.and_then(|c| serde_json::from_value(c).ok())
                            .unwrap_or_default(),
                    );
                    person_err.set(Some(e));
                }
            }
        });
    };
    let person_msg = Signal::derive(move || {
        person_err.with(|e| {
            e.as_ref()
                .filter(|e| e.problem().is_none_or(|p| p.code != "possible_duplicate"))
                .map(|e| error_message(i.lang.get(), e))
        })
    });
    view! {
        <h1 tabindex="-1">{move || i.t("new.title")}</h1>
        {move || match chosen.get() {
            Some((id, name)) => view! { <CaseForm person_id=id person_name=name /> }.into_any(),
            None => view! {
                <section class="card" aria-labelledby="find-title">
                    <h2 id="find-title">{move || i.t("new.find")}</h2>
                    <div class="field">
                        <label for="find">{move || i.t("new.find_hint")}</label>
                        <input id="find" type="search" autocomplete="off" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
                    </div>
                    <ul class="plain" aria-live="polite">
                        {move || found.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|p| {
                            let label = format!("{} {}", p.first_name, p.last_name);
                            let (id, l2) = (p.id.clone(), label.clone());
                            view! { <li>{label.clone()} " " {p.birth_date.map(|d| d.format("%d/%m/%Y").to_string())} " "
                                <button type="button" class="btn" aria-label=move || format!("{} {l2}", i.t("new.choose"))
                                    on:click=move |_| chosen.set(Some((id.clone(), label.clone())))>{move || i.t("new.choose")}</button></li> }
                        }).collect_view()}
                    </ul>
                </section>
                <section class="card" aria-labelledby="register-title">
                    <h2 id="register-title">{move || i.t("new.or_create")}</h2>
                    <form class="form" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); register(false); }>
                        <FormStatus error=person_msg />
                        <TextField id="first_name" label="new.first_name" value=first error=field_error(person_err, "first_name") required=true />
                        <TextField id="last_name" label="new.last_name" value=last error=field_error(person_err, "last_name") required=true />
                        <TextField id="birth_date" label="new.birth_date" value=birth error=field_error(person_err, "birth_date") />
                        <TextField id="citizenship" label="new.citizenship" value=citizenship error=field_error(person_err, "citizenship") />
                        <SelectField id="person_municipality" label="new.municipality" value=municipality options=mine error=field_error(person_err, "municipality_id") />
                        <div role="alert" class="alert alert-info" hidden=move || candidates.with(Vec::is_empty)>
                            <p>{move || i.t("new.duplicate")}</p>
                            <ul>
                                {move || candidates.get().into_iter().map(|c| {
                                    let label = format!("{} {}", c.first_name, c.last_name);
                                    let (id, l2) = (c.id.clone(), label.clone());
                                    view! { <li>{label.clone()} " " {c.birth_date.map(|d| d.format("%d/%m/%Y").to_string())} " "
                                        <button type="button" class="btn" on:click=move |_| chosen.set(Some((id.clone(), l2.clone())))>{move || i.t("new.choose")}</button></li> }
                                }).collect_view()}
                            </ul>
                            <button type="button" class="btn" on:click=move |_| register(true)>{move || i.t("new.create_anyway")}</button>
                        </div>
                        <button type="submit" class="btn btn-primary">{move || i.t("new.register")}</button>
                    </form>
                </section>
            }.into_any(),
        }}
    }
}

#[component]
fn CaseForm(person_id: String, person_name: String) -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let navigate = use_navigate();
    let category = RwSignal::new("residence_permit".to_owned());
    let summary = RwSignal::new(String::new());
    let municipality = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let categories =
        LocalResource::new(|| api::get::<Vec<CaseCategory>>("/api/v1/case-categories"));
    let municipalities = LocalResource::new(all_municipalities);
    let cat_options = Signal::derive(move || {
        let lang = i.lang.get();
        categories
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.parent_id.is_none() && c.active)
            .map(|c| {
                (
                    c.id,
                    if lang == Lang::It {
                        c.name_it
                    } else {
                        c.name_en
                    },
                )
            })
            .collect()
    });
    let mun_options = Signal::derive(move || {
        let ids = s
            .user
            .with(|u| u.as_ref().map(|u| (u.role, u.municipality_ids.clone())));
        let mut v = Vec::new();
        if let (Some(Ok(all)), Some((role, ids))) = (municipalities.get(), ids) {
            v.extend(
                all.into_iter()
                    .filter(|m| m.active && (role.sees_all_municipalities() || ids.contains(&m.id)))
                    .map(|m| (m.id, m.name)),
            );
        }
        if municipality.get_untracked().is_empty() {
            if let Some((id, _)) = v.first() {
                municipality.set(id.clone());
            }
        }
        v
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewCase {
            person_id: person_id.clone(),
            municipality_id: municipality.get_untracked(),
            desk_id: None,
            category_id: category.get_untracked(),
            subcategory_id: None,
            channel: Channel::Desk,
            priority: Priority::Normal,
            assigned_to_id: None,
            summary: summary.get_untracked(),
            language: None,
            mediator_present: false,
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::post::<_, Case>("/api/v1/cases", &body).await {
                Ok(c) => navigate(&format!("/cases/{}", c.id), Default::default()),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <form class="form" novalidate on:submit=submit>
            <p><strong>{move || text(i.lang.get(), "new.person")}</strong> ": " <span data-testid="chosen-person">{person_name.clone()}</span></p>
            <FormStatus error=form_error />
            <SelectField id="case_municipality" label="new.municipality" value=municipality options=mun_options error=field_error(err, "municipality_id") />
            <SelectField id="category" label="cases.category" value=category options=cat_options error=field_error(err, "category_id") />
            <TextField id="summary" label="cases.summary" value=summary error=field_error(err, "summary") required=true />
            <button type="submit" class="btn btn-primary">{move || i.t("new.open")}</button>
        </form>
    }
}
