//! One service request: its details, the steps each role may take from its status (approve,
//! reject, assign from the ranked suggestions, confirm, decline, complete, cancel), and its history.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lumit_shared::mediation::{hours, RequestKind, RequestStatus, RequestStep, ServiceRequest};
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{Empty, ErrorView, Loading};
use crate::guard::RoleGate;
use crate::i18n::{fmt_datetime, use_i18n};
use crate::pages::requests::{
    fmt_date, fmt_local, job_outcome_key, kind_key, languages_of, setting_key, status_key,
    urgency_key, StatusBadge, COORDINATION,
};
use crate::session::use_session;

mod actions;
mod assignment;

pub use actions::*;
pub use assignment::*;

/// Everything the page shows, loaded together.
#[derive(Clone)]
struct RequestData {
    request: ServiceRequest,
    history: Vec<RequestStep>,
    /// The mediator record of the person logged in, if they are a mediator.
    me_mediator: Option<String>,
}

async fn load(id: String, mediator: bool) -> Result<RequestData, ApiError> {
    let request: ServiceRequest = api::requests::get(&id).await?;
    let history: Vec<RequestStep> = api::requests::history(&id).await.unwrap_or_default();
    let me_mediator = if mediator {
        api::me::mediator().await.ok().map(|m| m.id)
    } else {
        None
    };
    Ok(RequestData {
        request,
        history,
        me_mediator,
    })
}

/// The request page.
#[component]
pub fn Detail() -> impl IntoView {
    view! {
        <RoleGate roles=&[Role::Admin, Role::Coordinator, Role::Operator, Role::MunicipalOfficer, Role::Mediator]>
            <RequestDetail />
        </RoleGate>
    }
}

#[component]
fn RequestDetail() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let mediator = s.is(&[Role::Mediator]);
    // Read once, here: inside the view below it would subscribe the view to the session, which
    // then re-ran on logout after the page's resources were gone (a panic).
    let coord = s.is(COORDINATION);
    let data = LocalResource::new(move || load(id(), mediator));
    let reload = Callback::new(move |_| data.refetch());
    // A step re-renders the page; the new status is announced from outside it.
    // Keyed by request, so following a link to another request announces nothing; after a step,
    // focus goes back to the heading (the button pressed is gone with the old status).
    let changed = RwSignal::new(None::<RequestStatus>);
    Effect::new(move |prev: Option<Option<(String, RequestStatus)>>| {
        let now = data.with(|d| {
            d.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|d| (d.request.id.clone(), d.request.status))
        });
        if let (Some(Some((before_id, before))), Some((after_id, after))) = (&prev, &now) {
            if before_id == after_id && before != after {
                changed.set(Some(*after));
                crate::guard::focus_heading();
            }
        }
        now.or(prev.flatten())
    });
    view! {
        <p class="visually-hidden" role="status" aria-live="polite">
            {move || changed.get().map(|st| format!("{}: {}", i.t(k!("req.status_now")), i.t(status_key(st))))}
        </p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <h1 tabindex="-1">{move || i.t(k!("req.title"))}</h1><ErrorView error=e retry=reload /> }.into_any(),
                Ok(d) => {
                    let r = d.request.clone();
                    let show_suggestions = r.status == RequestStatus::Approved && coord;
                    view! {
                        <h1 tabindex="-1">{move || i.t(k!("req.request"))} " " {r.reference.clone()}</h1>
                        <Facts r=r.clone() />
                        <Actions r=r.clone() me_mediator=d.me_mediator.clone() reload=reload />
                        {show_suggestions.then(|| view! { <Suggestions r=r.clone() reload=reload /> })}
                        <History steps=d.history.clone() />
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// The request's details.
#[component]
fn Facts(r: ServiceRequest) -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let dash = |v: Option<String>| v.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into());
    let translation = r.kind == RequestKind::Translation;
    let (r1, r2) = (r.clone(), r.clone());
    let mediator_link = r.mediator_id.clone().zip(r.mediator_name.clone());
    let coord = s.is(COORDINATION);
    let created = r.created_at;
    view! {
        <dl class="facts">
            <div><dt>{move || i.t(k!("req.status"))}</dt><dd data-testid="request-status"><StatusBadge status=r.status /></dd></div>
            <div><dt>{move || i.t(k!("req.kind"))}</dt><dd>{move || i.t(kind_key(r.kind))}</dd></div>
            <div><dt>{move || i.t(k!("req.urgency"))}</dt><dd>{move || i.t(urgency_key(r.urgency))}</dd></div>
            <div><dt>{move || i.t(k!("req.municipality"))}</dt><dd>{r.municipality_name.clone()}</dd></div>
            <div><dt>{move || i.t(k!("req.office"))}</dt><dd>{r.office.clone()}</dd></div>
            <div><dt>{move || i.t(k!("req.contact_name"))}</dt><dd>{r.contact_name.clone()}</dd></div>
            <div><dt>{move || i.t(k!("req.contact_email"))}</dt><dd>{dash(r.contact_email.clone())}</dd></div>
            <div><dt>{move || i.t(k!("req.contact_phone"))}</dt><dd>{dash(r.contact_phone.clone())}</dd></div>
            <div><dt>{move || i.t(k!("req.language"))}</dt><dd>{move || languages_of(i.lang.get(), &r1)}</dd></div>
            {if translation { view! {
                <div><dt>{move || i.t(k!("req.document_type"))}</dt><dd>{dash(r.document_type.clone())}</dd></div>
                <div><dt>{move || i.t(k!("req.pages"))}</dt><dd>{dash(r.pages.map(|n| n.to_string()))}</dd></div>
                <div><dt>{move || i.t(k!("req.words"))}</dt><dd>{dash(r.words.map(|n| n.to_string()))}</dd></div>
                <div><dt>{move || i.t(k!("req.due_date"))}</dt><dd>{dash(r.due_date.map(fmt_date))}</dd></div>
                <div><dt>{move || i.t(k!("req.sworn_short"))}</dt><dd>{move || i.t(if r2.sworn { k!("app.yes") } else { k!("app.no") })}</dd></div>
            }.into_any() } else { view! {
                <div><dt>{move || i.t(k!("req.starts_at"))}</dt><dd data-testid="request-start">{dash(r.starts_at.map(fmt_local))}</dd></div>
                <div><dt>{move || i.t(k!("req.duration"))}</dt><dd>{dash(r.duration_minutes.map(|m| format!("{m} min")))}</dd></div>
                <div><dt>{move || i.t(k!("req.place"))}</dt><dd>{move || if r2.remote { i.t(k!("req.remote_short")).to_owned() } else { dash(r2.address.clone()) }}</dd></div>
                <div><dt>{move || i.t(k!("req.setting"))}</dt><dd>{move || r.setting.map(|x| i.t(setting_key(x))).unwrap_or("—")}</dd></div>
                <div><dt>{move || i.t(k!("req.participants"))}</dt><dd>{dash(r.participants.map(|n| n.to_string()))}</dd></div>
            }.into_any() }}
            <div><dt>{move || i.t(k!("req.purpose"))}</dt><dd>{r.purpose.clone()}</dd></div>
            <div><dt>{move || i.t(k!("req.mediator"))}</dt><dd data-testid="request-mediator">{match mediator_link {
                Some((id, name)) if coord => view! { <A href=format!("/mediators/{id}")>{name}</A> }.into_any(),
                Some((_, name)) => view! { <span>{name}</span> }.into_any(),
                None => view! { <span>"—"</span> }.into_any(),
            }}</dd></div>
            {r.case_id.clone().map(|c| view! { <div><dt>{move || i.t(k!("req.case"))}</dt><dd><A href=format!("/cases/{c}")>{move || i.t(k!("req.open_case"))}</A></dd></div> })}
            {r.attachments.clone().filter(|a| !a.is_empty()).map(|a| view! { <div><dt>{move || i.t(k!("req.attachments"))}</dt><dd>{a}</dd></div> })}
            {r.reason.clone().map(|x| view! { <div><dt>{move || i.t(k!("req.reason"))}</dt><dd>{x}</dd></div> })}
            {r.actual_minutes.map(|m| view! { <div><dt>{move || i.t(k!("req.actual_minutes"))}</dt><dd>{format!("{m} min ({})", hours(m.into()))}</dd></div> })}
            {r.actual_start.map(|t| view! { <div><dt>{move || i.t(k!("req.actual_start"))}</dt><dd>{fmt_local(t)}</dd></div> })}
            {r.outcome.map(|o| view! { <div><dt>{move || i.t(k!("req.outcome"))}</dt><dd>{move || i.t(job_outcome_key(o))}</dd></div> })}
            {r.completion_notes.clone().map(|x| view! { <div><dt>{move || i.t(k!("req.notes"))}</dt><dd>{x}</dd></div> })}
            {r.cancel_reason.clone().map(|x| view! { <div><dt>{move || i.t(k!("req.cancel_reason"))}</dt><dd>{x}</dd></div> })}
            {r.cancelled_late.then(|| view! { <div><dt>{move || i.t(k!("req.late"))}</dt><dd><span class="badge badge-danger">{move || i.t(k!("req.late_cancellation"))}</span></dd></div> })}
            <div><dt>{move || i.t(k!("req.created"))}</dt><dd>{move || fmt_datetime(i.lang.get(), &created)}</dd></div>
        </dl>
    }
}

/// The request's steps, oldest first.
#[component]
fn History(steps: Vec<RequestStep>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <section aria-labelledby="history-title">
            <h2 id="history-title">{move || i.t(k!("req.history"))}</h2>
            {if steps.is_empty() { view! { <Empty /> }.into_any() } else { view! {
                <ol class="timeline">
                    {steps.into_iter().map(|st| {
                        let at = st.at;
                        let (from, to) = (st.from, st.to);
                        view! {
                            <li>
                                <p>
                                    <strong>{move || from.map(|f| format!("{} → {}", i.t(status_key(f)), i.t(status_key(to)))).unwrap_or_else(|| i.t(status_key(to)).to_owned())}</strong>
                                    " · " {move || fmt_datetime(i.lang.get(), &at)}
                                    {(!st.actor_name.is_empty()).then(|| format!(" · {}", st.actor_name))}
                                    {st.late.then(|| view! { " " <span class="badge badge-danger">{move || i.t(k!("req.late_cancellation"))}</span> })}
                                </p>
                                {st.mediator_name.clone().map(|m| view! { <p>{move || i.t(k!("req.mediator"))} ": " {m}</p> })}
                                {st.note.clone().filter(|n| !n.is_empty()).map(|n| view! { <p class="muted">{n}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any() }}
        </section>
    }
}
