//! Choosing a mediator: the ranked suggestions, the others and why not, and the assignment.

use leptos::prelude::*;
use leptos_router::components::A;
use lumit_shared::mediation::{hours, RequestStatus, ServiceRequest, Suggestion};

use crate::api::{self, ApiError};
use crate::components::{CheckField, ErrorView, Loading, SelectField};
use crate::i18n::{text, use_i18n, Lang};
use crate::pages::requests::{level_key, rule_key};

use super::*;

/// The refusal of an assignment, in words: for a double booking, the job in the way.
pub(super) fn assign_message(lang: Lang, e: &ApiError) -> (String, Option<(String, String)>) {
    // A mediator who can't be chosen (wrong language, inactive): the field's own message.
    if let Some(f) = e.problem().and_then(|p| p.field_message("mediator_id")) {
        return (crate::components::field_text(lang, f), None);
    }
    let Some(p) = e.problem().filter(|p| p.code == "double_booked") else {
        return (step_message(lang, e), None);
    };
    let reference = p
        .extra
        .get("conflicting_reference")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let request_id = p
        .extra
        .get("conflicting_request_id")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let mut m = text(lang, k!("req.double_booked")).to_owned();
    if !p.detail.is_empty() {
        m.push(' ');
        m.push_str(&p.detail);
    }
    (m, reference.zip(request_id))
}

/// The ranked mediators for an approved request, each assignable in one click; the unavailable
/// ones on request, with the rules they fail; and a manual choice for the coordinator.
#[component]
pub(super) fn Suggestions(r: ServiceRequest, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let include_unavailable = RwSignal::new(false);
    let id = r.id.clone();
    let list = LocalResource::new({
        let id = id.clone();
        move || {
            let all = include_unavailable.get();
            let id = id.clone();
            async move { api::requests::suggestions(&id, all).await }
        }
    });
    let language = r.language.clone();
    // Only those who do this kind of job in every language it needs: the server refuses others.
    let (kind, target) = (r.kind, r.target_language.clone());
    let others = LocalResource::new(move || {
        let language = language.clone();
        async move { api::mediators::speaking(&language).await }
    });
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let assign = {
        let id = id.clone();
        move |mediator_id: String| {
            let mut body = to(RequestStatus::Assigned);
            body.mediator_id = Some(mediator_id);
            send_step(id.clone(), body, err, busy, reload);
        }
    };
    let manual = RwSignal::new(String::new());
    let manual_options = Signal::derive(move || {
        let mut v = vec![(String::new(), i.t(k!("app.choose")).to_owned())];
        v.extend(
            others
                .get()
                .and_then(|r| r.ok())
                .unwrap_or_default()
                .into_iter()
                .filter(|m| {
                    m.kind.does(kind)
                        && target
                            .as_ref()
                            .is_none_or(|t| m.languages.iter().any(|l| &l.language == t))
                })
                .map(|m| {
                    let name = match &m.organisation {
                        Some(o) => format!("{} ({o})", m.full_name),
                        None => m.full_name.clone(),
                    };
                    (m.id, name)
                }),
        );
        v
    });
    let manual_err = RwSignal::new(None::<String>);
    let assign_manual = {
        let assign = assign.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let m = manual.get_untracked();
            if m.is_empty() {
                manual_err.set(Some(i.t(k!("req.choose_mediator")).to_owned()));
                return;
            }
            manual_err.set(None);
            assign(m);
        }
    };
    let alert = move || {
        err.with(|e| {
            e.as_ref().map(|e| {
                let (msg, conflict) = assign_message(i.lang.get(), e);
                view! {
                    <div class="alert alert-error" data-testid="assign-error">
                        <p>{msg}</p>
                        {conflict.map(|(reference, rid)| view! {
                            <p>{move || i.t(k!("req.conflicting_job"))} ": " <A href=format!("/requests/{rid}")>{reference}</A></p>
                        })}
                    </div>
                }
            })
        })
    };
    view! {
        <section aria-labelledby="suggestions-title">
            <h2 id="suggestions-title">{move || i.t(k!("req.suggestions"))}</h2>
            // Always in the page, so that what appears in it is announced.
            <div role="alert">{alert}</div>
            <CheckField id="include_unavailable".to_owned() label=Signal::derive(move || i.t(k!("req.show_unavailable")).to_owned()) checked=include_unavailable />
            <Transition fallback=|| view! { <Loading /> }>
                {move || list.get().map(|res| match res {
                    Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| list.refetch()) /> }.into_any(),
                    Ok(all) => {
                        let (ranked, unavailable): (Vec<Suggestion>, Vec<Suggestion>) =
                            all.into_iter().partition(|s| s.failures.is_empty());
                        let assign = assign.clone();
                        view! {
                            {if ranked.is_empty() {
                                view! { <p class="alert alert-info" role="status">{move || i.t(k!("req.no_suggestions"))}</p> }.into_any()
                            } else { view! {
                                <table class="table">
                                    <caption>{move || i.t(k!("req.suggested"))}</caption>
                                    <thead><tr>
                                        <th scope="col">{move || i.t(k!("req.rank"))}</th>
                                        <th scope="col">{move || i.t(k!("med.name"))}</th>
                                        <th scope="col">{move || i.t(k!("med.organisation"))}</th>
                                        <th scope="col">{move || i.t(k!("med.level"))}</th>
                                        <th scope="col">{move || i.t(k!("req.hours_month"))}</th>
                                        <th scope="col">{move || i.t(k!("req.explanation"))}</th>
                                        <th scope="col"><span class="visually-hidden">{move || i.t(k!("req.actions"))}</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {ranked.into_iter().map(|sg| {
                                            let assign = assign.clone();
                                            let mid = sg.mediator_id.clone();
                                            let name = sg.full_name.clone();
                                            view! {
                                                <tr>
                                                    <td>{sg.rank.map(|n| n.to_string()).unwrap_or_default()}</td>
                                                    <th scope="row">{sg.full_name.clone()}</th>
                                                    <td>{sg.organisation.clone().unwrap_or_else(|| "—".into())}</td>
                                                    <td>{move || sg.level.map(|l| i.t(level_key(l))).unwrap_or("—")}</td>
                                                    <td>{hours(sg.minutes_this_month)}</td>
                                                    <td>{sg.explanation.clone()}</td>
                                                    <td>
                                                        <button type="button" class="btn btn-primary" disabled=move || busy.get()
                                                            aria-label=move || format!("{} {}", i.t(k!("req.assign_to")), name)
                                                            on:click=move |_| assign(mid.clone())>{move || i.t(k!("req.assign"))}</button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any() }}
                            {(!unavailable.is_empty()).then(|| view! { <Unavailable items=unavailable /> })}
                        }.into_any()
                    }
                })}
            </Transition>
            <form class="subform" novalidate on:submit=assign_manual aria-labelledby="manual-title">
                <h3 id="manual-title">{move || i.t(k!("req.manual_title"))}</h3>
                <p class="muted">{move || i.t(k!("req.manual_hint"))}</p>
                <SelectField id="manual_mediator" label=k!("req.mediator") value=manual options=manual_options error=Signal::derive(move || manual_err.get()) />
                <button type="submit" class="btn" disabled=move || busy.get()>{move || i.t(k!("req.assign_chosen"))}</button>
            </form>
        </section>
    }
}

/// The mediators who can't take the job, with the rules they fail.
#[component]
pub(super) fn Unavailable(items: Vec<Suggestion>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <table class="table">
            <caption>{move || i.t(k!("req.unavailable"))}</caption>
            <thead><tr>
                <th scope="col">{move || i.t(k!("med.name"))}</th>
                <th scope="col">{move || i.t(k!("med.organisation"))}</th>
                <th scope="col">{move || i.t(k!("req.hours_month"))}</th>
                <th scope="col">{move || i.t(k!("req.why_not"))}</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|sg| view! {
                    <tr>
                        <th scope="row">{sg.full_name.clone()}</th>
                        <td>{sg.organisation.clone().unwrap_or_else(|| "—".into())}</td>
                        <td>{hours(sg.minutes_this_month)}</td>
                        <td>
                            <ul class="plain-list">
                                {sg.failures.into_iter().map(|f| {
                                    let conflict = f.conflicting_request_id.clone().zip(f.conflicting_reference.clone());
                                    view! {
                                        <li>
                                            <strong>{move || i.t(rule_key(f.rule))}</strong> ": " {f.detail.clone()}
                                            {conflict.map(|(rid, reference)| view! { " (" <A href=format!("/requests/{rid}")>{reference}</A> ")" })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
