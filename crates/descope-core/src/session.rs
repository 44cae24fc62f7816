//! The session snapshot and the state machine: which transition emits which event, with a
//! generation counter that lets late responses be thrown away (commit guard, F31).

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;

use crate::jwt::Jwt;
use crate::response::AuthInfo;

/// Skew estimates smaller than this are network latency and `iat` rounding, not a wrong clock.
pub const SKEW_NOISE_MS: i64 = 2_000;
/// Leeway before a refresh token counts as expired (the SDKs' 5 s, F04).
pub const REFRESH_LEEWAY_MS: u64 = 5_000;

/// Cookie mode's refresh credential, held where a refresh JWT would be: the token itself is the
/// server's HttpOnly cookie, which the browser sends and the SDK never sees. It is sent as
/// `Bearer <projectId>` (`request::authorization`), never stored, and has nothing to decode.
pub const COOKIE_CREDENTIAL: &str = "";

/// An immutable, validated session.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionData {
    pub session_jwt: String,
    pub session: Jwt,
    pub refresh_jwt: Option<String>,
    pub refresh: Option<Jwt>,
    pub user_json: Option<String>,
    /// Client clock minus server clock, estimated from `iat` when the token arrived; 0 if unknown.
    pub skew_ms: i64,
}

/// Client-now minus the token's `iat`, if it is more than noise.
pub fn estimate_skew_ms(session: &Jwt, now_ms: u64) -> i64 {
    match session.iat() {
        Ok(Some(iat)) => {
            let skew = (now_ms as i64).saturating_sub(iat.saturating_mul(1000));
            if skew.abs() < SKEW_NOISE_MS {
                0
            } else {
                skew
            }
        }
        _ => 0,
    }
}

fn exp_ms(j: &Jwt, skew_ms: i64) -> Option<u64> {
    match j.exp() {
        Ok(Some(e)) => Some(e.saturating_mul(1000).saturating_add(skew_ms).max(0) as u64),
        _ => None,
    }
}

impl SessionData {
    /// A session from a fresh server response. Without a new refresh JWT the previous one is kept
    /// (F11). `skew_ms` is estimated from the new session token's `iat`.
    pub fn from_auth(info: AuthInfo, previous_refresh: Option<(String, Jwt)>, now_ms: u64) -> Self {
        let skew_ms = estimate_skew_ms(&info.session, now_ms);
        let (refresh_jwt, refresh) = match (info.refresh_jwt, info.refresh) {
            // A new refresh JWT, or the cookie (`COOKIE_CREDENTIAL`, nothing to decode).
            (Some(t), j) => (Some(t), j),
            // Never pair another user's refresh token with this session (F18).
            _ => match previous_refresh {
                Some((t, j)) if j.subject() == info.session.subject() => (Some(t), Some(j)),
                _ => (None, None),
            },
        };
        SessionData {
            session_jwt: info.session_jwt,
            session: info.session,
            refresh_jwt,
            refresh,
            user_json: info.user_json,
            skew_ms,
        }
    }
    /// Session expiry in client-clock ms (server `exp` corrected by the skew estimate).
    pub fn expires_at_ms(&self) -> u64 {
        exp_ms(&self.session, self.skew_ms).unwrap_or(0)
    }
    pub fn refresh_expires_at_ms(&self) -> Option<u64> {
        self.refresh.as_ref().and_then(|r| exp_ms(r, self.skew_ms))
    }
    /// Session lifetime in ms (clamped to a year), for lifetime-based scheduling.
    pub fn lifetime_ms(&self) -> Option<u64> {
        self.session.lifetime_seconds().map(|s| s as u64 * 1000)
    }
    pub fn is_expired(&self, now_ms: u64) -> bool {
        now_ms >= self.expires_at_ms()
    }
    /// True when the refresh token is past its `exp` plus leeway: refreshing is pointless (F04).
    pub fn refresh_expired(&self, now_ms: u64) -> bool {
        match self.refresh_expires_at_ms() {
            Some(e) => now_ms > e.saturating_add(REFRESH_LEEWAY_MS),
            None => false,
        }
    }
    pub fn user_id(&self) -> &str {
        self.session.subject().unwrap_or("")
    }
    pub fn refresh_pair(&self) -> Option<(String, Jwt)> {
        match (&self.refresh_jwt, &self.refresh) {
            (Some(t), Some(j)) => Some((t.clone(), j.clone())),
            _ => None,
        }
    }
}

/// The event of a successful refresh: `refreshed`, or `signedIn` when the server answered for
/// another user than the current one (an account switch is announced, never merged silently, F18)
/// or when there was no current session (a refresh token, or in cookie mode the cookie, that
/// another tab's sign-in left). `restoring`: the session stored before a reload was restored over
/// the network (`try-refresh`, see `storage::on_load`): `restored`.
pub fn refresh_event_kind(
    previous_user: Option<&str>,
    new_user: &str,
    restoring: bool,
) -> EventType {
    match previous_user {
        _ if restoring => EventType::Restored,
        Some(p) if p == new_user => EventType::Refreshed,
        _ => EventType::SignedIn,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Restored,
    SignedIn,
    Refreshed,
    SignedOut,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Restored => "restored",
            EventType::SignedIn => "signedIn",
            EventType::Refreshed => "refreshed",
            EventType::SignedOut => "signedOut",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Logout,
    Expired,
    Revoked,
    CorruptStorage,
    OtherTab,
    RefreshLost,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Logout => "logout",
            Reason::Expired => "expired",
            Reason::Revoked => "revoked",
            Reason::CorruptStorage => "corruptStorage",
            Reason::OtherTab => "otherTab",
            Reason::RefreshLost => "refreshLost",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: EventType,
    pub reason: Option<Reason>,
}

/// The client's session state.
#[derive(Debug, Default)]
pub struct State {
    current: Option<Rc<SessionData>>,
    /// A refresh credential without a usable session token: the next refresh uses it. A refresh
    /// JWT with its decoded form, or the cookie (`COOKIE_CREDENTIAL`, `None`).
    dormant: Option<(String, Option<Jwt>)>,
    generation: u64,
}

impl State {
    pub fn current(&self) -> Option<Rc<SessionData>> {
        self.current.clone()
    }
    /// Bumped by every transition; a response started under another generation is stale.
    pub fn generation(&self) -> u64 {
        self.generation
    }
    /// The refresh JWT to send, if any.
    pub fn refresh_token(&self) -> Option<String> {
        match &self.current {
            Some(s) => s.refresh_jwt.clone(),
            None => self.dormant.as_ref().map(|(t, _)| t.clone()),
        }
    }
    pub fn refresh_pair(&self) -> Option<(String, Jwt)> {
        match &self.current {
            Some(s) => s.refresh_pair(),
            None => self.dormant.clone().and_then(|(t, j)| Some((t, j?))),
        }
    }
    /// Whether there is anything to refresh or sign out.
    pub fn has_credentials(&self) -> bool {
        self.current.is_some() || self.dormant.is_some()
    }
    /// Restoring from storage: no event is emitted here (the glue queues `restored`).
    pub fn restore(&mut self, data: Option<SessionData>, dormant: Option<(String, Option<Jwt>)>) {
        self.current = data.map(Rc::new);
        self.dormant = if self.current.is_some() {
            None
        } else {
            dormant
        };
        self.generation += 1;
    }
    /// Makes `data` current; emits `kind` (signedIn or refreshed).
    pub fn adopt(&mut self, data: SessionData, kind: EventType) -> (Rc<SessionData>, Event) {
        let rc = Rc::new(data);
        self.current = Some(rc.clone());
        self.dormant = None;
        self.generation += 1;
        (rc, Event { kind, reason: None })
    }
    /// Ends the session. Emits `signedOut(reason)` only if there was something to end, so a
    /// session ends with exactly one event (G3).
    pub fn sign_out(&mut self, reason: Reason) -> Option<Event> {
        let had = self.has_credentials();
        self.current = None;
        self.dormant = None;
        self.generation += 1;
        had.then_some(Event {
            kind: EventType::SignedOut,
            reason: Some(reason),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::{self, test_support::token};
    use crate::response::parse_auth_response;

    fn tok(drn: &str, iat: i64, ttl: i64) -> String {
        token(&format!(
            r#"{{"iss":"P2abc","sub":"U1","drn":"{drn}","iat":{iat},"exp":{}}}"#,
            iat + ttl
        ))
    }

    fn auth(with_refresh: bool, iat: i64) -> AuthInfo {
        let mut b = format!(r#"{{"sessionJwt":"{}""#, tok("DS", iat, 600));
        if with_refresh {
            b.push_str(&format!(r#","refreshJwt":"{}""#, tok("DSR", iat, 86_400)));
        }
        b.push('}');
        parse_auth_response(200, &b, "P2abc", false).unwrap()
    }

    #[test]
    fn event_and_reason_spellings_are_the_api_names() {
        let kinds = [
            EventType::Restored,
            EventType::SignedIn,
            EventType::Refreshed,
            EventType::SignedOut,
        ];
        assert_eq!(
            kinds.map(EventType::as_str),
            ["restored", "signedIn", "refreshed", "signedOut"]
        );
        let reasons = [
            Reason::Logout,
            Reason::Expired,
            Reason::Revoked,
            Reason::CorruptStorage,
            Reason::OtherTab,
            Reason::RefreshLost,
        ];
        assert_eq!(
            reasons.map(Reason::as_str),
            [
                "logout",
                "expired",
                "revoked",
                "corruptStorage",
                "otherTab",
                "refreshLost"
            ]
        );
    }

    /// F04: a token without `iat` gives no skew estimate; one without `exp` has no known expiry
    /// (0: expired, refreshed at once), and a refresh token without `exp` never counts as expired.
    #[test]
    fn f04_missing_iat_and_exp() {
        let bare = |drn: &str| token(&format!(r#"{{"iss":"P2abc","sub":"U1","drn":"{drn}"}}"#));
        let (s, r) = (bare("DS"), bare("DSR"));
        let (sj, rj) = (jwt::decode(&s).unwrap(), jwt::decode(&r).unwrap());
        assert_eq!(estimate_skew_ms(&sj, 1_700_000_000_000), 0);
        let d = SessionData {
            session_jwt: s,
            session: sj,
            refresh_jwt: Some(r.clone()),
            refresh: Some(rj.clone()),
            user_json: None,
            skew_ms: 0,
        };
        assert_eq!(d.expires_at_ms(), 0);
        assert!(d.is_expired(1));
        assert_eq!(d.refresh_expires_at_ms(), None);
        assert!(!d.refresh_expired(u64::MAX));
        // Held or dormant, the refresh pair is the same.
        let mut st = State::default();
        st.restore(Some(d), None);
        assert_eq!(st.refresh_pair(), Some((r.clone(), rj.clone())));
        st.restore(None, Some((r.clone(), Some(rj.clone()))));
        assert_eq!(st.refresh_pair(), Some((r, rj)));
        assert_eq!(State::default().refresh_pair(), None);
    }

    #[test]
    fn f26_skew_is_estimated_from_iat() {
        let iat = 1_700_000_000;
        let d = SessionData::from_auth(auth(true, iat), None, (iat as u64) * 1000 + 3_600_000);
        assert_eq!(d.skew_ms, 3_600_000);
        assert_eq!(d.expires_at_ms(), (iat as u64 + 600) * 1000 + 3_600_000);
        assert!(!d.is_expired((iat as u64) * 1000 + 3_600_000 + 599_000));
        let d = SessionData::from_auth(auth(true, iat), None, (iat as u64) * 1000 + 900);
        assert_eq!(d.skew_ms, 0);
        let d = SessionData::from_auth(auth(true, iat), None, (iat as u64) * 1000 - 3_600_000);
        assert_eq!(d.skew_ms, -3_600_000);
        assert_eq!(d.lifetime_ms(), Some(600_000));
    }

    #[test]
    fn f11_keeps_previous_refresh_token() {
        let first = SessionData::from_auth(auth(true, 1_700_000_000), None, 1_700_000_000_000);
        let second = SessionData::from_auth(
            auth(false, 1_700_000_100),
            first.refresh_pair(),
            1_700_000_100_000,
        );
        assert_eq!(second.refresh_jwt, first.refresh_jwt);
    }

    #[test]
    fn f18_previous_refresh_token_of_another_user_is_not_kept() {
        let first = SessionData::from_auth(auth(true, 1_700_000_000), None, 1_700_000_000_000);
        let other =
            token(r#"{"iss":"P2abc","sub":"U2","drn":"DS","iat":1700000100,"exp":1700000700}"#);
        let info = parse_auth_response(
            200,
            &format!(r#"{{"sessionJwt":"{other}"}}"#),
            "P2abc",
            false,
        )
        .unwrap();
        let second = SessionData::from_auth(info, first.refresh_pair(), 1_700_000_100_000);
        assert_eq!(second.refresh_jwt, None);
        assert_eq!(second.user_id(), "U2");
    }

    /// Which event a refresh emits: `refreshed` for the same user, `signedIn` for an account switch.
    #[test]
    fn f18_refresh_event_kind() {
        assert_eq!(
            refresh_event_kind(Some("U1"), "U1", false),
            EventType::Refreshed
        );
        assert_eq!(
            refresh_event_kind(Some("U1"), "U2", false),
            EventType::SignedIn
        );
        // From a credential another tab's sign-in left (no current session): `signedIn`.
        assert_eq!(refresh_event_kind(None, "U2", false), EventType::SignedIn);
        // The network restore after a reload: `restored`, whoever it is.
        assert_eq!(refresh_event_kind(None, "U2", true), EventType::Restored);
        assert_eq!(
            refresh_event_kind(Some("U1"), "U2", true),
            EventType::Restored
        );
    }

    #[test]
    fn f04_refresh_expiry_with_leeway() {
        let d = SessionData::from_auth(auth(true, 1_700_000_000), None, 1_700_000_000_000);
        let rexp = d.refresh_expires_at_ms().unwrap();
        assert!(!d.refresh_expired(rexp + REFRESH_LEEWAY_MS));
        assert!(d.refresh_expired(rexp + REFRESH_LEEWAY_MS + 1));
    }

    #[test]
    fn f17_sign_out_emits_exactly_once() {
        let mut s = State::default();
        assert_eq!(s.sign_out(Reason::Revoked), None);
        let d = SessionData::from_auth(auth(true, 1_700_000_000), None, 1_700_000_000_000);
        let (_, ev) = s.adopt(d, EventType::SignedIn);
        assert_eq!(ev.kind, EventType::SignedIn);
        let g = s.generation();
        assert_eq!(
            s.sign_out(Reason::Revoked),
            Some(Event {
                kind: EventType::SignedOut,
                reason: Some(Reason::Revoked)
            })
        );
        assert!(s.generation() > g);
        assert_eq!(s.sign_out(Reason::Revoked), None);
        assert!(s.current().is_none());
        assert!(s.refresh_token().is_none());
    }

    #[test]
    fn dormant_refresh_token() {
        let mut s = State::default();
        let r = tok("DSR", 1_700_000_000, 1000);
        let j = jwt::decode(&r).unwrap();
        s.restore(None, Some((r.clone(), Some(j.clone()))));
        assert_eq!(s.refresh_token().as_deref(), Some(r.as_str()));
        assert_eq!(s.refresh_pair(), Some((r.clone(), j)));
        assert!(s.has_credentials());
        assert!(s.sign_out(Reason::Expired).is_some());
        // Cookie mode: the cookie is the credential; there is no token to pair.
        s.restore(None, Some((COOKIE_CREDENTIAL.to_string(), None)));
        assert_eq!(s.refresh_token().as_deref(), Some(""));
        assert_eq!(s.refresh_pair(), None);
        assert!(s.has_credentials());
    }

    #[test]
    fn cookie_mode_session_from_claims_holds_the_cookie_credential() {
        let claims = r#"{"iss":"P2abc","sub":"U1","drn":"DS","iat":1700000000,"exp":1700000600}"#;
        let body = format!(
            r#"{{"sessionJwt":"","refreshJwt":"","sessionExpiration":1700000600,"claims":{claims},"user":{{"loginIds":["a@b.co"],"name":"Ada"}}}}"#
        );
        let info = parse_auth_response(200, &body, "P2abc", true).unwrap();
        let d = SessionData::from_auth(info, None, 1_700_000_000_000);
        assert_eq!(d.session_jwt, "");
        assert_eq!(d.refresh_jwt.as_deref(), Some(COOKIE_CREDENTIAL));
        assert!(d.refresh.is_none() && d.refresh_pair().is_none());
        assert_eq!(d.user_id(), "U1");
        assert_eq!(d.expires_at_ms(), 1_700_000_600_000);
        assert_eq!(d.lifetime_ms(), Some(600_000));
        assert!(!d.refresh_expired(u64::MAX));
        let mut st = State::default();
        st.adopt(d, EventType::SignedIn);
        assert_eq!(st.refresh_token().as_deref(), Some(COOKIE_CREDENTIAL));
    }
}
