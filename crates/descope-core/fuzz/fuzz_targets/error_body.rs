//! F10, F14, F15: any status, error body and Retry-After header through the error mapping.
#![no_main]
use descope_core::response::error_from_response;
use descope_core::retry_after::{MAX_RETRY_AFTER_MS, MIN_RETRY_AFTER_MS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, &str, Option<&str>)| {
    let (status, body, retry_after) = input;
    let status = 100 + status % 500;
    let e = error_from_response(status, body, retry_after, 1_700_000_000_000);
    assert_eq!(e.status, Some(status));
    assert!(!e.code.is_empty() && e.code.len() <= 32);
    assert!(e.description.len() <= 300);
    if let Some(ms) = e.retry_after_ms {
        assert!((MIN_RETRY_AFTER_MS..=MAX_RETRY_AFTER_MS).contains(&ms));
    }
});
