//! F01–F03, F05, F08, F09: any string through the JWT structure check and every claim reader.
#![no_main]
use descope_core::jwt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|token: &str| {
    if let Ok(j) = jwt::decode(token) {
        assert!(token.len() <= jwt::MAX_TOKEN_BYTES);
        // Every accessor is total; times that pass the rule are in range (F05).
        if let Ok(Some(exp)) = j.exp() {
            assert!(exp > 0 && exp <= jwt::MAX_UNIX_SECONDS);
        }
        if let Ok(Some(iat)) = j.iat() {
            assert!(iat > 0 && iat <= jwt::MAX_UNIX_SECONDS);
        }
        if let Some(life) = j.lifetime_seconds() {
            assert!((0..=jwt::MAX_LIFETIME_SECONDS).contains(&life));
        }
        let _ = (j.subject(), j.issuer(), j.drn(), j.amr(), j.step_up(), j.current_tenant());
        let _ = (j.tenants(), j.roles(None), j.permissions(Some("T1")));
        let _ = (j.issued_for("P2abc"), j.is_expired_at(1_700_000_000_000), j.times_valid());
        // The payload handed to JS is the JSON the claims came from.
        assert_eq!(
            descope_core::json::parse(j.payload_json()).as_ref(),
            Ok(j.claims())
        );
    }
});
