//! The HTTP edge shared by every endpoint: the error answer, the JSON body extractor, CORS, CSRF,
//! and the request-id / tracing / panic layers.

pub mod auth;
pub mod cors;
pub mod csrf;
pub mod error;
pub mod form_posts;
pub mod json;
pub mod layers;
pub mod metrics;
pub mod query;
pub mod rate_limit;
pub mod session;
pub mod widget;

pub use auth::{AppCaller, AppCallerJson};
pub use error::ApiError;
pub use json::{ApiJson, OptionalJson, TextBody};
pub use query::{ApiQuery, TraceId};
pub use rate_limit::RateLimitSlot;
pub use session::SignedInUser;
pub use widget::{OptionalBearer, RequestOrigin, WidgetVisitor};
