//! Pure protocol logic of the descope-wasm SDK: config checks, routes and bodies, JWT reading,
//! response parsing, the session state machine, refresh scheduling and storage records. No
//! browser types: everything here is tested on the host with `cargo test -p descope-core`.
// `no_std` (with `alloc`) so that the wasm build can leave std, and its panic formatting, out.
#![cfg_attr(not(test), no_std)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

extern crate alloc;

/// The parts of std's prelude the crate uses, from `alloc`.
mod prelude {
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec::Vec;
}

mod ascii;
pub mod base64url;
pub mod clock;
pub mod config;
pub mod error;
pub mod json;
pub mod jwt;
pub mod poll;
pub mod redirect;
pub mod refresh;
pub mod request;
pub mod response;
pub mod retry_after;
pub mod schedule;
pub mod session;
pub mod shape;
#[cfg(test)]
mod sim;
pub mod storage;
pub mod verify;
pub mod webauthn;
pub mod wire;

pub use error::{Error, ErrorData, ErrorKind};
