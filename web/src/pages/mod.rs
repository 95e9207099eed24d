//! Pages, one module per area.

pub mod account;
pub mod api_clients;
pub mod audit;
pub mod availability;
pub mod case_page;
pub mod cases;
pub mod dashboard;
pub mod desks;
pub mod home;
pub mod login;
pub mod mediator_calendar;
pub mod mediators;
pub mod municipalities;
pub mod my_jobs;
pub mod new_case;
pub mod new_request;
pub mod outbox;
pub mod people;
pub mod person;
pub mod reports;
pub mod request_page;
pub mod requests;
pub mod second_factor;
pub mod timesheet;
pub mod training;
pub mod users;
pub mod webhooks;
pub mod worklist;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;

/// Unknown address.
#[component]
pub fn NotFound() -> impl IntoView {
    let i = use_i18n();
    view! {
        <main id="main" class="narrow">
            <h1 tabindex="-1">{move || i.t(k!("app.not_found_title"))}</h1>
            <p>{move || i.t(k!("app.not_found"))}</p>
            <p><A href="/">{move || i.t(k!("app.go_home"))}</A></p>
        </main>
    }
}
