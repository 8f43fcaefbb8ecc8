//! Widget sessions: how a browser on a customer's site acts as one contact.
//!
//! `POST /api/widget/boot` checks the page's origin against the app's allowed origins, finds
//! or creates the contact, and answers a `wst_` token. Unlike seed 001's original:
//! - the token is stored as its SHA-256;
//! - the origin is the browser's `Origin` header, never a request field;
//! - a token can be refreshed only in the last quarter of its lifetime, and never past
//!   [`REFRESH_CAP_MS`] after the boot, so a stolen token dies;
//! - a contact is found only by this device's anonymous id or by a proved user id, never by a
//!   claimed email (`contacts.rs`).

use std::sync::Arc;

use model::desk::contacts::Contact;
use model::desk::widget::{BootRequest, BootResponse, RefreshResponse};
use model::platform::apps::App;
use model::platform::origins::origin_allowed;
use store::{AppRecord, WidgetSessionRecord};

use crate::desk::Desk;
use crate::desk::contacts::{ContactClaims, Sighting, to_contact};
use crate::desk::identity::Proof;
use crate::ids::new_id;
use crate::platform::apps::to_app;
use crate::platform::secrets::{self, random_bytes};
use crate::platform::workspaces::session_lifetime;
use crate::validation::Checks;
use crate::{Error, RatePolicy, Result};

/// Widget tokens: this prefix and 64 lowercase hex characters.
pub const WIDGET_TOKEN_PREFIX: &str = "wst_";
/// However often a token is refreshed, the visitor boots again this long after booting.
pub const REFRESH_CAP_MS: i64 = 30 * 24 * 60 * 60 * 1_000;

/// Boots one client address may make per minute: each may create a contact.
pub const BOOTS_PER_IP: RatePolicy = RatePolicy::new("widget-boot-ip", 20, 60_000);
/// Writes (messages, conversations, identify, location) one widget session may make per minute.
pub const WRITES_PER_SESSION: RatePolicy = RatePolicy::new("widget-write", 30, 60_000);
/// Calls one contact may start per minute.
pub const CALLS_PER_CONTACT: RatePolicy = RatePolicy::new("widget-call", 5, 60_000);

/// A browser acting as one contact of one app, through a live widget session.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub app: Arc<App>,
    pub contact_id: String,
    pub(crate) session: WidgetSessionRecord,
}

impl Visitor {
    pub fn workspace_id(&self) -> &str {
        &self.app.workspace_id
    }

    /// The widget session's id: one ballot per session on an article.
    pub fn session_id(&self) -> &str {
        &self.session.id
    }
}

fn new_token() -> Result<String> {
    let bytes: [u8; 32] = random_bytes()?;
    Ok(format!("{WIDGET_TOKEN_PREFIX}{}", secrets::to_hex(&bytes)))
}

fn is_widget_token(token: &str) -> bool {
    token.strip_prefix(WIDGET_TOKEN_PREFIX).is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

impl Desk<'_> {
    /// Boots the widget for a visitor on a page of `origin` (the request's `Origin` header),
    /// from the client address `source_ip`.
    pub async fn boot(
        &self,
        request: BootRequest,
        origin: Option<&str>,
        source_ip: Option<&str>,
    ) -> Result<BootResponse> {
        let mut checks = Checks::new();
        let device_id = request.device_id.trim().to_owned();
        let device_id_ok = (8..=128).contains(&device_id.len())
            && device_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !device_id_ok {
            checks.fail(
                "deviceId",
                "must be 8–128 letters, digits, '-' or '_' (a random id kept on the device)",
            );
        }
        let claims = ContactClaims::checked(
            request.email,
            request.name,
            request.external_user_id,
            None,
            &mut checks,
        );
        let device = request.device;
        let location = request.location;
        crate::desk::contacts::check_device(device.as_ref(), &mut checks);
        crate::desk::contacts::check_location(location.as_ref(), &mut checks);
        checks.finish()?;

        let app = self
            .store()
            .app_by_slug(request.app_slug.trim())
            .await?
            .filter(|app| app.is_active)
            .ok_or(Error::NotFound("app"))?;
        let workspace = self
            .store()
            .workspace_by_id(&app.workspace_id)
            .await?
            .ok_or(Error::NotFound("workspace"))?;
        let origin = self.check_origin(&app, workspace.allowed_origins.as_deref(), origin)?;
        if let Some(ip) = source_ip {
            self.platform()
                .enforce_rate_limit(&BOOTS_PER_IP, ip)
                .await?;
        }

        let verifier = self.verifier(&app.id).await?;
        let proof = verifier.proof(
            claims.external_user_id.as_deref(),
            request.user_hash.as_deref(),
        );
        if verifier.requires_proof() && proof != Proof::Verified {
            if claims.external_user_id.is_some() {
                return Err(identity_refused());
            }
            if !verifier.allow_anonymous {
                return Err(Error::PermissionDenied(
                    "This app accepts identified visitors only: boot with externalUserId and \
                     its userHash"
                        .to_owned(),
                ));
            }
        }
        let now = self.now_ms();
        let contact = self
            .resolve_contact(
                &workspace.id,
                claims,
                proof == Proof::Verified,
                Sighting {
                    device_id: &device_id,
                    device,
                    location,
                    at: now,
                },
            )
            .await?;

        let lifetime = session_lifetime(workspace.widget_session_lifetime_ms);
        let token = new_token()?;
        let session = WidgetSessionRecord {
            id: new_id(),
            app_id: app.id.clone(),
            contact_id: contact.id.clone(),
            token_hash: secrets::hash(&token),
            origin: Some(origin),
            identity_verified: contact.identity_verified,
            lifetime_ms: lifetime,
            expires_at: now + lifetime,
            booted_at: now,
            created_at: now,
            revoked_at: None,
        };
        self.store().insert_widget_session(&session).await?;
        tracing::info!(app = %app.slug, contact = %contact.id, "widget session booted");
        Ok(BootResponse {
            contact: to_contact(contact),
            session_token: token,
            expires_at: session.expires_at,
            refresh_until: now + REFRESH_CAP_MS,
        })
    }

    /// The visitor a widget token stands for: refused when unknown, revoked or expired, or
    /// when its app was deactivated.
    pub async fn authenticate_widget_token(&self, token: &str) -> Result<Visitor> {
        let (session, app) = self.live_session(token).await?;
        Ok(Visitor {
            app: Arc::new(to_app(app)),
            contact_id: session.contact_id.clone(),
            session,
        })
    }

    /// Swaps a token in the last quarter of its lifetime for a new one; the old one stops
    /// working. Past [`REFRESH_CAP_MS`] after the boot the visitor must boot again.
    pub async fn refresh_widget_session(&self, token: &str) -> Result<RefreshResponse> {
        let (session, _) = self.live_session(token).await?;
        let now = self.now_ms();
        let refresh_until = session.booted_at + REFRESH_CAP_MS;
        if now >= refresh_until {
            return Err(Error::SessionExpired);
        }
        let refresh_from = session.expires_at - session.lifetime_ms / 4;
        if now < refresh_from {
            return Err(Error::Conflict(format!(
                "A widget token can be refreshed in the last quarter of its lifetime, from \
                 {refresh_from} (ms since the epoch)"
            )));
        }
        let new_token = new_token()?;
        let renewed = WidgetSessionRecord {
            id: new_id(),
            token_hash: secrets::hash(&new_token),
            expires_at: (now + session.lifetime_ms).min(refresh_until),
            created_at: now,
            revoked_at: None,
            ..session.clone()
        };
        if !self
            .store()
            .replace_widget_session(&session.id, &renewed)
            .await?
        {
            // Refreshed (or revoked) by a concurrent call: this token is spent.
            return Err(Error::Unauthenticated);
        }
        Ok(RefreshResponse {
            session_token: new_token,
            expires_at: renewed.expires_at,
            refresh_until,
        })
    }

    /// Ends a widget session. An unknown or spent token succeeds too: the outcome is the same.
    pub async fn revoke_widget_session(&self, token: &str) -> Result<()> {
        self.store()
            .revoke_widget_session(&secrets::hash(token.trim()), self.now_ms())
            .await?;
        Ok(())
    }

    /// Counts a write of the visitor's session; refused past [`WRITES_PER_SESSION`].
    pub(crate) async fn admit_visitor_write(&self, visitor: &Visitor) -> Result<()> {
        self.platform()
            .enforce_rate_limit(&WRITES_PER_SESSION, &visitor.session.id)
            .await
    }

    /// Counts a call the visitor starts; refused past [`CALLS_PER_CONTACT`].
    pub async fn admit_visitor_call(&self, visitor: &Visitor) -> Result<()> {
        self.platform()
            .enforce_rate_limit(&CALLS_PER_CONTACT, &visitor.contact_id)
            .await
    }

    /// Deletes widget sessions that expired or were revoked; run periodically.
    pub async fn purge_widget_sessions(&self) -> Result<u64> {
        Ok(self
            .store()
            .delete_widget_sessions_before(self.now_ms())
            .await?)
    }

    /// The visitor's own contact.
    pub async fn visitor_contact(&self, visitor: &Visitor) -> Result<Contact> {
        Ok(to_contact(self.contact_of(visitor).await?))
    }

    async fn live_session(&self, token: &str) -> Result<(WidgetSessionRecord, AppRecord)> {
        let token = token.trim();
        if !is_widget_token(token) {
            return Err(Error::Unauthenticated);
        }
        let session = self
            .store()
            .widget_session_by_hash(&secrets::hash(token))
            .await?
            .filter(|session| session.revoked_at.is_none())
            .ok_or(Error::Unauthenticated)?;
        if session.expires_at <= self.now_ms() {
            return Err(Error::SessionExpired);
        }
        let app = self
            .store()
            .app_by_id(&session.app_id)
            .await?
            .filter(|app| app.is_active)
            .ok_or(Error::Unauthenticated)?;
        Ok((session, app))
    }

    /// The origin, if the app (or else its workspace) allows it.
    fn check_origin(
        &self,
        app: &AppRecord,
        workspace_origins: Option<&[String]>,
        origin: Option<&str>,
    ) -> Result<String> {
        let Some(origin) = origin.map(str::trim).filter(|origin| !origin.is_empty()) else {
            return Err(Error::PermissionDenied(
                "The widget boots from a web page: the request has no Origin header".to_owned(),
            ));
        };
        let allowed = app
            .allowed_origins
            .as_deref()
            .or(workspace_origins)
            .unwrap_or_default();
        if !origin_allowed(allowed, origin) {
            return Err(Error::PermissionDenied(format!(
                "The origin {origin} may not boot the widget of app {}: add it to the app's (or \
                 the workspace's) allowed origins",
                app.slug
            )));
        }
        Ok(origin.to_owned())
    }
}

pub(crate) fn identity_refused() -> Error {
    Error::PermissionDenied(
        "Identity verification is required: userHash is missing or does not match \
         externalUserId"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_wst_and_64_lowercase_hex_and_unique() {
        let one = new_token().unwrap();
        let two = new_token().unwrap();
        assert_eq!(one.len(), 68);
        assert!(is_widget_token(&one), "{one}");
        assert_ne!(one, two);
        assert!(!is_widget_token(&one.to_uppercase()));
        assert!(!is_widget_token("wst_abc"));
        assert!(!is_widget_token(&one.replace("wst_", "sbt_")));
    }
}
