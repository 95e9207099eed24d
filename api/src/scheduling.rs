//! Matching mediators to jobs: the hard rules (language, coverage, availability, no overlap,
//! travel time between on-site jobs in different towns) and the ranking (language level, then
//! the lightest load this month). Pure functions over loaded rows, so the rules are tested alone.

use chrono::{Duration, NaiveDateTime};
use lumit_shared::mediation::{
    covers_slot, hours, AvailabilityException, LanguageLevel, Mediator, RequestKind, Rule,
    RuleFailure, Suggestion, Window,
};

use crate::models::request::Row;

/// Now, as a wall-clock time in Italy: jobs are agreed in local time.
pub fn local_now() -> NaiveDateTime {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Rome)
        .naive_local()
}

/// A local time in Italy as UTC (for calendar feeds). An hour skipped by the clock change is
/// read as after it.
pub fn to_utc(t: NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono_tz::Europe::Rome
        .from_local_datetime(&t)
        .earliest()
        .or_else(|| {
            chrono_tz::Europe::Rome
                .from_local_datetime(&(t + Duration::hours(1)))
                .earliest()
        })
        .map(|d| d.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| t.and_utc())
}

/// The slot and place of a job, as the rules need them.
#[derive(Debug, Clone)]
pub struct Job {
    /// Translation or mediation.
    pub kind: RequestKind,
    /// Languages needed (one, or source and target).
    pub languages: Vec<String>,
    /// Requesting municipality.
    pub municipality_id: String,
    /// Mediation slot.
    pub slot: Option<(NaiveDateTime, NaiveDateTime)>,
    /// On site (not remote).
    pub on_site: bool,
}

impl Job {
    /// The job of a stored request.
    pub fn of(r: &Row) -> Self {
        let kind = r.kind();
        let mut languages = vec![r.language.clone()];
        languages.extend(r.target_language.clone());
        Job {
            kind,
            languages,
            municipality_id: r.municipality_id.clone(),
            slot: r.starts_at.zip(r.ends_at),
            on_site: r.on_site(),
        }
    }
}

/// Why `other` (a booked job of the same mediator) stops them from taking `job`, if it does: the
/// slots overlap, or both are on site in different towns with less than `buffer` between them.
pub fn clash(job: &Job, other: &Row, buffer: Duration) -> Option<RuleFailure> {
    let (start, end) = job.slot?;
    let (o_start, o_end) = other.starts_at.zip(other.ends_at)?;
    let when = format!(
        "{} {}–{}",
        o_start.format("%d/%m/%Y"),
        o_start.format("%H:%M"),
        o_end.format("%H:%M")
    );
    if start < o_end && o_start < end {
        return Some(RuleFailure {
            rule: Rule::Overlap,
            detail: format!("already booked for {} on {when}", other.reference),
            conflicting_request_id: Some(other.id.clone()),
            conflicting_reference: Some(other.reference.clone()),
        });
    }
    let travel = job.on_site && other.on_site() && other.municipality_id != job.municipality_id;
    if travel && start < o_end + buffer && o_start < end + buffer {
        return Some(RuleFailure {
            rule: Rule::Travel,
            detail: format!(
                "{} on {when} is on site in another town: {} minutes of travel are needed between the two",
                other.reference,
                buffer.num_minutes()
            ),
            conflicting_request_id: Some(other.id.clone()),
            conflicting_reference: Some(other.reference.clone()),
        });
    }
    None
}

/// What is known about one mediator for a job.
pub struct Candidate<'a> {
    /// The mediator.
    pub mediator: &'a Mediator,
    /// Municipalities covered, Unione members included.
    pub covered: &'a [String],
    /// Weekly windows and absences.
    pub windows: &'a [Window],
    /// Absences.
    pub absences: &'a [AvailabilityException],
    /// Their booked jobs around the slot (the job itself excluded).
    pub booked: &'a [Row],
    /// Minutes of work this month.
    pub minutes_this_month: i64,
}

/// Checks the hard rules for one mediator; the level is the lower of the job's languages.
pub fn evaluate(job: &Job, c: &Candidate, municipality_name: &str, buffer: Duration) -> Suggestion {
    let m = c.mediator;
    let mut failures = Vec::new();
    let mut fail = |rule, detail: String| {
        failures.push(RuleFailure {
            rule,
            detail,
            conflicting_request_id: None,
            conflicting_reference: None,
        })
    };
    let mut level: Option<LanguageLevel> = None;
    if !m.kind.does(job.kind) {
        fail(
            Rule::Language,
            format!("does not do {}s", job.kind.as_str()),
        );
    }
    for l in &job.languages {
        match m.languages.iter().find(|x| &x.language == l) {
            Some(x) => {
                if level.is_none_or(|cur| x.level.rank() < cur.rank()) {
                    level = Some(x.level);
                }
            }
            None => fail(Rule::Language, format!("does not speak `{l}`")),
        }
    }
    let remote_work = job.kind == RequestKind::Translation || !job.on_site;
    if !remote_work {
        if !m.travels {
            fail(Rule::Coverage, "works remotely only".into());
        } else if !c.covered.contains(&job.municipality_id) {
            fail(
                Rule::Coverage,
                format!("does not cover {municipality_name}"),
            );
        }
    }
    if let Some((start, end)) = job.slot {
        if !covers_slot(c.windows, c.absences, start, end) {
            let away = c
                .absences
                .iter()
                .find(|x| x.from <= start.date() && start.date() <= x.to);
            fail(
                Rule::Availability,
                match away {
                    Some(x) => format!(
                        "away from {} to {}{}",
                        x.from.format("%d/%m/%Y"),
                        x.to.format("%d/%m/%Y"),
                        x.reason
                            .as_deref()
                            .map(|r| format!(" ({r})"))
                            .unwrap_or_default()
                    ),
                    None => format!(
                        "not available on {} {}–{}",
                        start.format("%A %d/%m/%Y"),
                        start.format("%H:%M"),
                        end.format("%H:%M")
                    ),
                },
            );
        }
    }
    let mut clashes: Vec<RuleFailure> = c
        .booked
        .iter()
        .filter_map(|o| clash(job, o, buffer))
        .collect();
    failures.append(&mut clashes);
    let level_text = level.map(|l| l.as_str()).unwrap_or("-");
    let explanation = if failures.is_empty() {
        let place = if remote_work {
            "remote work".to_owned()
        } else {
            format!("covers {municipality_name}")
        };
        format!(
            "speaks {} at level {level_text}; {place}; free for the slot; {} h this month",
            job.languages.join(" and "),
            hours(c.minutes_this_month)
        )
    } else {
        failures
            .iter()
            .map(|f| f.detail.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    Suggestion {
        mediator_id: m.id.clone(),
        full_name: m.full_name.clone(),
        organisation: m.organisation.clone(),
        rank: None,
        level,
        minutes_this_month: c.minutes_this_month,
        explanation,
        failures,
    }
}

/// Orders suggestions: eligible ones by level (best first), then fewest minutes this month, then
/// name, numbered from 1, each told why it ranks there; then the others, by name.
pub fn rank(mut all: Vec<Suggestion>) -> Vec<Suggestion> {
    all.sort_by(|a, b| {
        a.failures
            .is_empty()
            .cmp(&b.failures.is_empty())
            .reverse()
            .then_with(|| {
                let (la, lb) = (
                    a.level.map_or(0, |l| l.rank()),
                    b.level.map_or(0, |l| l.rank()),
                );
                lb.cmp(&la)
            })
            .then_with(|| a.minutes_this_month.cmp(&b.minutes_this_month))
            .then_with(|| a.full_name.cmp(&b.full_name))
    });
    let eligible = all.iter().filter(|s| s.failures.is_empty()).count();
    for (i, s) in all.iter_mut().enumerate().take(eligible) {
        s.rank = Some(i as u32 + 1);
        let why = if i == 0 {
            "best level, then lightest load this month".to_owned()
        } else {
            "after those with a better level or a lighter load this month".to_owned()
        };
        s.explanation = format!("#{}: {}; {why}", i + 1, s.explanation);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn booked(municipality: &str, start: &str, end: &str, remote: bool) -> Row {
        Row {
            id: "other".into(),
            reference: "RS-2026-000001".into(),
            status: "confirmed".into(),
            municipality_id: municipality.into(),
            office: "Anagrafe".into(),
            contact_name: "Rossi".into(),
            details: "{}".into(),
            kind: "mediation".into(),
            language: "ar".into(),
            target_language: None,
            due_date: None,
            starts_at: Some(at(start)),
            ends_at: Some(at(end)),
            duration_minutes: Some(60),
            remote,
            purpose: "Colloquio".into(),
            urgency: "normal".into(),
            case_id: None,
            case_municipality_id: None,
            mediator_id: Some("m".into()),
            reason: None,
            actual_start: None,
            actual_minutes: None,
            outcome: None,
            cancel_reason: None,
            cancelled_by: None,
            cancelled_late: false,
            created_at: at("2026-11-01 09:00"),
            updated_at: at("2026-11-01 09:00"),
            version: 1,
        }
    }

    fn job(municipality: &str, start: &str, end: &str, on_site: bool) -> Job {
        Job {
            kind: RequestKind::Mediation,
            languages: vec!["ar".into()],
            municipality_id: municipality.into(),
            slot: Some((at(start), at(end))),
            on_site,
        }
    }

    #[test]
    fn on_site_jobs_in_different_towns_need_the_travel_buffer() {
        let buffer = Duration::minutes(30);
        let other = booked("046017", "2026-12-01 09:00", "2026-12-01 10:00", false);
        // Camaiore right after Lucca: no time to travel.
        let f = clash(
            &job("046005", "2026-12-01 10:00", "2026-12-01 11:00", true),
            &other,
            buffer,
        )
        .unwrap();
        assert_eq!(f.rule, Rule::Travel);
        // Thirty minutes later is fine.
        assert!(clash(
            &job("046005", "2026-12-01 10:30", "2026-12-01 11:30", true),
            &other,
            buffer
        )
        .is_none());
        // Same town, or a remote job: back to back is fine.
        assert!(clash(
            &job("046017", "2026-12-01 10:00", "2026-12-01 11:00", true),
            &other,
            buffer
        )
        .is_none());
        assert!(clash(
            &job("046005", "2026-12-01 10:00", "2026-12-01 11:00", false),
            &other,
            buffer
        )
        .is_none());
        // Overlap is always refused.
        let f = clash(
            &job("046017", "2026-12-01 09:30", "2026-12-01 10:30", false),
            &other,
            buffer,
        )
        .unwrap();
        assert_eq!(f.rule, Rule::Overlap);
        assert_eq!(f.conflicting_reference.as_deref(), Some("RS-2026-000001"));
        // A remote booked job needs no travel either.
        let remote = booked("046017", "2026-12-01 09:00", "2026-12-01 10:00", true);
        assert!(clash(
            &job("046005", "2026-12-01 10:00", "2026-12-01 11:00", true),
            &remote,
            buffer
        )
        .is_none());
    }
}
