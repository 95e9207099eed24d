//! The caller's own account, and the forced change of a temporary password.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use lumit_shared::auth::ChangePassword;

use crate::api::{self, ApiError};
use crate::components::{error_message, field_error, FormStatus, TextField};
use crate::guard::role_key;
use crate::i18n::{text, use_i18n};
use crate::session::use_session;

/// Current, new and repeated password; logs in again with the new one (the change ends other
/// sessions, this one included).
#[component]
fn ChangePasswordForm(#[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let repeat_err = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i.lang.get_untracked();
        repeat_err.set(None);
        if new.get_untracked() != repeat.get_untracked() {
            repeat_err.set(Some(text(lang, k!("password.mismatch")).into()));
            return;
        }
        busy.set(true);
        let body = ChangePassword {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        let username = s
            .user
            .with_untracked(|u| u.as_ref().map(|u| u.username.clone()))
            .unwrap_or_default();
        spawn_local(async move {
            match api::me::change_password(&body).await {
                Ok(()) => {
                    err.set(None);
                    let _ = api::login(&username, &body.new_password).await;
                    for f in [current, new, repeat] {
                        f.set(String::new());
                    }
                    status.set(Some(text(lang, k!("password.changed")).into()));
                    on_done.run(());
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <form on:submit=submit novalidate class="form">
            <FormStatus error=form_error ok=status />
            <TextField id="current_password" label=k!("password.current") value=current error=field_error(err, "current_password") kind="password" autocomplete="current-password" required=true />
            <TextField id="new_password" label=k!("password.new") value=new error=field_error(err, "new_password") kind="password" autocomplete="new-password" required=true />
            <TextField id="repeat_password" label=k!("password.repeat") value=repeat error=Signal::derive(move || repeat_err.get()) kind="password" autocomplete="new-password" required=true />
            <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || i.t(k!("password.title"))}</button>
        </form>
    }
}

/// Shown instead of everything else while a temporary password must be replaced.
#[component]
pub fn ForcedPassword() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let navigate = use_navigate();
    let nav = navigate.clone();
    Effect::new(move |_| {
        if s.user.with(Option::is_none) {
            nav("/login", Default::default());
        }
    });
    let done = Callback::new(move |_| navigate("/", Default::default()));
    view! {
        <main id="main" class="login-page">
            <div class="login-card">
                <h1 tabindex="-1">{move || i.t(k!("password.title"))}</h1>
                <p class="alert alert-info">{move || i.t(k!("password.forced"))}</p>
                <ChangePasswordForm on_done=done />
            </div>
        </main>
    }
}

/// Profile and password.
#[component]
pub fn Account() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let row = move |k: crate::i18n::Key, v: String| view! { <div><dt>{move || i.t(k)}</dt><dd>{v}</dd></div> };
    view! {
        <h1 tabindex="-1">{move || i.t(k!("account.title"))}</h1>
        {move || s.user.get().map(|u| view! {
            <dl class="facts">
                {row(k!("users.username"), u.username.clone())}
                {row(k!("users.full_name"), u.full_name.clone())}
                {row(k!("users.email"), u.email.clone().unwrap_or_else(|| "—".into()))}
                <div><dt>{move || i.t(k!("users.role"))}</dt><dd>{move || i.t(role_key(u.role))}</dd></div>
            </dl>
        })}
        <h2>{move || i.t(k!("totp.title"))}</h2>
        {move || s.user.get().map(|u| if u.totp_enabled {
            view! { <p>{move || i.t(k!("totp.is_on"))}</p> }.into_any()
        } else {
            view! {
                <p>{move || i.t(if u.totp_required { k!("totp.forced") } else { k!("totp.is_off") })}</p>
                <p><A href="/totp" attr:class="btn">{move || i.t(k!("totp.set_up"))}</A></p>
            }.into_any()
        })}
        <h2>{move || i.t(k!("password.title"))}</h2>
        <ChangePasswordForm on_done=Callback::new(|_| ()) />
    }
}
