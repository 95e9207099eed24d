//! Integration tests: users' scenarios against the real server, each on SQLite and PostgreSQL.

mod common;

mod access_log;
mod audit;
mod auth;
mod authz_table;
mod bounds;
mod cases;
mod contract;
mod conventions;
mod erasure;
mod exports;
mod gdpr;
mod idempotency;
mod mediation;
mod municipalities;
mod openapi;
mod partners;
mod people;
mod person_scope;
mod reports;
mod second_factor;
mod smtp_sink;
mod training;
mod users;
mod web_app;
mod webhooks;
