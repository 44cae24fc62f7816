//! Strict unpadded base64url (RFC 7515 §2, RFC 4648 §5), as used by JWT segments.
//!
//! One documented rule for F02: the input must be exactly what [`encode`] would produce. So `=` padding,
//! the standard alphabet's `+` and `/`, any whitespace, a length ≡ 1 (mod 4) and a last character with
//! non-zero unused bits are all rejected. A strict decoder means that two different strings never decode to
//! the same bytes, so a token cannot be "the same" token under two spellings.
//!
//! Checks run in a fixed order (length, then characters left to right, then the unused bits), so the same
//! input always gives the same error. The decoder never allocates more than `3 * len / 4` bytes.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(unused_imports)]
use crate::prelude::*;

/// Why a base64url string was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64Error {
    /// A byte outside `A-Z a-z 0-9 - _` (this includes `=`, `+`, `/`, whitespace and any non-ASCII).
    InvalidCharacter,
    /// The length is ≡ 1 (mod 4), which no byte string encodes to.
    InvalidLength,
    /// The last character carries non-zero bits that the decoded bytes do not use.
    NonCanonical,
}

/// The 6-bit value of a base64url character, or `None` for anything else.
#[inline]
fn value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// The base64url character for the low 6 bits of `v` (arithmetic instead of a table lookup, so there is no
/// indexing to bounds-check).
#[inline]
fn symbol(v: u32) -> char {
    let v = (v & 63) as u8;
    let c = match v {
        0..=25 => b'A' + v,
        26..=51 => b'a' + (v - 26),
        52..=61 => b'0' + (v - 52),
        62 => b'-',
        _ => b'_',
    };
    char::from(c)
}

/// Decodes strict unpadded base64url (RFC 7515 §2).
///
/// The empty string decodes to no bytes.
///
/// # Errors
/// [`Base64Error::InvalidLength`] when `input.len() % 4 == 1`; otherwise
/// [`Base64Error::InvalidCharacter`] for the first byte outside the base64url alphabet (`=`, `+`, `/`,
/// whitespace, non-ASCII); otherwise [`Base64Error::NonCanonical`] when the last character has non-zero
/// unused bits (e.g. `"QR"` instead of `"QQ"`).
pub fn decode(input: &str) -> Result<Vec<u8>, Base64Error> {
    let bytes = input.as_bytes();
    if bytes.len() % 4 == 1 {
        return Err(Base64Error::InvalidLength);
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    // A bit queue: each character adds 6 bits, each full byte leaves it.
    let mut bits: u32 = 0;
    let mut queued = 0;
    for &c in bytes {
        bits = (bits << 6) | value(c).ok_or(Base64Error::InvalidCharacter)?;
        queued += 6;
        if queued >= 8 {
            queued -= 8;
            out.push((bits >> queued) as u8);
            bits &= (1 << queued) - 1;
        }
    }
    // Bits left over after the last byte (2 or 4, after a short final group) must be zero.
    if bits != 0 {
        return Err(Base64Error::NonCanonical);
    }
    Ok(out)
}

/// Encodes bytes as unpadded base64url (RFC 7515 §2). `decode(&encode(x)) == Ok(x)` for every `x`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let (b0, b1, b2, n) = match *chunk {
            [a, b, c] => (a, b, c, 4u32),
            [a, b] => (a, b, 0, 3),
            [a] => (a, 0, 0, 2),
            _ => (0, 0, 0, 0),
        };
        let acc = u32::from_be_bytes([0, b0, b1, b2]);
        for i in 0..n {
            out.push(symbol(acc >> (18 - 6 * i)));
        }
    }
    out
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc4648_vectors_unpadded() {
        let cases: [(&str, &str); 7] = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, enc) in cases {
            assert_eq!(encode(plain.as_bytes()), enc);
            assert_eq!(decode(enc).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn url_alphabet_for_62_and_63() {
        // 0xfb 0xff 0xbf → "-_-_": the characters that the standard alphabet spells "+/+/".
        assert_eq!(encode(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(decode("-_-_").unwrap(), vec![0xfb, 0xff, 0xbf]);
        assert_eq!(encode(&[0xff; 6]), "________");
        assert_eq!(encode(&[0, 0, 0]), "AAAA");
    }

    #[test]
    fn jwt_header_decodes() {
        let h = decode("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9").unwrap();
        assert_eq!(h, br#"{"alg":"RS256","typ":"JWT"}"#);
    }

    #[test]
    fn f02_padding_rejected() {
        assert_eq!(decode("Zg=="), Err(Base64Error::InvalidCharacter));
        assert_eq!(decode("Zm8="), Err(Base64Error::InvalidCharacter));
        assert_eq!(decode("Zm9vYg=="), Err(Base64Error::InvalidCharacter));
        // "Zg=" has length 3 (not ≡ 1), so it is the '=' that is reported.
        assert_eq!(decode("Zg="), Err(Base64Error::InvalidCharacter));
        assert_eq!(decode("="), Err(Base64Error::InvalidLength));
        assert_eq!(decode("=="), Err(Base64Error::InvalidCharacter));
    }

    #[test]
    fn f02_standard_alphabet_rejected() {
        assert_eq!(decode("+/+/"), Err(Base64Error::InvalidCharacter));
        assert_eq!(decode("ab+c"), Err(Base64Error::InvalidCharacter));
        assert_eq!(decode("ab/c"), Err(Base64Error::InvalidCharacter));
    }

    #[test]
    fn f02_whitespace_rejected() {
        for s in [
            "Zm9v\nYmFy",
            "Zm9v YmFy",
            "Zm9vYmFy\n",
            " Zm9vYmFy",
            "Zm9v\tYmF",
            "Zm9v\r\nYmFy",
            "Zm9vYmFy ",
        ] {
            assert!(decode(s).is_err(), "{s:?}");
        }
        assert_eq!(decode("Zm9v Ym"), Err(Base64Error::InvalidCharacter)); // 7 bytes
        assert_eq!(decode("Zm9vYmFy\n"), Err(Base64Error::InvalidLength)); // 9 bytes ≡ 1
        assert_eq!(decode("Zm9vYmF\n"), Err(Base64Error::InvalidCharacter));
    }

    #[test]
    fn f02_length_one_mod_four_rejected() {
        for s in ["A", "Zm9vY", "Zm9vYmFyZ", "AAAAAAAAA"] {
            assert_eq!(decode(s), Err(Base64Error::InvalidLength), "{s:?}");
        }
        // Length is checked before characters, so the result does not depend on where a bad byte is.
        assert_eq!(decode("+"), Err(Base64Error::InvalidLength));
    }

    #[test]
    fn f02_non_canonical_last_character_rejected() {
        // "Zg" is canonical for "f"; "Zh".."Zv" set unused low bits.
        assert_eq!(decode("Zg").unwrap(), b"f");
        for s in ["Zh", "Zi", "Zv", "Z_"] {
            assert_eq!(decode(s), Err(Base64Error::NonCanonical), "{s:?}");
        }
        // Three characters: 2 unused bits. "Zm8" is canonical for "fo"; "Zm9" is not.
        assert_eq!(decode("Zm8").unwrap(), b"fo");
        assert_eq!(decode("Zm9"), Err(Base64Error::NonCanonical));
        assert_eq!(decode("Zm-"), Err(Base64Error::NonCanonical));
        // Non-canonical tail after a full block.
        assert_eq!(decode("Zm9vYh"), Err(Base64Error::NonCanonical));
    }

    #[test]
    fn f02_non_ascii_rejected_without_panic() {
        for s in ["é", "Zm9vé", "Zm\u{0}v", "ZmＡv", "😀😀", "\u{feff}Zm9v"] {
            assert!(decode(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn f02_same_result_every_time() {
        for s in ["Zg==", "Zh", "Zm9vY", "a b", ""] {
            assert_eq!(decode(s), decode(s));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// F02 / G8: decode(encode(x)) == x.
        #[test]
        fn prop_f02_roundtrip(bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
            let enc = encode(&bytes);
            prop_assert_eq!(enc.len(), (bytes.len() * 4).div_ceil(3));
            prop_assert_eq!(decode(&enc), Ok(bytes));
        }

        /// F02: decode never panics on arbitrary strings, and whatever it accepts is canonical
        /// (re-encoding gives back the exact input), so one byte string has exactly one spelling.
        #[test]
        fn prop_f02_decode_total_and_canonical(s in "\\PC{0,40}|[A-Za-z0-9_=+/ \n-]{0,40}") {
            if let Ok(bytes) = decode(&s) {
                prop_assert_eq!(encode(&bytes), s);
            }
        }

        /// F02: over the exact alphabet, only length ≡ 1 and non-canonical tails are rejected.
        #[test]
        fn prop_f02_alphabet_strings(s in "[A-Za-z0-9_-]{0,40}") {
            match decode(&s) {
                Ok(bytes) => prop_assert_eq!(encode(&bytes), s),
                Err(Base64Error::InvalidLength) => prop_assert_eq!(s.len() % 4, 1),
                Err(Base64Error::NonCanonical) => prop_assert!(s.len() % 4 >= 2),
                Err(Base64Error::InvalidCharacter) => prop_assert!(false, "alphabet char rejected"),
            }
        }
    }
}
