//! What is stored, under which keys, and how a stored record is judged on restore (F01, F04, F07,
//! F36). Keys follow Descope's web SDK: `${prefix}DSR` (refresh JWT) and `${prefix}DS` (session JWT).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::ErrorKind;
use crate::jwt::Jwt;
use crate::response::check_token;
use crate::session::{Reason, SessionData, REFRESH_LEEWAY_MS};

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

/// The result of reading storage at construction.
#[derive(Debug, PartialEq)]
pub struct RestoreOutcome {
    pub session: Option<SessionData>,
    /// A valid refresh token without a usable session token.
    pub dormant: Option<(String, Jwt)>,
    pub remove_refresh: bool,
    pub remove_session: bool,
    /// Why stored credentials were dropped (reported as a `signedOut` event), if they were.
    pub dropped: Option<Reason>,
}

/// Judges the stored record. Never fails: corrupt or expired records are marked for removal; a
/// record of another project is left untouched and not adopted (F07).
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
        Some((d, Ok(sj))) if sj.subject() == refresh.subject() => {
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
            out.dormant = Some((dsr.to_string(), refresh));
        }
    }
    out
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

    proptest! {
        #[test]
        fn f36_prop_restore_never_panics_and_is_deterministic(a in ".{0,200}", b in proptest::option::of(".{0,200}")) {
            let x = restore(Some(&a), b.as_deref(), PID, NOW);
            let y = restore(Some(&a), b.as_deref(), PID, NOW);
            prop_assert_eq!(x, y);
        }
    }
}
