//! `descope-emulator`: see `descope_emulator::config::HELP` (`--help`) and README.md.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{}", descope_emulator::config::HELP);
        return;
    }
    let config = match descope_emulator::parse_args(args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    let emu = match descope_emulator::Emulator::start(config).await {
        Ok(e) => e,
        Err(msg) => {
            eprintln!("descope-emulator: {msg}");
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", emu.url());
    let _ = out.flush();
    emu.wait().await;
}
