//! People in the database: storage, duplicate candidates and name search.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::person::{DuplicateCandidate, Person, Sex, ValidPerson};
use lumit_shared::text::{fold, name_key, phonetic, search_text, sound_key};
use serde::{Deserialize, Serialize};

use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::models::person_words as word_index;
use crate::schema::{cases, people, person_links};

pub(crate) mod rights;

pub use rights::*;

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
            identity_only: false,
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

/// One person (a record merged into another is gone).
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<PersonRow> {
    Ok(people::table
        .find(id)
        .filter(people::merged_into_id.is_null())
        .select(PersonRow::as_select())
        .first(c)?)
}

/// People who may be `p`: born the same day (or, where only the year is known, the same year)
/// with the same name whatever its case, accents, order, spelling or transliteration
/// ([`sound_key`]: "Mohammed Benali" meets "Mohamed Benali"). Found by birth date first (an
/// index), then compared by name here, so that the same folding serves search and duplicates.
pub fn duplicates(c: &mut DbConn, p: &ValidPerson) -> StoreResult<Vec<PersonRow>> {
    let Some(year) = p.birth_year else {
        return Ok(Vec::new());
    };
    let mut q = people::table
        .filter(people::merged_into_id.is_null())
        .filter(people::anonymised_at.is_null())
        .select(PersonRow::as_select())
        .into_boxed();
    q = match p.birth_date {
        Some(date) => q.filter(
            people::birth_date.eq(date).or(people::birth_date
                .is_null()
                .and(people::birth_year.eq(year))),
        ),
        None => q.filter(people::birth_year.eq(year)),
    };
    let (key, sound) = (
        name_key(&p.first_name, &p.last_name),
        sound_key(&p.first_name, &p.last_name),
    );
    let rows: Vec<PersonRow> = q.limit(5000).load(c)?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            // By sound alone the names of a brother and a sister can meet (Mario, Maria): then
            // the sex must agree where both are known.
            let same_sex = r.sex == "X" || p.sex == Sex::X || r.sex == p.sex.as_str();
            name_key(&r.first_name, &r.last_name) == key
                || (sound_key(&r.first_name, &r.last_name) == sound && same_sex)
        })
        .take(50)
        .collect())
}

/// What a possible duplicate shows of a person the caller may see.
pub fn candidate(r: PersonRow) -> DuplicateCandidate {
    DuplicateCandidate {
        id: r.id,
        first_name: r.first_name,
        last_name: r.last_name,
        birth_date: r.birth_date,
        birth_year: r.birth_year,
        citizenship: r.citizenship,
    }
}

/// Creates a person registered by a municipality.
pub fn insert(c: &mut DbConn, p: &ValidPerson, municipality_id: &str) -> StoreResult<PersonRow> {
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
    word_index::reindex(c, &id)?;
    find(c, &id)
}

/// Replaces the values if the version still matches.
pub fn update(c: &mut DbConn, cur: &PersonRow, p: &ValidPerson) -> StoreResult<PersonRow> {
    let n = diesel::update(
        people::table
            .filter(people::id.eq(&cur.id))
            .filter(people::version.eq(cur.version)),
    )
    .set((Values::of(p), people::version.eq(cur.version + 1)))
    .execute(c)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    word_index::reindex(c, &cur.id)?;
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cursor(pub String, pub String);

/// A page sorted by last name.
pub fn list(
    c: &mut DbConn,
    f: &Filter,
    after: Option<Cursor>,
    limit: i64,
) -> StoreResult<Vec<PersonRow>> {
    let mut q = people::table
        .filter(people::merged_into_id.is_null())
        .select(PersonRow::as_select())
        .into_boxed();
    let words = f.q.as_deref().map(NameWords::words_of).unwrap_or_default();
    // Cut to the page among the matches unless a filter on the person follows.
    let page = f
        .municipality_id
        .is_none()
        .then(|| (limit + 1, after.clone()));
    if let Some(names) = NameWords::new(&words, f.scope.clone(), page) {
        q = q.filter(names);
    }
    if let Some(m) = &f.municipality_id {
        q = q.filter(people::created_municipality_id.eq(m.clone()));
    }
    let searching = !words.is_empty();
    if let Some(scope) = f.scope.as_ref().filter(|_| !searching) {
        // Registered in the scope, or with a case there. EXISTS probes one person's cases by
        // index; `IN (SELECT …)` made PostgreSQL compare every match with every case of the scope.
        let with_case = cases::table
            .filter(cases::person_id.eq(people::id))
            .filter(cases::municipality_id.eq_any(scope.clone()));
        let linked = person_links::table
            .filter(person_links::person_id.eq(people::id))
            .filter(person_links::municipality_id.eq_any(scope.clone()));
        q = q.filter(
            people::created_municipality_id
                .eq_any(scope.clone())
                .or(diesel::dsl::exists(with_case))
                .or(diesel::dsl::exists(linked)),
        );
    }
    if let Some(Cursor(name, id)) = after {
        q = q.filter(people::last_name.ge(name.clone())).filter(
            people::last_name
                .gt(name.clone())
                .or(people::last_name.eq(name).and(people::id.gt(id))),
        );
    }
    if searching {
        // Matches are few and scattered: read them and sort them. Walking the name index
        // instead (which SQLite prefers, to skip the sort) visits every person, far slower
        // (docs/PERFORMANCE.md, "Name search"). `|| ''` keeps the order but hides the index from the planner.
        q = q.order((people::last_name.concat("").asc(), people::id.asc()));
    } else {
        q = q.order((people::last_name.asc(), people::id.asc()));
    }
    Ok(q.limit(limit + 1).load(c)?)
}

/// `people.id IN (<people with a word starting with the longest word of the query, whose name has
/// a word starting with each of the others>)`: every word of the query must start a word of the
/// name, in a municipality where the person is visible when the caller has a scope. The longest
/// word (the rarest, as a rule, and never a one-letter prefix typed so far) is one range of the
/// word index (per municipality); the other words are checked in the same index entries, which
/// carry the person's search text, and the matches are cut to the page in name order before any
/// person is read. (A range per word, intersected, costs PostgreSQL more CPU: docs/PERFORMANCE.md, "Name
/// search".)
#[derive(Debug, Clone)]
pub(crate) struct NameWords {
    /// The column that must hold a matching person's id (`people.id`, `cases.person_id`).
    subject: &'static str,
    /// The range of the longest word.
    range: (String, Option<String>),
    /// `% word%` for every other word: a word of the search text (" w1 p1 w2 p2 ") starts so.
    /// Folded words hold only letters and digits, so nothing in them is a `LIKE` wildcard.
    others: Vec<String>,
    scope: Option<Vec<String>>,
    /// Rows wanted and the cursor, in the list's order (last name, id).
    page: Option<(i64, Option<Cursor>)>,
}

impl NameWords {
    fn new(
        words: &[String],
        scope: Option<Vec<String>>,
        page: Option<(i64, Option<Cursor>)>,
    ) -> Option<Self> {
        let longest =
            (0..words.len()).max_by_key(|&i| (words[i].chars().count(), usize::MAX - i))?;
        Some(NameWords {
            subject: "people.id",
            range: word_index::prefix_range(&words[longest]),
            others: words
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != longest)
                .map(|(_, w)| format!("% {w}%"))
                .collect(),
            scope,
            page,
        })
    }

    /// The words of a free-text search, folded and spelt as the index keeps them (at most five).
    pub(crate) fn words_of(text: &str) -> Vec<String> {
        fold(text)
            .split(' ')
            .filter(|w| !w.is_empty())
            .take(5)
            .map(phonetic)
            .collect()
    }

    /// `column IN (<people whose name has a word starting with each of the words>)`, wherever
    /// they are visible: the caller scopes the rows that hold `column`.
    pub(crate) fn holding(column: &'static str, words: &[String]) -> Option<Self> {
        Self::new(words, None, None).map(|n| Self {
            subject: column,
            ..n
        })
    }
}

super::condition!(NameWords, |self, out| {
    use diesel::sql_types::Text;
    // DISTINCT: a person seen in two of the caller's municipalities, or with two words that
    // start with the prefix, is in the range twice.
    out.push_sql(self.subject);
    out.push_sql(
        " IN (SELECT h.person_id FROM (SELECT DISTINCT last_name, person_id \
         FROM person_words WHERE word >= ",
    );
    let (from, to) = &self.range;
    out.push_bind_param::<Text, String>(from)?;
    if let Some(to) = to {
        out.push_sql(" AND word < ");
        out.push_bind_param::<Text, String>(to)?;
    }
    for pattern in &self.others {
        out.push_sql(" AND search_text LIKE ");
        out.push_bind_param::<Text, String>(pattern)?;
    }
    match &self.scope {
        None => {}
        Some(scope) if scope.is_empty() => out.push_sql(" AND 1 = 0"),
        Some(scope) => {
            out.push_sql(" AND municipality_id IN (");
            for (j, m) in scope.iter().enumerate() {
                if j > 0 {
                    out.push_sql(", ");
                }
                out.push_bind_param::<Text, String>(m)?;
            }
            out.push_sql(")");
        }
    }
    out.push_sql(") AS h");
    if let Some((limit, after)) = &self.page {
        if let Some(Cursor(name, id)) = after {
            out.push_sql(" WHERE h.last_name >= ");
            out.push_bind_param::<Text, String>(name)?;
            out.push_sql(" AND (h.last_name > ");
            out.push_bind_param::<Text, String>(name)?;
            out.push_sql(" OR h.person_id > ");
            out.push_bind_param::<Text, String>(id)?;
            out.push_sql(")");
        }
        out.push_sql(&format!(" ORDER BY h.last_name, h.person_id LIMIT {limit}"));
    }
    out.push_sql(")");
    Ok(())
});

/// True when the person was registered in, or has a case in, one of these municipalities.
pub fn in_scope(c: &mut DbConn, p: &PersonRow, scope: &[String]) -> StoreResult<bool> {
    if scope.contains(&p.created_municipality_id) {
        return Ok(true);
    }
    let n: i64 = cases::table
        .filter(cases::person_id.eq(&p.id))
        .filter(cases::municipality_id.eq_any(scope))
        .count()
        .get_result(c)?;
    if n > 0 {
        return Ok(true);
    }
    let linked: i64 = person_links::table
        .filter(person_links::person_id.eq(&p.id))
        .filter(person_links::municipality_id.eq_any(scope))
        .count()
        .get_result(c)?;
    Ok(linked > 0)
}

/// Links a person registered elsewhere to a municipality, so that its desks serve her; the
/// reason is kept with the link (never in the audit chain). `false` when she was linked already.
pub fn link(
    c: &mut DbConn,
    person_id: &str,
    municipality_id: &str,
    reason: &str,
    by: &str,
) -> StoreResult<bool> {
    let exists: i64 = person_links::table
        .find((person_id, municipality_id))
        .count()
        .get_result(c)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(person_links::table)
        .values((
            person_links::person_id.eq(person_id),
            person_links::municipality_id.eq(municipality_id),
            person_links::reason.eq(reason),
            person_links::linked_by_id.eq(by),
            person_links::linked_at.eq(now()),
        ))
        .execute(c)?;
    word_index::reindex(c, person_id)?;
    Ok(true)
}
