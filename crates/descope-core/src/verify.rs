//! The rules of `verifySession` (passkeys-cookies.md §3): which WebCrypto algorithm a key and a
//! token call for, the project's JWKS and its cache by `kid`, and the claims a verified session
//! token must carry. The signature itself is checked by the browser (WebCrypto), in the glue.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::ascii;
use crate::error::Error;
use crate::json::Value;
use crate::jwt::{self, Jwt};
use crate::request::{Auth, Method, Request};

/// Clock leeway for `exp` and `nbf`, in seconds (as Descope's backend SDKs allow).
pub const LEEWAY_SECONDS: i64 = 5;
/// An unknown `kid` fetches the keys again at most this often (ms).
pub const REFETCH_INTERVAL_MS: u64 = 30_000;

/// The one rejection of a token that is well-formed but not a genuine, current session token of
/// this project. The description says which check failed; it never contains the token.
pub fn invalid(description: &str) -> Error {
    Error::unauthenticated("invalidToken", description)
}

/// A token split for verification, its claims checked.
#[derive(Debug)]
pub struct Signed {
    pub claims: Jwt,
    /// The header's `kid` (`""` when absent: no key has that id).
    pub kid: String,
    /// The header's `alg`, one of RS256, ES256 and ES384: the key of `kid` must have it too (a
    /// token cannot choose its key's algorithm).
    pub alg: &'static str,
    /// The WebCrypto parameters of `alg` as JSON text. One object serves both `importKey` and
    /// `verify` (each ignores the members it does not read).
    pub params: &'static str,
    /// The signature, decoded (for ECDSA the JWS raw `r || s`, which WebCrypto takes as is).
    pub signature: Vec<u8>,
    /// The signature covers the token's first `signed_len` bytes (`header.payload`).
    pub signed_len: usize,
}

/// The algorithms a session token may be signed with: `alg` and its WebCrypto parameters.
const ALGORITHMS: [(&str, &str); 3] = [
    ("RS256", r#"{"name":"RSASSA-PKCS1-v1_5","hash":"SHA-256"}"#),
    (
        "ES256",
        r#"{"name":"ECDSA","namedCurve":"P-256","hash":"SHA-256"}"#,
    ),
    (
        "ES384",
        r#"{"name":"ECDSA","namedCurve":"P-384","hash":"SHA-384"}"#,
    ),
];

/// Splits a token for verification and checks its claims ([`check_claims`]) and algorithm. The
/// claims come first because they need no keys, so an expired token costs no request.
///
/// # Errors
/// `validation`/`invalidJwt` when it is not a structurally valid JWT (as `decodeJwt`); else
/// `invalidToken` as [`check_claims`], or for an `alg` other than RS256, ES256 and ES384.
pub fn parse(token: &str, project_id: &str, server_now_ms: i64) -> Result<Signed, Error> {
    let (claims, header, signature) =
        jwt::decode_signed(token).map_err(|e| Error::validation("invalidJwt", e.description()))?;
    check_claims(&claims, project_id, server_now_ms)?;
    let text = |k: &str| header.get(k).and_then(Value::as_str).unwrap_or_default();
    let &(alg, params) = ALGORITHMS
        .iter()
        .find(|(name, _)| *name == text("alg"))
        .ok_or_else(|| invalid("the token's alg is not RS256, ES256 or ES384"))?;
    Ok(Signed {
        kid: text("kid").to_string(),
        alg,
        params,
        claims,
        signature,
        signed_len: ascii::rfind(token, b'.').unwrap_or(0),
    })
}

/// Checks what a signature cannot: `exp` (required) and `nbf` (valid, F05) with
/// [`LEEWAY_SECONDS`], judged at `server_now_ms` (this device's clock corrected by the skew
/// estimate); the issuer names the project (`Jwt::issued_for`); `drn` is `"DS"` (a session token,
/// not the refresh token `"DSR"`).
///
/// # Errors
/// `invalidToken`: "expired or not valid yet", or "not a session token of this project".
pub fn check_claims(j: &Jwt, project_id: &str, server_now_ms: i64) -> Result<(), Error> {
    let leeway_ms = LEEWAY_SECONDS * 1000;
    let current = match (j.exp(), j.nbf()) {
        (Ok(Some(exp)), Ok(nbf)) => {
            server_now_ms <= exp * 1000 + leeway_ms
                && nbf.is_none_or(|nbf| server_now_ms >= nbf * 1000 - leeway_ms)
        }
        _ => false,
    };
    if !current {
        return Err(invalid("the token has expired or is not valid yet"));
    }
    if !j.issued_for(project_id) || j.drn() != Some("DS") {
        return Err(invalid("the token is not a session token of this project"));
    }
    Ok(())
}

/// `GET /v2/keys/<projectId>`: the project's public keys.
pub fn keys_request(project_id: &str) -> Request {
    let mut path = String::from("/v2/keys/");
    path.push_str(project_id);
    Request {
        method: Method::Get,
        path,
        body: None,
        auth: Auth::Project,
    }
}

/// When the project's keys may be fetched for a `kid` that the cached ones lack.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyFetch {
    refetched_at_ms: Option<u64>,
}

impl KeyFetch {
    /// Always while no keys were `loaded`; after that at most once per [`REFETCH_INTERVAL_MS`],
    /// so tokens naming made-up keys cannot make the client hammer the server. A `true` after
    /// the keys were loaded counts as the refetch, whether or not it then succeeds.
    pub fn allow(&mut self, loaded: bool, now_ms: u64) -> bool {
        if !loaded {
            return true;
        }
        if let Some(at) = self.refetched_at_ms {
            if now_ms.saturating_sub(at) < REFETCH_INTERVAL_MS {
                return false;
            }
        }
        self.refetched_at_ms = Some(now_ms);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::jwt::test_support::{token, token_with_header};

    const PID: &str = "P2abc";
    const NOW: i64 = 2_000_000_000_000;

    fn claims(extra: &str) -> Jwt {
        let sep = if extra.is_empty() { "" } else { "," };
        jwt::decode(&token(&format!(
            r#"{{"iss":"https://api.descope.com/{PID}","drn":"DS","exp":2000000600{sep}{extra}}}"#
        )))
        .unwrap()
    }

    fn assert_invalid(r: Result<(), Error>, what: &str) {
        let e = r.unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_str()),
            (ErrorKind::Unauthenticated, "invalidToken"),
            "{what}"
        );
        assert!(e.description.contains(what), "{}", e.description);
    }

    #[test]
    fn a_current_session_token_of_the_project_passes() {
        assert_eq!(check_claims(&claims(""), PID, NOW), Ok(()));
        assert_eq!(
            check_claims(&claims(r#""nbf":2000000000"#), PID, NOW),
            Ok(())
        );
    }

    #[test]
    fn exp_with_five_seconds_leeway() {
        let exp_ms = 2_000_000_600_000;
        assert_eq!(check_claims(&claims(""), PID, exp_ms + 5_000), Ok(()));
        assert_invalid(check_claims(&claims(""), PID, exp_ms + 5_001), "expired");
        let no_exp = jwt::decode(&token(&format!(r#"{{"iss":"{PID}","drn":"DS"}}"#))).unwrap();
        assert_invalid(check_claims(&no_exp, PID, NOW), "expired");
        let bad_exp = jwt::decode(&token(&format!(
            r#"{{"iss":"{PID}","drn":"DS","exp":"2000000600"}}"#
        )))
        .unwrap();
        assert_invalid(check_claims(&bad_exp, PID, NOW), "expired");
    }

    #[test]
    fn nbf_with_five_seconds_leeway() {
        let j = claims(r#""nbf":2000000010"#);
        assert_eq!(check_claims(&j, PID, 2_000_000_005_000), Ok(()));
        assert_invalid(check_claims(&j, PID, 2_000_000_004_999), "not valid yet");
        assert_invalid(
            check_claims(&claims(r#""nbf":1.5"#), PID, NOW),
            "not valid yet",
        );
    }

    #[test]
    fn the_issuer_names_the_project() {
        let with_iss = |iss: &str| {
            jwt::decode(&token(&format!(
                r#"{{"iss":"{iss}","drn":"DS","exp":2000000600}}"#
            )))
            .unwrap()
        };
        for ok in [
            "P2abc",
            "https://api.descope.com/P2abc",
            "https://api.descope.com/P2abc/",
            "https://api.descope.com/v1/apps/P2abc",
            "https://api.descope.com/v1/apps/P2abc/T2tenant",
            "https://api.descope.com/v1/apps/agentic/P2abc/resource",
            "P2abc/T2tenant",
        ] {
            assert_eq!(check_claims(&with_iss(ok), PID, NOW), Ok(()), "{ok}");
        }
        for bad in [
            "P2other",
            "https://api.descope.com/P2other",
            "https://api.descope.com/P2abc/a/b",
            "https://api.descope.com/P2abcd",
            "P2abcP2abc",
            "",
        ] {
            assert_invalid(
                check_claims(&with_iss(bad), PID, NOW),
                "not a session token of this project",
            );
        }
        let no_iss = jwt::decode(&token(r#"{"drn":"DS","exp":2000000600}"#)).unwrap();
        assert_invalid(
            check_claims(&no_iss, PID, NOW),
            "not a session token of this project",
        );
    }

    #[test]
    fn only_session_tokens_pass() {
        assert_invalid(
            check_claims(&claims("").with_drn("DSR"), PID, NOW),
            "not a session token",
        );
        let no_drn =
            jwt::decode(&token(&format!(r#"{{"iss":"{PID}","exp":2000000600}}"#))).unwrap();
        assert_invalid(check_claims(&no_drn, PID, NOW), "not a session token");
    }

    impl Jwt {
        fn with_drn(&self, drn: &str) -> Jwt {
            let text = self
                .payload_json()
                .replace(r#""drn":"DS""#, &format!(r#""drn":"{drn}""#));
            jwt::decode(&token(&text)).unwrap()
        }
    }

    #[test]
    fn algorithms_come_from_the_header() {
        let payload = format!(r#"{{"iss":"{PID}","drn":"DS","exp":2000000600}}"#);
        let signed = |alg: &str| {
            parse(
                &token_with_header(&format!(r#"{{"alg":"{alg}","kid":"K"}}"#), &payload),
                PID,
                NOW,
            )
        };
        let rs = signed("RS256").unwrap();
        assert_eq!(rs.alg, "RS256");
        assert!(rs.params.contains("RSASSA-PKCS1-v1_5") && rs.params.contains("SHA-256"));
        let es = signed("ES256").unwrap();
        assert!(es.params.contains("P-256") && es.params.contains("SHA-256"));
        let es = signed("ES384").unwrap();
        assert!(es.params.contains("P-384") && es.params.contains("SHA-384"));
        for (alg, _) in ALGORITHMS {
            assert!(crate::json::parse(signed(alg).unwrap().params).is_ok());
        }
        for alg in ["HS256", "PS256", "EdDSA", "rs256", "ES512"] {
            let e = signed(alg).unwrap_err();
            assert_eq!(
                (e.kind, e.code.as_str()),
                (ErrorKind::Unauthenticated, "invalidToken"),
                "{alg}"
            );
        }
    }

    #[test]
    fn parse_splits_the_token_and_checks_its_claims() {
        let payload = format!(r#"{{"iss":"{PID}","drn":"DS","exp":2000000600}}"#);
        let t = token_with_header(r#"{"alg":"ES256","kid":"K1"}"#, &payload);
        let s = parse(&t, PID, NOW).unwrap();
        assert_eq!((s.kid.as_str(), s.alg), ("K1", "ES256"));
        assert_eq!(s.signature, b"sig");
        assert_eq!(format!("{}.c2ln", &t[..s.signed_len]), t);
        assert_eq!(s.claims.drn(), Some("DS"));
        // No kid: no key has the id "".
        assert_eq!(parse(&token(&payload), PID, NOW).unwrap().kid, "");
        // The claims are checked.
        let e = parse(&t, "P2other", NOW).unwrap_err();
        assert_eq!(e.code, "invalidToken");
        // Malformed: the same validation error as decodeJwt.
        for bad in ["", "abc", "a.b.c", &t[..t.len() - 5]] {
            let e = parse(bad, PID, NOW).unwrap_err();
            assert_eq!(
                (e.kind, e.code.as_str()),
                (ErrorKind::Validation, "invalidJwt"),
                "{bad}"
            );
        }
    }

    #[test]
    fn keys_come_from_v2_keys() {
        let r = keys_request(PID);
        assert_eq!(
            (r.method, r.path.as_str(), r.auth, r.body),
            (Method::Get, "/v2/keys/P2abc", Auth::Project, None)
        );
    }

    #[test]
    fn an_unknown_kid_refetches_at_most_once_per_30_seconds() {
        let mut f = KeyFetch::default();
        // Nothing loaded yet: every call may fetch (a failed first fetch is no rate limit).
        assert!(f.allow(false, 1_000));
        assert!(f.allow(false, 1_001));
        // Loaded: the first unknown kid refetches, the next ones wait 30 s.
        assert!(f.allow(true, 2_000));
        assert!(!f.allow(true, 2_001));
        assert!(!f.allow(true, 31_999));
        assert!(f.allow(true, 32_000));
        assert!(!f.allow(true, 32_000));
        // A clock that went back waits as well.
        assert!(!f.allow(true, 0));
    }
}
