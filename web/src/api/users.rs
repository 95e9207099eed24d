//! Staff accounts.

use lumit_shared::user::{CreatedUser, NewUser, PasswordReset, User, UserPatch};
use lumit_shared::Page;

use super::{ApiError, ApiPath, Method};

/// The list's path, for a paged list with its filters.
pub fn search() -> ApiPath {
    ApiPath::new("/api/v1/users")
}

/// The active accounts with a role (up to 200).
pub async fn active_with_role(role: &str) -> Result<Page<User>, ApiError> {
    super::get(&format!("/api/v1/users?role={role}&active=true&limit=200")).await
}

/// Creates an account (with its first password).
pub async fn create(body: &NewUser) -> Result<CreatedUser, ApiError> {
    super::post("/api/v1/users", body).await
}

/// One account with its `ETag`, to edit it.
pub async fn get_tagged(id: &str) -> Result<(User, Option<String>), ApiError> {
    super::get_tagged(&format!("/api/v1/users/{id}")).await
}

/// Changes an account (`If-Match` the version read).
pub async fn update(id: &str, body: &UserPatch, etag: Option<&str>) -> Result<User, ApiError> {
    super::patch(&format!("/api/v1/users/{id}"), body, etag).await
}

/// Gives an account a temporary password.
pub async fn reset_password(id: &str) -> Result<PasswordReset, ApiError> {
    super::post(
        &format!("/api/v1/users/{id}/password-reset"),
        &serde_json::json!({}),
    )
    .await
}

/// Ends all sessions of an account.
pub async fn end_sessions(id: &str) -> Result<(), ApiError> {
    super::no_content::<()>(
        Method::POST,
        &format!("/api/v1/users/{id}/end-sessions"),
        None,
    )
    .await
}

/// Removes an account's authenticator app.
pub async fn remove_totp(id: &str) -> Result<(), ApiError> {
    super::no_content::<()>(Method::DELETE, &format!("/api/v1/users/{id}/totp"), None).await
}
