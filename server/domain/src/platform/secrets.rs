//! Credentials: generation, hashing and constant-time comparison.
//!
//! App secrets and session tokens are 32 random bytes, prefixed so their kind is visible (and
//! secret scanners can find leaked ones). Only SHA-256 digests are stored: for values with
//! 256 bits of entropy a fast hash is enough, and keeps authentication cheap on every request.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{Error, Result};

pub const APP_SECRET_PREFIX: &str = "sbk_";
pub const SESSION_TOKEN_PREFIX: &str = "sbt_";
/// Signing secrets sign outbound calls; receivers keep them to check signatures.
pub const SIGNING_SECRET_PREFIX: &str = "sbw_";
/// The credential a dispatched call's agent uses (`platform/auth.rs`).
pub const AGENT_CREDENTIAL_PREFIX: &str = "sba_";

/// `prefix` + 32 random bytes, base64url without padding.
pub fn generate(prefix: &str) -> Result<String> {
    let bytes: [u8; 32] = random_bytes()?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// `N` bytes from the operating system's random source.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|err| Error::Internal(format!("no system randomness: {err}").into()))?;
    Ok(bytes)
}

/// Hex SHA-256 of a credential, as stored.
pub fn hash(credential: &str) -> String {
    to_hex(&Sha256::digest(credential.as_bytes()))
}

/// `bytes` as lowercase hex.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0x0f)]));
    }
    hex
}

/// Whether `credential` hashes to `stored_hash`, in time independent of where they differ.
pub fn matches(credential: &str, stored_hash: &str) -> bool {
    hash(credential)
        .as_bytes()
        .ct_eq(stored_hash.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_credentials_are_prefixed_unique_and_carry_32_bytes() {
        let a = generate(APP_SECRET_PREFIX).unwrap();
        let b = generate(APP_SECRET_PREFIX).unwrap();
        assert_ne!(a, b);
        let encoded = a.strip_prefix(APP_SECRET_PREFIX).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(encoded).unwrap().len(), 32);
    }

    #[test]
    fn hash_is_hex_sha256() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn matches_only_the_same_credential() {
        let stored = hash("sbk_right");
        assert!(matches("sbk_right", &stored));
        assert!(!matches("sbk_wrong", &stored));
        assert!(!matches("", &stored));
    }
}
