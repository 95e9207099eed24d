//! Sessions of courses: the calendar, and the checks that need the store (the office exists, the
//! room is free, the seats cover those enrolled).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lumit_shared::rule::RuleError;
use lumit_shared::training::{
    check_capacity, overlaps, room_taken, Place, PlaceKind, Session, ValidSession,
};

use super::course;
use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::{municipalities, training_courses as courses, training_sessions as sessions};

/// A stored session.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub course_id: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place_kind: String,
    pub municipality_id: Option<String>,
    pub address: Option<String>,
    pub room: Option<String>,
    pub link: Option<String>,
    pub capacity: i64,
    pub version: i64,
}

impl SessionRow {
    /// The API shape, with its course's title.
    pub fn into_api(self, course_title: String) -> Session {
        Session {
            place_kind: PlaceKind::parse(&self.place_kind).unwrap_or(PlaceKind::Address),
            id: self.id,
            course_id: self.course_id,
            course_title,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            municipality_id: self.municipality_id,
            address: self.address,
            room: self.room,
            link: self.link,
            capacity: self.capacity,
        }
    }
}

/// Sessions starting in `[from, to)`, with their course's title, by start; only those of these
/// courses when given.
pub fn between(
    c: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
    only: Option<&[String]>,
) -> StoreResult<Vec<(SessionRow, String)>> {
    let mut q = sessions::table
        .inner_join(courses::table)
        .filter(sessions::starts_at.ge(from))
        .filter(sessions::starts_at.lt(to))
        .select((SessionRow::as_select(), courses::title))
        .into_boxed();
    if let Some(ids) = only {
        q = q.filter(sessions::course_id.eq_any(ids.to_vec()));
    }
    Ok(q.order((sessions::starts_at, sessions::id)).load(c)?)
}

/// A course's sessions, by start.
pub fn of_course(c: &mut DbConn, course_id: &str) -> StoreResult<Vec<SessionRow>> {
    Ok(sessions::table
        .filter(sessions::course_id.eq(course_id))
        .order((sessions::starts_at, sessions::id))
        .select(SessionRow::as_select())
        .load(c)?)
}

/// One session with its course's title.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<(SessionRow, String)> {
    Ok(sessions::table
        .inner_join(courses::table)
        .filter(sessions::id.eq(id))
        .select((SessionRow::as_select(), courses::title))
        .first(c)?)
}

/// The checks a session needs from the store: the office exists, nobody else is in the room at
/// the time, and the seats cover those already holding a place.
fn check(
    c: &mut DbConn,
    course_id: &str,
    v: &ValidSession,
    except: Option<&str>,
) -> StoreResult<()> {
    if let Place::Office {
        municipality_id, ..
    } = &v.place
    {
        let known: i64 = municipalities::table
            .filter(municipalities::id.eq(municipality_id))
            .count()
            .get_result(c)?;
        if known == 0 {
            return Err(RuleError::field("municipality_id", "unknown", "no such office").into());
        }
    }
    if let Some(key) = v.place.room_key() {
        // Sessions of one day at most: anything that could overlap starts within a day before.
        let clashes: Vec<(SessionRow, String)> = sessions::table
            .inner_join(courses::table)
            .filter(sessions::room_key.eq(&key))
            .filter(sessions::starts_at.lt(v.ends_at))
            .filter(sessions::ends_at.gt(v.starts_at))
            .select((SessionRow::as_select(), courses::title))
            .load(c)?;
        if let Some((other, title)) = clashes
            .into_iter()
            .filter(|(s, _)| Some(s.id.as_str()) != except)
            .find(|(s, _)| overlaps((s.starts_at, s.ends_at), (v.starts_at, v.ends_at)))
        {
            return Err(RuleError::Fields(vec![room_taken(
                &title,
                (other.starts_at, other.ends_at),
            )])
            .into());
        }
    }
    let (holding, _) = course::counts(c, course_id)?;
    check_capacity(v.capacity, holding).map_err(|e| RuleError::Fields(vec![e]))?;
    Ok(())
}

/// The place's columns: what its kind does not use is null.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = sessions, treat_none_as_null = true)]
struct PlaceColumns<'a> {
    place_kind: &'static str,
    municipality_id: Option<&'a str>,
    address: Option<&'a str>,
    room: Option<&'a str>,
    room_key: Option<String>,
    link: Option<&'a str>,
}

impl<'a> PlaceColumns<'a> {
    fn of(place: &'a Place) -> Self {
        let none = Self {
            place_kind: place.kind().as_str(),
            municipality_id: None,
            address: None,
            room: None,
            room_key: place.room_key(),
            link: None,
        };
        match place {
            Place::Office {
                municipality_id,
                room,
            } => Self {
                municipality_id: Some(municipality_id),
                room: room.as_deref(),
                ..none
            },
            Place::Address { address, room } => Self {
                address: Some(address),
                room: room.as_deref(),
                ..none
            },
            Place::Online { link } => Self {
                link: Some(link),
                ..none
            },
        }
    }
}

/// Adds a session to a course.
pub fn insert(c: &mut DbConn, course_id: &str, v: &ValidSession) -> StoreResult<SessionRow> {
    check(c, course_id, v, None)?;
    let id = new_id();
    let at = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&id),
            sessions::course_id.eq(course_id),
            sessions::starts_at.eq(v.starts_at),
            sessions::ends_at.eq(v.ends_at),
            PlaceColumns::of(&v.place),
            sessions::capacity.eq(v.capacity),
            sessions::created_at.eq(at),
            sessions::updated_at.eq(at),
        ))
        .execute(c)?;
    Ok(find(c, &id)?.0)
}

/// Changes a session, if it is still at the version read.
pub fn update(c: &mut DbConn, cur: &SessionRow, v: &ValidSession) -> StoreResult<SessionRow> {
    check(c, &cur.course_id, v, Some(&cur.id))?;
    let n = diesel::update(
        sessions::table
            .filter(sessions::id.eq(&cur.id))
            .filter(sessions::version.eq(cur.version)),
    )
    .set((
        sessions::starts_at.eq(v.starts_at),
        sessions::ends_at.eq(v.ends_at),
        PlaceColumns::of(&v.place),
        sessions::capacity.eq(v.capacity),
        sessions::version.eq(cur.version + 1),
        sessions::updated_at.eq(now()),
    ))
    .execute(c)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(find(c, &cur.id)?.0)
}

/// A session's place in words: the office and room, the address and room, or the link.
pub fn place_in_words(c: &mut DbConn, s: &SessionRow) -> StoreResult<String> {
    let room = s
        .room
        .as_ref()
        .map(|r| format!(", {r}"))
        .unwrap_or_default();
    Ok(match PlaceKind::parse(&s.place_kind) {
        Some(PlaceKind::Office) => {
            let name: Option<String> = municipalities::table
                .find(s.municipality_id.clone().unwrap_or_default())
                .select(municipalities::name)
                .first(c)
                .optional()?;
            format!("{}{room}", name.unwrap_or_default())
        }
        Some(PlaceKind::Online) => format!("Online: {}", s.link.clone().unwrap_or_default()),
        _ => format!("{}{room}", s.address.clone().unwrap_or_default()),
    })
}
