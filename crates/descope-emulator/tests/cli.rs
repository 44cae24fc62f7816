//! The command line: `--help` / `-h` explain every option and the control API on stdout (exit 0);
//! an unknown flag prints the usage on stderr and exits 2.
use std::process::Command;

/// Every option of the binary, with the default the help must state.
const OPTIONS: [(&str, &str); 12] = [
    ("--addr ADDR", "127.0.0.1:4317"),
    ("--project-id ID", "P2emu0000000000000000000000"),
    ("--serve DIR", "none"),
    ("--session-ttl SECONDS", "600"),
    ("--refresh-ttl SECONDS", "2419200"),
    ("--rotation", "off"),
    ("--rotation-grace SECONDS", "0"),
    ("--cookies", "body"),
    ("--seed FILE", "no users"),
    ("--key FILE", "new 2048-bit key"),
    ("--rate-limit N", "600"),
    ("--quiet", "log every request"),
];

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_descope-emulator"))
        .args(args)
        .output()
        .expect("run the binary")
}

/// The help paragraph of `flag`: from its line to the next option line.
fn paragraph<'a>(help: &'a str, flag: &str) -> &'a str {
    let start = help
        .find(&format!("  {flag}"))
        .unwrap_or_else(|| panic!("{flag} is not in the help"));
    let rest = &help[start + 2..];
    let end = rest.find("\n  -").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn help_explains_every_option_with_its_default() {
    for flag in ["--help", "-h"] {
        let out = run(&[flag]);
        assert_eq!(out.status.code(), Some(0), "{flag}");
        assert!(out.stderr.is_empty(), "{flag} writes nothing on stderr");
        let help = String::from_utf8(out.stdout).expect("utf-8");
        for (option, default) in OPTIONS {
            let p = paragraph(&help, option);
            assert!(p.contains("Default"), "{option} states its default: {p}");
            assert!(p.contains(default), "{option} default {default}: {p}");
            // A sentence beyond the flag and its default.
            assert!(p.len() > option.len() + 40, "{option} is explained: {p}");
        }
        assert!(help.contains("-h, --help"));
        assert!(help.contains("listening on http://ADDR"));
        assert!(help.contains("rotationGraceSeconds") && help.contains("tokenResponseMethod"));
        for call in [
            "/emulator/outbox",
            "/emulator/totp/",
            "/emulator/users",
            "/emulator/accesskeys",
            "/emulator/webauthn/credentials",
            "/emulator/faults",
            "/emulator/config",
            "/emulator/clock",
            "/emulator/requests",
            "/emulator/reset",
        ] {
            assert!(help.contains(call), "control API {call} in the help");
        }
    }
    // -h anywhere wins over the other flags: the help, and no server started.
    let out = run(&["--addr", "127.0.0.1:0", "-h"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, run(&["--help"]).stdout);
}

#[test]
fn an_unknown_flag_prints_the_usage_and_exits_2() {
    for args in [&["--bogus"][..], &["--addr"], &["--session-ttl", "x"]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        if args == ["--bogus"] {
            assert!(err.contains("unknown argument: --bogus"), "{err}");
            assert!(err.contains("usage: descope-emulator"), "{err}");
            assert!(err.contains("--help"), "{err}");
        } else {
            assert!(err.contains(args[0]), "{err}");
        }
    }
}
