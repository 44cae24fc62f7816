//! F03, F08, F12: any bytes through the strict JSON parser; what it accepts re-serialises to text
//! that parses to the same value, and every proper prefix of that text is truncated or complete.
#![no_main]
use descope_core::json::{parse, parse_bytes, JsonError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = parse_bytes(data) else { return };
    let text = v.to_json();
    assert_eq!(parse(&text).as_ref(), Ok(&v));
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    match parse(&text[..cut]) {
        Ok(_) | Err(JsonError::Truncated) => {}
        Err(e) => panic!("{e:?} for a prefix of valid JSON"),
    }
});
