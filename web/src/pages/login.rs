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

/// Where a person goes once logged in: a temporary password to replace, a second factor the role
/// calls for to set up, or on.
pub fn first_stop(u: &lumit_shared::user::User) -> Option<&'static str> {
    if u.must_change_password {
        Some("/password")
    } else if u.totp_required && !u.totp_enabled {
        Some("/totp")
    } else {
        None
    }
}

/// Moves focus to an input once it is on the page (the second step's code field).
fn focus_input(id: &'static str) {
    request_animation_frame(move || {
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(el) = doc.and_then(|d| d.get_element_by_id(id)) {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// Username and password, then the code of the authenticator app when the account has one.
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
    // The second step: the password was right and the account signs in with a code.
    let second = RwSignal::new(false);
    let use_recovery = RwSignal::new(false);
    let code = RwSignal::new(String::new());

    // Already logged in (or just logged in): go on.
    let nav = navigate.clone();
    Effect::new(move |_| {
        if let Some(u) = s.user.get() {
            let to = match first_stop(&u) {
                Some(stop) => stop.to_owned(),
                None => target(query.with_untracked(|q| q.get("next"))),
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
        let factor = match (second.get_untracked(), use_recovery.get_untracked()) {
            (false, _) => api::SecondFactor::None,
            (true, false) => api::SecondFactor::Code(code.get_untracked()),
            (true, true) => api::SecondFactor::Recovery(code.get_untracked()),
        };
        spawn_local(async move {
            match api::login_with(&u, &p, factor).await {
                Ok(_) => {
                    password.set(String::new());
                    code.set(String::new());
                }
                Err(e) => {
                    let lang = i.lang.get_untracked();
                    let key = match (e.status(), e.code()) {
                        (Some(401), Some("totp_required")) => {
                            second.set(true);
                            focus_input("totp_code");
                            None
                        }
                        (Some(401), Some("invalid_totp")) => Some(k!("login.code_failed")),
                        (Some(401), _) => {
                            second.set(false);
                            Some(k!("login.failed"))
                        }
                        (Some(429), _) => Some(k!("login.throttled")),
                        _ => {
                            error.set(Some(error_message(lang, &e)));
                            None
                        }
                    };
                    if let Some(key) = key {
                        error.set(Some(crate::i18n::text(lang, key).to_owned()));
                    }
                }
            }
            busy.set(false);
        });
    };

    view! {
        <main id="main" class="login-page">
            <div class="login-card">
                <p class="brand-name">"LUMIT"</p>
                <p class="brand-tag">{move || i.t(k!("app.tagline"))}</p>
                <h1 tabindex="-1">{move || i.t(k!("login.title"))}</h1>
                <p class="alert alert-info" role="status" hidden=move || !s.ended.get()>{move || i.t(k!("session.ended"))}</p>
                <form on:submit=submit novalidate>
                    <FormStatus error=error />
                    <div hidden=move || second.get()>
                        <TextField id="username" label=k!("login.username") value=username error=Signal::derive(|| None::<String>) autocomplete="username" required=true />
                        <TextField id="password" label=k!("login.password") value=password error=Signal::derive(|| None::<String>) kind="password" autocomplete="current-password" required=true />
                    </div>
                    <Show when=move || second.get()>
                        {move || if use_recovery.get() {
                            view! { <TextField id="totp_code" label=k!("login.recovery_code") value=code error=Signal::derive(|| None::<String>) autocomplete="off" required=true hint=k!("login.recovery_hint") /> }.into_any()
                        } else {
                            view! { <TextField id="totp_code" label=k!("login.code") value=code error=Signal::derive(|| None::<String>) autocomplete="one-time-code" required=true hint=k!("login.code_hint") /> }.into_any()
                        }}
                        <p>
                            <button type="button" class="btn btn-ghost" on:click=move |_| {
                                use_recovery.update(|r| *r = !*r);
                                code.set(String::new());
                                error.set(None);
                                focus_input("totp_code");
                            }>
                                {move || i.t(if use_recovery.get() { k!("login.use_code") } else { k!("login.use_recovery") })}
                            </button>
                            <button type="button" class="btn btn-ghost" on:click=move |_| {
                                second.set(false);
                                use_recovery.set(false);
                                code.set(String::new());
                                error.set(None);
                                focus_input("password");
                            }>{move || i.t(k!("app.back"))}</button>
                        </p>
                    </Show>
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                        {move || if busy.get() { i.t(k!("login.busy")) } else { i.t(k!("login.submit")) }}
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
