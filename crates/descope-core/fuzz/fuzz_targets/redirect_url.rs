//! F39: any redirect URL through the check; what passes is absolute http(s) with a clean host.
#![no_main]
use descope_core::redirect::{validate_redirect_url, MAX_REDIRECT_URL_BYTES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|url: &str| {
    if validate_redirect_url(url).is_ok() {
        assert!(url.len() <= MAX_REDIRECT_URL_BYTES);
        assert!(url.starts_with("https://") || url.starts_with("http://"));
        assert!(!url.bytes().any(|b| b <= b' ' || b >= 0x7f || b == b'\\'));
        let rest = url.split_once("://").map_or("", |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        assert!(!authority.contains('@'), "user info accepted: {url:?}");
        assert!(!authority.is_empty());
    }
});
