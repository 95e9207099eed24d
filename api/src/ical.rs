//! The mediators' iCalendar feed (RFC 5545) of confirmed jobs.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use lumit_shared::mediation::RequestKind;

use crate::models::request::Full;
use crate::scheduling::to_utc;

/// A calendar of jobs: mediations at their time (sent in UTC), translations as an all-day entry
/// on the due date.
pub fn feed(jobs: &[Full]) -> String {
    let mut cal = Calendar::new();
    cal.name("LUMIT – incarichi");
    for f in jobs {
        let r = &f.row;
        let d = r.details();
        let languages = match &r.target_language {
            Some(t) => format!("{} → {t}", r.language),
            None => r.language.clone(),
        };
        let mut ev = Event::new();
        ev.uid(&format!("{}@lumit", r.id))
            .summary(&format!(
                "{} ({languages}) – {} · {}",
                kind_it(r.kind()),
                f.municipality_name,
                r.reference
            ))
            .description(&format!(
                "{}\nContatto: {}{}",
                r.office,
                r.contact_name,
                d.contact_phone
                    .as_deref()
                    .map(|p| format!(", {p}"))
                    .unwrap_or_default()
            ))
            .status(EventStatus::Confirmed);
        match (r.starts_at, r.ends_at, r.due_date) {
            (Some(s), Some(e), _) => {
                ev.starts(to_utc(s)).ends(to_utc(e));
                let place = if r.remote {
                    "A distanza".to_owned()
                } else {
                    d.address.clone().unwrap_or_default()
                };
                ev.location(&place);
            }
            (_, _, Some(due)) => {
                ev.all_day(due);
            }
            _ => continue,
        }
        cal.push(ev.done());
    }
    cal.done().to_string()
}

/// Kind names for documents.
fn kind_it(k: RequestKind) -> &'static str {
    match k {
        RequestKind::Mediation => "Mediazione",
        RequestKind::Translation => "Traduzione",
    }
}

/// A course's sessions for a participant's calendar (sent with the invitation), local times in
/// Italy sent in UTC. `places` are the sessions' places in words.
pub fn training(
    course_title: &str,
    organisation: &str,
    sessions: &[(crate::models::training::session::SessionRow, String)],
) -> String {
    let mut cal = Calendar::new();
    cal.name(course_title);
    cal.append_property(("METHOD", "PUBLISH"));
    for (s, place) in sessions {
        let mut ev = Event::new();
        ev.uid(&format!("{}@lumit", s.id))
            .summary(course_title)
            .description(organisation)
            .location(place)
            .starts(to_utc(s.starts_at))
            .ends(to_utc(s.ends_at))
            .status(EventStatus::Confirmed);
        cal.push(ev.done());
    }
    cal.done().to_string()
}
