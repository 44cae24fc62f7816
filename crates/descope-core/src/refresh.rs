//! Who refreshes, and what a tab does with another tab's result: the rules behind "one refresh per
//! rotation however many tabs" (F16, F17, F21, F29, F30, F33). The glue serialises refreshes of one
//! origin and storage prefix with a Web Lock (where there is none, a random pause stands in, F33);
//! these functions decide, from what storage holds once the lock is ours, whether to send a
//! request at all, and what a 401 means.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::{Error, ErrorKind};
use crate::response::{parse_auth_response, AuthInfo};
use crate::session::{EventType, Reason, SessionData, COOKIE_CREDENTIAL};
use crate::storage::{restore, Held};

/// A token is refreshed before being handed out when it has less than this left (or less than
/// the refresh lead of a shorter session, see [`handout_margin_ms`]).
pub const HANDOUT_MARGIN_MS: u64 = 5_000;

/// The time a session must have left to be handed out or adopted from another tab: 5 s, or the
/// refresh lead for sessions so short that 5 s is most of their life (a 4 s session would
/// otherwise never be good enough, and every call would refresh).
pub fn handout_margin_ms(lifetime_ms: Option<u64>) -> u64 {
    lifetime_ms.map_or(HANDOUT_MARGIN_MS, |l| {
        crate::schedule::lead_ms(l).min(HANDOUT_MARGIN_MS)
    })
}
/// Pause before the one immediate retry after a request that may have reached the server (F21).
pub const LOST_RETRY_MS: u64 = 300;

/// How long the lock is kept after the refresh, before the next tab gets it: each tab's renderer
/// sees another tab's localStorage writes a moment later (the browser forwards them), so a tab
/// granted the lock at once could still read the old token and send it (a 401, measured with 8
/// tabs). Bounded and set by a timer, never by a listener.
pub const LOCK_SETTLE_MS: u32 = 50;

/// How long a refresh answered 401 waits before the answer is judged (after re-reading storage):
/// long enough for another tab's newer token to reach this one. Without the lock, the wait is for
/// the lock too (its holder may be storing that token); holding it, a holder that died just after
/// its write released it at once, before the write reached the others (F16, F30).
pub const JUDGE_PAUSE_MS: u32 = 500;

/// How long a tab waits for the refresh lock before going ahead without it: the holder's request
/// and its one immediate retry, plus a second (a hung holder must not stall the others, F30, F33).
pub fn lock_wait_ms(timeout_ms: u32) -> u32 {
    timeout_ms.saturating_mul(2).saturating_add(1_000)
}

/// Without Web Locks (F33) the refresh is claimed in storage instead, under
/// [`crate::storage::claim_key`] (see [`claim_value`]), by the tab about to send, which goes on
/// only if its claim still stands [`CLAIM_SETTLE_MS`] later (of two tabs that claimed at once,
/// both then read the same, last, claim), and removes it once its result is stored. The others
/// wait for that result, re-reading storage every [`CLAIM_POLL_MS`] or so, no longer than the claim
/// holds: a claimant that died or hung is waited for as long as a Web Lock would be (F30).
pub const CLAIM_SETTLE_MS: u32 = 100;
/// How often a tab waiting for another tab's claimed refresh re-reads storage.
pub const CLAIM_POLL_MS: u32 = 150;

/// A claim has a random tag below this, so two claims written in one millisecond differ.
const CLAIM_TAGS: u64 = 1_000_000;

/// The claim a tab writes at `now_ms`: the time it holds until ([`lock_wait_ms`] from now) in ms,
/// times [`CLAIM_TAGS`], plus a random `tag`. As a number it is stored and compared cheaply.
pub fn claim_value(now_ms: u64, timeout_ms: u32, tag: u32) -> u64 {
    let until = now_ms.saturating_add(lock_wait_ms(timeout_ms).into());
    until
        .saturating_mul(CLAIM_TAGS)
        .saturating_add(u64::from(tag) % CLAIM_TAGS)
}

/// Whose the stored refresh claim is.
#[derive(Debug, PartialEq)]
pub enum Claim {
    /// None, expired or unreadable: this tab may claim it.
    Free,
    /// The claim this tab wrote (`mine`, 0 for none) still stands.
    Mine,
    /// Another tab's claim, still holding: wait for its result.
    Other,
}

/// Reads the stored claim (`stored`) against the one this tab wrote (`mine`, 0 for none).
pub fn read_claim(stored: Option<&str>, mine: u64, now_ms: u64) -> Claim {
    let claim = stored.and_then(crate::json::parse_i64).filter(|c| *c > 0);
    match claim.map(|c| c as u64) {
        Some(c) if c == mine => Claim::Mine,
        Some(c) if c / CLAIM_TAGS > now_ms => Claim::Other,
        _ => Claim::Free,
    }
}

/// What a tab does once it holds the refresh lock (or stopped waiting for it).
#[derive(Debug, PartialEq)]
pub enum AfterWait {
    /// Send the refresh with this refresh JWT (ours, or a newer one another tab stored without a
    /// usable session token).
    Send(String),
    /// Another tab refreshed while we waited: its session is made current with no request.
    Adopt(SessionData, EventType),
    /// Our record was removed by another tab (a logout): end with `otherTab`, no request.
    Gone,
}

fn event_kind(held_user: Option<&str>, data: &SessionData) -> EventType {
    if held_user.is_some_and(|u| u != data.user_id()) {
        EventType::SignedIn
    } else {
        EventType::Refreshed
    }
}

/// The event for a stored session that differs from what we held and has time left.
fn newer_usable(held: Held, data: &SessionData, now_ms: u64) -> Option<EventType> {
    let same =
        held.refresh == data.refresh_jwt.as_deref() && held.session == Some(&data.session_jwt);
    let margin = handout_margin_ms(data.lifetime_ms());
    (!same && data.expires_at_ms() > now_ms.saturating_add(margin))
        .then(|| event_kind(held.user, data))
}

/// Decides after waiting for the lock, from storage re-read (`dsr`, `ds`) and what this tab held
/// when the refresh was asked for (`held`, whose `refresh` is the token it would send).
/// `persisted` is false when our last write failed (F35): an empty storage is then not a logout.
/// `skew_ms` is this device's clock skew estimate, applied to a stored session.
pub fn after_wait(
    held: Held,
    dsr: Option<&str>,
    ds: Option<&str>,
    project_id: &str,
    now_ms: u64,
    skew_ms: i64,
    persisted: bool,
) -> AfterWait {
    let Some(ours) = held.refresh else {
        return AfterWait::Gone;
    };
    if ours == COOKIE_CREDENTIAL {
        // Cookie mode: another tab's result is in the shared cookie jar, not in storage. The lock
        // alone is what keeps two tabs from sending one refresh cookie under rotation: this
        // request sends the cookie the last refresh left.
        return AfterWait::Send(ours.to_string());
    }
    let out = restore(dsr, ds, project_id, now_ms);
    if let Some(mut data) = out.session {
        data.skew_ms = skew_ms;
        return match newer_usable(held, &data, now_ms) {
            Some(kind) => AfterWait::Adopt(data, kind),
            None => AfterWait::Send(data.refresh_jwt.unwrap_or_else(|| ours.to_string())),
        };
    }
    if let Some((t, _)) = out.dormant {
        return AfterWait::Send(t);
    }
    // Removed (or replaced by another project's record) by another tab: its logout. A corrupt
    // record is not ours to judge here (the storage event does); our own token is still good.
    if persisted && (dsr.is_none() || out.dropped.is_none()) {
        return AfterWait::Gone;
    }
    AfterWait::Send(ours.to_string())
}

/// A refresh's answer. `try-refresh` (`restoring`) answers a browser without a valid session 200
/// with an empty body: that ends the session like the 401 of a refresh (kind `unauthenticated`),
/// where the same body in answer to a refresh is a malformed one.
pub fn parse_answer(
    status: u16,
    body: &str,
    project_id: &str,
    cookie: bool,
    restoring: bool,
) -> Result<AuthInfo, Error> {
    parse_auth_response(status, body, project_id, cookie).map_err(|e| {
        if restoring && e.code == "missingSessionJwt" {
            Error::no_session().with_status(status)
        } else {
            e
        }
    })
}

/// Whether a failed request may have reached the server and committed a rotation whose answer was
/// lost (F21): a connection that failed or timed out, as opposed to an answer.
pub fn maybe_committed(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::Network | ErrorKind::Timeout)
}

/// What a 401/403 answer to a refresh means.
#[derive(Debug, PartialEq)]
pub enum Rejected {
    /// Another tab rotated the token we sent and stored a usable session: adopt it (F16).
    Adopt(SessionData, EventType),
    /// Another tab stored a newer refresh JWT without a usable session: retry once with it (F16).
    Retry(String),
    /// A rotation this tab sent was committed but its answer lost, and the token is now dead
    /// (server grace 0): `signedOut(refreshLost)` (F21).
    Lost,
    /// The server really revoked the session we hold: `signedOut(revoked)` (F17).
    Revoked,
}

/// Judges a 401/403 for `sent`, after re-reading storage. `retried`: this refresh already retried
/// with a newer stored token. `lost_candidate`: an earlier request with `sent` failed in a way that
/// may have committed a rotation (see [`maybe_committed`]).
#[allow(clippy::too_many_arguments)]
pub fn on_rejected(
    sent: &str,
    held: Held,
    dsr: Option<&str>,
    ds: Option<&str>,
    project_id: &str,
    now_ms: u64,
    skew_ms: i64,
    retried: bool,
    lost_candidate: bool,
) -> Rejected {
    // In cookie mode storage holds no tokens to judge by (any it holds are not this session's).
    let (dsr, ds) = if sent == COOKIE_CREDENTIAL {
        (None, None)
    } else {
        (dsr, ds)
    };
    let out = restore(dsr, ds, project_id, now_ms);
    let newer = match (&out.session, &out.dormant) {
        (Some(s), _) => s.refresh_jwt.as_deref(),
        (None, Some((t, _))) => Some(t.as_str()),
        _ => None,
    }
    .filter(|t| *t != sent)
    .map(ToString::to_string);
    if let Some(t) = newer {
        if let Some(mut data) = out.session {
            data.skew_ms = skew_ms;
            if let Some(kind) = newer_usable(held, &data, now_ms) {
                return Rejected::Adopt(data, kind);
            }
        }
        if !retried {
            return Rejected::Retry(t);
        }
    }
    if lost_candidate {
        Rejected::Lost
    } else {
        Rejected::Revoked
    }
}

/// The sign-out reason of a rejection that ends the session.
pub fn rejected_reason(r: &Rejected) -> Option<Reason> {
    match r {
        Rejected::Lost => Some(Reason::RefreshLost),
        Rejected::Revoked => Some(Reason::Revoked),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::test_support::token;

    const PID: &str = "P2abc";
    const NOW: u64 = 1_700_000_000_000;

    fn tok(drn: &str, sub: &str, jti: u32, exp: u64) -> String {
        token(&format!(
            r#"{{"iss":"https://api.descope.com/{PID}","sub":"{sub}","drn":"{drn}","jti":"{jti}","iat":1699999990,"exp":{exp}}}"#
        ))
    }
    fn pair(jti: u32, session_exp: u64) -> (String, String) {
        (
            tok("DSR", "U1", jti, 1_800_000_000),
            tok("DS", "U1", jti, session_exp),
        )
    }
    fn held<'a>(r: &'a str, s: &'a str) -> Held<'a> {
        Held {
            refresh: Some(r),
            session: Some(s),
            user: Some("U1"),
        }
    }

    #[test]
    fn f29_after_wait_sends_only_when_storage_holds_what_we_started_from() {
        let (r1, s1) = pair(1, 1_700_000_003);
        let h = held(&r1, &s1);
        // Nobody refreshed meanwhile: send ours.
        assert_eq!(
            after_wait(h, Some(&r1), Some(&s1), PID, NOW, 0, true),
            AfterWait::Send(r1.clone())
        );
        // Another tab rotated while we waited: adopt, no request (F29).
        let (r2, s2) = pair(2, 1_700_000_600);
        match after_wait(h, Some(&r2), Some(&s2), PID, NOW, 0, true) {
            AfterWait::Adopt(d, EventType::Refreshed) => {
                assert_eq!(d.refresh_jwt.as_deref(), Some(r2.as_str()));
            }
            other => panic!("{other:?}"),
        }
        // Rotation off: only the session token changed; still adopted.
        assert!(matches!(
            after_wait(h, Some(&r1), Some(&s2), PID, NOW, 0, true),
            AfterWait::Adopt(_, EventType::Refreshed)
        ));
        // A newer refresh token whose session token is about to expire: refresh with the newer one.
        let (r3, s3) = pair(3, 1_700_000_002);
        assert_eq!(
            after_wait(h, Some(&r3), Some(&s3), PID, NOW, 0, true),
            AfterWait::Send(r3.clone())
        );
        assert_eq!(
            after_wait(h, Some(&r3), None, PID, NOW, 0, true),
            AfterWait::Send(r3.clone())
        );
        // The skew estimate decides "about to expire": the same record 10 s early is stale.
        assert_eq!(
            after_wait(h, Some(&r2), Some(&s2), PID, NOW, -596_000, true),
            AfterWait::Send(r2.clone())
        );
    }

    #[test]
    fn f31_f35_after_wait_gone_only_when_our_record_was_removed() {
        let (r1, s1) = pair(1, 1_700_000_003);
        let h = held(&r1, &s1);
        assert_eq!(
            after_wait(h, None, None, PID, NOW, 0, true),
            AfterWait::Gone
        );
        // Our own write failed (quota, F35): an empty storage is not a logout.
        assert_eq!(
            after_wait(h, None, None, PID, NOW, 0, false),
            AfterWait::Send(r1.clone())
        );
        // Garbage is the storage event's business; we keep refreshing our own token.
        assert_eq!(
            after_wait(h, Some("garbage"), None, PID, NOW, 0, true),
            AfterWait::Send(r1.clone())
        );
        assert_eq!(
            after_wait(Held::default(), Some(&r1), None, PID, NOW, 0, true),
            AfterWait::Gone
        );
    }

    #[test]
    fn f16_f17_f21_rejection_classes() {
        let (r1, s1) = pair(1, 1_700_000_003);
        let (r2, s2) = pair(2, 1_700_000_600);
        let h = held(&r1, &s1);
        let rej = |dsr: Option<&str>, ds: Option<&str>, retried, lost| {
            on_rejected(&r1, h, dsr, ds, PID, NOW, 0, retried, lost)
        };
        // F16: another tab rotated: adopt its session, never sign out, never delete its token.
        assert!(matches!(
            rej(Some(&r2), Some(&s2), false, false),
            Rejected::Adopt(_, EventType::Refreshed)
        ));
        assert!(matches!(
            rej(Some(&r2), Some(&s2), true, true),
            Rejected::Adopt(..)
        ));
        // A newer refresh token without a usable session: retry once with it.
        assert_eq!(
            rej(Some(&r2), None, false, false),
            Rejected::Retry(r2.clone())
        );
        assert_eq!(rej(Some(&r2), None, true, false), Rejected::Revoked);
        // F17: storage holds the token the server refused: it was revoked.
        assert_eq!(rej(Some(&r1), Some(&s1), false, false), Rejected::Revoked);
        assert_eq!(rej(None, None, false, false), Rejected::Revoked);
        // F21 (grace 0): our earlier request with this token may have committed: refreshLost.
        assert_eq!(rej(Some(&r1), Some(&s1), false, true), Rejected::Lost);
        assert_eq!(rejected_reason(&Rejected::Lost), Some(Reason::RefreshLost));
        assert_eq!(rejected_reason(&Rejected::Revoked), Some(Reason::Revoked));
        assert_eq!(rejected_reason(&Rejected::Retry(r2)), None);
        assert!(maybe_committed(ErrorKind::Network) && maybe_committed(ErrorKind::Timeout));
        assert!(!maybe_committed(ErrorKind::Api) && !maybe_committed(ErrorKind::Unauthenticated));
    }

    #[test]
    fn f16_f29_cookie_credential_is_sent_after_the_lock_and_judged_without_storage() {
        let (r2, s2) = pair(2, 1_700_000_600);
        let cookie = Held {
            refresh: Some(COOKIE_CREDENTIAL),
            session: Some(""),
            user: Some("U1"),
        };
        for (dsr, ds) in [(None, None), (Some(r2.as_str()), Some(s2.as_str()))] {
            assert_eq!(
                after_wait(cookie, dsr, ds, PID, NOW, 0, true),
                AfterWait::Send(String::new())
            );
            assert_eq!(
                on_rejected("", cookie, dsr, ds, PID, NOW, 0, false, false),
                Rejected::Revoked
            );
            assert_eq!(
                on_rejected("", cookie, dsr, ds, PID, NOW, 0, false, true),
                Rejected::Lost
            );
        }
    }

    /// A try-refresh that finds no session answers 200 with nothing: it ends the session like the
    /// 401 of a refresh; the same empty body from `refresh` is a malformed answer.
    #[test]
    fn try_refresh_without_a_session_is_unauthenticated() {
        for body in ["{}", r#"{"sessionJwt":"","refreshJwt":""}"#] {
            for cookie in [false, true] {
                let e = parse_answer(200, body, PID, cookie, true).unwrap_err();
                assert_eq!(
                    (e.kind, e.code.as_str(), e.status),
                    (ErrorKind::Unauthenticated, "noSession", Some(200))
                );
                let e = parse_answer(200, body, PID, cookie, false).unwrap_err();
                assert_eq!(e.kind, ErrorKind::Protocol);
            }
        }
        let e = parse_answer(200, "<html>", PID, false, true).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
        let (_, s1) = pair(1, 1_700_000_600);
        let ok = parse_answer(
            200,
            &format!(r#"{{"sessionJwt":"{s1}"}}"#),
            PID,
            false,
            true,
        );
        assert!(ok.is_ok());
    }

    #[test]
    fn handout_margin_scales_down_for_short_sessions() {
        assert_eq!(handout_margin_ms(None), 5_000);
        assert_eq!(handout_margin_ms(Some(600_000)), 5_000);
        assert_eq!(handout_margin_ms(Some(4_000)), 1_000);
        assert_eq!(handout_margin_ms(Some(20_000)), 4_000);
    }

    #[test]
    fn f33_claims_without_web_locks() {
        let stored = |v: u64| Some(crate::clock::u64_to_string(v));
        let mine = claim_value(NOW, 10_000, 7);
        assert_eq!(mine, (NOW + 21_000) * 1_000_000 + 7);
        assert_eq!(read_claim(stored(mine).as_deref(), mine, NOW), Claim::Mine);
        // Another tab's claim, holding until it expires (F30: a dead claimant is not waited for
        // longer than a lock).
        let theirs = stored(claim_value(NOW + 3, 10_000, 8));
        assert_eq!(read_claim(theirs.as_deref(), 0, NOW), Claim::Other);
        assert_eq!(read_claim(theirs.as_deref(), 0, NOW + 21_002), Claim::Other);
        assert_eq!(read_claim(theirs.as_deref(), 0, NOW + 21_003), Claim::Free);
        // Ours overwritten by another tab that claimed at about the same moment, or in the same
        // millisecond: theirs stands.
        assert_eq!(read_claim(theirs.as_deref(), mine, NOW + 100), Claim::Other);
        let same_ms = stored(claim_value(NOW, 10_000, 1_000_123));
        assert_eq!(
            read_claim(same_ms.as_deref(), mine, NOW + 100),
            Claim::Other
        );
        // None, or garbage (F36): free.
        for v in [
            None,
            Some(""),
            Some("x"),
            Some("1.5"),
            Some("0"),
            Some("-1700000021000000000"),
            Some("99999999999999999999"),
        ] {
            assert_eq!(read_claim(v, mine, NOW), Claim::Free, "{v:?}");
            assert_eq!(read_claim(v, 0, NOW), Claim::Free, "{v:?}");
        }
        assert_eq!(claim_value(u64::MAX, u32::MAX, u32::MAX), u64::MAX);
    }

    #[test]
    fn f30_lock_wait_is_bounded() {
        assert_eq!(lock_wait_ms(10_000), 21_000);
        assert_eq!(lock_wait_ms(u32::MAX), u32::MAX);
    }
}
