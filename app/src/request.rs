//! What the server reads of a browser's request, for the JSON API and the pages' server
//! functions alike: the session cookie, the client's address, https, and whether the request
//! came from our own origin. The rules themselves are `model::platform::web`'s.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use http::HeaderMap;
use http::header::{COOKIE, HOST, ORIGIN, REFERER};
use http::request::Parts;
use model::platform::web;

/// The dashboard session token from the `Cookie` header.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    web::session_cookie(
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok()),
    )
}

/// The peer's IP address, when the server knows it (behind a reverse proxy: the proxy's).
pub fn client_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip().to_string())
}

/// Whether the client reached us over https (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap) -> bool {
    header(headers, "x-forwarded-proto").is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

/// Whether the request's `Origin` (or `Referer`) is this server's own scheme, host and port.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    web::is_same_origin(
        header(headers, HOST.as_str()),
        is_https(headers),
        header(headers, ORIGIN.as_str()),
        header(headers, REFERER.as_str()),
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}
