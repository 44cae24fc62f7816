//! Test harness: an in-process emulator on 127.0.0.1:0 and a tiny HTTP/1.1 client over TcpStream
//! (Connection: close), so the tests need no HTTP client crate.
#![allow(dead_code)]

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use descope_emulator::{Config, Emulator};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const PID: &str = descope_emulator::DEFAULT_PROJECT_ID;

/// One RSA key for every test (generating 2048-bit keys per test would be slow).
pub fn test_key() -> rsa::RsaPrivateKey {
    static KEY: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| descope_emulator::keys::generate_key().expect("key"))
        .clone()
}

pub fn test_config() -> Config {
    Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        key: Some(test_key()),
        log_requests: false,
        ..Config::default()
    }
}

pub async fn start() -> Emu {
    start_with(test_config()).await
}

pub async fn start_with(cfg: Config) -> Emu {
    let emu = Emulator::start(cfg).await.expect("start");
    Emu {
        addr: emu.addr().to_string(),
        _emu: emu,
    }
}

pub struct Emu {
    pub addr: String,
    _emu: Emulator,
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): status {}", self.status))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn code(&self) -> String {
        self.json()["errorCode"].as_str().unwrap_or("").to_string()
    }
}

/// Sends one request; `Err` when the server closed the connection without an answer.
pub async fn raw(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> std::io::Result<Resp> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    if let Some(b) = body {
        req.push_str(b);
    }
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    if buf.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "no answer",
        ));
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").expect("header end");
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .expect("status line")
        .split(' ')
        .nth(1)
        .expect("code")
        .parse()
        .expect("num");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    // An answer cut short (a lost answer, fault `drop: true`) is no answer.
    let declared = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    if declared.is_some_and(|n| body.len() < n) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "answer cut short",
        ));
    }
    Ok(Resp {
        status,
        headers,
        body,
    })
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

pub struct Client {
    pub addr: String,
    pub pid: String,
}

pub fn client(emu: &Emu) -> Client {
    Client {
        addr: emu.addr.clone(),
        pid: PID.to_string(),
    }
}

impl Client {
    fn auth(&self, token: Option<&str>) -> String {
        match token {
            Some(t) => format!("Bearer {}:{t}", self.pid),
            None => format!("Bearer {}", self.pid),
        }
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.post_with(path, None, &body.to_string()).await
    }
    pub async fn post_tok(&self, path: &str, token: &str, body: Value) -> Resp {
        self.post_with(path, Some(token), &body.to_string()).await
    }
    pub async fn post_with(&self, path: &str, token: Option<&str>, body: &str) -> Resp {
        let auth = self.auth(token);
        raw(
            &self.addr,
            "POST",
            path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            Some(body),
        )
        .await
        .expect("answer")
    }
    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        let auth = self.auth(token);
        raw(&self.addr, "GET", path, &[("Authorization", &auth)], None)
            .await
            .expect("answer")
    }
    /// Control API call (no Authorization).
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let b = body.map(|b| b.to_string());
        raw(
            &self.addr,
            method,
            path,
            &[("Content-Type", "application/json")],
            b.as_deref(),
        )
        .await
        .expect("answer")
    }
    /// The newest outbox message for `login_id`.
    pub async fn last_message(&self, login_id: &str) -> Value {
        let r = self
            .control(
                "GET",
                &format!("/emulator/outbox?loginId={}", enc(login_id)),
                None,
            )
            .await;
        r.json()["messages"]
            .as_array()
            .and_then(|m| m.last().cloned())
            .expect("a message")
    }
    /// The newest link token sent to `login_id`.
    pub async fn last_token(&self, login_id: &str) -> String {
        self.last_message(login_id).await["token"]
            .as_str()
            .expect("token")
            .to_string()
    }
    /// GET of a full `http://addr/...` url on the emulator (no redirect following).
    pub async fn get_url(&self, url: &str) -> Resp {
        let path = url
            .strip_prefix(&format!("http://{}", self.addr))
            .unwrap_or_else(|| panic!("not an emulator url"));
        raw(&self.addr, "GET", path, &[], None)
            .await
            .expect("answer")
    }
    /// The newest OTP code sent to `login_id`.
    pub async fn last_code(&self, login_id: &str) -> String {
        let r = self
            .control(
                "GET",
                &format!("/emulator/outbox?loginId={}", enc(login_id)),
                None,
            )
            .await;
        let msgs = r.json()["messages"].as_array().expect("messages").clone();
        msgs.last().expect("a message")["code"]
            .as_str()
            .expect("code")
            .to_string()
    }
    /// sign-up-or-in + verify over `method`; returns the JWTResponse.
    pub async fn sign_in(&self, login_id: &str, method: &str) -> Value {
        let r = self
            .post(
                &format!("/v1/auth/otp/signup-in/{method}"),
                json!({"loginId": login_id}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let code = self.last_code(login_id).await;
        let r = self
            .post(
                &format!("/v1/auth/otp/verify/{method}"),
                json!({"loginId": login_id, "code": code}),
            )
            .await;
        assert_eq!(r.status, 200);
        r.json()
    }
    pub async fn create_user(&self, user: Value) -> Resp {
        self.control("POST", "/emulator/users", Some(user)).await
    }
}

pub fn enc(s: &str) -> String {
    s.replace('+', "%2B").replace('@', "%40")
}

/// Decodes a JWT's claims without verifying.
pub fn claims(jwt: &str) -> Value {
    let p = jwt.split('.').nth(1).expect("payload");
    serde_json::from_slice(&B64.decode(p).expect("b64")).expect("json")
}

pub fn header(jwt: &str) -> Value {
    let p = jwt.split('.').next().expect("header");
    serde_json::from_slice(&B64.decode(p).expect("b64")).expect("json")
}

/// Verifies an RS256 JWT against a JWK `{n, e}` from the served JWKS.
pub fn verify_with_jwk(jwt: &str, jwk: &Value) -> bool {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;
    let n = rsa::BigUint::from_bytes_be(&B64.decode(jwk["n"].as_str().expect("n")).expect("n b64"));
    let e = rsa::BigUint::from_bytes_be(&B64.decode(jwk["e"].as_str().expect("e")).expect("e b64"));
    let key = rsa::RsaPublicKey::new(n, e).expect("public key");
    let vk = VerifyingKey::<sha2::Sha256>::new(key);
    let (input, sig) = jwt.rsplit_once('.').expect("sig");
    let Ok(sig) = Signature::try_from(B64.decode(sig).expect("sig b64").as_slice()) else {
        return false;
    };
    vk.verify(input.as_bytes(), &sig).is_ok()
}
