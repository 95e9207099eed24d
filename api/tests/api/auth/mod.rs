//! Login, throttling, refresh rotation, deactivation, forced password change, client credentials.

mod callers;
mod clients;
mod login;
mod passwords;
mod sessions;
