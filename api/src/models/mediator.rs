//! Mediators, their languages, coverage and availability in the database.

use std::collections::HashMap;

use chrono::{NaiveDateTime, NaiveTime, Timelike};
use diesel::prelude::*;
use lumit_shared::mediation::{
    Availability, AvailabilityException, LanguageLevel, Mediator, MediatorKind, MediatorLanguage,
    ValidMediator, WeeklyWindow, Window,
};
use lumit_shared::rule::RuleError;
use lumit_shared::user::Role;
use lumit_shared::FieldError;

use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::{
    mediator_absences, mediator_languages, mediator_municipalities, mediator_windows, mediators,
    users,
};

/// A stored mediator (without languages and coverage).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mediators)]
#[allow(missing_docs)]
pub struct Row {
    pub id: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub kind: String,
    pub organisation: Option<String>,
    pub travels: bool,
    pub active: bool,
    pub user_id: Option<String>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// Mediators with their languages and coverage, by name; `ids` limits them.
pub fn load(c: &mut DbConn, ids: Option<&[String]>) -> StoreResult<Vec<(Mediator, i64)>> {
    let mut q = mediators::table
        .select(Row::as_select())
        .order((mediators::full_name.asc(), mediators::id.asc()))
        .into_boxed();
    if let Some(ids) = ids {
        q = q.filter(mediators::id.eq_any(ids.to_vec()));
    }
    let rows: Vec<Row> = q.load(c)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut langs: HashMap<String, Vec<MediatorLanguage>> = HashMap::new();
    let lrows: Vec<(String, String, String)> = mediator_languages::table
        .filter(mediator_languages::mediator_id.eq_any(&ids))
        .select((
            mediator_languages::mediator_id,
            mediator_languages::language,
            mediator_languages::level,
        ))
        .order(mediator_languages::language.asc())
        .load(c)?;
    for (m, language, level) in lrows {
        langs.entry(m).or_default().push(MediatorLanguage {
            language,
            level: LanguageLevel::parse(&level).unwrap_or(LanguageLevel::B1),
        });
    }
    let mut places: HashMap<String, Vec<String>> = HashMap::new();
    let prows: Vec<(String, String)> = mediator_municipalities::table
        .filter(mediator_municipalities::mediator_id.eq_any(&ids))
        .select((
            mediator_municipalities::mediator_id,
            mediator_municipalities::municipality_id,
        ))
        .order(mediator_municipalities::municipality_id.asc())
        .load(c)?;
    for (m, place) in prows {
        places.entry(m).or_default().push(place);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let m = Mediator {
                languages: langs.remove(&r.id).unwrap_or_default(),
                municipality_ids: places.remove(&r.id).unwrap_or_default(),
                kind: MediatorKind::parse(&r.kind).unwrap_or(MediatorKind::Mediator),
                id: r.id,
                full_name: r.full_name,
                email: r.email,
                phone: r.phone,
                organisation: r.organisation,
                travels: r.travels,
                active: r.active,
                user_id: r.user_id,
                updated_at: r.updated_at.and_utc(),
            };
            (m, r.version)
        })
        .collect())
}

/// One mediator and its version.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<(Mediator, i64)> {
    load(c, Some(&[id.to_owned()]))?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The mediator a staff account acts as, while the mediator is active: a deactivated one is cut
/// off from their jobs at once (no confirming, completing, listing or calendar feed).
pub fn of_user(c: &mut DbConn, user_id: &str) -> StoreResult<Option<String>> {
    Ok(mediators::table
        .filter(mediators::user_id.eq(user_id))
        .filter(mediators::active.eq(true))
        .select(mediators::id)
        .first(c)
        .optional()?)
}

/// The account's mediator record, active or not (their own profile page).
pub fn record_of_user(c: &mut DbConn, user_id: &str) -> StoreResult<Option<String>> {
    Ok(mediators::table
        .filter(mediators::user_id.eq(user_id))
        .select(mediators::id)
        .first(c)
        .optional()?)
}

/// Takes the mediator's row lock until the transaction ends (PostgreSQL; SQLite has a single
/// writer), so that two assignments of the same mediator are checked one after the other even
/// without the writers' lock.
pub fn lock(c: &mut DbConn, id: &str) -> StoreResult<()> {
    let found = match c {
        DbConn::Pg(pg) => mediators::table
            .find(id)
            .select(mediators::id)
            .for_update()
            .first::<String>(pg)
            .optional()?,
        DbConn::Sqlite(_) => mediators::table
            .find(id)
            .select(mediators::id)
            .first::<String>(c)
            .optional()?,
    };
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

fn write_lists(c: &mut DbConn, id: &str, v: &ValidMediator) -> StoreResult<()> {
    diesel::delete(mediator_languages::table.filter(mediator_languages::mediator_id.eq(id)))
        .execute(c)?;
    for l in &v.languages {
        diesel::insert_into(mediator_languages::table)
            .values((
                mediator_languages::mediator_id.eq(id),
                mediator_languages::language.eq(&l.language),
                mediator_languages::level.eq(l.level.as_str()),
            ))
            .execute(c)?;
    }
    diesel::delete(
        mediator_municipalities::table.filter(mediator_municipalities::mediator_id.eq(id)),
    )
    .execute(c)?;
    for m in &v.municipality_ids {
        diesel::insert_into(mediator_municipalities::table)
            .values((
                mediator_municipalities::mediator_id.eq(id),
                mediator_municipalities::municipality_id.eq(m),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// Registers a mediator; returns the id.
pub fn insert(c: &mut DbConn, v: &ValidMediator) -> StoreResult<String> {
    let id = new_id();
    let at = now();
    diesel::insert_into(mediators::table)
        .values((
            mediators::id.eq(&id),
            mediators::full_name.eq(&v.full_name),
            mediators::email.eq(&v.email),
            mediators::phone.eq(&v.phone),
            mediators::kind.eq(v.kind.as_str()),
            mediators::organisation.eq(&v.organisation),
            mediators::travels.eq(v.travels),
            mediators::active.eq(v.active),
            mediators::user_id.eq(&v.user_id),
            mediators::created_at.eq(at),
            mediators::updated_at.eq(at),
        ))
        .execute(c)?;
    write_lists(c, &id, v)?;
    Ok(id)
}

/// Replaces a mediator's fields and bumps the version.
pub fn update(c: &mut DbConn, id: &str, v: &ValidMediator) -> StoreResult<()> {
    diesel::update(mediators::table.find(id))
        .set((
            mediators::full_name.eq(&v.full_name),
            mediators::email.eq(&v.email),
            mediators::phone.eq(&v.phone),
            mediators::kind.eq(v.kind.as_str()),
            mediators::organisation.eq(&v.organisation),
            mediators::travels.eq(v.travels),
            mediators::active.eq(v.active),
            mediators::user_id.eq(&v.user_id),
            mediators::updated_at.eq(now()),
            mediators::version.eq(mediators::version + 1),
        ))
        .execute(c)?;
    write_lists(c, id, v)
}

fn minute_of(t: NaiveTime) -> i32 {
    (t.hour() * 60 + t.minute()) as i32
}

fn time_of(m: i32) -> NaiveTime {
    let m = m.clamp(0, 1439) as u32;
    NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or(NaiveTime::MIN)
}

/// A mediator's weekly windows and days away.
pub type Schedule = (Vec<Window>, Vec<AvailabilityException>);

/// Windows and absences of some mediators.
pub fn schedules(c: &mut DbConn, ids: &[String]) -> StoreResult<HashMap<String, Schedule>> {
    let mut out: HashMap<String, Schedule> = HashMap::new();
    let windows: Vec<(String, i32, i32, i32)> = mediator_windows::table
        .filter(mediator_windows::mediator_id.eq_any(ids))
        .select((
            mediator_windows::mediator_id,
            mediator_windows::weekday,
            mediator_windows::start_minute,
            mediator_windows::end_minute,
        ))
        .order((
            mediator_windows::weekday.asc(),
            mediator_windows::start_minute.asc(),
        ))
        .load(c)?;
    for (m, weekday, start, end) in windows {
        out.entry(m).or_default().0.push(Window {
            weekday: weekday as u8,
            start: time_of(start),
            // A window that runs to midnight ends at the day's last minute.
            end: if end >= 1440 {
                NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
            } else {
                time_of(end)
            },
        });
    }
    let absences: Vec<(String, chrono::NaiveDate, chrono::NaiveDate, Option<String>)> =
        mediator_absences::table
            .filter(mediator_absences::mediator_id.eq_any(ids))
            .select((
                mediator_absences::mediator_id,
                mediator_absences::from_date,
                mediator_absences::to_date,
                mediator_absences::reason,
            ))
            .order(mediator_absences::from_date.asc())
            .load(c)?;
    for (m, from, to, reason) in absences {
        out.entry(m)
            .or_default()
            .1
            .push(AvailabilityException { from, to, reason });
    }
    Ok(out)
}

/// A mediator's availability as the API shows it.
pub fn availability(c: &mut DbConn, id: &str) -> StoreResult<Availability> {
    let (windows, exceptions) = schedules(c, &[id.to_owned()])?
        .remove(id)
        .unwrap_or_default();
    Ok(Availability {
        weekly: windows
            .into_iter()
            .map(|w| WeeklyWindow {
                weekday: w.weekday,
                start: w.start.format("%H:%M").to_string(),
                end: if w.end.hour() == 23 && w.end.minute() == 59 && w.end.second() == 59 {
                    "24:00".into()
                } else {
                    w.end.format("%H:%M").to_string()
                },
            })
            .collect(),
        exceptions,
    })
}

/// Replaces a mediator's availability.
pub fn set_availability(
    c: &mut DbConn,
    id: &str,
    windows: &[Window],
    exceptions: &[AvailabilityException],
) -> StoreResult<()> {
    diesel::delete(mediator_windows::table.filter(mediator_windows::mediator_id.eq(id)))
        .execute(c)?;
    for w in windows {
        let end = if w.end.hour() == 23 && w.end.minute() == 59 && w.end.second() == 59 {
            1440
        } else {
            minute_of(w.end)
        };
        diesel::insert_into(mediator_windows::table)
            .values((
                mediator_windows::id.eq(new_id()),
                mediator_windows::mediator_id.eq(id),
                mediator_windows::weekday.eq(i32::from(w.weekday)),
                mediator_windows::start_minute.eq(minute_of(w.start)),
                mediator_windows::end_minute.eq(end),
            ))
            .execute(c)?;
    }
    diesel::delete(mediator_absences::table.filter(mediator_absences::mediator_id.eq(id)))
        .execute(c)?;
    for x in exceptions {
        diesel::insert_into(mediator_absences::table)
            .values((
                mediator_absences::id.eq(new_id()),
                mediator_absences::mediator_id.eq(id),
                mediator_absences::from_date.eq(x.from),
                mediator_absences::to_date.eq(x.to),
                mediator_absences::reason.eq(&x.reason),
            ))
            .execute(c)?;
    }
    diesel::update(mediators::table.find(id))
        .set((
            mediators::updated_at.eq(now()),
            mediators::version.eq(mediators::version + 1),
        ))
        .execute(c)?;
    Ok(())
}

/// Stores the hash of a new calendar-feed secret (the old one stops working).
pub fn set_feed_token(c: &mut DbConn, id: &str, hash: Option<&str>) -> StoreResult<()> {
    diesel::update(mediators::table.find(id))
        .set(mediators::feed_token_hash.eq(hash))
        .execute(c)?;
    Ok(())
}

/// The mediator whose feed secret hashes to this, while both the mediator and their account are
/// active.
pub fn by_feed_token(c: &mut DbConn, hash: &str) -> StoreResult<Option<(String, String)>> {
    use crate::schema::users;
    Ok(mediators::table
        .inner_join(users::table)
        .filter(mediators::feed_token_hash.eq(hash))
        .filter(mediators::active.eq(true))
        .filter(users::active.eq(true))
        .filter(users::role.eq(lumit_shared::user::Role::Mediator.as_str()))
        .select((mediators::id, mediators::full_name))
        .first(c)
        .optional()?)
}

/// Checks a mediator's references: municipalities exist; the account exists, has the mediator
/// role and acts for no one else.
pub fn check_references(c: &mut DbConn, v: &ValidMediator, me: Option<&str>) -> StoreResult<()> {
    let mut errors = Vec::new();
    let found = crate::models::municipality::existing_ids(c, &v.municipality_ids)?;
    for (i, m) in v.municipality_ids.iter().enumerate() {
        if !found.contains(m) {
            errors.push(FieldError::new(
                format!("municipality_ids[{i}]"),
                "invalid_reference",
                "no such municipality",
            ));
        }
    }
    if let Some(u) = &v.user_id {
        let role: Option<String> = users::table
            .find(u)
            .select(users::role)
            .first(c)
            .optional()?;
        let taken: Option<String> = mediators::table
            .filter(mediators::user_id.eq(u))
            .select(mediators::id)
            .first(c)
            .optional()?;
        if role.as_deref() != Some(Role::Mediator.as_str()) {
            errors.push(FieldError::new(
                "user_id",
                "invalid_reference",
                "must be an account with the mediator role",
            ));
        } else if taken.is_some_and(|t| Some(t.as_str()) != me) {
            errors.push(FieldError::new(
                "user_id",
                "taken",
                "this account already acts for another mediator",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(RuleError::Fields(errors).into())
    }
}
