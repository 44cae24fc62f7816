//! Configuration checks (F37), the default base URL (descope-api.md §1.1) and URL joining.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::ascii;

use crate::error::Error;

/// Where the tokens are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persistence {
    LocalStorage,
    SessionStorage,
    Memory,
    /// The server keeps both tokens in HttpOnly cookies of its domain (Descope's "manage in
    /// cookies"): the SDK never holds one, and keeps its other keys in localStorage.
    Cookie,
}

impl Persistence {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "localStorage" => Some(Persistence::LocalStorage),
            "sessionStorage" => Some(Persistence::SessionStorage),
            "memory" => Some(Persistence::Memory),
            "cookie" => Some(Persistence::Cookie),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Persistence::LocalStorage => "localStorage",
            Persistence::SessionStorage => "sessionStorage",
            Persistence::Memory => "memory",
            Persistence::Cookie => "cookie",
        }
    }
}

pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
pub const MAX_TIMEOUT_MS: u32 = 600_000;
pub const MAX_PROJECT_ID_LEN: usize = 64;
pub const MAX_PREFIX_LEN: usize = 64;

/// The raw config as read from JS; `None` means "not given".
#[derive(Clone, Debug, Default)]
pub struct ConfigInput<'a> {
    pub project_id: Option<&'a str>,
    pub base_url: Option<&'a str>,
    pub persistence: Option<&'a str>,
    pub storage_prefix: Option<&'a str>,
    pub auto_refresh: Option<bool>,
    /// A JS number; must be a whole number of milliseconds in `1..=600000`.
    pub timeout_ms: Option<f64>,
    pub refresh_cookie_name: Option<&'a str>,
}

/// A validated config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub project_id: String,
    /// Without a trailing `/`.
    pub base_url: String,
    pub persistence: Persistence,
    pub storage_prefix: String,
    pub auto_refresh: bool,
    pub timeout_ms: u32,
    /// Sent as `x-descope-refresh-cookie-name` (the server's custom refresh cookie name).
    pub refresh_cookie_name: Option<String>,
}

impl Config {
    /// Cookie mode: requests carry the browser's cookies, and the session is read from the
    /// response's `claims` (its tokens stay in the server's HttpOnly cookies).
    pub fn cookie_mode(&self) -> bool {
        self.persistence == Persistence::Cookie
    }
}

/// Project ids are ASCII letters and digits only: a `:` would break `Bearer <pid>:<jwt>`, and
/// `.`, `/`, `@`, `#` would move the host through the region rule (F37).
pub fn validate_project_id(pid: &str) -> Result<(), Error> {
    if pid.is_empty() {
        return Err(Error::config("projectId is required"));
    }
    if pid.len() > MAX_PROJECT_ID_LEN {
        return Err(Error::config("projectId is too long"));
    }
    if !pid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::config(
            "projectId may contain only ASCII letters and digits",
        ));
    }
    Ok(())
}

/// `https://api.<region>.descope.com` where region = `projectId.slice(1, -27)` (core-js rule).
pub fn default_base_url(pid: &str) -> String {
    let n = pid.len();
    let region = if n > 28 {
        pid.get(1..n - 27).unwrap_or("")
    } else {
        ""
    };
    if region.is_empty() {
        "https://api.descope.com".to_string()
    } else {
        let mut s = String::from("https://api.");
        s.push_str(region);
        s.push_str(".descope.com");
        s
    }
}

/// A base URL must be absolute `https://`, or `http://` on a loopback host (the emulator), with no
/// user info, query or fragment. A trailing `/` is dropped.
pub fn validate_base_url(url: &str) -> Result<String, Error> {
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        let host_port = ascii::before(r, b'/');
        let host = match ascii::rfind(host_port, b':') {
            Some(i) if !host_port.ends_with("]") => host_port.get(..i).unwrap_or(""),
            _ => host_port,
        };
        if !crate::redirect::is_loopback_host(host) {
            return Err(Error::config(
                "baseUrl must use https (http is allowed only for loopback hosts)",
            ));
        }
        r
    } else {
        return Err(Error::config("baseUrl must start with https://"));
    };
    let host = ascii::before(rest, b'/');
    if host.is_empty() {
        return Err(Error::config("baseUrl has no host"));
    }
    if url.len() > 2048
        || url
            .bytes()
            .any(|b| b <= b' ' || b == 0x7f || b == b'?' || b == b'#' || b == b'@' || b == b'\\')
    {
        return Err(Error::config(
            "baseUrl must not contain spaces, user info, a query or a fragment",
        ));
    }
    Ok(ascii::trim_end(url, b'/').to_string())
}

/// Validates the whole config (F37). Never does I/O.
pub fn validate(input: &ConfigInput<'_>) -> Result<Config, Error> {
    let pid = input
        .project_id
        .ok_or_else(|| Error::config("projectId is required"))?;
    validate_project_id(pid)?;
    let base_url = match input.base_url {
        Some(u) => validate_base_url(u)?,
        None => default_base_url(pid),
    };
    let persistence = match input.persistence {
        None => Persistence::LocalStorage,
        Some(p) => Persistence::parse(p).ok_or_else(|| {
            Error::config(
                "persistence must be \"localStorage\", \"sessionStorage\", \"memory\" or \"cookie\"",
            )
        })?,
    };
    let storage_prefix = input.storage_prefix.unwrap_or("");
    if storage_prefix.len() > MAX_PREFIX_LEN {
        return Err(Error::config("storagePrefix is too long"));
    }
    let timeout_ms = match input.timeout_ms {
        None => DEFAULT_TIMEOUT_MS,
        Some(t) => {
            // In range, `t as u32` is exact only for whole numbers (`f64::fract` is std-only).
            if !(t >= 1.0 && t <= MAX_TIMEOUT_MS as f64) || t as u32 as f64 != t {
                return Err(Error::config(
                    "timeoutMs must be a whole number between 1 and 600000",
                ));
            }
            t as u32
        }
    };
    // A header value: a cookie name (RFC 6265 token), so nothing can break the header.
    let refresh_cookie_name = match input.refresh_cookie_name {
        None => None,
        Some(n) if (1..=MAX_PREFIX_LEN).contains(&n.len()) && n.bytes().all(is_token_byte) => {
            Some(n.to_string())
        }
        Some(_) => return Err(Error::config("refreshCookieName must be a cookie name")),
    };
    Ok(Config {
        project_id: pid.to_string(),
        base_url,
        persistence,
        storage_prefix: storage_prefix.to_string(),
        auto_refresh: input.auto_refresh.unwrap_or(true),
        timeout_ms,
        refresh_cookie_name,
    })
}

/// A byte of an RFC 7230 token (what a cookie name is made of).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Joins base and path with exactly one `/` (descope-api.md §1.1).
pub fn join_url(base: &str, path: &str, query: &[(&str, &str)]) -> String {
    let mut s = String::with_capacity(base.len() + path.len() + 1);
    s.push_str(ascii::trim_end(base, b'/'));
    s.push('/');
    s.push_str(ascii::trim_start(path, b'/'));
    for (i, (k, v)) in query.iter().enumerate() {
        s.push(if i == 0 { '?' } else { '&' });
        s.push_str(k);
        s.push('=');
        encode_uri_component(&mut s, v);
    }
    s
}

/// JS `encodeURIComponent`.
pub fn encode_uri_component(out: &mut String, v: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in v.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push('%');
            for nib in [b >> 4, b & 15] {
                out.push(HEX.get(nib as usize).map_or('0', |h| *h as char));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn cfg(pid: &str) -> ConfigInput<'_> {
        ConfigInput {
            project_id: Some(pid),
            ..Default::default()
        }
    }

    #[test]
    fn f37_bad_project_ids_are_config_errors() {
        let long = "P".repeat(65);
        for pid in [
            "",
            " ",
            " P2abc",
            "P2abc ",
            "P2a:b",
            "P2a.b",
            "P2a/b",
            "P2a@b",
            "P2a#b",
            "P2\u{e9}",
            long.as_str(),
        ] {
            let e = validate(&cfg(pid))
                .err()
                .unwrap_or_else(|| panic!("accepted {pid:?}"));
            assert_eq!(e.kind, ErrorKind::Config);
            assert_eq!(e.code, "invalidConfig");
        }
        let e = validate(&ConfigInput::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
    }

    #[test]
    fn f37_other_fields() {
        let bad = [
            ConfigInput {
                base_url: Some("ftp://x"),
                ..cfg("P2abc")
            },
            ConfigInput {
                base_url: Some("http://example.com"),
                ..cfg("P2abc")
            },
            // Plain http only for a real loopback host, not one that merely starts with "127.".
            ConfigInput {
                base_url: Some("http://127.0.0.1.evil.tld"),
                ..cfg("P2abc")
            },
            ConfigInput {
                base_url: Some("https://a@b.com"),
                ..cfg("P2abc")
            },
            ConfigInput {
                base_url: Some("https://"),
                ..cfg("P2abc")
            },
            ConfigInput {
                base_url: Some("https://x.com/?q"),
                ..cfg("P2abc")
            },
            ConfigInput {
                persistence: Some("cookies"),
                ..cfg("P2abc")
            },
            ConfigInput {
                refresh_cookie_name: Some(""),
                ..cfg("P2abc")
            },
            ConfigInput {
                refresh_cookie_name: Some("a b"),
                ..cfg("P2abc")
            },
            ConfigInput {
                refresh_cookie_name: Some("x\r\nSet-Cookie: y"),
                ..cfg("P2abc")
            },
            ConfigInput {
                timeout_ms: Some(0.0),
                ..cfg("P2abc")
            },
            ConfigInput {
                timeout_ms: Some(f64::NAN),
                ..cfg("P2abc")
            },
            ConfigInput {
                timeout_ms: Some(1.5),
                ..cfg("P2abc")
            },
            ConfigInput {
                timeout_ms: Some(1e9),
                ..cfg("P2abc")
            },
        ];
        for b in bad {
            assert_eq!(validate(&b).unwrap_err().kind, ErrorKind::Config, "{b:?}");
        }
    }

    #[test]
    fn defaults_and_region() {
        let c = validate(&cfg("P2aAc4T2V93bddihGEx2Ryhc8e5Z")).unwrap();
        assert_eq!(c.base_url, "https://api.descope.com");
        assert_eq!(c.persistence, Persistence::LocalStorage);
        assert_eq!(c.timeout_ms, 10_000);
        assert!(c.auto_refresh);
        assert!(!c.cookie_mode() && c.refresh_cookie_name.is_none());
        let c = validate(&ConfigInput {
            persistence: Some("cookie"),
            refresh_cookie_name: Some("MyRT"),
            ..cfg("P2abc")
        })
        .unwrap();
        assert!(c.cookie_mode());
        assert_eq!(c.persistence.as_str(), "cookie");
        assert_eq!(c.refresh_cookie_name.as_deref(), Some("MyRT"));
        assert_eq!(
            default_base_url("Puse12aAc4T2V93bddihGEx2Ryhc8e5Z"),
            "https://api.use1.descope.com"
        );
        let c = validate(&ConfigInput {
            base_url: Some("http://127.0.0.1:4317/"),
            ..cfg("P2abc")
        })
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:4317");
        assert!(validate(&ConfigInput {
            base_url: Some("http://localhost:80"),
            ..cfg("P2abc")
        })
        .is_ok());
    }

    #[test]
    fn joins_urls() {
        assert_eq!(
            join_url("https://a.com/", "/v1/x", &[]),
            "https://a.com/v1/x"
        );
        assert_eq!(
            join_url("https://a.com", "v1/x", &[("k", "a b&c")]),
            "https://a.com/v1/x?k=a%20b%26c"
        );
    }
}
