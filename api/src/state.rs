//! What every handler can reach.

use crate::access::AccessLog;
use crate::auth::jwt::JwtKeys;
use crate::config::Settings;
use crate::db::Db;

/// Shared application state.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Writes the reads of pages, in batches.
    pub access: AccessLog,
    /// Token keys.
    pub jwt: JwtKeys,
    /// Settings the server started with.
    pub settings: Settings,
}
