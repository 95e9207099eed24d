//! LUMIT staff web app (Leptos, client-side rendered).

// First, so that its `k!` macro is known in every module below.
#[macro_use]
mod i18n;
mod api;
mod app;
mod components;
mod guard;
mod pages;
mod pickers;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
