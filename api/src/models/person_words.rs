//! The name-search index: the words of each person's folded name, per municipality where the
//! person is visible (registered there, with a case there, or linked to it by a coordinator). Kept in step with `people` and
//! `cases` by [`reindex`] wherever either changes who someone is or where they are seen.

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::DbConn;
use crate::error::StoreResult;
use crate::schema::person_words;

// The same statement as the migration that created the table, for one person or for all.
const PG_INSERT: &str = "INSERT INTO person_words \
         (municipality_id, word, person_id, last_name, search_text) \
     SELECT DISTINCT v.municipality_id, w.word, p.id, p.last_name, p.search_text FROM people p \
     CROSS JOIN LATERAL (SELECT p.created_municipality_id AS municipality_id \
         UNION SELECT c.municipality_id FROM cases c WHERE c.person_id = p.id \
         UNION SELECT l.municipality_id FROM person_links l WHERE l.person_id = p.id) v \
     CROSS JOIN LATERAL unnest(string_to_array(btrim(p.search_text), ' ')) AS w (word) \
     WHERE p.merged_into_id IS NULL AND w.word <> ''";

const SQLITE_INSERT: &str =
    "WITH RECURSIVE split (person_id, last_name, search_text, rest, word) AS ( \
         SELECT id, last_name, search_text, ltrim(search_text) || ' ', NULL FROM people \
             WHERE merged_into_id IS NULL AND (?1 IS NULL OR id = ?1) \
         UNION ALL \
         SELECT person_id, last_name, search_text, ltrim(substr(rest, instr(rest, ' '))), \
             substr(rest, 1, instr(rest, ' ') - 1) FROM split WHERE rest <> ''), \
     visible (person_id, municipality_id) AS ( \
         SELECT id, created_municipality_id FROM people WHERE ?1 IS NULL OR id = ?1 \
         UNION SELECT person_id, municipality_id FROM cases WHERE ?1 IS NULL OR person_id = ?1 \
         UNION SELECT person_id, municipality_id FROM person_links \
             WHERE ?1 IS NULL OR person_id = ?1) \
     INSERT OR IGNORE INTO person_words \
         (municipality_id, word, person_id, last_name, search_text) \
     SELECT v.municipality_id, s.word, s.person_id, s.last_name, s.search_text \
     FROM split s JOIN visible v ON v.person_id = s.person_id \
     WHERE s.word IS NOT NULL AND s.word <> ''";

/// Rewrites one person's words: after they are registered, renamed, merged or anonymised, and
/// after a case of theirs is opened (it may be in a new municipality).
pub fn reindex(c: &mut DbConn, person_id: &str) -> StoreResult<()> {
    diesel::delete(person_words::table.filter(person_words::person_id.eq(person_id))).execute(c)?;
    match c {
        DbConn::Pg(pg) => {
            diesel::sql_query(format!("{PG_INSERT} AND p.id = $1"))
                .bind::<Text, _>(person_id)
                .execute(pg)?;
        }
        DbConn::Sqlite(sq) => {
            diesel::sql_query(SQLITE_INSERT)
                .bind::<diesel::sql_types::Nullable<Text>, _>(Some(person_id))
                .execute(sq)?;
        }
    }
    Ok(())
}

/// Rebuilds the whole index (after a bulk load); returns the number of rows.
pub fn rebuild(c: &mut DbConn) -> StoreResult<usize> {
    diesel::delete(person_words::table).execute(c)?;
    Ok(match c {
        DbConn::Pg(pg) => diesel::sql_query(PG_INSERT).execute(pg)?,
        DbConn::Sqlite(sq) => diesel::sql_query(SQLITE_INSERT)
            .bind::<diesel::sql_types::Nullable<Text>, _>(None::<&str>)
            .execute(sq)?,
    })
}

/// The words that start with `prefix`, as a range `[from, to)` in byte order (`to` is `None` when
/// no string is greater than every word with the prefix).
pub fn prefix_range(prefix: &str) -> (String, Option<String>) {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        // The next code point (over the surrogates, which are not chars).
        let next = (last as u32 + 1..=char::MAX as u32).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return (prefix.to_owned(), Some(chars.into_iter().collect()));
        }
    }
    (prefix.to_owned(), None)
}

#[cfg(test)]
mod tests {
    use super::prefix_range;

    #[test]
    fn a_prefix_is_one_range_in_byte_order() {
        assert_eq!(
            prefix_range("moamed"),
            ("moamed".into(), Some("moamee".into()))
        );
        let (from, to) = prefix_range("ngu");
        let to = to.unwrap();
        for w in ["ngu", "nguien", "nguzzz"] {
            assert!(w >= from.as_str() && w < to.as_str(), "{w}");
        }
        for w in ["ngt", "ngv", "nh"] {
            assert!(!(w >= from.as_str() && w < to.as_str()), "{w}");
        }
        assert_eq!(prefix_range("a\u{10FFFF}").1.as_deref(), Some("b"));
        assert_eq!(prefix_range("\u{10FFFF}").1, None);
        assert_eq!(prefix_range("\u{D7FF}").1.as_deref(), Some("\u{E000}"));
    }
}
