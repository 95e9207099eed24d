//! Integration tests: users' scenarios against the real server, each on SQLite and PostgreSQL.

mod common;

mod audit;
mod auth;
mod authz_table;
mod conventions;
mod municipalities;
mod openapi;
mod users;
mod web_app;
