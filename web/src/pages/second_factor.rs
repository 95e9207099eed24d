//! Setting up the second factor: a QR code (and the key as text, for typing or a screen reader)
//! for the authenticator app, the first code to prove it, then the recovery codes shown once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use lumit_shared::auth::{TotpConfirm, TotpEnrolment};

use crate::api::{self, ApiError};
use crate::components::{error_message, field_error, FormStatus, TextField};
use crate::i18n::use_i18n;
use crate::session::use_session;

/// The key in groups of four, as apps show it and people read it out.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The recovery codes as a text file to keep.
fn download_href(username: &str, codes: &[String]) -> String {
    let text = format!(
        "LUMIT — {username}\n\n{}\n",
        codes
            .iter()
            .enumerate()
            .map(|(n, c)| format!("{:>2}. {c}", n + 1))
            .collect::<Vec<_>>()
            .join("\n")
    );
    format!(
        "data:text/plain;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&text))
    )
}

/// The set-up page: for a role that must have a second factor (instead of everything else) and
/// for anyone who wants one (from the account page).
#[component]
pub fn Setup() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let navigate = use_navigate();
    let enrolment = RwSignal::new(None::<TotpEnrolment>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let code = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    // Not logged in: to the login page. Already set up (and its codes seen): on.
    let nav = navigate.clone();
    Effect::new(move |_| match s.user.get() {
        None => nav("/login", Default::default()),
        Some(u) if u.must_change_password => nav("/password", Default::default()),
        Some(u) if u.totp_enabled && codes.with_untracked(Option::is_none) => {
            nav("/account", Default::default())
        }
        Some(_) => {}
    });
    // A new secret each time the page opens; nothing changes until a code is confirmed.
    Effect::new(move |started: Option<bool>| {
        let ready = s.user.with(|u| {
            u.as_ref()
                .is_some_and(|u| !u.totp_enabled && !u.must_change_password)
        });
        if started == Some(true) || !ready {
            return started.unwrap_or(false);
        }
        spawn_local(async move {
            match api::me::start_totp().await {
                Ok(e) => enrolment.set(Some(e)),
                Err(e) => err.set(Some(e)),
            }
        });
        true
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let body = TotpConfirm {
            code: code.get_untracked(),
        };
        spawn_local(async move {
            match api::me::confirm_totp(&body).await {
                Ok(r) => {
                    err.set(None);
                    codes.set(Some(r.codes));
                    s.user.update(|u| {
                        if let Some(u) = u {
                            u.totp_enabled = true;
                        }
                    });
                    crate::guard::focus_heading();
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let form_error = Signal::derive(move || {
        err.with(|e| {
            e.as_ref()
                .filter(|e| e.field("code").is_none())
                .map(|e| error_message(i.lang.get(), e))
        })
    });
    let username = move || {
        s.user
            .with(|u| u.as_ref().map(|u| u.username.clone()))
            .unwrap_or_default()
    };
    let forced = move || s.user.with(|u| u.as_ref().is_some_and(|u| u.totp_required));
    let go_on = move |_| navigate("/", Default::default());
    let logout = move |_| {
        spawn_local(async move {
            api::logout().await;
        });
    };

    view! {
        <main id="main" class="login-page">
            <div class="login-card totp-card">
                <Show when=move || codes.with(Option::is_none) fallback=move || view! {
                    <h1 tabindex="-1">{move || i.t(k!("totp.codes_title"))}</h1>
                    <p class="alert alert-info" role="status">{move || i.t(k!("totp.enabled"))}</p>
                    <p>{move || i.t(k!("totp.codes_help"))}</p>
                    <ol class="recovery-codes" aria-label=move || i.t(k!("totp.codes_title"))>
                        {move || codes.get().unwrap_or_default().into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ol>
                    <p class="actions">
                        <a class="btn" download="lumit-codici-di-recupero.txt"
                            href=move || download_href(&username(), &codes.get().unwrap_or_default())>
                            {move || i.t(k!("totp.download"))}
                        </a>
                        <button type="button" class="btn btn-primary" on:click=go_on.clone()>{move || i.t(k!("totp.saved_go_on"))}</button>
                    </p>
                }>
                    <h1 tabindex="-1">{move || i.t(k!("totp.title"))}</h1>
                    <p class="alert alert-info" hidden=move || !forced()>{move || i.t(k!("totp.forced"))}</p>
                    <ol class="steps">
                        <li>{move || i.t(k!("totp.step_app"))}</li>
                        <li>
                            {move || i.t(k!("totp.step_scan"))}
                            {move || enrolment.get().map(|e| view! {
                                <img class="qr" src=e.qr_code width="200" height="200" alt=move || i.t(k!("totp.qr_alt")) />
                                <p>
                                    {move || i.t(k!("totp.key"))} " "
                                    <code id="totp-secret" class="secret-key" data-secret=e.secret.clone()>{grouped(&e.secret)}</code>
                                </p>
                            })}
                        </li>
                        <li>{move || i.t(k!("totp.step_code"))}</li>
                    </ol>
                    <form on:submit=submit novalidate>
                        <FormStatus error=form_error />
                        <TextField id="code" label=k!("totp.code") value=code error=field_error(err, "code") autocomplete="one-time-code" required=true hint=k!("login.code_hint") />
                        <button type="submit" class="btn btn-primary" disabled=move || busy.get() || enrolment.with(Option::is_none)>
                            {move || i.t(k!("totp.confirm"))}
                        </button>
                        <button type="button" class="btn btn-ghost" on:click=logout>{move || i.t(k!("nav.logout"))}</button>
                    </form>
                </Show>
            </div>
        </main>
    }
}
