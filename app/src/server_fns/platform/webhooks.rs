//! An app's webhook signing secret, shown and rotated from the apps page.

use leptos::prelude::*;

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The app's webhook signing secret, as `GET /api/webhooks/signing-secret` gives it to the app.
#[server(prefix = "/sfn", endpoint = "signing-secret")]
pub async fn reveal_signing_secret(slug: String) -> Result<String, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services
        .platform()
        .signing_secret(&caller)
        .await?
        .signing_secret)
}

/// Replaces the app's webhook signing secret; receivers must be given the new one.
#[server(prefix = "/sfn", endpoint = "rotate-signing-secret")]
pub async fn rotate_signing_secret(slug: String) -> Result<String, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services
        .platform()
        .rotate_signing_secret(&caller)
        .await?
        .signing_secret)
}
