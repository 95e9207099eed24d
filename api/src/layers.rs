//! The API's modules form a ladder: each uses only modules on lower rungs, so there is no import
//! cycle and a newcomer can read the crate from the bottom up. This test reads the `crate::` paths
//! of every source file (tests and comments aside) and fails on a step up or sideways, and on a
//! module that is not on the ladder (a new module must be given its place here). Two more checks
//! keep the rungs honest: handlers run no SQL (it is in `models`), and models know nothing of
//! HTTP (they answer `StoreError`; `error` turns it into a status).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom to top. The business rules themselves live in `lumit_shared`, below all of these.
const LADDER: &[&[&str]] = &[
    // What everything may use: the tables, the error type, primitives.
    &["schema", "error", "crypto", "telemetry"],
    // Reading requests, without the database.
    &["extract", "pagination"],
    &["middleware", "compression"],
    // Connections, transactions, the writers' turn.
    &["db"],
    &["config", "backup"],
    // One module per table family: SQL in, rows out.
    &["models"],
    // Documents to print (PDF), read from the models.
    &["pdf"],
    // Who is calling, and what they may do.
    &["auth"],
    &["audit", "scheduling"],
    &[
        "access",
        "security_log",
        "files",
        "authz",
        "ical",
        "sheets",
        "seed",
        "synthetic",
    ],
    // What leaves the server: e-mail (the outbox's messages and the worker that sends them)
    // and webhooks (signing, the address guard, the worker that delivers them).
    &["state", "mail", "webhooks"],
    // Request plumbing that needs the application's state.
    &[
        "caller",
        "idempotency",
        "web_app",
        "export",
        "limits",
        "metrics",
    ],
    // The handlers.
    &["routes"],
    &["openapi"],
    &["startup"],
];

/// The top-level modules each top-level module uses, from `crate::a` and `crate::{a, b::c}`.
fn uses(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = vec![src.to_path_buf()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).expect("read the source folder");
            files.extend(entries.map(|e| e.expect("a folder entry").path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(src).expect("inside src");
        let first = relative.components().next().expect("a file name");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "lib" || module == "main" || module == "layers" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a source file");
        // Unit tests may reach anywhere; they are not part of the ladder.
        let code = without_test_modules(&text);
        let code: String = code
            .lines()
            .map(|line| line.split("//").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        let used = graph.entry(module.clone()).or_default();
        // `super::` climbs one module; as many as the file is deep reach the crate's root.
        let depth = relative.components().count()
            - usize::from(relative.file_name().is_some_and(|n| n == "mod.rs"));
        let mut roots: Vec<usize> = code
            .match_indices("crate::")
            .map(|(at, _)| at + "crate::".len())
            .collect();
        for (at, _) in code.match_indices("super::") {
            if code[..at].ends_with("super::") {
                continue;
            }
            let climbs = code.as_bytes()[at..]
                .chunks(7)
                .take_while(|c| *c == b"super::")
                .count();
            if climbs >= depth {
                roots.push(at + 7 * depth);
            }
        }
        for at in roots {
            for name in heads(&code[at..]) {
                if name != module && name != "super" {
                    used.insert(name);
                }
            }
        }
    }
    graph
}

/// The source without its `#[cfg(test)] mod … { … }` blocks.
fn without_test_modules(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let item = after.trim_start();
        let is_module = item.starts_with("mod ") || item.starts_with("pub mod ");
        match (is_module, item.find(['{', ';'])) {
            (true, Some(open)) if item.as_bytes()[open] == b'{' => {
                let mut depth = 0usize;
                let mut end = item.len();
                for (i, c) in item.char_indices().skip(open) {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &item[end..];
            }
            // A test-only item that is not an inline module (`mod tests;`, a function): its own
            // lines stay, which can only make the check stricter.
            _ => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// The first segment of each path that starts at `rest`: `a::b` gives `a`; a group
/// `{a::{B, C}, d}` (over several lines, nested) gives `a` and `d`.
fn heads(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect();
    };
    let (mut depth, mut start, mut names) = (0usize, 0usize, Vec::new());
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                names.push(ident(&group[start..i]));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                names.push(ident(&group[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

fn rung(module: &str) -> Option<usize> {
    LADDER.iter().position(|r| r.contains(&module))
}

#[test]
fn every_module_uses_only_lower_rungs() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = uses(&src);
    let mut wrong = Vec::new();
    for (module, used) in &graph {
        let Some(own) = rung(module) else {
            wrong.push(format!("{module} is not on the ladder (src/layers.rs)"));
            continue;
        };
        for target in used {
            match rung(target) {
                Some(r) if r < own => {}
                Some(_) => wrong.push(format!("{module} uses {target}, which is not below it")),
                None => wrong.push(format!(
                    "{module} uses {target}, which is not on the ladder"
                )),
            }
        }
    }
    for name in LADDER.iter().flat_map(|r| r.iter()) {
        if !graph.contains_key(*name) {
            wrong.push(format!("{name} is on the ladder but is no module"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_reader_sees_braced_and_plain_paths() {
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(
        dir.path().join("a.rs"),
        "use crate::{b::{X, Y}, c};\nuse crate::{\n    g::Z,\n    h,\n};\nfn f() { crate::d::g(); } // crate::e\n#[cfg(test)]\nmod tests { use crate::f; fn t() {} }\nfn k() { super::i::j(); }",
    )
    .expect("write");
    let graph = uses(dir.path());
    let a: Vec<&str> = graph["a"].iter().map(String::as_str).collect();
    assert_eq!(a, ["b", "c", "d", "g", "h", "i"]);
}

/// The code of every source file under `dir` (tests and comments aside), by path.
fn code_under(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut files = vec![dir.to_path_buf()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).expect("read the source folder");
            files.extend(entries.map(|e| e.expect("a folder entry").path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read a source file");
            let code: String = without_test_modules(&text)
                .lines()
                .map(|line| line.split("//").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            out.push((path.display().to_string(), code));
        }
    }
    out
}

/// Lines of the files under `dir` that name one of `words`.
fn naming(dir: &Path, words: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, code) in code_under(dir) {
        for (n, line) in code.lines().enumerate() {
            if words.iter().any(|w| line.contains(w)) {
                found.push(format!("{path}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

/// Handlers read as permission → parse → one database call → respond: the SQL is in `models`.
#[test]
fn handlers_run_no_sql() {
    let routes = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let found = naming(&routes, &["crate::schema", "diesel::"]);
    assert!(found.is_empty(), "SQL in a handler:\n{}", found.join("\n"));
}

/// Models answer in the store's terms (`StoreError`); statuses are the `error` module's.
#[test]
fn models_know_nothing_of_http() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/models");
    let found = naming(
        &models,
        &["ApiError", "ApiResult", "actix_web", "StatusCode"],
    );
    assert!(found.is_empty(), "HTTP in a model:\n{}", found.join("\n"));
}

#[test]
fn the_checks_see_what_they_look_for() {
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(
        dir.path().join("h.rs"),
        "use crate::schema::cases; // diesel::x\n#[cfg(test)]\nmod tests { use diesel::y; }\nfn f() -> ApiResult<()> {}",
    )
    .expect("write");
    assert_eq!(naming(dir.path(), &["diesel::"]), Vec::<String>::new());
    assert_eq!(naming(dir.path(), &["crate::schema"]).len(), 1);
    assert_eq!(naming(dir.path(), &["ApiResult"]).len(), 1);
}

/// Each endpoint's path and method are written once, on its handler (`#[get("/cases")]`); the
/// document reads them from there, so a `path = "…"` in `#[utoipa::path]` would be a second copy.
#[test]
fn paths_are_written_once() {
    let routes = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let found = naming(&routes, &["path = \"/"]);
    assert!(
        found.is_empty(),
        "a path written twice:\n{}",
        found.join("\n")
    );
}

/// Every paginated list reads `?limit=` and `?cursor=` and cuts its page through
/// `pagination::Pager`, so lists page one way.
#[test]
fn lists_page_through_the_pager() {
    let routes = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let found = naming(
        &routes,
        &[
            "pagination::limit(",
            "pagination::decode",
            "pagination::page(",
        ],
    );
    assert!(
        found.is_empty(),
        "a list paging on its own:\n{}",
        found.join("\n")
    );
}
