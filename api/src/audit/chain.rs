//! The audit chain's head: the signed checkpoint kept outside the database, and the verification of every link.

use std::path::Path;

use anyhow::{anyhow, bail, Context};
use diesel::prelude::*;
use lumit_shared::audit::AuditVerification;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::ApiResult;
use crate::schema::audit_log;

use super::*;

/// Walks the whole chain in batches, checking each row's hash, link and sequence.
/// The newest link, signed with the audit key: kept outside the database (a file in the data
/// folder, and printed by `lumit audit head` for an external notary), it proves how long the
/// chain was, so that deleting its newest rows is detected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The newest row's id.
    pub id: i64,
    /// Its link.
    pub hash: String,
    /// When the checkpoint was taken (RFC 3339).
    pub at: String,
    /// HMAC-SHA256 of the three, with the audit key.
    pub mac: String,
}

impl Checkpoint {
    fn signed(id: i64, hash: String, at: String) -> ApiResult<Self> {
        let mac = hmac_hex(
            key()?,
            &format!("lumit-audit-checkpoint\n{id}\n{hash}\n{at}"),
        );
        Ok(Self { id, hash, at, mac })
    }

    /// True when the signature is the audit key's.
    pub fn is_genuine(&self) -> ApiResult<bool> {
        let expected = Self::signed(self.id, self.hash.clone(), self.at.clone())?;
        Ok(crate::crypto::constant_time_eq(&expected.mac, &self.mac))
    }
}

/// The newest row as a signed checkpoint (none while the log is empty).
pub fn head(c: &mut DbConn) -> ApiResult<Option<Checkpoint>> {
    let last: Option<(i64, String)> = audit_log::table
        .select((audit_log::id, audit_log::hash))
        .order(audit_log::id.desc())
        .first(c)
        .optional()?;
    last.map(|(id, hash)| Checkpoint::signed(id, hash, chrono::Utc::now().to_rfc3339()))
        .transpose()
}

/// Reads the checkpoint file of a data folder: `Ok(None)` when there is none yet.
pub fn read_checkpoint(dir: &Path) -> anyhow::Result<Option<Checkpoint>> {
    let path = dir.join(CHECKPOINT_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(
            serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Writes the newest row as the checkpoint, if the table still holds the previous checkpoint's
/// row unchanged: a checkpoint never moves back nor over a rewritten chain, so the evidence of a
/// deleted tail stays until someone looks. Returns the checkpoint written.
pub fn write_checkpoint(c: &mut DbConn, dir: &Path) -> anyhow::Result<Option<Checkpoint>> {
    let Some(head) = head(c).map_err(|e| anyhow!("{e}"))? else {
        return Ok(None);
    };
    if let Some(old) = read_checkpoint(dir)? {
        let still: Option<String> = audit_log::table
            .find(old.id)
            .select(audit_log::hash)
            .first(c)
            .optional()?;
        if still.as_deref() != Some(old.hash.as_str()) {
            bail!(
                "the audit log no longer holds row {} of the last checkpoint as it was: not \
                 moving the checkpoint (run `lumit audit verify`)",
                old.id
            );
        }
        if old.id == head.id {
            return Ok(Some(old));
        }
    }
    let path = dir.join(CHECKPOINT_FILE);
    let tmp = dir.join(format!("{CHECKPOINT_FILE}.tmp"));
    crate::config::write_private(&tmp, &serde_json::to_string_pretty(&head)?)
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    Ok(Some(head))
}

pub(super) fn broken(
    checked: i64,
    first_bad_id: Option<i64>,
    checkpoint: Option<i64>,
    why: String,
) -> AuditVerification {
    AuditVerification {
        ok: false,
        rows_checked: checked,
        first_bad_id,
        checkpoint_id: checkpoint,
        problem: Some(why),
    }
}

/// Checks the whole chain: ids without gaps from 1, each link over its row and the previous
/// link, keyed rows never followed by unkeyed ones, and the checkpoint (when there is one)
/// genuine and still in the table unchanged. An empty log fails: the first start writes rows.
pub fn verify(c: &mut DbConn, checkpoint: Option<&Checkpoint>) -> ApiResult<AuditVerification> {
    const BATCH: i64 = 2000;
    let key = key()?;
    let cp = checkpoint.map(|c| c.id);
    if let Some(cp) = checkpoint {
        if !cp.is_genuine()? {
            return Ok(broken(
                0,
                None,
                Some(cp.id),
                "the checkpoint's signature is not the audit key's".into(),
            ));
        }
    }
    let mut prev_hash = GENESIS.to_owned();
    let mut scheme = SCHEME_SHA256;
    let mut expected_id = 1_i64;
    let mut checked = 0_i64;
    loop {
        let rows: Vec<Row> = audit_log::table
            .select(Row::as_select())
            .filter(audit_log::id.ge(expected_id))
            .order(audit_log::id.asc())
            .limit(BATCH)
            .load(c)?;
        let n = rows.len();
        for row in rows {
            checked += 1;
            if row.id != expected_id {
                return Ok(broken(
                    checked,
                    Some(expected_id),
                    cp,
                    format!("row {expected_id} is missing"),
                ));
            }
            if row.prev_hash != prev_hash
                || row.scheme < scheme
                || row.compute_hash(key) != row.hash
            {
                return Ok(broken(
                    checked,
                    Some(row.id),
                    cp,
                    format!("row {} was changed", row.id),
                ));
            }
            if let Some(cp) = checkpoint.filter(|cp| cp.id == row.id) {
                if cp.hash != row.hash {
                    return Ok(broken(
                        checked,
                        Some(row.id),
                        Some(cp.id),
                        format!("row {} differs from the checkpoint", row.id),
                    ));
                }
            }
            scheme = row.scheme;
            prev_hash = row.hash;
            expected_id += 1;
        }
        if (n as i64) < BATCH {
            break;
        }
    }
    if checked == 0 {
        return Ok(broken(0, Some(1), cp, "the audit log is empty".into()));
    }
    if let Some(cp) = checkpoint.filter(|cp| cp.id >= expected_id) {
        return Ok(broken(
            checked,
            Some(expected_id),
            Some(cp.id),
            format!(
                "rows {expected_id} to {} of the checkpoint are missing",
                cp.id
            ),
        ));
    }
    Ok(AuditVerification {
        ok: true,
        rows_checked: checked,
        first_bad_id: None,
        checkpoint_id: cp,
        problem: None,
    })
}
