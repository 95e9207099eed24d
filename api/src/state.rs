//! What every handler can reach.

use crate::auth::jwt::JwtKeys;
use crate::config::Settings;
use crate::db::Db;

/// Shared application state.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Token keys.
    pub jwt: JwtKeys,
    /// Settings the server started with.
    pub settings: Settings,
}
