//! The home page: a welcome and the numbers at a glance.

use leptos::prelude::*;

use crate::api;
use crate::components::{ErrorView, Loading};
use crate::i18n::{fmt_int, use_i18n};
use crate::pages::dashboard::DashboardPanel;
use crate::pages::worklist::Worklist;
use crate::session::use_session;
use lumit_shared::permission::Action;
use lumit_shared::user::Role;

/// Welcome with counts.
#[component]
pub fn Home() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let summary = LocalResource::new(api::summary::get);
    let card = move |key: crate::i18n::Key, n: i64| {
        view! {
            <div class="stat">
                <p class="stat-value">{move || fmt_int(i.lang.get(), n)}</p>
                <p class="stat-label">{move || i.t(key)}</p>
            </div>
        }
    };
    view! {
        <h1 tabindex="-1">{move || i.t(k!("home.title"))} {move || s.user.with(|u| u.as_ref().map(|u| format!(", {}", u.full_name)))}</h1>
        <p class="lead">{move || i.t(k!("home.intro"))}</p>
        <Show when=move || s.role().is_some_and(|r| Action::ReadDashboard.allowed_for(r))>
            <DashboardPanel />
        </Show>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || summary.get().map(|r| match r {
                Ok(sum) => view! {
                    <div class="stats">
                        {card(k!("home.municipalities"), sum.municipalities)}
                        {card(k!("home.desks"), sum.desks)}
                        {sum.users.map(|n| card(k!("home.users"), n))}
                    </div>
                }.into_any(),
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| summary.refetch()) /> }.into_any(),
            })}
        </Suspense>
        <Show when=move || s.is(&[Role::Admin, Role::Coordinator, Role::Operator])>
            <Worklist />
        </Show>
    }
}
