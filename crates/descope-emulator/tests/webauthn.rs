//! WebAuthn over HTTP with a software authenticator (tests/authenticator): sign-up, sign-in,
//! discoverable sign-in, sign-up-or-in, update, step-up and MFA, ES256 and RS256, `none` and
//! `packed` self-attestation, and every check's rejection.
mod authenticator;
mod common;

use authenticator::{Key, Passkey, Tweak, AT, UP, UV};
use common::*;
use serde_json::{json, Value};

const ORIGIN: &str = "http://localhost:4317";

struct Started {
    tx: String,
    options: String,
    create: bool,
}

impl Started {
    fn public_key(&self) -> Value {
        serde_json::from_str::<Value>(&self.options).expect("options JSON")["publicKey"].clone()
    }
}

async fn begin(c: &Client, op: &str, token: Option<&str>, body: Value) -> Started {
    let r = begin_raw(c, op, token, body).await;
    assert_eq!(r.status, 200, "{op}/start: {}", r.body);
    let b = r.json();
    Started {
        tx: b["transactionId"]
            .as_str()
            .expect("transactionId")
            .to_string(),
        options: b["options"]
            .as_str()
            .expect("options is a string")
            .to_string(),
        create: b["create"].as_bool().expect("create"),
    }
}

async fn begin_raw(c: &Client, op: &str, token: Option<&str>, body: Value) -> Resp {
    c.post_with(
        &format!("/v1/auth/webauthn/{op}/start"),
        token,
        &body.to_string(),
    )
    .await
}

async fn finish(c: &Client, op: &str, tx: &str, response: &str) -> Resp {
    c.post(
        &format!("/v1/auth/webauthn/{op}/finish"),
        json!({"transactionId": tx, "response": response}),
    )
    .await
}

fn signup_body(login_id: &str) -> Value {
    json!({"user": {"loginId": login_id, "name": "Pat Key"}, "origin": ORIGIN})
}

/// Signs `login_id` up with a new passkey of `key`; returns the JWTResponse and the passkey.
async fn sign_up(c: &Client, login_id: &str, key: Key) -> (Value, Passkey) {
    let s = begin(c, "signup", None, signup_body(login_id)).await;
    let (resp, pk) = authenticator::create(&s.options, ORIGIN, key, &Tweak::default());
    let r = finish(c, "signup", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "signup/finish: {}", r.body);
    (r.json(), pk)
}

async fn sign_in(c: &Client, login_id: &str, pk: &mut Passkey) -> Resp {
    let s = begin(
        c,
        "signin",
        None,
        json!({"loginId": login_id, "origin": ORIGIN}),
    )
    .await;
    let resp = authenticator::get(&s.options, ORIGIN, pk, &Tweak::default());
    finish(c, "signin", &s.tx, &resp).await
}

async fn credentials(c: &Client, login_id: &str) -> Vec<Value> {
    let r = c
        .control(
            "GET",
            &format!("/emulator/webauthn/credentials?loginId={}", enc(login_id)),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    r.json()["credentials"].as_array().expect("list").clone()
}

fn session_claims(jwt_response: &Value) -> Value {
    claims(jwt_response["sessionJwt"].as_str().expect("sessionJwt"))
}

fn err(r: &Resp) -> (u16, String) {
    (r.status, r.code())
}

#[tokio::test]
async fn sign_up_sign_in_and_discoverable_sign_in() {
    let emu = start().await;
    let c = client(&emu);
    let id = "pat@example.com";

    let s = begin(&c, "signup", None, signup_body(id)).await;
    assert!(s.create);
    let pk = s.public_key();
    assert_eq!(pk["rp"]["id"], "localhost");
    assert_eq!(pk["user"]["name"], id);
    assert_eq!(pk["user"]["displayName"], "Pat Key");
    let challenge = pk["challenge"].as_str().expect("challenge");
    assert_eq!(challenge.len(), 43, "32 bytes, base64url without padding");
    assert!(!challenge.contains(['=', '+', '/']));
    assert_eq!(
        pk["pubKeyCredParams"],
        json!([{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -257}])
    );
    assert_eq!(pk["excludeCredentials"], json!([]));
    assert_eq!(pk["attestation"], "none");
    assert_eq!(pk["authenticatorSelection"]["residentKey"], "preferred");
    let (resp, mut passkey) =
        authenticator::create(&s.options, ORIGIN, Key::es256(), &Tweak::default());
    let r = finish(&c, "signup", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    assert_eq!(b["firstSeen"], true);
    assert_eq!(b["user"]["webauthn"], true);
    assert_eq!(b["user"]["name"], "Pat Key");
    assert_eq!(b["user"]["email"], id);
    assert_eq!(session_claims(&b)["amr"], json!(["webauthn"]));
    assert!(b["refreshJwt"].is_string());
    let user_id = b["user"]["userId"].as_str().expect("userId").to_string();
    assert_eq!(
        passkey.user_handle,
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            &user_id[1..]
        )
    );

    let creds = credentials(&c, id).await;
    assert_eq!(creds.len(), 1);
    assert_eq!(creds[0]["id"], passkey.id_b64());
    assert_eq!(creds[0]["alg"], -7);
    assert_eq!(creds[0]["signCount"], 0);
    assert_eq!(creds[0]["userId"], user_id.as_str());
    assert!(creds[0].get("publicKey").is_none());

    // Sign-in by login id: allowCredentials lists the passkey.
    let s = begin(&c, "signin", None, json!({"loginId": id, "origin": ORIGIN})).await;
    assert!(!s.create);
    let pk = s.public_key();
    assert_eq!(pk["rpId"], "localhost");
    assert_eq!(
        pk["allowCredentials"],
        json!([{"type": "public-key", "id": passkey.id_b64()}])
    );
    assert_eq!(pk["userVerification"], "preferred");
    let resp = authenticator::get(&s.options, ORIGIN, &mut passkey, &Tweak::default());
    // Go's spelling of the transaction id is accepted too.
    let r = c
        .post(
            "/v1/auth/webauthn/signin/finish",
            json!({"transactionID": s.tx, "response": resp}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    assert_eq!(b["firstSeen"], false);
    assert_eq!(b["user"]["userId"], user_id.as_str());
    assert_eq!(session_claims(&b)["amr"], json!(["webauthn"]));
    assert_eq!(credentials(&c, id).await[0]["signCount"], 1);

    // Discoverable: empty login id, no allowCredentials, the user found by userHandle.
    let s = begin(&c, "signin", None, json!({"loginId": "", "origin": ORIGIN})).await;
    assert!(s.public_key().get("allowCredentials").is_none());
    let resp = authenticator::get(&s.options, ORIGIN, &mut passkey, &Tweak::default());
    let r = finish(&c, "signin", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["user"]["userId"], user_id.as_str());
    assert_eq!(credentials(&c, id).await[0]["signCount"], 2);

    // The same with the minimal body web-js sends for autofill (no loginId member at all).
    let s = begin(&c, "signin", None, json!({"origin": ORIGIN})).await;
    let resp = authenticator::get(&s.options, ORIGIN, &mut passkey, &Tweak::default());
    assert_eq!(finish(&c, "signin", &s.tx, &resp).await.status, 200);

    // /v1/auth/me says webauthn.
    let rt = b["refreshJwt"].as_str().expect("rt");
    assert_eq!(
        c.get("/v1/auth/me", Some(rt)).await.json()["webauthn"],
        true
    );

    // Reset forgets the passkeys.
    c.control("POST", "/emulator/reset", None).await;
    let r = c
        .control("GET", "/emulator/webauthn/credentials", None)
        .await;
    assert_eq!(r.json(), json!({"credentials": []}));
}

#[tokio::test]
async fn rs256_keys_and_packed_self_attestation() {
    let emu = start().await;
    let c = client(&emu);

    // RS256 with packed self-attestation.
    let s = begin(&c, "signup", None, signup_body("rsa@example.com")).await;
    let t = Tweak {
        packed: true,
        ..Tweak::default()
    };
    let (resp, mut rsa_key) = authenticator::create(&s.options, ORIGIN, Key::rs256(), &t);
    let r = finish(&c, "signup", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(credentials(&c, "rsa@example.com").await[0]["alg"], -257);
    let r = sign_in(&c, "rsa@example.com", &mut rsa_key).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // ES256 with packed self-attestation.
    let s = begin(&c, "signup", None, signup_body("ec@example.com")).await;
    let (resp, mut ec_key) = authenticator::create(&s.options, ORIGIN, Key::es256(), &t);
    assert_eq!(finish(&c, "signup", &s.tx, &resp).await.status, 200);
    assert_eq!(sign_in(&c, "ec@example.com", &mut ec_key).await.status, 200);

    // A packed statement whose signature does not verify.
    for key in [Key::es256(), Key::rs256()] {
        let s = begin(&c, "signup", None, signup_body("badpacked@example.com")).await;
        let bad = Tweak {
            packed: true,
            bad_signature: true,
            ..Tweak::default()
        };
        let (resp, _) = authenticator::create(&s.options, ORIGIN, key, &bad);
        let r = finish(&c, "signup", &s.tx, &resp).await;
        assert_eq!(err(&r), (401, "E067009".into()), "{}", r.body);
    }
    assert!(credentials(&c, "badpacked@example.com").await.is_empty());
    // The failed sign-ups created no user.
    let r = begin_raw(
        &c,
        "signin",
        None,
        json!({"loginId": "badpacked@example.com", "origin": ORIGIN}),
    )
    .await;
    assert_eq!(err(&r), (400, "E062108".into()));

    // An RS256 passkey's assertion signed by another key fails.
    let s = begin(
        &c,
        "signin",
        None,
        json!({"loginId": "rsa@example.com", "origin": ORIGIN}),
    )
    .await;
    let mut forged = rsa_key.clone();
    forged.key = Key::es256();
    let resp = authenticator::get(&s.options, ORIGIN, &mut forged, &Tweak::default());
    assert_eq!(
        err(&finish(&c, "signin", &s.tx, &resp).await),
        (401, "E067013".into())
    );
}

#[tokio::test]
async fn sign_up_or_in_takes_both_branches() {
    let emu = start().await;
    let c = client(&emu);
    let id = "both@example.com";
    let body = json!({"loginId": id, "origin": ORIGIN});

    // New user: create → signup/finish.
    let s = begin(&c, "signup-in", None, body.clone()).await;
    assert!(s.create);
    let (resp, mut pk) = authenticator::create(&s.options, ORIGIN, Key::es256(), &Tweak::default());
    // A create transaction cannot be finished as a sign-in (and that uses it up).
    let r = finish(&c, "signin", &s.tx, &resp).await;
    assert_eq!(err(&r), (401, "E067001".into()));
    let s = begin(&c, "signup-in", None, body.clone()).await;
    let (resp, new_pk) =
        authenticator::create(&s.options, ORIGIN, pk.key.clone(), &Tweak::default());
    pk = new_pk;
    let r = finish(&c, "signup", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["firstSeen"], true);

    // Existing user with a passkey: get → signin/finish.
    let s = begin(&c, "signup-in", None, body.clone()).await;
    assert!(!s.create);
    assert_eq!(
        s.public_key()["allowCredentials"][0]["id"],
        pk.id_b64().as_str()
    );
    let resp = authenticator::get(&s.options, ORIGIN, &mut pk, &Tweak::default());
    let r = finish(&c, "signin", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["firstSeen"], false);

    // Existing user without a passkey: create, and the user keeps its id.
    let made = c
        .create_user(json!({"loginId": "nokey@example.com", "name": "No Key"}))
        .await
        .json();
    let s = begin(
        &c,
        "signup-in",
        None,
        json!({"loginId": "nokey@example.com", "origin": ORIGIN}),
    )
    .await;
    assert!(s.create);
    assert_eq!(s.public_key()["user"]["displayName"], "No Key");
    let (resp, _) = authenticator::create(&s.options, ORIGIN, Key::es256(), &Tweak::default());
    let r = finish(&c, "signup", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["firstSeen"], false);
    assert_eq!(r.json()["user"]["userId"], made["userId"]);
    assert_eq!(r.json()["user"]["webauthn"], true);

    // Sign-up of an existing login id, sign-in of an unknown one, sign-in without passkeys.
    let r = begin_raw(&c, "signup", None, signup_body(id)).await;
    assert_eq!(err(&r), (400, "E062107".into()));
    let r = begin_raw(
        &c,
        "signin",
        None,
        json!({"loginId": "who@example.com", "origin": ORIGIN}),
    )
    .await;
    assert_eq!(err(&r), (400, "E062108".into()));
    c.create_user(json!({"loginId": "bare@example.com"})).await;
    let r = begin_raw(
        &c,
        "signin",
        None,
        json!({"loginId": "bare@example.com", "origin": ORIGIN}),
    )
    .await;
    assert_eq!(err(&r), (401, "E067010".into()));
}

#[tokio::test]
async fn update_adds_a_passkey_with_and_without_mfa() {
    let emu = start().await;
    let c = client(&emu);
    let id = "upd@example.com";
    let session = c.sign_in(id, "email").await;
    let rt = session["refreshJwt"].as_str().expect("rt").to_string();
    let body = json!({"loginId": id, "origin": ORIGIN});

    // No session, or another user's login id: 401.
    let r = begin_raw(&c, "update", None, body.clone()).await;
    assert_eq!(err(&r), (401, "E061301".into()));
    c.create_user(json!({"loginId": "other@example.com"})).await;
    let r = begin_raw(
        &c,
        "update",
        Some(&rt),
        json!({"loginId": "other@example.com", "origin": ORIGIN}),
    )
    .await;
    assert_eq!(err(&r), (401, "E061301".into()));

    // Without mfa: `{}`.
    let s = begin(&c, "update", Some(&rt), body.clone()).await;
    assert!(s.create);
    assert_eq!(s.public_key()["excludeCredentials"], json!([]));
    let (resp, mut first) =
        authenticator::create(&s.options, ORIGIN, Key::es256(), &Tweak::default());
    // An update transaction is finished by update/finish only.
    let r = finish(&c, "signup", &s.tx, &resp).await;
    assert_eq!(err(&r), (401, "E067001".into()));
    let s = begin(&c, "update", Some(&rt), body.clone()).await;
    let (resp, pk) =
        authenticator::create(&s.options, ORIGIN, first.key.clone(), &Tweak::default());
    first = pk;
    let r = finish(&c, "update", &s.tx, &resp).await;
    assert_eq!((r.status, r.json()), (200, json!({})), "{}", r.body);
    assert_eq!(
        c.get("/v1/auth/me", Some(&rt)).await.json()["webauthn"],
        true
    );

    // With mfa: `{jwt}` whose amr merges the session's factors with the passkey.
    let s = begin(
        &c,
        "update",
        Some(&rt),
        json!({"loginId": id, "origin": ORIGIN, "mfa": true}),
    )
    .await;
    assert_eq!(
        s.public_key()["excludeCredentials"],
        json!([{"type": "public-key", "id": first.id_b64()}])
    );
    let (resp, mut second) =
        authenticator::create(&s.options, ORIGIN, Key::rs256(), &Tweak::default());
    let r = finish(&c, "update", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let jwt = r.json()["jwt"].clone();
    assert!(jwt["refreshJwt"].is_string());
    assert_eq!(
        session_claims(&jwt)["amr"],
        json!(["email", "webauthn", "mfa"])
    );
    assert_eq!(credentials(&c, id).await.len(), 2);

    // Both passkeys sign in.
    assert_eq!(sign_in(&c, id, &mut first).await.status, 200);
    assert_eq!(sign_in(&c, id, &mut second).await.status, 200);

    // Registering the same credential again is refused.
    let s = begin(&c, "update", Some(&rt), body.clone()).await;
    let t = Tweak {
        cred_id: Some(first.id.clone()),
        ..Tweak::default()
    };
    let (resp, _) = authenticator::create(&s.options, ORIGIN, first.key.clone(), &t);
    let r = finish(&c, "update", &s.tx, &resp).await;
    assert_eq!(err(&r), (400, "E067012".into()));
    assert_eq!(credentials(&c, id).await.len(), 2);
}

#[tokio::test]
async fn step_up_and_mfa_need_the_users_session() {
    let emu = start().await;
    let c = client(&emu);
    let id = "stepper@example.com";
    let otp = c.sign_in(id, "email").await;
    let rt = otp["refreshJwt"].as_str().expect("rt").to_string();
    let s = begin(
        &c,
        "update",
        Some(&rt),
        json!({"loginId": id, "origin": ORIGIN}),
    )
    .await;
    let (resp, mut pk) = authenticator::create(&s.options, ORIGIN, Key::es256(), &Tweak::default());
    assert_eq!(finish(&c, "update", &s.tx, &resp).await.status, 200);

    // Step-up: su, and amr keeps the session's factors.
    let body = json!({"loginId": id, "origin": ORIGIN, "loginOptions": {"stepup": true, "customClaims": {"k": "v"}}});
    let r = begin_raw(&c, "signin", None, body.clone()).await;
    assert_eq!(err(&r), (401, "E061301".into()), "step-up needs a session");
    let s = begin(&c, "signin", Some(&rt), body).await;
    let resp = authenticator::get(&s.options, ORIGIN, &mut pk, &Tweak::default());
    let r = finish(&c, "signin", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cl = session_claims(&r.json());
    assert_eq!(cl["su"], true);
    assert_eq!(cl["amr"], json!(["email", "webauthn"]));
    assert_eq!(cl["nsec"], json!({"k": "v"}));

    // MFA: amr gets mfa.
    let s = begin(
        &c,
        "signin",
        Some(&rt),
        json!({"loginId": id, "origin": ORIGIN, "loginOptions": {"mfa": true}}),
    )
    .await;
    let resp = authenticator::get(&s.options, ORIGIN, &mut pk, &Tweak::default());
    let r = finish(&c, "signin", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        session_claims(&r.json())["amr"],
        json!(["email", "webauthn", "mfa"])
    );

    // Another user's session cannot step this user up.
    let other = c.sign_in("someone@example.com", "email").await;
    let ort = other["refreshJwt"].as_str().expect("rt");
    let r = begin_raw(
        &c,
        "signin",
        Some(ort),
        json!({"loginId": id, "origin": ORIGIN, "loginOptions": {"stepup": true}}),
    )
    .await;
    assert_eq!(err(&r), (401, "E061301".into()));
}

/// Starts a sign-up for a fresh login id and finishes it with `tweak`; returns the answer.
async fn registration_with(c: &Client, n: &mut u32, tweak: Tweak, body_extra: Value) -> Resp {
    *n += 1;
    let mut body = signup_body(&format!("reg{n}@example.com"));
    if let (Some(b), Some(extra)) = (body.as_object_mut(), body_extra.as_object()) {
        b.extend(extra.clone());
    }
    let s = begin(c, "signup", None, body).await;
    let (resp, _) = authenticator::create(&s.options, ORIGIN, Key::es256(), &tweak);
    finish(c, "signup", &s.tx, &resp).await
}

#[tokio::test]
async fn registration_rejections() {
    let emu = start().await;
    let c = client(&emu);
    let n = &mut 0;
    let none = json!({});
    let cases: Vec<(&str, Tweak, Value, (u16, &str))> = vec![
        (
            "wrong origin",
            Tweak {
                origin: Some("http://localhost:9999".into()),
                ..Tweak::default()
            },
            none.clone(),
            (401, "E067005"),
        ),
        (
            "cross-origin iframe",
            Tweak {
                cross_origin: true,
                ..Tweak::default()
            },
            none.clone(),
            (401, "E067005"),
        ),
        (
            "wrong rpId",
            Tweak {
                rp_id: Some("evil.example".into()),
                ..Tweak::default()
            },
            none.clone(),
            (401, "E067006"),
        ),
        (
            "wrong clientData type",
            Tweak {
                client_type: Some("webauthn.get".into()),
                ..Tweak::default()
            },
            none.clone(),
            (401, "E067003"),
        ),
        (
            "wrong credential type",
            Tweak {
                cred_type: Some("password".into()),
                ..Tweak::default()
            },
            none.clone(),
            (401, "E067003"),
        ),
        (
            "wrong challenge",
            Tweak {
                challenge: Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
                ..Tweak::default()
            },
            none.clone(),
            (401, "E067004"),
        ),
        (
            "user not present",
            Tweak {
                flags: Some(UV | AT),
                ..Tweak::default()
            },
            none.clone(),
            (401, "E067007"),
        ),
        (
            "UV missing when required",
            Tweak {
                flags: Some(UP | AT),
                ..Tweak::default()
            },
            json!({"passkeyOptions": {"authenticatorSelection": {"userVerification": "required"}}}),
            (401, "E067008"),
        ),
        (
            "no attested credential",
            Tweak {
                flags: Some(UP | UV),
                ..Tweak::default()
            },
            none.clone(),
            (400, "E067002"),
        ),
    ];
    for (name, tweak, extra, want) in cases {
        let r = registration_with(&c, n, tweak, extra).await;
        assert_eq!(err(&r), (want.0, want.1.to_string()), "{name}: {}", r.body);
    }

    // An origin given with a trailing slash matches the browser's (which has none).
    let s = begin(
        &c,
        "signup",
        None,
        json!({"user": {"loginId": "slash@example.com"}, "origin": format!("{ORIGIN}/")}),
    )
    .await;
    let (resp, _) = authenticator::create(&s.options, ORIGIN, Key::es256(), &Tweak::default());
    let r = finish(&c, "signup", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // UV not required: UP alone is enough.
    let r = registration_with(
        &c,
        n,
        Tweak {
            flags: Some(UP | AT),
            ..Tweak::default()
        },
        none.clone(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The options carry what passkeyOptions asked for.
    let s = begin(
        &c,
        "signup",
        None,
        json!({"user": {"loginId": "opts@example.com"}, "origin": ORIGIN, "passkeyOptions": {
            "authenticatorSelection": {"authenticatorAttachment": "crossplatform", "residentKey": "required", "userVerification": "required"},
            "attestation": "direct", "extensionsJSON": "{\"credProps\":true}"}}),
    )
    .await;
    let pk = s.public_key();
    assert_eq!(
        pk["authenticatorSelection"],
        json!({"authenticatorAttachment": "cross-platform", "residentKey": "required", "requireResidentKey": true, "userVerification": "required"})
    );
    assert_eq!(pk["attestation"], "direct");
    assert_eq!(pk["extensions"], json!({"credProps": true}));
    assert_eq!(pk["user"]["displayName"], "opts@example.com");

    // A key of an algorithm that was not offered (EdDSA).
    let s = begin(&c, "signup", None, signup_body("eddsa@example.com")).await;
    let ed = Key::EdDsaClaim(p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng));
    let (resp, _) = authenticator::create(&s.options, ORIGIN, ed, &Tweak::default());
    assert_eq!(
        err(&finish(&c, "signup", &s.tx, &resp).await),
        (401, "E067009".into())
    );

    // Replayed transaction: the second finish of the same transaction fails.
    let s = begin(&c, "signup", None, signup_body("replay@example.com")).await;
    let (resp, _) = authenticator::create(&s.options, ORIGIN, Key::es256(), &Tweak::default());
    assert_eq!(finish(&c, "signup", &s.tx, &resp).await.status, 200);
    assert_eq!(
        err(&finish(&c, "signup", &s.tx, &resp).await),
        (401, "E067001".into())
    );

    // A failed finish uses the transaction up too.
    let s = begin(&c, "signup", None, signup_body("once@example.com")).await;
    let bad = Tweak {
        origin: Some("http://localhost:1".into()),
        ..Tweak::default()
    };
    let (resp, _) = authenticator::create(&s.options, ORIGIN, Key::es256(), &bad);
    assert_eq!(
        err(&finish(&c, "signup", &s.tx, &resp).await),
        (401, "E067005".into())
    );
    let (resp, _) = authenticator::create(&s.options, ORIGIN, Key::es256(), &Tweak::default());
    assert_eq!(
        err(&finish(&c, "signup", &s.tx, &resp).await),
        (401, "E067001".into())
    );

    // Expired transaction (the emulator clock moves past the TTL).
    let s = begin(&c, "signup", None, signup_body("late@example.com")).await;
    let (resp, _) = authenticator::create(&s.options, ORIGIN, Key::es256(), &Tweak::default());
    c.control(
        "POST",
        "/emulator/clock",
        Some(json!({"offsetSeconds": 121})),
    )
    .await;
    assert_eq!(
        err(&finish(&c, "signup", &s.tx, &resp).await),
        (401, "E067001".into())
    );
    c.control("POST", "/emulator/clock", Some(json!({"offsetSeconds": 0})))
        .await;

    // Unknown transaction; malformed requests and responses answer 400.
    assert_eq!(
        err(&finish(&c, "signup", "nope", &resp).await),
        (401, "E067001".into())
    );
    let r = c
        .post("/v1/auth/webauthn/signup/finish", json!({"response": resp}))
        .await;
    assert_eq!(err(&r), (400, "E011002".into()));
    let r = c
        .post(
            "/v1/auth/webauthn/signup/finish",
            json!({"transactionId": "x"}),
        )
        .await;
    assert_eq!(err(&r), (400, "E011002".into()));
    for garbage in [
        "not json",
        "{\"type\":\"public-key\"}",
        "{\"rawId\":\"***\",\"type\":\"public-key\",\"response\":{}}",
    ] {
        let s = begin(&c, "signup", None, signup_body("garbage@example.com")).await;
        let r = finish(&c, "signup", &s.tx, garbage).await;
        assert_eq!(err(&r), (400, "E067002".into()), "{garbage}");
    }
    let s = begin(&c, "signup", None, signup_body("cbor@example.com")).await;
    let (resp, _) = authenticator::create(&s.options, ORIGIN, Key::es256(), &Tweak::default());
    let mut v: Value = serde_json::from_str(&resp).expect("json");
    v["response"]["attestationObject"] = json!("oWNmbXQ"); // truncated CBOR
    assert_eq!(
        err(&finish(&c, "signup", &s.tx, &v.to_string()).await),
        (400, "E067002".into())
    );

    // Start validation: origin, passkeyOptions, unknown operation.
    for body in [
        json!({"user": {"loginId": "o@example.com"}}),
        json!({"user": {"loginId": "o@example.com"}, "origin": "android:apk-key-hash:abc"}),
        json!({"user": {"loginId": "o@example.com"}, "origin": ORIGIN, "passkeyOptions": {"attestation": "everything"}}),
        json!({"user": {"loginId": "o@example.com"}, "origin": ORIGIN, "passkeyOptions": {"extensionsJSON": "[1]"}}),
        json!({"origin": ORIGIN}),
    ] {
        let r = begin_raw(&c, "signup", None, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
    }
    let r = begin_raw(
        &c,
        "register",
        None,
        json!({"loginId": "x@example.com", "origin": ORIGIN}),
    )
    .await;
    assert_eq!(r.status, 404);
    let r = c
        .post(
            "/v1/auth/webauthn/signup-in/finish",
            json!({"transactionId": "x", "response": "{}"}),
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn assertion_rejections() {
    let emu = start().await;
    let c = client(&emu);
    let id = "assert@example.com";
    let (_, mut pk) = sign_up(&c, id, Key::es256()).await;
    let (_, mut other) = sign_up(&c, "other@example.com", Key::es256()).await;
    let body = json!({"loginId": id, "origin": ORIGIN});

    // A first sign-in reports counter 3.
    let s = begin(&c, "signin", None, body.clone()).await;
    let resp = authenticator::get(
        &s.options,
        ORIGIN,
        &mut pk,
        &Tweak {
            counter: Some(3),
            ..Tweak::default()
        },
    );
    assert_eq!(finish(&c, "signin", &s.tx, &resp).await.status, 200);

    let mut unknown = pk.clone();
    unknown.id = vec![42; 16];
    type Case = (&'static str, Tweak, Option<Passkey>, (u16, &'static str));
    let cases: Vec<Case> = vec![
        (
            "wrong origin",
            Tweak {
                origin: Some("http://127.0.0.1:4317".into()),
                ..Tweak::default()
            },
            None,
            (401, "E067005"),
        ),
        (
            "wrong rpId",
            Tweak {
                rp_id: Some("127.0.0.1".into()),
                ..Tweak::default()
            },
            None,
            (401, "E067006"),
        ),
        (
            "wrong clientData type",
            Tweak {
                client_type: Some("webauthn.create".into()),
                ..Tweak::default()
            },
            None,
            (401, "E067003"),
        ),
        (
            "wrong credential type",
            Tweak {
                cred_type: Some("public_key".into()),
                ..Tweak::default()
            },
            None,
            (401, "E067003"),
        ),
        (
            "wrong challenge",
            Tweak {
                challenge: Some("Zm9v".into()),
                ..Tweak::default()
            },
            None,
            (401, "E067004"),
        ),
        (
            "bad signature",
            Tweak {
                bad_signature: true,
                ..Tweak::default()
            },
            None,
            (401, "E067013"),
        ),
        (
            "user not present",
            Tweak {
                flags: Some(UV),
                ..Tweak::default()
            },
            None,
            (401, "E067007"),
        ),
        (
            "counter going back",
            Tweak {
                counter: Some(2),
                ..Tweak::default()
            },
            None,
            (401, "E067014"),
        ),
        (
            "unknown credential",
            Tweak::default(),
            Some(unknown),
            (401, "E067011"),
        ),
        (
            "another user's credential",
            Tweak::default(),
            Some(other.clone()),
            (401, "E067011"),
        ),
        (
            "userHandle of someone else",
            Tweak {
                user_handle: Some(Some(other.user_handle.clone())),
                ..Tweak::default()
            },
            None,
            (401, "E067011"),
        ),
    ];
    for (name, tweak, with, want) in cases {
        let s = begin(&c, "signin", None, body.clone()).await;
        let mut key = with.unwrap_or_else(|| pk.clone());
        let resp = authenticator::get(&s.options, ORIGIN, &mut key, &tweak);
        let r = finish(&c, "signin", &s.tx, &resp).await;
        assert_eq!(err(&r), (want.0, want.1.to_string()), "{name}: {}", r.body);
    }
    // None of these moved the stored counter; the genuine passkey still signs in.
    assert_eq!(credentials(&c, id).await[0]["signCount"], 3);
    let s = begin(&c, "signin", None, body.clone()).await;
    let resp = authenticator::get(
        &s.options,
        ORIGIN,
        &mut pk,
        &Tweak {
            counter: Some(5),
            ..Tweak::default()
        },
    );
    let r = finish(&c, "signin", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(credentials(&c, id).await[0]["signCount"], 5);
    // Replaying that very response: the transaction is used up.
    assert_eq!(
        err(&finish(&c, "signin", &s.tx, &resp).await),
        (401, "E067001".into())
    );
    // A counter equal to the stored one is a clone too.
    let s = begin(&c, "signin", None, body.clone()).await;
    let resp = authenticator::get(
        &s.options,
        ORIGIN,
        &mut pk,
        &Tweak {
            counter: Some(5),
            ..Tweak::default()
        },
    );
    assert_eq!(
        err(&finish(&c, "signin", &s.tx, &resp).await),
        (401, "E067014".into())
    );

    // UV required by the options but not performed.
    let s = begin(
        &c,
        "signin",
        None,
        json!({"loginId": id, "origin": ORIGIN, "passkeyOptions": {"userVerification": "required"}}),
    )
    .await;
    assert_eq!(s.public_key()["userVerification"], "required");
    let resp = authenticator::get(
        &s.options,
        ORIGIN,
        &mut pk,
        &Tweak {
            flags: Some(UP),
            ..Tweak::default()
        },
    );
    assert_eq!(
        err(&finish(&c, "signin", &s.tx, &resp).await),
        (401, "E067008".into())
    );
    // Not required: UP alone is enough.
    let s = begin(&c, "signin", None, body.clone()).await;
    let resp = authenticator::get(
        &s.options,
        ORIGIN,
        &mut pk,
        &Tweak {
            flags: Some(UP),
            ..Tweak::default()
        },
    );
    assert_eq!(finish(&c, "signin", &s.tx, &resp).await.status, 200);

    // Expired transaction.
    let s = begin(&c, "signin", None, body.clone()).await;
    let resp = authenticator::get(&s.options, ORIGIN, &mut pk, &Tweak::default());
    c.control(
        "POST",
        "/emulator/clock",
        Some(json!({"offsetSeconds": 121})),
    )
    .await;
    assert_eq!(
        err(&finish(&c, "signin", &s.tx, &resp).await),
        (401, "E067001".into())
    );
    c.control("POST", "/emulator/clock", Some(json!({"offsetSeconds": 0})))
        .await;

    // Discoverable sign-in needs a userHandle naming the credential's user.
    let s = begin(&c, "signin", None, json!({"loginId": "", "origin": ORIGIN})).await;
    let resp = authenticator::get(
        &s.options,
        ORIGIN,
        &mut other,
        &Tweak {
            user_handle: Some(None),
            ..Tweak::default()
        },
    );
    assert_eq!(
        err(&finish(&c, "signin", &s.tx, &resp).await),
        (401, "E067011".into())
    );
    let s = begin(&c, "signin", None, json!({"loginId": "", "origin": ORIGIN})).await;
    let resp = authenticator::get(
        &s.options,
        ORIGIN,
        &mut other,
        &Tweak {
            user_handle: Some(Some(pk.user_handle.clone())),
            ..Tweak::default()
        },
    );
    assert_eq!(
        err(&finish(&c, "signin", &s.tx, &resp).await),
        (401, "E067011".into())
    );
    let s = begin(&c, "signin", None, json!({"loginId": "", "origin": ORIGIN})).await;
    let resp = authenticator::get(&s.options, ORIGIN, &mut other, &Tweak::default());
    let r = finish(&c, "signin", &s.tx, &resp).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["user"]["loginIds"], json!(["other@example.com"]));
}

#[tokio::test]
async fn a_zero_counter_may_stay_zero() {
    // Authenticators without a counter (many passkey providers) always report 0.
    let emu = start().await;
    let c = client(&emu);
    let (_, mut pk) = sign_up(&c, "zero@example.com", Key::es256()).await;
    for _ in 0..2 {
        let s = begin(
            &c,
            "signin",
            None,
            json!({"loginId": "zero@example.com", "origin": ORIGIN}),
        )
        .await;
        let resp = authenticator::get(
            &s.options,
            ORIGIN,
            &mut pk,
            &Tweak {
                counter: Some(0),
                ..Tweak::default()
            },
        );
        let r = finish(&c, "signin", &s.tx, &resp).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
}
