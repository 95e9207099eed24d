//! Searchable pickers of countries and languages, so staff choose "Marocco" or "tigrino" while
//! the API keeps `MA` and `ti`. Each is the WAI-ARIA combobox pattern (APG, "list autocomplete"):
//! a text box that filters a list box; Down and Up move through the choices, Enter picks,
//! Escape closes the list (or empties the box), and leaving the box keeps an exact match or
//! puts back what was chosen. The number of matches is announced.

use leptos::prelude::*;
use lumit_shared::mediation::{language_name, languages};
use lumit_shared::person::{countries, STATELESS};
use lumit_shared::text::fold;

use crate::i18n::{text, use_i18n, Lang};

/// A choice: its code, and its name in the interface's language.
pub type Choice = (String, String);

/// The countries by name, "apolide" first when `stateless` is offered.
pub fn country_choices(lang: Lang, stateless: bool) -> Vec<Choice> {
    let mut out: Vec<Choice> = Vec::with_capacity(250);
    if stateless {
        out.push((
            STATELESS.to_owned(),
            text(lang, k!("people.stateless")).to_owned(),
        ));
    }
    out.extend(
        countries(lang == Lang::It)
            .into_iter()
            .map(|(code, name)| (code.to_owned(), name)),
    );
    out
}

/// A country's name for a code as stored (alpha-2 or alpha-3, or "stateless"); the code itself
/// when it is none of those, "—" for none.
pub fn country_label(lang: Lang, code: Option<&str>) -> String {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => "—".to_owned(),
        Some(c) if c.eq_ignore_ascii_case(STATELESS) => {
            text(lang, k!("people.stateless")).to_owned()
        }
        Some(c) => lumit_shared::person::country_name_in(c, lang == Lang::It)
            .unwrap_or_else(|| c.to_owned()),
    }
}

/// Every language, those most asked for in the province first (the list's order).
pub fn language_choices(lang: Lang) -> Vec<Choice> {
    languages(lang == Lang::It)
        .into_iter()
        .map(|(code, name)| (code.to_owned(), name))
        .collect()
}

/// A language's name for an ISO 639 code; the code itself when not a known one.
pub fn language_label(lang: Lang, code: &str) -> String {
    language_name(code, lang == Lang::It).unwrap_or_else(|| code.trim().to_owned())
}

/// Several language codes, comma-separated as the forms keep them, as names.
pub fn languages_label(lang: Lang, codes: &[String]) -> String {
    if codes.is_empty() {
        return "—".to_owned();
    }
    codes
        .iter()
        .map(|c| language_label(lang, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The choices matching what was typed: names that start with it first, then names that
/// contain it, then an exact code; each group in the list's order.
fn matching(options: &[Choice], typed: &str) -> Vec<Choice> {
    let q = fold(typed.trim());
    if q.is_empty() {
        return options.to_vec();
    }
    let mut starts = Vec::new();
    let mut contains = Vec::new();
    let mut code = Vec::new();
    for o in options {
        let name = fold(&o.1);
        if name.starts_with(&q) || name.split([' ', '-', '\'']).any(|w| w.starts_with(&q)) {
            starts.push(o.clone());
        } else if name.contains(&q) {
            contains.push(o.clone());
        } else if fold(&o.0) == q {
            code.push(o.clone());
        }
    }
    starts.extend(contains);
    starts.extend(code);
    starts
}

/// The name of a code among the choices; the code itself when it is none of them.
fn name_in(options: &[Choice], code: &str) -> String {
    options
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|| code.to_owned())
}

/// The choice whose name or code is exactly what was typed.
fn exact(options: &[Choice], typed: &str) -> Option<Choice> {
    let q = fold(typed.trim());
    options
        .iter()
        .find(|(c, n)| fold(n) == q || fold(c) == q)
        .cloned()
}

/// The combobox itself: `text` is what the box shows; `on_pick` gets a chosen code (empty when
/// the box was emptied); `on_leave` puts back the box's text when nothing was picked.
#[component]
fn Combobox(
    id: String,
    options: Signal<Vec<Choice>>,
    text: RwSignal<String>,
    on_pick: Callback<String>,
    on_leave: Callback<()>,
    #[prop(into)] described: Signal<Option<String>>,
    invalid: Signal<bool>,
    required: bool,
) -> impl IntoView {
    let i = use_i18n();
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let shown = Memo::new(move |_| matching(&options.get(), &text.get()));
    let list_id = format!("{id}-listbox");
    let status_id = format!("{id}-status");
    let option_id = {
        let id = id.clone();
        move |code: &str| format!("{id}-opt-{code}")
    };
    let active_id = {
        let option_id = option_id.clone();
        move || {
            if !open.get() {
                return None;
            }
            let n = active.get()?;
            shown.with(|s| s.get(n).map(|(c, _)| option_id(c)))
        }
    };
    let scroll_to = {
        let option_id = option_id.clone();
        move |n: usize| {
            let code = shown.with_untracked(|s| s.get(n).map(|(c, _)| c.clone()));
            if let Some(el) = code.and_then(|c| document().get_element_by_id(&option_id(&c))) {
                el.scroll_into_view_with_bool(false);
            }
        }
    };
    let pick = move |code: String| {
        open.set(false);
        active.set(None);
        on_pick.run(code);
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let len = shown.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                if !open.get_untracked() {
                    open.set(true);
                }
                let next = match active.get_untracked() {
                    Some(n) if n + 1 < len => n + 1,
                    Some(n) => n,
                    None => 0,
                };
                if len > 0 {
                    active.set(Some(next));
                    scroll_to(next);
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                open.set(true);
                let prev = match active.get_untracked() {
                    Some(n) if n > 0 => n - 1,
                    _ => 0,
                };
                if len > 0 {
                    active.set(Some(prev));
                    scroll_to(prev);
                }
            }
            "Enter" => {
                if !open.get_untracked() {
                    return;
                }
                // Enter picks instead of sending the form.
                ev.prevent_default();
                let chosen = shown.with_untracked(|s| match active.get_untracked() {
                    Some(n) => s.get(n).cloned(),
                    None if s.len() == 1 => s.first().cloned(),
                    None => exact(s, &text.get_untracked()),
                });
                if let Some((code, _)) = chosen {
                    pick(code);
                }
            }
            "Escape" => {
                if open.get_untracked() {
                    ev.prevent_default();
                    open.set(false);
                    active.set(None);
                } else {
                    text.set(String::new());
                }
            }
            _ => {}
        }
    };
    let on_blur = move |_| {
        if !open.get_untracked() && text.with_untracked(String::is_empty) {
            on_pick.run(String::new());
            return;
        }
        open.set(false);
        active.set(None);
        let typed = text.get_untracked();
        if typed.trim().is_empty() {
            on_pick.run(String::new());
        } else if let Some((code, _)) = exact(&options.get_untracked(), &typed) {
            on_pick.run(code);
        } else {
            on_leave.run(());
        }
    };
    view! {
        <div class="combobox">
            <input
                id=id.clone()
                name=id.clone()
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                aria-autocomplete="list"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls=list_id.clone()
                aria-activedescendant=active_id
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                aria-describedby=move || described.get()
                required=required
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    open.set(true);
                    active.set(None);
                }
                on:keydown=on_key
                on:blur=on_blur
                on:click=move |_| open.update(|o| *o = !*o)
            />
            <ul id=list_id.clone() role="listbox" aria-label=move || i.t(k!("picker.choices")) hidden=move || !open.get()>
                {move || {
                    let cur = active.get();
                    shown.get().into_iter().enumerate().map(|(n, (code, name))| {
                        let picked = code.clone();
                        view! {
                            <li id=option_id(&code) role="option"
                                aria-selected=if cur == Some(n) { "true" } else { "false" }
                                on:mousedown=move |ev| { ev.prevent_default(); pick(picked.clone()); }>
                                {name}
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            <p id=status_id.clone() class="visually-hidden" aria-live="polite">
                {move || if open.get() {
                    let n = shown.with(Vec::len);
                    match (n, i.lang.get()) {
                        (0, _) => i.t(k!("picker.none")).to_owned(),
                        (1, _) => i.t(k!("picker.one")).to_owned(),
                        (n, _) => format!("{n} {}", i.t(k!("picker.many"))),
                    }
                } else {
                    String::new()
                }}
            </p>
        </div>
    }
}

/// The ids that describe a field: its hint, then its error while it has one.
fn describing(id: &str, hint: bool, error: Signal<Option<String>>) -> Signal<Option<String>> {
    let (hint_id, err_id) = (format!("{id}-hint"), format!("{id}-error"));
    Signal::derive(move || {
        let mut ids = Vec::new();
        if hint {
            ids.push(hint_id.clone());
        }
        if error.with(Option::is_some) {
            ids.push(err_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    })
}

/// A labelled picker of one choice; `value` is its code (empty for none).
#[component]
pub fn PickerField(
    /// Element id (the error's is `{id}-error`).
    #[prop(into)]
    id: String,
    /// Label key.
    label: crate::i18n::Key,
    /// The code chosen.
    value: RwSignal<String>,
    /// The choices.
    #[prop(into)]
    options: Signal<Vec<Choice>>,
    /// Error message.
    #[prop(into, default = Signal::derive(|| None))]
    error: Signal<Option<String>>,
    /// Required field.
    #[prop(optional)]
    required: bool,
    /// Hint key.
    #[prop(optional)]
    hint: Option<crate::i18n::Key>,
) -> impl IntoView {
    let i = use_i18n();
    let name_of = move |code: &str| options.with_untracked(|o| name_in(o, code));
    let text = RwSignal::new(name_of(&value.get_untracked()));
    // The box follows the value when it changes from outside (a record loaded, a filter
    // cleared) and the names follow the interface's language.
    Effect::new(move |_| {
        let v = value.get();
        options.track();
        text.set(name_of(&v));
    });
    let err_id = format!("{id}-error");
    let described = describing(&id, hint.is_some(), error);
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id.clone()>{move || i.t(label)} {required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{move || i.t(h)}</p> })}
            <Combobox id=id.clone() options=options text=text
                on_pick=Callback::new(move |code: String| value.set(code))
                on_leave=Callback::new(move |_| text.set(name_of(&value.get_untracked())))
                described=described invalid=Signal::derive(move || error.with(Option::is_some)) required=required />
            <p class="error" id=err_id role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A labelled picker of several choices, shown as a list with a remove button each; `value`
/// holds their codes comma-separated, as the forms send them.
#[component]
pub fn MultiPickerField(
    /// Element id.
    #[prop(into)]
    id: String,
    /// Label key.
    label: crate::i18n::Key,
    /// The codes chosen, `"ar, fr"`.
    value: RwSignal<String>,
    /// The choices.
    #[prop(into)]
    options: Signal<Vec<Choice>>,
    /// Error message.
    #[prop(into, default = Signal::derive(|| None))]
    error: Signal<Option<String>>,
    /// Hint key.
    #[prop(optional)]
    hint: Option<crate::i18n::Key>,
) -> impl IntoView {
    let i = use_i18n();
    let codes = Memo::new(move |_| {
        value.with(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
    });
    let name_of = move |code: &str| options.with(|o| name_in(o, code));
    let left = Signal::derive(move || {
        let chosen = codes.get();
        options.with(|o| {
            o.iter()
                .filter(|(c, _)| !chosen.iter().any(|k| k.eq_ignore_ascii_case(c)))
                .cloned()
                .collect()
        })
    });
    let text = RwSignal::new(String::new());
    let add = move |code: String| {
        text.set(String::new());
        if code.is_empty() || codes.with_untracked(|c| c.contains(&code)) {
            return;
        }
        let mut all = codes.get_untracked();
        all.push(code);
        value.set(all.join(", "));
    };
    let remove = move |code: String| {
        let all: Vec<String> = codes
            .get_untracked()
            .into_iter()
            .filter(|c| *c != code)
            .collect();
        value.set(all.join(", "));
    };
    let err_id = format!("{id}-error");
    let described = describing(&id, hint.is_some(), error);
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id.clone()>{move || i.t(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{move || i.t(h)}</p> })}
            <ul class="chips" aria-label=move || format!("{}: {}", i.t(label), i.t(k!("picker.chosen")))>
                {move || codes.get().into_iter().map(|code| {
                    let name = name_of(&code);
                    let gone = code.clone();
                    view! {
                        <li>
                            <span>{name.clone()}</span>
                            <button type="button" class="chip-remove"
                                aria-label=move || format!("{} {}", i.t(k!("picker.remove")), name)
                                on:click=move |_| remove(gone.clone())>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Combobox id=id.clone() options=left text=text
                on_pick=Callback::new(add)
                on_leave=Callback::new(move |_| text.set(String::new()))
                described=described invalid=Signal::derive(move || error.with(Option::is_some)) required=false />
            <p class="error" id=err_id role="alert">{move || error.get()}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str, name: &str) -> Choice {
        (code.to_owned(), name.to_owned())
    }

    #[test]
    fn names_that_start_with_the_text_come_first_then_the_rest_then_codes() {
        let o = vec![
            c("DE", "Germania"),
            c("MA", "Marocco"),
            c("US", "Stati Uniti d'America"),
            c("SM", "San Marino"),
        ];
        let codes = |typed: &str| -> Vec<String> {
            matching(&o, typed).into_iter().map(|(c, _)| c).collect()
        };
        assert_eq!(
            codes("mar"),
            ["MA", "SM"],
            "Marocco, then San Marino by its word"
        );
        assert_eq!(codes("ani"), ["DE"], "inside a name");
        assert_eq!(codes("america"), ["US"], "a later word");
        assert_eq!(
            codes("ma"),
            ["MA", "SM", "DE"],
            "starts, then inside Germania"
        );
        assert_eq!(codes("de"), ["DE"]);
        assert_eq!(codes("  "), ["DE", "MA", "US", "SM"], "nothing typed: all");
        assert_eq!(codes("xyz"), Vec::<String>::new());
    }

    #[test]
    fn an_exact_name_or_code_is_picked_whatever_its_case_and_accents() {
        let o = vec![c("PE", "Perù"), c("IT", "Italia")];
        assert_eq!(exact(&o, "peru").map(|c| c.0).as_deref(), Some("PE"));
        assert_eq!(exact(&o, "it").map(|c| c.0).as_deref(), Some("IT"));
        assert_eq!(exact(&o, "ital"), None);
    }

    #[test]
    fn stored_codes_read_as_names() {
        assert_eq!(country_label(Lang::It, Some("MAR")), "Marocco");
        assert_eq!(country_label(Lang::En, Some("ma")), "Morocco");
        assert_eq!(country_label(Lang::It, None), "—");
        assert_eq!(language_label(Lang::It, "ti"), "Tigrino");
        assert_eq!(
            languages_label(Lang::It, &["ar".into(), "xx".into()]),
            "Arabo, xx"
        );
        let it = country_choices(Lang::It, true);
        assert_eq!(it[0].0, STATELESS, "apolide first");
        assert_eq!(it.len(), 250);
    }
}
