//! Authentication: app secrets and session tokens, issued, checked, revoked and purged. What a
//! caller may do is [`Caller`]'s business (`platform/caller.rs`).

use std::sync::Arc;

use model::platform::auth::{
    AuthMethod, SESSION_TTL_DEFAULT_MS, SESSION_TTL_MAX_MS, SESSION_TTL_MIN_MS,
    SessionTokenResponse,
};
use model::platform::users::Permission;
use store::{AgentCredentialRecord, SessionTokenRecord};

use crate::ids::new_id;
use crate::platform::Platform;
use crate::platform::apps::to_app;
use crate::platform::caller::{CallScope, Caller, SessionIdentity};
use crate::platform::secrets::{self, AGENT_CREDENTIAL_PREFIX, SESSION_TOKEN_PREFIX};
use crate::{Error, FieldError, RateDecision, Result, Services};

/// How long an agent credential lives at most: longer than any call should, and revoked when
/// the room finishes anyway.
pub const AGENT_CREDENTIAL_TTL_MS: i64 = 4 * 60 * 60 * 1_000;
/// How long an agent credential outlives its call: time for the agent's last transcript flush
/// and the conversation's close, which come as the room shuts.
pub const AGENT_CREDENTIAL_GRACE_MS: i64 = 30_000;

impl Platform<'_> {
    /// `appSlug` + `appSecret`. Unknown slug, wrong secret and inactive app are the same
    /// answer, so slugs cannot be probed.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn authenticate_app_secret(&self, slug: &str, secret: &str) -> Result<Caller> {
        let cache_key = format!("secret:{slug}:{}", secrets::hash(secret));
        if let Some(caller) = self.auth_cache().get(&cache_key) {
            return Ok(caller);
        }
        let record = self.store().app_by_slug(slug).await?;
        let Some(record) = record else {
            // Spend the same hashing work as a real comparison.
            let _ = secrets::matches(secret, "");
            return Err(Error::Unauthenticated);
        };
        if !secrets::matches(secret, &record.secret_hash) || !record.is_active {
            return Err(Error::Unauthenticated);
        }
        let caller = Caller {
            app: Arc::new(to_app(record)),
            method: AuthMethod::AppSecret,
            session: None,
            call: None,
            acting: None,
        };
        self.auth_cache().put(cache_key, caller.clone());
        Ok(caller)
    }

    /// A session token: it must exist, be unrevoked and unexpired, and its app active.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn authenticate_session_token(&self, token: &str) -> Result<Caller> {
        let token_hash = secrets::hash(token);
        let cache_key = format!("token:{token_hash}");
        if let Some(caller) = self.auth_cache().get(&cache_key) {
            if caller
                .session
                .as_ref()
                .is_some_and(|s| s.expires_at > self.now_ms())
            {
                return Ok(caller);
            }
            self.auth_cache().evict(&cache_key);
        }
        let found = self.store().session_token_with_app(&token_hash).await?;
        let Some(found) = found else {
            return Err(Error::Unauthenticated);
        };
        if found.token_revoked_at.is_some() || !found.app.is_active {
            return Err(Error::Unauthenticated);
        }
        if found.token_expires_at <= self.now_ms() {
            return Err(Error::SessionExpired);
        }
        let caller = Caller {
            app: Arc::new(to_app(found.app)),
            method: AuthMethod::SessionToken,
            session: Some(SessionIdentity {
                token_hash,
                expires_at: found.token_expires_at,
            }),
            call: None,
            acting: None,
        };
        self.auth_cache().put(cache_key, caller.clone());
        Ok(caller)
    }

    /// An agent credential: it must exist, be unrevoked and unexpired, and its app active.
    pub async fn authenticate_agent_credential(&self, credential: &str) -> Result<Caller> {
        let token_hash = secrets::hash(credential);
        let cache_key = format!("agent:{token_hash}");
        if let Some(caller) = self.auth_cache().get(&cache_key) {
            if caller
                .call
                .as_ref()
                .is_some_and(|call| call.expires_at > self.now_ms())
            {
                return Ok(caller);
            }
            self.auth_cache().evict(&cache_key);
        }
        let Some(found) = self.store().agent_credential_with_app(&token_hash).await? else {
            return Err(Error::Unauthenticated);
        };
        // A revoked credential's expiry is its grace period's end.
        if !found.app.is_active || found.credential_expires_at <= self.now_ms() {
            return Err(Error::Unauthenticated);
        }
        let caller = Caller {
            app: Arc::new(to_app(found.app)),
            method: AuthMethod::AgentCredential,
            session: None,
            call: Some(CallScope {
                session_id: found.credential_session_id,
                room_name: found.credential_room_name,
                expires_at: found.credential_expires_at,
            }),
            acting: None,
        };
        self.auth_cache().put(cache_key, caller.clone());
        Ok(caller)
    }

    /// Issues a session token for the caller's app. Needs the app secret.
    pub async fn create_session_token(
        &self,
        caller: &Caller,
        ttl_ms: Option<i64>,
    ) -> Result<SessionTokenResponse> {
        caller.require(Permission::AppsManage)?;
        let ttl_ms = ttl_ms.unwrap_or(SESSION_TTL_DEFAULT_MS);
        if !(SESSION_TTL_MIN_MS..=SESSION_TTL_MAX_MS).contains(&ttl_ms) {
            return Err(Error::Invalid(format!(
                "ttlMs must be between {SESSION_TTL_MIN_MS} (1 minute) and {SESSION_TTL_MAX_MS} \
                 (24 hours)"
            )));
        }
        let token = secrets::generate(SESSION_TOKEN_PREFIX)?;
        let now = self.now_ms();
        let record = SessionTokenRecord {
            id: new_id(),
            app_id: caller.app.id.clone(),
            token_hash: secrets::hash(&token),
            expires_at: now + ttl_ms,
            created_at: now,
            revoked_at: None,
        };
        self.store().insert_session_token(&record).await?;
        Ok(SessionTokenResponse {
            session_token: token,
            expires_at: record.expires_at,
        })
    }

    /// Revokes a live session token of the caller's app. The app secret may revoke any of
    /// them (`token` required); a session token only itself (`token` absent or its own).
    pub async fn revoke_session_token(&self, caller: &Caller, token: Option<&str>) -> Result<()> {
        caller.permit(Permission::AppsManage)?;
        let target = match (&caller.session, token) {
            (Some(own), None) => own.token_hash.clone(),
            (Some(own), Some(token)) if secrets::hash(token) == own.token_hash => {
                own.token_hash.clone()
            }
            (Some(_), Some(_)) => {
                return Err(Error::PermissionDenied(
                    "A session token can only revoke itself".to_owned(),
                ));
            }
            (None, Some(token)) => secrets::hash(token),
            (None, None) => {
                return Err(Error::InvalidFields(vec![FieldError {
                    field: "sessionToken".into(),
                    message: "is required with the app secret".to_owned(),
                }]));
            }
        };
        let revoked = self
            .store()
            .revoke_session_token(&caller.app.id, &target, self.now_ms())
            .await?;
        self.auth_cache().evict(&format!("token:{target}"));
        if revoked {
            Ok(())
        } else {
            Err(Error::NotFound("session token"))
        }
    }

    /// Counts one API call of `caller` against its rate limit: browser (session-token) reads and
    /// writes per token, and app-secret calls per app when an `app` limit is configured.
    /// `None` when no limit applies.
    pub async fn admit_call(
        &self,
        caller: &Caller,
        read_only: bool,
    ) -> Result<Option<RateDecision>> {
        caller.permit_agent(Permission::AppsRead)?;
        let limits = self.rate_limits();
        let (policy, subject) = match &caller.session {
            Some(session) if read_only => (limits.read, session.token_hash.as_str()),
            Some(session) => (limits.write, session.token_hash.as_str()),
            None => match limits.app {
                Some(policy) => (policy, caller.app.id.as_str()),
                None => return Ok(None),
            },
        };
        let decision = self.hit_rate_limit_buffered(&policy, subject).await?;
        if decision.allowed {
            Ok(Some(decision))
        } else {
            Err(Error::RateLimited(decision))
        }
    }

    /// Deletes expired and revoked session tokens and agent credentials; run periodically.
    pub async fn purge_expired_credentials(&self) -> Result<u64> {
        let now = self.now_ms();
        let tokens = self.store().delete_session_tokens_before(now).await?;
        Ok(tokens + self.store().delete_agent_credentials_before(now).await?)
    }
}

impl Services {
    /// A new credential for a dispatched call's agent, not yet stored: scoped to `session_id`,
    /// and revoked with [`Services::revoke_agent_credentials`] when `room_name` finishes.
    /// Answers the credential and its record.
    pub(crate) fn new_agent_credential(
        &self,
        app_id: &str,
        session_id: &str,
        room_name: &str,
    ) -> Result<(String, AgentCredentialRecord)> {
        let credential = secrets::generate(AGENT_CREDENTIAL_PREFIX)?;
        let now = self.now_ms();
        let record = AgentCredentialRecord {
            id: new_id(),
            app_id: app_id.to_owned(),
            token_hash: secrets::hash(&credential),
            session_id: session_id.to_owned(),
            room_name: room_name.to_owned(),
            expires_at: now + AGENT_CREDENTIAL_TTL_MS,
            created_at: now,
            revoked_at: None,
        };
        Ok((credential, record))
    }

    /// Revokes the credentials of a room's agents, the call being over, after a grace period
    /// for their last writes. Other instances see it within the auth cache's lifetime.
    pub(crate) async fn revoke_agent_credentials(
        &self,
        app_id: &str,
        room_name: &str,
    ) -> Result<()> {
        let effective_at = self.now_ms() + AGENT_CREDENTIAL_GRACE_MS;
        let revoked = self
            .store()
            .revoke_agent_credentials_for_room(app_id, room_name, effective_at)
            .await?;
        for token_hash in revoked {
            self.auth_cache().evict(&format!("agent:{token_hash}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use model::platform::auth::AuthMethod;
    use store::SessionTokenRecord;

    use super::*;
    use crate::Actor;
    use crate::Services;
    use crate::platform::apps::tests::{new_app, services};

    #[tokio::test]
    async fn app_secrets_authenticate_only_the_right_active_app() {
        let (_db, services) = services().await;
        let secret = services
            .platform()
            .create_app(&Actor::operator(), new_app("one"))
            .await
            .unwrap()
            .app_secret;
        let other = services
            .platform()
            .create_app(&Actor::operator(), new_app("two"))
            .await
            .unwrap()
            .app_secret;

        let caller = services
            .platform()
            .authenticate_app_secret("one", &secret)
            .await
            .unwrap();
        assert_eq!(caller.app.slug, "one");
        assert_eq!(caller.method, AuthMethod::AppSecret);
        for (slug, secret) in [("one", &other), ("nope", &secret), ("two", &secret)] {
            let err = services
                .platform()
                .authenticate_app_secret(slug, secret)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Unauthenticated), "{slug}");
        }

        services
            .platform()
            .set_app_active(&Actor::operator(), "one", false)
            .await
            .unwrap();
        let err = services
            .platform()
            .authenticate_app_secret("one", &secret)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Unauthenticated));
    }

    #[tokio::test]
    async fn changes_made_elsewhere_reach_this_instance_within_the_cache_ttl() {
        let (db, services) = services().await;
        let secret = services
            .platform()
            .create_app(&Actor::operator(), new_app("one"))
            .await
            .unwrap()
            .app_secret;
        services
            .platform()
            .authenticate_app_secret("one", &secret)
            .await
            .unwrap();
        // Another instance (a second service layer on the same database) deactivates the app.
        let elsewhere = Services::new(
            db.store.clone(),
            crate::Integrations::default(),
            crate::ports::testing::offline(),
            crate::platform::encryption::Keyring::ephemeral().unwrap(),
        );
        elsewhere
            .platform()
            .set_app_active(&Actor::operator(), "one", false)
            .await
            .unwrap();
        assert!(
            services
                .platform()
                .authenticate_app_secret("one", &secret)
                .await
                .is_ok(),
            "served from this instance's cache"
        );
        assert!(
            elsewhere
                .platform()
                .authenticate_app_secret("one", &secret)
                .await
                .is_err()
        );
        tokio::time::sleep(crate::AUTH_CACHE_TTL).await;
        assert!(
            services
                .platform()
                .authenticate_app_secret("one", &secret)
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn rotating_a_secret_retires_the_old_one_at_once() {
        let (_db, services) = services().await;
        let old = services
            .platform()
            .create_app(&Actor::operator(), new_app("one"))
            .await
            .unwrap()
            .app_secret;
        let new = services
            .platform()
            .rotate_app_secret(&Actor::operator(), "one")
            .await
            .unwrap()
            .app_secret;
        assert_ne!(old, new);
        assert!(
            services
                .platform()
                .authenticate_app_secret("one", &old)
                .await
                .is_err()
        );
        services
            .platform()
            .authenticate_app_secret("one", &new)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn session_tokens_have_bounded_lifetimes() {
        let (_db, services) = services().await;
        let secret = services
            .platform()
            .create_app(&Actor::operator(), new_app("one"))
            .await
            .unwrap()
            .app_secret;
        let caller = services
            .platform()
            .authenticate_app_secret("one", &secret)
            .await
            .unwrap();

        for ttl in [59_999, 86_400_001, -1, 0] {
            let err = services
                .platform()
                .create_session_token(&caller, Some(ttl))
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Invalid(_)), "{ttl}");
        }
        let before = crate::now_ms();
        let default = services
            .platform()
            .create_session_token(&caller, None)
            .await
            .unwrap();
        assert!(default.session_token.starts_with(SESSION_TOKEN_PREFIX));
        let lifetime = default.expires_at - before;
        assert!((SESSION_TTL_DEFAULT_MS..SESSION_TTL_DEFAULT_MS + 5_000).contains(&lifetime));
        for ttl in [SESSION_TTL_MIN_MS, SESSION_TTL_MAX_MS] {
            services
                .platform()
                .create_session_token(&caller, Some(ttl))
                .await
                .unwrap();
        }
    }

    #[tokio::test]
    async fn session_tokens_authenticate_as_browser_safe_callers() {
        let (_db, services) = services().await;
        let secret = services
            .platform()
            .create_app(&Actor::operator(), new_app("one"))
            .await
            .unwrap()
            .app_secret;
        let caller = services
            .platform()
            .authenticate_app_secret("one", &secret)
            .await
            .unwrap();
        let issued = services
            .platform()
            .create_session_token(&caller, None)
            .await
            .unwrap();

        let session = services
            .platform()
            .authenticate_session_token(&issued.session_token)
            .await
            .unwrap();
        assert_eq!(session.app.slug, "one");
        assert_eq!(session.method, AuthMethod::SessionToken);
        assert_eq!(session.info().expires_at, Some(issued.expires_at));
        // A session token cannot mint more tokens.
        let err = services
            .platform()
            .create_session_token(&session, None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::PermissionDenied(_)));
        assert!(session.require(Permission::ToolsManage).is_err());
        assert!(session.permit(Permission::ToolsManage).is_ok());
        assert!(caller.require(Permission::ToolsManage).is_ok());

        services
            .platform()
            .set_app_active(&Actor::operator(), "one", false)
            .await
            .unwrap();
        assert!(
            services
                .platform()
                .authenticate_session_token(&issued.session_token)
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn expired_tokens_say_so_and_are_purged() {
        let (db, services) = services().await;
        let created = services
            .platform()
            .create_app(&Actor::operator(), new_app("one"))
            .await
            .unwrap();
        let token = secrets::generate(SESSION_TOKEN_PREFIX).unwrap();
        db.store
            .insert_session_token(&SessionTokenRecord {
                id: new_id(),
                app_id: created.app.id.clone(),
                token_hash: secrets::hash(&token),
                expires_at: crate::now_ms() - 1,
                created_at: crate::now_ms() - 60_000,
                revoked_at: None,
            })
            .await
            .unwrap();
        let err = services
            .platform()
            .authenticate_session_token(&token)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::SessionExpired), "{err:?}");

        assert_eq!(
            services
                .platform()
                .purge_expired_credentials()
                .await
                .unwrap(),
            1
        );
        let err = services
            .platform()
            .authenticate_session_token(&token)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Unauthenticated), "{err:?}");
    }

    #[tokio::test]
    async fn revocation_rules() {
        let (_db, services) = services().await;
        let secret = services
            .platform()
            .create_app(&Actor::operator(), new_app("one"))
            .await
            .unwrap()
            .app_secret;
        let admin = services
            .platform()
            .authenticate_app_secret("one", &secret)
            .await
            .unwrap();
        let first = services
            .platform()
            .create_session_token(&admin, None)
            .await
            .unwrap()
            .session_token;
        let second = services
            .platform()
            .create_session_token(&admin, None)
            .await
            .unwrap()
            .session_token;
        let browser = services
            .platform()
            .authenticate_session_token(&first)
            .await
            .unwrap();

        // A session token cannot revoke a sibling, only itself.
        let err = services
            .platform()
            .revoke_session_token(&browser, Some(&second))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::PermissionDenied(_)));
        services
            .platform()
            .revoke_session_token(&browser, None)
            .await
            .unwrap();
        assert!(
            services
                .platform()
                .authenticate_session_token(&first)
                .await
                .is_err()
        );

        // The secret revokes any token of its app, and must name it.
        let err = services
            .platform()
            .revoke_session_token(&admin, None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidFields(_)));
        services
            .platform()
            .revoke_session_token(&admin, Some(&second))
            .await
            .unwrap();
        let err = services
            .platform()
            .revoke_session_token(&admin, Some(&second))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound(_)), "already revoked");

        // Nothing of another app.
        let other_secret = services
            .platform()
            .create_app(&Actor::operator(), new_app("two"))
            .await
            .unwrap()
            .app_secret;
        let other = services
            .platform()
            .authenticate_app_secret("two", &other_secret)
            .await
            .unwrap();
        let theirs = services
            .platform()
            .create_session_token(&other, None)
            .await
            .unwrap()
            .session_token;
        let err = services
            .platform()
            .revoke_session_token(&admin, Some(&theirs))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound(_)));
        services
            .platform()
            .authenticate_session_token(&theirs)
            .await
            .unwrap();
    }
}
