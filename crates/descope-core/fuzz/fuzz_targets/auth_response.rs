//! F06, F10–F12: any 2xx body through the JWTResponse reader and the small success shapes.
#![no_main]
use descope_core::{response, shape, ErrorKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &str| {
    for cookie in [false, true] {
        match response::parse_auth_response(200, body, "P2abc", cookie) {
            // Cookie mode holds no token: the session is its claims, the credential the cookie.
            Ok(a) if cookie => {
                assert!(a.session_jwt.is_empty() && a.refresh.is_none());
                assert_eq!(a.refresh_jwt.as_deref(), Some(""));
                assert!(a.session.issued_for("P2abc"));
            }
            Ok(a) => {
                assert!(!a.session_jwt.is_empty());
                assert!(a.session.issued_for("P2abc"));
                assert_ne!(a.refresh_jwt.as_deref(), Some(a.session_jwt.as_str()));
            }
            // A failed 2xx body is a protocol error, or a network one when it was cut short
            // (F12); never echoed (the description is one of ours, short).
            Err(e) => {
                assert!(matches!(e.kind, ErrorKind::Protocol | ErrorKind::Network));
                assert!(e.description.len() <= 120 || !body.contains(e.description.as_str()));
            }
        }
    }
    let _ = response::parse_object_text(200, body);
    for s in [
        shape::MASKED,
        shape::USER,
        shape::PENDING_LINK,
        shape::TOTP,
        shape::TENANTS,
        shape::HISTORY,
        shape::POLICY,
    ] {
        let _ = shape::reshape(200, body, s);
    }
});
