//! A small strict RFC 8259 JSON parser and writer, sized for the wasm build (no serde, no float code).
//!
//! Strictness is deliberate (F03): whatever this parser accepts, every conforming parser reads the same
//! way. So it rejects duplicate keys (two parsers could pick different `exp` values), lone surrogate
//! escapes, a leading BOM and trailing text, and it bounds depth and input size (F08) so hostile input
//! costs bounded stack, memory and time. Numbers are kept as their validated source text ([`Number`]);
//! callers that need an integer use [`Number::as_i64`], which refuses fractions, exponents and overflow.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(unused_imports)]
use crate::prelude::*;

/// A parsed JSON value. Object members keep their source order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// A JSON number kept as its validated source text, so no float code is linked in.
#[derive(Debug, Clone, PartialEq)]
pub struct Number(String);

impl Number {
    /// The value as an `i64`, only for plain integers (no fraction, no exponent) that fit without
    /// overflow. `1.0`, `1e3`, `1e308` and `9223372036854775808` all give `None`; `-0` gives `Some(0)`.
    pub fn as_i64(&self) -> Option<i64> {
        // The text is a validated JSON number; a plain integer is `-?(0|[1-9][0-9]*)`.
        parse_i64(&self.0)
    }

    /// The number's JSON source text, exactly as it appeared in the input.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A decimal integer `-?[0-9]+` that fits an `i64`; anything else is `None`. Read by hand rather
/// than with `str::parse::<i64>` (its generic parser is about 500 B of wasm). Negative numbers
/// accumulate downwards, so `i64::MIN` fits; overflow either way is `None`.
pub fn parse_i64(text: &str) -> Option<i64> {
    let (neg, digits) = match text.strip_prefix("-") {
        Some(d) => (true, d),
        None => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        let d = i64::from(b - b'0');
        v = v.checked_mul(10)?;
        v = if neg {
            v.checked_sub(d)?
        } else {
            v.checked_add(d)?
        };
    }
    Some(v)
}

/// Why a JSON text was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// Not JSON: unexpected character or end of input, bad number, bad escape, raw control character
    /// in a string, a leading BOM.
    Syntax,
    /// Arrays/objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The same key twice in one object.
    DuplicateKey,
    /// The input is longer than [`MAX_INPUT_BYTES`].
    TooLarge,
    /// Invalid UTF-8 ([`parse_bytes`]) or a `\u` escape that is a lone surrogate.
    InvalidUnicode,
    /// Non-whitespace after the first complete value.
    TrailingCharacters,
    /// The input ended inside a value (`{"a":`, `"ab`, `[1,`, `tr`, empty input): a prefix of JSON
    /// text rather than text that is not JSON, which is how a body cut short in transit looks (F12).
    Truncated,
}

/// Deepest nesting of arrays and objects accepted; `[]` is depth 1.
pub const MAX_DEPTH: usize = 64;
/// Largest input accepted, in bytes (checked before anything else).
pub const MAX_INPUT_BYTES: usize = 1 << 20; // 1 MiB

/// Objects with more members than this are checked for duplicate keys by sorting (O(n log n)) instead
/// of a linear scan per member, so 100,000-member objects stay fast (F08).
const LINEAR_DUP_CHECK_MAX: usize = 16;

/// Parses one JSON value (any type: callers check that it is an object when they need one).
///
/// # Errors
/// [`JsonError::TooLarge`] first when `input` exceeds [`MAX_INPUT_BYTES`]; otherwise the first problem
/// found left to right (see [`JsonError`]).
pub fn parse(input: &str) -> Result<Value, JsonError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(JsonError::TooLarge);
    }
    let mut p = Parser {
        src: input,
        b: input.as_bytes(),
        pos: 0,
    };
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos < p.b.len() {
        return Err(JsonError::TrailingCharacters);
    }
    Ok(v)
}

/// Like [`parse`], for raw bytes (e.g. a decoded JWT segment).
///
/// # Errors
/// [`JsonError::TooLarge`] first, then [`JsonError::InvalidUnicode`] for invalid UTF-8, then as [`parse`].
pub fn parse_bytes(input: &[u8]) -> Result<Value, JsonError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(JsonError::TooLarge);
    }
    let s = core::str::from_utf8(input).map_err(|_| JsonError::InvalidUnicode)?;
    parse(s)
}

/// Whether two members share a key, in O(n log n): heapsort the borrowed keys, then compare neighbours.
/// (Hand-written rather than `sort_unstable`, which costs ≈3.5 KB of wasm; heapsort needs no scratch
/// buffer and no recursion.)
fn has_duplicate_key(members: &[(String, Value)]) -> bool {
    let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    let n = keys.len();
    for root in (0..n / 2).rev() {
        sift_down(&mut keys, root, n);
    }
    for end in (1..n).rev() {
        // The largest key goes after the heap, which shrinks by one.
        if let Some([largest, .., last]) = keys.get_mut(..end + 1) {
            core::mem::swap(largest, last);
        }
        sift_down(&mut keys, 0, end);
    }
    keys.windows(2).any(|pair| pair.first() == pair.get(1))
}

/// Restores the max-heap order of `heap[..end]` below `root`.
fn sift_down(heap: &mut [&str], mut root: usize, end: usize) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && heap.get(child) < heap.get(child + 1) {
            child += 1;
        }
        if heap.get(root) >= heap.get(child) {
            return;
        }
        if let Some([parent, .., larger]) = heap.get_mut(root..child + 1) {
            core::mem::swap(parent, larger);
        }
        root = child;
    }
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// The error for an unexpected byte at `pos`, or for none at all: truncation (F12).
    fn unexpected(&self) -> JsonError {
        if self.pos >= self.b.len() {
            JsonError::Truncated
        } else {
            JsonError::Syntax
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_lit(&mut self, lit: &[u8]) -> Result<(), JsonError> {
        let rest = self.b.get(self.pos..).unwrap_or_default();
        if rest.starts_with(lit) {
            self.pos += lit.len();
            Ok(())
        } else if lit.starts_with(rest) {
            // `tr` at the very end is a cut-off `true`.
            Err(JsonError::Truncated)
        } else {
            Err(JsonError::Syntax)
        }
    }

    /// Parses a value whose enclosing containers are `depth` deep. Recursion is bounded by
    /// [`MAX_DEPTH`], so a 10,000-deep input stops at level 65 with `TooDeep` (no stack overflow).
    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.skip_ws();
        match self.peek().ok_or(JsonError::Truncated)? {
            b'{' | b'[' if depth >= MAX_DEPTH => Err(JsonError::TooDeep),
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::String),
            b't' => self.expect_lit(b"true").map(|()| Value::Bool(true)),
            b'f' => self.expect_lit(b"false").map(|()| Value::Bool(false)),
            b'n' => self.expect_lit(b"null").map(|()| Value::Null),
            b'-' | b'0'..=b'9' => self.number().map(Value::Number),
            _ => Err(JsonError::Syntax),
        }
    }

    /// Consumes `b` if it comes next after whitespace.
    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        let found = self.peek() == Some(b);
        if found {
            self.pos += 1;
        }
        found
    }

    /// Consumes `b`, which must come next after whitespace.
    fn expect(&mut self, b: u8) -> Result<(), JsonError> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        if !self.eat(b']') {
            loop {
                items.push(self.value(depth)?);
                if self.eat(b']') {
                    break;
                }
                self.expect(b',')?;
            }
        }
        Ok(Value::Array(items))
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.pos += 1; // '{'
        let mut members: Vec<(String, Value)> = Vec::new();
        if !self.eat(b'}') {
            loop {
                self.skip_ws();
                if self.peek() != Some(b'"') {
                    return Err(self.unexpected());
                }
                let key = self.string()?;
                if members.len() < LINEAR_DUP_CHECK_MAX && members.iter().any(|(k, _)| *k == key) {
                    return Err(JsonError::DuplicateKey);
                }
                self.expect(b':')?;
                let v = self.value(depth)?;
                members.push((key, v));
                if self.eat(b'}') {
                    break;
                }
                self.expect(b',')?;
            }
        }
        if members.len() > LINEAR_DUP_CHECK_MAX && has_duplicate_key(&members) {
            return Err(JsonError::DuplicateKey);
        }
        Ok(Value::Object(members))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let c = self.next().ok_or(JsonError::Truncated)?;
            let d = char::from(c).to_digit(16).ok_or(JsonError::Syntax)?;
            v = (v << 4) | d;
        }
        Ok(v)
    }

    /// Parses a string starting at its opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // '"'
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let c = self.peek().ok_or(JsonError::Truncated)?;
            match c {
                b'"' | b'\\' => {
                    // Flush the unescaped run; it ends at an ASCII byte, so it is a char boundary.
                    out.push_str(self.src.get(run..self.pos).ok_or(JsonError::Syntax)?);
                    self.pos += 1;
                    if c == b'"' {
                        return Ok(out);
                    }
                    self.escape(&mut out)?;
                    run = self.pos;
                }
                0x00..=0x1f => return Err(JsonError::Syntax),
                _ => self.pos += 1,
            }
        }
    }

    /// Parses the escape after a backslash into `out`.
    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let c = match self.next().ok_or(JsonError::Truncated)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                let cp = match hi {
                    0xD800..=0xDBFF => {
                        // A high surrogate must be followed by an escaped low surrogate (or the
                        // input ends first: truncation, not bad Unicode).
                        match self.b.get(self.pos..).unwrap_or_default() {
                            [b'\\', b'u', ..] => self.pos += 2,
                            [] | [b'\\'] => return Err(JsonError::Truncated),
                            _ => return Err(JsonError::InvalidUnicode),
                        }
                        let lo = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return Err(JsonError::InvalidUnicode);
                        }
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    _ => hi, // a lone low surrogate fails in from_u32 below
                };
                char::from_u32(cp).ok_or(JsonError::InvalidUnicode)?
            }
            _ => return Err(JsonError::Syntax),
        };
        out.push(c);
        Ok(())
    }

    /// Validates `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` and keeps its text.
    fn number(&mut self) -> Result<Number, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.next() {
            Some(b'0') => {
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(JsonError::Syntax); // leading zero
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            None => return Err(JsonError::Truncated),
            _ => return Err(JsonError::Syntax),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits1()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits1()?;
        }
        let text = self.src.get(start..self.pos).ok_or(JsonError::Syntax)?;
        Ok(Number(text.into()))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn digits1(&mut self) -> Result<(), JsonError> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            Err(self.unexpected())
        } else {
            Ok(())
        }
    }
}

impl Value {
    /// The member `key` of an object; `None` for a missing key or a value that is not an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if this is a number written as a plain integer that fits an `i64` (see
    /// [`Number::as_i64`]).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The members in source order, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Compact JSON text of this value (numbers written back as their source text).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => out.push_str(&n.0),
            Value::String(s) => write_string(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Appends `s` as a quoted, escaped JSON string.
///
/// Escapes `"`, `\` and the C0 controls (`\n`, `\r`, `\t`, `\b`, `\f`, others as `\u00XX`); every other
/// character, including 4-byte ones, is copied byte-for-byte (F38: login IDs are sent as given, never
/// normalised). The output is valid JSON that `JSON.parse` reads back as `s`.
pub fn write_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices are on char boundaries.
        out.push_str(s.get(run..i).unwrap_or_default());
        if esc.is_empty() {
            out.push_str("\\u00");
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0xf));
        } else {
            out.push_str(esc);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

#[inline]
fn hex_digit(v: u8) -> char {
    char::from(if v < 10 { b'0' + v } else { b'a' + (v - 10) })
}

/// Small builder for the JSON objects used as request bodies. Keys are written in call order; the
/// caller is responsible for not repeating a key.
#[derive(Debug, Clone)]
pub struct ObjectWriter {
    buf: String,
}

impl ObjectWriter {
    /// An empty object.
    pub fn new() -> Self {
        ObjectWriter {
            buf: String::from("{"),
        }
    }

    fn key(&mut self, key: &str) {
        if self.buf.len() > 1 {
            self.buf.push(',');
        }
        write_string(&mut self.buf, key);
        self.buf.push(':');
    }

    /// Adds `"key":"value"` (escaped).
    pub fn string(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        write_string(&mut self.buf, value);
        self
    }

    /// Adds `"key":"value"` when `value` is `Some`; adds nothing when `None`.
    pub fn opt_string(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.string(key, v);
        }
        self
    }

    /// Adds `"key":true|false`.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key);
        self.buf.push_str(if value { "true" } else { "false" });
        self
    }

    /// Adds `"key":<json>` where `json` is already JSON text (the caller guarantees it is valid).
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key);
        self.buf.push_str(json);
        self
    }

    /// Adds `"key":["a","b",...]`.
    pub fn string_array<S: AsRef<str>>(&mut self, key: &str, values: &[S]) -> &mut Self {
        self.key(key);
        self.buf.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            write_string(&mut self.buf, v.as_ref());
        }
        self.buf.push(']');
        self
    }

    /// Adds the members of `other` after these.
    pub fn append(&mut self, other: ObjectWriter) {
        if let Some(members) = other.buf.get(1..).filter(|m| !m.is_empty()) {
            if !self.is_empty() {
                self.buf.push(',');
            }
            self.buf.push_str(members);
        }
    }

    /// Whether nothing was added yet.
    pub fn is_empty(&self) -> bool {
        self.buf.len() == 1
    }

    /// The finished object text: `"{...}"`, or `"{}"` when nothing was added.
    pub fn finish(mut self) -> String {
        self.buf.push('}');
        self.buf
    }
}

impl Default for ObjectWriter {
    fn default() -> Self {
        Self::new()
    }
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

    fn num(s: &str) -> Value {
        Value::Number(Number(s.into()))
    }

    fn obj(members: &[(&str, Value)]) -> Value {
        Value::Object(
            members
                .iter()
                .map(|(k, v)| ((*k).into(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn scalars() {
        assert_eq!(parse("null"), Ok(Value::Null));
        assert_eq!(parse("true"), Ok(Value::Bool(true)));
        assert_eq!(parse("false"), Ok(Value::Bool(false)));
        assert_eq!(parse(" \t\r\n0 \n"), Ok(num("0")));
        assert_eq!(parse("\"x\""), Ok(Value::String("x".into())));
        assert_eq!(parse("-12.5e+3"), Ok(num("-12.5e+3")));
    }

    #[test]
    fn containers_keep_order() {
        let v = parse(r#" { "b" : [1, {"c": null}, []], "a": {} , "e":"" } "#).unwrap();
        assert_eq!(
            v,
            obj(&[
                (
                    "b",
                    Value::Array(vec![
                        num("1"),
                        obj(&[("c", Value::Null)]),
                        Value::Array(vec![])
                    ])
                ),
                ("a", obj(&[])),
                ("e", Value::String(String::new())),
            ])
        );
        assert_eq!(v.to_json(), r#"{"b":[1,{"c":null},[]],"a":{},"e":""}"#);
    }

    #[test]
    fn syntax_errors() {
        for s in [
            "",
            " ",
            "nul",
            "nulll",
            "True",
            "[",
            "]",
            "[1,]",
            "[,1]",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{a:1}",
            "{'a':1}",
            "'a'",
            "\"abc",
            "\"a\\x\"",
            "\"\\u12\"",
            "\"\\u12G4\"",
            "01",
            "-01",
            "+1",
            "-",
            "1.",
            ".1",
            "1e",
            "1e+",
            "1.e5",
            "-.5",
            "NaN",
            "Infinity",
            "-Infinity",
            "0x10",
            "[1 2]",
            "{\"a\" 1}",
            "{\"a\":1 \"b\":2}",
            "\"tab\there\"",
            "\"nl\nhere\"",
            "\"\u{0}\"",
            "/* c */ 1",
            "\u{a0}1",
        ] {
            let r = parse(s);
            assert!(
                matches!(
                    r,
                    Err(JsonError::Syntax | JsonError::TrailingCharacters | JsonError::Truncated)
                ),
                "{s:?} → {r:?}"
            );
        }
        assert_eq!(parse("01"), Err(JsonError::Syntax));
        assert_eq!(parse(""), Err(JsonError::Truncated));
    }

    #[test]
    fn f03_trailing_characters() {
        for s in [
            "1 2",
            "{} {}",
            "[]]",
            "null x",
            "\"a\"\"b\"",
            "{}\u{0}",
            "true,",
        ] {
            assert_eq!(parse(s), Err(JsonError::TrailingCharacters), "{s:?}");
        }
        assert_eq!(parse("{}  \n\t\r "), Ok(obj(&[])));
    }

    #[test]
    fn escapes_and_unicode() {
        let v = parse(r#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00\u0000""#).unwrap();
        assert_eq!(v.as_str(), Some("\"\\/\u{8}\u{c}\n\r\tAé€😀\u{0}"));
        // Raw non-ASCII, including 4-byte characters, passes through.
        assert_eq!(
            parse("\"é😀\u{202e}\u{200b}\"").unwrap().as_str(),
            Some("é😀\u{202e}\u{200b}")
        );
        // Uppercase hex accepted.
        assert_eq!(parse(r#""\uD83D\uDE00""#).unwrap().as_str(), Some("😀"));
    }

    #[test]
    fn f03_lone_surrogates_rejected() {
        for s in [
            r#""\ud800""#,
            r#""\ud800x""#,
            r#""\udbff\u0041""#,
            r#""\ud800\ud800""#,
            r#""\udc00""#,
            r#""\ude00\ud83d""#,
            r#""\ud800\n""#,
            r#"{"\ud800":1}"#,
            r#"["a","\udfff"]"#,
        ] {
            assert_eq!(parse(s), Err(JsonError::InvalidUnicode), "{s}");
        }
        // Truncated surrogate pair: the escape itself is malformed.
        assert_eq!(parse(r#""\ud800\u12""#), Err(JsonError::Syntax));
    }

    #[test]
    fn f03_bom_rejected() {
        assert_eq!(parse("\u{feff}{}"), Err(JsonError::Syntax));
        assert_eq!(parse_bytes(b"\xef\xbb\xbf{}"), Err(JsonError::Syntax));
        // A BOM inside a string is just a character.
        assert_eq!(parse("\"\u{feff}\"").unwrap().as_str(), Some("\u{feff}"));
    }

    #[test]
    fn f03_invalid_utf8_rejected() {
        for b in [
            &b"\"\xff\""[..],
            b"{\"a\":\"\xc3\"}",
            b"\"\xed\xa0\x80\"",     // UTF-8-encoded surrogate (CESU-8)
            b"\"\xc0\xaf\"",         // overlong '/'
            b"\"\xf4\x90\x80\x80\"", // above U+10FFFF
            b"\x80",
        ] {
            assert_eq!(parse_bytes(b), Err(JsonError::InvalidUnicode), "{b:?}");
        }
        assert_eq!(
            parse_bytes("{\"é\":\"😀\"}".as_bytes())
                .unwrap()
                .get("é")
                .unwrap()
                .as_str(),
            Some("😀")
        );
    }

    #[test]
    fn f03_not_an_object_is_still_a_value() {
        // The parser accepts any JSON value; callers (JWT, records) require objects.
        assert_eq!(parse("[]"), Ok(Value::Array(vec![])));
        assert_eq!(parse("\"x\""), Ok(Value::String("x".into())));
        assert_eq!(parse("null").unwrap().as_object(), None);
        assert_eq!(parse("[]").unwrap().get("exp"), None);
    }

    #[test]
    fn f03_depth_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let too = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse(&too), Err(JsonError::TooDeep));
        let mut objs = String::new();
        for _ in 0..MAX_DEPTH {
            objs.push_str("{\"a\":");
        }
        objs.push('1');
        objs.push_str(&"}".repeat(MAX_DEPTH));
        assert!(parse(&objs).is_ok());
        let deeper = format!("{{\"a\":{objs}}}");
        assert_eq!(parse(&deeper), Err(JsonError::TooDeep));
    }

    #[test]
    fn f03_ten_thousand_deep_no_stack_overflow() {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let s = format!("{}{}", open.repeat(10_000), close.repeat(10_000));
            assert_eq!(parse(&s), Err(JsonError::TooDeep));
            // Unclosed too.
            assert_eq!(parse(&open.repeat(10_000)), Err(JsonError::TooDeep));
        }
        // Run on a small thread stack to make sure the bounded recursion really is small.
        let h = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(|| parse(&"[".repeat(100_000)))
            .unwrap();
        assert_eq!(h.join().unwrap(), Err(JsonError::TooDeep));
    }

    #[test]
    fn f03_duplicate_keys_rejected() {
        assert_eq!(
            parse(r#"{"exp":1,"exp":9e9}"#),
            Err(JsonError::DuplicateKey)
        );
        assert_eq!(
            parse(r#"{"a":1,"b":2,"a":3}"#),
            Err(JsonError::DuplicateKey)
        );
        // Same key after unescaping is still a duplicate.
        assert_eq!(
            parse(r#"{"exp":1,"\u0065xp":2}"#),
            Err(JsonError::DuplicateKey)
        );
        // Nested objects have their own key spaces.
        assert!(parse(r#"{"a":{"a":1},"b":{"a":2}}"#).is_ok());
        assert_eq!(
            parse(r#"{"a":{"x":1,"x":2}}"#),
            Err(JsonError::DuplicateKey)
        );
        assert_eq!(parse(r#"[{"x":1,"x":1}]"#), Err(JsonError::DuplicateKey));
        // Keys differing by case are distinct.
        assert!(parse(r#"{"exp":1,"Exp":2}"#).is_ok());
    }

    #[test]
    fn f03_f08_duplicate_keys_in_large_objects() {
        let mut s = String::from("{");
        for i in 0..1000 {
            s.push_str(&format!("\"k{i}\":{i},"));
        }
        let base = s.clone();
        s.push_str("\"end\":0}");
        assert_eq!(parse(&s).unwrap().as_object().unwrap().len(), 1001);
        // Duplicate of an early key (checked linearly) and of a late key (checked by sorting).
        assert_eq!(
            parse(&format!("{base}\"k3\":0}}")),
            Err(JsonError::DuplicateKey)
        );
        assert_eq!(
            parse(&format!("{base}\"k999\":0}}")),
            Err(JsonError::DuplicateKey)
        );
        assert_eq!(
            parse(&format!("{base}\"k500\":0}}")),
            Err(JsonError::DuplicateKey)
        );
    }

    #[test]
    fn f12_input_ending_inside_a_value_is_truncated() {
        for cut in [
            "",
            " ",
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\":1",
            "{\"a\":1,",
            "[",
            "[1,",
            "[1",
            "\"ab",
            "\"a\\",
            "\"\\u00",
            "\"\\ud83d",
            "\"\\ud83d\\",
            "t",
            "tru",
            "nul",
            "-",
            "1.",
            "1e",
            "1e+",
            "{\"sessionJwt\":\"eyJhbGciOi",
        ] {
            assert_eq!(parse(cut), Err(JsonError::Truncated), "{cut:?}");
        }
        // Text that is not JSON stays a syntax error, wherever it stops.
        for bad in ["<html>", "{\"a\" 1}", "trux", "[1,]", "{\"a\":1}}", "nulll"] {
            assert_ne!(parse(bad), Err(JsonError::Truncated), "{bad:?}");
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse("\"\\ud83d\""), Err(JsonError::InvalidUnicode));
    }

    #[test]
    fn f08_size_limit_checked_first() {
        let big = " ".repeat(MAX_INPUT_BYTES + 1);
        assert_eq!(parse(&big), Err(JsonError::TooLarge));
        // Even when the content is also invalid UTF-8 or deeply nested.
        assert_eq!(
            parse_bytes(&vec![0xff; MAX_INPUT_BYTES + 1]),
            Err(JsonError::TooLarge)
        );
        assert_eq!(
            parse(&"[".repeat(MAX_INPUT_BYTES + 1)),
            Err(JsonError::TooLarge)
        );
        // Exactly the limit is allowed.
        let mut s = String::from("\"");
        s.push_str(&"a".repeat(MAX_INPUT_BYTES - 2));
        s.push('"');
        assert_eq!(s.len(), MAX_INPUT_BYTES);
        assert_eq!(
            parse(&s).unwrap().as_str().map(str::len),
            Some(MAX_INPUT_BYTES - 2)
        );
    }

    #[test]
    fn f08_large_inputs_are_fast() {
        // 100,000 tenant entries (F08) within the 1 MiB cap: must parse in linear-ish time.
        let mut s = String::from("{\"tenants\":[");
        for i in 0..100_000 {
            if i > 0 {
                s.push(',');
            }
            s.push_str("\"t\"");
        }
        s.push_str("]}");
        let t = std::time::Instant::now();
        let v = parse(&s).unwrap();
        assert_eq!(v.get("tenants").unwrap().as_array().unwrap().len(), 100_000);
        // A 1 MiB object with ~100,000 distinct keys (duplicate check must not be quadratic).
        let mut o = String::from("{");
        let mut i = 0;
        while o.len() < MAX_INPUT_BYTES - 20 {
            if i > 0 {
                o.push(',');
            }
            o.push_str(&format!("\"{i}\":0"));
            i += 1;
        }
        o.push('}');
        assert!(parse(&o).is_ok());
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
    }

    #[test]
    fn f05_number_as_i64() {
        let cases: [(&str, Option<i64>); 16] = [
            ("0", Some(0)),
            ("-0", Some(0)),
            ("1", Some(1)),
            ("-1", Some(-1)),
            ("1700000000", Some(1_700_000_000)),
            ("1700000000000", Some(1_700_000_000_000)), // ms instead of s: caller's range check
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("9223372036854775808", None),
            ("-9223372036854775809", None),
            ("99999999999999999999999999", None),
            ("1.5", None),
            ("1.0", None),
            ("1e3", None),
            ("1e308", None),
            ("9e9", None),
        ];
        for (s, want) in cases {
            let v = parse(s).unwrap();
            assert_eq!(v.as_i64(), want, "{s}");
            if let Value::Number(n) = &v {
                assert_eq!(n.as_str(), s);
            }
        }
        assert_eq!(parse("1E3").unwrap().as_i64(), None);
        assert_eq!(parse("\"5\"").unwrap().as_i64(), None); // F05: string exp is not a number
        assert_eq!(parse("true").unwrap().as_i64(), None);
        assert_eq!(parse("null").unwrap().as_i64(), None);
        // Numbers are written back exactly as read, never re-formatted through a float.
        assert_eq!(
            parse("[1e308,-0.000,1E-7]").unwrap().to_json(),
            "[1e308,-0.000,1E-7]"
        );
    }

    #[test]
    fn f14_error_bodies_parse_as_values() {
        assert_eq!(parse("null"), Ok(Value::Null));
        assert!(parse("null").unwrap().is_null());
        assert_eq!(parse("[]").unwrap().as_array(), Some(&[][..]));
        let v = parse(r#"{"errorCode":123}"#).unwrap();
        assert_eq!(v.get("errorCode").unwrap().as_str(), None);
        assert_eq!(v.get("errorCode").unwrap().as_i64(), Some(123));
        assert_eq!(v.get("errorDescription"), None);
        assert_eq!(
            parse(r#"{"errorCode":"E061301","errorDescription":"x"}"#)
                .unwrap()
                .get("errorCode")
                .unwrap()
                .as_str(),
            Some("E061301")
        );
        // F10: HTML is not JSON.
        assert_eq!(parse("<!DOCTYPE html><html>"), Err(JsonError::Syntax));
    }

    #[test]
    fn accessors() {
        let v = parse(r#"{"s":"x","b":true,"n":7,"a":[1],"o":{"k":null},"z":null}"#).unwrap();
        assert_eq!(v.get("s").unwrap().as_str(), Some("x"));
        assert_eq!(v.get("b").unwrap().as_bool(), Some(true));
        assert_eq!(v.get("n").unwrap().as_i64(), Some(7));
        assert_eq!(v.get("a").unwrap().as_array().unwrap().len(), 1);
        assert!(v.get("o").unwrap().get("k").unwrap().is_null());
        assert!(v.get("z").unwrap().is_null());
        assert_eq!(v.get("missing"), None);
        assert_eq!(v.get("s").unwrap().get("x"), None);
        assert_eq!(v.get("s").unwrap().as_bool(), None);
        assert_eq!(v.get("b").unwrap().as_str(), None);
        assert_eq!(v.get("a").unwrap().as_object(), None);
        assert_eq!(v.get("o").unwrap().as_array(), None);
        assert!(!v.get("b").unwrap().is_null());
        assert_eq!(v.as_object().unwrap().len(), 6);
    }

    #[test]
    fn f38_write_string_escapes() {
        let mut out = String::new();
        write_string(
            &mut out,
            "a\"b\\c\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}/é😀\u{2028}\u{202e}\u{200b}",
        );
        assert_eq!(
            out,
            "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u001f\u{7f}/é😀\u{2028}\u{202e}\u{200b}\""
        );
        let mut empty = String::from("prefix:");
        write_string(&mut empty, "");
        assert_eq!(empty, "prefix:\"\"");
    }

    #[test]
    fn f38_unicode_login_ids_sent_byte_for_byte() {
        // NFC vs NFD stay distinct; spaces, zero-width and RTL override are kept; 1 KB IDs are fine.
        let long = "é".repeat(512);
        for id in [
            "caf\u{e9}",
            "cafe\u{301}",
            " user@example.com ",
            "a\u{200b}b",
            "\u{202e}moc.evil",
            "😀@例え.jp",
            long.as_str(),
        ] {
            let mut out = String::new();
            write_string(&mut out, id);
            assert_eq!(parse(&out).unwrap().as_str(), Some(id));
            assert_eq!(&out[1..out.len() - 1], id, "no escaping needed for {id:?}");
        }
    }

    #[test]
    fn object_writer() {
        assert_eq!(ObjectWriter::new().finish(), "{}");
        assert_eq!(ObjectWriter::default().finish(), "{}");
        let mut w = ObjectWriter::new();
        w.string("loginId", "a\"b")
            .opt_string("skipped", None)
            .opt_string("name", Some("Zoë 😀"))
            .bool("crossDevice", true)
            .bool("x", false)
            .raw("loginOptions", r#"{"stepup":false}"#)
            .string_array("tenants", &["t1", "t\n2"])
            .string_array::<&str>("none", &[]);
        let s = w.finish();
        assert_eq!(
            s,
            r#"{"loginId":"a\"b","name":"Zoë 😀","crossDevice":true,"x":false,"loginOptions":{"stepup":false},"tenants":["t1","t\n2"],"none":[]}"#
        );
        let v = parse(&s).unwrap();
        assert_eq!(v.get("loginId").unwrap().as_str(), Some("a\"b"));
        assert_eq!(v.get("skipped"), None);
        let mut only_none = ObjectWriter::new();
        only_none.opt_string("a", None);
        assert!(only_none.is_empty());
        assert_eq!(only_none.finish(), "{}");
        // `append`: the other's members after these, with one comma where both have some.
        let writer = |keys: &[&str]| {
            let mut w = ObjectWriter::new();
            for k in keys {
                w.bool(k, true);
            }
            w
        };
        for (a, b, joined) in [
            (
                &["a"][..],
                &["b", "c"][..],
                r#"{"a":true,"b":true,"c":true}"#,
            ),
            (&[], &["b"], r#"{"b":true}"#),
            (&["a"], &[], r#"{"a":true}"#),
            (&[], &[], "{}"),
        ] {
            let mut w = writer(a);
            w.append(writer(b));
            assert_eq!(w.finish(), joined);
        }
    }

    // ---- properties (G8) ----

    fn any_string() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::collection::vec(any::<char>(), 0..24)
                .prop_map(|v| v.into_iter().collect::<String>()),
            "[\\x00-\\x7f]{0,16}",
            "[\"\\\\/\\u{0}-\\u{1f}\\u{7f}\\u{2028}\\u{feff}\\u{10000}-\\u{10ffff}a]{0,12}",
        ]
    }

    fn number_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,6})?([eE][+-]?[0-9]{1,4})?",
        ]
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            number_text().prop_map(|s| Value::Number(Number(s))),
            any_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec((any_string(), inner), 0..5).prop_map(|members| {
                    // Parsed objects never hold duplicate keys, so generated ones must not either.
                    let mut seen: Vec<(String, Value)> = Vec::new();
                    for (k, v) in members {
                        if !seen.iter().any(|(s, _)| *s == k) {
                            seen.push((k, v));
                        }
                    }
                    Value::Object(seen)
                }),
            ]
        })
    }

    /// Token soup that often forms near-valid JSON, so the parser's error paths get exercised.
    fn json_soup() -> impl Strategy<Value = String> {
        const TOKENS: &[&str] = &[
            "{", "}", "[", "]", ",", ":", "\"", "\"k\"", "\"exp\"", "1", "-", "0", ".", "e", "+",
            "true", "nul", "null", "\\", "\\u", "\\ud800", "\\udc00", "d83d", " ", "\n",
            "\u{feff}", "é", "😀", "\u{0}", "x",
        ];
        let tok = proptest::sample::select(TOKENS);
        proptest::collection::vec(tok, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// F38 / G8: write_string then parse gives back the exact string, for arbitrary Unicode.
        #[test]
        fn prop_f38_write_string_roundtrip(s in any_string()) {
            let mut out = String::new();
            write_string(&mut out, &s);
            prop_assert!(!out.bytes().any(|b| b < 0x20), "raw control byte in output");
            prop_assert_eq!(parse(&out), Ok(Value::String(s)));
        }

        /// F03 / G8: parse never panics on arbitrary input (Unicode strings and JSON-like token soup),
        /// and whatever it accepts re-serialises to text that parses to the same value.
        #[test]
        fn prop_f03_parse_total(s in prop_oneof![any_string(), json_soup()]) {
            if let Ok(v) = parse(&s) {
                prop_assert_eq!(parse(&v.to_json()), Ok(v));
            }
        }

        /// F03 / G8: parse_bytes never panics on arbitrary bytes.
        #[test]
        fn prop_f03_parse_bytes_total(b in proptest::collection::vec(any::<u8>(), 0..48)) {
            let r = parse_bytes(&b);
            if core::str::from_utf8(&b).is_err() {
                prop_assert_eq!(r, Err(JsonError::InvalidUnicode));
            }
        }

        /// G8: Value::to_json round-trips for generated values.
        #[test]
        fn prop_to_json_roundtrip(v in any_value()) {
            let text = v.to_json();
            prop_assert_eq!(parse(&text), Ok(v));
        }

        /// F38 / G8: ObjectWriter output is valid JSON holding exactly what was written.
        #[test]
        fn prop_f38_object_writer(a in any_string(), b in proptest::option::of(any_string()), c in any::<bool>(),
                                  arr in proptest::collection::vec(any_string(), 0..4)) {
            let refs: Vec<&str> = arr.iter().map(String::as_str).collect();
            let mut w = ObjectWriter::new();
            w.string("a", &a).opt_string("b", b.as_deref()).bool("c", c).string_array("d", &refs);
            let v = parse(&w.finish()).unwrap();
            prop_assert_eq!(v.get("a").and_then(Value::as_str), Some(a.as_str()));
            prop_assert_eq!(v.get("b").and_then(Value::as_str), b.as_deref());
            prop_assert_eq!(v.get("c").and_then(Value::as_bool), Some(c));
            let d: Vec<&str> = v.get("d").unwrap().as_array().unwrap().iter().filter_map(Value::as_str).collect();
            prop_assert_eq!(d, refs);
        }

        /// F03: an object is rejected with DuplicateKey exactly when two of its keys are equal, on both
        /// sides of the linear/merge-sort threshold.
        #[test]
        fn prop_f03_duplicate_keys(keys in proptest::collection::vec("[ab]{0,4}", 0..48)) {
            let mut w = ObjectWriter::new();
            for k in &keys {
                w.bool(k, true);
            }
            let has_dup = keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k));
            match parse(&w.finish()) {
                Ok(v) => {
                    prop_assert!(!has_dup);
                    prop_assert_eq!(v.as_object().unwrap().len(), keys.len());
                }
                Err(e) => {
                    prop_assert_eq!(e, JsonError::DuplicateKey);
                    prop_assert!(has_dup);
                }
            }
        }

        /// F12: every proper prefix of a JSON text parses (a complete shorter value, like `1` of
        /// `12`) or is `Truncated`, never another error, so a body cut in transit is told apart.
        #[test]
        fn prop_f12_prefixes_are_truncated(v in any_value(), at in any::<proptest::sample::Index>()) {
            let text = v.to_json();
            let mut cut = at.index(text.len().max(1));
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            match parse(&text[..cut]) {
                Ok(_) | Err(JsonError::Truncated) => {}
                Err(e) => prop_assert!(false, "{:?} for a prefix of {:?}", e, text),
            }
        }

        /// F05: as_i64 agrees with Rust's own integer parsing for every i64, and refuses anything with
        /// a fraction or exponent.
        #[test]
        fn prop_f05_as_i64(n in any::<i64>(), frac in "\\.[0-9]{1,3}|[eE][+-]?[0-9]{1,3}") {
            prop_assert_eq!(parse(&n.to_string()).unwrap().as_i64(), Some(n));
            prop_assert_eq!(parse(&format!("{n}{frac}")).unwrap().as_i64(), None);
        }
    }
}
