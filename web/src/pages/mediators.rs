//! Mediators and translators (coordinators and admins): the list, a new mediator, and the
//! mediator's page with their record, their availability and links to calendar and timesheet.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use lumit_shared::mediation::{
    LanguageLevel, Mediator, MediatorInput, MediatorKind, MediatorLanguage,
};
use lumit_shared::municipality::Municipality;

use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, row_errors, CheckField, Empty, ErrorView, FormStatus, Loading,
    SelectField, TextField,
};
use crate::guard::RoleGate;
use crate::i18n::{text, use_i18n, Lang};
use crate::pages::availability::AvailabilityEditor;
use crate::pages::municipalities::all_municipalities;
use crate::pages::requests::{
    language_name, language_options, level_key, mediator_kind_key, LanguageField, COORDINATION,
};

/// "Arabo (madrelingua), Francese (C1)".
pub fn languages_text(lang: Lang, ls: &[MediatorLanguage]) -> String {
    ls.iter()
        .map(|l| {
            format!(
                "{} ({})",
                language_name(lang, &l.language),
                text(lang, level_key(l.level))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The municipalities' names for ids, in order.
fn municipality_names(all: &[Municipality], ids: &[String]) -> String {
    ids.iter()
        .map(|id| {
            all.iter()
                .find(|m| &m.id == id)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| id.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The mediator list.
#[component]
pub fn List() -> impl IntoView {
    view! { <RoleGate roles=COORDINATION><MediatorList /></RoleGate> }
}

#[component]
fn MediatorList() -> impl IntoView {
    let i = use_i18n();
    let language = RwSignal::new(String::new());
    let municipality = RwSignal::new(String::new());
    let active = RwSignal::new("true".to_owned());
    let municipalities = LocalResource::new(all_municipalities);
    let data = LocalResource::new(move || {
        let mut path = api::mediators::search();
        for (k, v) in [
            ("language", language.get()),
            ("municipality_id", municipality.get()),
            ("active", active.get()),
        ] {
            if !v.is_empty() {
                path = path.with(k, &v);
            }
        }
        async move { api::mediators::list(&path).await }
    });
    let lang_options = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, k!("app.all")).to_owned())];
        v.extend(language_options(lang));
        v
    });
    let mun_options = Signal::derive(move || {
        let mut v = vec![(String::new(), text(i.lang.get(), k!("app.all")).to_owned())];
        if let Some(Ok(all)) = municipalities.get() {
            v.extend(all.into_iter().filter(|m| m.active).map(|m| (m.id, m.name)));
        }
        v
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
    let all_muns = Signal::derive(move || {
        municipalities
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
    });
    view! {
        <div class="page-head">
            <h1 tabindex="-1">{move || i.t(k!("med.title"))}</h1>
            <A href="/mediators/new" attr:class="btn btn-primary">{move || i.t(k!("med.new"))}</A>
        </div>
        <form class="filters" role="search" aria-label=move || i.t(k!("app.filters")) on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            <SelectField id="language" label=k!("req.language") value=language options=lang_options />
            <SelectField id="municipality_id" label=k!("req.municipality") value=municipality options=mun_options />
            <SelectField id="active" label=k!("mun.status") value=active options=states />
        </form>
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                Ok(list) if list.is_empty() => view! { <Empty /> }.into_any(),
                Ok(list) => view! {
                    <table class="table">
                        <caption class="visually-hidden">{move || i.t(k!("med.title"))}</caption>
                        <thead><tr>
                            <th scope="col">{move || i.t(k!("med.name"))}</th>
                            <th scope="col">{move || i.t(k!("med.kind"))}</th>
                            <th scope="col">{move || i.t(k!("med.languages"))}</th>
                            <th scope="col">{move || i.t(k!("med.coverage"))}</th>
                            <th scope="col">{move || i.t(k!("mun.status"))}</th>
                            <th scope="col">{move || i.t(k!("med.links"))}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|m| {
                                let langs = m.languages.clone();
                                let ids = m.municipality_ids.clone();
                                let name = m.full_name.clone();
                                let name2 = m.full_name.clone();
                                view! {
                                    <tr>
                                        <th scope="row"><A href=format!("/mediators/{}", m.id)>{m.full_name.clone()}</A></th>
                                        <td>{move || i.t(mediator_kind_key(m.kind))}</td>
                                        <td>{move || languages_text(i.lang.get(), &langs)}</td>
                                        <td>{move || municipality_names(&all_muns.get(), &ids)}</td>
                                        <td>{move || i.t(if m.active { k!("app.active") } else { k!("app.inactive") })}</td>
                                        <td>
                                            <A href=format!("/mediators/{}/calendar", m.id) attr:aria-label=move || format!("{} — {name}", i.t(k!("med.calendar")))>{move || i.t(k!("med.calendar"))}</A>
                                            " · "
                                            <A href=format!("/mediators/{}/timesheet", m.id) attr:aria-label=move || format!("{} — {name2}", i.t(k!("med.timesheet")))>{move || i.t(k!("med.timesheet"))}</A>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Transition>
    }
}

/// A new mediator.
#[component]
pub fn Create() -> impl IntoView {
    let i = use_i18n();
    view! {
        <RoleGate roles=COORDINATION>
            <h1 tabindex="-1">{move || i.t(k!("med.new"))}</h1>
            <MediatorForm current=None tag=None />
        </RoleGate>
    }
}

/// A mediator's page: the record, availability, links.
#[component]
pub fn Detail() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let data = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move { api::mediators::get_tagged(&id).await }
    });
    view! {
        <RoleGate roles=COORDINATION>
            <Transition fallback=|| view! { <Loading /> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <h1 tabindex="-1">{move || i.t(k!("med.title"))}</h1><ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                    Ok((m, tag)) => {
                        let id = m.id.clone();
                        view! {
                            <div class="page-head">
                                <h1 tabindex="-1">{m.full_name.clone()}</h1>
                                <div class="actions">
                                    <A href=format!("/mediators/{id}/calendar") attr:class="btn">{move || i.t(k!("med.calendar"))}</A>
                                    <A href=format!("/mediators/{id}/timesheet") attr:class="btn">{move || i.t(k!("med.timesheet"))}</A>
                                </div>
                            </div>
                            <section aria-labelledby="record-title">
                                <h2 id="record-title">{move || i.t(k!("med.record"))}</h2>
                                <MediatorForm current=Some(m.clone()) tag=tag.clone() />
                            </section>
                            <AvailabilityEditor mediator_id=id.clone() />
                        }.into_any()
                    }
                })}
            </Transition>
        </RoleGate>
    }
}

/// One editable language.
#[derive(Clone)]
struct LangRow {
    key: usize,
    language: RwSignal<String>,
    level: RwSignal<String>,
}

fn opt(v: RwSignal<String>) -> Option<String> {
    let t = v.get_untracked().trim().to_owned();
    (!t.is_empty()).then_some(t)
}

/// The mediator's record: every field on a new one, only what changed on an existing one.
#[component]
fn MediatorForm(current: Option<Mediator>, tag: Option<String>) -> impl IntoView {
    let i = use_i18n();
    let navigate = use_navigate();
    let cur = StoredValue::new(current.clone());
    // The version the form edits: a change made meanwhile by someone else is refused (412).
    let tag = StoredValue::new(tag);
    let c = current.as_ref();
    let full_name = RwSignal::new(c.map(|m| m.full_name.clone()).unwrap_or_default());
    let email = RwSignal::new(c.and_then(|m| m.email.clone()).unwrap_or_default());
    let phone = RwSignal::new(c.and_then(|m| m.phone.clone()).unwrap_or_default());
    let kind = RwSignal::new(
        c.map(|m| m.kind.as_str().to_owned())
            .unwrap_or_else(|| "mediator".to_owned()),
    );
    let organisation = RwSignal::new(c.and_then(|m| m.organisation.clone()).unwrap_or_default());
    let covered = RwSignal::new(c.map(|m| m.municipality_ids.clone()).unwrap_or_default());
    let travels = RwSignal::new(c.map(|m| m.travels).unwrap_or(true));
    let active = RwSignal::new(c.map(|m| m.active).unwrap_or(true));
    let user_id = RwSignal::new(c.and_then(|m| m.user_id.clone()).unwrap_or_default());
    let next_key = StoredValue::new(0usize);
    let new_row = move |l: &str, level: LanguageLevel| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        LangRow {
            key,
            language: RwSignal::new(l.to_owned()),
            level: RwSignal::new(level.as_str().to_owned()),
        }
    };
    let rows = RwSignal::new(
        c.map(|m| {
            m.languages
                .iter()
                .map(|l| new_row(&l.language, l.level))
                .collect::<Vec<_>>()
        })
        .unwrap_or_else(|| vec![new_row("", LanguageLevel::Native)]),
    );
    let err = RwSignal::new(None::<ApiError>);
    let ok = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let municipalities = LocalResource::new(all_municipalities);
    let users = LocalResource::new(|| api::users::active_with_role("mediator"));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ok.set(None);
        let languages: Vec<MediatorLanguage> = rows
            .get_untracked()
            .iter()
            .map(|r| MediatorLanguage {
                language: r.language.get_untracked().trim().to_lowercase(),
                level: LanguageLevel::parse(&r.level.get_untracked()).unwrap_or(LanguageLevel::B1),
            })
            .collect();
        let all = MediatorInput {
            full_name: Some(full_name.get_untracked()),
            email: Some(opt(email)),
            phone: Some(opt(phone)),
            kind: MediatorKind::parse(&kind.get_untracked()),
            organisation: Some(opt(organisation)),
            languages: Some(languages),
            municipality_ids: Some(covered.get_untracked()),
            travels: Some(travels.get_untracked()),
            active: Some(active.get_untracked()),
            user_id: Some(opt(user_id)),
        };
        let current = cur.get_value();
        // A change sends only what differs from the record as loaded.
        let body = match &current {
            None => all,
            Some(m) => MediatorInput {
                full_name: all.full_name.filter(|v| v.trim() != m.full_name),
                email: all.email.filter(|v| *v != m.email),
                phone: all.phone.filter(|v| *v != m.phone),
                kind: all.kind.filter(|v| *v != m.kind),
                organisation: all.organisation.filter(|v| *v != m.organisation),
                languages: all.languages.filter(|v| *v != m.languages),
                municipality_ids: all.municipality_ids.filter(|v| {
                    let (mut a, mut b) = (v.clone(), m.municipality_ids.clone());
                    a.sort();
                    b.sort();
                    a != b
                }),
                travels: all.travels.filter(|v| *v != m.travels),
                active: all.active.filter(|v| *v != m.active),
                user_id: all.user_id.filter(|v| *v != m.user_id),
            },
        };
        if let Err(errors) = body.apply(current.as_ref()) {
            err.set(Some(ApiError::invalid(errors)));
            return;
        }
        if body == MediatorInput::default() {
            err.set(None);
            ok.set(Some(i.t(k!("med.nothing_changed")).to_owned()));
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = match &current {
                None => api::mediators::create(&body).await,
                Some(m) => {
                    match api::mediators::update(&m.id, &body, tag.get_value().as_deref()).await {
                        // The next change needs the new version.
                        Ok(_) => api::mediators::get_tagged(&m.id).await.map(|(m, t)| {
                            tag.set_value(t);
                            m
                        }),
                        Err(e) => Err(e),
                    }
                }
            };
            busy.set(false);
            match result {
                Ok(m) => {
                    err.set(None);
                    if current.is_none() {
                        navigate(&format!("/mediators/{}", m.id), Default::default());
                    } else {
                        cur.set_value(Some(m));
                        ok.set(Some(i.t(k!("app.saved")).to_owned()));
                    }
                }
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let kinds = Signal::derive(move || {
        let lang = i.lang.get();
        MediatorKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_owned(),
                    text(lang, mediator_kind_key(*k)).to_owned(),
                )
            })
            .collect()
    });
    let levels = move || {
        let lang = i.lang.get();
        LanguageLevel::ALL
            .iter()
            .map(|l| (l.as_str(), text(lang, level_key(*l))))
            .collect::<Vec<_>>()
    };
    let user_options = Signal::derive(move || {
        let mut v = vec![(String::new(), i.t(k!("med.no_account")).to_owned())];
        let list = users
            .get()
            .and_then(|r| r.ok())
            .map(|p| p.items)
            .unwrap_or_default();
        v.extend(
            list.into_iter()
                .map(|u| (u.id, format!("{} ({})", u.full_name, u.username))),
        );
        // The linked account stays choosable even when the list can't show it.
        let current = user_id.get_untracked();
        if !current.is_empty() && !v.iter().any(|(id, _)| *id == current) {
            v.push((current.clone(), current));
        }
        v
    });
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    let e = move |f: &'static str| field_error(err, f);
    let numbered = move || rows.get().into_iter().enumerate().collect::<Vec<_>>();
    // Row errors show on their row; this is the list's own ("at least one").
    let languages_err = field_error(err, "languages");
    let editing = current.is_some();
    view! {
        <form class="form" novalidate on:submit=submit>
            <FormStatus error=form_error ok=Signal::derive(move || ok.get()) />
            <TextField id="full_name" label=k!("med.name") value=full_name error=e("full_name") required=true autocomplete="name" />
            <SelectField id="mediator_kind" label=k!("med.kind") value=kind options=kinds error=e("kind") />
            <TextField id="email" label=k!("med.email") value=email error=e("email") kind="email" />
            <TextField id="phone" label=k!("med.phone") value=phone error=e("phone") kind="tel" />
            <TextField id="organisation" label=k!("med.organisation") value=organisation error=e("organisation") hint=k!("med.organisation_hint") />
            <fieldset class="hours" aria-describedby="languages-error">
                <legend>{move || i.t(k!("med.languages"))} <span class="req" aria-hidden="true">" *"</span></legend>
                <For
                    each=numbered
                    key=|item| (item.0, item.1.key)
                    children=move |(idx, r): (usize, LangRow)| {
                        let k = r.key;
                        let n = idx + 1;
                        let lang_field = format!("languages[{idx}].language");
                        let lang_err = Signal::derive(move || err.with(|e| row_errors(i.lang.get(), e, &lang_field)));
                        view! {
                            <div class="lang-row" role="group" aria-label=move || format!("{} {n}", i.t(k!("med.language")))>
                                <LanguageField id=format!("lang-{k}") label=k!("med.language") value=r.language error=lang_err />
                                <div class="field">
                                    <label for=format!("lang-{k}-level")>{move || i.t(k!("med.level"))}</label>
                                    <select id=format!("lang-{k}-level") on:change=move |ev| r.level.set(event_target_value(&ev))>
                                        {move || levels().into_iter().map(|(v, l)| view! { <option value=v selected=r.level.get_untracked() == v>{l}</option> }).collect_view()}
                                    </select>
                                </div>
                                <button type="button" class="btn btn-ghost" aria-label=move || format!("{} {} {n}", i.t(k!("avail.remove")), i.t(k!("med.language")))
                                    on:click=move |_| rows.update(|v| v.retain(|x| x.key != k))>{move || i.t(k!("avail.remove"))}</button>
                            </div>
                        }
                    }
                />
                <button type="button" class="btn" on:click=move |_| rows.update(|v| v.push(new_row("", LanguageLevel::Native)))>{move || i.t(k!("med.add_language"))}</button>
                <p class="error" id="languages-error" role="alert">{move || languages_err.get()}</p>
            </fieldset>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || municipalities.get().map(|r| match r {
                    Ok(all) => view! { <CoverageChecks all=all selected=covered /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                })}
            </Suspense>
            <CheckField id="travels".to_owned() label=Signal::derive(move || i.t(k!("med.travels")).to_owned()) checked=travels />
            {editing.then(|| view! { <CheckField id="mediator_active".to_owned() label=Signal::derive(move || i.t(k!("app.active")).to_owned()) checked=active /> })}
            <SelectField id="user_id" label=k!("med.account") value=user_id options=user_options error=e("user_id") />
            <div class="actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || if busy.get() { i.t(k!("app.saving")) } else { i.t(k!("app.save")) }}</button>
                <A href="/mediators" attr:class="btn">{move || i.t(k!("med.back_to_list"))}</A>
            </div>
        </form>
    }
}

/// Checkboxes for the municipalities a mediator covers.
#[component]
fn CoverageChecks(all: Vec<Municipality>, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <fieldset class="checks">
            <legend>{move || i.t(k!("med.coverage"))}</legend>
            <p class="hint">{move || i.t(k!("med.coverage_hint"))}</p>
            {all.into_iter().filter(|m| m.active).map(|m| {
                let id = m.id.clone();
                let checked = RwSignal::new(selected.get_untracked().contains(&id));
                let id2 = id.clone();
                Effect::new(move |prev: Option<()>| {
                    let on = checked.get();
                    if prev.is_some() {
                        selected.update(|v| {
                            v.retain(|x| x != &id2);
                            if on { v.push(id2.clone()); }
                        });
                    }
                });
                view! { <CheckField id=format!("cov-{id}") label=Signal::derive(move || m.name.clone()) checked=checked /> }
            }).collect_view()}
        </fieldset>
    }
}
