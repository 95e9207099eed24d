//! Reusable widgets: form fields with their errors, loading / error / empty states, copy button.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::use_i18n;

/// A labelled text input whose error is announced and tied to it with `aria-describedby`.
#[component]
pub fn TextField(
    /// Element id (also used for the error's id).
    id: &'static str,
    /// Label text key.
    label: &'static str,
    /// The value.
    value: RwSignal<String>,
    /// Error message for the field.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// Autocomplete hint.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// Required field.
    #[prop(default = false)]
    required: bool,
    /// Placeholder key (hint).
    #[prop(optional)]
    hint: Option<&'static str>,
) -> impl IntoView {
    let i = use_i18n();
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id>{move || i.t(label)} {required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || i.t(h)}</p> })}
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                required=required
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p class="error" id=err_id role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A labelled `<select>` from (value, label key) options.
#[component]
pub fn SelectField(
    /// Element id.
    id: &'static str,
    /// Label key.
    label: &'static str,
    /// The selected value.
    value: RwSignal<String>,
    /// Options: (value, label text).
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// Error message.
    #[prop(into, default = Signal::derive(|| None))]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let i = use_i18n();
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id>{move || i.t(label)}</label>
            <select
                id=id
                name=id
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=err_id.clone()
                on:change=move |ev| value.set(event_target_value(&ev))
                prop:value=move || value.get()
            >
                {move || options.get().into_iter().map(|(v, l)| {
                    let selected = value.get_untracked() == v;
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
            <p class="error" id=err_id role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A checkbox with its label.
#[component]
pub fn CheckField(
    /// Element id.
    id: String,
    /// Label text.
    #[prop(into)]
    label: Signal<String>,
    /// The value.
    checked: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <div class="check">
            <input type="checkbox" id=id.clone() prop:checked=move || checked.get() on:change=move |ev| checked.set(event_target_checked(&ev)) />
            <label for=id>{move || label.get()}</label>
        </div>
    }
}

/// Shown while data loads.
#[component]
pub fn Loading() -> impl IntoView {
    let i = use_i18n();
    view! { <p class="loading" role="status" aria-live="polite">{move || i.t("app.loading")}</p> }
}

/// Shown when a list is empty.
#[component]
pub fn Empty() -> impl IntoView {
    let i = use_i18n();
    view! { <p class="empty">{move || i.t("app.empty")}</p> }
}

/// The human message for an error.
pub fn error_message(lang: crate::i18n::Lang, e: &ApiError) -> String {
    use crate::i18n::text;
    match e {
        ApiError::Network(_) => text(lang, "app.network").to_owned(),
        ApiError::Problem(p) => match p.code.as_str() {
            "stale_write" => text(lang, "app.stale").to_owned(),
            "validation_failed" => text(lang, "app.fix_errors").to_owned(),
            "forbidden" | "insufficient_scope" => text(lang, "app.forbidden").to_owned(),
            "last_admin" => text(lang, "users.last_admin").to_owned(),
            _ if !p.detail.is_empty() => p.detail.clone(),
            _ => text(lang, "app.error").to_owned(),
        },
    }
}

/// An error with a retry button.
#[component]
pub fn ErrorView(error: ApiError, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    let i = use_i18n();
    let msg = move || error_message(i.lang.get(), &error);
    view! {
        <div class="alert alert-error" role="alert">
            <p>{msg}</p>
            {retry.map(|r| view! { <button type="button" class="btn" on:click=move |_| r.run(())>{move || i.t("app.retry")}</button> })}
        </div>
    }
}

/// A form-level message region, announced politely (success) or assertively (error).
#[component]
pub fn FormStatus(
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into, default = Signal::derive(|| None))] ok: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="form-status">
            <p class="alert alert-error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
            <p class="alert alert-ok" role="status" aria-live="polite" hidden=move || ok.with(Option::is_none)>{move || ok.get()}</p>
        </div>
    }
}

/// A secret shown once, with a copy button.
#[component]
pub fn SecretOnce(#[prop(into)] label: Signal<String>, value: String) -> impl IntoView {
    let i = use_i18n();
    let copied = RwSignal::new(false);
    let v = value.clone();
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&v);
            copied.set(true);
        }
    };
    view! {
        <div class="secret" role="region" aria-label=move || label.get()>
            <p>{move || label.get()}</p>
            <p><code class="secret-value" data-testid="secret">{value}</code>
            " " <button type="button" class="btn" on:click=copy>{move || i.t("app.copy")}</button></p>
            <p role="status" aria-live="polite">{move || copied.get().then(|| i.t("app.copied"))}</p>
        </div>
    }
}

/// Reads a field's message out of an error signal.
pub fn field_error(err: RwSignal<Option<ApiError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || err.with(|e| e.as_ref().and_then(|e| e.field(field))))
}
