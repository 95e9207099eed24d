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

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set (relative to the workspace, as
/// cargo reads it), else `target/`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
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
    browser_tests()?;
    contract_tests()
}

/// The OpenAPI document against the server, on both databases (`tests/contract/run.py`: the
/// standard validator, a generated client, schemathesis), with the debug binary the browser tests
/// built. The Python tools are installed from PyPI into `target/contract-venv` the first time.
fn contract_tests() -> Result<()> {
    run(Command::new("python3")
        .args(["tests/contract/run.py", "--db", "both"])
        .current_dir(root())
        .env("LUMIT_BIN", target_dir().join("debug/lumit")))
}

/// Makes sure the wasm32 target is installed (idempotent; rustup downloads it from the
/// Rust distribution server once).
fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    let installed = out
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if !installed {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// Eight hex characters of the content's SHA-256: names that change when the content does, so
/// browsers may cache them for a year.
fn short_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))[..8].to_owned()
}

/// `wasm-opt` from the npm `binaryen` package, if the browser tests' packages are installed.
fn wasm_opt() -> Option<PathBuf> {
    let p = root().join("tests/browser/node_modules/.bin/wasm-opt");
    p.exists().then_some(p)
}

/// Builds the web app into `web/dist`: release wasm, JS glue via wasm-bindgen (as a library, no
/// download), optional wasm-opt, content-hashed file names, and an index.html that loads them
/// without inline script (the Content-Security-Policy forbids it).
fn web() -> Result<()> {
    let root = root();
    ensure_wasm_target()?;
    // wasm-opt comes with the npm packages; without npm the app is just larger.
    if Command::new("npm").arg("--version").output().is_ok() {
        ensure_node_packages()?;
    }
    let mut c = cargo();
    c.args([
        "build",
        "-p",
        "lumit-web",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]);
    // wasm-split needs the linker's relocations to cut the module at the lazy routes.
    c.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        "-Clink-args=--emit-relocs",
    );
    run(&mut c)?;
    let wasm_in = target_dir().join("wasm32-unknown-unknown/wasm-release/lumit-web.wasm");
    let gen = target_dir().join("web-bindgen");
    let _ = std::fs::remove_dir_all(&gen);
    std::fs::create_dir_all(&gen)?;
    // Cut the module at the lazy routes: the main part (the shell and the login) and one part
    // per page, plus parts that pages share. Then wasm-bindgen on the main part, keeping the
    // exports the parts import from it.
    let split_main = gen.join("lumit-web_split.wasm");
    let input = std::fs::read(&wasm_in)?;
    let mut opts = wasm_split_cli_support::Options::new(&input);
    opts.output_dir = &gen;
    opts.main_out_path = &split_main;
    opts.main_module = "./lumit-web.js";
    let split = wasm_split_cli_support::transform(opts)
        .map_err(|e| anyhow::anyhow!("splitting the wasm: {e}"))?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&split_main)
        .out_name("lumit-web")
        .web(true)?
        .typescript(false)
        .keep_lld_exports(true)
        .demangle(false)
        .generate(&gen)
        .context("running wasm-bindgen")?;
    std::fs::remove_file(&split_main)?;
    let mut wasm_files = split.split_modules.clone();
    wasm_files.push(gen.join("lumit-web_bg.wasm"));
    if let Some(opt) = wasm_opt() {
        // Most parts are a few hundred bytes of glue between pages, where wasm-opt (a second
        // each, from npm) would save a few bytes: it runs on the parts worth it.
        for wasm_path in &wasm_files {
            if std::fs::metadata(wasm_path)?.len() < 8 * 1024 {
                continue;
            }
            run(Command::new(&opt)
                .arg("-Oz")
                .arg("--enable-bulk-memory")
                .arg("--enable-nontrapping-float-to-int")
                .arg(wasm_path)
                .arg("-o")
                .arg(wasm_path))?;
        }
    }
    let css = std::fs::read_to_string(root.join("web/style.css"))?;
    let template = std::fs::read_to_string(root.join("web/index.html"))?;

    // All the code in one folder named by the hash of its content: the parts load each other by
    // relative names, and a new build is a new folder, so a browser never mixes two builds.
    let mut code = Vec::new();
    for entry in sorted_files(&gen)? {
        let name = entry.strip_prefix(&gen).unwrap_or(&entry);
        code.extend(name.to_string_lossy().as_bytes());
        code.extend(std::fs::read(&entry)?);
    }
    let app_dir = format!("app-{}", short_hash(&code));
    let dist = root.join("web/dist");
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist)?;
    copy_dir(&gen, &dist.join(&app_dir))?;
    let css_name = format!("app-{}.css", short_hash(css.as_bytes()));
    let glue = format!("/{app_dir}/lumit-web.js");
    let wasm = format!("/{app_dir}/lumit-web_bg.wasm");
    let boot = format!("import init from '{glue}';\ninit({{ module_or_path: '{wasm}' }});\n");
    let boot_name = format!("boot-{}.js", short_hash(boot.as_bytes()));
    std::fs::write(dist.join(&css_name), &css)?;
    std::fs::write(dist.join(&boot_name), &boot)?;
    let index = template
        .replace("{{CSS}}", &format!("/{css_name}"))
        .replace("{{BOOT}}", &format!("/{boot_name}"))
        .replace("{{WASM}}", &wasm)
        .replace("{{GLUE}}", &glue);
    std::fs::write(dist.join("index.html"), index)?;
    let (raw, br, gz) = compress_dir(&dist)?;
    eprintln!(
        "web app built into {}: {} KB, {} KB as brotli, {} KB as gzip",
        dist.display(),
        raw / 1024,
        br / 1024,
        gz / 1024
    );
    sizes(&dist, &app_dir, &boot_name, &split.prefetch_map)
}

/// Prints what a browser downloads, brotli as served: before the login form, then for each area
/// of pages the parts it fetches the first time (shared parts count in each area that needs them).
fn sizes(
    dist: &Path,
    app_dir: &str,
    boot_name: &str,
    parts: &std::collections::HashMap<String, Vec<String>>,
) -> Result<()> {
    let br = |name: &str| -> Result<u64> {
        Ok(std::fs::metadata(dist.join(format!("{name}.br")))?.len())
    };
    let first = br(boot_name)?
        + ["lumit-web.js", "lumit-web_bg.wasm", "__wasm_split.js"]
            .iter()
            .map(|f| br(&format!("{app_dir}/{f}")))
            .sum::<Result<u64>>()?;
    eprintln!("first load (before the login form): {} KB", first / 1024);
    let mut pages = parts
        .iter()
        .map(|(split, files)| {
            // `cases_area_1234…`: the function's name and a hash of where it is.
            let page = split
                .trim_start_matches("__")
                .rsplit_once('_')
                .map_or(split.as_str(), |(name, _)| name)
                .to_owned();
            let bytes = files
                .iter()
                .map(|f| br(&format!("{app_dir}/{f}.wasm")))
                .sum::<Result<u64>>()?;
            Ok((page, bytes, files.len()))
        })
        .collect::<Result<Vec<_>>>()?;
    pages.sort();
    for (page, bytes, files) in pages {
        eprintln!("  {page}: {} KB in {files} parts", bytes / 1024);
    }
    Ok(())
}

/// Writes `name.br` and `name.gz` beside each file of `dir` (and below), at the highest levels:
/// done once per build, so the server sends them as they are instead of compressing each
/// response (web_app.rs). Returns the bytes of the originals, the brotli and the gzip files.
fn compress_dir(dir: &Path) -> Result<(u64, u64, u64)> {
    use std::io::Write;
    let (mut raw, mut br, mut gz) = (0, 0, 0);
    // Listed before any twin is written, so the loop never compresses its own output.
    let paths = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    for path in paths {
        if path.extension().is_some_and(|e| e == "br" || e == "gz") {
            continue;
        }
        if path.is_dir() {
            let (r, b, g) = compress_dir(&path)?;
            (raw, br, gz) = (raw + r, br + b, gz + g);
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut b = Vec::new();
        {
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: 24,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut bytes.as_slice(), &mut b, &params)?;
        }
        let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        g.write_all(&bytes)?;
        let g = g.finish()?;
        let with = |ext: &str| {
            let mut name = path.clone().into_os_string();
            name.push(ext);
            PathBuf::from(name)
        };
        std::fs::write(with(".br"), &b)?;
        std::fs::write(with(".gz"), &g)?;
        raw += bytes.len() as u64;
        br += b.len() as u64;
        gz += g.len() as u64;
    }
    Ok((raw, br, gz))
}

/// The files below `dir`, in a stable order (for the build's hash).
fn sorted_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(sorted_files(&path)?);
        } else {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Installs the browser tests' npm packages (playwright-core, axe, binaryen's wasm-opt) if missing.
fn ensure_node_packages() -> Result<()> {
    let dir = root().join("tests/browser");
    if dir.join("node_modules/.package-lock.json").exists() {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir))
}

/// Debian's Chromium (Playwright cannot download its own here); installed when missing and we
/// may (root), otherwise a clear message.
fn ensure_chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    if !is_root {
        bail!("the browser tests need Chromium: sudo apt-get install -y chromium chromium-driver");
    }
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// The browser scenarios against the real `lumit` binary and the built web app.
fn browser_tests() -> Result<()> {
    ensure_chromium()?;
    ensure_node_packages()?;
    web()?;
    let mut c = cargo();
    c.args(["build", "-p", "lumit-api", "--bin", "lumit"]);
    run(&mut c)?;
    let dir = root().join("tests/browser");
    run(Command::new("npm")
        .args(["test"])
        .current_dir(&dir)
        .env("LUMIT_BIN", target_dir().join("debug/lumit")))
}
