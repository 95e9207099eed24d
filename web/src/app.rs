//! The application: router, shell (header, navigation, skip link, focus management) and guards.

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{path, Lazy, LazyRoute};
use lumit_shared::permission::Action;
use lumit_shared::user::Role;

use crate::guard::{focus_heading, role_key};
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
                    <Route path=path!("/questionario/:token") view={Lazy::<QuestionnairePageRoute>::new()} />
                    <Route path=path!("/attestati") view={Lazy::<CheckPageRoute>::new()} />
                    <Route path=path!("/attestati/:code") view={Lazy::<CheckPageRoute>::new()} />
                    <ParentRoute path=path!("") view=Shell>
                        <Route path=path!("") view={Lazy::<HomeRoute>::new()} />
                        <Route path=path!("municipalities") view={Lazy::<MunicipalitiesListRoute>::new()} />
                        <Route path=path!("municipalities/new") view={Lazy::<MunicipalitiesCreateRoute>::new()} />
                        <Route path=path!("municipalities/:id") view={Lazy::<MunicipalitiesDetailRoute>::new()} />
                        <Route path=path!("municipalities/:id/edit") view={Lazy::<MunicipalitiesEditRoute>::new()} />
                        <Route path=path!("municipalities/:id/desks/new") view={Lazy::<DesksCreateRoute>::new()} />
                        <Route path=path!("desks/:id/edit") view={Lazy::<DesksEditRoute>::new()} />
                        <Route path=path!("cases") view={Lazy::<CasesListRoute>::new()} />
                        <Route path=path!("cases/new") view={Lazy::<NewCaseRoute>::new()} />
                        <Route path=path!("cases/:id") view={Lazy::<CasePageDetailRoute>::new()} />
                        <Route path=path!("people") view={Lazy::<PeopleListRoute>::new()} />
                        <Route path=path!("people/:id") view={Lazy::<PersonDetailRoute>::new()} />
                        <Route path=path!("requests") view={Lazy::<RequestsListRoute>::new()} />
                        <Route path=path!("requests/new") view={Lazy::<NewRequestPageRoute>::new()} />
                        <Route path=path!("requests/:id") view={Lazy::<RequestPageDetailRoute>::new()} />
                        <Route path=path!("mediators") view={Lazy::<MediatorsListRoute>::new()} />
                        <Route path=path!("mediators/new") view={Lazy::<MediatorsCreateRoute>::new()} />
                        <Route path=path!("mediators/:id") view={Lazy::<MediatorsDetailRoute>::new()} />
                        <Route path=path!("mediators/:id/calendar") view={Lazy::<CalendarRoute>::new()} />
                        <Route path=path!("mediators/:id/timesheet") view={Lazy::<TimesheetPageRoute>::new()} />
                        <Route path=path!("my-jobs") view={Lazy::<MyJobsRoute>::new()} />
                        <Route path=path!("reports") view={Lazy::<ReportsPageRoute>::new()} />
                        <Route path=path!("reports/frozen/:id") view={Lazy::<FrozenPageRoute>::new()} />
                        <Route path=path!("reports/drill") view={Lazy::<DrillPageRoute>::new()} />
                        <Route path=path!("training") view={Lazy::<ProgrammeRoute>::new()} />
                        <Route path=path!("training/courses/new") view={Lazy::<NewCourseRoute>::new()} />
                        <Route path=path!("training/courses/:id") view={Lazy::<CoursePageRoute>::new()} />
                        <Route path=path!("training/courses/:id/edit") view={Lazy::<EditCourseRoute>::new()} />
                        <Route path=path!("training/sessions/:id/attendance") view={Lazy::<SessionAttendancePageRoute>::new()} />
                        <Route path=path!("users") view={Lazy::<UsersListRoute>::new()} />
                        <Route path=path!("users/new") view={Lazy::<UsersCreateRoute>::new()} />
                        <Route path=path!("users/:id") view={Lazy::<UsersDetailRoute>::new()} />
                        <Route path=path!("api-clients") view={Lazy::<ApiClientsPageRoute>::new()} />
                        <Route path=path!("audit") view={Lazy::<AuditPageRoute>::new()} />
                        <Route path=path!("outbox") view={Lazy::<OutboxPageRoute>::new()} />
                        <Route path=path!("webhooks") view={Lazy::<WebhooksPageRoute>::new()} />
                        <Route path=path!("account") view={Lazy::<AccountRoute>::new()} />
                    </ParentRoute>
                </Routes>
            </Show>
        </Router>
    }
}

// The pages load by area, each area its own part of the wasm fetched the first time someone opens
// one of its pages: the login form needs only the shell (issue 22's first-load budget). One part
// per area rather than per page: wasm-split makes a part for each set of split points that share
// code, and forty pages made eight hundred parts, a page waiting for two hundred of them.
// `cargo xtask web` cuts the module at each area's `#[lazy]` function.
macro_rules! lazy_areas {
    ($($load:ident: $area:ident { $($route:ident => $page:path,)* })*) => {$(
        // Its variants are named after the routes.
        #[allow(clippy::enum_variant_names)]
        #[derive(Clone, Copy)]
        enum $area {
            $($route,)*
        }

        #[leptos::lazy]
        fn $load(page: $area) -> AnyView {
            match page {
                $($area::$route => $page().into_any(),)*
            }
        }

        $(
            #[derive(Clone)]
            struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                async fn view(_this: Self) -> AnyView {
                    $load($area::$route).await
                }
            }
        )*
    )*};
}

lazy_areas! {
    home_area: HomeArea {
        HomeRoute => pages::home::Home,
    }
    public_area: PublicArea {
        QuestionnairePageRoute => pages::training::QuestionnairePage,
        CheckPageRoute => pages::training::CheckPage,
    }
    cases_area: CasesArea {
        CasesListRoute => pages::cases::List,
        NewCaseRoute => pages::new_case::NewCase,
        CasePageDetailRoute => pages::case_page::Detail,
        PeopleListRoute => pages::people::List,
        PersonDetailRoute => pages::person::Detail,
    }
    requests_area: RequestsArea {
        RequestsListRoute => pages::requests::List,
        NewRequestPageRoute => pages::new_request::NewRequestPage,
        RequestPageDetailRoute => pages::request_page::Detail,
        MediatorsListRoute => pages::mediators::List,
        MediatorsCreateRoute => pages::mediators::Create,
        MediatorsDetailRoute => pages::mediators::Detail,
        CalendarRoute => pages::mediator_calendar::Calendar,
        TimesheetPageRoute => pages::timesheet::Page,
        MyJobsRoute => pages::my_jobs::MyJobs,
    }
    reports_area: ReportsArea {
        ReportsPageRoute => pages::reports::Page,
        FrozenPageRoute => pages::reports::frozen::FrozenPage,
        DrillPageRoute => pages::reports::drill::DrillPage,
    }
    training_area: TrainingArea {
        ProgrammeRoute => pages::training::Programme,
        NewCourseRoute => pages::training::NewCourse,
        CoursePageRoute => pages::training::CoursePage,
        EditCourseRoute => pages::training::EditCourse,
        SessionAttendancePageRoute => pages::training::SessionAttendancePage,
    }
    admin_area: AdminArea {
        MunicipalitiesListRoute => pages::municipalities::List,
        MunicipalitiesCreateRoute => pages::municipalities::Create,
        MunicipalitiesDetailRoute => pages::municipalities::Detail,
        MunicipalitiesEditRoute => pages::municipalities::Edit,
        DesksCreateRoute => pages::desks::Create,
        DesksEditRoute => pages::desks::Edit,
        UsersListRoute => pages::users::List,
        UsersCreateRoute => pages::users::Create,
        UsersDetailRoute => pages::users::Detail,
        ApiClientsPageRoute => pages::api_clients::Page,
        AuditPageRoute => pages::audit::Page,
        OutboxPageRoute => pages::outbox::Page,
        WebhooksPageRoute => pages::webhooks::Page,
        AccountRoute => pages::account::Account,
    }
}

/// Where a role may go (the navigation shows only these).
fn nav_items(role: Role) -> Vec<(&'static str, crate::i18n::Key)> {
    let mut items = vec![("/", k!("nav.home"))];
    if matches!(role, Role::Admin | Role::Coordinator | Role::Operator) {
        items.push(("/cases", k!("nav.cases")));
        items.push(("/people", k!("nav.people")));
    }
    if Action::ReadRequests.allowed_for(role) && role != Role::Mediator {
        items.push(("/requests", k!("nav.requests")));
    }
    if matches!(role, Role::Admin | Role::Coordinator) {
        items.push(("/mediators", k!("nav.mediators")));
    }
    if role == Role::Mediator {
        items.push(("/my-jobs", k!("nav.my_jobs")));
    }
    if pages::reports::may_read(role) {
        items.push(("/reports", k!("nav.reports")));
    }
    items.push(("/training", k!("nav.training")));
    items.push(("/municipalities", k!("nav.municipalities")));
    if matches!(role, Role::Admin | Role::Coordinator) {
        items.push(("/users", k!("nav.users")));
    }
    if role == Role::Admin {
        items.push(("/api-clients", k!("nav.api_clients")));
        items.push(("/audit", k!("nav.audit")));
        items.push(("/outbox", k!("nav.outbox")));
        items.push(("/webhooks", k!("nav.webhooks")));
    }
    items.push(("/account", k!("nav.account")));
    items
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
            <a class="skip-link" href="#main">{move || i.t(k!("app.skip"))}</a>
            <header class="topbar">
                <div class="brand">
                    <span class="brand-name">"LUMIT"</span>
                    <span class="brand-tag">{move || i.t(k!("app.tagline"))}</span>
                </div>
                <div class="user-box">
                    <span class="user-name">{move || s.user.with(|u| u.as_ref().map(|u| u.full_name.clone()))}</span>
                    <span class="user-role">{move || s.role().map(|r| i.t(role_key(r)))}</span>
                    <button type="button" class="btn btn-ghost" on:click=switch
                        aria-label=move || format!("{}: {}", i.t(k!("app.language")), if i.lang.get() == Lang::It { "English" } else { "Italiano" })
                        lang=move || if i.lang.get() == Lang::It { "en" } else { "it" }>
                        {move || if i.lang.get() == Lang::It { "English" } else { "Italiano" }}
                    </button>
                    <button type="button" class="btn btn-ghost" on:click=logout>{move || i.t(k!("nav.logout"))}</button>
                </div>
            </header>
            <nav class="mainnav" aria-label=move || i.t(k!("nav.label"))>
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
                i.t(k!("session.ends_at")),
                crate::i18n::fmt_datetime(i.lang.get(), &end),
                i.t(k!("session.save_work"))))}
        </p>
    }
}
