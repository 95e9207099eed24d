//! Database rows and the queries on them, one module per resource.

pub mod api_client;
pub mod case;
pub mod desk;
pub mod mediator;
pub mod municipality;
pub mod person;
pub mod person_words;
pub mod referral;
pub mod refresh_token;
pub mod request;
pub mod user;
