//! F37: any project id, base URL, persistence, prefix, timeout and refresh cookie name through the
//! config check.
#![no_main]
use descope_core::config::{validate, ConfigInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (
    Option<&str>,
    Option<&str>,
    Option<&str>,
    Option<&str>,
    Option<f64>,
    Option<&str>,
)| {
    let (project_id, base_url, persistence, storage_prefix, timeout_ms, refresh_cookie_name) = input;
    let c = ConfigInput {
        project_id,
        base_url,
        persistence,
        storage_prefix,
        auto_refresh: None,
        timeout_ms,
        refresh_cookie_name,
    };
    if let Ok(cfg) = validate(&c) {
        assert!(!cfg.project_id.is_empty());
        assert!(!cfg.project_id.contains([':', '.', '/', '@', '#']));
        assert!(!cfg.base_url.ends_with('/'));
    }
});
