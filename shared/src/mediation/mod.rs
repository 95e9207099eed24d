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
