//! Italian (default) and English texts, and number and date formatting for each.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

mod admin;
mod cases;
mod common;
mod mediation;
mod reports;
mod training;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Italiano.
    It,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::It => "it",
            Self::En => "en",
        }
    }
}

const STORAGE_KEY: &str = "lumit.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The language chosen last time (Italian by default).
pub fn remembered() -> Lang {
    match storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .as_deref()
    {
        Some("en") => Lang::En,
        _ => Lang::It,
    }
}

/// The reactive language, provided at the root.
#[derive(Clone, Copy)]
pub struct I18n {
    /// Current language.
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// Switches and remembers the language, and tells assistive technology via `<html lang>`.
    pub fn set(&self, lang: Lang) {
        self.lang.set(lang);
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, lang.tag());
        }
        apply_html_lang(lang);
    }

    /// The text for a key in the current language (tracked: use inside `move ||`).
    pub fn t(&self, key: Key) -> &'static str {
        text(self.lang.get(), key)
    }
}

/// Sets `<html lang>`.
pub fn apply_html_lang(lang: Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.tag());
    }
}

/// The i18n context.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Formats an integer with the language's thousands separator (`1.234` / `1,234`).
pub fn fmt_int(lang: Lang, n: i64) -> String {
    let sep = if lang == Lang::It { '.' } else { ',' };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// Formats a moment in the browser's time zone: `26/11/2026 10:30` (it), `26/11/2026, 10:30` (en).
pub fn fmt_datetime(lang: Lang, t: &DateTime<Utc>) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.timestamp_millis() as f64));
    let (day, month, year) = (d.get_date(), d.get_month() + 1, d.get_full_year());
    let (h, m) = (d.get_hours(), d.get_minutes());
    match lang {
        Lang::It => format!("{day:02}/{month:02}/{year} {h:02}:{m:02}"),
        Lang::En => format!("{day:02}/{month:02}/{year}, {h:02}:{m:02}"),
    }
}

/// Every area's table, in one place: a [`Key`] is an area and a row.
const AREAS: [&[(&str, &str, &str)]; 6] = [
    common::WORDS,
    cases::WORDS,
    mediation::WORDS,
    admin::WORDS,
    training::WORDS,
    reports::WORDS,
];

/// A text of the interface, in both languages. Made only by [`k!`], which finds its row while
/// compiling: a key missing from the tables does not build, and each row holds both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    area: u8,
    row: u16,
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The key named `name`. Evaluated in a constant by [`k!`], where "no such key" stops the build.
pub const fn key(name: &str) -> Key {
    let mut area = 0;
    while area < AREAS.len() {
        let words = AREAS[area];
        let mut row = 0;
        while row < words.len() {
            if same(words[row].0, name) {
                return Key {
                    area: area as u8,
                    row: row as u16,
                };
            }
            row += 1;
        }
        area += 1;
    }
    panic!("no text has this key: add it to a table in web/src/i18n/")
}

/// The [`Key`] of a text, checked while compiling: `k!("cases.title")`.
macro_rules! k {
    ($name:literal) => {{
        const KEY: $crate::i18n::Key = $crate::i18n::key($name);
        KEY
    }};
}

/// The text of a key in a language.
pub fn text(lang: Lang, key: Key) -> &'static str {
    let (_, it, en) = AREAS[key.area as usize][key.row as usize];
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key written twice would answer with its first row only.
    #[test]
    fn each_key_is_written_once() {
        let mut seen = std::collections::HashSet::new();
        for (name, it, en) in AREAS.iter().flat_map(|a| a.iter()) {
            assert!(seen.insert(name), "`{name}` is written twice");
            assert!(
                !it.is_empty() && !en.is_empty(),
                "`{name}` has an empty text"
            );
        }
        assert!(seen.len() > 500, "{} keys", seen.len());
    }

    /// A row no page asks for is a text nobody reads: the tables hold only what the app shows.
    #[test]
    fn each_key_is_used() {
        fn sources(dir: &std::path::Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.starts_with(concat!(env!("CARGO_MANIFEST_DIR"), "/src/i18n"))
                {
                    out.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut code = String::new();
        sources(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut code,
        );
        let unused: Vec<_> = AREAS
            .iter()
            .flat_map(|a| a.iter())
            .map(|(name, _, _)| *name)
            .filter(|name| !code.contains(&format!("k!(\"{name}\")")))
            .collect();
        assert!(unused.is_empty(), "texts no page uses: {unused:?}");
    }

    #[test]
    fn a_key_finds_its_row() {
        let key = k!("cases.title");
        assert_eq!(AREAS[key.area as usize][key.row as usize].0, "cases.title");
        assert_eq!(text(Lang::It, key), "Pratiche");
        assert_eq!(text(Lang::En, key), "Cases");
    }

    #[test]
    fn thousands() {
        assert_eq!(fmt_int(Lang::It, 1234), "1.234");
        assert_eq!(fmt_int(Lang::En, 1234567), "1,234,567");
        assert_eq!(fmt_int(Lang::It, 12), "12");
    }
}
