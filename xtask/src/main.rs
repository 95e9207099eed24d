//! Project tasks, so that the README's commands are plain cargo and work on a fresh machine:
//!
//! - `cargo xtask run`  — build the web app and start LUMIT (SQLite by default).
//! - `cargo xtask test` — every test: unit and integration on SQLite and PostgreSQL, then browser tests.
//! - `cargo xtask web`  — build the web app into `web/dist`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("» {cmd:?}");
    let status = cmd.status().with_context(|| format!("starting {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => {
            web()?;
            let mut c = cargo();
            c.args([
                "run",
                "--release",
                "-p",
                "lumit-api",
                "--bin",
                "lumit",
                "--",
                "serve",
            ]);
            run(&mut c)
        }
        Some("test") => test(),
        Some("web") => web(),
        _ => {
            eprintln!("usage: cargo xtask <run | test | web>");
            std::process::exit(2)
        }
    }
}

/// Every test. PostgreSQL must be reachable (LUMIT_TEST_POSTGRES_URL, default the local server):
/// the suite fails rather than skip when it is not.
fn test() -> Result<()> {
    let mut c = cargo();
    c.args(["test", "--workspace", "--exclude", "xtask"]);
    if std::env::var_os("LUMIT_TEST_POSTGRES_URL").is_none() {
        c.env(
            "LUMIT_TEST_POSTGRES_URL",
            "postgres://postgres@127.0.0.1:5432/test",
        );
    }
    run(&mut c)?;
    browser_tests()
}

/// Builds the web app, if this checkout has one.
fn web() -> Result<()> {
    if !root().join("web/Cargo.toml").exists() {
        eprintln!("(no web app in this checkout yet)");
        return Ok(());
    }
    bail!("the web build is not wired yet")
}

fn browser_tests() -> Result<()> {
    if !root().join("tests/browser/package.json").exists() {
        return Ok(());
    }
    bail!("browser tests are not wired yet")
}
