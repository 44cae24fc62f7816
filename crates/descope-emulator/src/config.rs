//! Start-time configuration and the command line that produces it.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Default project id: 28 characters, so the SDKs' region rule yields no region.
pub const DEFAULT_PROJECT_ID: &str = "P2emu0000000000000000000000";
pub const DEFAULT_ADDR: &str = "127.0.0.1:4317";

/// Everything `Emulator::start` needs.
#[derive(Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub project_id: String,
    pub serve: Option<PathBuf>,
    pub session_ttl: u64,
    pub refresh_ttl: u64,
    pub rotation: bool,
    /// With rotation: seconds a rotated-away refresh JWT keeps answering with the current pair
    /// (0: strict, it dies at once).
    pub rotation_grace: u64,
    /// Cookie mode (`--cookies`): tokens travel in HttpOnly `DS` / `DSR` cookies, not the body.
    pub cookies: bool,
    /// Users to load at start (the `--seed` file's JSON array, already parsed).
    pub seed: Option<serde_json::Value>,
    /// Signing key; generated at start when `None`.
    pub key: Option<rsa::RsaPrivateKey>,
    /// Requests per minute per (client IP, project); 0 disables the limit.
    pub rate_limit: u64,
    /// Write one line per request to stderr.
    pub log_requests: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 4317)),
            project_id: DEFAULT_PROJECT_ID.to_string(),
            serve: None,
            session_ttl: 600,
            refresh_ttl: 2_419_200,
            rotation: false,
            rotation_grace: 0,
            cookies: false,
            seed: None,
            key: None,
            rate_limit: 600,
            log_requests: true,
        }
    }
}

pub const USAGE: &str =
    "usage: descope-emulator [--addr 127.0.0.1:4317] [--project-id P2emu0000000000000000000000]
                        [--serve DIR] [--session-ttl 600] [--refresh-ttl 2419200] [--rotation]
                        [--rotation-grace 0] [--cookies] [--seed users.json]
                        [--key private-key.pem] [--rate-limit 600] [--quiet]
       descope-emulator --help   (what every option does)";

/// What `descope-emulator --help` prints: every option with its default, and the control API.
pub const HELP: &str = "\
descope-emulator: a local server speaking Descope's client REST API (OTP, magic and enchanted
links, OAuth, SSO, TOTP, passwords, passkeys, NOTP, access keys, sessions, JWKS), for development and
tests, with no account and no network. State is in memory; signing keys are made at start.

usage: descope-emulator [OPTIONS]

Once it accepts connections it prints one line on stdout, `listening on http://ADDR`, then one
line per request on stderr (method, path, status, milliseconds; never a query, body, code or token).
Options take `--flag value` or `--flag=value`.

  --addr ADDR             Address to listen on. Port 0 picks a free port (the line above tells
                          which). Default 127.0.0.1:4317.
  --project-id ID         The project id clients must send (`Authorization: Bearer ID[:token]`).
                          Default P2emu0000000000000000000000 (28 characters: no region).
  --serve DIR             Also serve the static files under DIR (GET, same origin; index.html for
                          directories), e.g. a demo page and the built package. Default: none.
  --session-ttl SECONDS   Lifetime of session JWTs. Default 600.
  --refresh-ttl SECONDS   Lifetime of refresh JWTs. Default 2419200 (28 days).
  --rotation              Every refresh returns a new refresh JWT and the old one is revoked.
                          Default off (a refresh JWT stays valid until it expires or logout).
  --rotation-grace SECONDS
                          Turns --rotation on with a grace window: for that long a rotated-away
                          refresh JWT still works and answers with the current pair
                          (rotationGraceSeconds). Default 0: it stops working at once.
  --cookies               Token response method \"cookies\" (tokenResponseMethod): JWT answers
                          also set the DS and DSR cookies (HttpOnly) and leave sessionJwt and
                          refreshJwt empty in the body (SameSite=Strict, Secure; other cookie
                          settings through /emulator/config). Default: tokens in the JSON body.
  --seed FILE             Users to create at start: a JSON array in the POST /emulator/users shape;
                          entries may carry roles [{name, permissions}] and tenants [{id, name}].
                          Default: no users.
  --key FILE              PEM RSA private key (PKCS#8 or PKCS#1) to sign with, so tokens stay
                          valid across restarts. Default: a new 2048-bit key per run.
  --rate-limit N          Requests per minute per client IP and project on /v1 and /v2 (429
                          E130429 with Retry-After beyond it); 0 turns it off. Default 600.
  --quiet                 No per-request lines on stderr. Default: log every request.
  -h, --help              Print this help and exit.

Control API (no Authorization; for tests and the demo):
  GET  /emulator/outbox?loginId=X    what would have been emailed or texted: codes, links, tokens
  GET  /emulator/totp/{loginId}      the current TOTP code of a user
  POST /emulator/users               create a user {loginId, email?, phone?, name?, password?,
                                     roleNames?, userTenants?, customAttributes?}
  POST /emulator/accesskeys          create an access key {name, roleNames?, tenants?, expireTime?}
                                     -> {cleartext, key}; the cleartext is shown only once
  GET  /emulator/webauthn/credentials?loginId=X
                                     the passkeys registered (ids, counters; never key material)
  POST /emulator/faults              fail matching requests {path, status?, body?, delayMs?, drop?,
                                     retryAfter?, times?}
  GET|POST /emulator/config          read or change TTLs, rotation and its grace, rate limit,
                                     cookie mode at run time (a key set to null: back to the
                                     command line)
  POST /emulator/clock               {offsetSeconds}: shift the emulator's clock
  GET  /emulator/requests            the request log (secrets redacted)
  POST /emulator/keys/rotate         a new signing key (new kid); {revokeOld: true} also drops
                                     the older keys from the JWKS
  POST /emulator/reset               forget users, access keys, sessions, outbox, faults and the
                                     log; the config goes back to the command line

More: crates/descope-emulator/README.md.
";

/// Parses the command line (without the program name). Reads the `--seed` and `--key` files.
///
/// # Errors
/// A message fit for stderr when a flag is unknown, lacks its value, or a file cannot be used.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Config, String> {
    let mut cfg = Config::default();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it
                    .next()
                    .ok_or_else(|| format!("{name} needs a value\n{USAGE}")),
            }
        };
        match flag.as_str() {
            "--addr" => {
                let v = value("--addr")?;
                cfg.addr = v
                    .parse()
                    .map_err(|_| format!("--addr: not an address: {v}"))?;
            }
            "--project-id" => {
                let v = value("--project-id")?;
                if v.is_empty() || v.contains(':') {
                    return Err("--project-id must be non-empty and contain no ':'".into());
                }
                cfg.project_id = v;
            }
            "--serve" => cfg.serve = Some(PathBuf::from(value("--serve")?)),
            "--session-ttl" => {
                cfg.session_ttl = parse_num(&value("--session-ttl")?, "--session-ttl")?
            }
            "--refresh-ttl" => {
                cfg.refresh_ttl = parse_num(&value("--refresh-ttl")?, "--refresh-ttl")?
            }
            "--rate-limit" => cfg.rate_limit = parse_num(&value("--rate-limit")?, "--rate-limit")?,
            "--rotation" => cfg.rotation = true,
            // A grace window only means something with rotation, so it turns rotation on.
            "--rotation-grace" => {
                cfg.rotation_grace = parse_num(&value("--rotation-grace")?, "--rotation-grace")?;
                cfg.rotation = true;
            }
            "--cookies" => cfg.cookies = true,
            "--quiet" => cfg.log_requests = false,
            "--seed" => {
                let path = value("--seed")?;
                let text =
                    std::fs::read_to_string(&path).map_err(|e| format!("--seed {path}: {e}"))?;
                let v: serde_json::Value =
                    serde_json::from_str(&text).map_err(|e| format!("--seed {path}: {e}"))?;
                if !v.is_array() {
                    return Err(format!("--seed {path}: expected a JSON array of users"));
                }
                cfg.seed = Some(v);
            }
            "--key" => {
                let path = value("--key")?;
                let pem =
                    std::fs::read_to_string(&path).map_err(|e| format!("--key {path}: {e}"))?;
                cfg.key = Some(
                    crate::keys::parse_private_key_pem(&pem)
                        .map_err(|e| format!("--key {path}: {e}"))?,
                );
            }
            // main prints HELP and exits 0 before parsing; a library caller gets it as the error.
            "-h" | "--help" => return Err(HELP.to_string()),
            other => return Err(format!("unknown argument: {other}\n{USAGE}")),
        }
    }
    if cfg.session_ttl == 0 || cfg.refresh_ttl == 0 {
        return Err("--session-ttl and --refresh-ttl must be positive".into());
    }
    Ok(cfg)
}

fn parse_num(v: &str, name: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| format!("{name}: not a non-negative integer: {v}"))
}
