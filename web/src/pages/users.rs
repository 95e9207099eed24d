use leptos::prelude::*;
#[component]
pub fn List() -> impl IntoView {
    view! { <h1>"Users"</h1> }
}
#[component]
pub fn Create() -> impl IntoView {
    view! { <h1>"Users"</h1> }
}
#[component]
pub fn Detail() -> impl IntoView {
    view! { <h1>"Users"</h1> }
}
