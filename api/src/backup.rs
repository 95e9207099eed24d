//! `lumit backup` and `lumit restore` for the SQLite database. PostgreSQL is backed up with its
//! own tools (`pg_dump`/`pg_restore`, see docs/OPERATIONS.md and `ops/`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};

use crate::db::{Backend, DatabaseUrl};

/// The SQLite file of a database URL; PostgreSQL is refused with where to look.
fn sqlite_file(database_url: &str) -> anyhow::Result<PathBuf> {
    let url = DatabaseUrl::parse(database_url)?;
    if url.backend == Backend::Postgres {
        bail!(
            "on PostgreSQL use pg_dump and pg_restore: see docs/OPERATIONS.md \
             (ops/pg-backup.sh and ops/pg-restore.sh)"
        );
    }
    Ok(PathBuf::from(url.target))
}

/// Fails unless `file` is a sound SQLite database that holds LUMIT's tables.
fn check(file: &Path) -> anyhow::Result<()> {
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let path = file.to_str().context("the file name is not UTF-8")?;
    // A URI: the characters it gives a meaning to are escaped, or `a#1.db` would open `a`.
    let escaped = path
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23");
    let mut c = SqliteConnection::establish(&format!("file:{escaped}?mode=ro"))
        .with_context(|| format!("opening {}", file.display()))?;
    let lines: Vec<Line> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut c)
        .with_context(|| format!("checking {}", file.display()))?;
    if lines.len() != 1 || lines[0].integrity_check != "ok" {
        let first = lines.first().map_or("", |l| l.integrity_check.as_str());
        bail!("{} fails the integrity check: {first}", file.display());
    }
    let tables: Count = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM sqlite_master \
         WHERE type = 'table' AND name IN ('__diesel_schema_migrations', 'audit_log', 'people')",
    )
    .get_result(&mut c)?;
    if tables.n != 3 {
        bail!("{} is not a LUMIT database", file.display());
    }
    Ok(())
}

/// Writes a consistent copy of the database to `to` while other connections keep writing
/// (`VACUUM INTO` reads one snapshot), then checks it. Returns its size in bytes.
pub fn backup(database_url: &str, to: &Path) -> anyhow::Result<u64> {
    let from = sqlite_file(database_url)?;
    if to.exists() {
        bail!("{} exists: choose a new file", to.display());
    }
    let mut c = SqliteConnection::establish(from.to_str().context("the file name is not UTF-8")?)
        .with_context(|| format!("opening {}", from.display()))?;
    // A writer holds the file for milliseconds at a time.
    c.batch_execute("PRAGMA busy_timeout = 10000")?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(to.to_str().context("the file name is not UTF-8")?)
        .execute(&mut c)
        .with_context(|| format!("writing {}", to.display()))?;
    check(to)?;
    Ok(std::fs::metadata(to)?.len())
}

/// Puts the backup `from` in place of the database (after checking it). An existing database
/// is replaced only with `force`; its write-ahead log goes with it, since it belongs to the
/// replaced file. Returns the database's path.
pub fn restore(database_url: &str, from: &Path, force: bool) -> anyhow::Result<PathBuf> {
    let target = sqlite_file(database_url)?;
    check(from)?;
    if target.exists() && !force {
        bail!(
            "{} exists: add --force to replace it (after stopping the server)",
            target.display()
        );
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    // Copy beside the target, then rename: the database is either the old one or the new one.
    let partial = target.with_extension("restoring");
    std::fs::copy(from, &partial).with_context(|| format!("copying to {}", partial.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side).with_context(|| format!("removing {}", side.display()))?;
        }
    }
    std::fs::rename(&partial, &target)
        .with_context(|| format!("moving the copy to {}", target.display()))?;
    Ok(target)
}
