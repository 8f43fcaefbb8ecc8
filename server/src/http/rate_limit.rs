//! `X-RateLimit-*` headers on answers that passed a rate limit.
//!
//! Limits are decided where the caller is known (in the credential extractors, and in the
//! handlers of endpoints with a limit of their own); this layer gives them a slot to leave the
//! decisions in, and copies the one that will bite first onto the answer.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use domain::RateDecision;

use super::error::rate_limit_headers;

/// Where the current request's rate-limit decisions are left.
#[derive(Clone, Default)]
pub struct RateLimitSlot(Arc<Mutex<Option<RateDecision>>>);

impl RateLimitSlot {
    /// Keeps `decision` if it leaves fewer requests than the one already kept (for example
    /// seed 002's 10 calls an hour against the general 300 writes per 15 minutes); on a tie,
    /// the one whose window ends later.
    pub fn record(&self, decision: RateDecision) {
        if let Ok(mut slot) = self.0.lock() {
            let bites_first = slot.as_ref().is_none_or(|kept| {
                (decision.remaining, -decision.reset_at_ms) < (kept.remaining, -kept.reset_at_ms)
            });
            if bites_first {
                *slot = Some(decision);
            }
        }
    }

    pub fn record_any(&self, decision: Option<RateDecision>) {
        if let Some(decision) = decision {
            self.record(decision);
        }
    }

    fn take(&self) -> Option<RateDecision> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// The request's slot, for a handler that counts a limit of its own. (Outside the layer, as in
/// a test of one handler, a slot of its own that nothing reads.)
impl<S: Send + Sync> FromRequestParts<S> for RateLimitSlot {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RateLimitSlot>()
            .cloned()
            .unwrap_or_default())
    }
}

pub async fn rate_limit_headers_layer(mut request: Request, next: Next) -> Response {
    let slot = RateLimitSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    if let Some(decision) = slot.take()
        && !response.headers().contains_key("x-ratelimit-limit")
    {
        rate_limit_headers(response.headers_mut(), &decision);
    }
    response
}
