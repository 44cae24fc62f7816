//! The RS256 key set: generation or PEM loading, stable `kid`s, rotation and revocation, the JWKS,
//! and JWT signing/verification (compact JWS, base64url without padding).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use parking_lot::RwLock;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Reads a PEM RSA private key, PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
///
/// # Errors
/// When the text is neither form.
pub fn parse_private_key_pem(pem: &str) -> Result<RsaPrivateKey, String> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
        .map_err(|e| format!("not a PEM RSA private key: {e}"))
}

/// Generates a fresh 2048-bit key.
///
/// # Errors
/// Only if the RNG fails.
pub fn generate_key() -> Result<RsaPrivateKey, String> {
    RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
        .map_err(|e| format!("key generation failed: {e}"))
}

/// One RSA key with its derived `kid`.
struct Key {
    signer: SigningKey<Sha256>,
    verifier: VerifyingKey<Sha256>,
    public: RsaPublicKey,
    kid: String,
}

impl Key {
    fn new(private: RsaPrivateKey) -> Self {
        let public = private.to_public_key();
        // Stable for the key: a hash of the modulus and exponent.
        let mut h = Sha256::new();
        h.update(public.n().to_bytes_be());
        h.update(public.e().to_bytes_be());
        let digest = B64.encode(h.finalize());
        let kid = format!("SK{}", digest.chars().take(27).collect::<String>());
        Self {
            signer: SigningKey::<Sha256>::new(private),
            verifier: VerifyingKey::<Sha256>::new(public.clone()),
            public,
            kid,
        }
    }

    /// One JWK in the shape of Descope's `/v2/keys` entries.
    fn jwk(&self) -> Value {
        json!({
            "alg": "RS256",
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "n": B64.encode(self.public.n().to_bytes_be()),
            "e": B64.encode(self.public.e().to_bytes_be()),
        })
    }
}

/// The key set: the newest key signs; older ones stay in the JWKS, and keep verifying, until
/// revoked (`POST /emulator/keys/rotate`).
pub struct Keys {
    /// Newest first; never empty.
    ring: RwLock<Vec<Arc<Key>>>,
}

impl Keys {
    pub fn new(private: RsaPrivateKey) -> Self {
        Self {
            ring: RwLock::new(vec![Arc::new(Key::new(private))]),
        }
    }

    fn current(&self) -> Option<Arc<Key>> {
        self.ring.read().first().cloned()
    }

    /// The signing key's `kid`.
    pub fn kid(&self) -> String {
        self.current().map(|k| k.kid.clone()).unwrap_or_default()
    }

    /// Every key of the set as JWKs, the signing key first.
    pub fn jwks(&self) -> Vec<Value> {
        self.ring.read().iter().map(|k| k.jwk()).collect()
    }

    /// Makes `private` the signing key; with `revoke_old`, every other key leaves the set.
    /// Returns the `kid`s revoked.
    pub fn rotate(&self, private: RsaPrivateKey, revoke_old: bool) -> Vec<String> {
        let key = Arc::new(Key::new(private));
        let mut ring = self.ring.write();
        ring.retain(|k| k.kid != key.kid);
        let revoked = if revoke_old {
            ring.drain(..).map(|k| k.kid.clone()).collect()
        } else {
            vec![]
        };
        ring.insert(0, key);
        revoked
    }

    /// Signs the claims as an RS256 compact JWT with the signing key.
    pub fn sign(&self, claims: &Map<String, Value>) -> String {
        let Some(key) = self.current() else {
            return String::new();
        };
        let header = json!({"alg": "RS256", "kid": key.kid, "typ": "JWT"});
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string().as_bytes()),
            B64.encode(Value::Object(claims.clone()).to_string().as_bytes())
        );
        let sig: Signature = key.signer.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(sig.to_bytes()))
    }

    /// Verifies a JWT signed by a key of the set (found by `kid`) and returns its claims (no time
    /// checks here). A revoked key's tokens no longer verify.
    pub fn verify(&self, jwt: &str) -> Option<Map<String, Value>> {
        let mut parts = jwt.split('.');
        let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value = serde_json::from_slice(&B64.decode(h).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" {
            return None;
        }
        let kid = header.get("kid")?.as_str()?;
        let key = self.ring.read().iter().find(|k| k.kid == kid).cloned()?;
        let sig = Signature::try_from(B64.decode(s).ok()?.as_slice()).ok()?;
        let input = format!("{h}.{p}");
        key.verifier.verify(input.as_bytes(), &sig).ok()?;
        match serde_json::from_slice(&B64.decode(p).ok()?).ok()? {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
}
