//! Referrals of a case to other offices, and the deadlines they set.

use lumit_shared::case::{Deadline, NewReferral, Referral, ReferralAnswer};

use super::ApiError;

/// A case's referrals.
pub async fn of_case(case_id: &str) -> Result<Vec<Referral>, ApiError> {
    super::get(&format!("/api/v1/cases/{case_id}/referrals")).await
}

/// Refers a case to an office.
pub async fn create(case_id: &str, body: &NewReferral) -> Result<Referral, ApiError> {
    super::post(&format!("/api/v1/cases/{case_id}/referrals"), body).await
}

/// Records an office's answer to a referral.
pub async fn answer(
    case_id: &str,
    referral_id: &str,
    body: &ReferralAnswer,
) -> Result<Referral, ApiError> {
    super::post(
        &format!("/api/v1/cases/{case_id}/referrals/{referral_id}/answer"),
        body,
    )
    .await
}

/// The deadlines due within some days.
pub async fn deadlines(within_days: u32) -> Result<Vec<Deadline>, ApiError> {
    super::get(&format!("/api/v1/deadlines?within_days={within_days}")).await
}
