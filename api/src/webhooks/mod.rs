//! Webhooks per the Standard Webhooks specification: every change that an event type names writes
//! its deliveries with its audit row (`models::webhook::emit`, called by `audit::record`), and
//! [`worker`] POSTs them, signed ([`sign`]), to addresses the [`guard`] allows, retrying on the
//! specification's schedule.

pub mod guard;
pub mod sign;
pub mod worker;

pub use crate::config::WebhookSettings;
