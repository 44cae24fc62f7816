//! `waitForSession` rules for enchanted links and NOTP (descope-api.md §2.3, §2.9): timing bounds,
//! which failures mean "keep polling", and how long to wait before the next poll.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::{Error, ErrorKind};

/// Default and minimum time between polls (as Descope's JS SDK).
pub const MIN_POLL_INTERVAL_MS: u32 = 1_000;
/// Default and maximum time to wait for the session (10 minutes, as Descope's JS SDK).
pub const MAX_POLL_TIMEOUT_MS: u32 = 600_000;
/// `pending-session` answer of an enchanted link not yet clicked (401).
pub const ENCHANTED_LINK_PENDING: &str = "E062503";
/// `pending-session` answer of a NOTP sign-in not yet approved.
pub const NOTP_PENDING: &str = "E066103";

/// Bounded timing of one `waitForSession`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollTiming {
    pub interval_ms: u32,
    pub timeout_ms: u32,
}

/// Reads `pollIntervalMs` / `timeoutMs`. Like Descope's JS SDK, an interval below 1000 ms is raised
/// to 1000 (so a caller can never make a tight loop) and a timeout above 10 minutes is lowered to
/// 10 minutes; a non-positive or non-finite number is a `validation` error.
pub fn timing(interval_ms: Option<f64>, timeout_ms: Option<f64>) -> Result<PollTiming, Error> {
    let read = |v: Option<f64>, default: u32, name: &str| -> Result<f64, Error> {
        match v {
            None => Ok(default.into()),
            // The range test is false for NaN; infinity is outside it.
            Some(x) if !(x > 0.0 && x <= 1e15) => {
                let mut d = String::from(name);
                d.push_str(" must be a positive number of milliseconds");
                Err(Error::validation("invalidArgument", &d))
            }
            Some(x) => Ok(x),
        }
    };
    let i = read(interval_ms, MIN_POLL_INTERVAL_MS, "pollIntervalMs")?;
    let t = read(timeout_ms, MAX_POLL_TIMEOUT_MS, "timeoutMs")?;
    Ok(PollTiming {
        interval_ms: i.clamp(MIN_POLL_INTERVAL_MS.into(), MAX_POLL_TIMEOUT_MS.into()) as u32,
        timeout_ms: t.clamp(1.0, MAX_POLL_TIMEOUT_MS.into()) as u32,
    })
}

/// Whether a failed poll means "not yet": the family's pending code, or a retryable failure
/// (network, request timeout, 5xx, 429). Anything else (an unknown or consumed `pendingRef`, a bad
/// response) ends the wait with that error.
pub fn keeps_polling(e: &Error, pending_code: &str) -> bool {
    e.code == pending_code || e.retryable
}

/// The wait before the next poll: the interval, or longer when the server asked (`Retry-After`),
/// but never past the deadline.
pub fn next_wait_ms(t: &PollTiming, retry_after_ms: Option<u64>, remaining_ms: u64) -> u32 {
    let want = retry_after_ms
        .unwrap_or(0)
        .max(t.interval_ms.into())
        .min(remaining_ms);
    want as u32
}

/// The rejection when the deadline passes first.
pub fn polling_timeout() -> Error {
    Error::new(
        ErrorKind::Timeout,
        "pollingTimeout",
        "no session arrived within timeoutMs; start a new sign-in or wait again",
    )
}

/// The rejection when the caller's `AbortSignal` fires (at once, even between polls).
pub fn aborted() -> Error {
    Error::new(
        ErrorKind::Aborted,
        "aborted",
        "waitForSession was aborted by its AbortSignal",
    )
}
