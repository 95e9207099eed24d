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
    check_holds(
        file,
        &["__diesel_schema_migrations", "audit_log", "people"],
        "a LUMIT database",
    )
}

/// Fails unless `file` is a sound SQLite database that holds these tables.
fn check_holds(file: &Path, tables: &[&str], what: &str) -> anyhow::Result<()> {
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
    let mut found = 0;
    for table in tables {
        let n: Count = diesel::sql_query(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
        )
        .bind::<diesel::sql_types::Text, _>(*table)
        .get_result(&mut c)?;
        found += n.n;
    }
    if found != tables.len() as i64 {
        bail!("{} is not {what}", file.display());
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
    crate::db::attach_access_log(
        &mut c,
        &from.to_string_lossy(),
        crate::db::Synchronous::Full,
    )
    .context("opening the access log's file")?;
    let to_name = to.to_str().context("the file name is not UTF-8")?;
    let access_to = PathBuf::from(crate::db::access_log_file(to_name));
    if access_to.exists() {
        bail!("{} exists: choose a new file", access_to.display());
    }
    diesel::sql_query("VACUUM main INTO ?")
        .bind::<diesel::sql_types::Text, _>(to_name)
        .execute(&mut c)
        .with_context(|| format!("writing {}", to.display()))?;
    // Just after the main file: reads logged in between are in the copy of the log too.
    diesel::sql_query("VACUUM access INTO ?")
        .bind::<diesel::sql_types::Text, _>(access_to.to_string_lossy())
        .execute(&mut c)
        .with_context(|| format!("writing {}", access_to.display()))?;
    check(to)?;
    check_holds(&access_to, &["access_log"], "LUMIT's access log")?;
    Ok(std::fs::metadata(to)?.len() + std::fs::metadata(&access_to)?.len())
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
    // The access log's copy lies beside the backup; a backup made before the log had a file
    // of its own holds it in the main file, and the stale log beside the target goes.
    let access_from = PathBuf::from(crate::db::access_log_file(&from.to_string_lossy()));
    let access_target = PathBuf::from(crate::db::access_log_file(&target.to_string_lossy()));
    let access_kept = access_from.exists();
    if access_kept {
        check_holds(&access_from, &["access_log"], "LUMIT's access log")?;
    }
    put_in_place(from, &target)?;
    if access_kept {
        put_in_place(&access_from, &access_target)?;
    } else {
        remove_with_sides(&access_target)?;
    }
    Ok(target)
}

/// Copies beside the target, then renames: the file is either the old one or the new one.
fn put_in_place(from: &Path, target: &Path) -> anyhow::Result<()> {
    let partial = target.with_extension("restoring");
    std::fs::copy(from, &partial).with_context(|| format!("copying to {}", partial.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    remove_sides(target)?;
    std::fs::rename(&partial, target)
        .with_context(|| format!("moving the copy to {}", target.display()))
}

/// The write-ahead log and its index belong to the file they were written for.
fn remove_sides(file: &Path) -> anyhow::Result<()> {
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", file.display()));
        if side.exists() {
            std::fs::remove_file(&side).with_context(|| format!("removing {}", side.display()))?;
        }
    }
    Ok(())
}

fn remove_with_sides(file: &Path) -> anyhow::Result<()> {
    remove_sides(file)?;
    if file.exists() {
        std::fs::remove_file(file).with_context(|| format!("removing {}", file.display()))?;
    }
    Ok(())
}
