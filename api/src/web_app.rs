//! Serves the staff web app (the built `web/dist` folder): hashed assets cached for a year,
//! `index.html` never cached, and the index for any other path so deep links work. Unknown
//! `/api/…` paths stay problem+json 404s.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::state::AppState;

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path == "/healthz" || path == "/readyz"
}

/// A request path as a file inside `root`, or `None` if it tries to leave it.
fn inside(root: &Path, path: &str) -> Option<PathBuf> {
    let rel = Path::new(path.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(root.join(rel))
}

/// Whether a file name carries a content hash (`app-1a2b3c4d.wasm`), so it never changes.
fn is_hashed(name: &str) -> bool {
    name.rsplit_once('.')
        .map(|(stem, _)| {
            stem.rsplit_once('-')
                .is_some_and(|(_, h)| h.len() >= 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .unwrap_or(false)
}

/// The default service: static file, SPA index, or a problem for API paths.
pub async fn fallback(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if is_api(path) {
        return Err(ApiError::NotFound);
    }
    let root = &state.settings.web_dir;
    let index = root.join("index.html");
    if !index.is_file() {
        return Ok(HttpResponse::NotFound().content_type("text/html; charset=utf-8").body(format!(
            "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>LUMIT</title></head>\
             <body><h1>LUMIT</h1><p>The web app is not built yet (looked in <code>{}</code>).</p>\
             <p>Build it with <code>cargo xtask web</code>, or build and start everything with \
             <code>cargo xtask run</code>. The API is at <a href=\"/api/docs/\">/api/docs/</a>.</p></body></html>",
            html_escape(&root.display().to_string())
        )));
    }
    if let Some(file) = inside(root, path).filter(|p| p.is_file()) {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        let named = NamedFile::open(&file).map_err(|e| ApiError::Internal(e.into()))?;
        let mut res = named
            .use_etag(true)
            .use_last_modified(true)
            .into_response(&req);
        let cache = if is_hashed(&name) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static(cache),
        );
        return Ok(res);
    }
    let named = NamedFile::open(&index).map_err(|e| ApiError::Internal(e.into()))?;
    let mut res = named.into_response(&req);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    Ok(res)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_and_hashes_are_recognised() {
        let root = Path::new("/srv/web");
        assert!(inside(root, "/../etc/passwd").is_none());
        assert_eq!(
            inside(root, "/app.css"),
            Some(PathBuf::from("/srv/web/app.css"))
        );
        assert!(is_hashed("lumit-web-0123abcd.wasm"));
        assert!(!is_hashed("index.html"));
    }
}
