//! The `lumit` command: server, migrations, OpenAPI document, admin accounts.

use std::io::IsTerminal;

use anyhow::Context;
use clap::{Parser, Subcommand};
use lumit_api::config::Settings;
use lumit_api::startup::{prepare, Application};
use lumit_api::{db::Db, openapi, seed, telemetry};

// Every request allocates and frees many small buffers on threads that hand them to each other
// (HTTP workers, blocking database threads); glibc's allocator was costly at it under load,
// mimalloc much less (docs/PERFORMANCE.md, "Connections, threads and memory").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// LUMIT — case management of the Lucca Migration Task Force.
#[derive(Parser)]
#[command(name = "lumit", version, after_help = lumit_api::config::ENV_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (default): applies migrations, loads reference data, creates the first admin.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document to stdout.
    Openapi,
    /// Anonymise the people whose retention has run out (years after their last case closed;
    /// per category, default 5).
    Retention {
        /// Only list who is due.
        #[arg(long, conflicts_with = "apply")]
        dry_run: bool,
        /// Anonymise them.
        #[arg(long)]
        apply: bool,
        /// Years kept where the category sets none.
        #[arg(long, default_value_t = 5)]
        years: i32,
    },
    /// Load synthetic people and cases (demos and benchmarks), with a progress bar.
    Seed {
        /// How many people.
        #[arg(long, default_value_t = 1000)]
        people: usize,
        /// How many cases.
        #[arg(long, default_value_t = 2000)]
        cases: usize,
        /// Random seed, for repeatable data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Exit 0 if the server at LUMIT_BIND answers /readyz (for container health checks).
    Healthcheck,
    /// Copy the SQLite database into a new file while the server runs and writes: a consistent
    /// snapshot, checked before the command says so (PostgreSQL: see docs/OPERATIONS.md).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Put a backup made by `lumit backup` in place as the SQLite database of LUMIT_DATABASE_URL.
    /// Stop the server first.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: std::path::PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
    /// Manage admin accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The audit log's chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the whole chain against the checkpoint in LUMIT_DATA_DIR; exit 1 if broken.
    Verify,
    /// Print the newest link, signed, for an external notary (and update the checkpoint).
    Head,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin account; the password comes from LUMIT_ADMIN_PASSWORD or a prompt.
    Create {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Full name.
        #[arg(long, default_value = "Amministratore")]
        full_name: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            use std::io::Write;
            match std::io::stdout().write_all(openapi::document().as_bytes()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
        Command::Migrate => {
            let settings = Settings::from_env()?;
            telemetry::init(&settings.log_level, &settings.log_format);
            let db = Db::open(&settings.database_url, maintenance(&settings))?;
            let n = db.migrate()?;
            println!("{n} migration(s) applied");
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    username,
                    full_name,
                },
        } => {
            let settings = Settings::from_env()?;
            telemetry::init(&settings.log_level, &settings.log_format);
            let db = maintenance_db(&settings)?;
            db.migrate()?;
            let password = match settings.admin_password.clone() {
                Some(p) => p,
                None if std::io::stdin().is_terminal() => {
                    let p = rpassword::prompt_password("Password (12+ characters): ")?;
                    let again = rpassword::prompt_password("Again: ")?;
                    anyhow::ensure!(p == again, "the two passwords differ");
                    p
                }
                None => anyhow::bail!("set LUMIT_ADMIN_PASSWORD or run in a terminal to be asked"),
            };
            seed::create_admin(&db, &username, &full_name, &password, false)?;
            println!("admin `{username}` created");
            Ok(())
        }
        Command::Audit { command } => {
            let settings = Settings::from_env()?;
            telemetry::init(&settings.log_level, &settings.log_format);
            let db = maintenance_db(&settings)?;
            let mut c = db.conn()?;
            match command {
                AuditCommand::Verify => {
                    let checkpoint = lumit_api::audit::read_checkpoint(&settings.data_dir)?;
                    let v = lumit_api::audit::verify(&mut c, checkpoint.as_ref())
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    println!("{}", serde_json::to_string_pretty(&v)?);
                    anyhow::ensure!(v.ok, "the audit log is broken");
                }
                AuditCommand::Head => {
                    let head = lumit_api::audit::write_checkpoint(&mut c, &settings.data_dir)?;
                    println!("{}", serde_json::to_string_pretty(&head)?);
                }
            }
            Ok(())
        }
        Command::Serve => serve(),
        Command::Healthcheck => healthcheck(),
        Command::Backup { to } => {
            let settings = Settings::from_env()?;
            telemetry::init(&settings.log_level, &settings.log_format);
            let bytes = lumit_api::backup::backup(&settings.database_url, &to)?;
            println!(
                "backup written to {} and its access log to {} ({bytes} bytes, integrity checked)",
                to.display(),
                lumit_api::db::access_log_file(&to.to_string_lossy())
            );
            Ok(())
        }
        Command::Restore { from, force } => {
            let settings = Settings::from_env()?;
            telemetry::init(&settings.log_level, &settings.log_format);
            // Anything listening there may be the server, ready or not: a restore under it
            // would lose what it writes next.
            let addr = settings.bind.replace("0.0.0.0", "127.0.0.1");
            anyhow::ensure!(
                std::net::TcpStream::connect(&addr).is_err(),
                "something listens at {addr} (LUMIT_BIND): stop the server before restoring"
            );
            let target = lumit_api::backup::restore(&settings.database_url, &from, force)?;
            println!("restored {} to {}", from.display(), target.display());
            // The checkpoint names rows written after the backup: kept aside as evidence of
            // what the restore took back, so that the next start checkpoints the restored chain.
            let checkpoint = settings.data_dir.join(lumit_api::audit::CHECKPOINT_FILE);
            if checkpoint.exists() {
                let aside = settings.data_dir.join(format!(
                    "audit-head.before-restore-{}.json",
                    chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
                ));
                std::fs::rename(&checkpoint, &aside)?;
                println!(
                    "the audit checkpoint of the replaced database was moved to {}",
                    aside.display()
                );
            }
            Ok(())
        }
        Command::Seed {
            people,
            cases,
            seed,
        } => {
            let mut settings = Settings::from_env()?;
            telemetry::init(&settings.log_level, &settings.log_format);
            // A bulk load: statements of minutes are expected.
            settings.db_statement_timeout = std::time::Duration::ZERO;
            let prepared = prepare(&settings)?;
            let took = lumit_api::synthetic::run(&prepared.db, people, cases, seed)?;
            println!(
                "loaded {people} people and {cases} cases in {:.1} s",
                took.as_secs_f64()
            );
            Ok(())
        }
        Command::Retention {
            dry_run,
            apply,
            years,
        } => {
            anyhow::ensure!(dry_run || apply, "say --dry-run or --apply");
            let settings = Settings::from_env()?;
            telemetry::init(&settings.log_level, &settings.log_format);
            let db = maintenance_db(&settings)?;
            db.migrate()?;
            let due = seed::retention(&db, apply, years)?;
            for (id, closed) in &due {
                println!("{id}\tlast case closed {closed}");
            }
            let verb = if apply {
                "anonymised"
            } else {
                "due (dry run, nothing changed)"
            };
            println!("{} person(s) {verb}", due.len());
            Ok(())
        }
    }
}

/// The database of a command-line task that may write to the audit log (with its key).
fn maintenance_db(settings: &Settings) -> anyhow::Result<Db> {
    lumit_api::audit::use_key(&settings.resolve_audit_key()?)?;
    Db::open(&settings.database_url, maintenance(settings))
}

/// The database options of a command-line task: a small pool, and no statement timeout (a
/// retention run or an admin change from the command line is nobody's HTTP request).
fn maintenance(settings: &Settings) -> lumit_api::db::DbOptions {
    lumit_api::db::DbOptions {
        pool_size: 2,
        statement_timeout: std::time::Duration::ZERO,
        ..settings.db_options()
    }
}

fn serve() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    telemetry::init(&settings.log_level, &settings.log_format);
    let prepared = prepare(&settings)?;
    if let Some(pw) = &prepared.admin_password {
        println!();
        println!("  First start: created the admin account.");
        println!("    username: admin");
        println!("    password: {pw}");
        println!("  This password is shown only now; at the first login you choose your own.");
        println!();
    }
    let bind = settings.bind.clone();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let app = Application::build(settings, prepared.db)?;
        println!("  LUMIT listens on http://{bind}/  (API docs: http://{bind}/api/docs/)");
        app.run_until_stopped()
            .await
            .context("server stopped with an error")
    })
}

/// A minimal HTTP GET of /readyz over a plain socket: the container image has no curl.
fn healthcheck() -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let settings = Settings::from_env()?;
    let addr = settings.bind.replace("0.0.0.0", "127.0.0.1");
    let mut stream =
        std::net::TcpStream::connect(&addr).with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    write!(
        stream,
        "GET /readyz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head)?;
    anyhow::ensure!(
        head.ends_with(b"200"),
        "not ready: {}",
        String::from_utf8_lossy(&head)
    );
    Ok(())
}
