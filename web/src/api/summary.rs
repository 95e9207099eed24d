//! The home page's counts.

use lumit_shared::page::Summary;

use super::ApiError;

/// The counts for the home page.
pub async fn get() -> Result<Summary, ApiError> {
    super::get("/api/v1/summary").await
}
