//! Cases, their references, timeline and categories in the database.

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::case::{
    Case, CaseCategory, CaseEvent, CaseStatus, Channel, EventKind, EventRevision, Outcome,
    Priority, ValidCaseEvent,
};
use serde::{Deserialize, Serialize};

use crate::db::{new_id, now, DbConn};
use crate::error::{ApiError, ApiResult};
use crate::models::municipality::like_escape;
use crate::models::person::NameWords;
use crate::schema::{case_categories, case_counters, case_events, cases, people};

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
pub fn find(c: &mut DbConn, id: &str) -> ApiResult<(CaseRow, String)> {
    let (row, first, last): (CaseRow, String, String) = cases::table
        .inner_join(people::table)
        .filter(cases::id.eq(id))
        .select((CaseRow::as_select(), people::first_name, people::last_name))
        .first(c)?;
    Ok((row, format!("{first} {last}")))
}

/// The next reference of the year (`LU-2026-000123`). Runs inside the serialised writer.
fn next_reference(c: &mut DbConn, prefix: &str, at: NaiveDateTime) -> ApiResult<String> {
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
) -> ApiResult<CaseRow> {
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
pub fn update(c: &mut DbConn, cur: &CaseRow, f: &CaseFields) -> ApiResult<()> {
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
        return Err(ApiError::PreconditionFailed);
    }
    Ok(())
}

/// Moves the case to a status (closing sets the outcome and time; reopening clears them).
pub fn set_status(
    c: &mut DbConn,
    cur: &CaseRow,
    to: CaseStatus,
    outcome: Option<Outcome>,
) -> ApiResult<()> {
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
        return Err(ApiError::PreconditionFailed);
    }
    Ok(())
}

/// Filters of the case list.
#[derive(Debug, Default, Clone)]
#[allow(missing_docs)]
pub struct Filter {
    pub scope: Option<Vec<String>>,
    pub municipality_id: Option<String>,
    pub desk_id: Option<String>,
    pub statuses: Vec<String>,
    pub category_id: Option<String>,
    /// `Some(Some(id))` one operator, `Some(None)` unassigned.
    pub assigned: Option<Option<String>>,
    pub opened_from: Option<NaiveDateTime>,
    pub opened_to: Option<NaiveDateTime>,
    pub citizenship: Option<String>,
    pub person_id: Option<String>,
    pub q: Option<String>,
}

impl Filter {
    /// The municipalities the list is cut to, `None` for all.
    fn municipalities(&self) -> Option<Vec<String>> {
        match (&self.scope, &self.municipality_id) {
            (Some(scope), Some(m)) => Some(scope.iter().filter(|s| *s == m).cloned().collect()),
            (Some(scope), None) => Some(scope.clone()),
            (None, Some(m)) => Some(vec![m.clone()]),
            (None, None) => None,
        }
    }

    /// The (municipality, status) ranges a page is merged from, when it is read that way (see
    /// [`list`]); `None` when one query reads it.
    fn fan_out(&self) -> Option<Vec<(String, Option<String>)>> {
        let statuses: Vec<Option<String>> = if self.statuses.is_empty() {
            vec![None]
        } else {
            self.statuses.iter().cloned().map(Some).collect()
        };
        let municipalities = self
            .municipalities()
            .filter(|m| m.len() * statuses.len() <= FAN_OUT_MAX)?;
        Some(
            municipalities
                .iter()
                .flat_map(|m| statuses.iter().map(move |s| (m.clone(), s.clone())))
                .collect(),
        )
    }

    /// True when the page size bounds what a page reads: the first rows of its (municipality,
    /// status) index ranges, or of the whole list in time order. A status without municipalities
    /// (a rare one skips many cases), more ranges than are merged, or any other filter may read
    /// far more before the page fills.
    pub fn reads_only_index_ranges(&self) -> bool {
        let Filter {
            scope,
            municipality_id,
            statuses,
            desk_id,
            category_id,
            assigned,
            opened_from,
            opened_to,
            citizenship,
            person_id,
            q,
        } = self;
        let ranges = self.fan_out().is_some()
            || (scope.is_none() && municipality_id.is_none() && statuses.is_empty());
        ranges
            && desk_id.is_none()
            && category_id.is_none()
            && assigned.is_none()
            && opened_from.is_none()
            && opened_to.is_none()
            && citizenship.is_none()
            && person_id.is_none()
            && q.is_none()
    }
}

/// Sort key (opened_at, id), newest first.
#[derive(Debug, Serialize, Deserialize)]
pub struct Cursor(pub NaiveDateTime, pub String);

macro_rules! filtered {
    ($f:expr, $text:expr) => {{
        let f = $f;
        // No join: the person's fields filter through a sub-query, so a page's keys come
        // from the cases' indexes alone.
        let mut q = cases::table.into_boxed();
        if let Some(scope) = &f.scope {
            q = q.filter(cases::municipality_id.eq_any(scope.clone()));
        }
        if let Some(m) = &f.municipality_id {
            q = q.filter(cases::municipality_id.eq(m.clone()));
        }
        if let Some(d) = &f.desk_id {
            q = q.filter(cases::desk_id.eq(d.clone()));
        }
        // One status is `=`, not `= ANY(…)`: PostgreSQL walks an index in order only for
        // equality, and otherwise collects and sorts every match.
        match f.statuses.as_slice() {
            [] => {}
            [one] => q = q.filter(cases::status.eq(one.clone())),
            many => q = q.filter(cases::status.eq_any(many.to_vec())),
        }
        if let Some(cat) = &f.category_id {
            q = q.filter(
                cases::category_id
                    .eq(cat.clone())
                    .or(cases::subcategory_id.eq(cat.clone())),
            );
        }
        match &f.assigned {
            Some(Some(id)) => q = q.filter(cases::assigned_to_id.eq(id.clone())),
            Some(None) => q = q.filter(cases::assigned_to_id.is_null()),
            None => {}
        }
        if let Some(t) = f.opened_from {
            q = q.filter(cases::opened_at.ge(t));
        }
        if let Some(t) = f.opened_to {
            q = q.filter(cases::opened_at.lt(t));
        }
        if let Some(cz) = &f.citizenship {
            q = q.filter(
                cases::person_id.eq_any(
                    people::table
                        .filter(people::citizenship.eq(cz.clone()))
                        .select(people::id),
                ),
            );
        }
        if let Some(p) = &f.person_id {
            q = q.filter(cases::person_id.eq(p.clone()));
        }
        match $text {
            None => {}
            Some(TextFilter::Few(ids)) => q = q.filter(cases::id.eq_any(ids.clone())),
            Some(TextFilter::Many(text)) => q = q.filter(text.clone()),
        }
        q
    }};
}

/// Up to this many cases matching a free text (by name, and again by reference or summary) are
/// looked up first, and the list reads them alone;
/// beyond it the matches are many, and the list reads the cases in its order, testing each, until
/// its page is full (at worst a few thousand rows of a million: docs/PERFORMANCE.md).
pub const TEXT_PROBE: i64 = 2_000;

/// How a list finds the cases that match its free text.
#[derive(Debug, Clone)]
enum TextFilter {
    /// Few matches, found through the indexes: their ids.
    Few(Vec<String>),
    /// Many: the test each case of the list's order goes through.
    Many(CaseText),
}

/// Free text resolved by looking up its matches, at most [`TEXT_PROBE`] and one more, through
/// the indexes: the name-word index for the people's names, the trigram indexes for the rest.
/// Either way is fast on its own ground only: reading the matches alone is fast when they are
/// few, and reading the list's order is fast when they are many (the page fills early), while
/// each is slow on the other's (a rare word tested on every case of a million; a common word's
/// hundred thousand matches sorted for a page of fifty).
fn text_filter(c: &mut DbConn, f: &Filter) -> ApiResult<Option<TextFilter>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let sqlite = matches!(c, DbConn::Sqlite(_));
    let words = NameWords::words_of(text);
    let mut ids: Vec<String> = match NameWords::holding("cases.person_id", &words) {
        Some(names) => cases::table
            .filter(names)
            .select(cases::id)
            .limit(TEXT_PROBE + 1)
            .load(c)?,
        None => Vec::new(),
    };
    let mut many = ids.len() as i64 > TEXT_PROBE;
    if !many && text.chars().count() >= 3 {
        let inside: Vec<String> = match c {
            DbConn::Sqlite(lite) => diesel::sql_query(
                "SELECT cases.id AS id FROM cases_text JOIN cases ON cases.rowid = cases_text.rowid \
                 WHERE cases_text MATCH ? LIMIT ?",
            )
            .bind::<diesel::sql_types::Text, _>(fts_phrase(text))
            .bind::<diesel::sql_types::BigInt, _>(TEXT_PROBE + 1)
            .load::<Id>(lite)?
            .into_iter()
            .map(|r| r.id)
            .collect(),
            DbConn::Pg(pg) => {
                let pattern = format!("%{}%", like_escape(text));
                cases::table
                    .filter(
                        cases::reference
                            .ilike(pattern.clone())
                            .or(cases::summary.ilike(pattern)),
                    )
                    .select(cases::id)
                    .limit(TEXT_PROBE + 1)
                    .load(pg)?
            }
        };
        many = inside.len() as i64 > TEXT_PROBE;
        ids.extend(inside);
    }
    if many {
        return Ok(Some(TextFilter::Many(CaseText::new(text, sqlite))));
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(TextFilter::Few(ids)))
}

/// The FTS5 query that matches `text` as it is, anywhere (a phrase, its quotes doubled).
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The test each case of the list's order goes through when a free text has many matches: the
/// person's name (each word starts a word of it, as in the people's list), or, from three
/// characters on, the text anywhere in the reference or the summary. Cases are read in the list's
/// order and the page fills early, so no index of the text is needed here; [`text_filter`] finds
/// few matches through the indexes.
#[derive(Debug, Clone)]
struct CaseText {
    names: Option<NameWords>,
    inside: Option<Inside>,
}

#[derive(Debug, Clone)]
enum Inside {
    /// `ILIKE` on PostgreSQL, `LIKE` on SQLite (which ignores the case of ASCII letters only).
    Like { pattern: String, sqlite: bool },
    /// SQLite, a text with other letters: the trigram index, which ignores their case too, as
    /// the look-up of few matches does.
    Fts(String),
}

impl CaseText {
    fn new(text: &str, sqlite: bool) -> Self {
        Self {
            names: NameWords::holding("cases.person_id", &NameWords::words_of(text)),
            inside: (text.chars().count() >= 3).then(|| {
                if sqlite && !text.is_ascii() {
                    Inside::Fts(fts_phrase(text))
                } else {
                    Inside::Like {
                        pattern: format!("%{}%", like_escape(text)),
                        sqlite,
                    }
                }
            }),
        }
    }
}

super::condition!(CaseText, |self, out| {
    use diesel::sql_types::Text;
    out.push_sql("(");
    match &self.names {
        Some(names) => names.walk_ast(out.reborrow())?,
        None => out.push_sql("1 = 0"),
    }
    match &self.inside {
        None => {}
        Some(Inside::Like { pattern, sqlite }) => {
            let (like, escape) = if *sqlite {
                (" LIKE ", " ESCAPE '\\'")
            } else {
                (" ILIKE ", "")
            };
            for column in ["cases.reference", "cases.summary"] {
                out.push_sql(" OR ");
                out.push_sql(column);
                out.push_sql(like);
                out.push_bind_param::<Text, String>(pattern)?;
                out.push_sql(escape);
            }
        }
        Some(Inside::Fts(phrase)) => {
            out.push_sql(
                " OR cases.rowid IN (SELECT rowid FROM cases_text WHERE cases_text MATCH ",
            );
            out.push_bind_param::<Text, String>(phrase)?;
            out.push_sql(")");
        }
    }
    out.push_sql(")");
    Ok(())
});

/// The order of the case list, newest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// By opening time.
    #[default]
    Opened,
    /// By last change.
    Updated,
}

/// Above this many (municipality, status) pairs one query with a sort is cheaper than a query per
/// pair.
const FAN_OUT_MAX: usize = 24;

/// A page, newest first (keyset on the sort time and id).
///
/// An operator's list is "my municipalities × these statuses": no single index range serves a
/// set of municipalities in time order, so the database would collect and sort every match. One
/// index range per (municipality, status) pair, each cut at the page size and merged here, reads
/// only what the page needs, however deep the cursor.
pub fn list(
    c: &mut DbConn,
    f: &Filter,
    sort: Sort,
    after: Option<Cursor>,
    limit: i64,
) -> ApiResult<Vec<(CaseRow, String, String)>> {
    let text = text_filter(c, f)?;
    let parts = match f.fan_out() {
        None => vec![page_range(f, sort, after.as_ref(), text.as_ref())],
        Some(ranges) => ranges
            .into_iter()
            .map(|(m, status)| {
                let part = Filter {
                    scope: None,
                    municipality_id: Some(m),
                    statuses: status.into_iter().collect(),
                    ..f.clone()
                };
                page_range(&part, sort, after.as_ref(), text.as_ref())
            })
            .collect(),
    };
    // An empty scope has no ranges: nothing to show.
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    if matches!(c, DbConn::Sqlite(_)) {
        // In process a query per range costs microseconds, and SQLite would sort the union's
        // rows rather than merge them: read each range's keys, merge them here, then the page.
        // The keys stay text: SQLite keeps times as text and its index orders them so, and
        // merging the text gives the same order without parsing three hundred times a page
        // (parsing was a tenth of a list request).
        let column = match sort {
            Sort::Opened => "cases.opened_at",
            Sort::Updated => "cases.updated_at",
        };
        let mut keys: Vec<(String, String)> = Vec::new();
        for part in parts {
            let part = part.select((
                diesel::dsl::sql::<diesel::sql_types::Text>(column),
                cases::id,
            ));
            keys.extend(part.limit(limit + 1).load::<(String, String)>(c)?);
        }
        keys.sort_by(|a, b| b.cmp(a));
        keys.truncate(limit as usize + 1);
        let ids: Vec<String> = keys.into_iter().map(|(_, id)| id).collect();
        let json = serde_json::to_string(&ids).map_err(|e| ApiError::Internal(e.into()))?;
        let mut rows: Vec<(CaseRow, String, String)> = cases::table
            .inner_join(people::table)
            .filter(IdIn { json })
            .select((CaseRow::as_select(), people::first_name, people::last_name))
            .load(c)?;
        let key = |r: &CaseRow| match sort {
            Sort::Opened => (r.opened_at, r.id.clone()),
            Sort::Updated => (r.updated_at, r.id.clone()),
        };
        rows.sort_by_key(|(r, _, _)| std::cmp::Reverse(key(r)));
        return Ok(rows);
    }
    // PostgreSQL: one statement, the ranges merged in the database (pulling from each only as
    // far as the page needs) and each row fetched through its range's index, with the person's
    // name. A round trip and a plan per range, and a second look-up by primary key, cost more.
    let page = PageQuery {
        row: std::marker::PhantomData::<PageRow>,
        parts: parts
            .into_iter()
            .map(|q| q.select(CaseColumns).limit(limit + 1))
            .collect(),
        sort_column: match sort {
            Sort::Opened => "opened_at",
            Sort::Updated => "updated_at",
        },
        limit: limit + 1,
    };
    Ok(page.load(c)?)
}

/// One index range: the filter's cases after the cursor, in the sort's index order.
fn page_range<'a>(
    f: &Filter,
    sort: Sort,
    after: Option<&Cursor>,
    text: Option<&TextFilter>,
) -> RangeQuery<'a> {
    let mut q = filtered!(f, text);
    // A row-value comparison, `(time, id) < (t, id)`: the index scan starts at the cursor, and
    // PostgreSQL estimates it well enough to keep one generic plan for every page (spelt as
    // `time < t OR (time = t AND id < …)` it planned each page again, which took longer than
    // running it).
    if let Some(Cursor(t, id)) = after {
        q = q.filter(Before {
            column: match sort {
                Sort::Opened => "cases.opened_at",
                Sort::Updated => "cases.updated_at",
            },
            at: *t,
            id: id.clone(),
        });
    }
    match sort {
        Sort::Opened => q.order((cases::opened_at.desc(), cases::id.desc())),
        Sort::Updated => q.order((cases::updated_at.desc(), cases::id.desc())),
    }
}

/// `(<time column>, cases.id) < (at, id)`: the rows after a cursor.
#[derive(Debug, Clone)]
struct Before {
    column: &'static str,
    at: NaiveDateTime,
    id: String,
}

super::condition!(Before);

impl<DB> diesel::query_builder::QueryFragment<DB> for Before
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<diesel::sql_types::Text>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Timestamp>,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    NaiveDateTime: diesel::serialize::ToSql<diesel::sql_types::Timestamp, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql("(");
        out.push_sql(self.column);
        out.push_sql(", cases.id) < (");
        out.push_bind_param::<diesel::sql_types::Timestamp, NaiveDateTime>(&self.at)?;
        out.push_sql(", ");
        out.push_bind_param::<diesel::sql_types::Text, String>(&self.id)?;
        out.push_sql(")");
        Ok(())
    }
}

/// The columns of [`CaseRow`], in its order, as diesel writes them.
const CASE_COLUMNS: &str = "\"cases\".\"id\", \"cases\".\"reference\", \"cases\".\"person_id\", \
    \"cases\".\"municipality_id\", \"cases\".\"desk_id\", \"cases\".\"category_id\", \
    \"cases\".\"subcategory_id\", \"cases\".\"channel\", \"cases\".\"priority\", \
    \"cases\".\"assigned_to_id\", \"cases\".\"summary\", \"cases\".\"status\", \
    \"cases\".\"outcome\", \"cases\".\"language\", \"cases\".\"mediator_present\", \
    \"cases\".\"opened_at\", \"cases\".\"closed_at\", \"cases\".\"updated_at\", \
    \"cases\".\"version\"";

/// `CaseRow::as_select()` written as one string. A range of the list is written out on every
/// request (its SQL is the statement cache's key), and diesel allocates a string for every
/// identifier it writes: the nineteen columns of six ranges were a tenth of a list request.
#[derive(Debug, Clone, Copy)]
struct CaseColumns;

impl diesel::Expression for CaseColumns {
    type SqlType = diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<CaseRow, Backend>>;
}

impl diesel::AppearsOnTable<cases::table> for CaseColumns {}
impl diesel::SelectableExpression<cases::table> for CaseColumns {}

impl diesel::expression::ValidGrouping<()> for CaseColumns {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl diesel::query_builder::QueryId for CaseColumns {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB> for CaseColumns {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql(CASE_COLUMNS);
        Ok(())
    }
}

/// `cases.id IN (SELECT value FROM json_each(?))`, SQLite only: a page's cases by id in a
/// statement SQLite keeps prepared, whatever the number of ids (`eq_any` writes a placeholder
/// per id, and diesel prepares such a statement again every time: a seventh of a list request).
#[derive(Debug, Clone)]
struct IdIn {
    json: String,
}

super::condition!(IdIn, |self, out| {
    out.push_sql("cases.id IN (SELECT value FROM json_each(");
    out.push_bind_param::<diesel::sql_types::Text, String>(&self.json)?;
    out.push_sql("))");
    Ok(())
});

type Backend = <DbConn as Connection>::Backend;

/// One index range of the list: its cases after the cursor, newest first.
type RangeQuery<'a> = cases::BoxedQuery<'a, Backend>;

/// What a page's row is: the case and the person's first and last name.
type PageRow = (
    diesel::dsl::AsSelect<CaseRow, Backend>,
    people::first_name,
    people::last_name,
);

/// `SELECT u.*, <person's name> FROM (<range> UNION ALL …) AS u JOIN people … ORDER BY … LIMIT n`:
/// a page of the list in one statement, on both databases. Each range is wrapped in
/// `SELECT * FROM (…)` because SQLite allows no `ORDER BY`/`LIMIT` on a member of a `UNION`;
/// the page size is written into the SQL so that PostgreSQL can reuse a generic plan.
struct PageQuery<S, P> {
    row: std::marker::PhantomData<S>,
    parts: Vec<P>,
    sort_column: &'static str,
    limit: i64,
}

impl<S: diesel::Expression, P> diesel::query_builder::Query for PageQuery<S, P> {
    type SqlType = S::SqlType;
}

impl<S, P> diesel::query_builder::QueryId for PageQuery<S, P> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<S, P, DB> diesel::query_builder::QueryFragment<DB> for PageQuery<S, P>
where
    DB: diesel::backend::Backend,
    P: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql("SELECT u.*, people.first_name, people.last_name FROM (");
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push_sql(" UNION ALL ");
            }
            out.push_sql("SELECT * FROM (");
            part.walk_ast(out.reborrow())?;
            out.push_sql(&format!(") AS k{i}"));
        }
        out.push_sql(&format!(
            ") AS u INNER JOIN people ON people.id = u.person_id \
             ORDER BY u.{col} DESC, u.id DESC LIMIT {limit}",
            col = self.sort_column,
            limit = self.limit
        ));
        Ok(())
    }
}

impl<S, P, C> RunQueryDsl<C> for PageQuery<S, P> {}

/// How many cases match (for `?count=true`).
/// Counts matches up to `limit` and one more: (count up to `limit`, whether there are more).
/// A bounded count reads at most `limit + 1` keys off an index, however large the scope.
pub fn count(c: &mut DbConn, f: &Filter, limit: i64) -> ApiResult<(i64, bool)> {
    let text = text_filter(c, f)?;
    let ids: Vec<String> = filtered!(f, text.as_ref())
        .select(cases::id)
        .limit(limit + 1)
        .load(c)?;
    let n = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    Ok((n.min(limit), n > limit))
}

/// Appends a timeline entry.
pub fn add_event(
    c: &mut DbConn,
    case_id: &str,
    ev: &ValidCaseEvent,
    author: (&str, &str),
) -> ApiResult<CaseEvent> {
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
pub fn events(c: &mut DbConn, case_id: &str) -> ApiResult<Vec<CaseEvent>> {
    load_events(c, case_id, None)
}

/// One entry of a case's timeline (404 when the case has no such entry).
pub fn event(c: &mut DbConn, case_id: &str, event_id: &str) -> ApiResult<CaseEvent> {
    load_events(c, case_id, Some(event_id))?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// A case's timeline, or one entry of it: reading one entry must not read the whole timeline
/// (a long case has hundreds).
fn load_events(c: &mut DbConn, case_id: &str, event_id: Option<&str>) -> ApiResult<Vec<CaseEvent>> {
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
) -> ApiResult<std::collections::HashMap<String, Vec<EventRevision>>> {
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

type CategoryTuple = (
    String,
    Option<String>,
    String,
    String,
    String,
    Option<i32>,
    bool,
);

/// The whole taxonomy, in display order.
pub fn categories(c: &mut DbConn) -> ApiResult<Vec<CaseCategory>> {
    let rows: Vec<CategoryTuple> = case_categories::table
        .select((
            case_categories::id,
            case_categories::parent_id,
            case_categories::name_it,
            case_categories::name_en,
            case_categories::checklist,
            case_categories::retention_years,
            case_categories::active,
        ))
        .order((case_categories::sort_order.asc(), case_categories::id.asc()))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, parent_id, name_it, name_en, checklist, retention_years, active)| CaseCategory {
                id,
                parent_id,
                name_it,
                name_en,
                checklist: serde_json::from_str(&checklist).unwrap_or_default(),
                retention_years,
                active,
            },
        )
        .collect())
}

/// Seeds a category if missing (idempotent).
pub fn ensure_category(c: &mut DbConn, cat: &CaseCategory, order: i32) -> ApiResult<bool> {
    let exists: i64 = case_categories::table
        .filter(case_categories::id.eq(&cat.id))
        .count()
        .get_result(c)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(case_categories::table)
        .values((
            case_categories::id.eq(&cat.id),
            case_categories::parent_id.eq(&cat.parent_id),
            case_categories::name_it.eq(&cat.name_it),
            case_categories::name_en.eq(&cat.name_en),
            case_categories::checklist
                .eq(serde_json::to_string(&cat.checklist).unwrap_or_else(|_| "[]".into())),
            case_categories::retention_years.eq(cat.retention_years),
            case_categories::active.eq(cat.active),
            case_categories::sort_order.eq(order),
        ))
        .execute(c)?;
    Ok(true)
}

/// Edits a note's text; only its author, within 24 hours of writing it.
pub fn edit_note(
    c: &mut DbConn,
    case_id: &str,
    event_id: &str,
    author: (&str, &str),
    note: &str,
) -> ApiResult<(CaseEvent, CaseEvent)> {
    let (author_id, author_name) = author;
    let before = event(c, case_id, event_id)?;
    if before.author_id.as_deref() != Some(author_id) {
        return Err(ApiError::forbidden(
            "not_the_author",
            "Only the author can edit a note.",
        ));
    }
    if !matches!(
        before.kind,
        EventKind::Note | EventKind::Intervention | EventKind::PhoneCall
    ) {
        return Err(ApiError::conflict(
            "not_editable",
            "Only notes, interventions and calls can be edited.",
        ));
    }
    if chrono::Utc::now() - before.at > chrono::Duration::hours(24) {
        return Err(ApiError::conflict(
            "edit_window_closed",
            "Notes can be edited only within 24 hours.",
        ));
    }
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
    let after = event(c, case_id, event_id)?;
    Ok((before, after))
}

/// Creates or replaces a category.
pub fn save_category(c: &mut DbConn, cat: &CaseCategory, create: bool) -> ApiResult<()> {
    let checklist = serde_json::to_string(&cat.checklist).unwrap_or_else(|_| "[]".into());
    if create {
        let order: i64 = case_categories::table.count().get_result(c)?;
        diesel::insert_into(case_categories::table)
            .values((
                case_categories::id.eq(&cat.id),
                case_categories::parent_id.eq(&cat.parent_id),
                case_categories::name_it.eq(&cat.name_it),
                case_categories::name_en.eq(&cat.name_en),
                case_categories::checklist.eq(checklist),
                case_categories::retention_years.eq(cat.retention_years),
                case_categories::active.eq(cat.active),
                case_categories::sort_order.eq(order as i32),
            ))
            .execute(c)?;
    } else {
        diesel::update(case_categories::table.find(&cat.id))
            .set((
                case_categories::name_it.eq(&cat.name_it),
                case_categories::name_en.eq(&cat.name_en),
                case_categories::checklist.eq(checklist),
                case_categories::retention_years.eq(cat.retention_years),
                case_categories::active.eq(cat.active),
            ))
            .execute(c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only pages bounded by their index ranges may run on an HTTP worker.
    #[test]
    fn only_index_range_pages_are_short() {
        let worklist = Filter {
            scope: Some(vec!["m1".into(), "m2".into()]),
            municipality_id: Some("m1".into()),
            statuses: vec!["open".into(), "in_progress".into()],
            ..Filter::default()
        };
        assert!(worklist.reads_only_index_ranges());
        let narrower = [
            Filter {
                desk_id: Some("d".into()),
                ..worklist.clone()
            },
            Filter {
                category_id: Some("asylum".into()),
                ..worklist.clone()
            },
            Filter {
                assigned: Some(None),
                ..worklist.clone()
            },
            Filter {
                opened_from: Some(NaiveDateTime::MIN),
                ..worklist.clone()
            },
            Filter {
                opened_to: Some(NaiveDateTime::MAX),
                ..worklist.clone()
            },
            Filter {
                citizenship: Some("MAR".into()),
                ..worklist.clone()
            },
            Filter {
                person_id: Some("p".into()),
                ..worklist.clone()
            },
            Filter {
                q: Some("permesso".into()),
                ..worklist.clone()
            },
        ];
        for f in narrower {
            assert!(!f.reads_only_index_ranges(), "{f:?}");
        }
        // Everything in time order is short; one status across the province is not (a rare
        // one skips many cases), nor more ranges than are merged.
        assert!(Filter::default().reads_only_index_ranges());
        let province_open = Filter {
            statuses: vec!["waiting_office".into()],
            ..Filter::default()
        };
        assert!(!province_open.reads_only_index_ranges());
        let many = Filter {
            scope: Some((0..13).map(|i| format!("m{i}")).collect()),
            statuses: vec!["open".into(), "in_progress".into()],
            ..Filter::default()
        };
        assert!(!many.reads_only_index_ranges());
    }

    #[test]
    fn the_written_columns_are_those_of_a_case_row() {
        let diesel =
            diesel::debug_query::<diesel::pg::Pg, _>(&cases::table.select(CaseRow::as_select()))
                .to_string();
        let ours =
            diesel::debug_query::<diesel::pg::Pg, _>(&cases::table.select(CaseColumns)).to_string();
        assert_eq!(ours, diesel);
        assert!(
            ours.starts_with(&format!("SELECT {CASE_COLUMNS} FROM")),
            "{ours}"
        );
    }
}
