//! A person's page: their data, their cases, who read the record (coordinators), the GDPR export
//! (coordinators) and anonymisation (admins).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lumit_shared::audit::AccessEntry;
use lumit_shared::case::CasePage;
use lumit_shared::municipality::Municipality;
use lumit_shared::person::{NewPersonLink, Person, PersonLink, Sex};
use lumit_shared::user::Role;
use lumit_shared::Page;

use crate::api::{self, ApiError};
use crate::app::RoleGate;
use crate::components::{
    download, error_message, field_error, Empty, ErrorView, FormStatus, Loading, SelectField,
    TextField,
};
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
pub fn sex_key(s: Sex) -> &'static str {
    match s {
        Sex::F => "person.sex_f",
        Sex::M => "person.sex_m",
        Sex::X => "person.sex_x",
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
        async move { api::get::<Person>(&format!("/api/v1/people/{id}")).await }
    });
    let cases = LocalResource::new(move || {
        let id = id();
        async move { api::get::<CasePage>(&format!("/api/v1/cases?person_id={id}&limit=200")).await }
    });
    let action_err = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<&'static str>);
    let export = move |_| {
        let id = id();
        spawn_local(async move {
            match api::get::<serde_json::Value>(&format!("/api/v1/people/{id}/export")).await {
                Ok(v) => {
                    download(
                        &format!("lumit-persona-{id}.json"),
                        "application/json",
                        &serde_json::to_string_pretty(&v).unwrap_or_default(),
                    );
                    action_err.set(None);
                    done.set(Some("person.exported"));
                }
                Err(e) => action_err.set(Some(e)),
            }
        });
    };
    let anonymise = move |_| {
        let ok = web_sys::window()
            .and_then(|w| w.confirm_with_message(i.t("person.anonymise_confirm")).ok())
            .unwrap_or(false);
        if !ok {
            return;
        }
        let id = id();
        spawn_local(async move {
            match api::post::<_, Person>(
                &format!("/api/v1/people/{id}/anonymise"),
                &serde_json::json!({}),
            )
            .await
            {
                Ok(_) => {
                    action_err.set(None);
                    done.set(Some("person.anonymised"));
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
                Err(e) => view! { <h1 tabindex="-1">{move || i.t("person.title")}</h1><ErrorView error=e retry=Callback::new(move |_| person.refetch()) /> }.into_any(),
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
                            <div><dt>{move || i.t("person.sex")}</dt><dd>{move || i.t(sex_key(sex))}</dd></div>
                            <div><dt>{move || i.t("person.birth")}</dt><dd>{dash(birth)}</dd></div>
                            <div><dt>{move || i.t("person.citizenship")}</dt><dd>{move || country_label(i.lang.get(), citizenship.as_deref())}</dd></div>
                            <div><dt>{move || i.t("person.country_of_birth")}</dt><dd>{move || country_label(i.lang.get(), born_in.as_deref())}</dd></div>
                            <div><dt>{move || i.t("person.languages")}</dt><dd>{move || languages_label(i.lang.get(), &languages)}</dd></div>
                            {(!p.identity_only).then(|| view! {
                                <div><dt>{move || i.t("person.phone")}</dt><dd>{dash(p.phone.clone())}</dd></div>
                                <div><dt>{move || i.t("person.email")}</dt><dd>{dash(p.email.clone())}</dd></div>
                                <div><dt>{move || i.t("person.tax_code")}</dt><dd>{dash(p.tax_code.clone())}</dd></div>
                                <div><dt>{move || i.t("person.permit")}</dt><dd>{dash(p.permit_type.clone())} " " {p.permit_number.clone().unwrap_or_default()}</dd></div>
                                <div><dt>{move || i.t("person.permit_expiry")}</dt><dd data-testid="permit-expiry">{dash(expiry)}</dd></div>
                                <div><dt>{move || i.t("person.notes")}</dt><dd>{dash(p.notes.clone())}</dd></div>
                            })}
                        </dl>
                        {p.identity_only.then(|| view! { <p class="alert" role="note">{move || i.t("person.identity_only")}</p> })}
                    }.into_any()
                }
            })}
        </Transition>
        <section aria-labelledby="person-cases">
            <h2 id="person-cases">{move || i.t("cases.title")}</h2>
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
                <h2 id="person-rights">{move || i.t("person.rights")}</h2>
                <FormStatus error=action_msg />
                <p role="status">{move || done.get().map(|k| i.t(k))}</p>
                <div class="actions">
                    <button type="button" class="btn" on:click=export>{move || i.t("person.export")}</button>
                    <Show when=move || session.is(&[Role::Admin])>
                        <button type="button" class="btn btn-danger" on:click=anonymise>{move || i.t("person.anonymise")}</button>
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
    let all = LocalResource::new(|| async {
        api::get::<Page<Municipality>>("/api/v1/municipalities?limit=200").await
    });
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
            match api::post::<_, PersonLink>(&format!("/api/v1/people/{id}/links"), &body).await {
                Ok(_) => {
                    err.set(None);
                    reason.set(String::new());
                    ok.set(Some(i.t("person.linked").to_owned()));
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
            <h2 id="person-link">{move || i.t("person.link")}</h2>
            <p>{move || i.t("person.link_hint")}</p>
            <form class="form" novalidate on:submit=submit>
                <FormStatus error=form_error ok=ok />
                <SelectField id="link_municipality" label="person.link_municipality" value=municipality options=options error=field_error(err, "municipality_id") required=true />
                <TextField id="link_reason" label="person.link_reason" value=reason error=field_error(err, "reason") required=true />
                <button type="submit" class="btn">{move || i.t("person.link_submit")}</button>
            </form>
        </section>
    }
}

/// The words for an access-log action; an unknown one is shown as it is.
fn access_key(action: &str) -> Option<&'static str> {
    Some(match action {
        "person.read" => "access.person.read",
        "case.read" => "access.case.read",
        "person.export" => "access.person.export",
        "person.link" => "access.person.link",
        "person.list" => "access.person.list",
        "case.list" => "access.case.list",
        "case.timeline" => "access.case.timeline",
        "case.referrals" => "access.case.referrals",
        "deadline.list" => "access.deadline.list",
        "request.list" => "access.request.list",
        "request.read" => "access.request.read",
        "request.history" => "access.request.history",
        "person.duplicate_check" => "access.person.duplicate_check",
        _ => return None,
    })
}

/// Who read the record (or showed her on a page), newest first.
#[component]
fn AccessLog(id: Signal<String>) -> impl IntoView {
    let i = use_i18n();
    let log = LocalResource::new(move || {
        let id = id.get();
        async move {
            api::get::<Page<AccessEntry>>(&format!("/api/v1/people/{id}/access-log?limit=100"))
                .await
        }
    });
    view! {
        <section aria-labelledby="access-log">
            <h2 id="access-log">{move || i.t("person.access_log")}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || log.get().map(|r| match r {
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <Empty /> }.into_any(),
                    Ok(page) => view! {
                        <table class="table">
                            <caption class="visually-hidden">{move || i.t("person.access_log")}</caption>
                            <thead><tr>
                                <th scope="col">{move || i.t("audit.when")}</th>
                                <th scope="col">{move || i.t("audit.who")}</th>
                                <th scope="col">{move || i.t("audit.action")}</th>
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
