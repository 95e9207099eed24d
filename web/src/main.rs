//! LUMIT staff web app (Leptos, client-side rendered).

mod api;
mod app;
mod components;
mod i18n;
mod pages;
mod pickers;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
