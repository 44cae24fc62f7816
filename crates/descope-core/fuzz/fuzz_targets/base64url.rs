//! F02: strict unpadded base64url. What decodes re-encodes to the same text; any bytes round-trip.
#![no_main]
use descope_core::base64url::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(bytes) = decode(text) {
            assert_eq!(encode(&bytes), text);
        }
    }
    assert_eq!(decode(&encode(data)).as_deref(), Ok(data));
});
