//! What is stored, under which keys, and how a stored record is judged on restore (F01, F04, F07,
//! F36) and when another tab changes it (F31, F32). Keys follow Descope's web SDK: `${prefix}DSR`
//! (refresh JWT) and `${prefix}DS` (session JWT), and, unprefixed, its login indicator and last
//! user (`DSLI`, `dls_last_user_*`), so a page that moves from that SDK keeps both.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::ErrorKind;
use crate::jwt::Jwt;
use crate::response::check_token;
use crate::session::{EventType, Reason, SessionData, COOKIE_CREDENTIAL, REFRESH_LEEWAY_MS};

/// Descope's login indicator: the last `sessionExpiration` (unix seconds) of this browser, written
/// whenever a session arrives and removed when it ends here. Its presence is what makes a reload in
/// cookie mode ask the server for the session (`on_load`); a browser without it sends nothing.
pub const LOGIN_INDICATOR_KEY: &str = "DSLI";
/// Who signed in last (`user.loginIds[0]`, `user.name`), kept after logout (`lastUser`).
pub const LAST_USER_LOGIN_ID_KEY: &str = "dls_last_user_login_id";
pub const LAST_USER_NAME_KEY: &str = "dls_last_user_display_name";

/// The login indicator's value for `session`: its expiry in the server's unix seconds, which is
/// the `sessionExpiration` of the response that brought it.
pub fn login_indicator(session: &SessionData) -> Option<String> {
    match session.session.exp() {
        Ok(Some(e)) => Some(crate::clock::u64_to_string(e.unsigned_abs())),
        _ => None,
    }
}

/// `lastUser` from the two stored keys. Descope's web SDK stores a missing name as the text
/// `"undefined"` (`setItem` of `undefined`); that is no name.
pub fn last_user(
    login_id: Option<String>,
    name: Option<String>,
) -> Option<(String, Option<String>)> {
    let login_id = login_id.filter(|l| !l.is_empty())?;
    Some((login_id, name.filter(|n| !n.is_empty() && n != "undefined")))
}

pub fn refresh_key(prefix: &str) -> String {
    let mut k = String::from(prefix);
    k.push_str("DSR");
    k
}

pub fn session_key(prefix: &str) -> String {
    let mut k = String::from(prefix);
    k.push_str("DS");
    k
}

/// The clock-skew record beside the tokens, `${prefix}DSK`: this device's clock minus the server's,
/// in ms, so that a session restored after a reload is judged on the server's clock (F26). Tokens
/// alone cannot tell: a stored token's `iat` says nothing about when it was stored.
pub fn skew_key(prefix: &str) -> String {
    let mut k = String::from(prefix);
    k.push_str("DSK");
    k
}

/// The refresh claim of browsers without Web Locks, `${prefix}DSL` (see `refresh::read_claim`).
pub fn claim_key(prefix: &str) -> String {
    let mut k = String::from(prefix);
    k.push_str("DSL");
    k
}

/// Skews beyond a year are nonsense, not clocks.
const MAX_SKEW_MS: u64 = 366 * 24 * 3_600_000;

/// Reads a stored skew; absent, garbage or out-of-range values count as 0 (no correction).
pub fn parse_skew(stored: Option<&str>) -> i64 {
    stored
        .and_then(crate::json::parse_i64)
        .filter(|v| v.unsigned_abs() <= MAX_SKEW_MS)
        .unwrap_or(0)
}

pub fn skew_value(skew_ms: i64) -> String {
    let mut s = String::new();
    if skew_ms < 0 {
        s.push('-');
    }
    s.push_str(&crate::clock::u64_to_string(skew_ms.unsigned_abs()));
    s
}

/// The result of reading storage at construction.
#[derive(Debug, PartialEq)]
pub struct RestoreOutcome {
    pub session: Option<SessionData>,
    /// A refresh credential without a usable session token (see `session::State`): the session
    /// is restored over the network, with one `try-refresh`.
    pub dormant: Option<(String, Option<Jwt>)>,
    pub remove_refresh: bool,
    pub remove_session: bool,
    /// Why stored credentials were dropped (reported as a `signedOut` event), if they were.
    pub dropped: Option<Reason>,
}

/// Judges the stored record. Never fails: corrupt or expired records are marked for removal; a
/// record of another project is left untouched and not adopted (F07). A session JWT that has
/// expired leaves only its refresh JWT (`dormant`), as a missing one does.
pub fn restore(
    dsr: Option<&str>,
    ds: Option<&str>,
    project_id: &str,
    now_ms: u64,
) -> RestoreOutcome {
    let mut out = RestoreOutcome {
        session: None,
        dormant: None,
        remove_refresh: false,
        remove_session: false,
        dropped: None,
    };
    let session_ok = |t: &str| check_token(t, project_id, false);
    let Some(dsr) = dsr else {
        // A session token alone cannot be kept alive; drop it if it is ours or garbage.
        if let Some(ds) = ds {
            match session_ok(ds) {
                Err(e) if e.code == "wrongProject" => {}
                _ => out.remove_session = true,
            }
        }
        return out;
    };
    let refresh = match check_token(dsr, project_id, true) {
        Ok(j) => j,
        Err(e) if e.code == "wrongProject" => return out,
        Err(e) => {
            debug_assert_eq!(e.kind, ErrorKind::Protocol);
            out.remove_refresh = true;
            out.remove_session = ds.is_some();
            out.dropped = Some(Reason::CorruptStorage);
            return out;
        }
    };
    if refresh.is_expired_at(now_ms.saturating_sub(REFRESH_LEEWAY_MS)) {
        out.remove_refresh = true;
        out.remove_session = ds.is_some();
        out.dropped = Some(Reason::Expired);
        return out;
    }
    match ds.map(|d| (d, session_ok(d))) {
        Some((d, Ok(sj))) if sj.subject() == refresh.subject() && !sj.is_expired_at(now_ms) => {
            out.session = Some(SessionData {
                session_jwt: d.to_string(),
                session: sj,
                refresh_jwt: Some(dsr.to_string()),
                refresh: Some(refresh),
                user_json: None,
                skew_ms: 0,
            });
        }
        other => {
            out.remove_session = other.is_some();
            out.dormant = Some((dsr.to_string(), Some(refresh)));
        }
    }
    out
}

/// What a client does at construction (api.md, "First visit and reload"): nothing over the network
/// when storage holds a usable session or nothing at all; one `try-refresh` (the outcome's
/// `dormant`) when the session must come from the server. That is a stored refresh JWT whose
/// session JWT is missing or has expired (judged with the stored clock skew `skew_ms`, F26), or, in
/// cookie mode (`cookie`), the login indicator left by an earlier session (the tokens are in the
/// server's cookies, which JavaScript cannot see). A browser that never signed in has neither.
pub fn on_load(
    cookie: bool,
    indicator: Option<&str>,
    dsr: Option<&str>,
    ds: Option<&str>,
    project_id: &str,
    now_ms: u64,
    skew_ms: i64,
) -> RestoreOutcome {
    if cookie {
        return RestoreOutcome {
            session: None,
            dormant: indicator
                .is_some_and(|v| !v.is_empty())
                .then(|| (COOKIE_CREDENTIAL.to_string(), None)),
            remove_refresh: false,
            remove_session: false,
            dropped: None,
        };
    }
    // Judged on the server's clock as estimated before the reload (F26).
    let mut out = restore(dsr, ds, project_id, now_ms.saturating_add_signed(-skew_ms));
    if let Some(s) = &mut out.session {
        s.skew_ms = skew_ms;
    }
    out
}

/// What this tab holds when a `storage` event arrives.
#[derive(Clone, Copy, Debug, Default)]
pub struct Held<'a> {
    pub refresh: Option<&'a str>,
    pub session: Option<&'a str>,
    /// The current session's user (none while signed out or holding only a refresh token).
    pub user: Option<&'a str>,
}

impl<'a> Held<'a> {
    /// What a tab holding the refresh JWT `refresh` and the session `current` holds.
    pub fn of(refresh: Option<&'a str>, current: Option<&'a SessionData>) -> Held<'a> {
        Held {
            refresh,
            session: current.map(|c| c.session_jwt.as_str()),
            user: current.map(SessionData::user_id),
        }
    }
}

/// What a change of our keys by another tab means for this one.
#[derive(Debug, PartialEq)]
pub enum TabChange {
    /// Nothing to do: not our key, or storage holds what we hold.
    Keep,
    /// Make the stored session current, without storing it again or any network call:
    /// `refreshed` for the same user, `signedIn` for another user or when signed out (F32).
    Adopt(SessionData, EventType),
    /// Another user's refresh token whose session token is not written yet (the other tab writes
    /// `DSR` then `DS`): hold it, silently, so the previous user's token is never sent again (F32).
    /// The `DS` write that follows turns it into `Adopt`.
    Dormant(String, Jwt),
    /// Cookie mode: another tab signed in (the login indicator appeared). Its session is in the
    /// shared cookie jar only, so this tab asks for it with one `try-refresh` (F32).
    Fetch,
    /// End the session with `reason` (`otherTab` when the record was removed or replaced by one that
    /// is not ours, F31; the restore rules' reason for a corrupt or expired one, F36). Only a corrupt
    /// or expired record is deleted (the restore rules); a removal is never repeated.
    SignOut {
        reason: Reason,
        remove_refresh: bool,
        remove_session: bool,
    },
}

/// Judges a `storage` event for `key` (`None`: storage was cleared) after re-reading our keys
/// (`dsr`, `ds`) with the restore rules. Never fails (F36).
pub fn tab_change(
    key: Option<&str>,
    prefix: &str,
    dsr: Option<&str>,
    ds: Option<&str>,
    project_id: &str,
    now_ms: u64,
    held: Held,
) -> TabChange {
    // Only `DSR` and `DS` under our prefix (or a clear) concern us.
    if let Some(k) = key {
        match k.strip_prefix(prefix) {
            Some("DSR" | "DS") => {}
            _ => return TabChange::Keep,
        }
    }
    let out = restore(dsr, ds, project_id, now_ms);
    if let Some(s) = out.session {
        if held.refresh == s.refresh_jwt.as_deref() && held.session == Some(&s.session_jwt) {
            return TabChange::Keep;
        }
        let kind = if held.user == Some(s.user_id()) {
            EventType::Refreshed
        } else {
            EventType::SignedIn
        };
        return TabChange::Adopt(s, kind);
    }
    if let Some((t, Some(j))) = out.dormant {
        // Our own user's new refresh token: the session token write follows.
        if held.refresh == Some(&t) || (held.user.is_some() && held.user == j.subject()) {
            return TabChange::Keep;
        }
        return TabChange::Dormant(t, j);
    }
    match out.dropped {
        Some(reason) => TabChange::SignOut {
            reason,
            remove_refresh: out.remove_refresh,
            remove_session: out.remove_session,
        },
        // Removed, cleared, or another project's record: ours is gone.
        None => TabChange::SignOut {
            reason: Reason::OtherTab,
            remove_refresh: false,
            remove_session: false,
        },
    }
}

/// Cookie mode's version of [`tab_change`]: the tokens are not in storage, only the login
/// indicator (`indicator`, re-read) tells what another tab did. Removed (a logout there, or a
/// session the server refused): sign out with `otherTab` (F31). Written while this tab holds
/// nothing (`held`: any credential): another tab signed in, `Fetch` (F32). Written while signed in:
/// another tab's refresh, which this tab's own schedule follows (its next refresh sends the cookie
/// that refresh left in the jar).
pub fn cookie_tab_change(key: Option<&str>, indicator: Option<&str>, held: bool) -> TabChange {
    if key.is_some_and(|k| k != LOGIN_INDICATOR_KEY) {
        return TabChange::Keep;
    }
    match (indicator.is_some_and(|v| !v.is_empty()), held) {
        (false, true) => TabChange::SignOut {
            reason: Reason::OtherTab,
            remove_refresh: false,
            remove_session: false,
        },
        (true, false) => TabChange::Fetch,
        _ => TabChange::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::test_support::token;
    use proptest::prelude::*;

    const PID: &str = "P2abc";
    const NOW: u64 = 1_700_000_000_000;

    fn tok(pid: &str, drn: &str, sub: &str, exp: i64) -> String {
        token(&format!(
            r#"{{"iss":"https://api.descope.com/{pid}","sub":"{sub}","drn":"{drn}","iat":1699999000,"exp":{exp}}}"#
        ))
    }

    #[test]
    fn keys() {
        assert_eq!(refresh_key("app1."), "app1.DSR");
        assert_eq!(session_key(""), "DS");
        assert_eq!(claim_key("app1."), "app1.DSL");
    }

    #[test]
    fn f26_skew_record_round_trips_and_garbage_is_zero() {
        assert_eq!(skew_key("app."), "app.DSK");
        for v in [0i64, 1, -1, 600_000, -600_000, 3_600_000, -31_622_400_000] {
            assert_eq!(parse_skew(Some(&skew_value(v))), v);
        }
        for bad in [
            "",
            "-",
            "x",
            "1.5",
            "+5",
            "--1",
            " 1",
            "99999999999999",
            "31622400001",
        ] {
            assert_eq!(parse_skew(Some(bad)), 0, "{bad}");
        }
        assert_eq!(parse_skew(None), 0);
    }

    #[test]
    fn restores_a_good_record() {
        let r = tok(PID, "DSR", "U1", 1_800_000_000);
        let s = tok(PID, "DS", "U1", 1_700_000_100);
        let o = restore(Some(&r), Some(&s), PID, NOW);
        assert!(o.session.is_some());
        assert!(!o.remove_refresh && !o.remove_session && o.dropped.is_none());
    }

    #[test]
    fn f01_corrupt_refresh_record_is_removed() {
        for bad in ["aaa.bbb", "a.b.c.d", "a..c", "a.b.", "", "not a jwt"] {
            let o = restore(Some(bad), Some("x"), PID, NOW);
            assert!(o.remove_refresh && o.remove_session, "{bad}");
            assert_eq!(o.dropped, Some(Reason::CorruptStorage));
            assert!(o.session.is_none() && o.dormant.is_none());
        }
    }

    #[test]
    fn f36_garbage_and_huge_values() {
        let huge = "a".repeat(5 * 1024 * 1024);
        for bad in [huge.as_str(), "{\"v\":1}", "null", "\u{0}\u{1}"] {
            let o = restore(Some(bad), None, PID, NOW);
            assert!(o.remove_refresh);
            assert!(!o.remove_session);
        }
        // Session token corrupt but refresh fine: keep the refresh token, drop the session key.
        let r = tok(PID, "DSR", "U1", 1_800_000_000);
        let o = restore(Some(&r), Some("garbage"), PID, NOW);
        assert!(o.dormant.is_some() && o.remove_session && !o.remove_refresh);
        // Session of another user than the refresh token: not adopted.
        let s = tok(PID, "DS", "U2", 1_700_000_100);
        let o = restore(Some(&r), Some(&s), PID, NOW);
        assert!(o.session.is_none() && o.dormant.is_some());
    }

    #[test]
    fn f06_swapped_stored_tokens() {
        let r = tok(PID, "DSR", "U1", 1_800_000_000);
        let s = tok(PID, "DS", "U1", 1_700_000_100);
        let o = restore(Some(&s), Some(&r), PID, NOW);
        assert!(o.session.is_none() && o.dormant.is_none() && o.remove_refresh);
    }

    #[test]
    fn f07_other_project_record_untouched() {
        let r = tok("P2other", "DSR", "U1", 1_800_000_000);
        let s = tok("P2other", "DS", "U1", 1_700_000_100);
        let o = restore(Some(&r), Some(&s), PID, NOW);
        assert_eq!(
            o,
            RestoreOutcome {
                session: None,
                dormant: None,
                remove_refresh: false,
                remove_session: false,
                dropped: None
            }
        );
        let o = restore(None, Some(&s), PID, NOW);
        assert!(!o.remove_session);
    }

    #[test]
    fn f04_expired_refresh_token_dropped_without_network() {
        let r = tok(PID, "DSR", "U1", 1_699_999_000);
        let o = restore(Some(&r), None, PID, NOW);
        assert_eq!(o.dropped, Some(Reason::Expired));
        assert!(o.remove_refresh && o.dormant.is_none());
    }

    #[test]
    fn first_visit_and_reload_on_load() {
        let r = tok(PID, "DSR", "U1", 1_800_000_000);
        let live = tok(PID, "DS", "U1", 1_700_000_100);
        let expired = tok(PID, "DS", "U1", 1_699_999_900);
        // A browser that never signed in: nothing to restore, nothing to send (either mode).
        assert_eq!(
            on_load(false, None, None, None, PID, NOW, 0),
            restore(None, None, PID, NOW)
        );
        let o = on_load(true, None, None, None, PID, NOW, 0);
        assert!(o.session.is_none() && o.dormant.is_none() && o.dropped.is_none());
        // A usable stored session: restored without a request, with the stored skew.
        let o = on_load(false, None, Some(&r), Some(&live), PID, NOW, 30_000);
        assert_eq!(o.session.as_ref().map(|s| s.skew_ms), Some(30_000));
        assert!(o.dormant.is_none());
        // Its session JWT has expired: one try-refresh with the refresh JWT.
        let o = on_load(false, None, Some(&r), Some(&expired), PID, NOW, 0);
        assert!(o.session.is_none() && !o.remove_refresh && o.dropped.is_none());
        let (t, j) = o.dormant.unwrap();
        assert_eq!((t.as_str(), j.unwrap().drn()), (r.as_str(), Some("DSR")));
        // Live on the server's clock, expired on this device's (skew -200 s, F26): restored
        // over the network too.
        let o = on_load(false, None, Some(&r), Some(&live), PID, NOW, -200_000);
        assert!(o.session.is_none() && o.dormant.is_some());
        // Only a refresh JWT: over the network as before.
        assert!(on_load(false, None, Some(&r), None, PID, NOW, 0)
            .dormant
            .is_some());
        // Cookie mode: the login indicator alone decides; stored tokens are not read.
        let o = on_load(true, Some("1700000600"), None, None, PID, NOW, 0);
        assert_eq!(o.dormant, Some((COOKIE_CREDENTIAL.to_string(), None)));
        assert!(o.session.is_none());
        let o = on_load(true, None, Some(&r), Some(&live), PID, NOW, 0);
        assert!(o.session.is_none() && o.dormant.is_none());
        assert!(on_load(true, Some(""), None, None, PID, NOW, 0)
            .dormant
            .is_none());
    }

    #[test]
    fn login_indicator_and_last_user_keys() {
        assert_eq!(
            (
                LOGIN_INDICATOR_KEY,
                LAST_USER_LOGIN_ID_KEY,
                LAST_USER_NAME_KEY
            ),
            (
                "DSLI",
                "dls_last_user_login_id",
                "dls_last_user_display_name"
            )
        );
        let r = tok(PID, "DSR", "U1", 1_800_000_000);
        let s = tok(PID, "DS", "U1", 1_700_000_100);
        let o = restore(Some(&r), Some(&s), PID, NOW);
        assert_eq!(
            login_indicator(&o.session.unwrap()).as_deref(),
            Some("1700000100")
        );
        let some = |v: &str| Some(v.to_string());
        assert_eq!(
            last_user(some("a@b.co"), some("Ada")),
            Some(("a@b.co".into(), some("Ada")))
        );
        // Descope's web SDK writes a missing name as "undefined".
        assert_eq!(
            last_user(some("a@b.co"), some("undefined")),
            Some(("a@b.co".into(), None))
        );
        assert_eq!(
            last_user(some("a@b.co"), some("")),
            Some(("a@b.co".into(), None))
        );
        assert_eq!(last_user(some(""), some("Ada")), None);
        assert_eq!(last_user(None, some("Ada")), None);
    }

    #[test]
    fn f31_f32_cookie_tab_change_follows_the_login_indicator() {
        let out = TabChange::SignOut {
            reason: Reason::OtherTab,
            remove_refresh: false,
            remove_session: false,
        };
        // Removed (logout in another tab) or storage cleared while signed in: otherTab.
        assert_eq!(cookie_tab_change(Some("DSLI"), None, true), out);
        assert_eq!(cookie_tab_change(None, None, true), out);
        // Written while this tab holds nothing: another tab signed in; fetch its session.
        assert_eq!(
            cookie_tab_change(Some("DSLI"), Some("1700000600"), false),
            TabChange::Fetch
        );
        // Written while signed in (another tab's refresh), removed while signed out, other keys.
        assert_eq!(
            cookie_tab_change(Some("DSLI"), Some("1700000600"), true),
            TabChange::Keep
        );
        assert_eq!(
            cookie_tab_change(Some("DSLI"), None, false),
            TabChange::Keep
        );
        for k in ["DSR", "DS", "app.DSLI", "dls_last_user_login_id"] {
            assert_eq!(
                cookie_tab_change(Some(k), None, true),
                TabChange::Keep,
                "{k}"
            );
        }
    }

    fn held<'a>(r: &'a str, s: &'a str, user: &'a str) -> Held<'a> {
        Held {
            refresh: Some(r),
            session: Some(s),
            user: Some(user),
        }
    }

    fn change(key: Option<&str>, dsr: Option<&str>, ds: Option<&str>, h: Held) -> TabChange {
        tab_change(key, "app.", dsr, ds, PID, NOW, h)
    }

    #[test]
    fn f32_tab_change_same_user_is_refreshed_another_is_signed_in() {
        let (r1, s1) = (
            tok(PID, "DSR", "U1", 1_800_000_000),
            tok(PID, "DS", "U1", 1_700_000_100),
        );
        let (r1b, s1b) = (
            tok(PID, "DSR", "U1", 1_800_000_001),
            tok(PID, "DS", "U1", 1_700_000_101),
        );
        let (r2, s2) = (
            tok(PID, "DSR", "U2", 1_800_000_000),
            tok(PID, "DS", "U2", 1_700_000_100),
        );
        let h = held(&r1, &s1, "U1");
        // What we hold already: nothing to do.
        assert_eq!(
            change(Some("app.DSR"), Some(&r1), Some(&s1), h),
            TabChange::Keep
        );
        // The same user's rotated record: adopted silently as `refreshed`.
        match change(Some("app.DSR"), Some(&r1b), Some(&s1b), h) {
            TabChange::Adopt(d, EventType::Refreshed) => {
                assert_eq!(d.refresh_jwt.as_deref(), Some(r1b.as_str()));
                assert_eq!(d.session_jwt, s1b);
            }
            other => panic!("{other:?}"),
        }
        // Only the session token changed (rotation off): adopted too.
        assert!(matches!(
            change(Some("app.DS"), Some(&r1), Some(&s1b), h),
            TabChange::Adopt(_, EventType::Refreshed)
        ));
        // Another user: `signedIn`, also while signed out or holding nothing.
        match change(Some("app.DS"), Some(&r2), Some(&s2), h) {
            TabChange::Adopt(d, EventType::SignedIn) => assert_eq!(d.user_id(), "U2"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            change(Some("app.DSR"), Some(&r2), Some(&s2), Held::default()),
            TabChange::Adopt(_, EventType::SignedIn)
        ));
        // Mid-write (new DSR of U2, DS still U1's): U2's refresh token is held, U1's never sent again.
        match change(Some("app.DSR"), Some(&r2), Some(&s1), h) {
            TabChange::Dormant(t, j) => {
                assert_eq!(t, r2);
                assert_eq!(j.subject(), Some("U2"));
            }
            other => panic!("{other:?}"),
        }
        // Mid-write of our own user (DS not there yet): wait for it.
        assert_eq!(
            change(Some("app.DSR"), Some(&r1b), None, h),
            TabChange::Keep
        );
        // Other keys and other prefixes are not ours.
        for k in ["other", "DSR", "app.DSRx", "app.", "x.app.DSR"] {
            assert_eq!(change(Some(k), None, None, h), TabChange::Keep, "{k}");
        }
    }

    #[test]
    fn f31_tab_change_removal_signs_out_without_touching_storage() {
        let (r1, s1) = (
            tok(PID, "DSR", "U1", 1_800_000_000),
            tok(PID, "DS", "U1", 1_700_000_100),
        );
        let out = TabChange::SignOut {
            reason: Reason::OtherTab,
            remove_refresh: false,
            remove_session: false,
        };
        let h = held(&r1, &s1, "U1");
        // DSR removed (DS still there or not), or storage cleared (`key` null).
        assert_eq!(change(Some("app.DSR"), None, Some(&s1), h), out);
        assert_eq!(change(Some("app.DS"), None, None, h), out);
        assert_eq!(change(None, None, None, h), out);
        // Replaced by another project's record: not adopted, not touched (F07), ours is gone.
        let other = tok("P2other", "DSR", "U1", 1_800_000_000);
        assert_eq!(change(Some("app.DSR"), Some(&other), None, h), out);
        // While signed out the same outcome is harmless: the state machine emits nothing (G3).
        assert_eq!(change(None, None, None, Held::default()), out);
    }

    #[test]
    fn f36_tab_change_garbage_follows_the_restore_rules() {
        let (r1, s1) = (
            tok(PID, "DSR", "U1", 1_800_000_000),
            tok(PID, "DS", "U1", 1_700_000_100),
        );
        let h = held(&r1, &s1, "U1");
        let huge = "a".repeat(5 * 1024 * 1024);
        for bad in [huge.as_str(), "{\"v\":1}", "null", "aaa.bbb", "", "\u{0}"] {
            assert_eq!(
                change(Some("app.DSR"), Some(bad), Some(&s1), h),
                TabChange::SignOut {
                    reason: Reason::CorruptStorage,
                    remove_refresh: true,
                    remove_session: true
                }
            );
            assert_eq!(
                change(None, Some(bad), None, Held::default()),
                TabChange::SignOut {
                    reason: Reason::CorruptStorage,
                    remove_refresh: true,
                    remove_session: false
                }
            );
        }
        let expired = tok(PID, "DSR", "U1", 1_699_999_000);
        assert!(matches!(
            change(Some("app.DSR"), Some(&expired), None, h),
            TabChange::SignOut {
                reason: Reason::Expired,
                ..
            }
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]
        #[test]
        fn f36_prop_tab_change_never_panics_and_is_deterministic(
            k in proptest::option::of("(app\\.)?(DSR|DS|x)"),
            a in proptest::option::of(".{0,200}"),
            b in proptest::option::of(".{0,200}"),
        ) {
            let h = Held { refresh: Some("r"), session: Some("s"), user: Some("U1") };
            let x = change(k.as_deref(), a.as_deref(), b.as_deref(), h);
            let y = change(k.as_deref(), a.as_deref(), b.as_deref(), h);
            prop_assert_eq!(x, y);
        }

        #[test]
        fn f36_prop_restore_never_panics_and_is_deterministic(a in ".{0,200}", b in proptest::option::of(".{0,200}")) {
            let x = restore(Some(&a), b.as_deref(), PID, NOW);
            let y = restore(Some(&a), b.as_deref(), PID, NOW);
            prop_assert_eq!(x, y);
        }
    }
}
