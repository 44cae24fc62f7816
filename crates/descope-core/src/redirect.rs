//! Redirect URLs the SDK sends (magic/enchanted link `URI`, OAuth/SSO `redirectURL`, password reset
//! `redirectUrl`), checked before any request (F39).
//!
//! Without an allow-list in the config, the rule is the base-URL rule: an absolute `https://` URL,
//! or `http://` on a loopback host, with a plain host. Everything a browser or the server could read
//! two ways is refused: other schemes (`javascript:`, `data:`), protocol-relative `//host`, user info
//! (`https://app@evil`), backslashes, percent-encoded or otherwise unusual host characters, upper-case
//! schemes, spaces and control characters.

use crate::ascii;

use crate::error::Error;

/// Longest redirect URL accepted, in bytes.
pub const MAX_REDIRECT_URL_BYTES: usize = 2048;

/// `localhost`, `[::1]` or a dotted-quad `127.x.y.z` (not `127.0.0.1.evil.tld`). The base-URL rule
/// of `config` uses it too.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let mut parts = 0;
    for p in ascii::split(host, b'.') {
        parts += 1;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    parts == 4 && host.starts_with("127.")
}

fn bad() -> Error {
    Error::validation(
        "invalidRedirectUrl",
        "redirectUrl must be an absolute https URL (http only for loopback hosts) without user info",
    )
}

/// Checks a redirect URL (F39). The URL is sent as given when it passes.
pub fn validate_redirect_url(url: &str) -> Result<(), Error> {
    if is_acceptable(url) {
        Ok(())
    } else {
        Err(bad())
    }
}

/// The rule of [`validate_redirect_url`].
fn is_acceptable(url: &str) -> bool {
    if url.len() > MAX_REDIRECT_URL_BYTES
        || url.bytes().any(|b| b <= b' ' || b >= 0x7f || b == b'\\')
    {
        return false;
    }
    let (secure, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return false;
    };
    // The authority ends at the first `/`, `?` or `#` (a loop: `position` is unrolled into ~200 B).
    let mut end = 0;
    while rest
        .as_bytes()
        .get(end)
        .is_some_and(|b| !matches!(b, b'/' | b'?' | b'#'))
    {
        end += 1;
    }
    let authority = rest.get(..end).unwrap_or("");
    // The host (and optional port): letters, digits, `-`, `.`, or a bracketed IPv6 literal.
    let (host, port) = match authority.strip_prefix("[") {
        Some(v6) => {
            let Some(close) = ascii::find(v6, b']') else {
                return false;
            };
            let inner = v6.get(..close).unwrap_or("");
            if inner.is_empty()
                || !inner
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                return false;
            }
            (
                authority.get(..close + 2).unwrap_or(""),
                v6.get(close + 1..).unwrap_or(""),
            )
        }
        None => match ascii::find(authority, b':') {
            Some(i) => (
                authority.get(..i).unwrap_or(""),
                authority.get(i..).unwrap_or(""),
            ),
            None => (authority, ""),
        },
    };
    let plain_host = host.starts_with("[")
        || (!host.is_empty()
            && !host.starts_with(".")
            && !host.starts_with("-")
            && host
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'));
    let good_port = match port.strip_prefix(":") {
        None => port.is_empty(),
        Some(p) => (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()),
    };
    plain_host && good_port && (secure || is_loopback_host(host))
}

/// An optional redirect URL: `None` and `""` mean "none" (the server's default); anything else must
/// pass [`validate_redirect_url`].
pub fn opt_redirect_url(url: Option<&str>) -> Result<Option<&str>, Error> {
    match url {
        None | Some("") => Ok(None),
        Some(u) => validate_redirect_url(u).map(|_| Some(u)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn f39_accepts_plain_https_and_loopback_http() {
        for ok in [
            "https://app.example.com",
            "https://app.example.com/",
            "https://app.example.com:8443/cb?x=a@b&y=%20#frag",
            "http://localhost:3000/verify",
            "http://127.0.0.1:4317/",
            "http://[::1]:8080/x",
            "https://[2001:db8::1]/cb",
        ] {
            assert!(validate_redirect_url(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn f39_rejects_dangerous_or_ambiguous_urls() {
        let long = format!("https://a.io/{}", "x".repeat(2048));
        for bad in [
            "",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "//evil.tld/cb",
            "/relative/path",
            "https://app.tld@evil.tld",
            "https://user:pw@app.tld/",
            "https:\\\\evil.tld",
            "https://app.tld\\@evil.tld",
            "https:/evil.tld",
            "https:///evil.tld",
            "HTTPS://app.tld",
            "https://APP.tld",
            "https://%65vil.tld",
            "https://app.tld:99999999/",
            "https://app.tld:/",
            "https://app tld/",
            "https://app.tld/\n",
            "https://.evil.tld",
            "http://example.com/cb",
            "http://127.0.0.1.evil.tld/",
            "http://localhost.evil.tld/",
            "ftp://app.tld",
            "https://\u{430}pp.tld",
            long.as_str(),
        ] {
            let e = validate_redirect_url(bad)
                .err()
                .unwrap_or_else(|| panic!("accepted {bad:?}"));
            assert_eq!(
                (e.kind, e.code.as_str()),
                (ErrorKind::Validation, "invalidRedirectUrl")
            );
        }
    }

    #[test]
    fn optional_urls() {
        assert_eq!(opt_redirect_url(None).unwrap(), None);
        assert_eq!(opt_redirect_url(Some("")).unwrap(), None);
        assert_eq!(
            opt_redirect_url(Some("https://a.io")).unwrap(),
            Some("https://a.io")
        );
        assert!(opt_redirect_url(Some("javascript:x")).is_err());
    }
}
