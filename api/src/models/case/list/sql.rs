//! The SQL of a list page written by hand, so that it stays one prepared statement on both
//! databases whatever the number of ranges or ids.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{cases, people};

use super::{Backend, CaseRow};

/// `(<time column>, cases.id) < (at, id)`: the rows after a cursor.
#[derive(Debug, Clone)]
pub(super) struct Before {
    pub(super) column: &'static str,
    pub(super) at: NaiveDateTime,
    pub(super) id: String,
}

crate::models::condition!(Before);

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
pub(super) const CASE_COLUMNS: &str =
    "\"cases\".\"id\", \"cases\".\"reference\", \"cases\".\"person_id\", \
    \"cases\".\"municipality_id\", \"cases\".\"desk_id\", \"cases\".\"category_id\", \
    \"cases\".\"subcategory_id\", \"cases\".\"channel\", \"cases\".\"priority\", \
    \"cases\".\"assigned_to_id\", \"cases\".\"summary\", \"cases\".\"status\", \
    \"cases\".\"outcome\", \"cases\".\"language\", \"cases\".\"mediator_present\", \
    \"cases\".\"opened_at\", \"cases\".\"closed_at\", \"cases\".\"updated_at\", \
    \"cases\".\"version\"";

/// `CaseRow::as_select()` written as one string. A range of the list is written out on every
/// request (its SQL is the statement cache's key), and diesel allocates a string for every
/// identifier it writes: the nineteen columns of six ranges cost a list request dearly (docs/PERFORMANCE.md).
#[derive(Debug, Clone, Copy)]
pub(super) struct CaseColumns;

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
pub(super) struct IdIn {
    pub(super) json: String,
}

crate::models::condition!(IdIn, |self, out| {
    out.push_sql("cases.id IN (SELECT value FROM json_each(");
    out.push_bind_param::<diesel::sql_types::Text, String>(&self.json)?;
    out.push_sql("))");
    Ok(())
});

/// One index range of the list: its cases after the cursor, newest first.
pub(super) type RangeQuery<'a> = cases::BoxedQuery<'a, Backend>;

/// What a page's row is: the case and the person's first and last name.
pub(super) type PageRow = (
    diesel::dsl::AsSelect<CaseRow, Backend>,
    people::first_name,
    people::last_name,
);

/// `SELECT u.*, <person's name> FROM (<range> UNION ALL …) AS u JOIN people … ORDER BY … LIMIT n`:
/// a page of the list in one statement, on both databases. Each range is wrapped in
/// `SELECT * FROM (…)` because SQLite allows no `ORDER BY`/`LIMIT` on a member of a `UNION`;
/// the page size is written into the SQL so that PostgreSQL can reuse a generic plan.
pub(super) struct PageQuery<S, P> {
    pub(super) row: std::marker::PhantomData<S>,
    pub(super) parts: Vec<P>,
    pub(super) sort_column: &'static str,
    pub(super) limit: i64,
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
