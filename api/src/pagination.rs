//! Cursor pagination: `?limit=` (default 50, max 200) and an opaque `?cursor=`.

use base64::Engine;
use lumit_shared::page::{DEFAULT_LIMIT, MAX_LIMIT};
use lumit_shared::FieldError;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;

/// Checks `limit`.
pub fn limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::BadRequest {
            code: "invalid_query",
            detail: format!("`limit` must be between 1 and {MAX_LIMIT}."),
            errors: vec![FieldError::new(
                "limit",
                "out_of_range",
                format!("must be between 1 and {MAX_LIMIT}"),
            )],
        }),
    }
}

/// Encodes the sort key of the last item of a page.
pub fn encode<T: Serialize>(key: &T) -> String {
    let json = serde_json::to_vec(key).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// Decodes a cursor; anything unreadable is a 400 naming `cursor`.
pub fn decode<T: DeserializeOwned>(cursor: Option<&str>) -> Result<Option<T>, ApiError> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .map(Some)
        .ok_or_else(|| ApiError::BadRequest {
            code: "invalid_query",
            detail: "`cursor` is not a cursor this API gave out.".into(),
            errors: vec![FieldError::new(
                "cursor",
                "invalid_cursor",
                "is not a valid cursor",
            )],
        })
}

/// Cuts a result fetched with `limit + 1` rows into a page and its next cursor.
pub fn page<T, K: Serialize>(
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map(|r| encode(&key(r)))
    } else {
        None
    };
    (rows, next)
}

/// Where a list request's page starts and how long it is: `?limit=` checked and `?cursor=`
/// decoded into the list's sort key `K`. Every paginated list reads its page through this.
#[derive(Debug)]
pub struct Pager<K> {
    /// Page size.
    pub limit: i64,
    /// The sort key of the previous page's last item.
    pub after: Option<K>,
}

impl<K: DeserializeOwned + Serialize> Pager<K> {
    /// Reads `?limit=` and `?cursor=`: 400 naming the one at fault.
    pub fn new(limit_param: Option<i64>, cursor: Option<&str>) -> Result<Self, ApiError> {
        Ok(Self {
            limit: limit(limit_param)?,
            after: decode(cursor)?,
        })
    }

    /// What the model reads: `limit` and the cursor's key (it fetches one row more).
    pub fn query(&mut self) -> (i64, Option<K>) {
        (self.limit, self.after.take())
    }

    /// The rows of the page among the `limit + 1` fetched, and the next page's cursor: for a
    /// list whose rows cost more to show (a query each), so that the extra row costs nothing.
    pub fn cut<T>(&self, rows: Vec<T>, key: impl Fn(&T) -> K) -> (Vec<T>, Option<String>) {
        page(rows, self.limit, key)
    }

    /// The page of rows fetched with `limit + 1`, each shown as the API answers it, and the
    /// next page's cursor.
    pub fn page<T, U>(
        &self,
        rows: Vec<T>,
        key: impl Fn(&T) -> K,
        shown: impl FnMut(T) -> U,
    ) -> lumit_shared::Page<U> {
        let (rows, next_cursor) = self.cut(rows, key);
        lumit_shared::Page {
            items: rows.into_iter().map(shown).collect(),
            next_cursor,
        }
    }
}

/// `?limit=&cursor=` of lists that have no other filter.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// A comma-separated list filter (`?status=open,in_progress`) parsed into stored names; an unknown
/// value is a 400 naming `status[i]`.
pub fn statuses(
    list: Option<&str>,
    parse: impl Fn(&str) -> Option<&'static str>,
    what: &str,
) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for (i, s) in list
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
    {
        match parse(s) {
            Some(st) => out.push(st.to_owned()),
            None => {
                return Err(ApiError::BadRequest {
                    code: "invalid_query",
                    detail: format!("`{s}` is not a {what} status."),
                    errors: vec![FieldError::new(
                        format!("status[{i}]"),
                        "invalid_value",
                        "unknown status",
                    )],
                })
            }
        }
    }
    Ok(out)
}
