//! `GET /widget.js`: the embeddable widget, compiled into the binary (no CDN). Answered
//! gzipped to clients that accept it, with an ETag so browsers revalidate cheaply.

use std::io::Write;
use std::sync::LazyLock;

use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;

/// The widget's source.
pub const SCRIPT: &str = include_str!("widget.js");

static ETAG_VALUE: LazyLock<String> =
    LazyLock::new(|| format!("\"{}\"", &domain::platform::secrets::hash(SCRIPT)[..16]));

/// The script gzipped at the best level; `None` if compressing failed (it is then sent plain).
static GZIPPED: LazyLock<Option<Vec<u8>>> = LazyLock::new(|| {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(SCRIPT.as_bytes()).ok()?;
    encoder.finish().ok()
});

/// The script's size gzipped, in bytes (the widget's budget is 60 KB).
pub fn gzipped_size() -> Option<usize> {
    GZIPPED.as_ref().map(Vec::len)
}

pub async fn script(headers: HeaderMap) -> Response {
    let etag = ETAG_VALUE.as_str();
    let common = [
        (CONTENT_TYPE, "text/javascript; charset=utf-8"),
        // Short: a new release reaches sites within minutes; the ETag makes rechecks cheap.
        (CACHE_CONTROL, "public, max-age=300"),
        (ETAG, etag),
        (VARY, "accept-encoding"),
    ];
    let revalidated = headers
        .get(IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    if revalidated {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let accepts_gzip = headers
        .get(ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|coding| coding.trim().starts_with("gzip"))
        });
    match GZIPPED.as_ref() {
        Some(gzipped) if accepts_gzip => {
            (common, [(CONTENT_ENCODING, "gzip")], gzipped.clone()).into_response()
        }
        _ => (common, SCRIPT).into_response(),
    }
}
