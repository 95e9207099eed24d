//! The security log: failed sign-ins, apart from the audit chain. What was typed as a user name is
//! often a password typed in the wrong field, so it is kept only when it names an account, and
//! rows are deleted after [`RETENTION_DAYS`] (the chain keeps everything forever).

use chrono::Duration;
use diesel::prelude::*;

use crate::audit::AuditCtx;
use crate::db::{new_id, now, DbConn};
use crate::error::ApiResult;
use crate::schema::security_log;
use lumit_shared::audit::SecurityEvent;

/// How long a failed sign-in is kept: enough to look into an attack reported late.
pub const RETENTION_DAYS: i64 = 90;

/// Records a failed sign-in (`login_failed`, `client_failed`) and drops rows past retention.
/// `account` is the account's own name when the attempt named one, never what was typed.
pub fn record_failure(
    c: &mut DbConn,
    ctx: &AuditCtx,
    kind: &'static str,
    user_id: Option<&str>,
    account: Option<&str>,
) -> ApiResult<()> {
    let t = now();
    diesel::delete(
        security_log::table.filter(security_log::at.lt(t - Duration::days(RETENTION_DAYS))),
    )
    .execute(c)?;
    diesel::insert_into(security_log::table)
        .values((
            security_log::id.eq(new_id()),
            security_log::at.eq(t),
            security_log::kind.eq(kind),
            security_log::user_id.eq(user_id),
            security_log::account.eq(account),
            security_log::client_ip.eq(ctx.client_ip.as_deref()),
            security_log::request_id.eq(ctx.request_id.as_deref()),
        ))
        .execute(c)?;
    Ok(())
}

/// Newest first, rows with an id below `before` (ids are time-ordered UUIDs).
pub fn list(c: &mut DbConn, before: Option<&str>, limit: i64) -> ApiResult<Vec<SecurityEvent>> {
    let mut q = security_log::table
        .select((
            security_log::id,
            security_log::at,
            security_log::kind,
            security_log::user_id,
            security_log::account,
            security_log::client_ip,
            security_log::request_id,
        ))
        .into_boxed::<<DbConn as Connection>::Backend>();
    if let Some(b) = before {
        q = q.filter(security_log::id.lt(b.to_owned()));
    }
    type Row = (
        String,
        chrono::NaiveDateTime,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = q.order(security_log::id.desc()).limit(limit).load(c)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, at, kind, user_id, account, client_ip, request_id)| SecurityEvent {
                id,
                at: at.and_utc(),
                kind,
                user_id,
                account,
                client_ip,
                request_id,
            },
        )
        .collect())
}
