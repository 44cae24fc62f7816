//! Golden requests of the wire table: every method of `descope_core::wire`, with its arguments
//! varied one at a time over the values each kind must accept or refuse (boundaries, escapes,
//! F38 login ids, F39 redirect URLs), rendered as method, path, credential and body (or the
//! error's kind, code and description). `golden/wire.txt` was written by the hand-written
//! builders the table replaced, so it pins their paths, bodies (byte for byte, key order
//! included), credentials and errors.

use descope_core::request::{Auth, LoginOptions, Request, SignUpUser, UpdateOptions};
use descope_core::wire::{self, Kind, Spec, Value};
use descope_core::Error;

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// The values tried for an argument of `kind`; the first one is valid and is used while another
/// argument varies.
fn variants(kind: Kind) -> Vec<Value> {
    let long = |c: &str, n: usize| text(&c.repeat(n));
    let login = || LoginOptions::default();
    match kind {
        Kind::Method(set) => set.allowed().iter().map(|m| Value::Method(*m)).collect(),
        Kind::LoginId => vec![
            text("a@b.co"),
            text(""),
            long("a", 1024),
            long("a", 1025),
            text(" lead"),
            text("e\u{301}"),
            text("\u{202e}x"),
            text("\u{1f600}@x.io"),
            text("q\"b\\s/\n\t\u{1}</script>"),
        ],
        Kind::OptLoginId => vec![
            Value::Absent,
            text(""),
            text("+15551234567"),
            long("a", 1025),
            text("q\"b"),
        ],
        Kind::RedirectUrl | Kind::QueryRedirectUrl => vec![
            Value::Absent,
            text(""),
            text("https://app.io/verify"),
            text("http://localhost:3000/cb"),
            text("http://127.0.0.1:4317/"),
            text("https://app.io/cb?x=1&y=%20#f"),
            text("https://app.io/cb?x=1&y=a b"),
            text("javascript:alert(1)"),
            text("data:text/html,x"),
            text("//evil.tld"),
            text("https://app.tld@evil.tld"),
            text("https:\\\\evil.tld"),
            text("http://evil.tld/cb"),
        ],
        Kind::Email => vec![
            text("new@b.co"),
            text("a.b+c@d-e.io"),
            text("nope"),
            text(""),
            text("a@b."),
        ],
        Kind::Phone => vec![
            text("+15551234567"),
            text("+972501234567"),
            text("555"),
            text(""),
            text("+1-555-1234"),
        ],
        Kind::Code => vec![text("123456"), text(""), long("1", 64), long("1", 65)],
        Kind::Token | Kind::PendingRef | Kind::ExchangeCode => vec![
            text("tok"),
            text(""),
            long("t", 4096),
            long("t", 4097),
            text("a\"b"),
        ],
        Kind::Password => vec![
            text("S3cret!pass"),
            text(""),
            long("p", 1024),
            long("p", 1025),
            text("p\"w\\"),
        ],
        Kind::TenantId => vec![
            text("T1"),
            text(""),
            long("T", 256),
            long("T", 257),
            text("T\"2"),
        ],
        Kind::Query => vec![
            text("google"),
            text(""),
            text("my provider&x=1"),
            text("user@acme.io"),
            long("x", 256),
            long("x", 257),
        ],
        Kind::User => vec![
            Value::Absent,
            Value::User(SignUpUser::default()),
            Value::User(SignUpUser {
                name: Some("N \"q\"".into()),
                email: Some("ada@example.com".into()),
                ..Default::default()
            }),
            Value::User(SignUpUser {
                name: Some("Ada L".into()),
                given_name: Some("Ada".into()),
                middle_name: Some("K".into()),
                family_name: Some("L".into()),
                email: Some("ada@example.com".into()),
                phone: Some("+15551234567".into()),
            }),
            Value::User(SignUpUser {
                email: Some(String::new()),
                phone: Some(String::new()),
                ..Default::default()
            }),
            Value::User(SignUpUser {
                email: Some("nope".into()),
                ..Default::default()
            }),
            Value::User(SignUpUser {
                phone: Some("555".into()),
                ..Default::default()
            }),
        ],
        Kind::LoginOptions | Kind::LoginOptionsBody => vec![
            Value::LoginOptions(login()),
            Value::LoginOptions(LoginOptions {
                stepup: true,
                ..login()
            }),
            Value::LoginOptions(LoginOptions {
                mfa: true,
                ..login()
            }),
            Value::LoginOptions(LoginOptions {
                stepup: true,
                mfa: true,
                custom_claims: Some(r#"{"plan":"pro","n":{"k":[1,2]}}"#.into()),
                template_options: Some(r#"{"app":"Ada's"}"#.into()),
            }),
            Value::LoginOptions(LoginOptions {
                custom_claims: Some(r#"{"k":1}"#.into()),
                ..login()
            }),
            Value::LoginOptions(LoginOptions {
                template_options: Some(r#"{"a":"b"}"#.into()),
                ..login()
            }),
            Value::LoginOptions(LoginOptions {
                custom_claims: Some("[1]".into()),
                ..login()
            }),
            Value::LoginOptions(LoginOptions {
                template_options: Some(r#"{"a":1}"#.into()),
                ..login()
            }),
            Value::LoginOptions(LoginOptions {
                custom_claims: Some(format!(r#"{{"k":"{}"}}"#, "x".repeat(16 * 1024))),
                ..login()
            }),
        ],
        Kind::Tenants => {
            let ids = |v: &[&str]| Value::Tenants(Some(v.iter().map(|s| s.to_string()).collect()));
            let many = |n: usize| Value::Tenants(Some(vec!["T".to_string(); n]));
            vec![
                Value::Tenants(None),
                ids(&["T1", "T\"2"]),
                ids(&[]),
                ids(&["T1", ""]),
                ids(&["T1", &"T".repeat(257)]),
                many(1000),
                many(1001),
            ]
        }
        Kind::UpdateOptions => vec![
            Value::UpdateOptions(UpdateOptions::default()),
            Value::UpdateOptions(UpdateOptions {
                add_to_login_ids: Some(true),
                ..Default::default()
            }),
            Value::UpdateOptions(UpdateOptions {
                add_to_login_ids: Some(false),
                on_merge_use_existing: Some(true),
                template_options: Some(r#"{"app":"Ada's"}"#.into()),
            }),
            Value::UpdateOptions(UpdateOptions {
                template_options: Some(r#"{"n":1}"#.into()),
                ..Default::default()
            }),
        ],
    }
}

/// Every method of the table, by name.
fn table() -> Vec<(&'static str, &'static Spec)> {
    use wire::*;
    vec![
        ("OTP_SIGN_UP", &OTP_SIGN_UP),
        ("OTP_SIGN_IN", &OTP_SIGN_IN),
        ("OTP_SIGN_UP_OR_IN", &OTP_SIGN_UP_OR_IN),
        ("OTP_VERIFY", &OTP_VERIFY),
        ("OTP_UPDATE_EMAIL", &OTP_UPDATE_EMAIL),
        ("OTP_UPDATE_PHONE", &OTP_UPDATE_PHONE),
        ("MAGIC_LINK_SIGN_UP", &MAGIC_LINK_SIGN_UP),
        ("MAGIC_LINK_SIGN_IN", &MAGIC_LINK_SIGN_IN),
        ("MAGIC_LINK_SIGN_UP_OR_IN", &MAGIC_LINK_SIGN_UP_OR_IN),
        ("MAGIC_LINK_VERIFY", &MAGIC_LINK_VERIFY),
        ("MAGIC_LINK_UPDATE_EMAIL", &MAGIC_LINK_UPDATE_EMAIL),
        ("MAGIC_LINK_UPDATE_PHONE", &MAGIC_LINK_UPDATE_PHONE),
        ("ENCHANTED_LINK_SIGN_UP", &ENCHANTED_LINK_SIGN_UP),
        ("ENCHANTED_LINK_SIGN_IN", &ENCHANTED_LINK_SIGN_IN),
        (
            "ENCHANTED_LINK_SIGN_UP_OR_IN",
            &ENCHANTED_LINK_SIGN_UP_OR_IN,
        ),
        ("ENCHANTED_LINK_VERIFY", &ENCHANTED_LINK_VERIFY),
        ("ENCHANTED_LINK_UPDATE_EMAIL", &ENCHANTED_LINK_UPDATE_EMAIL),
        ("ENCHANTED_LINK_WAIT", &ENCHANTED_LINK_WAIT),
        ("NOTP_SIGN_UP", &NOTP_SIGN_UP),
        ("NOTP_SIGN_IN", &NOTP_SIGN_IN),
        ("NOTP_SIGN_UP_OR_IN", &NOTP_SIGN_UP_OR_IN),
        ("NOTP_WAIT", &NOTP_WAIT),
        ("OAUTH_START", &OAUTH_START),
        ("OAUTH_EXCHANGE", &OAUTH_EXCHANGE),
        ("SSO_START", &SSO_START),
        ("SSO_EXCHANGE", &SSO_EXCHANGE),
        ("TOTP_SIGN_UP", &TOTP_SIGN_UP),
        ("TOTP_VERIFY", &TOTP_VERIFY),
        ("TOTP_UPDATE", &TOTP_UPDATE),
        ("PASSWORD_SIGN_UP", &PASSWORD_SIGN_UP),
        ("PASSWORD_SIGN_IN", &PASSWORD_SIGN_IN),
        ("PASSWORD_REPLACE", &PASSWORD_REPLACE),
        ("PASSWORD_SEND_RESET", &PASSWORD_SEND_RESET),
        ("PASSWORD_UPDATE", &PASSWORD_UPDATE),
        ("PASSWORD_POLICY", &PASSWORD_POLICY),
        ("SELECT_TENANT", &SELECT_TENANT),
        ("MY_TENANTS", &MY_TENANTS),
        ("HISTORY", &HISTORY),
        ("ME", &ME),
    ]
}

/// The cases of one method: its first values, then each argument varied alone.
fn cases(spec: &Spec) -> Vec<(String, Vec<Value>)> {
    let per_arg: Vec<Vec<Value>> = spec.args.iter().map(|a| variants(a.kind)).collect();
    let base: Vec<Value> = per_arg.iter().map(|v| v[0].clone()).collect();
    let mut out = vec![("base".to_string(), base.clone())];
    for (i, vs) in per_arg.iter().enumerate() {
        for (j, v) in vs.iter().enumerate().skip(1) {
            let mut values = base.clone();
            values[i] = v.clone();
            out.push((format!("{}={j}", spec.args[i].name), values));
        }
    }
    out
}

/// Long runs of one character as `<c*N>`, so the golden file stays readable.
fn squeeze(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        if j - i > 12 {
            out.push_str(&format!("<{}*{}>", chars[i], j - i));
        } else {
            out.extend(&chars[i..j]);
        }
        i = j;
    }
    out
}

fn render(r: &Result<Request, Error>) -> String {
    match r {
        Ok(r) => squeeze(&format!(
            "{} {} {} {}",
            r.method.as_str(),
            r.path,
            match r.auth {
                Auth::Project => "project",
                Auth::Refresh => "refresh",
            },
            r.body.as_deref().unwrap_or("-")
        )),
        Err(e) => format!("error {} {}: {}", e.kind.as_str(), e.code, e.description),
    }
}

/// The golden text: one line per case.
fn golden_of(build: impl Fn(&str, &Spec, &[Value]) -> Result<Request, Error>) -> String {
    let mut out = String::new();
    for (name, spec) in table() {
        for (case, values) in cases(spec) {
            let r = build(name, spec, &values);
            out.push_str(&format!("{name} {case} => {}\n", render(&r)));
        }
    }
    out
}

#[test]
fn table_requests_match_the_golden_file() {
    let now = golden_of(|_, spec, values| wire::request(spec, values));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/wire.txt");
    let golden = std::fs::read_to_string(path).expect("tests/golden/wire.txt");
    for (i, (a, b)) in golden.lines().zip(now.lines()).enumerate() {
        assert_eq!(a, b, "line {}", i + 1);
    }
    assert_eq!(golden.lines().count(), now.lines().count());
}
