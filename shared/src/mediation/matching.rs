//! Matching mediators to jobs: the hard rules (language, coverage, availability, no overlap,
//! travel time between on-site jobs in different towns), the ranking (language level, then the
//! lightest load this month), and why a mediator can or can't take a job. Pure functions over
//! what the API loads, so the rules are tested alone.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::*;

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
    /// The job's languages that `m` does not work in, in the job's order.
    pub fn missing_languages<'a>(&'a self, m: &Mediator) -> Vec<&'a String> {
        self.languages
            .iter()
            .filter(|l| !m.languages.iter().any(|x| &x.language == *l))
            .collect()
    }
}

/// Another job a mediator is booked for, as the rules need it.
#[derive(Debug, Clone)]
pub struct Booking {
    /// The request's id.
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// Where.
    pub municipality_id: String,
    /// When.
    pub slot: Option<(NaiveDateTime, NaiveDateTime)>,
    /// On site (not remote).
    pub on_site: bool,
}

/// Why `other` (a booked job of the same mediator) stops them from taking `job`, if it does: the
/// slots overlap, or both are on site in different towns with less than `buffer` between them.
pub fn clash(job: &Job, other: &Booking, buffer: Duration) -> Option<RuleFailure> {
    let (start, end) = job.slot?;
    let (o_start, o_end) = other.slot?;
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
    let travel = job.on_site && other.on_site && other.municipality_id != job.municipality_id;
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
    pub booked: &'a [Booking],
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
    for l in job.missing_languages(m) {
        fail(Rule::Language, format!("does not speak `{l}`"));
    }
    let spoken = job
        .languages
        .iter()
        .filter_map(|l| m.languages.iter().find(|x| &x.language == l));
    for x in spoken {
        if level.is_none_or(|cur| x.level.rank() < cur.rank()) {
            level = Some(x.level);
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

    fn booked(municipality: &str, start: &str, end: &str, remote: bool) -> Booking {
        Booking {
            id: "other".into(),
            reference: "RS-2026-000001".into(),
            municipality_id: municipality.into(),
            slot: Some((at(start), at(end))),
            on_site: !remote,
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
