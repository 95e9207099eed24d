//! Domain types and DTOs shared by the LUMIT API (`lumit-api`) and the staff web app (`lumit-web`).
//!
//! No IO lives here: the crate compiles to wasm32 so that the browser validates input with the same
//! rules as the server. OpenAPI schema derives are behind the `openapi` feature.

pub mod api_client;
pub mod audit;
pub mod auth;
pub mod case;
pub mod desk;
pub mod municipality;
pub mod page;
pub mod patch;
pub mod person;
pub mod problem;
pub mod text;
pub mod user;
pub mod validate;

pub use page::Page;
pub use problem::{FieldError, Problem};
