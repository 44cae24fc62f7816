//! TOTP over HTTP: sign-up (key, otpauth URL, QR PNG that decodes back to the URL), RFC 6238
//! verify on the emulator clock, update, `/emulator/totp/{loginId}`.
mod common;
use base64::Engine;
use common::*;
use hmac::{Hmac, Mac};
use serde_json::json;

/// An independent RFC 6238 (SHA-1, 6 digits, 30 s) from the base32 key.
fn totp(key: &str, t: i64) -> String {
    let mut bits = 0u64;
    let mut n = 0;
    let mut secret = vec![];
    for ch in key.chars() {
        let v = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".find(ch).expect("base32") as u64;
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            secret.push((bits >> n) as u8);
        }
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&secret).expect("key");
    mac.update(&((t / 30) as u64).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = (h[19] & 15) as usize;
    let w = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]);
    format!("{:06}", w % 1_000_000)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64
}

fn decode_qr(image_b64: &str) -> String {
    let png = base64::engine::general_purpose::STANDARD
        .decode(image_b64)
        .expect("base64");
    let dec = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = dec.read_info().expect("png");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("frame");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().expect("decode").1
}

#[tokio::test]
async fn totp_signup_qr_decodes_and_verify_accepts_rfc6238_codes() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/totp/signup",
            json!({"loginId": "t@example.com", "user": {"name": "T"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    let key = b["key"].as_str().expect("key").to_string();
    assert_eq!(key.len(), 32);
    let url = b["provisioningURL"].as_str().expect("url");
    assert!(url.starts_with("otpauth://totp/Descope%20Emulator:t%40example.com?secret="));
    assert!(url.contains(&format!("secret={key}&")));
    assert_eq!(decode_qr(b["image"].as_str().expect("image")), url);
    // Existing user.
    let r = c
        .post("/v1/auth/totp/signup", json!({"loginId": "t@example.com"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "E062107".into()));

    let code = totp(&key, now());
    let ctl = c
        .control("GET", "/emulator/totp/t%40example.com", None)
        .await
        .json();
    // (Tolerant of a 30 s step boundary between the two clocks.)
    let near: Vec<String> = [-30, 0, 30].iter().map(|d| totp(&key, now() + d)).collect();
    assert!(near.iter().any(|n| ctl["code"] == n.as_str()));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = c
        .post(
            "/v1/auth/totp/verify",
            json!({"loginId": "t@example.com", "code": wrong}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E065102".into()));
    let r = c
        .post(
            "/v1/auth/totp/verify",
            json!({"loginId": "t@example.com", "code": code}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = r.json();
    assert_eq!(s["firstSeen"], true);
    assert_eq!(s["user"]["TOTP"], true);
    assert_eq!(s["user"]["name"], "T");
    assert_eq!(
        claims(s["sessionJwt"].as_str().unwrap_or_default())["amr"],
        json!(["totp"])
    );
    // ±1 step on the emulator clock; an hour off is refused.
    let r = c
        .post(
            "/v1/auth/totp/verify",
            json!({"loginId": "t@example.com", "code": totp(&key, now() - 30)}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["firstSeen"], false);
    c.control(
        "POST",
        "/emulator/clock",
        Some(json!({"offsetSeconds": 3600})),
    )
    .await;
    let r = c
        .post(
            "/v1/auth/totp/verify",
            json!({"loginId": "t@example.com", "code": totp(&key, now() + 3600)}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = c
        .post(
            "/v1/auth/totp/verify",
            json!({"loginId": "t@example.com", "code": code}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E065102".into()));
}

#[tokio::test]
async fn totp_errors_update_and_step_up() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/totp/verify",
            json!({"loginId": "none@example.com", "code": "123456"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062108".into()));
    let r = c
        .post(
            "/v1/auth/totp/verify",
            json!({"loginId": "none@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
    let r = c
        .control("GET", "/emulator/totp/none%40example.com", None)
        .await;
    assert_eq!(r.status, 404);
    // A user without a seed.
    let s = c.sign_in("seedless@example.com", "email").await;
    let rt = s["refreshJwt"].as_str().expect("rt");
    let r = c
        .post(
            "/v1/auth/totp/verify",
            json!({"loginId": "seedless@example.com", "code": "123456"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E065101".into()));
    // Update needs the user's session.
    let r = c
        .post(
            "/v1/auth/totp/update",
            json!({"loginId": "seedless@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    c.sign_in("other@example.com", "email").await;
    let r = c
        .post_tok(
            "/v1/auth/totp/update",
            rt,
            json!({"loginId": "other@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok(
            "/v1/auth/totp/update",
            rt,
            json!({"loginId": "seedless@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let key1 = r.json()["key"].as_str().expect("key").to_string();
    let r = c
        .post_tok(
            "/v1/auth/totp/update",
            rt,
            json!({"loginId": "seedless@example.com"}),
        )
        .await;
    let key2 = r.json()["key"].as_str().expect("key").to_string();
    assert_ne!(key1, key2);
    // The old seed is replaced; step-up with the new one keeps the email factor.
    let old = totp(&key1, now());
    let new = totp(&key2, now());
    if old != new {
        let r = c
            .post(
                "/v1/auth/totp/verify",
                json!({"loginId": "seedless@example.com", "code": old}),
            )
            .await;
        assert_eq!(r.status, 401);
    }
    let r = c
        .post(
            "/v1/auth/totp/verify",
            json!({"loginId": "seedless@example.com", "code": new, "loginOptions": {"stepup": true}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok(
            "/v1/auth/totp/verify",
            rt,
            json!({"loginId": "seedless@example.com", "code": new, "loginOptions": {"mfa": true}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        claims(r.json()["sessionJwt"].as_str().unwrap_or_default())["amr"],
        json!(["email", "totp", "mfa"])
    );
}
