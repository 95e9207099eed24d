//! LUMIT API: the case-management backend of the Lucca Migration Task Force.

// The one exception, SQLite's statement deadline, says why where it allows it.
#![deny(unsafe_code)]

pub mod access;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod backup;
pub mod caller;
pub mod compression;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod export;
pub mod extract;
pub mod files;
pub mod ical;
pub mod idempotency;
#[cfg(test)]
mod layers;
pub mod limits;
pub mod mail;
pub mod metrics;
pub mod middleware;
pub mod models;
pub mod openapi;
pub mod pagination;
pub mod pdf;
pub mod routes;
pub mod scheduling;
pub mod schema;
pub mod security_log;
pub mod seed;
pub mod sheets;
pub mod startup;
pub mod state;
pub mod synthetic;
pub mod telemetry;
pub mod web_app;
pub mod webhooks;
