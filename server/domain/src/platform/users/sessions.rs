//! Dashboard sign-in: login with throttling, logout, and the user behind a session cookie.

use super::*;
use crate::platform::Platform;

impl Platform<'_> {
    /// Checks a password and opens a session. Wrong email and wrong password are the same
    /// answer; repeated failures for one email, or many attempts from one IP, are throttled.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        source_ip: Option<&str>,
    ) -> Result<LoginSession> {
        let email = email.trim().to_lowercase();
        if let Some(ip) = source_ip {
            let attempts = self.hit_rate_limit(&LOGIN_ATTEMPTS_PER_IP, ip).await?;
            if !attempts.allowed {
                return Err(Error::RateLimited(attempts));
            }
        }
        let failures = self.peek_rate_limit(&LOGIN_FAILURES, &email).await?;
        if !failures.allowed {
            return Err(Error::RateLimited(failures));
        }

        let user = self.store().user_by_email(&email).await?;
        let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
        let matches = verify_password(password.to_owned(), stored_hash).await?;
        let user = match user {
            Some(user) if matches && user.is_active => user,
            _ => {
                self.hit_rate_limit(&LOGIN_FAILURES, &email).await?;
                return Err(Error::WrongCredentials);
            }
        };

        let token = secrets::generate(USER_SESSION_PREFIX)?;
        let now = self.now_ms();
        let session = UserSessionRecord {
            id: new_id(),
            user_id: user.id.clone(),
            token_hash: secrets::hash(&token),
            expires_at: now + SESSION_LIFETIME_MS,
            created_at: now,
            source_ip: source_ip.map(str::to_owned),
        };
        self.store().insert_user_session(&session).await?;
        let current = self.current_user_of(user).await?;
        let actor = Actor::user(current.clone(), source_ip.map(str::to_owned));
        for membership in &current.memberships {
            self.audit(
                &actor,
                AuditEvent {
                    action: "auth.login",
                    target_type: "user",
                    target_id: Some(current.id.clone()),
                    workspace_id: Some(membership.workspace_id.clone()),
                    app_id: None,
                    details: None,
                },
            )
            .await?;
        }
        Ok(LoginSession {
            token,
            expires_at: session.expires_at,
            user: current,
        })
    }

    /// Ends a login session; unknown tokens are ignored.
    pub async fn logout(&self, token: &str) -> Result<()> {
        Ok(self
            .store()
            .delete_user_session(&secrets::hash(token))
            .await?)
    }

    /// The user a session cookie belongs to, if it is live.
    pub async fn user_for_session(&self, token: &str) -> Result<Option<CurrentUser>> {
        let user = self
            .store()
            .session_user(&secrets::hash(token), self.now_ms())
            .await?;
        match user {
            Some(user) => Ok(Some(self.current_user_of(user).await?)),
            None => Ok(None),
        }
    }

    /// Deletes expired login sessions; run periodically.
    pub async fn purge_user_sessions(&self) -> Result<u64> {
        Ok(self
            .store()
            .delete_user_sessions_before(self.now_ms())
            .await?)
    }
}

/// A valid hash of nothing anyone knows, so an unknown email costs the same as a wrong
/// password and timing does not reveal which emails have accounts.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"switchboard-salt").ok();
        salt.and_then(|salt| {
            Argon2::default()
                .hash_password(b"no password is this", &salt)
                .ok()
                .map(|h| h.to_string())
        })
        .unwrap_or_default()
    })
}

/// Checks `password` against `stored`; with no stored hash (unknown email), against a dummy, so
/// both cost the same.
async fn verify_password(password: String, stored: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let stored = stored.as_deref().unwrap_or_else(|| dummy_hash());
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(|e| Error::Internal(Box::new(e)))
}
