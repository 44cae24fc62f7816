//! The binary parts of a WebAuthn response: `authenticatorData` (WebAuthn §6.1) with its attested
//! credential data, and the CBOR attestation object `{fmt, attStmt, authData}` (§6.5) with the
//! statements the emulator takes: `none`, and `packed` self-attestation (§8.2, no `x5c`).
//! Parsing only; the relying party's checks are in `webauthn.rs`.

use ciborium::Value as Cbor;

/// User present.
pub const UP: u8 = 0x01;
/// User verified.
pub const UV: u8 = 0x04;
/// Backup eligible.
pub const BE: u8 = 0x08;
/// Backed up.
pub const BS: u8 = 0x10;
/// Attested credential data included.
pub const AT: u8 = 0x40;
/// Extension data included.
pub const ED: u8 = 0x80;

/// Why binary data did not parse (answered 400).
pub type Malformed = &'static str;

/// `aaguid ‖ credIdLen ‖ credId ‖ COSE_Key` of a registration.
#[derive(Debug)]
pub struct AttestedCredential {
    pub credential_id: Vec<u8>,
    /// The COSE_Key as read (checked by `cose::CoseKey::parse`).
    pub public_key: Cbor,
}

/// A parsed `authenticatorData`.
#[derive(Debug)]
pub struct AuthData {
    pub rp_id_hash: [u8; 32],
    pub flags: u8,
    pub sign_count: u32,
    pub attested: Option<AttestedCredential>,
}

impl AuthData {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag == flag
    }
}

/// Reads one CBOR item from the front of `input`, advancing it past the item.
fn read_cbor(input: &mut &[u8]) -> Result<Cbor, Malformed> {
    ciborium::de::from_reader(input).map_err(|_| "invalid CBOR")
}

/// Parses `rpIdHash(32) ‖ flags(1) ‖ signCount(4, BE) [‖ attestedCredentialData] [‖ extensions]`;
/// nothing may follow.
pub fn parse_auth_data(bytes: &[u8]) -> Result<AuthData, Malformed> {
    const SHORT: Malformed = "authenticatorData is shorter than 37 bytes";
    let (rp_id_hash, rest) = bytes.split_first_chunk::<32>().ok_or(SHORT)?;
    let (&flags, rest) = rest.split_first().ok_or(SHORT)?;
    let (count, mut rest) = rest.split_first_chunk::<4>().ok_or(SHORT)?;
    let attested = if flags & AT != 0 {
        let (_aaguid, after) = rest
            .split_first_chunk::<16>()
            .ok_or("attested credential data is truncated")?;
        let (len, after) = after
            .split_first_chunk::<2>()
            .ok_or("attested credential data is truncated")?;
        let len = usize::from(u16::from_be_bytes(*len));
        if after.len() < len {
            return Err("the credential id is truncated");
        }
        let (id, mut after) = after.split_at(len);
        let public_key = read_cbor(&mut after)?;
        rest = after;
        Some(AttestedCredential {
            credential_id: id.to_vec(),
            public_key,
        })
    } else {
        None
    };
    if flags & ED != 0 && !matches!(read_cbor(&mut rest)?, Cbor::Map(_)) {
        return Err("authenticator extensions are not a CBOR map");
    }
    if !rest.is_empty() {
        return Err("unexpected bytes after authenticatorData");
    }
    Ok(AuthData {
        rp_id_hash: *rp_id_hash,
        flags,
        sign_count: u32::from_be_bytes(*count),
        attested,
    })
}

/// An attestation statement.
#[derive(Debug, PartialEq, Eq)]
pub enum Statement {
    /// `fmt: "none"`, `attStmt: {}`.
    None,
    /// `fmt: "packed"`, `attStmt: {alg, sig}`: signed by the credential's own key.
    PackedSelf { alg: i64, sig: Vec<u8> },
    /// Any other format, `none` with a non-empty statement, or `packed` with a certificate chain
    /// (`x5c`) or ECDAA: not accepted by the emulator.
    Unsupported(String),
}

/// A parsed attestation object.
#[derive(Debug)]
pub struct AttestationObject {
    pub statement: Statement,
    /// The raw `authData` bytes (signed by a packed statement).
    pub auth_data: Vec<u8>,
}

fn text_member<'a>(map: &'a [(Cbor, Cbor)], key: &str) -> Option<&'a Cbor> {
    map.iter()
        .find(|(k, _)| k.as_text() == Some(key))
        .map(|(_, v)| v)
}

/// Parses the CBOR map `{fmt: text, attStmt: map, authData: bytes}` (nothing may follow).
pub fn parse_attestation_object(bytes: &[u8]) -> Result<AttestationObject, Malformed> {
    let mut input = bytes;
    let v = read_cbor(&mut input)?;
    if !input.is_empty() {
        return Err("unexpected bytes after the attestation object");
    }
    let map = v.as_map().ok_or("the attestation object is not a map")?;
    let fmt = text_member(map, "fmt")
        .and_then(Cbor::as_text)
        .ok_or("the attestation object has no fmt")?;
    let stmt = text_member(map, "attStmt")
        .and_then(Cbor::as_map)
        .ok_or("the attestation object has no attStmt map")?;
    let auth_data = text_member(map, "authData")
        .and_then(Cbor::as_bytes)
        .ok_or("the attestation object has no authData")?
        .clone();
    let statement = match fmt {
        "none" if stmt.is_empty() => Statement::None,
        "packed"
            if text_member(stmt, "x5c").is_none() && text_member(stmt, "ecdaaKeyId").is_none() =>
        {
            let alg = text_member(stmt, "alg")
                .and_then(Cbor::as_integer)
                .and_then(|i| i64::try_from(i).ok())
                .ok_or("packed attStmt has no integer alg")?;
            let sig = text_member(stmt, "sig")
                .and_then(Cbor::as_bytes)
                .ok_or("packed attStmt has no sig")?
                .clone();
            Statement::PackedSelf { alg, sig }
        }
        "none" => Statement::Unsupported("none with a non-empty attStmt".into()),
        "packed" => Statement::Unsupported("packed with a certificate (x5c / ECDAA)".into()),
        other => Statement::Unsupported(other.to_string()),
    };
    Ok(AttestationObject {
        statement,
        auth_data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cbor(v: &Cbor) -> Vec<u8> {
        let mut out = vec![];
        let _ = ciborium::ser::into_writer(v, &mut out);
        out
    }

    fn head(flags: u8, count: u32) -> Vec<u8> {
        let mut d = vec![7u8; 32];
        d.push(flags);
        d.extend_from_slice(&count.to_be_bytes());
        d
    }

    #[test]
    fn assertion_auth_data() {
        let a = parse_auth_data(&head(UP | UV, 9)).map_err(str::to_string);
        assert!(
            matches!(&a, Ok(a) if a.sign_count == 9 && a.has(UP) && a.has(UV) && !a.has(AT) && a.rp_id_hash == [7; 32])
        );
        assert!(parse_auth_data(&head(UP, 1)[..36]).is_err());
        let mut extra = head(UP, 1);
        extra.push(0);
        assert!(parse_auth_data(&extra).is_err(), "trailing byte");
        let mut ext = head(UP | ED, 1);
        ext.extend(cbor(&Cbor::Map(vec![(
            Cbor::from("credProtect"),
            Cbor::from(1),
        )])));
        assert!(parse_auth_data(&ext).is_ok(), "extensions after the header");
    }

    #[test]
    fn attested_credential_then_extensions() {
        let key = Cbor::Map(vec![(Cbor::from(1), Cbor::from(2))]);
        let mut d = head(UP | AT | ED, 0);
        d.extend([0u8; 16]);
        d.extend(3u16.to_be_bytes());
        d.extend([1, 2, 3]);
        d.extend(cbor(&key));
        d.extend(cbor(&Cbor::Map(vec![])));
        let a = parse_auth_data(&d).map_err(str::to_string);
        assert!(
            matches!(&a, Ok(AuthData { attested: Some(c), .. }) if c.credential_id == [1, 2, 3] && c.public_key == key)
        );
        // A credential id longer than what follows.
        let mut t = head(UP | AT, 0);
        t.extend([0u8; 16]);
        t.extend(9u16.to_be_bytes());
        t.extend([1, 2, 3]);
        assert!(parse_auth_data(&t).is_err());
    }

    #[test]
    fn statements() {
        let obj = |fmt: &str, stmt: Vec<(Cbor, Cbor)>| {
            cbor(&Cbor::Map(vec![
                (Cbor::from("fmt"), Cbor::from(fmt)),
                (Cbor::from("attStmt"), Cbor::Map(stmt)),
                (Cbor::from("authData"), Cbor::Bytes(vec![1, 2])),
            ]))
        };
        let parsed = |b: Vec<u8>| parse_attestation_object(&b).map(|o| o.statement);
        assert_eq!(parsed(obj("none", vec![])), Ok(Statement::None));
        assert_eq!(
            parsed(obj(
                "packed",
                vec![
                    (Cbor::from("alg"), Cbor::from(-7)),
                    (Cbor::from("sig"), Cbor::Bytes(vec![5]))
                ]
            )),
            Ok(Statement::PackedSelf {
                alg: -7,
                sig: vec![5]
            })
        );
        assert!(matches!(
            parsed(obj(
                "packed",
                vec![
                    (Cbor::from("alg"), Cbor::from(-7)),
                    (Cbor::from("sig"), Cbor::Bytes(vec![5])),
                    (Cbor::from("x5c"), Cbor::Array(vec![]))
                ]
            )),
            Ok(Statement::Unsupported(_))
        ));
        assert!(matches!(
            parsed(obj("tpm", vec![])),
            Ok(Statement::Unsupported(_))
        ));
        assert!(parsed(obj("packed", vec![])).is_err());
        assert!(parsed(vec![0xa0, 0x00]).is_err(), "trailing bytes");
        assert!(parsed(vec![0xff]).is_err());
    }
}
