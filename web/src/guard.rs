//! What the shell gives every page: the gate by role, the page a role may not use, the words
//! of a role and focus on the heading. Pages use these; the shell (`app.rs`) uses pages: kept
//! apart, the crate has no import cycle.

use leptos::prelude::*;
use leptos_router::components::A;
use lumit_shared::user::Role;

use crate::i18n::{use_i18n, Key};
use crate::session::use_session;

/// Moves focus to the page's heading after each navigation, so screen readers announce the page.
pub fn focus_heading() {
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

/// The text key of a role.
pub fn role_key(r: Role) -> Key {
    match r {
        Role::Admin => k!("role.admin"),
        Role::Coordinator => k!("role.coordinator"),
        Role::Operator => k!("role.operator"),
        Role::MunicipalOfficer => k!("role.municipal_officer"),
        Role::Mediator => k!("role.mediator"),
        Role::Trainer => k!("role.trainer"),
    }
}

/// Shows the children only to these roles; others get a "not allowed" page (deep links included).
#[component]
pub fn RoleGate(roles: &'static [Role], children: ChildrenFn) -> impl IntoView {
    let s = use_session();
    view! {
        <Show when=move || s.is(roles) fallback=|| view! { <Forbidden /> }>
            {children()}
        </Show>
    }
}

/// A page the role may not use.
#[component]
pub fn Forbidden() -> impl IntoView {
    let i = use_i18n();
    view! {
        <section class="narrow">
            <h1 tabindex="-1">{move || i.t(k!("app.forbidden_title"))}</h1>
            <p>{move || i.t(k!("app.forbidden"))}</p>
            <p><A href="/">{move || i.t(k!("app.go_home"))}</A></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    /// The layers import downwards only: the shell (`app.rs`) uses pages, pages use the shared
    /// modules, and the shared modules use neither, so the crate has no import cycle.
    #[test]
    fn modules_import_downwards() {
        fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let src = std::fs::read_to_string(&path).unwrap();
                    out.push((path.display().to_string(), src));
                }
            }
        }
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut files = Vec::new();
        walk(std::path::Path::new(root), &mut files);
        // Spelled in two halves, so that this file does not match itself.
        let (shell, pages) = (["crate", "::app"].concat(), ["crate", "::pages"].concat());
        let mut wrong = Vec::new();
        for (path, src) in &files {
            let rel = path.trim_start_matches(root);
            let is_page = rel.starts_with("/pages/");
            if rel == "/app.rs" || rel == "/main.rs" {
                continue;
            }
            if src.contains(&shell) {
                wrong.push(format!("{rel} imports the shell"));
            }
            if !is_page && src.contains(&pages) {
                wrong.push(format!("{rel} imports pages"));
            }
        }
        assert!(files.len() > 30, "{} files", files.len());
        assert!(wrong.is_empty(), "{wrong:?}");
    }
}
