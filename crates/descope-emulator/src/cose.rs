//! COSE_Key public keys of WebAuthn credentials (WebAuthn §5.8.5, RFC 9053): ES256 (EC2, P-256)
//! and RS256 (RSA, PKCS #1 v1.5 with SHA-256), and checking signatures made with them.

use ciborium::Value as Cbor;
use p256::ecdsa::signature::Verifier;

/// COSE algorithm ids offered in `pubKeyCredParams`, in order of preference.
pub const ES256: i64 = -7;
pub const RS256: i64 = -257;
pub const OFFERED: [i64; 2] = [ES256, RS256];

/// A credential's public key.
#[derive(Clone, Debug)]
pub enum CoseKey {
    Es256(p256::ecdsa::VerifyingKey),
    Rs256(rsa::RsaPublicKey),
}

/// Why a COSE_Key was not taken.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyError {
    /// Not a COSE_Key map, or a member of the wrong type or size, or not a valid key.
    Malformed(&'static str),
    /// A well-formed key of an algorithm the emulator does not offer (e.g. EdDSA, -8).
    Unsupported(i64),
}

/// The value under integer label `label` of a CBOR map.
fn member(map: &[(Cbor, Cbor)], label: i64) -> Option<&Cbor> {
    map.iter()
        .find(|(k, _)| k.as_integer().map(i128::from) == Some(i128::from(label)))
        .map(|(_, v)| v)
}

fn int(map: &[(Cbor, Cbor)], label: i64) -> Result<i64, KeyError> {
    member(map, label)
        .and_then(Cbor::as_integer)
        .and_then(|i| i64::try_from(i).ok())
        .ok_or(KeyError::Malformed("a COSE_Key integer member is missing"))
}

fn bytes(map: &[(Cbor, Cbor)], label: i64) -> Result<&[u8], KeyError> {
    member(map, label)
        .and_then(Cbor::as_bytes)
        .map(Vec::as_slice)
        .ok_or(KeyError::Malformed(
            "a COSE_Key byte-string member is missing",
        ))
}

impl CoseKey {
    /// Reads `{1: kty, 3: alg, …}`: ES256 `{1:2, 3:-7, -1:1, -2:x(32), -3:y(32)}`,
    /// RS256 `{1:3, 3:-257, -1:n, -2:e}`.
    pub fn parse(v: &Cbor) -> Result<CoseKey, KeyError> {
        let map = v
            .as_map()
            .ok_or(KeyError::Malformed("the COSE_Key is not a map"))?;
        let kty = int(map, 1)?;
        let alg = int(map, 3)?;
        match (kty, alg) {
            (2, ES256) => {
                if int(map, -1)? != 1 {
                    return Err(KeyError::Malformed("ES256 needs curve P-256 (crv 1)"));
                }
                let (x, y) = (bytes(map, -2)?, bytes(map, -3)?);
                if x.len() != 32 || y.len() != 32 {
                    return Err(KeyError::Malformed("P-256 coordinates are 32 bytes"));
                }
                let point = p256::EncodedPoint::from_affine_coordinates(
                    p256::FieldBytes::from_slice(x),
                    p256::FieldBytes::from_slice(y),
                    false,
                );
                p256::ecdsa::VerifyingKey::from_encoded_point(&point)
                    .map(CoseKey::Es256)
                    .map_err(|_| KeyError::Malformed("not a point of P-256"))
            }
            (3, RS256) => {
                let n = rsa::BigUint::from_bytes_be(bytes(map, -1)?);
                let e = rsa::BigUint::from_bytes_be(bytes(map, -2)?);
                rsa::RsaPublicKey::new(n, e)
                    .map(CoseKey::Rs256)
                    .map_err(|_| KeyError::Malformed("not a usable RSA public key"))
            }
            (2 | 3, ES256 | RS256) => Err(KeyError::Malformed("kty does not match alg")),
            (_, alg) => Err(KeyError::Unsupported(alg)),
        }
    }

    /// The COSE algorithm id.
    pub fn alg(&self) -> i64 {
        match self {
            CoseKey::Es256(_) => ES256,
            CoseKey::Rs256(_) => RS256,
        }
    }

    /// Whether `sig` signs `msg`: ES256 takes a DER ECDSA signature, RS256 a PKCS #1 v1.5 one.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            CoseKey::Es256(key) => {
                p256::ecdsa::DerSignature::try_from(sig).is_ok_and(|s| key.verify(msg, &s).is_ok())
            }
            CoseKey::Rs256(key) => {
                let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key.clone());
                rsa::pkcs1v15::Signature::try_from(sig).is_ok_and(|s| vk.verify(msg, &s).is_ok())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer;

    fn ec2(key: &p256::ecdsa::SigningKey, alg: i64, crv: i64) -> Cbor {
        let p = key.verifying_key().to_encoded_point(false);
        let x = p.x().map(|x| x.to_vec()).unwrap_or_default();
        let y = p.y().map(|y| y.to_vec()).unwrap_or_default();
        Cbor::Map(vec![
            (Cbor::from(1), Cbor::from(2)),
            (Cbor::from(3), Cbor::from(alg)),
            (Cbor::from(-1), Cbor::from(crv)),
            (Cbor::from(-2), Cbor::Bytes(x)),
            (Cbor::from(-3), Cbor::Bytes(y)),
        ])
    }

    #[test]
    fn es256_keys_verify_der_signatures() {
        let sk = p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
        let key = CoseKey::parse(&ec2(&sk, ES256, 1)).ok();
        assert!(key.is_some());
        let Some(key) = key else { return };
        assert_eq!(key.alg(), ES256);
        let sig: p256::ecdsa::Signature = sk.sign(b"message");
        assert!(key.verify(b"message", sig.to_der().as_bytes()));
        assert!(!key.verify(b"messagf", sig.to_der().as_bytes()));
        assert!(
            !key.verify(b"message", &sig.to_bytes()),
            "raw r||s is not DER"
        );
        // Authenticators need not normalise s: the high-s twin of a signature verifies too.
        let (r, s) = sig.split_scalars();
        let high_s = -*s.as_ref();
        let twin = p256::ecdsa::Signature::from_scalars(r.to_bytes(), high_s.to_bytes());
        assert!(twin.is_ok());
        if let Ok(twin) = twin {
            assert_ne!(twin, sig);
            assert!(key.verify(b"message", twin.to_der().as_bytes()));
        }
    }

    #[test]
    fn rejects_other_shapes() {
        let sk = p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
        assert!(matches!(
            CoseKey::parse(&ec2(&sk, ES256, 2)),
            Err(KeyError::Malformed(_))
        ));
        assert!(matches!(
            CoseKey::parse(&ec2(&sk, RS256, 1)),
            Err(KeyError::Malformed(_))
        ));
        let okp = Cbor::Map(vec![
            (Cbor::from(1), Cbor::from(1)),
            (Cbor::from(3), Cbor::from(-8)),
            (Cbor::from(-1), Cbor::from(6)),
            (Cbor::from(-2), Cbor::Bytes(vec![0; 32])),
        ]);
        assert_eq!(CoseKey::parse(&okp).err(), Some(KeyError::Unsupported(-8)));
        assert!(matches!(
            CoseKey::parse(&Cbor::from(1)),
            Err(KeyError::Malformed(_))
        ));
        let off_curve = Cbor::Map(vec![
            (Cbor::from(1), Cbor::from(2)),
            (Cbor::from(3), Cbor::from(ES256)),
            (Cbor::from(-1), Cbor::from(1)),
            (Cbor::from(-2), Cbor::Bytes(vec![1; 32])),
            (Cbor::from(-3), Cbor::Bytes(vec![1; 32])),
        ]);
        assert!(matches!(
            CoseKey::parse(&off_curve),
            Err(KeyError::Malformed(_))
        ));
    }
}
