//! Cursor-paginated lists.

use serde::{Deserialize, Serialize};

/// Default page size of every list.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page size a client may ask for.
pub const MAX_LIMIT: i64 = 200;

/// One page of a list; `next_cursor` is opaque and absent on the last page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Answer of `GET /api/v1/summary`: counts for the home page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// Active municipalities and offices.
    pub municipalities: i64,
    /// Active desks.
    pub desks: i64,
    /// Active accounts (only for roles that may read accounts).
    pub users: Option<i64>,
}
