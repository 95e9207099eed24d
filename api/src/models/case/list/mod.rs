//! The case list: its filters, order and keyset pages, and the count.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::schema::{cases, people};

use super::{Backend, CaseRow};

mod sql;
mod text;

use sql::*;
pub use text::TEXT_PROBE;
use text::*;

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
) -> StoreResult<Vec<(CaseRow, String, String)>> {
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
        // (parsing costs a list request more: docs/PERFORMANCE.md, "The case list").
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
        let json = serde_json::to_string(&ids).map_err(|e| StoreError::Internal(e.into()))?;
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

/// How many cases match (for `?count=true`).
/// Counts matches up to `limit` and one more: (count up to `limit`, whether there are more).
/// A bounded count reads at most `limit + 1` keys off an index, however large the scope.
pub fn count(c: &mut DbConn, f: &Filter, limit: i64) -> StoreResult<(i64, bool)> {
    let text = text_filter(c, f)?;
    let ids: Vec<String> = filtered!(f, text.as_ref())
        .select(cases::id)
        .limit(limit + 1)
        .load(c)?;
    let n = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    Ok((n.min(limit), n > limit))
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
