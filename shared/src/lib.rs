//! Domain types and DTOs shared by the LUMIT API (`lumit-api`) and the staff web app (`lumit-web`).
//!
//! No IO lives here: the crate compiles to wasm32 so that the browser validates input with the same
//! rules as the server. OpenAPI schema derives are behind the `openapi` feature.

/// A closed set of values, stored and sent as snake_case strings (textual scope: the modules below).
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// The stored and serialised name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }

            /// Parses the stored name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$v),)+ _ => None }
            }
        }
    };
}

pub mod api_client;
pub mod audit;
pub mod auth;
pub mod case;
pub mod dashboard;
pub mod desk;
pub mod mediation;
pub mod municipality;
pub mod outbox;
pub mod page;
pub mod patch;
pub mod permission;
pub mod person;
pub mod problem;
pub mod report;
pub mod rule;
pub mod text;
pub mod time;
pub mod training;
pub mod user;
pub mod validate;
pub mod webhook;

pub use page::Page;
pub use problem::{FieldError, Problem};
