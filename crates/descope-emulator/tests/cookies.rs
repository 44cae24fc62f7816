//! Cookie mode (`tokenResponseMethod: "cookies"`, `--cookies`): HttpOnly `DS` / `DSR` cookies with
//! their attributes, the blanked body, every session route reading the refresh JWT from the cookie,
//! logout expiring both, a custom refresh cookie name, `null` config keys, and CORS.
mod common;
use common::*;
use serde_json::{json, Value};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

async fn start_cookies() -> Emu {
    let mut cfg = test_config();
    cfg.cookies = true;
    start_with(cfg).await
}

/// A `Set-Cookie` header split into its name, value and attributes.
#[derive(Debug)]
struct SetCookie {
    name: String,
    value: String,
    attrs: Vec<String>,
}

impl SetCookie {
    fn has(&self, attr: &str) -> bool {
        self.attrs.iter().any(|a| a.eq_ignore_ascii_case(attr))
    }
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find_map(|a| {
            a.split_once('=')
                .filter(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
    }
    fn max_age(&self) -> i64 {
        self.attr("Max-Age")
            .and_then(|v| v.parse().ok())
            .expect("Max-Age")
    }
}

fn set_cookies(r: &Resp) -> Vec<SetCookie> {
    r.headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .map(|(_, v)| {
            let mut parts = v.split(';').map(str::trim);
            let (name, value) = parts
                .next()
                .and_then(|p| p.split_once('='))
                .expect("name=value");
            SetCookie {
                name: name.into(),
                value: value.into(),
                attrs: parts.map(str::to_string).collect(),
            }
        })
        .collect()
}

fn cookie<'a>(r: &'a [SetCookie], name: &str) -> &'a SetCookie {
    r.iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no Set-Cookie {name}"))
}

/// OTP sign-up-or-in + verify; the raw verify answer (headers included).
async fn sign_in(c: &Client, login_id: &str) -> Resp {
    let r = c
        .post("/v1/auth/otp/signup-in/email", json!({"loginId": login_id}))
        .await;
    assert_eq!(r.status, 200);
    let code = c.last_code(login_id).await;
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": login_id, "code": code}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r
}

/// A call with `Authorization: Bearer <pid>` only, the refresh JWT in a cookie.
async fn with_cookie(
    emu: &Emu,
    method: &str,
    path: &str,
    cookie: &str,
    extra: &[(&str, &str)],
    body: Option<&str>,
) -> Resp {
    let auth = format!("Bearer {PID}");
    let mut headers = vec![
        ("Authorization", auth.as_str()),
        ("Cookie", cookie),
        ("Content-Type", "application/json"),
    ];
    headers.extend_from_slice(extra);
    raw(&emu.addr, method, path, &headers, body)
        .await
        .expect("answer")
}

/// The body of a cookie-mode JWT answer: no token, everything else there.
fn assert_blanked(r: &Resp) {
    let b = r.json();
    assert_eq!(b["sessionJwt"], "", "{}", r.body);
    if let Some(rt) = b.get("refreshJwt") {
        assert_eq!(rt, "");
    }
    assert!(
        !r.body.contains("eyJ"),
        "no JWT anywhere in the body: {}",
        r.body
    );
    assert!(b["sessionExpiration"].is_i64());
    assert!(b["claims"].is_object());
    assert!(b["user"]["userId"].is_string());
    assert_eq!(b["cookiePath"], "/");
    assert!(b["cookieMaxAge"].is_i64() && b["cookieExpiration"].is_i64());
    assert!(b["cookieDomain"].is_string());
}

#[tokio::test]
async fn sign_in_sets_httponly_cookies_and_blanks_the_body() {
    let emu = start_cookies().await;
    let c = client(&emu);
    let r = sign_in(&c, "cookie@example.com").await;
    let cookies = set_cookies(&r);
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    let (ds, dsr) = (cookie(&cookies, "DS"), cookie(&cookies, "DSR"));
    for c in [ds, dsr] {
        assert!(c.has("HttpOnly") && c.has("Secure"), "{c:?}");
        assert_eq!(c.attr("Path"), Some("/"));
        assert_eq!(c.attr("SameSite"), Some("Strict"));
        assert_eq!(c.attr("Domain"), None, "host-only by default");
    }
    assert!(
        (590..=600).contains(&ds.max_age()),
        "DS lives as long as the session JWT"
    );
    assert!((2_419_190..=2_419_200).contains(&dsr.max_age()));
    let jwk = c.get(&format!("/v2/keys/{PID}"), None).await.json()["keys"][0].clone();
    assert!(verify_with_jwk(&ds.value, &jwk) && verify_with_jwk(&dsr.value, &jwk));
    assert_eq!(claims(&ds.value)["drn"], "DS");
    assert_eq!(claims(&dsr.value)["drn"], "DSR");

    assert_blanked(&r);
    let b = r.json();
    assert_eq!(b["refreshJwt"], "");
    assert_eq!(
        b["claims"],
        claims(&ds.value),
        "claims of the session in the cookie"
    );
    assert_eq!(b["sessionExpiration"], claims(&ds.value)["exp"]);
    assert_eq!(b["user"]["email"], "cookie@example.com");
    assert_eq!(b["cookieDomain"], "");
    assert_eq!(b["cookieMaxAge"], dsr.max_age());
    assert!(
        b.get("cookieName").is_none(),
        "no custom refresh cookie name"
    );
    assert_eq!(b["firstSeen"], true);
}

#[tokio::test]
async fn session_routes_read_the_refresh_jwt_from_the_cookie() {
    let emu = start_cookies().await;
    let c = client(&emu);
    c.create_user(json!({"loginId": "jar@example.com", "userTenants": [{"tenantId": "T1"}]}))
        .await;
    let r = sign_in(&c, "jar@example.com").await;
    let dsr = cookie(&set_cookies(&r), "DSR").value.clone();
    let jar = format!("DSR={dsr}; other=1");

    for path in ["/v1/auth/refresh", "/v1/auth/try-refresh"] {
        let r = with_cookie(&emu, "POST", path, &jar, &[], Some("{}")).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert_blanked(&r);
        let cookies = set_cookies(&r);
        let ds = cookie(&cookies, "DS");
        assert_eq!(claims(&ds.value)["sub"], r.json()["user"]["userId"]);
        assert_eq!(r.json()["claims"], claims(&ds.value));
    }
    let r = with_cookie(&emu, "GET", "/v1/auth/me", &jar, &[], None).await;
    assert_eq!(
        (r.status, r.json()["email"].clone()),
        (200, json!("jar@example.com"))
    );
    assert!(set_cookies(&r).is_empty(), "me sets no cookie");
    let r = with_cookie(&emu, "POST", "/v1/auth/me/tenants", &jar, &[], Some("{}")).await;
    assert_eq!(r.json()["tenants"][0]["id"], "T1");
    let r = with_cookie(&emu, "GET", "/v1/auth/me/history", &jar, &[], None).await;
    assert_eq!(r.status, 200);
    assert!(r.json().as_array().is_some_and(|a| !a.is_empty()));
    let r = with_cookie(
        &emu,
        "POST",
        "/v1/auth/tenant/select",
        &jar,
        &[],
        Some(r#"{"tenant":"T1"}"#),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_blanked(&r);
    assert_eq!(r.json()["claims"]["dct"], "T1");
    let selected = cookie(&set_cookies(&r), "DSR").value.clone();
    assert_eq!(claims(&selected)["dct"], "T1");

    // Step-up with the cookie: the new session carries su.
    let r = with_cookie(
        &emu,
        "POST",
        "/v1/auth/otp/signin/email",
        &jar,
        &[],
        Some(r#"{"loginId":"jar@example.com","loginOptions":{"stepup":true}}"#),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let code = c.last_code("jar@example.com").await;
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "jar@example.com", "code": code}),
        )
        .await;
    assert_eq!(r.json()["claims"]["su"], true);

    // Logout with the cookie expires both cookies with the attributes they were set with.
    let r = with_cookie(&emu, "POST", "/v1/auth/logout", &jar, &[], Some("{}")).await;
    assert_eq!(r.status, 200);
    let cookies = set_cookies(&r);
    assert_eq!(cookies.len(), 2);
    for name in ["DS", "DSR"] {
        let c = cookie(&cookies, name);
        assert_eq!((c.value.as_str(), c.max_age()), ("", 0), "{name}");
        assert!(c.has("HttpOnly") && c.has("Secure"));
        assert_eq!(c.attr("Path"), Some("/"));
        assert_eq!(c.attr("SameSite"), Some("Strict"));
    }
    let r = with_cookie(&emu, "POST", "/v1/auth/refresh", &jar, &[], Some("{}")).await;
    assert_eq!((r.status, r.code()), (401, "E064001".into()));
    assert!(set_cookies(&r).is_empty());
    let r = with_cookie(&emu, "POST", "/v1/auth/try-refresh", &jar, &[], Some("{}")).await;
    assert_eq!((r.status, r.json()), (200, json!({})));

    // Logout-all with the other session's cookie.
    let jar = format!("DSR={selected}");
    let r = with_cookie(&emu, "POST", "/v1/auth/logoutall", &jar, &[], Some("{}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(set_cookies(&r).len(), 2);
    let r = with_cookie(&emu, "GET", "/v1/auth/me", &jar, &[], None).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn rotation_in_cookie_mode_replaces_the_refresh_cookie() {
    let mut cfg = test_config();
    cfg.cookies = true;
    cfg.rotation = true;
    let emu = start_with(cfg).await;
    let c = client(&emu);
    let r = sign_in(&c, "rotc@example.com").await;
    let rt1 = cookie(&set_cookies(&r), "DSR").value.clone();
    let r = with_cookie(
        &emu,
        "POST",
        "/v1/auth/refresh",
        &format!("DSR={rt1}"),
        &[],
        Some("{}"),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_blanked(&r);
    let rt2 = cookie(&set_cookies(&r), "DSR").value.clone();
    assert!(rt2 != rt1 && claims(&rt2)["drn"] == "DSR");
    let r = with_cookie(
        &emu,
        "POST",
        "/v1/auth/refresh",
        &format!("DSR={rt1}"),
        &[],
        Some("{}"),
    )
    .await;
    assert_eq!(r.status, 401);
    let r = with_cookie(&emu, "GET", "/v1/auth/me", &format!("DSR={rt2}"), &[], None).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn custom_cookie_settings_from_the_control_api_and_null_back_to_the_default() {
    let emu = start().await;
    let c = client(&emu);
    let defaults = c.control("GET", "/emulator/config", None).await.json();
    assert_eq!(defaults["tokenResponseMethod"], "body");
    assert_eq!(defaults["cookieSameSite"], "Strict");
    assert_eq!(defaults["cookieSecure"], true);
    assert_eq!(defaults["cookieDomain"], Value::Null);
    assert_eq!(defaults["refreshCookieName"], Value::Null);
    let r = c
        .control(
            "POST",
            "/emulator/config",
            Some(
                json!({"tokenResponseMethod": "cookies", "refreshCookieName": "MyRT",
                        "cookieSameSite": "lax", "cookieSecure": false,
                        "cookieDomain": "localhost"}),
            ),
        )
        .await;
    assert_eq!(r.status, 200);
    let cfg = r.json();
    assert_eq!(
        (
            cfg["tokenResponseMethod"].clone(),
            cfg["refreshCookieName"].clone(),
            cfg["cookieSameSite"].clone(),
            cfg["cookieSecure"].clone(),
            cfg["cookieDomain"].clone()
        ),
        (
            json!("cookies"),
            json!("MyRT"),
            json!("Lax"),
            json!(false),
            json!("localhost")
        )
    );
    let r = sign_in(&c, "custom@example.com").await;
    let cookies = set_cookies(&r);
    let names: Vec<&str> = cookies.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["DS", "MyRT"]);
    for c in &cookies {
        assert_eq!(c.attr("SameSite"), Some("Lax"));
        assert!(!c.has("Secure"));
        assert!(c.has("HttpOnly"));
        assert_eq!(c.attr("Domain"), Some("localhost"));
    }
    assert_blanked(&r);
    assert_eq!(r.json()["cookieName"], "MyRT");
    assert_eq!(r.json()["cookieDomain"], "localhost");
    let rt = cookie(&cookies, "MyRT").value.clone();
    // The configured name is read without the header, and with it.
    let jar = format!("MyRT={rt}");
    let r = with_cookie(&emu, "POST", "/v1/auth/refresh", &jar, &[], Some("{}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["cookieName"], "MyRT");
    let named = [("x-descope-refresh-cookie-name", "MyRT")];
    let r = with_cookie(&emu, "GET", "/v1/auth/me", &jar, &named, None).await;
    assert_eq!(r.status, 200);
    // A DSR cookie is not where this project keeps its refresh JWT.
    let r = with_cookie(&emu, "GET", "/v1/auth/me", &format!("DSR={rt}"), &[], None).await;
    assert_eq!(r.status, 401);
    let r = with_cookie(&emu, "POST", "/v1/auth/logout", &jar, &named, Some("{}")).await;
    let cookies = set_cookies(&r);
    let names: Vec<(&str, i64)> = cookies
        .iter()
        .map(|c| (c.name.as_str(), c.max_age()))
        .collect();
    assert_eq!(names, [("DS", 0), ("MyRT", 0)]);
    assert_eq!(cookie(&cookies, "MyRT").attr("Domain"), Some("localhost"));

    // Bad values are refused and change nothing.
    for bad in [
        json!({"tokenResponseMethod": "cookie"}),
        json!({"cookieSameSite": "sometimes"}),
        json!({"cookieSecure": "yes"}),
        json!({"cookieDomain": "a; Secure"}),
        json!({"refreshCookieName": "DS"}),
        json!({"refreshCookieName": "a;b"}),
        json!({"refreshCookieName": 5}),
    ] {
        let r = c
            .control("POST", "/emulator/config", Some(bad.clone()))
            .await;
        assert_eq!((r.status, r.code()), (400, "E011003".into()), "{bad}");
    }
    assert_eq!(c.control("GET", "/emulator/config", None).await.json(), cfg);

    // null: back to the command-line values (body mode), so no cookie and tokens in the body.
    let r = c
        .control(
            "POST",
            "/emulator/config",
            Some(
                json!({"tokenResponseMethod": null, "refreshCookieName": null,
                        "cookieSameSite": null, "cookieSecure": null, "cookieDomain": null}),
            ),
        )
        .await;
    assert_eq!(r.json(), defaults);
    let r = sign_in(&c, "custom@example.com").await;
    assert!(set_cookies(&r).is_empty());
    let b = r.json();
    assert!(s(&b["sessionJwt"]).starts_with("eyJ") && s(&b["refreshJwt"]).starts_with("eyJ"));
    assert!(b.get("cookieName").is_none());
    let r = c
        .post_tok("/v1/auth/logout", &s(&b["refreshJwt"]), json!({}))
        .await;
    assert_eq!(r.status, 200);
    assert!(
        set_cookies(&r).is_empty(),
        "body mode sets no cookie, even on logout"
    );
}

#[tokio::test]
async fn an_empty_refresh_cookie_name_means_dsr() {
    let emu = start_cookies().await;
    let c = client(&emu);
    c.control(
        "POST",
        "/emulator/config",
        Some(json!({"refreshCookieName": "X"})),
    )
    .await;
    let r = c
        .control(
            "POST",
            "/emulator/config",
            Some(json!({"refreshCookieName": ""})),
        )
        .await;
    assert_eq!(r.json()["refreshCookieName"], Value::Null);
    let r = sign_in(&c, "empty@example.com").await;
    cookie(&set_cookies(&r), "DSR");
}

#[tokio::test]
async fn cors_allows_credentials_and_the_descope_headers() {
    let emu = start_cookies().await;
    let c = client(&emu);
    let origin = "http://localhost:5173";
    // A preflight that names no headers gets the full list.
    let r = raw(
        &emu.addr,
        "OPTIONS",
        "/v1/auth/refresh",
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", "POST"),
        ],
        None,
    )
    .await
    .expect("answer");
    assert_eq!(r.status, 204);
    let allowed = r.header("access-control-allow-headers").unwrap_or_default();
    for h in [
        "authorization",
        "x-descope-refresh-cookie-name",
        "x-descope-known-device-token",
        "x-descope-trusted-device-token",
    ] {
        assert!(allowed.contains(h), "{h} allowed");
    }
    assert_eq!(r.header("access-control-allow-origin"), Some(origin));
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    // A real cross-origin answer: echoed origin, credentials, and its cookies.
    let r = sign_in(&c, "cors@example.com").await;
    let dsr = cookie(&set_cookies(&r), "DSR").value.clone();
    let jar = format!("DSR={dsr}");
    let r = with_cookie(
        &emu,
        "POST",
        "/v1/auth/refresh",
        &jar,
        &[("Origin", origin), ("x-descope-known-device-token", "kd")],
        Some("{}"),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some(origin));
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        set_cookies(&r).len(),
        1,
        "refresh without rotation re-sets DS only"
    );
}

#[tokio::test]
async fn body_mode_answers_carry_claims_and_set_no_cookie() {
    let emu = start().await;
    let c = client(&emu);
    let r = sign_in(&c, "body@example.com").await;
    assert!(set_cookies(&r).is_empty());
    let b = r.json();
    assert_eq!(b["claims"], claims(&s(&b["sessionJwt"])));
}

#[test]
fn cookies_flag() {
    let cfg = descope_emulator::parse_args(["--cookies".to_string()]).expect("parses");
    assert!(cfg.cookies);
    assert!(!descope_emulator::Config::default().cookies);
}

#[tokio::test]
async fn every_sign_in_family_answers_in_cookies_and_other_answers_set_none() {
    let emu = start_cookies().await;
    let c = client(&emu);
    let both = |r: &Resp| {
        assert_eq!(r.status, 200, "{}", r.body);
        assert_blanked(r);
        let cookies = set_cookies(r);
        let names: Vec<&str> = cookies.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["DS", "DSR"]);
    };
    // Magic link.
    let r = c
        .post(
            "/v1/auth/magiclink/signup-in/email",
            json!({"loginId": "ml@example.com", "URI": "http://app.test/v"}),
        )
        .await;
    assert!(set_cookies(&r).is_empty());
    let token = c.last_token("ml@example.com").await;
    both(
        &c.post("/v1/auth/magiclink/verify", json!({"token": token}))
            .await,
    );
    // Enchanted link: the verify answers `{}` with no cookie; the poll answers the session.
    let r = c
        .post(
            "/v1/auth/enchantedlink/signup-in/email",
            json!({"loginId": "el@example.com", "URI": "http://app.test/v"}),
        )
        .await;
    let pending_ref = s(&r.json()["pendingRef"]);
    let token = c.last_token("el@example.com").await;
    let r = c
        .post("/v1/auth/enchantedlink/verify", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.body.as_str()), (200, "{}"));
    assert!(set_cookies(&r).is_empty());
    both(
        &c.post(
            "/v1/auth/enchantedlink/pending-session",
            json!({"pendingRef": pending_ref}),
        )
        .await,
    );
    // Password sign-up and sign-in.
    let creds = json!({"loginId": "pw@example.com", "password": "Secret123"});
    both(&c.post("/v1/auth/password/signup", creds.clone()).await);
    both(&c.post("/v1/auth/password/signin", creds).await);
    // An error answer sets no cookie.
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "pw@example.com", "password": "Wrong1234"}),
        )
        .await;
    assert_eq!(r.status, 401);
    assert!(set_cookies(&r).is_empty());
}

/// F21 in cookie mode: the answer carrying the rotated refresh cookie is lost; within the grace
/// window the old cookie gets the current refresh JWT as its new cookie.
#[tokio::test]
async fn f21_lost_refresh_answer_in_cookie_mode_with_a_grace_window() {
    let mut cfg = test_config();
    cfg.cookies = true;
    cfg.rotation = true;
    cfg.rotation_grace = 10;
    let emu = start_with(cfg).await;
    let c = client(&emu);
    let r = sign_in(&c, "f21c@example.com").await;
    let jar = format!("DSR={}", cookie(&set_cookies(&r), "DSR").value);
    c.control(
        "POST",
        "/emulator/faults",
        Some(json!({"path": "/v1/auth/refresh", "drop": true})),
    )
    .await;
    let auth = format!("Bearer {PID}");
    let lost = raw(
        &emu.addr,
        "POST",
        "/v1/auth/refresh",
        &[("Authorization", &auth), ("Cookie", &jar)],
        Some("{}"),
    )
    .await;
    assert!(lost.is_err());
    let mut current = vec![];
    for _ in 0..2 {
        let r = with_cookie(&emu, "POST", "/v1/auth/refresh", &jar, &[], Some("{}")).await;
        assert_eq!(r.status, 200);
        assert_blanked(&r);
        current.push(cookie(&set_cookies(&r), "DSR").value.clone());
    }
    assert_eq!(
        current[0], current[1],
        "the same current refresh JWT both times"
    );
    assert_ne!(format!("DSR={}", current[0]), jar);
}

/// F21: `drop: true` loses the answer in a way a browser does not resend: the status line and
/// headers go out (a connection closed before any answer is resent by Chromium on a fresh one),
/// then half the declared body, then the connection is cut. The lost answer's cookies are held
/// back, so the client keeps the refresh cookie it sent.
#[tokio::test]
async fn drop_true_sends_the_head_without_cookies_then_cuts_the_body() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = start_cookies().await;
    let c = client(&emu);
    let r = sign_in(&c, "cut@example.com").await;
    let jar = format!("DSR={}", cookie(&set_cookies(&r), "DSR").value);
    c.control(
        "POST",
        "/emulator/faults",
        Some(json!({"path": "/v1/auth/refresh", "drop": true})),
    )
    .await;
    let from = c.control("GET", "/emulator/requests", None).await.json();
    let from = from.as_array().map_or(0, Vec::len);
    let mut s = tokio::net::TcpStream::connect(&emu.addr).await.unwrap();
    let req = format!(
        "POST /v1/auth/refresh HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {PID}\r\n\
         Cookie: {jar}\r\nOrigin: http://127.0.0.1:9\r\nContent-Length: 2\r\n\r\n{{}}",
        emu.addr
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await; // a reset or a close: cut short either way
    let text = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let (head, body) = text.split_once("\r\n\r\n").expect("a head was sent");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(
        head.contains("access-control-allow-origin"),
        "CORS headers kept"
    );
    assert!(!head.contains("set-cookie"), "no cookie of a lost answer");
    let declared: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|v| v.trim().parse().ok())
        .expect("content-length");
    assert!(body.len() < declared, "{} of {declared} bytes", body.len());
    let log = c.control("GET", "/emulator/requests", None).await.json();
    let entries = log.as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), from + 1, "handled once");
    assert_eq!(
        entries.last().unwrap()["status"],
        json!(null),
        "logged as lost"
    );
    // Handled once; with rotation off the same cookie still refreshes.
    let r = with_cookie(&emu, "POST", "/v1/auth/refresh", &jar, &[], Some("{}")).await;
    assert_eq!(r.status, 200);
}
