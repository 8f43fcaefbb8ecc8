//! Plain form posts to server functions (no JavaScript) must always end in a redirect.
//!
//! Leptos answers such a post by sending the browser back to the page: on success with a 302, on
//! failure with the error encoded in the page's query (`__err`), which the page shows. But the
//! failure keeps its error status (401, 400…) next to the `Location`, and browsers follow a
//! `Location` only on a 3xx: the user would see the raw JSON error instead of the page. This
//! layer turns such an answer into a 303 See Other to the same place.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

pub async fn redirect_failed_form_posts(request: Request, next: Next) -> Response {
    let plain_form_post = request.method() == Method::POST
        && request
            .headers()
            .get(ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    let mut response = next.run(request).await;
    if plain_form_post
        && !response.status().is_redirection()
        && response.headers().contains_key(LOCATION)
    {
        *response.status_mut() = StatusCode::SEE_OTHER;
        *response.body_mut() = Body::empty();
        response.headers_mut().remove(CONTENT_LENGTH);
        response.headers_mut().remove(CONTENT_TYPE);
    }
    response
}
