//! Reading JWTs without verifying them (the browser has no business trusting claims: authorization
//! belongs on the server). The structure check is strict so that every parser agrees (F01–F03, F05,
//! F08, F09).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::ascii;
use alloc::rc::Rc;

use crate::base64url;
use crate::json::{self, Value};

/// Largest token we accept, in bytes (F08). Descope puts every role, permission and tenant of the
/// user in both tokens: a user with 1,000 roles or 1,000 tenants carries tens of KiB. 256 KiB leaves
/// room for several times that, and a response holding two tokens of this size still fits the 1 MiB
/// body cap (`response::MAX_BODY_BYTES`).
pub const MAX_TOKEN_BYTES: usize = 256 * 1024;
/// `exp`/`iat` above this are milliseconds or nonsense (year 5138), not unix seconds (F05).
pub const MAX_UNIX_SECONDS: i64 = 100_000_000_000;
/// Lifetimes above this are clamped when scheduling (F05, F27).
pub const MAX_LIFETIME_SECONDS: i64 = 366 * 24 * 3600;

/// A time claim that is present but breaks the F05 rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwtError {
    TooLarge,
    Segments,
    Base64,
    Json,
    NotObject,
    AlgNone,
    EmptySignature,
}

impl JwtError {
    /// Not inlined: each of the two callers would otherwise link its own copy of these strings.
    #[inline(never)]
    pub fn description(self) -> &'static str {
        match self {
            JwtError::TooLarge => "the token is larger than 256 KiB",
            JwtError::Segments => "a JWT must have exactly three non-empty segments",
            JwtError::Base64 => "a JWT segment is not unpadded base64url",
            JwtError::Json => "a JWT segment is not valid JSON",
            JwtError::NotObject => "a JWT header or payload is not a JSON object",
            JwtError::AlgNone => "unsigned JWTs (alg none) are not accepted",
            JwtError::EmptySignature => "the JWT has an empty signature",
        }
    }
}

/// A structurally valid JWT: three segments, header and payload JSON objects, a signature.
#[derive(Clone, Debug, PartialEq)]
pub struct Jwt {
    payload_json: String,
    /// Shared: sessions copy their refresh token's `Jwt` (`refresh_pair`), and a deep copy of the
    /// claim tree would link a recursive `Value::clone`.
    claims: Rc<Value>,
}

fn object(text: String) -> Result<(String, Value), JwtError> {
    let v = json::parse(&text).map_err(|_| JwtError::Json)?;
    if v.as_object().is_none() {
        return Err(JwtError::NotObject);
    }
    Ok((text, v))
}

fn decode_object(seg: &str) -> Result<(String, Value), JwtError> {
    let bytes = base64url::decode(seg).map_err(|_| JwtError::Base64)?;
    object(String::from_utf8(bytes).map_err(|_| JwtError::Json)?)
}

/// A token known by its payload alone: cookie mode's session, read from a response's `claims`
/// while the JWT itself stays in an HttpOnly cookie. Checked like a decoded payload.
pub fn from_payload(payload_json: String) -> Result<Jwt, JwtError> {
    let (payload_json, claims) = object(payload_json)?;
    Ok(Jwt {
        payload_json,
        claims: Rc::new(claims),
    })
}

/// Parses a token's structure. No signature check.
pub fn decode(token: &str) -> Result<Jwt, JwtError> {
    decode_signed(token).map(|(jwt, _, _)| jwt)
}

/// [`decode`], also returning the header and the decoded signature (for `verify`).
pub(crate) fn decode_signed(token: &str) -> Result<(Jwt, Value, Vec<u8>), JwtError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(JwtError::TooLarge);
    }
    let (h, rest) = ascii::split_once(token, b'.').ok_or(JwtError::Segments)?;
    let (p, s) = ascii::split_once(rest, b'.').ok_or(JwtError::Segments)?;
    if h.is_empty() || p.is_empty() || ascii::find(s, b'.').is_some() {
        return Err(JwtError::Segments);
    }
    if s.is_empty() {
        return Err(JwtError::EmptySignature);
    }
    let (_, header) = decode_object(h)?;
    match header.get("alg").and_then(Value::as_str) {
        Some(alg) if !alg.eq_ignore_ascii_case("none") && !alg.is_empty() => {}
        _ => return Err(JwtError::AlgNone),
    }
    let signature = base64url::decode(s).map_err(|_| JwtError::Base64)?;
    let (payload_json, claims) = decode_object(p)?;
    Ok((
        Jwt {
            payload_json,
            claims: Rc::new(claims),
        },
        header,
        signature,
    ))
}

/// Reads a unix-seconds claim by the one rule of F05: a JSON integer (no fraction or exponent) in
/// `1..=1e11`. Anything else is `Err`; a missing claim is `Ok(None)`.
fn seconds_claim(v: Option<&Value>) -> Result<Option<i64>, BadTime> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) => {
            let t = n.as_str();
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(BadTime);
            }
            match n.as_i64() {
                Some(x) if x > 0 && x <= MAX_UNIX_SECONDS => Ok(Some(x)),
                _ => Err(BadTime),
            }
        }
        Some(_) => Err(BadTime),
    }
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v.and_then(Value::as_array) {
        Some(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        None => Vec::new(),
    }
}

impl Jwt {
    /// The decoded payload as JSON text (handed to JS as-is).
    pub fn payload_json(&self) -> &str {
        &self.payload_json
    }
    pub fn claims(&self) -> &Value {
        &self.claims
    }
    fn str_claim(&self, k: &str) -> Option<&str> {
        self.claims.get(k).and_then(Value::as_str)
    }
    /// `exp`, validated (F05). `Err` when present but malformed.
    pub fn exp(&self) -> Result<Option<i64>, BadTime> {
        seconds_claim(self.claims.get("exp"))
    }
    /// `iat`, validated like `exp`, and never after `exp`.
    pub fn iat(&self) -> Result<Option<i64>, BadTime> {
        let iat = seconds_claim(self.claims.get("iat"))?;
        if let (Some(i), Ok(Some(e))) = (iat, self.exp()) {
            if i > e {
                return Err(BadTime);
            }
        }
        Ok(iat)
    }
    /// Both times valid and `exp` present: what a token we adopt must satisfy.
    pub fn times_valid(&self) -> bool {
        matches!(self.exp(), Ok(Some(_))) && self.iat().is_ok()
    }
    /// `exp - iat` in seconds, clamped to one year; `None` without a valid `iat`.
    pub fn lifetime_seconds(&self) -> Option<i64> {
        match (self.exp(), self.iat()) {
            (Ok(Some(e)), Ok(Some(i))) => Some((e - i).clamp(0, MAX_LIFETIME_SECONDS)),
            _ => None,
        }
    }
    /// `dsub` overrides `sub` (descope-api.md §3.3).
    pub fn subject(&self) -> Option<&str> {
        self.str_claim("dsub").or_else(|| self.str_claim("sub"))
    }
    pub fn issuer(&self) -> Option<&str> {
        self.str_claim("iss")
    }
    pub fn drn(&self) -> Option<&str> {
        self.str_claim("drn")
    }
    /// `iss` names the project (F07; passkeys-cookies.md §3, node-sdk's `issuerMatchesProject`):
    /// it is the bare project id, or a URL or slash-separated string whose last or second-to-last
    /// non-empty path segment is the project id (`https://api.descope.com/<pid>`,
    /// `…/v1/apps/<pid>`, a tenant's `…/v1/apps/<pid>/<tenant>`).
    pub fn issued_for(&self, project_id: &str) -> bool {
        let Some(iss) = self.issuer() else {
            return false;
        };
        let path = ascii::trim_end(iss, b'/');
        let last = ascii::after_last(path, b'/');
        let parent = ascii::trim_end(
            path.get(..path.len() - last.len()).unwrap_or_default(),
            b'/',
        );
        iss == project_id
            || (ascii::find(iss, b'/').is_some()
                && (last == project_id || ascii::after_last(parent, b'/') == project_id))
    }
    /// `nbf`, validated like `exp` (F05). `Err` when present but malformed.
    pub fn nbf(&self) -> Result<Option<i64>, BadTime> {
        seconds_claim(self.claims.get("nbf"))
    }
    pub fn amr(&self) -> Vec<String> {
        string_list(self.claims.get("amr"))
    }
    pub fn step_up(&self) -> bool {
        self.claims
            .get("su")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
    /// `dct`, the selected tenant.
    pub fn current_tenant(&self) -> Option<&str> {
        self.str_claim("dct")
    }
    /// Keys of the `tenants` claim.
    pub fn tenants(&self) -> Vec<String> {
        match self.claims.get("tenants").and_then(Value::as_object) {
            Some(o) => o.iter().map(|(k, _)| k.clone()).collect(),
            None => Vec::new(),
        }
    }
    fn authz(&self, claim: &str, tenant: Option<&str>) -> Vec<String> {
        let Some(t) = tenant else {
            return string_list(self.claims.get(claim));
        };
        match self.claims.get("tenants") {
            Some(tenants) => string_list(tenants.get(t).and_then(|x| x.get(claim))),
            // A token with `dct` and no `tenants` claim: top-level lists apply to that tenant.
            None if self.current_tenant() == Some(t) => string_list(self.claims.get(claim)),
            None => Vec::new(),
        }
    }
    /// core-js `getJwtRoles` (§6.2).
    pub fn roles(&self, tenant: Option<&str>) -> Vec<String> {
        self.authz("roles", tenant)
    }
    /// core-js `getJwtPermissions` (§6.2).
    pub fn permissions(&self, tenant: Option<&str>) -> Vec<String> {
        self.authz("permissions", tenant)
    }
    /// core-js `isJwtExpired`: `now > exp`. A token without a valid `exp` counts as expired.
    pub fn is_expired_at(&self, now_ms: u64) -> bool {
        match self.exp() {
            Ok(Some(e)) => now_ms / 1000 > e as u64,
            _ => true,
        }
    }
}

#[cfg(test)]
pub mod test_support {
    //! Builds unsigned-but-structurally-valid tokens for tests.
    use crate::base64url;

    pub fn token(payload: &str) -> String {
        token_with_header(r#"{"alg":"RS256","typ":"JWT"}"#, payload)
    }
    pub fn token_with_header(header: &str, payload: &str) -> String {
        let mut s = base64url::encode(header.as_bytes());
        s.push('.');
        s.push_str(&base64url::encode(payload.as_bytes()));
        s.push_str(".c2ln");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn reads_claims() {
        let t = token(
            r#"{"sub":"U1","iss":"https://api.descope.com/P2abc","exp":2000000000,"iat":1999999400,"drn":"DS","amr":["email","mfa"],"su":true,
               "roles":["r"],"permissions":["p"],"tenants":{"T1":{"roles":["tr"],"permissions":["tp"]},"T2":{}},"dct":"T1"}"#,
        );
        let j = decode(&t).unwrap();
        assert_eq!(j.subject(), Some("U1"));
        assert!(j.issued_for("P2abc"));
        assert!(!j.issued_for("P2abd"));
        assert!(!j.issued_for("abc"));
        assert_eq!(j.exp(), Ok(Some(2000000000)));
        assert_eq!(j.lifetime_seconds(), Some(600));
        assert_eq!(j.amr(), vec!["email", "mfa"]);
        assert!(j.step_up());
        assert_eq!(j.tenants(), vec!["T1", "T2"]);
        assert_eq!(j.roles(None), vec!["r"]);
        assert_eq!(j.roles(Some("T1")), vec!["tr"]);
        assert_eq!(j.permissions(Some("T1")), vec!["tp"]);
        assert!(j.roles(Some("T2")).is_empty());
        assert!(j.roles(Some("T9")).is_empty());
        assert_eq!(j.current_tenant(), Some("T1"));
        assert!(!j.is_expired_at(1_999_999_999_000));
        assert!(j.is_expired_at(2_000_000_001_000));
    }

    #[test]
    fn a_payload_alone_reads_like_a_decoded_token() {
        let p = r#"{"sub":"U1","iss":"P2abc","exp":2000000000,"iat":1999999400,"roles":["r"]}"#;
        let j = from_payload(p.to_string()).unwrap();
        assert_eq!(j, decode(&token(p)).unwrap());
        assert_eq!(j.payload_json(), p);
        assert_eq!(from_payload("[1]".into()), Err(JwtError::NotObject));
        assert_eq!(from_payload("{".into()), Err(JwtError::Json));
    }

    #[test]
    fn dct_without_tenants_uses_top_level() {
        let j = decode(&token(
            r#"{"dct":"T1","roles":["a"],"permissions":"notarray"}"#,
        ))
        .unwrap();
        assert_eq!(j.roles(Some("T1")), vec!["a"]);
        assert!(j.roles(Some("T2")).is_empty());
        assert!(j.permissions(None).is_empty());
        assert!(j.is_expired_at(0));
        assert!(decode(&token(r#"{"iss":"P2abc"}"#))
            .unwrap()
            .issued_for("P2abc"));
        let iss = |iss: &str| decode(&token(&format!(r#"{{"iss":"{iss}"}}"#))).unwrap();
        // The last or second-to-last segment of a URL or slash string (F07).
        assert!(iss("https://api.descope.com//P2abc//").issued_for("P2abc"));
        assert!(iss("https://api.descope.com/v1/apps/P2abc/T1").issued_for("P2abc"));
        assert!(iss("https://api.descope.com/v1/apps/P2abc//T1/").issued_for("P2abc"));
        assert!(iss("/P2abc").issued_for("P2abc"));
        assert!(iss("P2abc/T1").issued_for("P2abc"));
        assert!(!iss("/").issued_for("P2abc"));
        assert!(!iss("").issued_for("P2abc"));
        assert!(!iss("P2abcd/T1").issued_for("P2abc"));
        assert!(!iss("https://api.descope.com/v1/P2abc/a/b").issued_for("P2abc"));
    }

    #[test]
    fn f01_segment_defects() {
        let good = token(r#"{"a":1}"#);
        let (h, rest) = good.split_once('.').unwrap();
        let (p, s) = rest.split_once('.').unwrap();
        for bad in [
            format!("{h}.{p}"),
            format!("{h}.{p}.{s}.{s}"),
            format!("{h}..{s}"),
            format!(".{p}.{s}"),
            String::new(),
            "...".to_string(),
        ] {
            assert_eq!(decode(&bad), Err(JwtError::Segments), "{bad}");
        }
        assert_eq!(decode(&format!("{h}.{p}.")), Err(JwtError::EmptySignature));
    }

    #[test]
    fn f02_base64_defects() {
        let good = token(r#"{"a":1}"#);
        let (h, rest) = good.split_once('.').unwrap();
        let (p, s) = rest.split_once('.').unwrap();
        for bad in [
            format!("{h}.{p}=.{s}"),
            format!("{h}.{p} .{s}"),
            format!("{h}.{p}\n.{s}"),
            format!("{h}.+{p}.{s}"),
            format!("{h}.{p}.{s}=="),
        ] {
            assert_eq!(decode(&bad), Err(JwtError::Base64), "{bad:?}");
        }
    }

    #[test]
    fn f03_payload_not_object_or_invalid() {
        for p in ["[]", "\"x\"", "null", "1"] {
            assert_eq!(decode(&token(p)), Err(JwtError::NotObject), "{p}");
        }
        assert_eq!(decode(&token(r#"{"exp":1,"exp":9}"#)), Err(JwtError::Json));
        assert_eq!(decode(&token("{")), Err(JwtError::Json));
        let deep = "[".repeat(10_000);
        assert!(decode(&token(&deep)).is_err());
    }

    #[test]
    fn f05_time_claims() {
        for bad in [
            "\"1\"",
            "1.5",
            "-5",
            "0",
            "1e308",
            "1.7e12",
            "1700000000000",
            "99999999999999999999999",
        ] {
            let j = decode(&token(&format!(r#"{{"exp":{bad}}}"#))).unwrap();
            assert!(j.exp().is_err(), "{bad}");
            assert!(!j.times_valid());
            assert!(j.is_expired_at(1));
        }
        let j = decode(&token(r#"{"exp":100,"iat":200}"#)).unwrap();
        assert!(j.iat().is_err());
        assert!(!j.times_valid());
        let j = decode(&token(r#"{"exp":99999999999,"iat":1}"#)).unwrap();
        assert_eq!(j.lifetime_seconds(), Some(MAX_LIFETIME_SECONDS));
        let j = decode(&token(r#"{"iat":1}"#)).unwrap();
        assert!(!j.times_valid());
    }

    /// A token of exactly `len` bytes: a `roles` claim pads the payload, and the signature's
    /// length (4, 6, 7 or 8 characters) covers the lengths unpadded base64url cannot end on.
    fn token_of_len(len: usize) -> String {
        let h = base64url::encode(br#"{"alg":"RS256"}"#);
        for sig in [4, 6, 7, 8] {
            let rest = len - h.len() - 2 - sig;
            if rest % 4 == 1 {
                continue;
            }
            let raw = rest * 3 / 4;
            let p = format!(r#"{{"roles":["{}"]}}"#, "r".repeat(raw - 14));
            return format!(
                "{h}.{}.{}",
                base64url::encode(p.as_bytes()),
                "A".repeat(sig)
            );
        }
        unreachable!()
    }

    #[test]
    fn f08_tokens_up_to_256_kib_are_read_larger_ones_refused() {
        // 1,000 roles, and 1,000 tenants with a role each: well within the limit.
        let roles: Vec<String> = (0..1000).map(|i| format!(r#""role-{i:04}""#)).collect();
        let tenants: Vec<String> = (0..1000)
            .map(|i| format!(r#""tenant-{i:04}":{{"roles":["member"],"permissions":[]}}"#))
            .collect();
        let j = decode(&token(&format!(
            r#"{{"roles":[{}],"tenants":{{{}}}}}"#,
            roles.join(","),
            tenants.join(",")
        )))
        .unwrap();
        assert_eq!(j.roles(None).len(), 1000);
        assert_eq!(j.tenants().len(), 1000);
        assert_eq!(j.roles(Some("tenant-0999")), vec!["member"]);
        // Exactly the limit is read; one byte more is the size error, checked before decoding.
        let t = token_of_len(MAX_TOKEN_BYTES);
        assert_eq!(t.len(), MAX_TOKEN_BYTES);
        assert!(decode(&t).is_ok());
        let t = token_of_len(MAX_TOKEN_BYTES + 1);
        assert_eq!(decode(&t), Err(JwtError::TooLarge));
        assert_eq!(
            decode(&"a".repeat(4 * MAX_TOKEN_BYTES)),
            Err(JwtError::TooLarge)
        );
    }

    #[test]
    fn f09_alg_none_and_empty_signature() {
        assert_eq!(
            decode(&token_with_header(r#"{"alg":"none"}"#, "{}")),
            Err(JwtError::AlgNone)
        );
        assert_eq!(
            decode(&token_with_header(r#"{"alg":"NONE"}"#, "{}")),
            Err(JwtError::AlgNone)
        );
        assert_eq!(
            decode(&token_with_header(r#"{"typ":"JWT"}"#, "{}")),
            Err(JwtError::AlgNone)
        );
        let t = token("{}");
        let cut = t.rsplit_once('.').unwrap().0.to_string() + ".";
        assert_eq!(decode(&cut), Err(JwtError::EmptySignature));
    }
}
