use leptos::prelude::*;
#[component]
pub fn Page() -> impl IntoView {
    view! { <h1>"X"</h1> }
}
