//! People (the citizens cases are about).

use lumit_shared::audit::AccessEntry;
use lumit_shared::person::{NewPerson, NewPersonLink, Person, PersonLink};
use lumit_shared::Page;

use super::{enc, ApiError, ApiPath};

/// The list's path, for a paged list with its filters.
pub fn search() -> ApiPath {
    ApiPath::new("/api/v1/people")
}

/// Up to 10 people matching a text.
pub async fn find(text: &str) -> Result<Page<Person>, ApiError> {
    super::get(&format!("/api/v1/people?limit=10&q={}", enc(text))).await
}

/// Records a person.
pub async fn create(body: &NewPerson) -> Result<Person, ApiError> {
    super::post("/api/v1/people", body).await
}

/// One person.
pub async fn get(id: &str) -> Result<Person, ApiError> {
    super::get(&format!("/api/v1/people/{id}")).await
}

/// Everything recorded about a person (the right of access).
pub async fn export(id: &str) -> Result<serde_json::Value, ApiError> {
    super::get(&format!("/api/v1/people/{id}/export")).await
}

/// Anonymises a person.
pub async fn anonymise(id: &str) -> Result<Person, ApiError> {
    super::post(
        &format!("/api/v1/people/{id}/anonymise"),
        &serde_json::json!({}),
    )
    .await
}

/// Links a person to a municipality.
pub async fn link(id: &str, body: &NewPersonLink) -> Result<PersonLink, ApiError> {
    super::post(&format!("/api/v1/people/{id}/links"), body).await
}

/// Who read a person's record (the latest 100).
pub async fn access_log(id: &str) -> Result<Page<AccessEntry>, ApiError> {
    super::get(&format!("/api/v1/people/{id}/access-log?limit=100")).await
}
