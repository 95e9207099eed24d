//! What every handler can reach.

use crate::access::AccessLog;
use crate::auth::callers::Callers;
use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::{PasswordChecks, Throttle};
use crate::config::Settings;
use crate::db::Db;

/// Shared application state.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Writes the reads of pages, in batches.
    pub access: AccessLog,
    /// Who is calling, kept between requests.
    pub callers: Callers,
    /// Token keys.
    pub jwt: JwtKeys,
    /// Staff logins, throttled by account and address.
    pub logins: Throttle,
    /// Client-credential exchanges, throttled by client id and address.
    pub clients: Throttle,
    /// The cap on argon2 checks at once.
    pub password_checks: PasswordChecks,
    /// Settings the server started with.
    pub settings: Settings,
}
