//! F15: any Retry-After header at any time is a delay within [1 s, 10 min], or none.
#![no_main]
use descope_core::retry_after::{parse_retry_after, MAX_RETRY_AFTER_MS, MIN_RETRY_AFTER_MS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, u64)| {
    let (header, now_ms) = input;
    if let Some(ms) = parse_retry_after(Some(header), now_ms) {
        assert!((MIN_RETRY_AFTER_MS..=MAX_RETRY_AFTER_MS).contains(&ms));
    }
});
