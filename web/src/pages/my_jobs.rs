//! A mediator's own page: upcoming and past jobs, their availability, and the private calendar
//! link for their phone.

use chrono::Duration;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use lumit_shared::mediation::ServiceRequest;
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{error_message, Empty, ErrorView, FormStatus, Loading};
use crate::guard::RoleGate;
use crate::i18n::use_i18n;
use crate::pages::availability::AvailabilityEditor;
use crate::pages::requests::{job_day, today, JobLine};

/// How far back "past jobs" go.
const PAST_DAYS: i64 = 90;

/// The "my jobs" page.
#[component]
pub fn MyJobs() -> impl IntoView {
    view! { <RoleGate roles=&[Role::Mediator]><Jobs /></RoleGate> }
}

#[component]
fn Jobs() -> impl IntoView {
    let i = use_i18n();
    let me = LocalResource::new(api::me::mediator);
    let jobs = LocalResource::new(|| {
        let from = today() - Duration::days(PAST_DAYS);
        async move { api::me::assignments(from).await }
    });
    view! {
        <h1 tabindex="-1">{move || i.t(k!("my.title"))}</h1>
        <Transition fallback=|| view! { <Loading /> }>
            {move || jobs.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| jobs.refetch()) /> }.into_any(),
                Ok(list) => {
                    let t = today();
                    let (mut upcoming, mut past): (Vec<ServiceRequest>, Vec<ServiceRequest>) =
                        list.into_iter().partition(|r| job_day(r).is_none_or(|d| d >= t));
                    upcoming.sort_by_key(|r| (job_day(r), r.starts_at));
                    past.sort_by_key(|r| std::cmp::Reverse((job_day(r), r.starts_at)));
                    view! {
                        <section aria-labelledby="upcoming-title">
                            <h2 id="upcoming-title">{move || i.t(k!("my.upcoming"))} " " <span class="count">{format!("({})", upcoming.len())}</span></h2>
                            {if upcoming.is_empty() { view! { <Empty /> }.into_any() } else {
                                view! { <ul class="jobs">{upcoming.into_iter().map(|r| view! { <JobLine r=r /> }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                        <section aria-labelledby="past-title">
                            <h2 id="past-title">{move || i.t(k!("my.past"))}</h2>
                            {if past.is_empty() { view! { <Empty /> }.into_any() } else {
                                view! { <ul class="jobs">{past.into_iter().map(|r| view! { <JobLine r=r /> }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                    }.into_any()
                }
            })}
        </Transition>
        <Transition fallback=|| view! { <Loading /> }>
            {move || me.get().map(|r| match r {
                Err(e) if e.status() == Some(404) => view! {
                    <p class="alert alert-info" role="status">{move || i.t(k!("my.not_linked"))}</p>
                }.into_any(),
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| me.refetch()) /> }.into_any(),
                Ok(m) => view! {
                    <p><A href=format!("/mediators/{}/calendar", m.id)>{move || i.t(k!("my.week"))}</A></p>
                    <AvailabilityEditor mediator_id=m.id.clone() title=k!("my.availability") />
                    <CalendarLink />
                }.into_any(),
            })}
        </Transition>
    }
}

/// The private iCalendar address: made on request (a new one replaces the old), with copy.
#[component]
fn CalendarLink() -> impl IntoView {
    let i = use_i18n();
    let url = RwSignal::new(None::<String>);
    let err = RwSignal::new(None::<ApiError>);
    let copied = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let make = move |_| {
        if url.get_untracked().is_some() {
            let ok = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(i.t(k!("my.feed_replace_confirm")))
                        .ok()
                })
                .unwrap_or(false);
            if !ok {
                return;
            }
        }
        busy.set(true);
        copied.set(false);
        spawn_local(async move {
            match api::me::calendar_feed().await {
                Ok(f) => {
                    let origin = web_sys::window()
                        .and_then(|w| w.location().origin().ok())
                        .unwrap_or_default();
                    err.set(None);
                    url.set(Some(format!("{origin}{}", f.path)));
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let copy = move |_| {
        if let (Some(w), Some(u)) = (web_sys::window(), url.get_untracked()) {
            let _ = w.navigator().clipboard().write_text(&u);
            copied.set(true);
        }
    };
    let msg =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <section class="card" aria-labelledby="feed-title">
            <h2 id="feed-title">{move || i.t(k!("my.feed"))}</h2>
            <p>{move || i.t(k!("my.feed_intro"))}</p>
            <FormStatus error=msg />
            <button type="button" class="btn" disabled=move || busy.get() on:click=make>{move || i.t(k!("my.feed_make"))}</button>
            <Show when=move || url.with(Option::is_some)>
                <div class="field">
                    <label for="feed-url">{move || i.t(k!("my.feed_url"))}</label>
                    <input id="feed-url" type="text" readonly aria-describedby="feed-help"
                        prop:value=move || url.get().unwrap_or_default()
                        on:focus=move |ev| {
                            use wasm_bindgen::JsCast;
                            if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                el.select();
                            }
                        } />
                    <p class="hint" id="feed-help">{move || i.t(k!("my.feed_help"))}</p>
                </div>
                <button type="button" class="btn" on:click=copy>{move || i.t(k!("my.feed_copy"))}</button>
            </Show>
            <p role="status" aria-live="polite">{move || copied.get().then(|| i.t(k!("app.copied")))}</p>
        </section>
    }
}
