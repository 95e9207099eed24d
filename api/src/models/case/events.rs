//! A case's timeline: entries, their corrections and earlier texts.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lumit_shared::case::{CaseEvent, EventKind, EventRevision, ValidCaseEvent};

use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::case_events;

use super::Backend;

/// Appends a timeline entry.
pub fn add_event(
    c: &mut DbConn,
    case_id: &str,
    ev: &ValidCaseEvent,
    author: (&str, &str),
) -> StoreResult<CaseEvent> {
    let id = new_id();
    diesel::insert_into(case_events::table)
        .values((
            case_events::id.eq(&id),
            case_events::case_id.eq(case_id),
            case_events::kind.eq(ev.kind.as_str()),
            case_events::note.eq(&ev.note),
            case_events::minutes.eq(ev.minutes),
            case_events::data.eq(ev.data.to_string()),
            case_events::author_id.eq(author.0),
            case_events::author_name.eq(author.1),
            case_events::at.eq(now()),
        ))
        .execute(c)?;
    event(c, case_id, &id)
}

type EventTuple = (
    String,
    String,
    String,
    String,
    Option<i32>,
    String,
    Option<String>,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The timeline, oldest first.
pub fn events(c: &mut DbConn, case_id: &str) -> StoreResult<Vec<CaseEvent>> {
    load_events(c, case_id, None)
}

/// One entry of a case's timeline (404 when the case has no such entry).
pub fn event(c: &mut DbConn, case_id: &str, event_id: &str) -> StoreResult<CaseEvent> {
    load_events(c, case_id, Some(event_id))?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// A case's timeline, or one entry of it: reading one entry must not read the whole timeline
/// (a long case has hundreds).
fn load_events(
    c: &mut DbConn,
    case_id: &str,
    event_id: Option<&str>,
) -> StoreResult<Vec<CaseEvent>> {
    let mut q = case_events::table
        .filter(case_events::case_id.eq(case_id))
        .select((
            case_events::id,
            case_events::case_id,
            case_events::kind,
            case_events::note,
            case_events::minutes,
            case_events::data,
            case_events::author_id,
            case_events::author_name,
            case_events::at,
            case_events::edited_at,
        ))
        .order((case_events::at.asc(), case_events::id.asc()))
        .limit(5000)
        .into_boxed::<Backend>();
    if let Some(id) = event_id {
        q = q.filter(case_events::id.eq(id.to_owned()));
    }
    let rows: Vec<EventTuple> = q.load(c)?;
    let mut previous = revisions(c, case_id, event_id)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, case_id, kind, note, minutes, data, author_id, author_name, at, edited_at)| {
                let id_of_event = id.clone();
                CaseEvent {
                    id,
                    case_id,
                    kind: EventKind::parse(&kind).unwrap_or(EventKind::Note),
                    note,
                    minutes,
                    data: serde_json::from_str(&data).unwrap_or_default(),
                    author_id,
                    author_name,
                    at: at.and_utc(),
                    edited_at: edited_at.map(|t| t.and_utc()),
                    previous: previous.remove(&id_of_event).unwrap_or_default(),
                }
            },
        )
        .collect())
}

/// Earlier texts of a case's corrected entries (or of one entry), by entry, oldest first.
fn revisions(
    c: &mut DbConn,
    case_id: &str,
    event_id: Option<&str>,
) -> StoreResult<std::collections::HashMap<String, Vec<EventRevision>>> {
    use crate::schema::case_event_edits as e;
    let mut q = e::table
        .filter(e::case_id.eq(case_id))
        .select((e::event_id, e::note, e::edited_by_name, e::edited_at))
        .order((e::edited_at.asc(), e::id.asc()))
        .into_boxed::<Backend>();
    if let Some(id) = event_id {
        q = q.filter(e::event_id.eq(id.to_owned()));
    }
    let rows: Vec<(String, String, Option<String>, NaiveDateTime)> = q.load(c)?;
    let mut by_event = std::collections::HashMap::<String, Vec<EventRevision>>::new();
    for (event_id, note, edited_by_name, at) in rows {
        by_event.entry(event_id).or_default().push(EventRevision {
            note,
            edited_by_name,
            replaced_at: at.and_utc(),
        });
    }
    Ok(by_event)
}

/// Replaces an entry's text, keeping the text it replaces as a revision (the rules are
/// `CaseEvent::may_edit`); answers the entry as it is now.
pub fn edit_note(
    c: &mut DbConn,
    before: &CaseEvent,
    author: (&str, &str),
    note: &str,
) -> StoreResult<CaseEvent> {
    let (author_id, author_name) = author;
    let (case_id, event_id) = (before.case_id.as_str(), before.id.as_str());
    let t = now();
    diesel::insert_into(crate::schema::case_event_edits::table)
        .values((
            crate::schema::case_event_edits::id.eq(new_id()),
            crate::schema::case_event_edits::event_id.eq(event_id),
            crate::schema::case_event_edits::case_id.eq(case_id),
            crate::schema::case_event_edits::note.eq(&before.note),
            crate::schema::case_event_edits::edited_by_id.eq(author_id),
            crate::schema::case_event_edits::edited_by_name.eq(author_name),
            crate::schema::case_event_edits::edited_at.eq(t),
        ))
        .execute(c)?;
    diesel::update(case_events::table.find(event_id))
        .set((
            case_events::note.eq(note),
            case_events::edited_at.eq(Some(t)),
        ))
        .execute(c)?;
    event(c, case_id, event_id)
}
