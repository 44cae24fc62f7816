//! Transport behaviour: project check, JSON 404/405, CORS, rate limit, faults, request log,
//! control API, static files, and the binary's command line.
mod common;
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

#[tokio::test]
async fn every_api_call_needs_this_project_id() {
    let emu = start().await;
    let r = raw(
        &emu.addr,
        "POST",
        "/v1/auth/otp/signin/email",
        &[],
        Some(r#"{"loginId":"a@b.co"}"#),
    )
    .await
    .expect("answer");
    assert_eq!(r.status, 401);
    assert!(r.json()["errorCode"].is_string());
    let r = raw(
        &emu.addr,
        "GET",
        "/v1/auth/me",
        &[("Authorization", "Bearer Pother:x")],
        None,
    )
    .await
    .expect("answer");
    assert_eq!(r.status, 401);
    let r = raw(
        &emu.addr,
        "GET",
        "/v1/auth/me",
        &[("Authorization", "Basic abc")],
        None,
    )
    .await
    .expect("answer");
    assert_eq!(r.status, 401);
    // Unknown paths and methods answer JSON.
    let c = client(&emu);
    let r = c.get("/v1/auth/nothing-here", None).await;
    assert_eq!(r.status, 404);
    assert!(r.json()["errorCode"].is_string());
    let r = c.get("/v1/auth/refresh", None).await;
    assert_eq!(r.status, 405);
    assert!(r.json()["errorCode"].is_string());
    let r = raw(&emu.addr, "GET", "/elsewhere", &[], None)
        .await
        .expect("answer");
    assert_eq!(r.status, 404);
    assert!(r.json()["errorCode"].is_string());
}

#[tokio::test]
async fn cors_preflight_and_headers_on_every_answer() {
    let emu = start().await;
    let r = raw(
        &emu.addr,
        "OPTIONS",
        "/v1/auth/otp/signin/email",
        &[
            ("Origin", "http://localhost:3000"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type,x-descope-sdk-name,x-descope-sdk-session-id",
            ),
        ],
        None,
    )
    .await
    .expect("answer");
    assert_eq!(r.status, 204);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("authorization,content-type,x-descope-sdk-name,x-descope-sdk-session-id")
    );
    assert!(r
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("POST") && m.contains("GET")));
    assert_eq!(r.header("access-control-max-age"), Some("600"));
    // Errors, control answers, and no-Origin requests.
    for (m, p) in [
        ("POST", "/v1/auth/refresh"),
        ("GET", "/emulator/config"),
        ("GET", "/nope"),
    ] {
        let r = raw(&emu.addr, m, p, &[("Origin", "http://app.test")], None)
            .await
            .expect("answer");
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("http://app.test"),
            "{p}"
        );
        assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
        assert_eq!(
            r.header("access-control-expose-headers"),
            Some("Retry-After, X-Descope-Flow-Nonce")
        );
    }
    let r = raw(&emu.addr, "GET", "/emulator/config", &[], None)
        .await
        .expect("answer");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let mut cfg = test_config();
    cfg.rate_limit = 3;
    let emu = start_with(cfg).await;
    let c = client(&emu);
    for _ in 0..3 {
        assert_eq!(c.post("/v1/auth/try-refresh", json!({})).await.status, 200);
    }
    let r = c.post("/v1/auth/try-refresh", json!({})).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.code(), "E130429");
    let ra: u64 = r
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=60).contains(&ra), "retry-after {ra}");
    // Not the control API, not preflights.
    assert_eq!(c.control("GET", "/emulator/config", None).await.status, 200);
    let r = raw(
        &emu.addr,
        "OPTIONS",
        "/v1/auth/refresh",
        &[("Origin", "http://x")],
        None,
    )
    .await
    .expect("answer");
    assert_eq!(r.status, 204);
    // Raising the limit at run time, and 0 disables it.
    c.control(
        "POST",
        "/emulator/config",
        Some(json!({"rateLimitPerMinute": 0})),
    )
    .await;
    assert_eq!(c.post("/v1/auth/try-refresh", json!({})).await.status, 200);
    c.control(
        "POST",
        "/emulator/config",
        Some(json!({"rateLimitPerMinute": 3})),
    )
    .await;
    assert_eq!(c.post("/v1/auth/try-refresh", json!({})).await.status, 429);
    // Reset clears the counters.
    c.control("POST", "/emulator/reset", None).await;
    assert_eq!(c.post("/v1/auth/try-refresh", json!({})).await.status, 200);
}

#[tokio::test]
async fn faults_answer_status_and_body_then_stop() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .control("POST", "/emulator/faults", Some(json!({"path": "/v1/auth/try-refresh", "status": 503, "body": {"errorCode": "E999"}, "retryAfter": "7", "times": 2})))
        .await;
    assert_eq!(r.status, 200);
    for _ in 0..2 {
        let r = c.post("/v1/auth/try-refresh", json!({})).await;
        assert_eq!(r.status, 503);
        assert_eq!(r.json(), json!({"errorCode": "E999"}));
        assert_eq!(r.header("retry-after"), Some("7"));
        assert!(r.header("access-control-allow-origin").is_some());
    }
    let r = c.post("/v1/auth/try-refresh", json!({})).await;
    assert_eq!(r.status, 200);
    // Raw string bodies are sent as-is (an HTML proxy page); numeric retryAfter; prefix match.
    c.control("POST", "/emulator/faults", Some(json!({"path": "/v1/auth/*", "status": 502, "body": "<html>Bad gateway</html>", "retryAfter": 3, "times": 1}))).await;
    let r = c.post("/v1/auth/refresh", json!({})).await;
    assert_eq!(r.status, 502);
    assert_eq!(r.body, "<html>Bad gateway</html>");
    assert!(r
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html")));
    assert_eq!(r.header("retry-after"), Some("3"));
    // Status only → a JSON error body; 429 uses E130429.
    c.control(
        "POST",
        "/emulator/faults",
        Some(json!({"path": "/v1/auth/me", "status": 429, "times": 1})),
    )
    .await;
    let r = c.get("/v1/auth/me", None).await;
    assert_eq!((r.status, r.code()), (429, "E130429".into()));
    // Bad fault definitions.
    let r = c
        .control("POST", "/emulator/faults", Some(json!({"status": 500})))
        .await;
    assert_eq!(r.status, 400);
    let r = c
        .control(
            "POST",
            "/emulator/faults",
            Some(json!({"path": "/x", "status": 42})),
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn faults_delay_and_drop() {
    let emu = start().await;
    let c = client(&emu);
    c.control(
        "POST",
        "/emulator/faults",
        Some(json!({"path": "/v1/auth/try-refresh", "delayMs": 300, "times": 1})),
    )
    .await;
    let t = Instant::now();
    let r = c.post("/v1/auth/try-refresh", json!({})).await;
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 200, "delay only lets the real answer through");
    c.control(
        "POST",
        "/emulator/faults",
        Some(json!({"path": "/v1/auth/try-refresh", "drop": true, "times": 1})),
    )
    .await;
    let auth = format!("Bearer {PID}");
    let r = raw(
        &emu.addr,
        "POST",
        "/v1/auth/try-refresh",
        &[("Authorization", &auth)],
        Some("{}"),
    )
    .await;
    assert!(r.is_err(), "dropped connection gives no answer");
    let log = c.control("GET", "/emulator/requests", None).await.json();
    let last = log
        .as_array()
        .and_then(|a| a.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (last["path"].clone(), last["status"].clone()),
        (json!("/v1/auth/try-refresh"), json!(null))
    );
    assert_eq!(c.post("/v1/auth/try-refresh", json!({})).await.status, 200);
    // Delay + status.
    c.control(
        "POST",
        "/emulator/faults",
        Some(json!({"path": "/v1/auth/me", "delayMs": 200, "status": 500, "times": 1})),
    )
    .await;
    let t = Instant::now();
    let r = c.get("/v1/auth/me", None).await;
    assert!(t.elapsed() >= Duration::from_millis(200));
    assert_eq!(r.status, 500);
    assert!(r.json()["errorCode"].is_string());
}

#[tokio::test]
async fn request_log_redacts_secrets() {
    let emu = start().await;
    let c = client(&emu);
    let b = c.sign_in("log@example.com", "email").await;
    let rt = b["refreshJwt"].as_str().unwrap_or_default().to_string();
    let auth = format!("Bearer {PID}:{rt}");
    let cookie = format!("DSR={rt}");
    raw(
        &emu.addr,
        "POST",
        "/v1/auth/refresh?dcs=t&dcr=f",
        &[
            ("Authorization", &auth),
            ("Cookie", &cookie),
            ("X-Descope-SDK-Name", "web-js"),
        ],
        Some(r#"{"externalToken":"ext"}"#),
    )
    .await
    .expect("answer");
    let r = c.control("GET", "/emulator/requests", None).await;
    assert_eq!(r.status, 200);
    let log = r.json();
    let entries = log.as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 3, "signup-in, verify, refresh");
    let text = log.to_string();
    assert!(!text.contains(&rt), "no refresh token in the log");
    assert!(!text.contains(b["sessionJwt"].as_str().unwrap_or("~")));
    let verify = &entries[1];
    assert_eq!(verify["path"], "/v1/auth/otp/verify/email");
    assert_eq!(verify["body"]["code"], "<redacted>");
    assert_eq!(verify["body"]["loginId"], "log@example.com");
    assert_eq!(verify["status"], 200);
    assert_eq!(verify["method"], "POST");
    assert_eq!(verify["headers"]["authorization"], format!("Bearer {PID}"));
    let refresh = &entries[2];
    assert_eq!(
        refresh["headers"]["authorization"],
        format!("Bearer {PID}:<redacted>")
    );
    assert_eq!(refresh["headers"]["cookie"], "DSR=<redacted>");
    assert_eq!(refresh["headers"]["x-descope-sdk-name"], "web-js");
    assert_eq!(refresh["query"], json!({"dcs": "t", "dcr": "f"}));
    assert_eq!(refresh["body"]["externalToken"], "<redacted>");
    assert!(refresh["at"].is_i64());
}

#[tokio::test]
async fn control_users_config_and_reset() {
    let emu = start().await;
    let c = client(&emu);
    let r = c.create_user(json!({"loginId": "ctl@example.com", "name": "Ctl", "roleNames": ["r"], "userTenants": [{"tenantId": "T9", "roleNames": ["tr"]}]})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["verifiedEmail"], true);
    assert_eq!(r.json()["email"], "ctl@example.com");
    let r = c.create_user(json!({"loginId": "ctl@example.com"})).await;
    assert_eq!(r.status, 409);
    assert!(r.json()["errorCode"].is_string());
    let r = c.create_user(json!({"name": "x"})).await;
    assert_eq!(r.status, 400);
    // Existing user signs in (not up).
    let r = c
        .post(
            "/v1/auth/otp/signin/email",
            json!({"loginId": "ctl@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let code = c.last_code("ctl@example.com").await;
    let b = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "ctl@example.com", "code": code}),
        )
        .await
        .json();
    assert_eq!(b["firstSeen"], false);
    assert_eq!(
        claims(b["sessionJwt"].as_str().unwrap_or_default())["tenants"],
        json!({"T9": {"roles": ["tr"], "permissions": []}})
    );
    let cfg = c.control("GET", "/emulator/config", None).await.json();
    assert_eq!(
        cfg,
        json!({"projectId": PID, "sessionTtlSeconds": 600, "refreshTtlSeconds": 2419200, "rotation": false, "rotationGraceSeconds": 0, "rateLimitPerMinute": 600, "offsetSeconds": 0, "tokenResponseMethod": "body", "cookieSameSite": "Strict", "cookieSecure": true, "cookieDomain": null, "refreshCookieName": null})
    );
    let r = c
        .control("POST", "/emulator/config", Some(json!({"rotation": "yes"})))
        .await;
    assert_eq!(r.status, 400);
    let all = c.control("GET", "/emulator/outbox", None).await.json();
    assert_eq!(all["messages"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        c.control("GET", "/emulator/totp/ctl@example.com", None)
            .await
            .status,
        404
    );
    c.control(
        "POST",
        "/emulator/clock",
        Some(json!({"offsetSeconds": 50})),
    )
    .await;
    let r = c.control("POST", "/emulator/reset", None).await;
    assert_eq!((r.status, r.json()), (200, json!({})));
    assert_eq!(
        c.control("GET", "/emulator/outbox", None).await.json(),
        json!({"messages": []})
    );
    assert_eq!(
        c.control("GET", "/emulator/requests", None).await.json(),
        json!([])
    );
    assert_eq!(
        c.control("GET", "/emulator/config", None).await.json()["offsetSeconds"],
        0
    );
    let r = c
        .post(
            "/v1/auth/otp/signin/email",
            json!({"loginId": "ctl@example.com"}),
        )
        .await;
    assert_eq!(r.code(), "E062108");
    // Sessions are forgotten too.
    let r = c
        .post_tok(
            "/v1/auth/refresh",
            b["refreshJwt"].as_str().unwrap_or_default(),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn static_files_are_served_from_the_same_origin() {
    let dir = std::env::temp_dir().join(format!("emu-static-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pkg")).expect("mkdir");
    std::fs::write(dir.join("index.html"), "<h1>demo</h1>").expect("write");
    let real = std::env::temp_dir().join(format!("emu-static-real-{}", std::process::id()));
    std::fs::create_dir_all(&real).expect("mkdir");
    std::fs::write(real.join("descope_wasm.js"), "export default 1;").expect("write");
    std::fs::write(real.join("descope_wasm_bg.wasm"), [0u8, 97, 115, 109]).expect("write");
    let _ = std::fs::remove_dir_all(dir.join("pkg"));
    std::os::unix::fs::symlink(&real, dir.join("pkg")).expect("symlink");
    let mut cfg = test_config();
    cfg.serve = Some(dir.clone());
    let emu = start_with(cfg).await;
    let r = raw(&emu.addr, "GET", "/", &[], None).await.expect("answer");
    assert_eq!((r.status, r.body.as_str()), (200, "<h1>demo</h1>"));
    assert!(r
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html")));
    let r = raw(&emu.addr, "GET", "/pkg/descope_wasm.js", &[], None)
        .await
        .expect("answer");
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/javascript")));
    let r = raw(&emu.addr, "GET", "/pkg/descope_wasm_bg.wasm", &[], None)
        .await
        .expect("answer");
    assert_eq!(r.header("content-type"), Some("application/wasm"));
    let r = raw(&emu.addr, "GET", "/missing.js", &[], None)
        .await
        .expect("answer");
    assert_eq!(r.status, 404);
    assert!(r.json()["errorCode"].is_string());
    let r = raw(&emu.addr, "GET", "/../etc/passwd", &[], None)
        .await
        .expect("answer");
    assert_eq!(r.status, 404);
    let r = raw(&emu.addr, "GET", "/%2e%2e/etc/passwd", &[], None)
        .await
        .expect("answer");
    assert_eq!(r.status, 404);
    // The API and control API still answer.
    assert_eq!(
        raw(&emu.addr, "GET", "/emulator/config", &[], None)
            .await
            .expect("answer")
            .status,
        200
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&real);
}

#[test]
fn command_line_flags_parse() {
    let args = |a: &[&str]| descope_emulator::parse_args(a.iter().map(|s| s.to_string()));
    let c = args(&[]).expect("defaults");
    assert_eq!(c.addr.to_string(), "127.0.0.1:4317");
    assert_eq!(c.project_id, PID);
    assert_eq!(
        (c.session_ttl, c.refresh_ttl, c.rotation, c.rate_limit),
        (600, 2_419_200, false, 600)
    );
    let c = args(&[
        "--addr",
        "127.0.0.1:0",
        "--project-id",
        "Pabc",
        "--session-ttl=30",
        "--refresh-ttl",
        "90",
        "--rotation",
        "--rate-limit",
        "0",
        "--serve",
        "/tmp",
    ])
    .expect("flags");
    assert_eq!(c.addr.port(), 0);
    assert_eq!(c.project_id, "Pabc");
    assert_eq!(
        (c.session_ttl, c.refresh_ttl, c.rotation, c.rate_limit),
        (30, 90, true, 0)
    );
    assert!(args(&["--bogus"]).is_err());
    assert!(args(&["--addr"]).is_err());
    assert!(args(&["--session-ttl", "x"]).is_err());
    assert!(args(&["--seed", "/nonexistent.json"]).is_err());
}

#[tokio::test]
async fn binary_prints_its_address_and_uses_key_and_seed_files() {
    use rsa::pkcs8::EncodePrivateKey;
    use tokio::io::AsyncBufReadExt;
    let dir = std::env::temp_dir().join(format!("emu-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let pem = test_key()
        .to_pkcs8_pem(rsa::pkcs8::LineEnding::LF)
        .expect("pem");
    std::fs::write(dir.join("key.pem"), pem.as_bytes()).expect("write");
    std::fs::write(
        dir.join("users.json"),
        r#"[{"loginId":"seed@example.com","name":"Seed"}]"#,
    )
    .expect("write");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_descope-emulator"))
        .args(["--addr", "127.0.0.1:0", "--key"])
        .arg(dir.join("key.pem"))
        .arg("--seed")
        .arg(dir.join("users.json"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        tokio::io::BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("in time")
    .expect("line");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .expect("exact line")
        .to_string();
    assert!(addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"));
    let c = Client {
        addr: addr.clone(),
        pid: PID.to_string(),
    };
    let r = c
        .post(
            "/v1/auth/otp/signin/email",
            json!({"loginId": "seed@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let code = c.last_code("seed@example.com").await;
    let b = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "seed@example.com", "code": code.clone()}),
        )
        .await
        .json();
    let jwks = c.get(&format!("/v2/keys/{PID}"), None).await.json();
    assert!(verify_with_jwk(
        b["sessionJwt"].as_str().unwrap_or_default(),
        &jwks["keys"][0]
    ));
    // The stderr log has one line per request, with no code or token in it.
    child.start_kill().expect("kill");
    let out = child.wait_with_output().await.expect("output");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("POST /v1/auth/otp/verify/email 200 "), "{err}");
    assert!(err.contains("GET /emulator/outbox 200 "));
    assert!(!err.contains(&code));
    assert!(!err.contains(b["refreshJwt"].as_str().unwrap_or("~")));
    let _ = std::fs::remove_dir_all(&dir);
}
