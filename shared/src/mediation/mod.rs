//! Mediators and translators, and the service requests municipalities file for them.
//!
//! Times of jobs and availability are local times in Italy (Europe/Rome), as people say them:
//! "Tuesday at 10:00". They are sent without an offset (`2026-12-01T10:00:00`).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{
    language, optional_email, optional_phone, optional_text, required_paragraphs, required_text,
    Errors,
};
use crate::FieldError;

wire_enum!(
    /// What a mediator does.
    MediatorKind {
        /// Linguistic-cultural mediation, in person or remote.
        Mediator = "mediator",
        /// Translation of documents.
        Translator = "translator",
        /// Both.
        Both = "both",
    }
);

impl MediatorKind {
    /// Whether this kind of mediator takes this kind of job.
    pub fn does(self, job: RequestKind) -> bool {
        matches!(
            (self, job),
            (Self::Both, _)
                | (Self::Mediator, RequestKind::Mediation)
                | (Self::Translator, RequestKind::Translation)
        )
    }
}

wire_enum!(
    /// How well a mediator speaks a language (CEFR, or mother tongue).
    LanguageLevel {
        /// Mother tongue.
        Native = "native",
        /// C2.
        C2 = "c2",
        /// C1.
        C1 = "c1",
        /// B2.
        B2 = "b2",
        /// B1.
        B1 = "b1",
    }
);

impl LanguageLevel {
    /// Higher is better: native 5 … B1 1.
    pub fn rank(self) -> u8 {
        match self {
            Self::Native => 5,
            Self::C2 => 4,
            Self::C1 => 3,
            Self::B2 => 2,
            Self::B1 => 1,
        }
    }
}

/// A language a mediator works in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MediatorLanguage {
    /// ISO 639 code, e.g. `ar`, `bn`, `ur`.
    pub language: String,
    /// Level.
    pub level: LanguageLevel,
}

/// A mediator or translator. Operators and municipal officers get name, kind, languages and
/// coverage only: contact data, organisation and the linked account are then `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mediator {
    /// Identifier (UUID).
    pub id: String,
    /// Full name.
    pub full_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Mediation, translation or both.
    pub kind: MediatorKind,
    /// Employer, e.g. Co&So or Odissea.
    pub organisation: Option<String>,
    /// Languages with levels.
    pub languages: Vec<MediatorLanguage>,
    /// Municipalities covered (an Unione covers its members).
    pub municipality_ids: Vec<String>,
    /// Whether they travel to on-site jobs.
    pub travels: bool,
    /// Takes jobs.
    pub active: bool,
    /// The staff account (role `mediator`) that acts as this mediator.
    pub user_id: Option<String>,
    /// Last change.
    #[serde(serialize_with = "crate::time::serialize")]
    pub updated_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/mediators` (every field) and `PATCH /api/v1/mediators/{id}` (only the
/// fields that change; `null` clears an optional one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct MediatorInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub email: Option<Option<String>>,
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MediatorKind>,
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub organisation: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<MediatorLanguage>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travels: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub user_id: Option<Option<String>>,
}

/// A mediator's fields once parsed (references are checked by the server).
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ValidMediator {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub kind: MediatorKind,
    pub organisation: Option<String>,
    pub languages: Vec<MediatorLanguage>,
    pub municipality_ids: Vec<String>,
    pub travels: bool,
    pub active: bool,
    pub user_id: Option<String>,
}

impl MediatorInput {
    /// Applies the input to the current mediator (`None`: a new one, where name, kind and
    /// languages are required), collecting every field error.
    pub fn apply(&self, cur: Option<&Mediator>) -> Result<ValidMediator, Vec<FieldError>> {
        let mut e = Errors::default();
        let full_name = match (&self.full_name, cur) {
            (Some(n), _) => e.take("full_name", required_text(n, 200)),
            (None, Some(c)) => Some(c.full_name.clone()),
            (None, None) => {
                e.add("full_name", "required", "must not be empty");
                None
            }
        };
        let email = match &self.email {
            Some(v) => e.take("email", optional_email(v.as_deref())).flatten(),
            None => cur.and_then(|c| c.email.clone()),
        };
        let phone = match &self.phone {
            Some(v) => e.take("phone", optional_phone(v.as_deref())).flatten(),
            None => cur.and_then(|c| c.phone.clone()),
        };
        let kind = self.kind.or(cur.map(|c| c.kind));
        if kind.is_none() {
            e.add("kind", "required", "say mediator, translator or both");
        }
        let organisation = match &self.organisation {
            Some(v) => e
                .take("organisation", optional_text(v.as_deref(), 200))
                .flatten(),
            None => cur.and_then(|c| c.organisation.clone()),
        };
        let languages = match &self.languages {
            Some(ls) => {
                let mut out: Vec<MediatorLanguage> = Vec::new();
                for (i, l) in ls.iter().enumerate() {
                    let field = format!("languages[{i}].language");
                    if let Some(code) = e.take(&field, language(&l.language)) {
                        if out.iter().any(|o| o.language == code) {
                            e.add(field, "duplicate", "this language is listed twice");
                        } else {
                            out.push(MediatorLanguage {
                                language: code,
                                level: l.level,
                            });
                        }
                    }
                }
                if ls.is_empty() {
                    e.add("languages", "required", "list at least one language");
                }
                out
            }
            None => match cur {
                Some(c) => c.languages.clone(),
                None => {
                    e.add("languages", "required", "list at least one language");
                    Vec::new()
                }
            },
        };
        let municipality_ids = match &self.municipality_ids {
            Some(ids) => {
                let mut out: Vec<String> = Vec::new();
                for id in ids {
                    let id = id.trim().to_owned();
                    if !id.is_empty() && !out.contains(&id) {
                        out.push(id);
                    }
                }
                out
            }
            None => cur.map(|c| c.municipality_ids.clone()).unwrap_or_default(),
        };
        let user_id = match &self.user_id {
            Some(v) => v
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            None => cur.and_then(|c| c.user_id.clone()),
        };
        let travels = self.travels.or(cur.map(|c| c.travels)).unwrap_or(true);
        let active = self.active.or(cur.map(|c| c.active)).unwrap_or(true);
        e.finish(|| ValidMediator {
            full_name: full_name.unwrap_or_default(),
            email,
            phone,
            kind: kind.unwrap_or(MediatorKind::Mediator),
            organisation,
            languages,
            municipality_ids,
            travels,
            active,
            user_id,
        })
    }
}

/// A weekly window in which a mediator takes jobs, e.g. Tuesday 09:00–13:00.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WeeklyWindow {
    /// ISO weekday: 1 Monday … 7 Sunday.
    pub weekday: u8,
    /// Start, `HH:MM`.
    #[cfg_attr(feature = "openapi", schema(example = "09:00"))]
    pub start: String,
    /// End, `HH:MM` (after the start, same day).
    #[cfg_attr(feature = "openapi", schema(example = "13:00"))]
    pub end: String,
}

/// Days a mediator is away (holidays, sick leave), both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AvailabilityException {
    /// First day away.
    pub from: NaiveDate,
    /// Last day away.
    pub to: NaiveDate,
    /// Why (optional, e.g. "ferie").
    pub reason: Option<String>,
}

/// A mediator's availability: `GET` and `PUT /api/v1/mediators/{id}/availability` (the whole
/// document is replaced).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// Weekly recurring windows.
    pub weekly: Vec<WeeklyWindow>,
    /// Dated exceptions.
    pub exceptions: Vec<AvailabilityException>,
}

/// `HH:MM` into a time of day (whole minutes); `24:00` is the day's last second.
pub fn time_of_day(s: &str) -> Result<NaiveTime, (&'static str, String)> {
    let t = s.trim();
    // The end of a window that runs to midnight.
    if t == "24:00" {
        return Ok(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
    }
    NaiveTime::parse_from_str(t, "%H:%M")
        .map_err(|_| ("invalid_time", format!("`{s}` is not a time (HH:MM)")))
}

/// A parsed weekly window: weekday 1–7 and minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Window {
    pub weekday: u8,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Availability {
    /// Checks the windows (weekday 1–7, start before end, no overlaps on a day) and the exceptions
    /// (from ≤ to, no overlaps), naming the field at fault.
    pub fn parse(&self) -> Result<(Vec<Window>, Vec<AvailabilityException>), Vec<FieldError>> {
        let mut e = Errors::default();
        let mut windows: Vec<(usize, Window)> = Vec::new();
        for (i, w) in self.weekly.iter().enumerate() {
            if !(1..=7).contains(&w.weekday) {
                e.add(
                    format!("weekly[{i}].weekday"),
                    "out_of_range",
                    "must be 1 (Monday) to 7 (Sunday)",
                );
            }
            let start = e.take(&format!("weekly[{i}].start"), time_of_day(&w.start));
            let end = e.take(&format!("weekly[{i}].end"), time_of_day(&w.end));
            if let (Some(start), Some(end)) = (start, end) {
                if start >= end {
                    e.add(
                        format!("weekly[{i}].end"),
                        "before_start",
                        "must be after the start",
                    );
                } else {
                    windows.push((
                        i,
                        Window {
                            weekday: w.weekday,
                            start,
                            end,
                        },
                    ));
                }
            }
        }
        for (a, (i, w)) in windows.iter().enumerate() {
            if let Some((j, _)) = windows[..a]
                .iter()
                .find(|(_, o)| o.weekday == w.weekday && o.start < w.end && w.start < o.end)
            {
                e.add(
                    format!("weekly[{i}]"),
                    "overlap",
                    format!("overlaps window {j} on the same day"),
                );
            }
        }
        for (i, x) in self.exceptions.iter().enumerate() {
            if x.from > x.to {
                e.add(
                    format!("exceptions[{i}].to"),
                    "before_start",
                    "must not be before `from`",
                );
            }
            if let Some(r) = &x.reason {
                e.take(
                    &format!("exceptions[{i}].reason"),
                    optional_text(Some(r), 200),
                );
            }
            if let Some(j) = self.exceptions[..i]
                .iter()
                .position(|o| o.from <= x.to && x.from <= o.to)
            {
                e.add(
                    format!("exceptions[{i}]"),
                    "overlap",
                    format!("overlaps exception {j}"),
                );
            }
        }
        let mut exceptions = self.exceptions.clone();
        exceptions.sort_by_key(|x| x.from);
        let mut windows: Vec<Window> = windows.into_iter().map(|(_, w)| w).collect();
        windows.sort_by_key(|w| (w.weekday, w.start));
        e.finish(|| (windows, exceptions))
    }
}

/// Whether the windows and exceptions let a mediator take the whole slot `[start, end)` (one day).
pub fn covers_slot(
    windows: &[Window],
    exceptions: &[AvailabilityException],
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> bool {
    let day = start.date();
    if end.date() != day && end.time() != NaiveTime::MIN {
        return false;
    }
    if exceptions.iter().any(|x| x.from <= day && day <= x.to) {
        return false;
    }
    let weekday = day.weekday().number_from_monday() as u8;
    let end_t = if end.date() != day {
        NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
    } else {
        end.time()
    };
    // Touching windows (09:00–12:00, 12:00–15:00) make one stretch.
    let mut day_windows: Vec<&Window> = windows.iter().filter(|w| w.weekday == weekday).collect();
    day_windows.sort_by_key(|w| w.start);
    let mut stretch: Option<(NaiveTime, NaiveTime)> = None;
    for w in day_windows {
        stretch = match stretch {
            Some((s, e)) if w.start <= e => Some((s, e.max(w.end))),
            Some((s, e)) if s <= start.time() && end_t <= e => return true,
            _ => Some((w.start, w.end)),
        };
    }
    stretch.is_some_and(|(s, e)| s <= start.time() && end_t <= e)
}

wire_enum!(
    /// Translation of a document, or mediation in a meeting.
    RequestKind {
        /// Translation of a document.
        Translation = "translation",
        /// Linguistic-cultural mediation.
        Mediation = "mediation",
    }
);

wire_enum!(
    /// Where a request stands.
    RequestStatus {
        /// Filed by the municipality.
        Submitted = "submitted",
        /// Approved by the coordinator, waiting for a mediator.
        Approved = "approved",
        /// Refused by the coordinator (with a reason).
        Rejected = "rejected",
        /// A mediator was chosen.
        Assigned = "assigned",
        /// The mediator confirmed.
        Confirmed = "confirmed",
        /// Done, with the actual hours.
        Completed = "completed",
        /// Called off before completion.
        Cancelled = "cancelled",
    }
);

impl RequestStatus {
    /// Where a request may go from here. `assigned`/`confirmed` → `approved` is the mediator
    /// declining (with a reason).
    pub fn next(self) -> &'static [RequestStatus] {
        use RequestStatus::*;
        match self {
            Submitted => &[Approved, Rejected, Cancelled],
            Approved => &[Assigned, Rejected, Cancelled],
            Assigned => &[Confirmed, Approved, Cancelled],
            Confirmed => &[Completed, Approved, Cancelled],
            Rejected | Completed | Cancelled => &[],
        }
    }

    /// A mediator is booked for the job in these states.
    pub fn books_mediator(self) -> bool {
        matches!(self, Self::Assigned | Self::Confirmed)
    }
}

wire_enum!(
    /// Where a mediation takes place.
    Setting {
        /// School.
        School = "school",
        /// Social services.
        SocialServices = "social_services",
        /// Registry office (anagrafe).
        RegistryOffice = "registry_office",
        /// Health service.
        HealthService = "health_service",
        /// Court.
        Court = "court",
        /// Police or Questura.
        Police = "police",
        /// Anything else.
        Other = "other",
    }
);

wire_enum!(
    /// How urgent a request is.
    Urgency {
        /// Normal.
        Normal = "normal",
        /// Urgent.
        Urgent = "urgent",
    }
);

wire_enum!(
    /// How a job went.
    JobOutcome {
        /// Done as planned.
        Done = "done",
        /// Done in part.
        PartlyDone = "partly_done",
        /// The person did not come.
        NoShow = "no_show",
    }
);

/// A service request. A mediator gets the minimum: no case, no attachments' description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceRequest {
    /// Identifier (UUID).
    pub id: String,
    /// Human-readable reference, unique per year.
    #[cfg_attr(feature = "openapi", schema(example = "RS-2026-000042"))]
    pub reference: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// The requesting municipality.
    pub municipality_id: String,
    /// Its name.
    pub municipality_name: String,
    /// The requesting office, e.g. "Ufficio anagrafe".
    pub office: String,
    /// Contact person.
    pub contact_name: String,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// Contact phone.
    pub contact_phone: Option<String>,
    /// Translation or mediation.
    pub kind: RequestKind,
    /// Mediation: the language; translation: the source language (ISO 639).
    pub language: String,
    /// Translation: the target language.
    pub target_language: Option<String>,
    /// Translation: document type, e.g. "certificato di nascita".
    pub document_type: Option<String>,
    /// Translation: pages.
    pub pages: Option<i32>,
    /// Translation: words.
    pub words: Option<i32>,
    /// Translation: due date.
    pub due_date: Option<NaiveDate>,
    /// Translation: sworn (asseverata).
    pub sworn: bool,
    /// Mediation: start, local time in Italy.
    pub starts_at: Option<NaiveDateTime>,
    /// Mediation: planned minutes.
    pub duration_minutes: Option<i32>,
    /// Mediation: end, local time in Italy.
    pub ends_at: Option<NaiveDateTime>,
    /// Mediation: remote (video or phone) rather than on site.
    pub remote: bool,
    /// Mediation on site: address.
    pub address: Option<String>,
    /// Mediation: setting.
    pub setting: Option<Setting>,
    /// Mediation: number of participants.
    pub participants: Option<i32>,
    /// Why the service is needed.
    pub purpose: String,
    /// Urgency.
    pub urgency: Urgency,
    /// The case it serves; only for those who may see that case.
    pub case_id: Option<String>,
    /// What will be attached (files come later); not shown to mediators.
    pub attachments: Option<String>,
    /// The mediator assigned.
    pub mediator_id: Option<String>,
    /// Their name.
    pub mediator_name: Option<String>,
    /// Why it was rejected (a mediator's reason for declining is kept in the history).
    pub reason: Option<String>,
    /// Completion: actual start (local time).
    pub actual_start: Option<NaiveDateTime>,
    /// Completion: actual minutes worked.
    pub actual_minutes: Option<i32>,
    /// Completion: outcome.
    pub outcome: Option<JobOutcome>,
    /// Completion: notes.
    pub completion_notes: Option<String>,
    /// Cancellation: why.
    pub cancel_reason: Option<String>,
    /// Cancellation: who.
    pub cancelled_by: Option<String>,
    /// Cancelled less than 24 h before the start (billed).
    pub cancelled_late: bool,
    /// Filed.
    #[serde(serialize_with = "crate::time::serialize")]
    pub created_at: DateTime<Utc>,
    /// Last change.
    #[serde(serialize_with = "crate::time::serialize")]
    pub updated_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/requests`. Fields for the other kind must be absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct NewRequest {
    pub municipality_id: String,
    pub office: String,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub kind: RequestKind,
    /// Mediation: the language; translation: the source language.
    pub language: String,
    pub target_language: Option<String>,
    pub document_type: Option<String>,
    pub pages: Option<i32>,
    pub words: Option<i32>,
    pub due_date: Option<NaiveDate>,
    pub sworn: Option<bool>,
    /// Mediation: the day.
    pub date: Option<NaiveDate>,
    /// Mediation: start, `HH:MM` local time.
    pub start_time: Option<String>,
    pub duration_minutes: Option<i32>,
    pub remote: Option<bool>,
    pub address: Option<String>,
    pub setting: Option<Setting>,
    pub participants: Option<i32>,
    pub purpose: String,
    pub urgency: Option<Urgency>,
    pub case_id: Option<String>,
    pub attachments: Option<String>,
}

// The enum's derives come from `wire_enum!`, which has no `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for RequestKind {
    fn default() -> Self {
        Self::Mediation
    }
}

/// A request's fields once parsed.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ValidRequest {
    pub municipality_id: String,
    pub office: String,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub kind: RequestKind,
    pub language: String,
    pub target_language: Option<String>,
    pub document_type: Option<String>,
    pub pages: Option<i32>,
    pub words: Option<i32>,
    pub due_date: Option<NaiveDate>,
    pub sworn: bool,
    pub starts_at: Option<NaiveDateTime>,
    pub duration_minutes: Option<i32>,
    pub remote: bool,
    pub address: Option<String>,
    pub setting: Option<Setting>,
    pub participants: Option<i32>,
    pub purpose: String,
    pub urgency: Urgency,
    pub case_id: Option<String>,
    pub attachments: Option<String>,
}

impl ValidRequest {
    /// End of a mediation.
    pub fn ends_at(&self) -> Option<NaiveDateTime> {
        self.starts_at?
            .checked_add_signed(chrono::Duration::minutes(self.duration_minutes?.into()))
    }
}

/// The furthest day a job may be planned for: two years ahead.
pub fn horizon(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_signed(chrono::Duration::days(731))
        .unwrap_or(today)
}

fn positive(e: &mut Errors, field: &str, v: Option<i32>, max: i32) -> Option<i32> {
    match v {
        Some(n) if !(1..=max).contains(&n) => {
            e.add(
                field,
                "out_of_range",
                format!("must be between 1 and {max}"),
            );
            None
        }
        v => v,
    }
}

impl NewRequest {
    /// Parses a new request; `today` (local) bounds the dates: a job can't be in the past.
    pub fn parse(&self, today: NaiveDate) -> Result<ValidRequest, Vec<FieldError>> {
        let mut e = Errors::default();
        if self.municipality_id.trim().is_empty() {
            e.add("municipality_id", "required", "must not be empty");
        }
        let office = e.take("office", required_text(&self.office, 200));
        let contact_name = e.take("contact_name", required_text(&self.contact_name, 200));
        let contact_email = e
            .take(
                "contact_email",
                optional_email(self.contact_email.as_deref()),
            )
            .flatten();
        let contact_phone = e
            .take(
                "contact_phone",
                optional_phone(self.contact_phone.as_deref()),
            )
            .flatten();
        let lang = e.take("language", language(&self.language));
        let purpose = e.take("purpose", required_paragraphs(&self.purpose, 2000));
        let attachments = e
            .take(
                "attachments",
                optional_text(self.attachments.as_deref(), 1000),
            )
            .flatten();
        let forbid = |e: &mut Errors, field: &str, present: bool, kind: &str| {
            if present {
                e.add(field, "not_allowed", format!("only for {kind}"));
            }
        };
        let mut v = ValidRequest {
            municipality_id: self.municipality_id.trim().to_owned(),
            office: office.clone().unwrap_or_default(),
            contact_name: contact_name.clone().unwrap_or_default(),
            contact_email,
            contact_phone,
            kind: self.kind,
            language: lang.clone().unwrap_or_default(),
            target_language: None,
            document_type: None,
            pages: None,
            words: None,
            due_date: None,
            sworn: false,
            starts_at: None,
            duration_minutes: None,
            remote: false,
            address: None,
            setting: None,
            participants: None,
            purpose: purpose.clone().unwrap_or_default(),
            urgency: self.urgency.unwrap_or(Urgency::Normal),
            case_id: self
                .case_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            attachments,
        };
        match self.kind {
            RequestKind::Translation => {
                for (field, present) in [
                    ("date", self.date.is_some()),
                    ("start_time", self.start_time.is_some()),
                    ("duration_minutes", self.duration_minutes.is_some()),
                    ("remote", self.remote.is_some()),
                    ("address", self.address.is_some()),
                    ("setting", self.setting.is_some()),
                    ("participants", self.participants.is_some()),
                ] {
                    forbid(&mut e, field, present, "mediations");
                }
                match self.target_language.as_deref() {
                    Some(t) => {
                        if let Some(t) = e.take("target_language", language(t)) {
                            if lang.as_deref() == Some(t.as_str()) {
                                e.add(
                                    "target_language",
                                    "same_language",
                                    "must differ from the source language",
                                );
                            }
                            v.target_language = Some(t);
                        }
                    }
                    None => e.add("target_language", "required", "say the target language"),
                }
                v.document_type = e
                    .take(
                        "document_type",
                        optional_text(self.document_type.as_deref(), 200),
                    )
                    .flatten();
                if v.document_type.is_none() {
                    e.add("document_type", "required", "say what document it is");
                }
                v.pages = positive(&mut e, "pages", self.pages, 1000);
                v.words = positive(&mut e, "words", self.words, 1_000_000);
                if v.pages.is_none()
                    && v.words.is_none()
                    && !e.0.iter().any(|f| f.field == "pages" || f.field == "words")
                {
                    e.add("pages", "required", "give the pages or the words");
                }
                match self.due_date {
                    Some(d) if d < today => {
                        e.add("due_date", "in_the_past", "must not be in the past")
                    }
                    Some(d) if d > horizon(today) => {
                        e.add("due_date", "too_far", "must be within two years")
                    }
                    Some(d) => v.due_date = Some(d),
                    None => e.add("due_date", "required", "say when it is needed"),
                }
                v.sworn = self.sworn.unwrap_or(false);
            }
            RequestKind::Mediation => {
                for (field, present) in [
                    ("target_language", self.target_language.is_some()),
                    ("document_type", self.document_type.is_some()),
                    ("pages", self.pages.is_some()),
                    ("words", self.words.is_some()),
                    ("due_date", self.due_date.is_some()),
                    ("sworn", self.sworn.is_some()),
                ] {
                    forbid(&mut e, field, present, "translations");
                }
                let date = match self.date {
                    Some(d) if d < today => {
                        e.add("date", "in_the_past", "must not be in the past");
                        None
                    }
                    Some(d) if d > horizon(today) => {
                        e.add("date", "too_far", "must be within two years");
                        None
                    }
                    Some(d) => Some(d),
                    None => {
                        e.add("date", "required", "say the day");
                        None
                    }
                };
                let start = match self.start_time.as_deref() {
                    Some(s) => e.take("start_time", time_of_day(s)),
                    None => {
                        e.add("start_time", "required", "say the start time");
                        None
                    }
                };
                v.starts_at = date.zip(start).map(|(d, t)| d.and_time(t));
                match self.duration_minutes {
                    Some(m) if (15..=480).contains(&m) => v.duration_minutes = Some(m),
                    Some(_) => e.add(
                        "duration_minutes",
                        "out_of_range",
                        "must be between 15 and 480 minutes",
                    ),
                    None => e.add("duration_minutes", "required", "say how long"),
                }
                if let (Some(s), Some(end)) = (v.starts_at, v.ends_at()) {
                    if end.date() != s.date() && end.time() != NaiveTime::MIN {
                        e.add("duration_minutes", "past_midnight", "must end the same day");
                    }
                }
                v.remote = self.remote.unwrap_or(false);
                v.address = e
                    .take("address", optional_text(self.address.as_deref(), 300))
                    .flatten();
                if !v.remote && v.address.is_none() {
                    e.add("address", "required", "give the address, or mark it remote");
                }
                v.setting = self.setting;
                if v.setting.is_none() {
                    e.add("setting", "required", "say the setting");
                }
                v.participants = positive(&mut e, "participants", self.participants, 100);
            }
        }
        e.finish(|| v)
    }
}

/// Body of `POST /api/v1/requests/{id}/transitions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestTransition {
    /// The status to move to. From `assigned` or `confirmed`, `approved` is the mediator
    /// declining.
    pub to: RequestStatus,
    /// Required to reject, decline or cancel.
    #[serde(default)]
    pub reason: Option<String>,
    /// Required to assign.
    #[serde(default)]
    pub mediator_id: Option<String>,
    /// Completion: actual start, local time (default: the planned start).
    #[serde(default)]
    pub actual_start: Option<NaiveDateTime>,
    /// Completion: minutes actually worked (required).
    #[serde(default)]
    pub actual_minutes: Option<i32>,
    /// Completion: outcome (required).
    #[serde(default)]
    pub outcome: Option<JobOutcome>,
    /// Completion: notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// One step of a request's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestStep {
    /// When.
    #[serde(serialize_with = "crate::time::serialize")]
    pub at: DateTime<Utc>,
    /// From (none when filed).
    pub from: Option<RequestStatus>,
    /// To.
    pub to: RequestStatus,
    /// Who.
    pub actor_name: String,
    /// Reason or notes.
    pub note: Option<String>,
    /// The mediator concerned (assignments, declines).
    pub mediator_name: Option<String>,
    /// A late cancellation.
    pub late: bool,
}

wire_enum!(
    /// A hard rule a mediator fails for a job.
    Rule {
        /// Doesn't speak the language (or one of the two, for a translation), or doesn't do this kind of job.
        Language = "language",
        /// Doesn't cover the municipality, or doesn't travel.
        Coverage = "coverage",
        /// Outside their availability, or away that day.
        Availability = "availability",
        /// Booked for another job at that time.
        Overlap = "overlap",
        /// Another on-site job elsewhere too close for the travel time.
        Travel = "travel",
    }
);

/// Why a mediator can't take a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleFailure {
    /// The rule.
    pub rule: Rule,
    /// In words.
    pub detail: String,
    /// The job in the way (overlap, travel).
    pub conflicting_request_id: Option<String>,
    /// Its reference.
    pub conflicting_reference: Option<String>,
}

/// A mediator ranked for a request, with the reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// The mediator.
    pub mediator_id: String,
    /// Their name.
    pub full_name: String,
    /// Their organisation.
    pub organisation: Option<String>,
    /// 1 for the best; none when a hard rule fails.
    pub rank: Option<u32>,
    /// The level in the job's language (the lower of the two, for a translation).
    pub level: Option<LanguageLevel>,
    /// Minutes of jobs this month (assigned, confirmed and completed).
    pub minutes_this_month: i64,
    /// Why it ranks there, in words.
    pub explanation: String,
    /// The hard rules failed (empty when eligible).
    pub failures: Vec<RuleFailure>,
}

/// Hours of one municipality and kind in a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimesheetRow {
    /// Municipality.
    pub municipality_id: String,
    /// Its name.
    pub municipality_name: String,
    /// Kind of job.
    pub kind: RequestKind,
    /// Jobs completed.
    pub jobs: i64,
    /// Minutes worked.
    pub minutes: i64,
}

/// A late cancellation (billed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LateCancellation {
    /// The request.
    pub request_id: String,
    /// Its reference.
    pub reference: String,
    /// Municipality.
    pub municipality_name: String,
    /// Planned start.
    pub starts_at: Option<NaiveDateTime>,
    /// Planned minutes.
    pub planned_minutes: Option<i32>,
    /// Why.
    pub reason: Option<String>,
}

/// `GET /api/v1/mediators/{id}/timesheet?month=2026-11`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timesheet {
    /// The mediator.
    pub mediator_id: String,
    /// Their name.
    pub mediator_name: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Hours per municipality and kind.
    pub rows: Vec<TimesheetRow>,
    /// Total minutes.
    pub total_minutes: i64,
    /// Late cancellations, listed apart.
    pub late_cancellations: Vec<LateCancellation>,
}

/// Answer of `POST /api/v1/me/calendar-feed`: the private iCalendar address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeed {
    /// Path with the secret token; add it to a calendar app. A new one invalidates the old.
    pub path: String,
}

/// `YYYY-MM` into the first day of the month.
pub fn month(s: &str) -> Result<NaiveDate, (&'static str, String)> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .map_err(|_| ("invalid_month", format!("`{s}` is not a month (YYYY-MM)")))
}

/// Minutes as "h:mm".
pub fn hours(minutes: i64) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn availability_rejects_overlaps_and_reversed_windows() {
        let a = Availability {
            weekly: vec![
                WeeklyWindow {
                    weekday: 2,
                    start: "09:00".into(),
                    end: "13:00".into(),
                },
                WeeklyWindow {
                    weekday: 2,
                    start: "12:00".into(),
                    end: "14:00".into(),
                },
                WeeklyWindow {
                    weekday: 3,
                    start: "15:00".into(),
                    end: "14:00".into(),
                },
                WeeklyWindow {
                    weekday: 8,
                    start: "09:00".into(),
                    end: "10:00".into(),
                },
            ],
            exceptions: vec![
                AvailabilityException {
                    from: d("2026-12-24"),
                    to: d("2026-12-31"),
                    reason: None,
                },
                AvailabilityException {
                    from: d("2026-12-30"),
                    to: d("2027-01-02"),
                    reason: None,
                },
            ],
        };
        let fields: Vec<String> = a
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            [
                "weekly[2].end",
                "weekly[3].weekday",
                "weekly[1]",
                "exceptions[1]"
            ]
        );
    }

    #[test]
    fn a_slot_must_fit_a_window_on_a_day_not_away() {
        let a = Availability {
            weekly: vec![WeeklyWindow {
                weekday: 2,
                start: "09:00".into(),
                end: "13:00".into(),
            }],
            exceptions: vec![AvailabilityException {
                from: d("2026-12-08"),
                to: d("2026-12-08"),
                reason: None,
            }],
        };
        let (w, x) = a.parse().unwrap();
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // 2026-12-01 is a Tuesday.
        assert!(covers_slot(
            &w,
            &x,
            at("2026-12-01 10:00"),
            at("2026-12-01 11:00")
        ));
        assert!(!covers_slot(
            &w,
            &x,
            at("2026-12-01 12:30"),
            at("2026-12-01 13:30")
        ));
        assert!(!covers_slot(
            &w,
            &x,
            at("2026-12-02 10:00"),
            at("2026-12-02 11:00")
        ));
        assert!(!covers_slot(
            &w,
            &x,
            at("2026-12-08 10:00"),
            at("2026-12-08 11:00")
        ));
        // Touching windows make one stretch; a gap breaks it.
        let a = Availability {
            weekly: vec![
                WeeklyWindow {
                    weekday: 2,
                    start: "14:00".into(),
                    end: "16:00".into(),
                },
                WeeklyWindow {
                    weekday: 2,
                    start: "09:00".into(),
                    end: "12:00".into(),
                },
                WeeklyWindow {
                    weekday: 2,
                    start: "12:00".into(),
                    end: "13:00".into(),
                },
            ],
            exceptions: vec![],
        };
        let (w, x) = a.parse().unwrap();
        assert!(covers_slot(
            &w,
            &x,
            at("2026-12-01 11:00"),
            at("2026-12-01 12:30")
        ));
        assert!(!covers_slot(
            &w,
            &x,
            at("2026-12-01 12:30"),
            at("2026-12-01 14:30")
        ));
        assert!(covers_slot(
            &w,
            &x,
            at("2026-12-01 14:00"),
            at("2026-12-01 16:00")
        ));
    }

    #[test]
    fn requests_need_the_fields_of_their_kind() {
        let r = NewRequest {
            municipality_id: "046005".into(),
            office: "Anagrafe".into(),
            contact_name: "Rossi".into(),
            kind: RequestKind::Mediation,
            language: "ar".into(),
            purpose: "Colloquio".into(),
            pages: Some(2),
            ..Default::default()
        };
        let fields: Vec<String> = r
            .parse(d("2026-11-26"))
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            [
                "pages",
                "date",
                "start_time",
                "duration_minutes",
                "address",
                "setting"
            ]
        );
        let r = NewRequest {
            kind: RequestKind::Translation,
            language: "bn".into(),
            target_language: Some("it".into()),
            document_type: Some("Certificato di nascita".into()),
            pages: Some(2),
            due_date: Some(d("2026-11-27")),
            ..r
        };
        let v = r.parse(d("2026-11-26")).unwrap();
        assert_eq!(v.target_language.as_deref(), Some("it"));
        assert!(!v.sworn);
    }

    #[test]
    fn the_life_cycle_ends_in_completed_rejected_or_cancelled() {
        use RequestStatus::*;
        assert!(Submitted.next().contains(&Approved));
        assert!(!Submitted.next().contains(&Assigned));
        assert!(Assigned.next().contains(&Approved));
        assert!(Completed.next().is_empty());
        assert!(Confirmed.books_mediator() && !Approved.books_mediator());
    }
}
