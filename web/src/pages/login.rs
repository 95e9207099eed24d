//! The login page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::{error_message, FormStatus, TextField};
use crate::i18n::use_i18n;
use crate::session::use_session;

/// Where to go after logging in: the page asked for, if it is one of ours.
fn target(next: Option<String>) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.starts_with("/login")
            && !n.starts_with("/password")
    })
    .unwrap_or_else(|| "/".into())
}

/// Username and password.
#[component]
pub fn Login() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    // Already logged in (or just logged in): go on.
    let nav = navigate.clone();
    Effect::new(move |_| {
        if let Some(u) = s.user.get() {
            let to = if u.must_change_password {
                "/password".into()
            } else {
                target(query.with_untracked(|q| q.get("next")))
            };
            nav(&to, Default::default());
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (u, p) = (username.get_untracked(), password.get_untracked());
        spawn_local(async move {
            match api::login(&u, &p).await {
                Ok(_) => password.set(String::new()),
                Err(e) => {
                    let lang = i.lang.get_untracked();
                    error.set(Some(match e.status() {
                        Some(401) => crate::i18n::text(lang, "login.failed").to_owned(),
                        Some(429) => crate::i18n::text(lang, "login.throttled").to_owned(),
                        _ => error_message(lang, &e),
                    }));
                }
            }
            busy.set(false);
        });
    };

    view! {
        <main id="main" class="login-page">
            <div class="login-card">
                <p class="brand-name">"LUMIT"</p>
                <p class="brand-tag">{move || i.t("app.tagline")}</p>
                <h1 tabindex="-1">{move || i.t("login.title")}</h1>
                <p class="alert alert-info" role="status" hidden=move || !s.ended.get()>{move || i.t("session.ended")}</p>
                <form on:submit=submit novalidate>
                    <FormStatus error=error />
                    <TextField id="username" label="login.username" value=username error=Signal::derive(|| None::<String>) autocomplete="username" required=true />
                    <TextField id="password" label="login.password" value=password error=Signal::derive(|| None::<String>) kind="password" autocomplete="current-password" required=true />
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                        {move || if busy.get() { i.t("login.busy") } else { i.t("login.submit") }}
                    </button>
                </form>
                <p class="lang-switch">
                    <button type="button" class="btn btn-ghost" lang="it" on:click=move |_| i.set(crate::i18n::Lang::It)>"Italiano"</button>
                    <button type="button" class="btn btn-ghost" lang="en" on:click=move |_| i.set(crate::i18n::Lang::En)>"English"</button>
                </p>
            </div>
        </main>
    }
}
