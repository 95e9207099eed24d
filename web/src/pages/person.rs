//! A person's page: their data, their cases, who read the record (coordinators), the GDPR export
//! (coordinators) and anonymisation (admins).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lumit_shared::person::{NewPersonLink, Sex};
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{
    download, error_message, field_error, Empty, ErrorView, FormStatus, Loading, SelectField,
    TextField,
};
use crate::guard::RoleGate;
use crate::i18n::{fmt_datetime, use_i18n};
use crate::pages::cases::status_key;
use crate::pickers::{country_label, languages_label};
use crate::session::use_session;

const STAFF: &[Role] = &[Role::Admin, Role::Coordinator, Role::Operator];
const OVERSIGHT: &[Role] = &[Role::Admin, Role::Coordinator];

/// The person page.
#[component]
pub fn Detail() -> impl IntoView {
    view! { <RoleGate roles=STAFF><PersonDetail /></RoleGate> }
}

/// The i18n key of a sex.
pub fn sex_key(s: Sex) -> crate::i18n::Key {
    match s {
        Sex::F => k!("person.sex_f"),
        Sex::M => k!("person.sex_m"),
        Sex::X => k!("person.sex_x"),
    }
}

#[component]
fn PersonDetail() -> impl IntoView {
    let i = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let person = LocalResource::new(move || {
        let id = id();
        async move { api::people::get(&id).await }
    });
    let cases = LocalResource::new(move || {
        let id = id();
        async move { api::cases::of_person(&id).await }
    });
    let action_err = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<crate::i18n::Key>);
    let export = move |_| {
        let id = id();
        spawn_local(async move {
            match api::people::export(&id).await {
                Ok(v) => {
                    download(
                        &format!("lumit-persona-{id}.json"),
                        "application/json",
                        &serde_json::to_string_pretty(&v).unwrap_or_default(),
                    );
                    action_err.set(None);
                    done.set(Some(k!("person.exported")));
                }
                Err(e) => action_err.set(Some(e)),
            }
        });
    };
    let anonymise = move |_| {
        let ok = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(i.t(k!("person.anonymise_confirm")))
                    .ok()
            })
            .unwrap_or(false);
        if !ok {
            return;
        }
        let id = id();
        spawn_local(async move {
            match api::people::anonymise(&id).await {
                Ok(_) => {
                    action_err.set(None);
                    done.set(Some(k!("person.anonymised")));
                    person.refetch();
                }
                Err(e) => action_err.set(Some(e)),
            }
        });
    };
    let action_msg = Signal::derive(move || {
        action_err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e)))
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || person.get().map(|r| match r {
                Err(e) => view! { <h1 tabindex="-1">{move || i.t(k!("person.title"))}</h1><ErrorView error=e retry=Callback::new(move |_| person.refetch()) /> }.into_any(),
                Ok(p) => {
                    let dash = |v: Option<String>| v.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into());
                    let birth = p.birth_date.map(|d| d.format("%d/%m/%Y").to_string())
                        .or(p.birth_year.map(|y| y.to_string()));
                    let expiry = p.permit_expiry.map(|d| d.format("%d/%m/%Y").to_string());
                    let (languages, citizenship, born_in) = (p.languages.clone(), p.citizenship.clone(), p.country_of_birth.clone());
                    let sex = p.sex;
                    view! {
                        <h1 tabindex="-1">{format!("{} {}", p.first_name, p.last_name)}</h1>
                        <dl class="facts">
                            <div><dt>{move || i.t(k!("person.sex"))}</dt><dd>{move || i.t(sex_key(sex))}</dd></div>
                            <div><dt>{move || i.t(k!("person.birth"))}</dt><dd>{dash(birth)}</dd></div>
                            <div><dt>{move || i.t(k!("person.citizenship"))}</dt><dd>{move || country_label(i.lang.get(), citizenship.as_deref())}</dd></div>
                            <div><dt>{move || i.t(k!("person.country_of_birth"))}</dt><dd>{move || country_label(i.lang.get(), born_in.as_deref())}</dd></div>
                            <div><dt>{move || i.t(k!("person.languages"))}</dt><dd>{move || languages_label(i.lang.get(), &languages)}</dd></div>
                            {(!p.identity_only).then(|| view! {
                                <div><dt>{move || i.t(k!("person.phone"))}</dt><dd>{dash(p.phone.clone())}</dd></div>
                                <div><dt>{move || i.t(k!("person.email"))}</dt><dd>{dash(p.email.clone())}</dd></div>
                                <div><dt>{move || i.t(k!("person.tax_code"))}</dt><dd>{dash(p.tax_code.clone())}</dd></div>
                                <div><dt>{move || i.t(k!("person.permit"))}</dt><dd>{dash(p.permit_type.clone())} " " {p.permit_number.clone().unwrap_or_default()}</dd></div>
                                <div><dt>{move || i.t(k!("person.permit_expiry"))}</dt><dd data-testid="permit-expiry">{dash(expiry)}</dd></div>
                                <div><dt>{move || i.t(k!("person.notes"))}</dt><dd>{dash(p.notes.clone())}</dd></div>
                            })}
                        </dl>
                        {p.identity_only.then(|| view! { <p class="alert" role="note">{move || i.t(k!("person.identity_only"))}</p> })}
                    }.into_any()
                }
            })}
        </Transition>
        <section aria-labelledby="person-cases">
            <h2 id="person-cases">{move || i.t(k!("cases.title"))}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || cases.get().map(|r| match r {
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <Empty /> }.into_any(),
                    Ok(page) => view! {
                        <ul class="rows">
                            {page.items.into_iter().map(|c| {
                                let at = c.opened_at;
                                view! {
                                    <li>
                                        <A href=format!("/cases/{}", c.id)>{c.reference.clone()}</A>
                                        " · " {c.summary.clone()} " · " {move || i.t(status_key(c.status))}
                                        " · " {move || fmt_datetime(i.lang.get(), &at)}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
        <Show when=move || session.is(OVERSIGHT)>
            <section class="card" aria-labelledby="person-rights">
                <h2 id="person-rights">{move || i.t(k!("person.rights"))}</h2>
                <FormStatus error=action_msg />
                <p role="status">{move || done.get().map(|k| i.t(k))}</p>
                <div class="actions">
                    <button type="button" class="btn" on:click=export>{move || i.t(k!("person.export"))}</button>
                    <Show when=move || session.is(&[Role::Admin])>
                        <button type="button" class="btn btn-danger" on:click=anonymise>{move || i.t(k!("person.anonymise"))}</button>
                    </Show>
                </div>
            </section>
            <LinkForm id=Signal::derive(id) />
            <AccessLog id=Signal::derive(id) />
        </Show>
    }
}

/// Links the person to another municipality, whose desks then serve her (coordinators, admins).
#[component]
fn LinkForm(id: Signal<String>) -> impl IntoView {
    let i = use_i18n();
    let municipality = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let ok = RwSignal::new(None::<String>);
    let all = LocalResource::new(|| async { api::municipalities::page(None).await });
    let options = Signal::derive(move || {
        let mut o = vec![(String::new(), "—".to_owned())];
        if let Some(Ok(page)) = all.get() {
            o.extend(page.items.into_iter().map(|m| (m.id, m.name)));
        }
        o
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewPersonLink {
            municipality_id: municipality.get_untracked(),
            reason: reason.get_untracked(),
        };
        let id = id.get_untracked();
        spawn_local(async move {
            match api::people::link(&id, &body).await {
                Ok(_) => {
                    err.set(None);
                    reason.set(String::new());
                    ok.set(Some(i.t(k!("person.linked")).to_owned()));
                }
                Err(e) => {
                    ok.set(None);
                    err.set(Some(e));
                }
            }
        });
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <section class="card" aria-labelledby="person-link">
            <h2 id="person-link">{move || i.t(k!("person.link"))}</h2>
            <p>{move || i.t(k!("person.link_hint"))}</p>
            <form class="form" novalidate on:submit=submit>
                <FormStatus error=form_error ok=ok />
                <SelectField id="link_municipality" label=k!("person.link_municipality") value=municipality options=options error=field_error(err, "municipality_id") required=true />
                <TextField id="link_reason" label=k!("person.link_reason") value=reason error=field_error(err, "reason") required=true />
                <button type="submit" class="btn">{move || i.t(k!("person.link_submit"))}</button>
            </form>
        </section>
    }
}

/// The words for an access-log action; an unknown one is shown as it is.
fn access_key(action: &str) -> Option<crate::i18n::Key> {
    Some(match action {
        "person.read" => k!("access.person.read"),
        "case.read" => k!("access.case.read"),
        "person.export" => k!("access.person.export"),
        "person.link" => k!("access.person.link"),
        "person.list" => k!("access.person.list"),
        "case.list" => k!("access.case.list"),
        "case.timeline" => k!("access.case.timeline"),
        "case.referrals" => k!("access.case.referrals"),
        "deadline.list" => k!("access.deadline.list"),
        "request.list" => k!("access.request.list"),
        "request.read" => k!("access.request.read"),
        "request.history" => k!("access.request.history"),
        "person.duplicate_check" => k!("access.person.duplicate_check"),
        _ => return None,
    })
}

/// Who read the record (or showed her on a page), newest first.
#[component]
fn AccessLog(id: Signal<String>) -> impl IntoView {
    let i = use_i18n();
    let log = LocalResource::new(move || {
        let id = id.get();
        async move { api::people::access_log(&id).await }
    });
    view! {
        <section aria-labelledby="access-log">
            <h2 id="access-log">{move || i.t(k!("person.access_log"))}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || log.get().map(|r| match r {
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <Empty /> }.into_any(),
                    Ok(page) => view! {
                        <table class="table">
                            <caption class="visually-hidden">{move || i.t(k!("person.access_log"))}</caption>
                            <thead><tr>
                                <th scope="col">{move || i.t(k!("audit.when"))}</th>
                                <th scope="col">{move || i.t(k!("audit.who"))}</th>
                                <th scope="col">{move || i.t(k!("audit.action"))}</th>
                            </tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|e| {
                                    let at = e.at;
                                    view! {
                                        <tr>
                                            <td>{move || fmt_datetime(i.lang.get(), &at)}</td>
                                            <td>{e.actor_name.clone().unwrap_or_default()}</td>
                                            <td>{match access_key(&e.action) {
                                                Some(key) => view! { {move || i.t(key)} }.into_any(),
                                                None => view! { <code>{e.action.clone()}</code> }.into_any(),
                                            }}</td>
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
