//! The list's free text: looked up through the indexes when its matches are few, tested on
//! each case of the list's order when they are many.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::StoreResult;
use crate::models::municipality::like_escape;
use crate::models::person::NameWords;
use crate::schema::cases;

use super::Filter;

/// Up to this many cases matching a free text (by name, and again by reference or summary) are
/// looked up first, and the list reads them alone;
/// beyond it the matches are many, and the list reads the cases in its order, testing each, until
/// its page is full (how many at worst: docs/PERFORMANCE.md, "Free text on cases").
pub const TEXT_PROBE: i64 = 2_000;

/// How a list finds the cases that match its free text.
#[derive(Debug, Clone)]
pub(super) enum TextFilter {
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
pub(super) fn text_filter(c: &mut DbConn, f: &Filter) -> StoreResult<Option<TextFilter>> {
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
pub(super) fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The test each case of the list's order goes through when a free text has many matches: the
/// person's name (each word starts a word of it, as in the people's list), or, from three
/// characters on, the text anywhere in the reference or the summary. Cases are read in the list's
/// order and the page fills early, so no index of the text is needed here; [`text_filter`] finds
/// few matches through the indexes.
#[derive(Debug, Clone)]
pub(super) struct CaseText {
    pub(super) names: Option<NameWords>,
    pub(super) inside: Option<Inside>,
}

#[derive(Debug, Clone)]
pub(super) enum Inside {
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

crate::models::condition!(CaseText, |self, out| {
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
