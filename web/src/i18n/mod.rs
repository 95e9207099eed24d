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
    pub fn t(&self, key: &'static str) -> &'static str {
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

/// The text of a key: `(italiano, english)`. Unknown keys show themselves, so a gap is visible.
pub fn text(lang: Lang, key: &'static str) -> &'static str {
    let (it, en) = common::word(key)
        .or_else(|| cases::word(key))
        .or_else(|| mediation::word(key))
        .or_else(|| admin::word(key))
        .or_else(|| training::word(key))
        .or_else(|| reports::word(key))
        .unwrap_or((key, key));
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key written in two areas would answer with the first one only.
    #[test]
    fn each_key_is_in_one_area_and_found() {
        let areas = [
            include_str!("common.rs"),
            include_str!("cases.rs"),
            include_str!("mediation.rs"),
            include_str!("admin.rs"),
            include_str!("training.rs"),
            include_str!("reports.rs"),
        ];
        let mut seen = std::collections::HashSet::new();
        for area in areas {
            for line in area.lines() {
                let key = line
                    .trim_start()
                    .strip_prefix('"')
                    .and_then(|rest| rest.split_once("\" =>"))
                    .map(|(k, _)| k);
                if let Some(k) = key {
                    assert!(seen.insert(k), "`{k}` is in two areas");
                    assert_ne!(text(Lang::It, k), k, "`{k}` is not found");
                }
            }
        }
        assert!(seen.len() > 500, "{} keys", seen.len());
    }

    #[test]
    fn thousands() {
        assert_eq!(fmt_int(Lang::It, 1234), "1.234");
        assert_eq!(fmt_int(Lang::En, 1234567), "1,234,567");
        assert_eq!(fmt_int(Lang::It, 12), "12");
    }
}
