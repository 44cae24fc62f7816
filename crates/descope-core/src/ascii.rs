//! Splitting and trimming at ASCII bytes. `str`'s char patterns (`split('.')`, `rfind(':')`,
//! `trim_end_matches('/')`) bring core's UTF-8 char searchers and `memchr` into the wasm (about
//! 2 KB); every separator the SDK looks for is ASCII, so a byte scan finds the same boundaries.

/// The position of the first `b`.
pub(crate) fn find(s: &str, b: u8) -> Option<usize> {
    // Plain loops: `Iterator::position` on bytes is unrolled into about 200 B of wasm.
    for (i, &c) in s.as_bytes().iter().enumerate() {
        if c == b {
            return Some(i);
        }
    }
    None
}

/// The position of the last `b`.
pub(crate) fn rfind(s: &str, b: u8) -> Option<usize> {
    let mut t = s.as_bytes();
    while let [rest @ .., last] = t {
        if *last == b {
            return Some(rest.len());
        }
        t = rest;
    }
    None
}

/// `s.split_once(b)`.
pub(crate) fn split_once(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = find(s, b)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s.split(b).next()`: everything before the first `b`.
pub(crate) fn before(s: &str, b: u8) -> &str {
    find(s, b).and_then(|i| s.get(..i)).unwrap_or(s)
}

/// `s.rsplit(b).next()`: everything after the last `b`.
pub(crate) fn after_last(s: &str, b: u8) -> &str {
    rfind(s, b).and_then(|i| s.get(i + 1..)).unwrap_or(s)
}

/// `s.trim_end_matches(b)`.
pub(crate) fn trim_end(s: &str, b: u8) -> &str {
    let mut t = s.as_bytes();
    while let [rest @ .., last] = t {
        if *last != b {
            break;
        }
        t = rest;
    }
    s.get(..t.len()).unwrap_or(s)
}

/// `s.trim_start_matches(b)`.
pub(crate) fn trim_start(s: &str, b: u8) -> &str {
    let mut t = s.as_bytes();
    while let [first, rest @ ..] = t {
        if *first != b {
            break;
        }
        t = rest;
    }
    s.get(s.len() - t.len()..).unwrap_or(s)
}

/// `s.split(b)`.
pub(crate) fn split(s: &str, b: u8) -> Split<'_> {
    Split { rest: Some(s), b }
}

pub(crate) struct Split<'a> {
    rest: Option<&'a str>,
    b: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match split_once(s, self.b) {
            Some((head, tail)) => {
                self.rest = Some(tail);
                Some(head)
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn matches_str_char_patterns() {
        for s in [
            "",
            ".",
            "a",
            "a.b",
            ".a.",
            "a..b",
            "..",
            "é.ü.",
            "https://x/y//",
        ] {
            assert_eq!(
                split(s, b'.').collect::<Vec<_>>(),
                s.split('.').collect::<Vec<_>>()
            );
            assert_eq!(split_once(s, b'.'), s.split_once('.'));
            assert_eq!(find(s, b'.'), s.find('.'));
            assert_eq!(rfind(s, b'/'), s.rfind('/'));
            assert_eq!(before(s, b'/'), s.split('/').next().unwrap());
            assert_eq!(after_last(s, b'/'), s.rsplit('/').next().unwrap());
            assert_eq!(trim_end(s, b'/'), s.trim_end_matches('/'));
            assert_eq!(trim_start(s, b'.'), s.trim_start_matches('.'));
        }
    }
}
