//! Fidelity: Descope's own @descope/web-js-sdk (from the repo's node_modules, run by Node) signs
//! in with OTP, refreshes, calls me, steps up and logs out against the emulator. Skipped (with a
//! note on stderr) when Node or the package is not installed.
mod common;
use common::*;

const SCRIPT: &str = r#"
const [base, sdkPath] = process.argv.slice(2);
const { default: createSdk } = await import(sdkPath);
const projectId = 'P2emu0000000000000000000000';
const sdk = createSdk({ projectId, baseUrl: base, persistTokens: false, autoRefresh: false, logger: undefined });
const id = 'websdk@example.com';
const out = [];
const check = (name, cond) => { out.push(name + ':' + (cond ? 'ok' : 'FAIL')); };
let r = await sdk.otp.signUpOrIn.email(id);
check('send', r.ok && r.data.maskedEmail === 'w***@example.com');
const box = await (await fetch(`${base}/emulator/outbox?loginId=${encodeURIComponent(id)}`)).json();
const code = box.messages.at(-1).code;
r = await sdk.otp.verify.email(id, code === '000000' ? '111111' : '000000');
check('wrong', !r.ok && r.code === 400 && r.error.errorCode === 'E061102');
r = await sdk.otp.verify.email(id, code);
check('verify', r.ok && !!r.data.sessionJwt && !!r.data.refreshJwt && r.data.user.email === id);
const rt = r.data.refreshJwt;
check('claims', sdk.getJwtRoles(r.data.sessionJwt).length === 0 && !sdk.isJwtExpired(r.data.sessionJwt));
r = await sdk.refresh(rt);
check('refresh', r.ok && !!r.data.sessionJwt);
r = await sdk.me(rt);
check('me', r.ok && r.data.email === id);
r = await sdk.otp.signIn.email(id, { stepup: true }, rt);
check('stepup', r.ok);
r = await sdk.logout(rt);
check('logout', r.ok);
r = await sdk.me(rt);
check('revoked', !r.ok && r.code === 401);
console.log(out.join(' '));
"#;

#[tokio::test]
async fn descope_web_js_sdk_signs_in_refreshes_and_logs_out() {
    let sdk = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../node_modules/@descope/web-js-sdk/dist/index.esm.js");
    let Ok(sdk) = sdk.canonicalize() else {
        eprintln!("skipped: @descope/web-js-sdk is not installed");
        return;
    };
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: node is not installed");
        return;
    }
    let emu = start().await;
    let dir = std::env::temp_dir().join(format!("emu-websdk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let script = dir.join("fidelity.mjs");
    std::fs::write(&script, SCRIPT).expect("write");
    let out = tokio::process::Command::new("node")
        .arg(&script)
        .arg(format!("http://{}", emu.addr))
        .arg(format!("file://{}", sdk.display()))
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout.lines().last().unwrap_or_default();
    assert!(!line.contains("FAIL"), "{line}");
    assert_eq!(line.matches(":ok").count(), 9, "{line}");
}
