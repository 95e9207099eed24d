//! People in the database: storage, duplicate candidates and name search.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::person::{DuplicateCandidate, Person, Sex, ValidPerson};
use lumit_shared::text::{fold, name_key, phonetic, search_text};
use serde::{Deserialize, Serialize};

use crate::db::{new_id, now, DbConn};
use crate::error::{ApiError, ApiResult};
use crate::models::municipality::like_escape;
use crate::schema::{cases, people};

/// A stored person.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = people)]
#[allow(missing_docs)]
pub struct PersonRow {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub sex: String,
    pub birth_date: Option<NaiveDate>,
    pub birth_year: Option<i32>,
    pub country_of_birth: Option<String>,
    pub citizenship: Option<String>,
    pub languages: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub residence_municipality_id: Option<String>,
    pub tax_code: Option<String>,
    pub permit_type: Option<String>,
    pub permit_number: Option<String>,
    pub permit_expiry: Option<NaiveDate>,
    pub notes: Option<String>,
    pub created_municipality_id: String,
    pub version: i64,
}

impl PersonRow {
    /// The API shape.
    pub fn into_api(self) -> Person {
        Person {
            sex: Sex::parse(&self.sex).unwrap_or_default(),
            languages: serde_json::from_str(&self.languages).unwrap_or_default(),
            id: self.id,
            first_name: self.first_name,
            last_name: self.last_name,
            birth_date: self.birth_date,
            birth_year: self.birth_year,
            country_of_birth: self.country_of_birth,
            citizenship: self.citizenship,
            phone: self.phone,
            email: self.email,
            residence_municipality_id: self.residence_municipality_id,
            tax_code: self.tax_code,
            permit_type: self.permit_type,
            permit_number: self.permit_number,
            permit_expiry: self.permit_expiry,
            notes: self.notes,
            created_municipality_id: self.created_municipality_id,
        }
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = people, treat_none_as_null = true)]
struct Values<'a> {
    first_name: &'a str,
    last_name: &'a str,
    name_key: String,
    search_text: String,
    sex: &'a str,
    birth_date: Option<NaiveDate>,
    birth_year: Option<i32>,
    country_of_birth: Option<&'a str>,
    citizenship: Option<&'a str>,
    languages: String,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    residence_municipality_id: Option<&'a str>,
    tax_code: Option<&'a str>,
    permit_type: Option<&'a str>,
    permit_number: Option<&'a str>,
    permit_expiry: Option<NaiveDate>,
    notes: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> Values<'a> {
    fn of(p: &'a ValidPerson) -> Self {
        Self {
            first_name: &p.first_name,
            last_name: &p.last_name,
            name_key: name_key(&p.first_name, &p.last_name),
            search_text: search_text(&[&p.first_name, &p.last_name]),
            sex: p.sex.as_str(),
            birth_date: p.birth_date,
            birth_year: p.birth_year,
            country_of_birth: p.country_of_birth.as_deref(),
            citizenship: p.citizenship.as_deref(),
            languages: serde_json::to_string(&p.languages).unwrap_or_else(|_| "[]".into()),
            phone: p.phone.as_deref(),
            email: p.email.as_deref(),
            residence_municipality_id: p.residence_municipality_id.as_deref(),
            tax_code: p.tax_code.as_deref(),
            permit_type: p.permit_type.as_deref(),
            permit_number: p.permit_number.as_deref(),
            permit_expiry: p.permit_expiry,
            notes: p.notes.as_deref(),
            updated_at: now(),
        }
    }
}

/// One person.
pub fn find(c: &mut DbConn, id: &str) -> ApiResult<PersonRow> {
    Ok(people::table
        .find(id)
        .select(PersonRow::as_select())
        .first(c)?)
}

/// People with the same name (whatever the case, accents, spaces and order) and a matching birth
/// date, or birth year where only the year is known.
pub fn duplicates(c: &mut DbConn, p: &ValidPerson) -> ApiResult<Vec<DuplicateCandidate>> {
    let rows: Vec<PersonRow> = people::table
        .filter(people::name_key.eq(name_key(&p.first_name, &p.last_name)))
        .select(PersonRow::as_select())
        .limit(50)
        .load(c)?;
    Ok(rows
        .into_iter()
        .filter(|r| match (p.birth_date, r.birth_date) {
            (Some(a), Some(b)) => a == b,
            _ => p.birth_year.is_some() && p.birth_year == r.birth_year,
        })
        .map(|r| DuplicateCandidate {
            id: r.id,
            first_name: r.first_name,
            last_name: r.last_name,
            birth_date: r.birth_date,
            birth_year: r.birth_year,
            citizenship: r.citizenship,
        })
        .collect())
}

/// Creates a person registered by a municipality.
pub fn insert(c: &mut DbConn, p: &ValidPerson, municipality_id: &str) -> ApiResult<PersonRow> {
    let id = new_id();
    diesel::insert_into(people::table)
        .values((
            people::id.eq(&id),
            Values::of(p),
            people::created_municipality_id.eq(municipality_id),
            people::version.eq(1),
            people::created_at.eq(now()),
        ))
        .execute(c)?;
    find(c, &id)
}

/// Replaces the values if the version still matches.
pub fn update(c: &mut DbConn, cur: &PersonRow, p: &ValidPerson) -> ApiResult<PersonRow> {
    let n = diesel::update(
        people::table
            .filter(people::id.eq(&cur.id))
            .filter(people::version.eq(cur.version)),
    )
    .set((Values::of(p), people::version.eq(cur.version + 1)))
    .execute(c)?;
    if n == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    find(c, &cur.id)
}

/// Filters of the list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Name search: every word must match, spelling variants included.
    pub q: Option<String>,
    /// Registered by this municipality.
    pub municipality_id: Option<String>,
    /// Only these municipalities (the caller's scope); `None` for all.
    pub scope: Option<Vec<String>>,
}

/// Sort key (last name folded, first name folded, id).
#[derive(Debug, Serialize, Deserialize)]
pub struct Cursor(pub String, pub String);

/// A page sorted by last name.
pub fn list(
    c: &mut DbConn,
    f: &Filter,
    after: Option<Cursor>,
    limit: i64,
) -> ApiResult<Vec<PersonRow>> {
    let mut q = people::table.select(PersonRow::as_select()).into_boxed();
    if let Some(text) = f.q.as_deref() {
        for word in fold(text).split(' ').filter(|w| !w.is_empty()).take(5) {
            q = q.filter(
                people::search_text
                    .like(format!("% {}%", like_escape(&phonetic(word))))
                    .escape('\\'),
            );
        }
    }
    if let Some(m) = &f.municipality_id {
        q = q.filter(people::created_municipality_id.eq(m.clone()));
    }
    if let Some(scope) = &f.scope {
        // Registered in the scope, or with a case there.
        let with_case = cases::table
            .filter(cases::municipality_id.eq_any(scope.clone()))
            .select(cases::person_id);
        q = q.filter(
            people::created_municipality_id
                .eq_any(scope.clone())
                .or(people::id.eq_any(with_case)),
        );
    }
    if let Some(Cursor(name, id)) = after {
        q = q.filter(
            people::last_name
                .gt(name.clone())
                .or(people::last_name.eq(name).and(people::id.gt(id))),
        );
    }
    Ok(q.order((people::last_name.asc(), people::id.asc()))
        .limit(limit + 1)
        .load(c)?)
}

/// True when the person was registered in, or has a case in, one of these municipalities.
pub fn in_scope(c: &mut DbConn, p: &PersonRow, scope: &[String]) -> ApiResult<bool> {
    if scope.contains(&p.created_municipality_id) {
        return Ok(true);
    }
    let n: i64 = cases::table
        .filter(cases::person_id.eq(&p.id))
        .filter(cases::municipality_id.eq_any(scope))
        .count()
        .get_result(c)?;
    Ok(n > 0)
}
