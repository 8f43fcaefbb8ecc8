//! Identity verification: the customer's server signs its user ids with the app's secret
//! (`userHash` = hex HMAC-SHA256 of the external user id), so a visitor can prove who they are.
//!
//! Unlike seed 001's original, the secret is sealed at rest and shown only when created or
//! rotated, the comparison takes constant time, and the previous secret keeps verifying for a
//! grace period after a rotation, so the customer can roll out the new one.

use hmac::{Hmac, Mac};
use model::desk::identity::{
    IdentityVerification, IdentityVerificationWithSecret, UpdateIdentityVerification,
    VerificationMode,
};
use model::platform::users::Permission;
use sha2::Sha256;
use store::IdentityVerificationRecord;

use crate::desk::Desk;
use crate::platform::audit::AuditEvent;
use crate::platform::secrets::{random_bytes, to_hex};
use crate::{Actor, Result, Services};

/// How long the secret replaced by a rotation still verifies hashes.
pub const PREVIOUS_SECRET_GRACE_MS: i64 = 24 * 60 * 60 * 1_000;

/// What a boot or identify call's claim amounts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Proof {
    /// Verification is off: claims are stored as claims.
    NotChecked,
    /// A claimed external user id came with a hash that matches it.
    Verified,
    /// Verification is on and the claim has no valid hash (or there is no claim).
    Unproved,
}

/// An app's verification settings with its secrets opened, for checking hashes.
#[derive(Debug)]
pub(crate) struct Verifier {
    pub(crate) enabled: bool,
    pub(crate) mode: VerificationMode,
    pub(crate) allow_anonymous: bool,
    secrets: Vec<String>,
}

impl Verifier {
    /// Whether `user_hash` proves `external_user_id` under any secret still accepted.
    pub(crate) fn proof(&self, external_user_id: Option<&str>, user_hash: Option<&str>) -> Proof {
        if !self.enabled {
            return Proof::NotChecked;
        }
        match (external_user_id, user_hash) {
            (Some(user_id), Some(hash))
                if self
                    .secrets
                    .iter()
                    .any(|secret| hash_matches(secret, user_id, hash)) =>
            {
                Proof::Verified
            }
            _ => Proof::Unproved,
        }
    }

    /// Whether an unproved claim of an external user id must be refused.
    pub(crate) fn requires_proof(&self) -> bool {
        self.enabled && self.mode == VerificationMode::Required
    }
}

/// Hex HMAC-SHA256 of `user_id` under `secret`, as the customer's server computes it.
pub fn user_hash(secret: &str, user_id: &str) -> String {
    mac_of(secret, user_id)
        .map(|mac| to_hex(&mac.finalize().into_bytes()))
        .unwrap_or_default()
}

/// Whether `hash` (hex, either case) is `user_id`'s HMAC under `secret`, in constant time.
fn hash_matches(secret: &str, user_id: &str, hash: &str) -> bool {
    match (decode_hex(hash.trim()), mac_of(secret, user_id)) {
        (Some(bytes), Some(mac)) => mac.verify_slice(&bytes).is_ok(),
        _ => false,
    }
}

/// The MAC of `user_id` under `secret` (HMAC takes keys of any length: never `None` in fact).
fn mac_of(secret: &str, user_id: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(user_id.as_bytes());
    Some(mac)
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok())
        .collect()
}

fn secret_context(app_id: &str) -> String {
    format!("desk_identity_verification:{app_id}")
}

/// A new secret: 32 random bytes in hex.
fn new_secret() -> Result<String> {
    let bytes: [u8; 32] = random_bytes()?;
    Ok(to_hex(&bytes))
}

fn to_settings(record: Option<&IdentityVerificationRecord>, now: i64) -> IdentityVerification {
    match record {
        None => IdentityVerification {
            enabled: false,
            mode: VerificationMode::Optional,
            allow_anonymous: true,
            has_secret: false,
            previous_secret_expires_at: None,
        },
        Some(record) => IdentityVerification {
            enabled: record.enabled,
            mode: VerificationMode::parse(&record.mode).unwrap_or_default(),
            allow_anonymous: record.allow_anonymous,
            has_secret: true,
            previous_secret_expires_at: record
                .previous_secret_expires_at
                .filter(|until| *until > now),
        },
    }
}

impl Desk<'_> {
    /// An app's identity verification (needs `settings.security`); never the secret.
    pub async fn identity_verification(
        &self,
        actor: &Actor,
        slug: &str,
    ) -> Result<IdentityVerification> {
        let app = self
            .app_record(actor, slug, Permission::SettingsSecurity)
            .await?;
        let record = self.store().identity_verification(&app.id).await?;
        Ok(to_settings(record.as_ref(), self.now_ms()))
    }

    /// Turns verification on or off and sets its mode. The first time it is enabled a secret
    /// is created, and answered this once.
    pub async fn update_identity_verification(
        &self,
        actor: &Actor,
        slug: &str,
        update: UpdateIdentityVerification,
    ) -> Result<IdentityVerificationWithSecret> {
        let app = self
            .app_record(actor, slug, Permission::SettingsSecurity)
            .await?;
        let now = self.now_ms();
        let existing = self.store().identity_verification(&app.id).await?;
        let (record, secret) = match existing {
            Some(record) => (record, None),
            None => {
                let secret = new_secret()?;
                let sealed = self.keyring().seal(&secret_context(&app.id), &secret)?;
                let record = IdentityVerificationRecord {
                    app_id: app.id.clone(),
                    enabled: false,
                    mode: VerificationMode::Optional.as_str().to_owned(),
                    allow_anonymous: true,
                    secret: sealed,
                    previous_secret: None,
                    previous_secret_expires_at: None,
                    updated_at: now,
                };
                (record, Some(secret))
            }
        };
        let record = IdentityVerificationRecord {
            enabled: update.enabled,
            mode: update.mode.as_str().to_owned(),
            allow_anonymous: update.allow_anonymous,
            updated_at: now,
            ..record
        };
        self.store().save_identity_verification(&record).await?;
        let action = if update.enabled {
            "widget.identity.enabled"
        } else {
            "widget.identity.disabled"
        };
        self.audit(
            actor,
            AuditEvent {
                action,
                target_type: "app",
                target_id: Some(app.slug.clone()),
                workspace_id: Some(app.workspace_id.clone()),
                app_id: Some(app.id.clone()),
                details: Some(serde_json::json!({
                    "mode": update.mode.as_str(),
                    "allowAnonymous": update.allow_anonymous,
                })),
            },
        )
        .await?;
        Ok(IdentityVerificationWithSecret {
            settings: to_settings(Some(&record), now),
            secret,
        })
    }

    /// Replaces the secret and answers the new one once. The old one keeps verifying for
    /// [`PREVIOUS_SECRET_GRACE_MS`].
    pub async fn rotate_identity_secret(
        &self,
        actor: &Actor,
        slug: &str,
    ) -> Result<IdentityVerificationWithSecret> {
        let app = self
            .app_record(actor, slug, Permission::SettingsSecurity)
            .await?;
        let record = self
            .store()
            .identity_verification(&app.id)
            .await?
            .ok_or_else(|| {
                crate::Error::Conflict(
                    "Identity verification has no secret yet: enable it first".to_owned(),
                )
            })?;
        let now = self.now_ms();
        let secret = new_secret()?;
        let record = IdentityVerificationRecord {
            secret: self.keyring().seal(&secret_context(&app.id), &secret)?,
            previous_secret: Some(record.secret.clone()),
            previous_secret_expires_at: Some(now + PREVIOUS_SECRET_GRACE_MS),
            updated_at: now,
            ..record
        };
        self.store().save_identity_verification(&record).await?;
        self.audit(
            actor,
            AuditEvent {
                action: "widget.identity.secret.rotated",
                target_type: "app",
                target_id: Some(app.slug.clone()),
                workspace_id: Some(app.workspace_id.clone()),
                app_id: Some(app.id.clone()),
                details: None,
            },
        )
        .await?;
        Ok(IdentityVerificationWithSecret {
            settings: to_settings(Some(&record), now),
            secret: Some(secret),
        })
    }

    /// Seals every identity secret under the current key. Answers how many apps it resealed.
    pub async fn reseal_identity_secrets(&self) -> Result<usize> {
        let mut resealed = 0;
        for record in self.store().all_identity_verifications().await? {
            let keyring = self.keyring();
            let current = keyring.is_current(&record.secret)
                && record
                    .previous_secret
                    .as_deref()
                    .is_none_or(|previous| keyring.is_current(previous));
            if current {
                continue;
            }
            let context = secret_context(&record.app_id);
            let secret = keyring.seal(&context, &keyring.open(&context, &record.secret)?)?;
            let previous = record
                .previous_secret
                .as_deref()
                .map(|previous| keyring.seal(&context, &keyring.open(&context, previous)?))
                .transpose()?;
            if self
                .store()
                .reseal_identity_secrets_if(&record, &secret, previous.as_deref())
                .await?
            {
                resealed += 1;
            }
        }
        Ok(resealed)
    }
}

impl Services {
    /// The verifier of an app, with the secrets that still verify.
    pub(crate) async fn verifier(&self, app_id: &str) -> Result<Verifier> {
        let Some(record) = self.store().identity_verification(app_id).await? else {
            return Ok(Verifier {
                enabled: false,
                mode: VerificationMode::Optional,
                allow_anonymous: true,
                secrets: Vec::new(),
            });
        };
        let context = secret_context(app_id);
        let mut secrets = vec![self.keyring().open(&context, &record.secret)?];
        if let (Some(previous), Some(until)) =
            (&record.previous_secret, record.previous_secret_expires_at)
            && until > self.now_ms()
        {
            secrets.push(self.keyring().open(&context, previous)?);
        }
        Ok(Verifier {
            enabled: record.enabled,
            mode: VerificationMode::parse(&record.mode).unwrap_or_default(),
            allow_anonymous: record.allow_anonymous,
            secrets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_hash_is_hex_hmac_sha256_of_the_user_id() {
        // RFC 4231 test case 2.
        assert_eq!(
            user_hash("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let hash = user_hash("secret", "user-1");
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, user_hash("secret", "user-1"));
        for user_id in ["", "ü-ñ-日本", "a b/c?d=e&f"] {
            let hash = user_hash("secret", user_id);
            assert!(hash_matches("secret", user_id, &hash), "{user_id:?}");
            assert!(hash_matches("secret", user_id, &hash.to_uppercase()));
        }
    }

    #[test]
    fn only_the_right_hash_under_a_live_secret_proves_a_claim() {
        let verifier = Verifier {
            enabled: true,
            mode: VerificationMode::Required,
            allow_anonymous: true,
            secrets: vec!["new".to_owned(), "old".to_owned()],
        };
        let old = user_hash("old", "user-1");
        assert_eq!(verifier.proof(Some("user-1"), Some(&old)), Proof::Verified);
        assert_eq!(verifier.proof(Some("user-2"), Some(&old)), Proof::Unproved);
        assert_eq!(verifier.proof(Some("user-1"), None), Proof::Unproved);
        assert_eq!(verifier.proof(Some("user-1"), Some("zz")), Proof::Unproved);
        let off = Verifier {
            enabled: false,
            ..verifier
        };
        assert_eq!(off.proof(Some("user-1"), Some(&old)), Proof::NotChecked);
    }
}
