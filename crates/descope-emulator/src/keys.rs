//! The RS256 signing key: generation or PEM loading, the stable `kid`, the JWKS, and JWT
//! signing/verification (compact JWS, base64url without padding).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

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

/// The signing key with its derived `kid`.
pub struct Keys {
    signer: SigningKey<Sha256>,
    verifier: VerifyingKey<Sha256>,
    public: RsaPublicKey,
    pub kid: String,
}

impl Keys {
    pub fn new(private: RsaPrivateKey) -> Self {
        let public = private.to_public_key();
        // Stable for the key (and so for the run): a hash of the modulus and exponent.
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
    pub fn jwk(&self) -> Value {
        json!({
            "alg": "RS256",
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "n": B64.encode(self.public.n().to_bytes_be()),
            "e": B64.encode(self.public.e().to_bytes_be()),
        })
    }

    /// Signs the claims as an RS256 compact JWT.
    pub fn sign(&self, claims: &Map<String, Value>) -> String {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string().as_bytes()),
            B64.encode(Value::Object(claims.clone()).to_string().as_bytes())
        );
        let sig: Signature = self.signer.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(sig.to_bytes()))
    }

    /// Verifies a JWT signed by this key and returns its claims (no time checks here).
    pub fn verify(&self, jwt: &str) -> Option<Map<String, Value>> {
        let mut parts = jwt.split('.');
        let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value = serde_json::from_slice(&B64.decode(h).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" || header.get("kid")?.as_str()? != self.kid {
            return None;
        }
        let sig = Signature::try_from(B64.decode(s).ok()?.as_slice()).ok()?;
        let input = format!("{h}.{p}");
        self.verifier.verify(input.as_bytes(), &sig).ok()?;
        match serde_json::from_slice(&B64.decode(p).ok()?).ok()? {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
}
