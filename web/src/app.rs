//! The application: router, shell (header, navigation, skip link, focus management) and guards.

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::path;
use lumit_shared::permission::Action;
use lumit_shared::user::Role;

use crate::i18n::{self, use_i18n, I18n, Lang};
use crate::pages;
use crate::session::{self, use_session};

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let lang = i18n::remembered();
    i18n::apply_html_lang(lang);
    provide_context(I18n {
        lang: RwSignal::new(lang),
    });
    let session = session::provide();
    view! {
        <Router>
            <Show when=move || session.checked.get() fallback=|| view! { <p class="boot" role="status">"LUMIT…"</p> }>
                <Routes fallback=|| view! { <pages::NotFound /> }>
                    <Route path=path!("/login") view=pages::login::Login />
                    <Route path=path!("/password") view=pages::account::ForcedPassword />
                    <Route path=path!("/totp") view=pages::second_factor::Setup />
                    <Route path=path!("/questionario/:token") view=pages::training::QuestionnairePage />
                    <Route path=path!("/attestati") view=pages::training::CheckPage />
                    <Route path=path!("/attestati/:code") view=pages::training::CheckPage />
                    <ParentRoute path=path!("") view=Shell>
                        <Route path=path!("") view=pages::home::Home />
                        <Route path=path!("municipalities") view=pages::municipalities::List />
                        <Route path=path!("municipalities/new") view=pages::municipalities::Create />
                        <Route path=path!("municipalities/:id") view=pages::municipalities::Detail />
                        <Route path=path!("municipalities/:id/edit") view=pages::municipalities::Edit />
                        <Route path=path!("municipalities/:id/desks/new") view=pages::desks::Create />
                        <Route path=path!("desks/:id/edit") view=pages::desks::Edit />
                        <Route path=path!("cases") view=pages::cases::List />
                        <Route path=path!("cases/new") view=pages::new_case::NewCase />
                        <Route path=path!("cases/:id") view=pages::case_page::Detail />
                        <Route path=path!("people") view=pages::people::List />
                        <Route path=path!("people/:id") view=pages::person::Detail />
                        <Route path=path!("requests") view=pages::requests::List />
                        <Route path=path!("requests/new") view=pages::new_request::NewRequestPage />
                        <Route path=path!("requests/:id") view=pages::request_page::Detail />
                        <Route path=path!("mediators") view=pages::mediators::List />
                        <Route path=path!("mediators/new") view=pages::mediators::Create />
                        <Route path=path!("mediators/:id") view=pages::mediators::Detail />
                        <Route path=path!("mediators/:id/calendar") view=pages::mediator_calendar::Calendar />
                        <Route path=path!("mediators/:id/timesheet") view=pages::timesheet::Page />
                        <Route path=path!("my-jobs") view=pages::my_jobs::MyJobs />
                        <Route path=path!("reports") view=pages::reports::Page />
                        <Route path=path!("reports/frozen/:id") view=pages::reports::frozen::FrozenPage />
                        <Route path=path!("reports/drill") view=pages::reports::drill::DrillPage />
                        <Route path=path!("training") view=pages::training::Programme />
                        <Route path=path!("training/courses/new") view=pages::training::NewCourse />
                        <Route path=path!("training/courses/:id") view=pages::training::CoursePage />
                        <Route path=path!("training/courses/:id/edit") view=pages::training::EditCourse />
                        <Route path=path!("training/sessions/:id/attendance") view=pages::training::SessionAttendancePage />
                        <Route path=path!("users") view=pages::users::List />
                        <Route path=path!("users/new") view=pages::users::Create />
                        <Route path=path!("users/:id") view=pages::users::Detail />
                        <Route path=path!("api-clients") view=pages::api_clients::Page />
                        <Route path=path!("audit") view=pages::audit::Page />
                        <Route path=path!("outbox") view=pages::outbox::Page />
                        <Route path=path!("account") view=pages::account::Account />
                    </ParentRoute>
                </Routes>
            </Show>
        </Router>
    }
}

/// Where a role may go (the navigation shows only these).
fn nav_items(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut items = vec![("/", "nav.home")];
    if matches!(role, Role::Admin | Role::Coordinator | Role::Operator) {
        items.push(("/cases", "nav.cases"));
        items.push(("/people", "nav.people"));
    }
    if Action::ReadRequests.allowed_for(role) && role != Role::Mediator {
        items.push(("/requests", "nav.requests"));
    }
    if matches!(role, Role::Admin | Role::Coordinator) {
        items.push(("/mediators", "nav.mediators"));
    }
    if role == Role::Mediator {
        items.push(("/my-jobs", "nav.my_jobs"));
    }
    if pages::reports::may_read(role) {
        items.push(("/reports", "nav.reports"));
    }
    items.push(("/training", "nav.training"));
    items.push(("/municipalities", "nav.municipalities"));
    if matches!(role, Role::Admin | Role::Coordinator) {
        items.push(("/users", "nav.users"));
    }
    if role == Role::Admin {
        items.push(("/api-clients", "nav.api_clients"));
        items.push(("/audit", "nav.audit"));
        items.push(("/outbox", "nav.outbox"));
    }
    items.push(("/account", "nav.account"));
    items
}

/// Moves focus to the page's heading after each navigation, so screen readers announce the page.
pub(crate) fn focus_heading() {
    request_animation_frame(|| {
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(h) = doc.and_then(|d| d.query_selector("main h1").ok().flatten()) {
            use wasm_bindgen::JsCast;
            if let Ok(h) = h.dyn_into::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        }
    });
}

/// The frame around every page of a logged-in person.
#[component]
fn Shell() -> impl IntoView {
    let s = use_session();
    let i = use_i18n();
    let location = use_location();
    let navigate = use_navigate();

    // Not logged in: to the login page, remembering where the person wanted to go.
    Effect::new(move |_| {
        let path = location.pathname.get();
        // The shell may still be alive for a moment after leaving it: act only on its own pages.
        if path == "/login" || path == "/password" || path == "/totp" {
            return;
        }
        match s.user.get() {
            None => {
                // Back to the very page after logging in again, its filters included.
                let page = format!("{path}{}", location.search.get_untracked());
                let next = if page == "/" {
                    String::new()
                } else {
                    format!("?next={}", crate::api::enc(&page))
                };
                navigate(&format!("/login{next}"), Default::default());
            }
            Some(u) => {
                if let Some(stop) = pages::login::first_stop(&u) {
                    navigate(stop, Default::default());
                }
            }
        }
    });
    Effect::new(move |prev: Option<String>| {
        let path = location.pathname.get();
        if prev.is_some() {
            focus_heading();
        }
        path
    });

    let logout = move |_| {
        leptos::task::spawn_local(async move {
            crate::api::logout().await;
        });
    };
    let switch = move |_| {
        i.set(if i.lang.get_untracked() == Lang::It {
            Lang::En
        } else {
            Lang::It
        })
    };

    view! {
        <Show when=move || s.user.with(|u| u.as_ref().is_some_and(|u| pages::login::first_stop(u).is_none()))>
            <a class="skip-link" href="#main">{move || i.t("app.skip")}</a>
            <header class="topbar">
                <div class="brand">
                    <span class="brand-name">"LUMIT"</span>
                    <span class="brand-tag">{move || i.t("app.tagline")}</span>
                </div>
                <div class="user-box">
                    <span class="user-name">{move || s.user.with(|u| u.as_ref().map(|u| u.full_name.clone()))}</span>
                    <span class="user-role">{move || s.role().map(|r| i.t(role_key(r)))}</span>
                    <button type="button" class="btn btn-ghost" on:click=switch
                        aria-label=move || format!("{}: {}", i.t("app.language"), if i.lang.get() == Lang::It { "English" } else { "Italiano" })
                        lang=move || if i.lang.get() == Lang::It { "en" } else { "it" }>
                        {move || if i.lang.get() == Lang::It { "English" } else { "Italiano" }}
                    </button>
                    <button type="button" class="btn btn-ghost" on:click=logout>{move || i.t("nav.logout")}</button>
                </div>
            </header>
            <nav class="mainnav" aria-label=move || i.t("nav.label")>
                <ul>
                    {move || s.role().map(|r| nav_items(r).into_iter().map(|(href, key)| view! {
                        <li><A href=href exact=true>{move || i.t(key)}</A></li>
                    }).collect_view())}
                </ul>
            </nav>
            <SessionEnding />
            <main id="main" tabindex="-1">
                <Outlet />
            </main>
        </Show>
    }
}

/// In the session's last ten minutes, says when it ends so that work can be saved first.
#[component]
fn SessionEnding() -> impl IntoView {
    let s = use_session();
    let i = use_i18n();
    // The browser's clock (std's has no clock on wasm32).
    let now_ms = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(
        move || now_ms.set(js_sys::Date::now()),
        std::time::Duration::from_secs(20),
    ) {
        on_cleanup(move || handle.clear());
    }
    let ending = move || {
        s.ends_at
            .get()
            .filter(|end| (end.timestamp_millis() as f64) - now_ms.get() < 10.0 * 60_000.0)
    };
    view! {
        <p class="alert session-ending" role="status" aria-live="polite" hidden=move || ending().is_none()>
            {move || ending().map(|end| format!("{} {}. {}",
                i.t("session.ends_at"),
                crate::i18n::fmt_datetime(i.lang.get(), &end),
                i.t("session.save_work")))}
        </p>
    }
}

/// The text key of a role.
pub fn role_key(r: Role) -> &'static str {
    match r {
        Role::Admin => "role.admin",
        Role::Coordinator => "role.coordinator",
        Role::Operator => "role.operator",
        Role::MunicipalOfficer => "role.municipal_officer",
        Role::Mediator => "role.mediator",
        Role::Trainer => "role.trainer",
    }
}

/// Shows the children only to these roles; others get a "not allowed" page (deep links included).
#[component]
pub fn RoleGate(roles: &'static [Role], children: ChildrenFn) -> impl IntoView {
    let s = use_session();
    view! {
        <Show when=move || s.is(roles) fallback=|| view! { <pages::Forbidden /> }>
            {children()}
        </Show>
    }
}
