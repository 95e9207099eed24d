//! The data folder and the SQLite files hold personal data and the secrets: only the account
//! LUMIT runs as may read them. Checked at every start, whatever umask or copy left them open.

use std::path::Path;

use anyhow::Context;

use crate::config::Settings;
use crate::db::{access_log_file, Backend, DatabaseUrl};

/// Folder mode: owner only.
pub const DIR_MODE: u32 = 0o700;
/// File mode: owner read and write.
pub const FILE_MODE: u32 = 0o600;

/// Creates the data folder if missing and makes it and the SQLite files private (0700 and 0600),
/// creating the database file empty and private when it does not exist yet: SQLite gives its
/// `-wal` and `-shm` files the database file's mode.
pub fn make_private(settings: &Settings) -> anyhow::Result<()> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    restrict(&settings.data_dir, DIR_MODE)?;
    let url = DatabaseUrl::parse(&settings.database_url)?;
    if url.backend == Backend::Sqlite && url.target != ":memory:" {
        let main = url.target.as_str();
        if let Some(folder) = Path::new(main)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        let access = access_log_file(main);
        for file in [main, access.as_str()] {
            create_private(Path::new(file))?;
            for side in ["-wal", "-shm", "-journal"] {
                let side = format!("{file}{side}");
                if Path::new(&side).exists() {
                    restrict(Path::new(&side), FILE_MODE)?;
                }
            }
        }
    }
    for name in ["jwt_secret", "audit_key", crate::audit::CHECKPOINT_FILE] {
        let path = settings.data_dir.join(name);
        if path.exists() {
            restrict(&path, FILE_MODE)?;
        }
    }
    Ok(())
}

fn create_private(path: &Path) -> anyhow::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(FILE_MODE);
    }
    opts.open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    restrict(path, FILE_MODE)
}

/// Takes away every permission beyond `mode` (never adds any), saying so when it had to.
fn restrict(path: &Path, mode: u32) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let now = std::fs::metadata(path)
            .with_context(|| format!("reading {}", path.display()))?
            .permissions()
            .mode()
            & 0o777;
        if now & !mode != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(now & mode))
                .with_context(|| {
                    format!(
                        "{} is readable by others (mode {now:o}) and could not be made private",
                        path.display()
                    )
                })?;
            tracing::warn!(path = %path.display(), was = format!("{now:o}"), now = format!("{:o}", now & mode),
                "made private: it holds personal data");
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}
