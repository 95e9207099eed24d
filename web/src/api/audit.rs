//! The audit log and the security log.

use lumit_shared::audit::{AuditVerification, SecurityEvent};
use lumit_shared::Page;

use super::{ApiError, ApiPath};

/// The audit log's path, for a paged list with its filters.
pub fn search() -> ApiPath {
    ApiPath::new("/api/v1/audit")
}

/// Checks the audit log's hash chain.
pub async fn verify() -> Result<AuditVerification, ApiError> {
    super::get("/api/v1/audit/verify").await
}

/// The latest 100 security events.
pub async fn security_log() -> Result<Page<SecurityEvent>, ApiError> {
    super::get("/api/v1/security-log?limit=100").await
}
