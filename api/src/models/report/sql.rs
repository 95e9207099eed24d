//! Reports' statements: grouped counts that diesel's builder can't write (`UNION ALL` of
//! `GROUP BY`s over a common table), written once with `?` for both backends.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::deserialize::QueryableByName;
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::serialize::ToSql;
use diesel::sql_types::HasSqlType;
use diesel::sql_types::{BigInt, Date, Text, Timestamp};
use diesel::sqlite::Sqlite;
use diesel::RunQueryDsl;

use crate::db::DbConn;
use crate::error::StoreResult;

/// A value bound to a `?`.
#[derive(Debug, Clone)]
enum Bind {
    At(NaiveDateTime),
    Day(NaiveDate),
    Text(String),
    Int(i64),
}

/// A statement and its values, in the order of its `?`s.
#[derive(Debug, Default)]
pub struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    /// Starts a statement.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    /// Appends SQL (no values in it).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends `?` for a time.
    pub fn at(&mut self, t: NaiveDateTime) -> &mut Self {
        self.text.push('?');
        self.binds.push(Bind::At(t));
        self
    }

    /// Appends `?` for a day.
    pub fn day(&mut self, d: NaiveDate) -> &mut Self {
        self.text.push('?');
        self.binds.push(Bind::Day(d));
        self
    }

    /// Appends `?` for a text.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.text.push('?');
        self.binds.push(Bind::Text(s.to_owned()));
        self
    }

    /// Appends `?` for a number.
    pub fn int(&mut self, n: i64) -> &mut Self {
        self.text.push('?');
        self.binds.push(Bind::Int(n));
        self
    }

    /// Appends `column >= ? AND column < ?`.
    pub fn between(&mut self, column: &str, from: NaiveDateTime, to: NaiveDateTime) -> &mut Self {
        self.push(column).push(" >= ").at(from);
        self.push(" AND ").push(column).push(" < ").at(to)
    }

    /// Appends ` AND column IN (?, …)` for a scope of municipalities; nothing for the province.
    /// An empty scope matches nothing.
    pub fn scope(&mut self, column: &str, scope: Option<&[String]>) -> &mut Self {
        let Some(ids) = scope else { return self };
        if ids.is_empty() {
            return self.push(" AND 1 = 0");
        }
        self.push(" AND ").push(column).push(" IN (");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.text.push('?');
            self.binds.push(Bind::Text(id.clone()));
        }
        self.push(")")
    }

    /// Runs it on either backend.
    pub fn load<T>(&self, c: &mut DbConn) -> StoreResult<Vec<T>>
    where
        T: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
    {
        Ok(match c {
            DbConn::Pg(pg) => self.pg().load(pg)?,
            DbConn::Sqlite(lite) => self.sqlite().load(lite)?,
        })
    }

    /// Runs a statement that returns no rows; the number of rows it changed.
    pub fn execute(&self, c: &mut DbConn) -> StoreResult<usize> {
        Ok(match c {
            DbConn::Pg(pg) => self.pg().execute(pg)?,
            DbConn::Sqlite(lite) => self.sqlite().execute(lite)?,
        })
    }

    fn pg(&self) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        self.bound(numbered(&self.text))
    }

    fn sqlite(&self) -> BoxedSqlQuery<'static, Sqlite, SqlQuery> {
        self.bound(self.text.clone())
    }

    fn bound<DB>(&self, text: String) -> BoxedSqlQuery<'static, DB, SqlQuery>
    where
        DB: Backend
            + HasSqlType<Timestamp>
            + HasSqlType<Date>
            + HasSqlType<Text>
            + HasSqlType<BigInt>,
        NaiveDateTime: ToSql<Timestamp, DB>,
        NaiveDate: ToSql<Date, DB>,
        String: ToSql<Text, DB>,
        i64: ToSql<BigInt, DB>,
    {
        let mut q = diesel::sql_query(text).into_boxed::<DB>();
        for b in &self.binds {
            q = match b.clone() {
                Bind::At(t) => q.bind::<Timestamp, _>(t),
                Bind::Day(d) => q.bind::<Date, _>(d),
                Bind::Text(s) => q.bind::<Text, _>(s),
                Bind::Int(n) => q.bind::<BigInt, _>(n),
            };
        }
        q
    }
}

/// PostgreSQL numbers its parameters: `?` → `$1`, `$2`, … (the statements here have no `?`
/// inside a literal).
fn numbered(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut n = 0;
    for ch in text.chars() {
        if ch == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(ch);
        }
    }
    out
}

/// A grouped count: which figure, which line, how many, and a sum (minutes) where there is one.
#[derive(Debug, QueryableByName)]
pub struct Group {
    /// What is counted.
    #[diesel(sql_type = Text)]
    pub what: String,
    /// The line (empty for a total).
    #[diesel(sql_type = Text)]
    pub k: String,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    /// A sum, where the figure has one.
    #[diesel(sql_type = BigInt)]
    pub m: i64,
}

#[cfg(test)]
mod tests {
    #[test]
    fn parameters_are_numbered_for_postgres() {
        assert_eq!(
            super::numbered("a = ? AND b IN (?, ?)"),
            "a = $1 AND b IN ($2, $3)"
        );
    }
}
