//! Cases in the database: the row, opening, changing and moving a case, and the references of
//! its fields. The list, the timeline and the taxonomy have a file each.

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::case::{Case, CaseStatus, Channel, Outcome, Priority};
use lumit_shared::rule::RuleError;
use lumit_shared::FieldError;

use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::models::municipality::with_members;
use crate::schema::{
    case_categories, case_counters, cases, desks, people, user_municipalities, users,
};

/// The backend of a connection of either database (for boxed queries).
type Backend = <DbConn as Connection>::Backend;

mod categories;
mod events;
mod list;

pub use categories::*;
pub use events::*;
pub use list::*;

/// A stored case.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
#[allow(missing_docs)]
pub struct CaseRow {
    pub id: String,
    pub reference: String,
    pub person_id: String,
    pub municipality_id: String,
    pub desk_id: Option<String>,
    pub category_id: String,
    pub subcategory_id: Option<String>,
    pub channel: String,
    pub priority: String,
    pub assigned_to_id: Option<String>,
    pub summary: String,
    pub status: String,
    pub outcome: Option<String>,
    pub language: Option<String>,
    pub mediator_present: bool,
    pub opened_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl CaseRow {
    /// The workflow status.
    pub fn status(&self) -> CaseStatus {
        CaseStatus::parse(&self.status).unwrap_or(CaseStatus::Open)
    }

    /// The API shape, with the person's name.
    pub fn into_api(self, person_name: String) -> Case {
        Case {
            channel: Channel::parse(&self.channel).unwrap_or(Channel::Desk),
            priority: Priority::parse(&self.priority).unwrap_or(Priority::Normal),
            status: self.status(),
            outcome: self.outcome.as_deref().and_then(Outcome::parse),
            id: self.id,
            reference: self.reference,
            person_id: self.person_id,
            person_name,
            municipality_id: self.municipality_id,
            desk_id: self.desk_id,
            category_id: self.category_id,
            subcategory_id: self.subcategory_id,
            assigned_to_id: self.assigned_to_id,
            summary: self.summary,
            language: self.language,
            mediator_present: self.mediator_present,
            opened_at: self.opened_at.and_utc(),
            closed_at: self.closed_at.map(|t| t.and_utc()),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

/// The editable fields of a case.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = cases, treat_none_as_null = true)]
#[allow(missing_docs)]
pub struct CaseFields {
    pub desk_id: Option<String>,
    pub category_id: String,
    pub subcategory_id: Option<String>,
    pub channel: String,
    pub priority: String,
    pub assigned_to_id: Option<String>,
    pub summary: String,
    pub language: Option<String>,
    pub mediator_present: bool,
}

/// One case with its person's name.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<(CaseRow, String)> {
    let (row, first, last): (CaseRow, String, String) = cases::table
        .inner_join(people::table)
        .filter(cases::id.eq(id))
        .select((CaseRow::as_select(), people::first_name, people::last_name))
        .first(c)?;
    Ok((row, format!("{first} {last}")))
}

/// The next reference of the year (`LU-2026-000123`). Runs inside the serialised writer.
fn next_reference(c: &mut DbConn, prefix: &str, at: NaiveDateTime) -> StoreResult<String> {
    let year = at.year();
    let last: Option<i64> = case_counters::table
        .find(year)
        .select(case_counters::last_number)
        .first(c)
        .optional()?;
    let n = match last {
        Some(n) => {
            diesel::update(case_counters::table.find(year))
                .set(case_counters::last_number.eq(n + 1))
                .execute(c)?;
            n + 1
        }
        None => {
            diesel::insert_into(case_counters::table)
                .values((
                    case_counters::year.eq(year),
                    case_counters::last_number.eq(1_i64),
                ))
                .execute(c)?;
            1
        }
    };
    Ok(format!("{prefix}-{year}-{n:06}"))
}

/// Opens a case.
pub fn insert(
    c: &mut DbConn,
    person_id: &str,
    municipality_id: &str,
    f: &CaseFields,
    created_by: &str,
) -> StoreResult<CaseRow> {
    let id = new_id();
    let t = now();
    let reference = next_reference(c, "LU", t)?;
    diesel::insert_into(cases::table)
        .values((
            cases::id.eq(&id),
            cases::reference.eq(&reference),
            cases::person_id.eq(person_id),
            cases::municipality_id.eq(municipality_id),
            cases::desk_id.eq(&f.desk_id),
            cases::category_id.eq(&f.category_id),
            cases::subcategory_id.eq(&f.subcategory_id),
            cases::channel.eq(&f.channel),
            cases::priority.eq(&f.priority),
            cases::assigned_to_id.eq(&f.assigned_to_id),
            cases::summary.eq(&f.summary),
            cases::status.eq(CaseStatus::Open.as_str()),
            cases::language.eq(&f.language),
            cases::mediator_present.eq(f.mediator_present),
            cases::opened_at.eq(t),
            cases::updated_at.eq(t),
            cases::created_by.eq(created_by),
            cases::version.eq(1),
        ))
        .execute(c)?;
    // The person becomes findable by name in the case's municipality.
    crate::models::person_words::reindex(c, person_id)?;
    Ok(find(c, &id)?.0)
}

/// Changes the editable fields if the version still matches.
pub fn update(c: &mut DbConn, cur: &CaseRow, f: &CaseFields) -> StoreResult<()> {
    let n = diesel::update(
        cases::table
            .filter(cases::id.eq(&cur.id))
            .filter(cases::version.eq(cur.version)),
    )
    .set((
        f.clone(),
        cases::version.eq(cur.version + 1),
        cases::updated_at.eq(now()),
    ))
    .execute(c)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Moves the case to a status (closing sets the outcome and time; reopening clears them).
pub fn set_status(
    c: &mut DbConn,
    cur: &CaseRow,
    to: CaseStatus,
    outcome: Option<Outcome>,
) -> StoreResult<()> {
    let t = now();
    let closed_at = (to == CaseStatus::Closed).then_some(t);
    let n = diesel::update(
        cases::table
            .filter(cases::id.eq(&cur.id))
            .filter(cases::version.eq(cur.version)),
    )
    .set((
        cases::status.eq(to.as_str()),
        cases::outcome.eq(outcome.map(Outcome::as_str)),
        cases::closed_at.eq(closed_at),
        cases::updated_at.eq(t),
        cases::version.eq(cur.version + 1),
    ))
    .execute(c)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Checks the references of a case's fields: a desk of the case's municipality, a category and
/// a sub-category of it, an active operator who works there (or a coordinator).
pub fn check_references(
    c: &mut DbConn,
    municipality_id: &str,
    f: &CaseFields,
    assignee_was: Option<&str>,
) -> StoreResult<()> {
    let mut errors = Vec::new();
    if let Some(d) = &f.desk_id {
        let owner: Option<String> = desks::table
            .find(d)
            .select(desks::municipality_id)
            .first(c)
            .optional()?;
        if owner.as_deref() != Some(municipality_id) {
            errors.push(FieldError::new(
                "desk_id",
                "invalid_reference",
                "no such desk at this municipality",
            ));
        }
    }
    let parent_of = |c: &mut DbConn, id: &str| -> StoreResult<Option<Option<String>>> {
        Ok(case_categories::table
            .find(id)
            .select(case_categories::parent_id)
            .first(c)
            .optional()?)
    };
    match parent_of(c, &f.category_id)? {
        Some(None) => {}
        Some(Some(_)) => errors.push(FieldError::new(
            "category_id",
            "not_a_category",
            "is a sub-category",
        )),
        None => errors.push(FieldError::new(
            "category_id",
            "invalid_reference",
            "no such category",
        )),
    }
    if let Some(sub) = &f.subcategory_id {
        if parent_of(c, sub)? != Some(Some(f.category_id.clone())) {
            errors.push(FieldError::new(
                "subcategory_id",
                "invalid_reference",
                "not a sub-category of the category",
            ));
        }
    }
    if let Some(u) = f
        .assigned_to_id
        .as_deref()
        .filter(|u| Some(*u) != assignee_was)
    {
        let role: Option<String> = users::table
            .find(u)
            .filter(users::active.eq(true))
            .select(users::role)
            .first(c)
            .optional()?;
        match role.as_deref() {
            Some("coordinator" | "admin") => {}
            // An operator only for a municipality they work for: a case assigned elsewhere
            // would show another desk's person to someone outside it.
            Some("operator") => {
                let theirs: Vec<String> = user_municipalities::table
                    .filter(user_municipalities::user_id.eq(u))
                    .select(user_municipalities::municipality_id)
                    .load(c)?;
                if !with_members(c, theirs)?
                    .iter()
                    .any(|m| m == municipality_id)
                {
                    errors.push(FieldError::new(
                        "assigned_to_id",
                        "not_in_municipality",
                        "this operator does not work for the case's municipality",
                    ));
                }
            }
            _ => errors.push(FieldError::new(
                "assigned_to_id",
                "invalid_reference",
                "no such active operator",
            )),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(RuleError::Fields(errors).into())
    }
}
