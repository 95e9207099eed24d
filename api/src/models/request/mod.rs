//! Service requests (translation and mediation), their history and the jobs of mediators.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::mediation::{
    Booking, Job, JobOutcome, RequestKind, RequestStatus, RequestStep, ServiceRequest, Setting,
    Urgency, ValidRequest,
};
use serde::{Deserialize, Serialize};

use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::{mediators, municipalities, request_counters, request_steps, service_requests};

mod jobs;
mod list;

pub use jobs::*;
pub use list::*;

/// Fields that are shown but never searched, kept together as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)]
pub struct Details {
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub document_type: Option<String>,
    pub pages: Option<i32>,
    pub words: Option<i32>,
    pub sworn: bool,
    pub address: Option<String>,
    pub setting: Option<Setting>,
    pub participants: Option<i32>,
    pub attachments: Option<String>,
    pub completion_notes: Option<String>,
}

/// A stored request.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_requests)]
#[allow(missing_docs)]
pub struct Row {
    pub id: String,
    pub reference: String,
    pub status: String,
    pub municipality_id: String,
    pub office: String,
    pub contact_name: String,
    pub details: String,
    pub kind: String,
    pub language: String,
    pub target_language: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub duration_minutes: Option<i32>,
    pub remote: bool,
    pub purpose: String,
    pub urgency: String,
    pub case_id: Option<String>,
    pub case_municipality_id: Option<String>,
    pub mediator_id: Option<String>,
    pub reason: Option<String>,
    pub actual_start: Option<NaiveDateTime>,
    pub actual_minutes: Option<i32>,
    pub outcome: Option<String>,
    pub cancel_reason: Option<String>,
    pub cancelled_by: Option<String>,
    pub cancelled_late: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A row with the names the API shows.
#[derive(Debug, Clone)]
pub struct Full {
    /// The row.
    pub row: Row,
    /// The requesting municipality's name.
    pub municipality_name: String,
    /// The mediator's name.
    pub mediator_name: Option<String>,
}

impl Row {
    /// Where it stands.
    pub fn status(&self) -> RequestStatus {
        RequestStatus::parse(&self.status).unwrap_or(RequestStatus::Submitted)
    }

    /// Translation or mediation.
    pub fn kind(&self) -> RequestKind {
        RequestKind::parse(&self.kind).unwrap_or(RequestKind::Mediation)
    }

    /// The stored details.
    pub fn details(&self) -> Details {
        serde_json::from_str(&self.details).unwrap_or_default()
    }

    /// On site (a mediation not held remotely): travel time counts.
    pub fn on_site(&self) -> bool {
        self.kind() == RequestKind::Mediation && !self.remote
    }

    /// The job, as the matching rules see it.
    pub fn job(&self) -> Job {
        let mut languages = vec![self.language.clone()];
        languages.extend(self.target_language.clone());
        Job {
            kind: self.kind(),
            languages,
            municipality_id: self.municipality_id.clone(),
            slot: self.starts_at.zip(self.ends_at),
            on_site: self.on_site(),
        }
    }

    /// The job as a mediator's booking, for the rules that keep bookings apart.
    pub fn booking(&self) -> Booking {
        Booking {
            id: self.id.clone(),
            reference: self.reference.clone(),
            municipality_id: self.municipality_id.clone(),
            slot: self.starts_at.zip(self.ends_at),
            on_site: self.on_site(),
        }
    }
}

impl Full {
    /// The API shape, everything included (callers hide what the actor may not see).
    pub fn into_api(self) -> ServiceRequest {
        let d = self.row.details();
        let r = self.row;
        ServiceRequest {
            status: r.status(),
            kind: r.kind(),
            urgency: Urgency::parse(&r.urgency).unwrap_or(Urgency::Normal),
            outcome: r.outcome.as_deref().and_then(JobOutcome::parse),
            id: r.id,
            reference: r.reference,
            municipality_id: r.municipality_id,
            municipality_name: self.municipality_name,
            office: r.office,
            contact_name: r.contact_name,
            contact_email: d.contact_email,
            contact_phone: d.contact_phone,
            language: r.language,
            target_language: r.target_language,
            document_type: d.document_type,
            pages: d.pages,
            words: d.words,
            due_date: r.due_date,
            sworn: d.sworn,
            starts_at: r.starts_at,
            duration_minutes: r.duration_minutes,
            ends_at: r.ends_at,
            remote: r.remote,
            address: d.address,
            setting: d.setting,
            participants: d.participants,
            purpose: r.purpose,
            case_id: r.case_id,
            attachments: d.attachments,
            mediator_id: r.mediator_id,
            mediator_name: self.mediator_name,
            reason: r.reason,
            actual_start: r.actual_start,
            actual_minutes: r.actual_minutes,
            completion_notes: d.completion_notes,
            cancel_reason: r.cancel_reason,
            cancelled_by: r.cancelled_by,
            cancelled_late: r.cancelled_late,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// Adds municipality and mediator names to rows.
pub fn with_names(c: &mut DbConn, rows: Vec<Row>) -> StoreResult<Vec<Full>> {
    let mut places: Vec<String> = rows.iter().map(|r| r.municipality_id.clone()).collect();
    places.sort();
    places.dedup();
    let place_names: HashMap<String, String> = municipalities::table
        .filter(municipalities::id.eq_any(&places))
        .select((municipalities::id, municipalities::name))
        .load::<(String, String)>(c)?
        .into_iter()
        .collect();
    let mut people: Vec<String> = rows.iter().filter_map(|r| r.mediator_id.clone()).collect();
    people.sort();
    people.dedup();
    let mediator_names: HashMap<String, String> = mediators::table
        .filter(mediators::id.eq_any(&people))
        .select((mediators::id, mediators::full_name))
        .load::<(String, String)>(c)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| Full {
            municipality_name: place_names
                .get(&row.municipality_id)
                .cloned()
                .unwrap_or_default(),
            mediator_name: row
                .mediator_id
                .as_ref()
                .and_then(|m| mediator_names.get(m).cloned()),
            row,
        })
        .collect())
}

/// One request.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<Row> {
    Ok(service_requests::table
        .find(id)
        .select(Row::as_select())
        .first(c)?)
}

/// One request with names.
pub fn find_full(c: &mut DbConn, id: &str) -> StoreResult<Full> {
    let row = find(c, id)?;
    with_names(c, vec![row])?.pop().ok_or(StoreError::NotFound)
}

/// The next reference of the year (`RS-2026-000042`). Runs inside the serialised writer.
fn next_reference(c: &mut DbConn, at: NaiveDateTime) -> StoreResult<String> {
    let year = at.year();
    let last: Option<i64> = request_counters::table
        .find(year)
        .select(request_counters::last_number)
        .first(c)
        .optional()?;
    let n = last.unwrap_or(0) + 1;
    if last.is_some() {
        diesel::update(request_counters::table.find(year))
            .set(request_counters::last_number.eq(n))
            .execute(c)?;
    } else {
        diesel::insert_into(request_counters::table)
            .values((
                request_counters::year.eq(year),
                request_counters::last_number.eq(n),
            ))
            .execute(c)?;
    }
    Ok(format!("RS-{year}-{n:06}"))
}

/// Files a request; returns its id.
pub fn insert(
    c: &mut DbConn,
    v: &ValidRequest,
    case_municipality_id: Option<&str>,
    by: &str,
) -> StoreResult<String> {
    let id = new_id();
    let at = now();
    let details = Details {
        contact_email: v.contact_email.clone(),
        contact_phone: v.contact_phone.clone(),
        document_type: v.document_type.clone(),
        pages: v.pages,
        words: v.words,
        sworn: v.sworn,
        address: v.address.clone(),
        setting: v.setting,
        participants: v.participants,
        attachments: v.attachments.clone(),
        completion_notes: None,
    };
    diesel::insert_into(service_requests::table)
        .values((
            service_requests::id.eq(&id),
            service_requests::reference.eq(next_reference(c, at)?),
            service_requests::status.eq(RequestStatus::Submitted.as_str()),
            service_requests::municipality_id.eq(&v.municipality_id),
            service_requests::office.eq(&v.office),
            service_requests::contact_name.eq(&v.contact_name),
            service_requests::details.eq(serde_json::to_string(&details).unwrap_or_default()),
            service_requests::kind.eq(v.kind.as_str()),
            service_requests::language.eq(&v.language),
            service_requests::target_language.eq(&v.target_language),
            service_requests::due_date.eq(v.due_date),
            service_requests::starts_at.eq(v.starts_at),
            service_requests::ends_at.eq(v.ends_at()),
            service_requests::duration_minutes.eq(v.duration_minutes),
            service_requests::remote.eq(v.remote),
            service_requests::purpose.eq(&v.purpose),
            service_requests::urgency.eq(v.urgency.as_str()),
            service_requests::case_id.eq(&v.case_id),
            service_requests::case_municipality_id.eq(case_municipality_id),
            service_requests::created_by.eq(by),
            service_requests::created_at.eq(at),
            service_requests::updated_at.eq(at),
        ))
        .execute(c)?;
    Ok(id)
}

/// What a transition changes besides the status.
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// `Some(None)` unassigns.
    pub mediator_id: Option<Option<String>>,
    /// Rejection or decline reason.
    pub reason: Option<String>,
    /// Completion.
    pub actual_start: Option<NaiveDateTime>,
    /// Completion.
    pub actual_minutes: Option<i32>,
    /// Completion.
    pub outcome: Option<JobOutcome>,
    /// Completion.
    pub notes: Option<String>,
    /// Cancellation: (reason, who, late).
    pub cancel: Option<(String, String, bool)>,
}

/// The columns a transition sets (`None`: unchanged), in one statement so that the table's checks
/// see the final row.
#[derive(AsChangeset)]
#[diesel(table_name = service_requests)]
struct Set<'a> {
    status: &'a str,
    updated_at: NaiveDateTime,
    mediator_id: Option<Option<&'a str>>,
    reason: Option<Option<&'a str>>,
    outcome: Option<Option<&'a str>>,
    actual_start: Option<Option<NaiveDateTime>>,
    actual_minutes: Option<Option<i32>>,
    details: Option<String>,
    cancel_reason: Option<Option<&'a str>>,
    cancelled_by: Option<Option<&'a str>>,
    cancelled_late: Option<bool>,
}

/// Moves a request to `to` with the change; bumps the version.
pub fn set_status(c: &mut DbConn, cur: &Row, to: RequestStatus, ch: &Change) -> StoreResult<()> {
    let completed = ch.outcome.map(|o| {
        let mut d = cur.details();
        d.completion_notes = ch.notes.clone();
        (o, serde_json::to_string(&d).unwrap_or_default())
    });
    let set = Set {
        status: to.as_str(),
        updated_at: now(),
        mediator_id: ch.mediator_id.as_ref().map(|m| m.as_deref()),
        reason: ch.reason.as_deref().map(Some),
        outcome: completed.as_ref().map(|(o, _)| Some(o.as_str())),
        actual_start: completed.as_ref().map(|_| ch.actual_start),
        actual_minutes: completed.as_ref().map(|_| ch.actual_minutes),
        details: completed.as_ref().map(|(_, d)| d.clone()),
        cancel_reason: ch.cancel.as_ref().map(|x| Some(x.0.as_str())),
        cancelled_by: ch.cancel.as_ref().map(|x| Some(x.1.as_str())),
        cancelled_late: ch.cancel.as_ref().map(|x| x.2),
    };
    diesel::update(service_requests::table.find(&cur.id))
        .set((
            set,
            service_requests::version.eq(service_requests::version + 1),
        ))
        .execute(c)?;
    Ok(())
}

/// A step of a request's history.
pub struct Step<'a> {
    /// From (none when filed).
    pub from: Option<RequestStatus>,
    /// To.
    pub to: RequestStatus,
    /// Reason or notes.
    pub note: Option<&'a str>,
    /// The mediator concerned.
    pub mediator_name: Option<&'a str>,
    /// A late cancellation.
    pub late: bool,
}

/// Appends a step to a request's history.
pub fn add_step(c: &mut DbConn, request_id: &str, s: Step, by: (&str, &str)) -> StoreResult<()> {
    diesel::insert_into(request_steps::table)
        .values((
            request_steps::id.eq(new_id()),
            request_steps::request_id.eq(request_id),
            request_steps::from_status.eq(s.from.map(|f| f.as_str())),
            request_steps::to_status.eq(s.to.as_str()),
            request_steps::note.eq(s.note),
            request_steps::mediator_name.eq(s.mediator_name),
            request_steps::late.eq(s.late),
            request_steps::actor_id.eq(by.0),
            request_steps::actor_name.eq(by.1),
            request_steps::at.eq(now()),
        ))
        .execute(c)?;
    Ok(())
}

type StepRow = (
    NaiveDateTime,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    bool,
);

/// A step of a request's history with who wrote it.
pub struct AuthoredStep {
    /// The author's account.
    pub author_id: Option<String>,
    /// The author is a mediator's account.
    pub by_mediator: bool,
    /// The step.
    pub step: RequestStep,
}

/// A request's history, oldest first. Each step names its author by full name, as the account
/// says today (the username stored with the step when the account is gone).
pub fn steps(c: &mut DbConn, request_id: &str) -> StoreResult<Vec<AuthoredStep>> {
    let rows: Vec<StepRow> = request_steps::table
        .filter(request_steps::request_id.eq(request_id))
        .select((
            request_steps::at,
            request_steps::from_status,
            request_steps::to_status,
            request_steps::actor_id,
            request_steps::actor_name,
            request_steps::note,
            request_steps::mediator_name,
            request_steps::late,
        ))
        .order((request_steps::at.asc(), request_steps::id.asc()))
        .load(c)?;
    let mut ids: Vec<&str> = rows.iter().filter_map(|r| r.3.as_deref()).collect();
    ids.sort_unstable();
    ids.dedup();
    use crate::schema::users;
    let authors: std::collections::HashMap<String, (String, String)> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::full_name, users::role))
        .load::<(String, String, String)>(c)?
        .into_iter()
        .map(|(id, name, role)| (id, (name, role)))
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |(at, from, to, actor_id, actor_name, note, mediator_name, late)| {
                let author = actor_id.as_ref().and_then(|id| authors.get(id));
                let step = RequestStep {
                    at: at.and_utc(),
                    from: from.as_deref().and_then(RequestStatus::parse),
                    to: RequestStatus::parse(&to).unwrap_or(RequestStatus::Submitted),
                    actor_name: author
                        .map(|(name, _)| name.clone())
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or(actor_name),
                    note,
                    mediator_name,
                    late,
                };
                AuthoredStep {
                    by_mediator: author.is_some_and(|(_, role)| role == "mediator"),
                    author_id: actor_id,
                    step,
                }
            },
        )
        .collect())
}

/// Erases what the requests for these cases say about the person (anonymisation): purpose,
/// place, attachments, completion notes, reasons and the history's notes. What reports count
/// stays: kind, languages, times, minutes, outcome, who cancelled and whether late.
pub fn anonymise_for_cases(c: &mut DbConn, case_ids: &[String]) -> StoreResult<()> {
    const GONE: &str = "[anonimizzato]";
    let rows: Vec<(String, String)> = service_requests::table
        .filter(service_requests::case_id.eq_any(case_ids))
        .select((service_requests::id, service_requests::details))
        .load(c)?;
    for (id, details) in &rows {
        let mut d: Details = serde_json::from_str(details).unwrap_or_default();
        d.address = d.address.map(|_| GONE.to_owned());
        d.attachments = None;
        d.completion_notes = None;
        diesel::update(service_requests::table.find(id))
            .set((
                service_requests::details.eq(serde_json::to_string(&d).unwrap_or_default()),
                service_requests::purpose.eq(GONE),
                service_requests::version.eq(service_requests::version + 1),
            ))
            .execute(c)?;
    }
    let ids: Vec<&String> = rows.iter().map(|(id, _)| id).collect();
    diesel::update(
        service_requests::table
            .filter(service_requests::id.eq_any(&ids))
            .filter(service_requests::reason.is_not_null()),
    )
    .set(service_requests::reason.eq(GONE))
    .execute(c)?;
    diesel::update(
        service_requests::table
            .filter(service_requests::id.eq_any(&ids))
            .filter(service_requests::cancel_reason.is_not_null()),
    )
    .set(service_requests::cancel_reason.eq(GONE))
    .execute(c)?;
    diesel::update(request_steps::table.filter(request_steps::request_id.eq_any(&ids)))
        .set(request_steps::note.eq(None::<String>))
        .execute(c)?;
    Ok(())
}

/// The people whose cases these requests are for (what the access log records of a request read).
pub fn people_of(c: &mut DbConn, requests: &[Full]) -> StoreResult<Vec<String>> {
    use crate::schema::cases;
    let case_ids: Vec<&str> = requests
        .iter()
        .filter_map(|f| f.row.case_id.as_deref())
        .collect();
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(cases::table
        .filter(cases::id.eq_any(case_ids))
        .select(cases::person_id)
        .load(c)?)
}
