//! `--serve DIR`: static files from the same origin (symlinks followed, `index.html` for dirs).

use std::path::{Component, Path, PathBuf};

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::errors::ApiError;
use crate::reqlog::percent_decode;

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "ts" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path below `root`, refusing `..` and absolute components.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path);
    let rel = Path::new(decoded.trim_start_matches('/'));
    let mut out = root.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Serves `url_path` from `root`; 404 JSON when missing.
pub async fn serve(root: &Path, url_path: &str) -> Response {
    let Some(mut path) = resolve(root, url_path) else {
        return ApiError::not_found("Not found").into_response();
    };
    // tokio::fs follows symlinks.
    if tokio::fs::metadata(&path)
        .await
        .map(|m| m.is_dir())
        .unwrap_or(false)
    {
        path.push("index.html");
    }
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let mut resp = (StatusCode::OK, bytes).into_response();
            let h = resp.headers_mut();
            h.insert(
                "content-type",
                HeaderValue::from_static(content_type(&path)),
            );
            h.insert("cache-control", HeaderValue::from_static("no-store"));
            resp
        }
        Err(_) => ApiError::not_found("Not found").into_response(),
    }
}
