//! The rest of a demo's year: mediators with languages and weekly availability, a year of
//! translation and mediation requests in every state (with their history), and training courses
//! with sessions, enrolled staff and attendance, so that a fresh demo shows full dashboards and
//! indicators. Written through the models, as the API writes them, then dated back.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use lumit_shared::mediation::{
    JobOutcome, LanguageLevel, MediatorKind, MediatorLanguage, RequestKind, RequestStatus, Setting,
    Urgency, ValidMediator, ValidRequest, Window,
};
use lumit_shared::training::{
    OfficeKind, Place, Presence, ValidCourse, ValidMark, ValidParticipant, ValidSession,
};
use rand::rngs::StdRng;
use rand::Rng;

use crate::db::DbConn;
use crate::error::StoreResult;
use crate::models::{mediator, request, training};
use crate::schema::{request_steps, service_requests};

/// Mediators of the demo: name, languages.
const MEDIATORS: &[(&str, &[&str])] = &[
    ("Amal Haddad", &["ar", "fr"]),
    ("Bilal Chaudhry", &["ur", "pa", "hi"]),
    ("Elira Dervishi", &["sq"]),
    ("Ioana Munteanu", &["ro"]),
    ("Li Wei", &["zh"]),
    ("Mariam Tesfaye", &["ti", "am"]),
    ("Olena Melnyk", &["uk", "ru"]),
    ("Rahim Uddin", &["bn"]),
    ("Seydou Diallo", &["wo", "fr"]),
    ("Karim Benali", &["ar"]),
];

const OFFICES: &[&str] = &[
    "Anagrafe",
    "Servizi sociali",
    "Scuola primaria",
    "Consultorio",
    "Ufficio tributi",
];

/// What was made.
#[derive(Debug, Default)]
pub struct Made {
    pub mediators: usize,
    pub requests: usize,
    pub courses: usize,
    pub participants: usize,
}

/// Loads the demo's mediation and training work over the year before `today`.
pub fn run(
    c: &mut DbConn,
    rng: &mut StdRng,
    comuni: &[String],
    today: NaiveDate,
    by: (&str, &str),
) -> StoreResult<Made> {
    let mut made = Made::default();
    let mut mediators = Vec::new();
    for (name, languages) in MEDIATORS {
        let v = ValidMediator {
            full_name: (*name).to_owned(),
            email: None,
            phone: None,
            kind: MediatorKind::Both,
            organisation: Some("Cooperativa Mediazione Lucca".into()),
            languages: languages
                .iter()
                .enumerate()
                .map(|(i, l)| MediatorLanguage {
                    language: (*l).to_owned(),
                    level: if i == 0 {
                        LanguageLevel::Native
                    } else {
                        LanguageLevel::C1
                    },
                })
                .collect(),
            municipality_ids: comuni.to_vec(),
            travels: true,
            active: true,
            user_id: None,
        };
        let id = mediator::insert(c, &v)?;
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        let windows: Vec<Window> = (1..=5)
            .map(|weekday| Window {
                weekday,
                start: at(8),
                end: at(18),
            })
            .collect();
        mediator::set_availability(c, &id, &windows, &[])?;
        mediators.push((id, (*name).to_owned(), languages[0].to_owned()));
        made.mediators += 1;
    }

    // About five requests a week over the year; the latest ones' jobs are still ahead.
    for day_back in (0..365).rev() {
        if rng.gen_range(0..10) >= 7 {
            continue;
        }
        let filed = today - Duration::days(day_back);
        let (mediator_id, mediator_name, language) =
            mediators[rng.gen_range(0..mediators.len())].clone();
        let translation = rng.gen_bool(0.25);
        let job_day = filed + Duration::days(rng.gen_range(3..20));
        let start = job_day.and_time(
            NaiveTime::from_hms_opt(rng.gen_range(9..16), 0, 0).unwrap_or(NaiveTime::MIN),
        );
        let v = ValidRequest {
            municipality_id: comuni[rng.gen_range(0..comuni.len())].clone(),
            office: OFFICES[rng.gen_range(0..OFFICES.len())].to_owned(),
            contact_name: "Ufficio".into(),
            contact_email: None,
            contact_phone: None,
            kind: if translation {
                RequestKind::Translation
            } else {
                RequestKind::Mediation
            },
            language: language.clone(),
            target_language: translation.then(|| "it".to_owned()),
            document_type: translation.then(|| "Certificato".to_owned()),
            pages: translation.then(|| rng.gen_range(1..8)),
            words: None,
            due_date: translation.then_some(job_day),
            sworn: false,
            starts_at: (!translation).then_some(start),
            duration_minutes: (!translation).then(|| [60, 90, 120][rng.gen_range(0..3)]),
            remote: !translation && rng.gen_bool(0.3),
            address: None,
            setting: (!translation).then_some(Setting::School),
            participants: None,
            purpose: "Colloquio con la famiglia".into(),
            urgency: Urgency::Normal,
            case_id: None,
            attachments: None,
        };
        let id = request::insert(c, &v, None, by.0)?;
        request::add_step(
            c,
            &id,
            request::Step {
                from: None,
                to: RequestStatus::Submitted,
                note: None,
                mediator_name: None,
                late: false,
            },
            by,
        )?;
        let past = job_day < today;
        let roll = rng.gen_range(0..100);
        let path: &[RequestStatus] = match (past, roll) {
            (_, 0..=4) => &[RequestStatus::Rejected],
            (true, 5..=11) => &[RequestStatus::Approved, RequestStatus::Cancelled],
            (true, _) => &[
                RequestStatus::Approved,
                RequestStatus::Assigned,
                RequestStatus::Confirmed,
                RequestStatus::Completed,
            ],
            (false, 5..=30) => &[],
            (false, 31..=50) => &[RequestStatus::Approved],
            (false, 51..=75) => &[RequestStatus::Approved, RequestStatus::Assigned],
            (false, _) => &[
                RequestStatus::Approved,
                RequestStatus::Assigned,
                RequestStatus::Confirmed,
            ],
        };
        let mut from = RequestStatus::Submitted;
        for to in path {
            let row = request::find(c, &id)?;
            let minutes = v.duration_minutes.unwrap_or(rng.gen_range(60..240));
            let change = match to {
                RequestStatus::Assigned => request::Change {
                    mediator_id: Some(Some(mediator_id.clone())),
                    ..Default::default()
                },
                RequestStatus::Rejected => request::Change {
                    reason: Some("Fuori dal programma".into()),
                    ..Default::default()
                },
                RequestStatus::Cancelled => request::Change {
                    cancel: Some(("Annullata dall'ufficio".into(), "Ufficio".into(), false)),
                    ..Default::default()
                },
                RequestStatus::Completed => request::Change {
                    actual_start: Some(v.starts_at.unwrap_or(start)),
                    actual_minutes: Some(minutes),
                    outcome: Some(JobOutcome::Done),
                    ..Default::default()
                },
                _ => request::Change::default(),
            };
            request::set_status(c, &row, *to, &change)?;
            request::add_step(
                c,
                &id,
                request::Step {
                    from: Some(from),
                    to: *to,
                    note: None,
                    mediator_name: (*to == RequestStatus::Assigned)
                        .then_some(mediator_name.as_str()),
                    late: false,
                },
                by,
            )?;
            from = *to;
        }
        // Dated as if filed on its day and worked over the next days.
        let filed_at = filed.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN));
        back_date(c, &id, filed_at, job_day.min(today))?;
        made.requests += 1;
    }

    // Two courses a year for the offices, with two sessions each and the staff who came.
    for (k, (title, topic)) in [
        ("Permessi di soggiorno: le novità", "residence_permits"),
        ("Accoglienza e protezione internazionale", "asylum"),
    ]
    .iter()
    .enumerate()
    {
        let v = ValidCourse {
            title: (*title).to_owned(),
            topic_id: (*topic).to_owned(),
            description: None,
            organisation: "Università di Pisa".into(),
            trainer_ids: Vec::new(),
            target_offices: vec![OfficeKind::Registry, OfficeKind::SocialServices],
            min_attendance_percent: 75,
        };
        let course = training::course::insert(c, &v, Some(by.0))?;
        let first = today - Duration::days(200 - 120 * k as i64);
        let mut sessions = Vec::new();
        for s in 0..2 {
            let day = first + Duration::days(7 * s);
            let session = training::session::insert(
                c,
                &course.id,
                &ValidSession {
                    starts_at: day
                        .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN)),
                    ends_at: day
                        .and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN)),
                    place: Place::Online {
                        link: "https://meet.example.org/lumit".into(),
                    },
                    capacity: 40,
                },
            )?;
            sessions.push(session);
        }
        for p in 0..12 {
            let municipality = comuni[(p * 7 + k) % comuni.len()].clone();
            let participant = training::enrolment::save_participant(
                c,
                &ValidParticipant {
                    full_name: format!("Dipendente {} {}", k + 1, p + 1),
                    email: format!("dipendente.{}.{}@comune.example.it", k + 1, p + 1),
                    municipality_id: Some(municipality),
                    organisation: None,
                    job_title: Some("Istruttore amministrativo".into()),
                    language: lumit_shared::training::MessageLanguage::It,
                },
            )?;
            let enrolment = training::enrolment::enrol(c, &course.id, &participant.id, Some(by.0))?;
            for session in &sessions {
                let presence = match rng.gen_range(0..10) {
                    0 => Presence::Absent,
                    1 => Presence::Partial,
                    _ => Presence::Present,
                };
                training::attendance::mark(
                    c,
                    session,
                    &enrolment,
                    ValidMark {
                        presence,
                        minutes: 90,
                    },
                    Some(by.0),
                )?;
            }
            made.participants += 1;
        }
        made.courses += 1;
    }
    Ok(made)
}

/// Dates a request's filing and its history: filed at `filed`, each later step a day after the
/// one before, none after `last`.
fn back_date(c: &mut DbConn, id: &str, filed: NaiveDateTime, last: NaiveDate) -> StoreResult<()> {
    diesel::update(service_requests::table.find(id))
        .set((
            service_requests::created_at.eq(filed),
            service_requests::updated_at.eq(filed),
        ))
        .execute(c)?;
    let steps: Vec<String> = request_steps::table
        .filter(request_steps::request_id.eq(id))
        .order(request_steps::at)
        .select(request_steps::id)
        .load(c)?;
    let end = last.and_time(NaiveTime::from_hms_opt(17, 0, 0).unwrap_or(NaiveTime::MIN));
    for (i, step) in steps.iter().enumerate() {
        let at = (filed + Duration::days(i as i64)).min(end.max(filed));
        diesel::update(request_steps::table.find(step))
            .set(request_steps::at.eq(at))
            .execute(c)?;
    }
    let _ = last.year();
    Ok(())
}
