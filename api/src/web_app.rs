//! Serves the staff web app (the built `web/dist` folder): hashed assets cached for a year,
//! `index.html` never cached, and the index for any other path so deep links work. Unknown
//! `/api/…` paths stay problem+json 404s. A file goes out as the `.br` or `.gz` that
//! `cargo xtask web` wrote beside it when the browser accepts that encoding: compressed once at
//! the highest level, instead of at a fast level on every request.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding};
use actix_web::HttpMessage;
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

/// Whether a name ends in a content hash (`app-1a2b3c4d`), so what it names never changes.
fn hashed_stem(stem: &str) -> bool {
    stem.rsplit_once('-')
        .is_some_and(|(_, h)| h.len() >= 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether a file name carries a content hash (`app-1a2b3c4d.wasm`), so it never changes.
fn is_hashed(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(stem, _)| hashed_stem(stem))
}

/// Whether a path of the web app never changes: a hashed file, or any file in a hashed folder
/// (the code and its chunks, which refer to one another by plain names).
fn immutable(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').rsplit('/');
    parts.next().is_some_and(is_hashed) || parts.any(hashed_stem)
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
        let mut res = encoded(&req, &file)?
            .use_etag(true)
            .use_last_modified(true)
            .into_response(&req);
        per_encoding(&mut res);
        let cache = if immutable(path) {
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
    // Code that is not there is a 404, not the page: a browser given HTML for a chunk of an
    // older build reports a wrong type instead of a missing file.
    if [".js", ".wasm", ".css"]
        .iter()
        .any(|ext| path.ends_with(ext))
    {
        return Err(ApiError::NotFound);
    }
    let mut res = encoded(&req, &index)?.into_response(&req);
    per_encoding(&mut res);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    Ok(res)
}

/// The file, or its brotli or gzip twin if one was built and the browser takes it (brotli
/// first: a third smaller than gzip for the wasm), with the original's type.
fn encoded(req: &HttpRequest, file: &Path) -> Result<NamedFile, ApiError> {
    let open = |p: &Path| NamedFile::open(p).map_err(|e| ApiError::Internal(e.into()));
    // A range is of the file itself: a slice of the twin would be bytes no one can decode.
    if req.headers().contains_key(header::RANGE) || req.headers().contains_key(header::IF_RANGE) {
        return open(file);
    }
    let twins = [
        (Encoding::brotli(), "br", ContentEncoding::Brotli),
        (Encoding::gzip(), "gz", ContentEncoding::Gzip),
    ];
    let built: Vec<_> = twins
        .into_iter()
        .map(|(e, ext, ce)| {
            let mut name = file.as_os_str().to_owned();
            name.push(".");
            name.push(ext);
            (e, PathBuf::from(name), ce)
        })
        .filter(|(_, p, _)| p.is_file())
        .collect();
    let identity = Encoding::identity();
    let chosen = req.get_header::<AcceptEncoding>().and_then(|accept| {
        let offered = built
            .iter()
            .map(|(e, _, _)| e)
            .chain(std::iter::once(&identity));
        accept.negotiate(offered)
    });
    match built
        .into_iter()
        .find(|(e, _, _)| Some(e) == chosen.as_ref())
    {
        Some((_, twin, ce)) => {
            let mime = actix_files::file_extension_to_mime(
                file.extension().and_then(|e| e.to_str()).unwrap_or(""),
            );
            // The twin's own name would make it an attachment: the browser would download
            // the page instead of showing it.
            Ok(open(&twin)?
                .set_content_type(mime)
                .set_content_encoding(ce)
                .disable_content_disposition())
        }
        None => open(file),
    }
}

/// Caches keep one copy per encoding; a compressed twin is sent whole (no ranges of it).
fn per_encoding(res: &mut HttpResponse) {
    let headers = res.headers_mut();
    headers.append(
        header::VARY,
        header::HeaderValue::from_static("accept-encoding"),
    );
    if headers.contains_key(header::CONTENT_ENCODING) {
        headers.remove(header::ACCEPT_RANGES);
    }
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
        assert!(immutable("/app-0123abcd/lumit-web.js"));
        assert!(immutable("/app-0123abcd/snippets/x/inline0.js"));
        assert!(immutable("/boot-0123abcd.js"));
        assert!(!immutable("/index.html"));
        assert!(!immutable("/assets/logo.svg"));
    }
}
