//! A software authenticator for the tests: real WebAuthn attestations (`none`, or `packed`
//! self-attestation) and assertions with P-256 (ES256) or RSA (RS256) keys, made from the
//! emulator's `options` string, and told through `Tweak` which part to get wrong.
#![allow(dead_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ciborium::Value as Cbor;
use p256::ecdsa::signature::{SignatureEncoding, Signer};
use rand::RngCore;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const UP: u8 = 0x01;
pub const UV: u8 = 0x04;
pub const BE: u8 = 0x08;
pub const BS: u8 = 0x10;
pub const AT: u8 = 0x40;

#[derive(Clone)]
pub enum Key {
    Es256(p256::ecdsa::SigningKey),
    Rs256(Box<rsa::RsaPrivateKey>),
    /// Sends an EdDSA COSE key (alg -8), which the emulator does not offer; signs like ES256.
    EdDsaClaim(p256::ecdsa::SigningKey),
}

impl Key {
    pub fn es256() -> Key {
        Key::Es256(p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng))
    }
    /// RS256 with the suite's shared 2048-bit RSA key (generating one per test is slow).
    pub fn rs256() -> Key {
        Key::Rs256(Box::new(crate::common::test_key()))
    }
    pub fn alg(&self) -> i64 {
        match self {
            Key::Es256(_) => -7,
            Key::Rs256(_) => -257,
            Key::EdDsaClaim(_) => -8,
        }
    }
    pub fn cose(&self) -> Cbor {
        match self {
            Key::Es256(k) => {
                let p = k.verifying_key().to_encoded_point(false);
                Cbor::Map(vec![
                    (Cbor::from(1), Cbor::from(2)),
                    (Cbor::from(3), Cbor::from(-7)),
                    (Cbor::from(-1), Cbor::from(1)),
                    (Cbor::from(-2), Cbor::Bytes(p.x().expect("x").to_vec())),
                    (Cbor::from(-3), Cbor::Bytes(p.y().expect("y").to_vec())),
                ])
            }
            Key::Rs256(k) => {
                use rsa::traits::PublicKeyParts;
                Cbor::Map(vec![
                    (Cbor::from(1), Cbor::from(3)),
                    (Cbor::from(3), Cbor::from(-257)),
                    (Cbor::from(-1), Cbor::Bytes(k.n().to_bytes_be())),
                    (Cbor::from(-2), Cbor::Bytes(k.e().to_bytes_be())),
                ])
            }
            Key::EdDsaClaim(_) => Cbor::Map(vec![
                (Cbor::from(1), Cbor::from(1)),
                (Cbor::from(3), Cbor::from(-8)),
                (Cbor::from(-1), Cbor::from(6)),
                (Cbor::from(-2), Cbor::Bytes(vec![9; 32])),
            ]),
        }
    }
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match self {
            Key::Es256(k) | Key::EdDsaClaim(k) => {
                let s: p256::ecdsa::Signature = k.sign(msg);
                s.to_der().to_vec()
            }
            Key::Rs256(k) => {
                let sk = rsa::pkcs1v15::SigningKey::<Sha256>::new(k.as_ref().clone());
                sk.sign(msg).to_vec()
            }
        }
    }
}

/// A credential the authenticator holds.
#[derive(Clone)]
pub struct Passkey {
    pub id: Vec<u8>,
    pub key: Key,
    /// `user.id` of the creation options (base64url), returned as `userHandle`.
    pub user_handle: String,
    pub counter: u32,
}

impl Passkey {
    pub fn id_b64(&self) -> String {
        B64.encode(&self.id)
    }
}

/// What to get wrong; the default gets everything right.
#[derive(Clone, Default)]
pub struct Tweak {
    /// Hash this rpId instead of the options'.
    pub rp_id: Option<String>,
    pub origin: Option<String>,
    /// clientDataJSON `type`.
    pub client_type: Option<String>,
    pub challenge: Option<String>,
    pub cross_origin: bool,
    /// authenticatorData flags (default UP|UV, plus AT on create).
    pub flags: Option<u8>,
    /// The sign count to report (default: 0 on create, previous + 1 on get).
    pub counter: Option<u32>,
    /// Corrupt the assertion signature, or the packed attestation signature.
    pub bad_signature: bool,
    /// `fmt: "packed"` self-attestation instead of `none`.
    pub packed: bool,
    /// Credential `type` instead of `public-key`.
    pub cred_type: Option<String>,
    /// Assertion `userHandle`: `Some(None)` omits it.
    pub user_handle: Option<Option<String>>,
    /// Assert with this credential id instead of the passkey's.
    pub cred_id: Option<Vec<u8>>,
}

fn cbor(v: &Cbor) -> Vec<u8> {
    let mut out = vec![];
    ciborium::ser::into_writer(v, &mut out).expect("cbor");
    out
}

fn public_key(options: &str) -> Value {
    let v: Value = serde_json::from_str(options).expect("options is a JSON string");
    v["publicKey"].clone()
}

fn client_data(ty: &str, challenge: &str, origin: &str, t: &Tweak) -> Vec<u8> {
    json!({
        "type": t.client_type.as_deref().unwrap_or(ty),
        "challenge": t.challenge.as_deref().unwrap_or(challenge),
        "origin": t.origin.as_deref().unwrap_or(origin),
        "crossOrigin": t.cross_origin,
        // Chromium adds this to make sure servers ignore unknown members.
        "other_keys_can_be_added_here": "do not compare clientDataJSON against a template",
    })
    .to_string()
    .into_bytes()
}

fn auth_data_head(rp_id: &str, flags: u8, counter: u32) -> Vec<u8> {
    let mut d = Sha256::digest(rp_id.as_bytes()).to_vec();
    d.push(flags);
    d.extend(counter.to_be_bytes());
    d
}

/// `navigator.credentials.create` for the emulator's creation `options`, from `origin`.
/// Returns the `response` string (with the extra members of a browser's `toJSON()`) and the passkey.
pub fn create(options: &str, origin: &str, key: Key, t: &Tweak) -> (String, Passkey) {
    let pk = public_key(options);
    let rp_id = t
        .rp_id
        .clone()
        .unwrap_or_else(|| pk["rp"]["id"].as_str().expect("rp.id").to_string());
    let challenge = pk["challenge"].as_str().expect("challenge");
    let mut id = vec![0u8; 16];
    rand::thread_rng().fill_bytes(&mut id);
    let id = t.cred_id.clone().unwrap_or(id);
    let counter = t.counter.unwrap_or(0);
    let mut auth = auth_data_head(&rp_id, t.flags.unwrap_or(UP | UV | AT), counter);
    auth.extend([0u8; 16]);
    auth.extend((id.len() as u16).to_be_bytes());
    auth.extend(&id);
    auth.extend(cbor(&key.cose()));
    let cd = client_data("webauthn.create", challenge, origin, t);
    let stmt = if t.packed {
        let mut signed = auth.clone();
        signed.extend(Sha256::digest(&cd));
        let mut sig = key.sign(&signed);
        if t.bad_signature {
            let last = sig.len() - 2;
            sig[last] ^= 1;
        }
        Cbor::Map(vec![
            (Cbor::from("alg"), Cbor::from(key.alg())),
            (Cbor::from("sig"), Cbor::Bytes(sig)),
        ])
    } else {
        Cbor::Map(vec![])
    };
    let att = cbor(&Cbor::Map(vec![
        (
            Cbor::from("fmt"),
            Cbor::from(if t.packed { "packed" } else { "none" }),
        ),
        (Cbor::from("attStmt"), stmt),
        (Cbor::from("authData"), Cbor::Bytes(auth.clone())),
    ]));
    let response = json!({
        "id": B64.encode(&id),
        "rawId": B64.encode(&id),
        "type": t.cred_type.as_deref().unwrap_or("public-key"),
        "authenticatorAttachment": "platform",
        "clientExtensionResults": {},
        "response": {
            "attestationObject": B64.encode(&att),
            "clientDataJSON": B64.encode(&cd),
            "transports": ["internal"],
            "authenticatorData": B64.encode(&auth),
            "publicKeyAlgorithm": key.alg(),
            "publicKey": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
        },
    })
    .to_string();
    let passkey = Passkey {
        id,
        key,
        user_handle: pk["user"]["id"].as_str().expect("user.id").to_string(),
        counter,
    };
    (response, passkey)
}

/// `navigator.credentials.get` for the emulator's request `options`, from `origin`, with `passkey`
/// (its counter advances unless `t.counter` says otherwise).
pub fn get(options: &str, origin: &str, passkey: &mut Passkey, t: &Tweak) -> String {
    let pk = public_key(options);
    let rp_id = t
        .rp_id
        .clone()
        .unwrap_or_else(|| pk["rpId"].as_str().expect("rpId").to_string());
    let challenge = pk["challenge"].as_str().expect("challenge");
    let counter = t.counter.unwrap_or(passkey.counter + 1);
    passkey.counter = counter;
    let auth = auth_data_head(&rp_id, t.flags.unwrap_or(UP | UV), counter);
    let cd = client_data("webauthn.get", challenge, origin, t);
    let mut signed = auth.clone();
    signed.extend(Sha256::digest(&cd));
    let mut sig = passkey.key.sign(&signed);
    if t.bad_signature {
        let last = sig.len() - 2;
        sig[last] ^= 1;
    }
    let id = t.cred_id.clone().unwrap_or_else(|| passkey.id.clone());
    let mut inner = json!({
        "authenticatorData": B64.encode(&auth),
        "clientDataJSON": B64.encode(&cd),
        "signature": B64.encode(&sig),
    });
    let handle = match &t.user_handle {
        Some(h) => h.clone(),
        None => Some(passkey.user_handle.clone()),
    };
    if let Some(h) = handle {
        inner["userHandle"] = json!(h);
    }
    json!({
        "id": B64.encode(&id),
        "rawId": B64.encode(&id),
        "type": t.cred_type.as_deref().unwrap_or("public-key"),
        "authenticatorAttachment": "platform",
        "clientExtensionResults": {},
        "response": inner,
    })
    .to_string()
}
