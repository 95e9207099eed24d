//! Courses, their trainers, and the figures shown with them (sessions, places, enrolled).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lumit_shared::rule::RuleError;
use lumit_shared::text::fold;
use lumit_shared::training::{Course, CourseTrainer, OfficeKind, ValidCourse};
use lumit_shared::user::Role;
use serde::{Deserialize, Serialize};

use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::{
    training_course_trainers as trainers, training_courses as courses,
    training_enrolments as enrolments, training_sessions as sessions, training_topics, users,
};

/// A stored course.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = courses)]
pub struct CourseRow {
    pub id: String,
    pub title: String,
    pub title_folded: String,
    pub topic_id: String,
    pub description: Option<String>,
    pub organisation: String,
    pub target_offices: String,
    pub min_attendance_percent: i64,
    pub version: i64,
    pub created_at: NaiveDateTime,
}

/// Where a page of courses ends: folded title and id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cursor(pub String, pub String);

/// What a course list is narrowed to.
#[derive(Debug, Default)]
pub struct Filter {
    /// Part of the title (case and accents ignored).
    pub q: Option<String>,
    /// One topic.
    pub topic_id: Option<String>,
    /// The courses this trainer teaches.
    pub trainer_id: Option<String>,
}

/// A page of courses by title (one more than `limit`, to tell whether another page follows).
pub fn list(
    c: &mut DbConn,
    f: &Filter,
    after: Option<Cursor>,
    limit: i64,
) -> StoreResult<Vec<CourseRow>> {
    let mut q = courses::table.select(CourseRow::as_select()).into_boxed();
    if let Some(text) = f.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
        q = q.filter(courses::title_folded.like(format!("%{}%", text.replace(['%', '_'], ""))));
    }
    if let Some(t) = &f.topic_id {
        q = q.filter(courses::topic_id.eq(t.clone()));
    }
    if let Some(u) = &f.trainer_id {
        q = q.filter(
            courses::id.eq_any(
                trainers::table
                    .filter(trainers::user_id.eq(u.clone()))
                    .select(trainers::course_id),
            ),
        );
    }
    if let Some(Cursor(title, id)) = after {
        q = q.filter(
            courses::title_folded
                .gt(title.clone())
                .or(courses::title_folded.eq(title).and(courses::id.gt(id))),
        );
    }
    Ok(q.order((courses::title_folded, courses::id))
        .limit(limit + 1)
        .load(c)?)
}

/// One course.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<CourseRow> {
    Ok(courses::table
        .find(id)
        .select(CourseRow::as_select())
        .first(c)?)
}

/// Whether this account teaches the course.
pub fn teaches(c: &mut DbConn, course_id: &str, user_id: &str) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        trainers::table
            .filter(trainers::course_id.eq(course_id))
            .filter(trainers::user_id.eq(user_id)),
    ))
    .get_result(c)?)
}

/// Makes the course's enrolment changes wait for each other until the transaction ends: the
/// update takes the row's lock on PostgreSQL (SQLite has a single writer), so the count of
/// places read next is the one the change will commit against.
pub fn lock_enrolments(c: &mut DbConn, id: &str) -> StoreResult<()> {
    let n = diesel::update(courses::table.find(id))
        .set(courses::enrolment_changes.eq(courses::enrolment_changes + 1))
        .execute(c)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn offices_text(v: &ValidCourse) -> String {
    v.target_offices
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The topic must exist (and be offered, when it changes) and every trainer added must be an
/// active trainer account (one deactivated since stays listed until removed).
fn check_references(
    c: &mut DbConn,
    v: &ValidCourse,
    old_topic: Option<&str>,
    old_trainers: &[String],
) -> StoreResult<()> {
    let topic: Option<bool> = training_topics::table
        .find(&v.topic_id)
        .select(training_topics::active)
        .first(c)
        .optional()?;
    match topic {
        None => return Err(RuleError::field("topic_id", "unknown", "no such topic").into()),
        Some(false) if old_topic != Some(v.topic_id.as_str()) => {
            return Err(
                RuleError::field("topic_id", "inactive", "this topic is no longer offered").into(),
            )
        }
        _ => {}
    }
    let found: Vec<String> = users::table
        .filter(users::id.eq_any(&v.trainer_ids))
        .filter(users::role.eq(Role::Trainer.as_str()))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(c)?;
    let errors: Vec<_> = v
        .trainer_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !found.contains(id) && !old_trainers.contains(id))
        .map(|(i, _)| {
            lumit_shared::FieldError::new(
                format!("trainer_ids[{i}]"),
                "not_a_trainer",
                "is not an active trainer account",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(RuleError::Fields(errors).into())
    }
}

fn set_trainers(c: &mut DbConn, id: &str, v: &ValidCourse) -> StoreResult<()> {
    diesel::delete(trainers::table.filter(trainers::course_id.eq(id))).execute(c)?;
    for t in &v.trainer_ids {
        diesel::insert_into(trainers::table)
            .values((trainers::course_id.eq(id), trainers::user_id.eq(t)))
            .execute(c)?;
    }
    Ok(())
}

/// Stores a new course.
pub fn insert(c: &mut DbConn, v: &ValidCourse, by: Option<&str>) -> StoreResult<CourseRow> {
    check_references(c, v, None, &[])?;
    let id = new_id();
    let at = now();
    diesel::insert_into(courses::table)
        .values((
            courses::id.eq(&id),
            courses::title.eq(&v.title),
            courses::title_folded.eq(fold(&v.title)),
            courses::topic_id.eq(&v.topic_id),
            courses::description.eq(&v.description),
            courses::organisation.eq(&v.organisation),
            courses::target_offices.eq(offices_text(v)),
            courses::min_attendance_percent.eq(v.min_attendance_percent),
            courses::created_by.eq(by),
            courses::created_at.eq(at),
            courses::updated_at.eq(at),
        ))
        .execute(c)?;
    set_trainers(c, &id, v)?;
    find(c, &id)
}

/// Changes a course, if it is still at the version read.
pub fn update(c: &mut DbConn, cur: &CourseRow, v: &ValidCourse) -> StoreResult<CourseRow> {
    let old: Vec<String> = trainers::table
        .filter(trainers::course_id.eq(&cur.id))
        .select(trainers::user_id)
        .load(c)?;
    check_references(c, v, Some(&cur.topic_id), &old)?;
    let n = diesel::update(
        courses::table
            .filter(courses::id.eq(&cur.id))
            .filter(courses::version.eq(cur.version)),
    )
    .set((
        courses::title.eq(&v.title),
        courses::title_folded.eq(fold(&v.title)),
        courses::topic_id.eq(&v.topic_id),
        courses::description.eq(&v.description),
        courses::organisation.eq(&v.organisation),
        courses::target_offices.eq(offices_text(v)),
        courses::min_attendance_percent.eq(v.min_attendance_percent),
        courses::version.eq(cur.version + 1),
        courses::updated_at.eq(now()),
    ))
    .execute(c)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    set_trainers(c, &cur.id, v)?;
    find(c, &cur.id)
}

/// Places of a course: the smallest capacity of its sessions; none before the first session.
pub fn capacity(c: &mut DbConn, course_id: &str) -> StoreResult<Option<i64>> {
    Ok(sessions::table
        .filter(sessions::course_id.eq(course_id))
        .select(diesel::dsl::min(sessions::capacity))
        .first(c)?)
}

/// How many hold a place and how many wait.
pub fn counts(c: &mut DbConn, course_id: &str) -> StoreResult<(i64, i64)> {
    let rows: Vec<String> = enrolments::table
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::status.ne("withdrawn"))
        .select(enrolments::status)
        .load(c)?;
    let holding = rows.iter().filter(|s| *s == "enrolled").count() as i64;
    Ok((holding, rows.len() as i64 - holding))
}

/// The API shapes of these courses, with their trainers and figures (four queries in all).
pub fn to_api(c: &mut DbConn, rows: Vec<CourseRow>) -> StoreResult<Vec<Course>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let taught: Vec<(String, String, String)> = trainers::table
        .inner_join(users::table)
        .filter(trainers::course_id.eq_any(&ids))
        .select((trainers::course_id, users::id, users::full_name))
        .order(users::full_name)
        .load(c)?;
    let planned: Vec<(String, NaiveDateTime, NaiveDateTime, i64)> = sessions::table
        .filter(sessions::course_id.eq_any(&ids))
        .select((
            sessions::course_id,
            sessions::starts_at,
            sessions::ends_at,
            sessions::capacity,
        ))
        .load(c)?;
    let statuses: Vec<(String, String)> = enrolments::table
        .filter(enrolments::course_id.eq_any(&ids))
        .select((enrolments::course_id, enrolments::status))
        .load(c)?;
    let mut by_status: HashMap<(&str, &str), i64> = HashMap::new();
    for (course, status) in &statuses {
        *by_status.entry((course, status)).or_default() += 1;
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine: Vec<_> = planned.iter().filter(|s| s.0 == r.id).collect();
            let enrolled = by_status.get(&(r.id.as_str(), "enrolled")).copied();
            let waiting = by_status.get(&(r.id.as_str(), "waiting")).copied();
            Course {
                trainers: taught
                    .iter()
                    .filter(|t| t.0 == r.id)
                    .map(|t| CourseTrainer {
                        id: t.1.clone(),
                        full_name: t.2.clone(),
                    })
                    .collect(),
                target_offices: r
                    .target_offices
                    .split_whitespace()
                    .filter_map(OfficeKind::parse)
                    .collect(),
                sessions: mine.len() as i64,
                first_day: mine.iter().map(|s| s.1.date()).min(),
                last_day: mine.iter().map(|s| s.2.date()).max(),
                planned_minutes: mine.iter().map(|s| (s.2 - s.1).num_minutes()).sum(),
                capacity: mine.iter().map(|s| s.3).min(),
                enrolled: enrolled.unwrap_or(0),
                waiting: waiting.unwrap_or(0),
                id: r.id,
                title: r.title,
                topic_id: r.topic_id,
                description: r.description,
                organisation: r.organisation,
                min_attendance_percent: r.min_attendance_percent,
            }
        })
        .collect())
}

/// The API shape of one course.
pub fn one_to_api(c: &mut DbConn, row: CourseRow) -> StoreResult<Course> {
    to_api(c, vec![row])?.pop().ok_or(StoreError::NotFound)
}
