//! Reusable widgets: form fields with their errors, loading / error / empty states, copy button.

use leptos::prelude::*;

use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::i18n::use_i18n;

/// A labelled text input whose error is announced and tied to it with `aria-describedby`.
#[component]
pub fn TextField(
    /// Element id (also used for the error's id).
    id: &'static str,
    /// Label text key.
    label: crate::i18n::Key,
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
    hint: Option<crate::i18n::Key>,
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

/// A day as people in Italy write it: `gg/mm/aaaa` (also with `-` or `.`, and `aaaa-mm-gg`).
pub fn parse_day(s: &str) -> Option<chrono::NaiveDate> {
    let t = s.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).map(str::trim).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    // Four digits for the year: "07/12/26" is not guessed.
    if y.len() != 4 {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The box of a day typed as `gg/mm/aaaa` whatever the browser's locale (a date input follows
/// the browser's, `mm/dd/yyyy` on an English one); `value` holds the day as `YYYY-MM-DD`, what
/// the API takes, or the text as typed while it is not a day, so the form's own check or the
/// API names the field. `unreadable` is set when the box is left with text that is no day.
#[component]
pub fn DayInput(
    /// Element id.
    #[prop(into)]
    id: String,
    /// The day, `YYYY-MM-DD`.
    value: RwSignal<String>,
    /// Ids of what describes it.
    #[prop(into, default = Signal::derive(|| None))]
    described: Signal<Option<String>>,
    /// Whether it is marked invalid.
    #[prop(into, default = Signal::derive(|| false))]
    invalid: Signal<bool>,
    /// Required field.
    #[prop(default = false)]
    required: bool,
    /// Set when left holding text that is no day.
    #[prop(optional)]
    unreadable: Option<RwSignal<bool>>,
) -> impl IntoView {
    let i = use_i18n();
    let shown = |v: &str| match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => d.format("%d/%m/%Y").to_string(),
        Err(_) => v.to_owned(),
    };
    let text = RwSignal::new(shown(&value.get_untracked()));
    // The box follows the value when it is set from outside (a record loaded, filters cleared).
    Effect::new(move |_| {
        let v = value.get();
        let now = text.get_untracked();
        if parse_day(&now).map(|d| d.to_string()) != Some(v.clone()) && now != v {
            text.set(shown(&v));
        }
    });
    let on_input = move |ev| {
        let t = event_target_value(&ev);
        if let Some(u) = unreadable {
            u.set(false);
        }
        value.set(match parse_day(&t) {
            Some(d) => d.to_string(),
            None => t.clone(),
        });
        text.set(t);
    };
    let on_blur = move |_| {
        let t = text.get_untracked();
        let day = parse_day(&t);
        if let Some(u) = unreadable {
            u.set(!t.trim().is_empty() && day.is_none());
        }
        if let Some(d) = day {
            text.set(d.format("%d/%m/%Y").to_string());
        }
    };
    view! {
        <input
            id=id.clone()
            name=id
            type="text"
            class="day"
            inputmode="numeric"
            autocomplete="off"
            placeholder=move || i.t(k!("app.date_hint"))
            maxlength="10"
            required=required
            aria-invalid=move || if invalid.get() { "true" } else { "false" }
            aria-describedby=move || described.get()
            prop:value=move || text.get()
            on:input=on_input
            on:blur=on_blur
        />
    }
}

/// A labelled [`DayInput`] with its format shown and its error announced.
#[component]
pub fn DateField(
    /// Element id.
    id: &'static str,
    /// Label key.
    label: crate::i18n::Key,
    /// The day, `YYYY-MM-DD`.
    value: RwSignal<String>,
    /// Error message from the form or the API.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Required field.
    #[prop(default = false)]
    required: bool,
) -> impl IntoView {
    let i = use_i18n();
    let unreadable = RwSignal::new(false);
    let message = Signal::derive(move || {
        error.get().or_else(|| {
            unreadable
                .get()
                .then(|| i.t(k!("app.date_format")).to_owned())
        })
    });
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
        Signal::derive(move || {
            Some(if message.with(Option::is_some) {
                format!("{hint_id} {err_id}")
            } else {
                hint_id.clone()
            })
        })
    };
    view! {
        <div class="field field-date" class:has-error=move || message.with(Option::is_some)>
            <label for=id>{move || i.t(label)} {required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            <p class="hint" id=hint_id.clone()>{move || i.t(k!("app.date_hint"))}</p>
            <DayInput id=id value=value described=described required=required unreadable=unreadable
                invalid=Signal::derive(move || message.with(Option::is_some)) />
            <p class="error" id=err_id role="alert">{move || message.get()}</p>
        </div>
    }
}

/// A labelled `<select>` from (value, label key) options.
#[component]
pub fn SelectField(
    /// Element id.
    id: &'static str,
    /// Label key.
    label: crate::i18n::Key,
    /// The selected value.
    value: RwSignal<String>,
    /// Options: (value, label text).
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// Error message.
    #[prop(into, default = Signal::derive(|| None))]
    error: Signal<Option<String>>,
    /// Required field (said to screen readers by the `required` attribute).
    #[prop(optional)]
    required: bool,
) -> impl IntoView {
    let i = use_i18n();
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id>{move || i.t(label)} {required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            <select
                id=id
                name=id
                required=required
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
    view! { <p class="loading" role="status" aria-live="polite">{move || i.t(k!("app.loading"))}</p> }
}

/// Shown when a list is empty.
#[component]
pub fn Empty() -> impl IntoView {
    let i = use_i18n();
    view! { <p class="empty">{move || i.t(k!("app.empty"))}</p> }
}

/// The human message for an error.
pub fn error_message(lang: crate::i18n::Lang, e: &ApiError) -> String {
    use crate::i18n::text;
    match e {
        ApiError::Network(_) => text(lang, k!("app.network")).to_owned(),
        ApiError::Problem(p) => match p.code.as_str() {
            "stale_write" => text(lang, k!("app.stale")).to_owned(),
            "validation_failed" => text(lang, k!("app.fix_errors")).to_owned(),
            "forbidden" | "insufficient_scope" => text(lang, k!("app.forbidden")).to_owned(),
            "last_admin" => text(lang, k!("users.last_admin")).to_owned(),
            _ if !p.detail.is_empty() => p.detail.clone(),
            _ => text(lang, k!("app.error")).to_owned(),
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
            {retry.map(|r| view! { <button type="button" class="btn" on:click=move |_| r.run(())>{move || i.t(k!("app.retry"))}</button> })}
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
            " " <button type="button" class="btn" on:click=copy>{move || i.t(k!("app.copy"))}</button></p>
            <p role="status" aria-live="polite">{move || copied.get().then(|| i.t(k!("app.copied")))}</p>
        </div>
    }
}

/// A field's error from an error signal, in the interface's language, from its stable code.
pub fn field_error(err: RwSignal<Option<ApiError>>, field: &'static str) -> Signal<Option<String>> {
    let i = use_i18n();
    Signal::derive(move || {
        let lang = i.lang.get();
        err.with(|e| {
            e.as_ref()
                .and_then(|e| e.problem())
                .and_then(|p| p.field_message(field))
                .map(|f| field_text(lang, f))
        })
    })
}

/// A labelled multi-line text input, with its error tied to it like [`TextField`].
#[component]
pub fn TextAreaField(
    /// Element id (also used for the error's id).
    id: &'static str,
    /// Label text key.
    label: crate::i18n::Key,
    /// The value.
    value: RwSignal<String>,
    /// Error message for the field.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Required field.
    #[prop(default = false)]
    required: bool,
    /// Visible lines.
    #[prop(default = 4)]
    rows: u32,
) -> impl IntoView {
    let i = use_i18n();
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id>{move || i.t(label)} {required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            <textarea
                id=id
                name=id
                rows=rows
                required=required
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=err_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
            <p class="error" id=err_id role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A field error in the interface's language, from its stable code; the server's English message
/// when the code is not known here.
pub fn field_text(lang: crate::i18n::Lang, e: &lumit_shared::FieldError) -> String {
    use crate::i18n::{text, Lang};
    let numbers: Vec<&str> = e
        .message
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .collect();
    let key = match e.code.as_str() {
        "required" => k!("err.required"),
        "invalid_email" => k!("err.invalid_email"),
        "invalid_phone" => k!("err.invalid_phone"),
        "invalid_language" => k!("err.invalid_language"),
        "invalid_time" => k!("err.invalid_time"),
        "invalid_date" => k!("err.invalid_date"),
        "invalid_number" => k!("err.invalid_number"),
        "invalid_characters" => k!("err.invalid_characters"),
        "in_the_past" => k!("err.in_the_past"),
        "before_start" => k!("err.before_start"),
        "same_language" => k!("err.same_language"),
        "past_midnight" => k!("err.past_midnight"),
        "duplicate" => k!("err.duplicate"),
        "overlap" => k!("err.overlap"),
        "not_allowed" => k!("err.not_allowed"),
        "not_qualified" => k!("err.not_qualified"),
        "inactive" => k!("err.inactive"),
        "invalid_reference" => k!("err.invalid_reference"),
        "not_yours" => k!("err.not_yours"),
        "too_far" => k!("err.too_far"),
        "out_of_range" if numbers.len() == 2 => {
            return match lang {
                Lang::It => format!("Deve essere tra {} e {}.", numbers[0], numbers[1]),
                Lang::En => format!("Must be between {} and {}.", numbers[0], numbers[1]),
            };
        }
        "too_long" if numbers.len() == 1 => {
            return match lang {
                Lang::It => format!("Al massimo {} caratteri.", numbers[0]),
                Lang::En => format!("At most {} characters.", numbers[0]),
            };
        }
        _ => return e.message.clone(),
    };
    text(lang, key).to_owned()
}

/// The messages of every field error whose name is `field` or starts with `field.` / `field[`
/// (a row of a list), joined.
pub fn row_errors(lang: crate::i18n::Lang, err: &Option<ApiError>, field: &str) -> Option<String> {
    let p = err.as_ref()?.problem()?;
    let msgs: Vec<String> = p
        .errors
        .iter()
        .filter(|f| {
            f.field == field
                || f.field.starts_with(&format!("{field}."))
                || f.field.starts_with(&format!("{field}["))
        })
        .map(|f| field_text(lang, f))
        .collect();
    (!msgs.is_empty()).then(|| msgs.join(" "))
}

/// Whether the error names this exact field.
pub fn has_field(err: &Option<ApiError>, field: &str) -> bool {
    err.as_ref()
        .and_then(|e| e.problem())
        .is_some_and(|p| p.errors.iter().any(|f| f.field == field))
}

/// Saves text as a file through a temporary object URL.
pub fn download(name: &str, mime: &str, content: &str) {
    download_bytes(name, mime, content.as_bytes());
}

/// Saves bytes (a PDF, a text) as a file through a temporary object URL.
pub fn download_bytes(name: &str, mime: &str, content: &[u8]) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(content));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let doc = web_sys::window().and_then(|w| w.document());
    if let Some(a) = doc
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // Give the browser time to start the download before the URL goes.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(5),
    );
}

/// A button that downloads a PDF from the API (with the session's token), saying so while it
/// works and announcing a failure.
#[component]
pub fn PdfButton(
    /// The file in the API.
    path: crate::api::ApiPath,
    /// The file's name.
    filename: String,
    /// What the button says.
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let i = use_i18n();
    let busy = RwSignal::new(false);
    let err = RwSignal::new(None::<String>);
    // The failure, if any, describes this button: an id made from the path it downloads.
    let err_id = format!(
        "pdf-error-{}",
        path.as_str()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
    );
    let click = move |_| {
        let (path, filename) = (path.clone(), filename.clone());
        busy.set(true);
        spawn_local(async move {
            match crate::api::download(&path, "application/pdf").await {
                Ok(bytes) => {
                    err.set(None);
                    download_bytes(&filename, "application/pdf", &bytes);
                }
                Err(e) => err.set(Some(error_message(i.lang.get_untracked(), &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <button type="button" class="btn btn-small" on:click=click disabled=move || busy.get()
            aria-busy=move || busy.get().to_string() aria-describedby=err_id.clone()>
            {move || label.get()} " (PDF)"
        </button>
        <span class="error" id=err_id role="alert">{move || err.get()}</span>
    }
}

/// A list's path with its filled-in filters as the query string (so the view can be bookmarked).
pub fn filters_path(base: &str, fields: &[(&str, RwSignal<String>)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .filter_map(|(k, v)| {
            let v = v.get_untracked();
            (!v.trim().is_empty()).then(|| format!("{k}={}", crate::api::enc(v.trim())))
        })
        .collect();
    if parts.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", parts.join("&"))
    }
}

/// A list read from the API page by page: its rows so far, the next page's cursor, whether a
/// page is on its way and the last error. The list pages share it, with [`MoreButton`].
pub struct Paged<T: Send + Sync + 'static> {
    /// The rows so far.
    pub items: RwSignal<Vec<T>>,
    next: RwSignal<Option<String>>,
    /// A page is on its way.
    pub loading: RwSignal<bool>,
    /// The last page's failure.
    pub error: RwSignal<Option<ApiError>>,
    /// The latest load: an answer to an earlier one (filters changed meanwhile) is dropped.
    ticket: RwSignal<u64>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: serde::de::DeserializeOwned + Send + Sync + 'static> Paged<T> {
    /// An empty list.
    pub fn new() -> Self {
        Self {
            items: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            ticket: RwSignal::new(0),
        }
    }

    /// Reads the first page of `path` (an API path with its filters in the query string) in
    /// place of the rows, or with `more` the page after the last one, added to them.
    pub fn load(self, path: crate::api::ApiPath, more: bool) {
        let path = if more {
            match self.next.get_untracked() {
                Some(c) => path.with("cursor", &c),
                None => return,
            }
        } else {
            path
        };
        self.loading.set(true);
        let ticket = self.ticket.get_untracked() + 1;
        self.ticket.set(ticket);
        leptos::task::spawn_local(async move {
            let answer = crate::api::page::<T>(&path).await;
            // Also gone if the page was left meanwhile (the signals are disposed).
            if self.ticket.try_get_untracked() != Some(ticket) {
                return;
            }
            match answer {
                Ok(page) => {
                    self.error.set(None);
                    if more {
                        self.items.update(|v| v.extend(page.items));
                    } else {
                        self.items.set(page.items);
                    }
                    self.next.set(page.next_cursor);
                }
                Err(e) => self.error.set(Some(e)),
            }
            self.loading.set(false);
        });
    }

    /// Whether another page follows.
    pub fn has_more(self) -> bool {
        self.next.with(Option::is_some)
    }
}

impl<T: serde::de::DeserializeOwned + Send + Sync + 'static> Paged<T> {
    /// A log filtered by a status picker (the outbox, a webhook's deliveries): `path` with
    /// `?limit=50` and the chosen `status`, loaded now and again whenever the status changes or
    /// `changed` is bumped (after an action on a row). Gives the list and its `load(reset)`.
    pub fn by_status(
        path: impl Fn() -> crate::api::ApiPath + Copy + 'static,
        status: RwSignal<String>,
        changed: RwSignal<u32>,
    ) -> (Self, impl Fn(bool) + Copy + 'static) {
        let list = Self::new();
        let load = move |reset: bool| {
            let mut p = path().with_raw("limit", "50");
            let s = status.get_untracked();
            if !s.is_empty() {
                p = p.with("status", &s);
            }
            list.load(p, !reset);
        };
        load(true);
        Effect::new(move |prev: Option<()>| {
            status.track();
            changed.track();
            if prev.is_some() {
                load(true);
            }
        });
        (list, load)
    }
}

impl<T: serde::de::DeserializeOwned + Send + Sync + 'static> Default for Paged<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// "Load more" under a [`Paged`] list, while another page follows.
#[component]
pub fn MoreButton(
    /// Another page follows.
    #[prop(into)]
    more: Signal<bool>,
    /// A page is on its way.
    #[prop(into)]
    loading: Signal<bool>,
    /// Reads the next page.
    on_more: Callback<()>,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <Show when=move || more.get()>
            <button type="button" class="btn" on:click=move |_| on_more.run(()) disabled=move || loading.get()>{move || i.t(k!("app.more"))}</button>
        </Show>
    }
}

/// "Download Excel / CSV" for a list: every row matching `path`'s filters, as the server
/// streams it (the export is in the access log).
#[component]
pub fn ExportButtons(
    #[prop(into)] path: Signal<crate::api::ApiPath>,
    name: &'static str,
) -> impl IntoView {
    let i = crate::i18n::use_i18n();
    let busy = RwSignal::new(false);
    let err = RwSignal::new(None::<String>);
    let ok = RwSignal::new(None::<String>);
    let download = move |kind: &'static str| {
        let url = path.get_untracked().with_raw("format", kind);
        let mime = if kind == "csv" {
            "text/csv"
        } else {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        };
        let file = format!("{name}-{}.{kind}", today());
        busy.set(true);
        ok.set(None);
        leptos::task::spawn_local(async move {
            match crate::api::download(&url, mime).await {
                Ok(bytes) => {
                    download_bytes(&file, mime, &bytes);
                    err.set(None);
                    ok.set(Some(i.t(k!("rep.downloaded")).to_owned()));
                }
                Err(e) => err.set(Some(error_message(i.lang.get_untracked(), &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="actions export" role="group" aria-label=move || i.t(k!("app.export"))>
            <button type="button" class="btn" on:click=move |_| download("xlsx") disabled=move || busy.get()
                aria-busy=move || busy.get().to_string()>{move || i.t(k!("rep.xlsx"))}</button>
            <button type="button" class="btn" on:click=move |_| download("csv") disabled=move || busy.get()
                aria-busy=move || busy.get().to_string()>{move || i.t(k!("rep.csv"))}</button>
        </div>
        <FormStatus error=Signal::derive(move || err.get()) ok=Signal::derive(move || ok.get()) />
    }
}

/// The browser's local time (people work in Italy; chrono has no clock on wasm32).
pub fn now_local() -> chrono::NaiveDateTime {
    let d = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .and_then(|day| day.and_hms_opt(d.get_hours(), d.get_minutes(), d.get_seconds()))
        .unwrap_or_default()
}

/// Today, local.
pub fn today() -> chrono::NaiveDate {
    now_local().date()
}

#[cfg(test)]
mod day_tests {
    use super::parse_day;

    #[test]
    fn days_are_read_as_written_in_italy() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 7);
        for s in [
            "07/12/2026",
            "7/12/2026",
            "07-12-2026",
            "07.12.2026",
            " 2026-12-07 ",
        ] {
            assert_eq!(parse_day(s), d, "{s}");
        }
        for s in ["12/31/2026", "31/02/2026", "07/12/26", "2026", "", "oggi"] {
            assert_eq!(parse_day(s), None, "{s}");
        }
    }
}
