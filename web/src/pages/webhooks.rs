//! Webhooks, for admins: the URLs partner systems receive events at (signing secret shown once,
//! rotation, pause, removal) and each one's delivery log, with sending a delivery again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::user::Role;
use lumit_shared::webhook::{
    DeliveryStatus, NewWebhook, Webhook, WebhookDelivery, WebhookEventType, WebhookPatch,
};

use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, CheckField, Empty, ErrorView, FormStatus, Loading, MoreButton,
    Paged, SecretOnce, SelectField, TextField,
};
use crate::guard::RoleGate;
use crate::i18n::{fmt_datetime, text, use_i18n, Key};
use crate::pages::municipalities::confirm;

fn event_key(t: WebhookEventType) -> Key {
    match t {
        WebhookEventType::CaseCreated => k!("wh.ev.case_created"),
        WebhookEventType::CaseStatusChanged => k!("wh.ev.case_status_changed"),
        WebhookEventType::RequestSubmitted => k!("wh.ev.request_submitted"),
        WebhookEventType::RequestApproved => k!("wh.ev.request_approved"),
        WebhookEventType::RequestAssigned => k!("wh.ev.request_assigned"),
        WebhookEventType::RequestConfirmed => k!("wh.ev.request_confirmed"),
        WebhookEventType::RequestCompleted => k!("wh.ev.request_completed"),
        WebhookEventType::RequestCancelled => k!("wh.ev.request_cancelled"),
        WebhookEventType::PersonAnonymised => k!("wh.ev.person_anonymised"),
        WebhookEventType::TrainingCourseCreated => k!("wh.ev.course_created"),
        WebhookEventType::TrainingSessionScheduled => k!("wh.ev.session_scheduled"),
        WebhookEventType::TrainingCertificatesIssued => k!("wh.ev.certificates_issued"),
        WebhookEventType::ReportFrozen => k!("wh.ev.report_frozen"),
    }
}

fn status_key(s: DeliveryStatus) -> Key {
    match s {
        DeliveryStatus::Pending => k!("wh.pending"),
        DeliveryStatus::Delivering => k!("wh.delivering"),
        DeliveryStatus::Succeeded => k!("wh.succeeded"),
        DeliveryStatus::Failed => k!("wh.failed"),
    }
}

/// The webhooks page (admin).
#[component]
pub fn Page() -> impl IntoView {
    view! { <RoleGate roles=&[Role::Admin]><Webhooks /></RoleGate> }
}

#[component]
fn Webhooks() -> impl IntoView {
    let i = use_i18n();
    let list = LocalResource::new(api::webhooks::list);
    // The subscription whose delivery log is open.
    let open = RwSignal::new(None::<Webhook>);
    // A secret to show once: after a creation or a rotation.
    let secret = RwSignal::new(None::<(String, String)>);
    let action_err = RwSignal::new(None::<String>);
    let act = move |w: Webhook, what: &'static str| {
        let lang = i.lang.get_untracked();
        let question = match what {
            "delete" => Some(k!("wh.confirm_delete")),
            "rotate" => Some(k!("wh.confirm_rotate")),
            _ => None,
        };
        if question.is_some_and(|q| !confirm(text(lang, q))) {
            return;
        }
        spawn_local(async move {
            let done = match what {
                "delete" => api::webhooks::delete(&w.id).await.map(|()| None),
                "rotate" => api::webhooks::rotate_secret(&w.id).await.map(Some),
                _ => {
                    let patch = WebhookPatch {
                        enabled: Some(!w.enabled),
                        ..WebhookPatch::default()
                    };
                    api::webhooks::update(&w.id, &patch).await.map(|_| None)
                }
            };
            match done {
                Ok(rotated) => {
                    action_err.set(None);
                    if let Some(s) = rotated.and_then(|r| r.secret.map(|s| (r.url, s))) {
                        secret.set(Some(s));
                    }
                    if what == "delete"
                        && open.with_untracked(|o| o.as_ref().is_some_and(|o| o.id == w.id))
                    {
                        open.set(None);
                    }
                    list.refetch();
                }
                Err(e) => action_err.set(Some(error_message(lang, &e))),
            }
        });
    };
    view! {
        <h1 tabindex="-1">{move || i.t(k!("wh.title"))}</h1>
        <p>{move || i.t(k!("wh.intro"))}</p>
        <FormStatus error=Signal::derive(move || action_err.get()) />
        {move || secret.get().map(|(url, s)| view! {
            <p>{move || i.t(k!("wh.secret_for"))} " " <code>{url.clone()}</code></p>
            <SecretOnce label=Signal::derive(move || i.t(k!("wh.secret_once")).to_owned()) value=s />
        })}
        <Suspense fallback=|| view! { <Loading /> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| list.refetch()) /> }.into_any(),
                Ok(page) if page.items.is_empty() => view! { <Empty /> }.into_any(),
                Ok(page) => view! {
                    <table class="table">
                        <caption class="visually-hidden">{move || i.t(k!("wh.title"))}</caption>
                        <thead><tr>
                            <th scope="col">{move || i.t(k!("wh.url"))}</th>
                            <th scope="col">{move || i.t(k!("wh.events"))}</th>
                            <th scope="col">{move || i.t(k!("wh.state"))}</th>
                            <th scope="col"><span class="visually-hidden">{move || i.t(k!("tr.actions"))}</span></th>
                        </tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|w| {
                                let (a, b, c, d) = (w.clone(), w.clone(), w.clone(), w.clone());
                                let name = w.description.clone().unwrap_or_else(|| w.url.clone());
                                let (n1, n2, n3, n4) = (name.clone(), name.clone(), name.clone(), name);
                                let enabled = w.enabled;
                                let reason = w.disabled_reason.clone();
                                view! {
                                    <tr>
                                        <td><code>{w.url.clone()}</code>{w.description.clone().map(|d| view! { <br /><span class="muted">{d}</span> })}</td>
                                        <td>{w.event_types.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")}</td>
                                        <td>{move || if enabled {
                                            i.t(k!("wh.active")).to_owned()
                                        } else {
                                            let why = if reason.as_deref() == Some("gone") { format!(" ({})", i.t(k!("wh.gone"))) } else { String::new() };
                                            format!("{}{why}", i.t(k!("wh.paused")))
                                        }}</td>
                                        <td class="actions">
                                            <button type="button" class="btn btn-ghost" on:click=move |_| open.set(Some(a.clone()))
                                                aria-label=move || format!("{}: {n1}", i.t(k!("wh.log")))>{move || i.t(k!("wh.log"))}</button>
                                            <button type="button" class="btn btn-ghost" on:click=move |_| act(b.clone(), "toggle")
                                                aria-label=move || format!("{}: {n2}", i.t(if enabled { k!("wh.pause") } else { k!("wh.resume") }))>
                                                {move || i.t(if enabled { k!("wh.pause") } else { k!("wh.resume") })}</button>
                                            <button type="button" class="btn btn-ghost" on:click=move |_| act(c.clone(), "rotate")
                                                aria-label=move || format!("{}: {n3}", i.t(k!("wh.rotate")))>{move || i.t(k!("wh.rotate"))}</button>
                                            <button type="button" class="btn btn-ghost" on:click=move |_| act(d.clone(), "delete")
                                                aria-label=move || format!("{}: {n4}", i.t(k!("wh.delete")))>{move || i.t(k!("wh.delete"))}</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Suspense>
        {move || open.get().map(|w| view! { <Deliveries webhook=w /> })}
        <NewSubscription created=Callback::new(move |w: Webhook| {
            if let Some(s) = w.secret.clone() {
                secret.set(Some((w.url.clone(), s)));
            }
            list.refetch();
        }) />
    }
}

/// The form that subscribes a URL.
#[component]
fn NewSubscription(created: Callback<Webhook>) -> impl IntoView {
    let i = use_i18n();
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let events: Vec<(WebhookEventType, RwSignal<bool>)> = WebhookEventType::ALL
        .iter()
        .map(|(t, _)| (*t, RwSignal::new(false)))
        .collect();
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let chosen = {
        let events = events.clone();
        move || {
            events
                .iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(t, _)| *t)
                .collect::<Vec<_>>()
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let d = description.get_untracked();
        let body = NewWebhook {
            url: url.get_untracked(),
            description: (!d.trim().is_empty()).then_some(d),
            event_types: chosen(),
        };
        spawn_local(async move {
            match api::webhooks::create(&body).await {
                Ok(w) => {
                    err.set(None);
                    url.set(String::new());
                    description.set(String::new());
                    created.run(w);
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    let events_error = field_error(err, "event_types");
    view! {
        <h2>{move || i.t(k!("wh.new"))}</h2>
        <form class="form" on:submit=submit novalidate>
            <FormStatus error=form_error />
            <TextField id="webhook_url" label=k!("wh.url") value=url error=field_error(err, "url") required=true />
            <TextField id="webhook_description" label=k!("wh.description") value=description error=field_error(err, "description") />
            <fieldset class="checks" aria-describedby="events-error">
                <legend>{move || i.t(k!("wh.events"))}</legend>
                {events.iter().map(|(t, on)| {
                    let t = *t;
                    view! { <CheckField id=format!("event-{}", t.as_str().replace('.', "-"))
                        label=Signal::derive(move || format!("{} — {}", t.as_str(), i.t(event_key(t)))) checked=*on /> }
                }).collect_view()}
                <p class="error" id="events-error" role="alert">{move || events_error.get()}</p>
            </fieldset>
            <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || i.t(k!("wh.new"))}</button>
        </form>
    }
}

/// One subscription's delivery log: newest first, by state, with sending one again.
#[component]
fn Deliveries(webhook: Webhook) -> impl IntoView {
    let i = use_i18n();
    // Kept in a stored value, so that the closures below stay `Copy`.
    let id = StoredValue::new(webhook.id.clone());
    let status = RwSignal::new(String::new());
    let changed = RwSignal::new(0u32);
    let (list, load) = Paged::<WebhookDelivery>::by_status(
        move || api::webhooks::deliveries(&id.get_value()),
        status,
        changed,
    );
    let (items, loading, error) = (list.items, list.loading, list.error);
    let err = RwSignal::new(None::<ApiError>);
    let redeliver = move |delivery: String| {
        spawn_local(async move {
            match api::webhooks::redeliver(&id.get_value(), &delivery).await {
                Ok(_) => {
                    err.set(None);
                    changed.update(|n| *n += 1);
                }
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let states = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, k!("app.all")).to_owned())];
        v.extend(
            DeliveryStatus::ALL
                .into_iter()
                .map(|s| (s.as_str().to_owned(), text(lang, status_key(s)).to_owned())),
        );
        v
    });
    view! {
        <section aria-labelledby="deliveries-title">
            <h2 id="deliveries-title">{move || i.t(k!("wh.log"))} ": " <code>{webhook.url.clone()}</code></h2>
            <div class="filters">
                <SelectField id="delivery-status" label=k!("wh.state") value=status options=states />
            </div>
            {move || err.get().map(|e| view! { <p class="alert alert-error" role="alert">{error_message(i.lang.get(), &e)}</p> })}
            {move || error.get().map(|e| view! { <ErrorView error=e retry=Callback::new(move |_| load(true)) /> })}
            <Show when=move || !items.with(Vec::is_empty) fallback=move || view! { <Show when=move || !loading.get() fallback=|| view! { <Loading /> }><Empty /></Show> }>
                <table class="table">
                    <caption class="visually-hidden">{move || i.t(k!("wh.log"))}</caption>
                    <thead><tr>
                        <th scope="col">{move || i.t(k!("wh.emitted"))}</th>
                        <th scope="col">{move || i.t(k!("wh.event"))}</th>
                        <th scope="col">{move || i.t(k!("wh.state"))}</th>
                        <th scope="col" class="num">{move || i.t(k!("wh.attempts"))}</th>
                        <th scope="col" class="num">{move || i.t(k!("wh.response"))}</th>
                        <th scope="col" class="num">{move || i.t(k!("wh.latency"))}</th>
                        <th scope="col">{move || i.t(k!("wh.last_error"))}</th>
                        <th scope="col"><span class="visually-hidden">{move || i.t(k!("tr.actions"))}</span></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || items.get() key=|d| (d.id.clone(), d.status.as_str(), d.attempts) let:d>
                            <tr>
                                <td>{move || fmt_datetime(i.lang.get(), &d.created_at)}</td>
                                <td><code>{d.event_type.as_str()}</code> " " <span class="muted">{d.resource_id.clone()}</span></td>
                                <td>{move || i.t(status_key(d.status))}{move || d.delivered_at.map(|t| format!(" · {}", fmt_datetime(i.lang.get(), &t)))}{move || d.next_attempt_at.filter(|_| d.status == DeliveryStatus::Pending).map(|t| format!(" · {} {}", i.t(k!("wh.next")), fmt_datetime(i.lang.get(), &t)))}</td>
                                <td class="num">{d.attempts}</td>
                                <td class="num">{d.last_response_code.map(|c| c.to_string()).unwrap_or_default()}</td>
                                <td class="num">{d.last_latency_ms.map(|ms| format!("{ms} ms")).unwrap_or_default()}</td>
                                <td>{d.last_error.clone().unwrap_or_default()}</td>
                                <td>{(d.status != DeliveryStatus::Delivering).then(|| {
                                    let delivery = d.id.clone();
                                    let event = d.event_type.as_str();
                                    view! {
                                        <button type="button" class="btn btn-ghost" aria-label=move || format!("{}: {event}", i.t(k!("wh.redeliver")))
                                            on:click=move |_| redeliver(delivery.clone())>{move || i.t(k!("wh.redeliver"))}</button>
                                    }
                                })}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
            <MoreButton more=Signal::derive(move || list.has_more()) loading=loading on_more=Callback::new(move |_| load(false)) />
        </section>
    }
}
