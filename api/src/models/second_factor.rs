//! An account's second factor: its TOTP secret, the last step a code was taken for, and its
//! recovery codes (hashed). Every "use once" here is one conditional `UPDATE`, so two requests
//! with the same code at the same instant cannot both pass.

use diesel::prelude::*;

use crate::db::{new_id, now, DbConn};
use crate::error::StoreResult;
use crate::schema::{recovery_codes, users};

/// Starts (or restarts) an enrolment: the secret waits for a first code from the app. The
/// factor in use, if any, is untouched until then.
pub fn set_pending(c: &mut DbConn, user_id: &str, secret: &str) -> StoreResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::totp_pending_secret.eq(Some(secret)))
        .execute(c)?;
    Ok(())
}

/// Turns the pending secret on, if it is still `secret` (a second enrolment started in another
/// tab would have replaced it), with the step its first code was for and new recovery codes in
/// place of any old ones. False when the pending secret changed.
pub fn enable(
    c: &mut DbConn,
    user_id: &str,
    secret: &str,
    step: i64,
    code_hashes: &[String],
) -> StoreResult<bool> {
    let n = diesel::update(
        users::table
            .find(user_id)
            .filter(users::totp_pending_secret.eq(secret)),
    )
    .set((
        users::totp_secret.eq(Some(secret)),
        users::totp_pending_secret.eq(None::<String>),
        users::totp_last_step.eq(step),
    ))
    .execute(c)?;
    if n == 0 {
        return Ok(false);
    }
    replace_recovery_codes(c, user_id, code_hashes)?;
    Ok(true)
}

fn replace_recovery_codes(c: &mut DbConn, user_id: &str, hashes: &[String]) -> StoreResult<()> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(c)?;
    let t = now();
    for h in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::id.eq(new_id()),
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(h),
                recovery_codes::created_at.eq(t),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// Takes a code's step: true only if it is later than every step taken before (a replayed
/// code, or a second login racing with the same code, gets false).
pub fn take_step(c: &mut DbConn, user_id: &str, step: i64) -> StoreResult<bool> {
    let n = diesel::update(
        users::table
            .find(user_id)
            .filter(users::totp_secret.is_not_null())
            .filter(users::totp_last_step.lt(step)),
    )
    .set(users::totp_last_step.eq(step))
    .execute(c)?;
    Ok(n == 1)
}

/// Uses a recovery code: true once per code.
pub fn use_recovery_code(c: &mut DbConn, user_id: &str, hash: &str) -> StoreResult<bool> {
    let n = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(now())))
    .execute(c)?;
    Ok(n == 1)
}

/// Recovery codes not used yet.
pub fn recovery_codes_left(c: &mut DbConn, user_id: &str) -> StoreResult<i64> {
    Ok(recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(c)?)
}

/// Removes the second factor and its recovery codes (an admin's reset, a lost phone). Returns
/// whether there was one.
pub fn clear(c: &mut DbConn, user_id: &str) -> StoreResult<bool> {
    let n = diesel::update(
        users::table
            .find(user_id)
            .filter(users::totp_secret.is_not_null()),
    )
    .set((
        users::totp_secret.eq(None::<String>),
        users::totp_pending_secret.eq(None::<String>),
    ))
    .execute(c)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(c)?;
    Ok(n == 1)
}
