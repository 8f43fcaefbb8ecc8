//! Secrets the server must read back (webhook signing secrets, tool header values, identity
//! verification secrets) are sealed at rest with XChaCha20-Poly1305.
//!
//! A sealed value reads `enc:v1:<key id>:<base64url(nonce ‖ ciphertext)>`. The key id (the
//! first bytes of the key's SHA-256) says which key of the [`Keyring`] opens it, so a key can
//! be replaced while values sealed under the old one are still read. Each value is bound to
//! where it is stored (its `context`, used as associated data), so a sealed value copied into
//! another row does not open there.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::platform::secrets::random_bytes;
use crate::{Error, Result};

const SEALED_PREFIX: &str = "enc:v1:";
const NONCE_BYTES: usize = 24;
const KEY_BYTES: usize = 32;

/// A 256-bit key. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; KEY_BYTES]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", self.id())
    }
}

impl SecretKey {
    /// A new random key.
    pub fn generate() -> Result<SecretKey> {
        Ok(SecretKey(random_bytes()?))
    }

    /// A key as [`SecretKey::encode`] writes it: 32 bytes in base64url.
    pub fn parse(text: &str) -> std::result::Result<SecretKey, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim().trim_end_matches('='))
            .map_err(|_| "a secret key is 32 bytes in base64url".to_owned())?;
        let bytes: [u8; KEY_BYTES] = bytes
            .try_into()
            .map_err(|_| "a secret key is 32 bytes in base64url".to_owned())?;
        Ok(SecretKey(bytes))
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// Names the key in sealed values without revealing it: 8 hex digits of its SHA-256.
    pub fn id(&self) -> String {
        Sha256::digest(self.0)
            .iter()
            .take(4)
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// The key that seals, and the older keys that still open what they sealed.
#[derive(Clone, Debug)]
pub struct Keyring {
    current: SecretKey,
    previous: Vec<SecretKey>,
}

impl Keyring {
    pub fn new(current: SecretKey, previous: Vec<SecretKey>) -> Keyring {
        Keyring { current, previous }
    }

    /// One key for the life of this process, for tests and tools that keep no secret across
    /// processes. A server is always given its configured keyring.
    pub fn ephemeral() -> Result<Keyring> {
        static KEY: OnceLock<SecretKey> = OnceLock::new();
        if let Some(key) = KEY.get() {
            return Ok(Keyring::new(key.clone(), Vec::new()));
        }
        let generated = SecretKey::generate()?;
        Ok(Keyring::new(
            KEY.get_or_init(|| generated).clone(),
            Vec::new(),
        ))
    }

    pub fn current(&self) -> &SecretKey {
        &self.current
    }

    /// Every key, the sealing one first.
    pub fn keys(&self) -> Vec<SecretKey> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .cloned()
            .collect()
    }

    /// This keyring with `new` sealing from now on; every key it had still opens.
    pub fn rotated(&self, new: SecretKey) -> Keyring {
        Keyring::new(new, self.keys())
    }

    /// `plaintext` sealed under the current key, bound to `context`.
    pub fn seal(&self, context: &str, plaintext: &str) -> Result<String> {
        let nonce: [u8; NONCE_BYTES] = random_bytes()?;
        let ciphertext = cipher(&self.current)
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| Error::Internal("cannot seal a secret".into()))?;
        let mut sealed = nonce.to_vec();
        sealed.extend(ciphertext);
        Ok(format!(
            "{SEALED_PREFIX}{}:{}",
            self.current.id(),
            URL_SAFE_NO_PAD.encode(sealed)
        ))
    }

    /// The plaintext of a value [`Keyring::seal`] made for `context`. A value stored before
    /// secrets were sealed is answered as it is, until start-up seals it.
    pub fn open(&self, context: &str, stored: &str) -> Result<String> {
        let Some(rest) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(stored.to_owned());
        };
        let unreadable = || {
            Error::Internal(
                format!("a sealed secret of {context} cannot be opened: wrong SECRET_KEY?").into(),
            )
        };
        let (key_id, encoded) = rest.split_once(':').ok_or_else(unreadable)?;
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|key| key.id() == key_id)
            .ok_or_else(unreadable)?;
        let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| unreadable())?;
        if bytes.len() < NONCE_BYTES {
            return Err(unreadable());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let plaintext = cipher(key)
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| unreadable())?;
        String::from_utf8(plaintext).map_err(|_| unreadable())
    }

    /// Whether `stored` is sealed under the current key (else start-up or `rekey` reseals it).
    pub fn is_current(&self, stored: &str) -> bool {
        stored
            .strip_prefix(SEALED_PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(key_id, _)| key_id == self.current.id())
    }
}

fn cipher(key: &SecretKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&key.0.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyring() -> Keyring {
        Keyring::new(SecretKey::generate().unwrap(), Vec::new())
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let keys = keyring();
        let sealed = keys
            .seal("tool_header/app/t/Authorization", "Bearer sk_live_1")
            .unwrap();
        assert!(sealed.starts_with("enc:v1:"), "{sealed}");
        assert!(!sealed.contains("sk_live_1"));
        assert_eq!(
            keys.open("tool_header/app/t/Authorization", &sealed)
                .unwrap(),
            "Bearer sk_live_1"
        );
        assert!(keys.open("tool_header/app/t/X-Other", &sealed).is_err());
        assert!(
            keyring()
                .open("tool_header/app/t/Authorization", &sealed)
                .is_err()
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(
            keys.open("tool_header/app/t/Authorization", &tampered)
                .is_err()
        );
    }

    #[test]
    fn the_same_secret_seals_differently_each_time() {
        let keys = keyring();
        assert_ne!(keys.seal("c", "s").unwrap(), keys.seal("c", "s").unwrap());
    }

    #[test]
    fn a_previous_key_still_opens_what_it_sealed() {
        let old = keyring();
        let sealed = old.seal("c", "secret").unwrap();
        let rotated = old.rotated(SecretKey::generate().unwrap());
        assert_eq!(rotated.keys()[1], *old.current());
        assert!(!rotated.is_current(&sealed));
        assert_eq!(rotated.open("c", &sealed).unwrap(), "secret");
        assert!(rotated.is_current(&rotated.seal("c", "secret").unwrap()));
    }

    #[test]
    fn keys_round_trip_through_their_text_and_never_print() {
        let key = SecretKey::generate().unwrap();
        assert_eq!(SecretKey::parse(&key.encode()).unwrap(), key);
        assert!(SecretKey::parse("short").is_err());
        assert!(!format!("{key:?}").contains(&key.encode()));
    }

    #[test]
    fn values_stored_before_sealing_are_read_as_they_are() {
        assert_eq!(keyring().open("c", "sbw_plain").unwrap(), "sbw_plain");
        assert!(!keyring().is_current("sbw_plain"));
    }
}
