//! Cases (pratiche): the list, one case, its timeline, its moves and the categories.

use lumit_shared::case::{
    Case, CaseCategory, CaseEvent, CasePage, CasePatch, EventEdit, NewCase, NewCaseEvent,
    Transition,
};

use super::{ApiError, ApiPath};

/// The list's path, for a list with its filters.
pub fn search() -> ApiPath {
    ApiPath::new("/api/v1/cases")
}

/// One page of the cases a path filters.
pub async fn list(path: &ApiPath) -> Result<CasePage, ApiError> {
    super::get(&path.0).await
}

/// How many cases with a status are assigned `mine` or `unassigned` (one row, with the count).
pub async fn count(assigned: &str, status: &str) -> Result<CasePage, ApiError> {
    super::get(&format!(
        "/api/v1/cases?assigned={assigned}&status={status}&count=true&limit=1"
    ))
    .await
}

/// A person's cases (up to 200).
pub async fn of_person(person_id: &str) -> Result<CasePage, ApiError> {
    super::get(&format!("/api/v1/cases?person_id={person_id}&limit=200")).await
}

/// One case.
pub async fn get(id: &str) -> Result<Case, ApiError> {
    super::get(&format!("/api/v1/cases/{id}")).await
}

/// Opens a case.
pub async fn create(body: &NewCase) -> Result<Case, ApiError> {
    super::post("/api/v1/cases", body).await
}

/// Changes a case.
pub async fn update(id: &str, body: &CasePatch) -> Result<Case, ApiError> {
    super::patch(&format!("/api/v1/cases/{id}"), body, None).await
}

/// Moves a case to another status.
pub async fn transition(id: &str, body: &Transition) -> Result<Case, ApiError> {
    super::post(&format!("/api/v1/cases/{id}/transitions"), body).await
}

/// A case's timeline.
pub async fn events(id: &str) -> Result<Vec<CaseEvent>, ApiError> {
    super::get(&format!("/api/v1/cases/{id}/events")).await
}

/// Adds an event to a case's timeline.
pub async fn add_event(id: &str, body: &NewCaseEvent) -> Result<CaseEvent, ApiError> {
    super::post(&format!("/api/v1/cases/{id}/events"), body).await
}

/// Corrects an event's note.
pub async fn edit_event(
    case_id: &str,
    event_id: &str,
    body: &EventEdit,
) -> Result<CaseEvent, ApiError> {
    super::patch(
        &format!("/api/v1/cases/{case_id}/events/{event_id}"),
        body,
        None,
    )
    .await
}

/// The case categories.
pub async fn categories() -> Result<Vec<CaseCategory>, ApiError> {
    super::get("/api/v1/case-categories").await
}
