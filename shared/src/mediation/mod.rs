//! Mediators and translators, and the service requests municipalities file for them.
//!
//! Times of jobs and availability are local times in Italy (Europe/Rome), as people say them:
//! "Tuesday at 10:00". They are sent without an offset (`2026-12-01T10:00:00`).

mod availability;
mod lifecycle;
mod matching;
mod mediator;
mod new_request;
mod request;
mod timesheet;

pub use availability::*;
pub use lifecycle::{late_cancellation, Party, RequestMove, StepKind, LATE_CANCELLATION_HOURS};
pub use matching::*;
pub use mediator::*;
pub use new_request::*;
pub use request::*;
pub use timesheet::*;

/// The languages to choose from as `(code, name)`: those most asked for in the province first,
/// in [`LANGUAGES`]' order, then [`MORE_LANGUAGES`] by name, in Italian or English. A table of
/// our own: `isolang`'s names are English only, and its full list would add 300 KB to the
/// web app.
pub fn languages(italian: bool) -> Vec<(&'static str, String)> {
    let name = |it: &str, en: &str| if italian { it } else { en }.to_owned();
    let mut out: Vec<(&'static str, String)> = LANGUAGES
        .iter()
        .map(|(code, it, en)| (*code, name(it, en)))
        .collect();
    let mut rest: Vec<(&'static str, String)> = MORE_LANGUAGES
        .iter()
        .map(|(code, it, en)| (*code, name(it, en)))
        .collect();
    rest.sort_by_key(|(_, n)| crate::text::fold(n));
    out.extend(rest);
    out
}

/// A language's name, Italian or English, from its ISO 639 code; `None` for a code of neither
/// table (the caller shows the code).
pub fn language_name(code: &str, italian: bool) -> Option<String> {
    let code = code.trim().to_ascii_lowercase();
    LANGUAGES
        .iter()
        .chain(MORE_LANGUAGES)
        .find(|(c, _, _)| *c == code)
        .map(|(_, it, en)| if italian { *it } else { *en }.to_owned())
}

/// Other languages people at the desks may speak: ISO 639-1 code, Italian and English name.
pub const MORE_LANGUAGES: &[(&str, &str, &str)] = &[
    ("af", "Afrikaans", "Afrikaans"),
    ("ak", "Akan", "Akan"),
    ("az", "Azero", "Azerbaijani"),
    ("be", "Bielorusso", "Belarusian"),
    ("bg", "Bulgaro", "Bulgarian"),
    ("bo", "Tibetano", "Tibetan"),
    ("bs", "Bosniaco", "Bosnian"),
    ("ca", "Catalano", "Catalan"),
    ("cs", "Ceco", "Czech"),
    ("da", "Danese", "Danish"),
    ("de", "Tedesco", "German"),
    ("dz", "Dzongkha", "Dzongkha"),
    ("ee", "Ewe", "Ewe"),
    ("el", "Greco", "Greek"),
    ("et", "Estone", "Estonian"),
    ("fi", "Finlandese", "Finnish"),
    ("gu", "Gujarati", "Gujarati"),
    ("he", "Ebraico", "Hebrew"),
    ("hr", "Croato", "Croatian"),
    ("hu", "Ungherese", "Hungarian"),
    ("hy", "Armeno", "Armenian"),
    ("id", "Indonesiano", "Indonesian"),
    ("ig", "Igbo", "Igbo"),
    ("ja", "Giapponese", "Japanese"),
    ("kk", "Kazako", "Kazakh"),
    ("km", "Khmer", "Khmer"),
    ("kn", "Kannada", "Kannada"),
    ("ko", "Coreano", "Korean"),
    ("ky", "Kirghiso", "Kyrgyz"),
    ("lg", "Luganda", "Ganda"),
    ("ln", "Lingala", "Lingala"),
    ("lo", "Lao", "Lao"),
    ("lt", "Lituano", "Lithuanian"),
    ("lv", "Lettone", "Latvian"),
    ("mg", "Malgascio", "Malagasy"),
    ("mk", "Macedone", "Macedonian"),
    ("ml", "Malayalam", "Malayalam"),
    ("mn", "Mongolo", "Mongolian"),
    ("mr", "Marathi", "Marathi"),
    ("ms", "Malese", "Malay"),
    ("my", "Birmano", "Burmese"),
    ("ne", "Nepalese", "Nepali"),
    ("nl", "Olandese", "Dutch"),
    ("no", "Norvegese", "Norwegian"),
    ("om", "Oromo", "Oromo"),
    ("pl", "Polacco", "Polish"),
    ("rn", "Kirundi", "Kirundi"),
    ("rw", "Kinyarwanda", "Kinyarwanda"),
    ("sk", "Slovacco", "Slovak"),
    ("sl", "Sloveno", "Slovenian"),
    ("sn", "Shona", "Shona"),
    ("sr", "Serbo", "Serbian"),
    ("sv", "Svedese", "Swedish"),
    ("sw", "Swahili", "Swahili"),
    ("te", "Telugu", "Telugu"),
    ("tg", "Tagico", "Tajik"),
    ("th", "Thailandese", "Thai"),
    ("tk", "Turkmeno", "Turkmen"),
    ("tw", "Twi", "Twi"),
    ("ug", "Uiguro", "Uyghur"),
    ("uz", "Uzbeko", "Uzbek"),
    ("vi", "Vietnamita", "Vietnamese"),
    ("xh", "Xhosa", "Xhosa"),
    ("yo", "Yoruba", "Yoruba"),
    ("zu", "Zulu", "Zulu"),
];

/// Languages most asked for in the province: ISO 639 code, Italian and English name.
pub const LANGUAGES: &[(&str, &str, &str)] = &[
    ("it", "Italiano", "Italian"),
    ("ar", "Arabo", "Arabic"),
    ("bn", "Bengalese", "Bengali"),
    ("ur", "Urdu", "Urdu"),
    ("zh", "Cinese", "Chinese"),
    ("sq", "Albanese", "Albanian"),
    ("ro", "Rumeno", "Romanian"),
    ("uk", "Ucraino", "Ukrainian"),
    ("ru", "Russo", "Russian"),
    ("fr", "Francese", "French"),
    ("en", "Inglese", "English"),
    ("es", "Spagnolo", "Spanish"),
    ("pt", "Portoghese", "Portuguese"),
    ("pa", "Punjabi", "Punjabi"),
    ("hi", "Hindi", "Hindi"),
    ("wo", "Wolof", "Wolof"),
    ("tr", "Turco", "Turkish"),
    ("fa", "Persiano", "Persian"),
    ("ti", "Tigrino", "Tigrinya"),
    ("so", "Somalo", "Somali"),
    ("am", "Amarico", "Amharic"),
    ("ps", "Pashto", "Pashto"),
    ("ku", "Curdo", "Kurdish"),
    ("tl", "Tagalog", "Tagalog"),
    ("si", "Singalese", "Sinhala"),
    ("ta", "Tamil", "Tamil"),
    ("ka", "Georgiano", "Georgian"),
    ("ha", "Hausa", "Hausa"),
    ("bm", "Bambara", "Bambara"),
    ("ff", "Fula", "Fula"),
];

#[cfg(test)]
mod language_tests {
    use super::*;

    #[test]
    fn every_language_is_iso_639_1_once_and_named_in_both_languages() {
        let mut seen = std::collections::BTreeSet::new();
        for (code, it, en) in LANGUAGES.iter().chain(MORE_LANGUAGES) {
            assert!(
                isolang::Language::from_639_1(code).is_some(),
                "{code} is not ISO 639-1"
            );
            assert!(seen.insert(*code), "{code} twice");
            assert!(!it.is_empty() && !en.is_empty(), "{code}");
        }
        let codes: Vec<&str> = MORE_LANGUAGES.iter().map(|l| l.0).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        assert_eq!(codes, sorted, "the others in code order");
    }

    #[test]
    fn the_most_asked_come_first_then_the_others_by_name() {
        let it = languages(true);
        assert_eq!(it[0], ("it", "Italiano".to_owned()));
        assert_eq!(it[1], ("ar", "Arabo".to_owned()));
        let rest: Vec<&str> = it[LANGUAGES.len()..].iter().map(|l| l.1.as_str()).collect();
        assert_eq!(rest.first(), Some(&"Afrikaans"));
        assert!(
            rest.iter().position(|n| *n == "Tedesco") > rest.iter().position(|n| *n == "Swahili")
        );
        assert_eq!(language_name("TI", true).as_deref(), Some("Tigrino"));
        assert_eq!(language_name("de", false).as_deref(), Some("German"));
        assert_eq!(language_name("xx", true), None);
    }
}
