//! A local emulator of Descope's client REST API: OTP sign-in, RS256 sessions with refresh,
//! rotation and revocation, JWKS, and a control API for tests (see spec/emulator.md).
//!
//! ```no_run
//! # async fn run() -> Result<(), String> {
//! let emu = descope_emulator::Emulator::start(descope_emulator::Config::default()).await?;
//! println!("listening on http://{}", emu.addr());
//! # Ok(()) }
//! ```
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accesskey;
mod attestation;
mod auth;
mod body;
pub mod config;
mod control;
mod cookies;
mod cors;
mod cose;
pub mod errors;
mod faults;
mod fed;
pub mod keys;
mod links;
mod notp;
mod otp;
mod otp_update;
mod password;
mod qr;
mod ratelimit;
mod reqlog;
mod server;
mod session;
mod signin;
mod state;
mod static_files;
mod tenants;
mod tokens;
mod totp;
mod users;
mod webauthn;

use std::net::SocketAddr;
use std::sync::Arc;

use parking_lot::Mutex;

pub use config::{parse_args, Config, DEFAULT_PROJECT_ID};

/// A running emulator. Dropping it stops accepting connections.
pub struct Emulator {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Emulator {
    /// Binds `config.addr`, loads the seed, and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// When the address cannot be bound, the key cannot be generated, or the seed is invalid.
    pub async fn start(config: Config) -> Result<Emulator, String> {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| format!("cannot bind {}: {e}", config.addr))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let runtime = state::Runtime::from_config(&config);
        let key = match config.key {
            Some(k) => k,
            None => tokio::task::spawn_blocking(keys::generate_key)
                .await
                .map_err(|e| e.to_string())??,
        };
        let shared = state::Shared {
            project_id: config.project_id,
            addr,
            keys: keys::Keys::new(key),
            log_requests: config.log_requests,
            serve: config.serve,
            runtime: Mutex::new(runtime.clone()),
            defaults: runtime,
            data: Mutex::new(state::Data::default()),
            limiter: Mutex::new(ratelimit::RateLimiter::default()),
        };
        if let Some(seed) = &config.seed {
            let now = shared.now();
            users::load_seed(&mut shared.data.lock(), seed, now)?;
        }
        let task = tokio::spawn(server::serve(listener, Arc::new(shared)));
        Ok(Emulator { addr, task })
    }

    /// The bound address (the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves until the task ends (it does not, unless aborted).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}
