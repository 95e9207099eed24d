//! The outbox, for admins: whether a mail server is configured, what waits, what went, what
//! failed (with the reason), and sending a failed message again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::outbox::{OutboxMessage, OutboxStatus};
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{error_message, Empty, ErrorView, Loading, MoreButton, Paged, SelectField};
use crate::guard::RoleGate;
use crate::i18n::{fmt_datetime, fmt_int, text, use_i18n};

fn status_key(s: OutboxStatus) -> crate::i18n::Key {
    match s {
        OutboxStatus::Pending => k!("outbox.pending"),
        OutboxStatus::Sent => k!("outbox.sent"),
        OutboxStatus::Failed => k!("outbox.failed"),
    }
}

/// The outbox page.
#[component]
pub fn Page() -> impl IntoView {
    view! { <RoleGate roles=&[Role::Admin]><Outbox /></RoleGate> }
}

#[component]
fn Outbox() -> impl IntoView {
    let i = use_i18n();
    let status = RwSignal::new(String::new());
    let changed = RwSignal::new(0u32);
    let summary = LocalResource::new(move || {
        changed.track();
        api::outbox::summary()
    });
    let (list, load) = Paged::<OutboxMessage>::by_status(api::outbox::search, status, changed);
    let (items, loading, error) = (list.items, list.loading, list.error);
    let err = RwSignal::new(None::<ApiError>);
    let retry = move |id: String| {
        spawn_local(async move {
            match api::outbox::retry(&id).await {
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
            [
                OutboxStatus::Pending,
                OutboxStatus::Failed,
                OutboxStatus::Sent,
            ]
            .into_iter()
            .map(|s| (s.as_str().to_owned(), text(lang, status_key(s)).to_owned())),
        );
        v
    });
    view! {
        <h1 tabindex="-1">{move || i.t(k!("outbox.title"))}</h1>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || summary.get().map(|r| match r {
                Ok(s) => view! {
                    {(!s.smtp_configured).then(|| view! { <p class="alert alert-error" role="status">{move || i.t(k!("outbox.no_smtp"))}</p> })}
                    <div class="stats">
                        <div class="stat"><p class="stat-value">{move || fmt_int(i.lang.get(), s.pending)}</p><p class="stat-label">{move || i.t(k!("outbox.pending"))}</p></div>
                        <div class="stat"><p class="stat-value">{move || fmt_int(i.lang.get(), s.failed)}</p><p class="stat-label">{move || i.t(k!("outbox.failed"))}</p></div>
                        <div class="stat"><p class="stat-value">{move || fmt_int(i.lang.get(), s.sent)}</p><p class="stat-label">{move || i.t(k!("outbox.sent"))}</p></div>
                    </div>
                }.into_any(),
                Err(e) => view! { <ErrorView error=e /> }.into_any(),
            })}
        </Suspense>
        <div class="filters">
            <SelectField id="outbox-status" label=k!("outbox.status") value=status options=states />
        </div>
        {move || err.get().map(|e| view! { <p class="alert alert-error" role="alert">{error_message(i.lang.get(), &e)}</p> })}
        {move || error.get().map(|e| view! { <ErrorView error=e retry=Callback::new(move |_| load(true)) /> })}
        <Show when=move || !items.with(Vec::is_empty) fallback=move || view! { <Show when=move || !loading.get() fallback=|| view! { <Loading /> }><Empty /></Show> }>
            <table class="table">
                <caption class="visually-hidden">{move || i.t(k!("outbox.title"))}</caption>
                <thead><tr>
                    <th scope="col">{move || i.t(k!("outbox.written"))}</th>
                    <th scope="col">{move || i.t(k!("outbox.recipient"))}</th>
                    <th scope="col">{move || i.t(k!("outbox.subject"))}</th>
                    <th scope="col">{move || i.t(k!("outbox.status"))}</th>
                    <th scope="col" class="num">{move || i.t(k!("outbox.attempts"))}</th>
                    <th scope="col">{move || i.t(k!("outbox.last_error"))}</th>
                    <th scope="col"><span class="visually-hidden">{move || i.t(k!("tr.actions"))}</span></th>
                </tr></thead>
                <tbody>
                    <For each=move || items.get() key=|m| (m.id.clone(), m.status.as_str(), m.attempts) let:m>
                        <tr>
                            <td>{move || fmt_datetime(i.lang.get(), &m.created_at.and_utc())}</td>
                            <td>{m.recipient.clone()}</td>
                            <td>{m.subject.clone()}</td>
                            <td>{move || i.t(status_key(m.status))}{move || m.sent_at.map(|t| format!(" · {}", fmt_datetime(i.lang.get(), &t.and_utc())))}</td>
                            <td class="num">{m.attempts}</td>
                            <td>{m.last_error.clone().unwrap_or_default()}</td>
                            <td>{(m.status != OutboxStatus::Sent && !m.recipient.is_empty()).then(|| {
                                let id = m.id.clone();
                                let subject = m.subject.clone();
                                view! {
                                    <button type="button" class="btn btn-ghost" aria-label=move || format!("{}: {subject}", i.t(k!("outbox.retry")))
                                        on:click=move |_| retry(id.clone())>{move || i.t(k!("outbox.retry"))}</button>
                                }
                            })}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </Show>
        <MoreButton more=Signal::derive(move || list.has_more()) loading=loading on_more=Callback::new(move |_| load(false)) />
    }
}
