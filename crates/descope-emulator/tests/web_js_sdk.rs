//! Fidelity: Descope's own @descope/web-js-sdk (from the repo's node_modules, run by Node) signs
//! in with OTP, refreshes, calls me, steps up and logs out against the emulator; then magic link,
//! enchanted link (waitForSession), NOTP (waitForSession after a GET of redirectUrl), OAuth and
//! SSO (start → provider url → 302 → exchange), TOTP (code from the key), password (sign-up,
//! sign-in, replace, policy, reset by magic link, update), selectTenant, myTenants and history.
//! Skipped (with a note on stderr) when Node or the package is not installed.
mod common;
use common::*;

const SCRIPT: &str = r#"
import { createHmac } from 'node:crypto';
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

const last = async (loginId) =>
  (await (await fetch(`${base}/emulator/outbox?loginId=${encodeURIComponent(loginId)}`)).json()).messages.at(-1);
const follow = async (url) => {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, loc: new URL(res.headers.get('location')) };
};
const totpCode = (key, t) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, n = 0; const bytes = [];
  for (const ch of key) {
    bits = ((bits << 5) | alphabet.indexOf(ch)) & 0xffff; n += 5;
    if (n >= 8) { n -= 8; bytes.push((bits >> n) & 255); }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const h = createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const o = h[19] & 15;
  const w = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(w % 1000000).padStart(6, '0');
};
const poll = { pollingIntervalMs: 1000, timeoutMs: 10000 };

// Magic link
const ml = 'ml-websdk@example.com';
r = await sdk.magicLink.signUpOrIn.email(ml, `${base}/landing`);
check('ml-send', r.ok && r.data.maskedEmail === 'm***@example.com');
let msg = await last(ml);
check('ml-link', msg.kind === 'magiclink' && msg.link === `${base}/landing?t=${msg.token}`);
r = await sdk.magicLink.verify(msg.token);
check('ml-verify', r.ok && r.data.user.email === ml && !!r.data.refreshJwt);
r = await sdk.magicLink.verify(msg.token);
check('ml-used', !r.ok && r.code === 401 && r.error.errorCode === 'E061201');

// Enchanted link, and NOTP polled at the same time
const el = 'el-websdk@example.com';
r = await sdk.enchantedLink.signUpOrIn(el, `${base}/verify`);
check('el-send', r.ok && !!r.data.pendingRef && r.data.linkId.length === 2 && r.data.maskedEmail === 'e***@example.com');
const elWait = sdk.enchantedLink.waitForSession(r.data.pendingRef, poll);
const ph = '+15559990000';
r = await sdk.notp.signUpOrIn(ph);
check('notp-start', r.ok && r.data.redirectUrl.startsWith(`${base}/emulator/notp/approve?t=`) && r.data.image.length > 100);
const notpWait = sdk.notp.waitForSession(r.data.pendingRef, poll);
const notpUrl = r.data.redirectUrl;
msg = await last(el);
r = await sdk.enchantedLink.verify(msg.token);
check('el-verify', r.ok);
check('notp-approve', (await fetch(notpUrl)).status === 200);
r = await elWait;
check('el-session', r.ok && r.data.user.email === el && !!r.data.sessionJwt);
r = await notpWait;
check('notp-session', r.ok && r.data.user.phone === ph);

// OAuth
r = await sdk.oauth.start('google', `${base}/cb`);
check('oauth-start', r.ok && r.data.url.startsWith(`${base}/emulator/oauth/authorize?state=`));
let f = await follow(r.data.url);
check('oauth-redirect', f.status === 302 && f.loc.pathname === '/cb' && !!f.loc.searchParams.get('code'));
r = await sdk.oauth.exchange(f.loc.searchParams.get('code'));
check('oauth-exchange', r.ok && r.data.user.email === 'google-user@example.com' && r.data.user.OAuth.google === true);

// SSO
r = await sdk.sso.start('jane@corp.test', `${base}/cb`);
check('sso-start', r.ok && r.data.url.startsWith(`${base}/emulator/sso/authorize?state=`));
f = await follow(r.data.url);
r = await sdk.sso.exchange(f.loc.searchParams.get('code'));
check('sso-exchange', r.ok && r.data.user.email === 'jane@corp.test' && r.data.user.userTenants[0].tenantId === 'corp.test');

// TOTP
const tid = 'totp-websdk@example.com';
r = await sdk.totp.signUp(tid);
check('totp-signup', r.ok && r.data.provisioningURL.startsWith('otpauth://totp/') && r.data.key.length === 32 && r.data.image.length > 100);
const key = r.data.key;
const ctl = await (await fetch(`${base}/emulator/totp/${encodeURIComponent(tid)}`)).json();
const now = Date.now() / 1000;
check('totp-control', [-30, 0, 30].some((d) => totpCode(key, now + d) === ctl.code));
r = await sdk.totp.verify(tid, totpCode(key, Date.now() / 1000));
check('totp-verify', r.ok && r.data.user.TOTP === true);

// Password
const pw = 'pw-websdk@example.com';
r = await sdk.password.policy();
check('pw-policy', r.ok && r.data.minLength === 8 && r.data.uppercase === true);
r = await sdk.password.signUp(pw, 'weak');
check('pw-weak', !r.ok && r.code === 400 && r.error.errorCode === 'E062905');
r = await sdk.password.signUp(pw, 'Secret123');
check('pw-signup', r.ok && !!r.data.refreshJwt);
r = await sdk.password.signIn(pw, 'Wrong1234');
check('pw-wrong', !r.ok && r.code === 401 && r.error.errorCode === 'E062901');
r = await sdk.password.signIn(pw, 'Secret123');
check('pw-signin', r.ok);
r = await sdk.password.replace(pw, 'Secret123', 'Newer1234');
check('pw-replace', r.ok && !!r.data.sessionJwt);
r = await sdk.password.sendReset(pw, `${base}/reset`);
check('pw-reset', r.ok && r.data.resetMethod === 'magiclink');
msg = await last(pw);
r = await sdk.magicLink.verify(msg.token);
check('pw-reset-verify', r.ok);
r = await sdk.password.update(pw, 'Reset1234', r.data.refreshJwt);
check('pw-update', r.ok);
r = await sdk.password.signIn(pw, 'Reset1234');
check('pw-signin-new', r.ok);

// Tenants and history
await fetch(`${base}/emulator/users`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ loginId: 'ten-websdk@example.com', password: 'Tenant123',
    userTenants: [{ tenantId: 'T1', tenantName: 'One' }, { tenantId: 'T2' }] }),
});
r = await sdk.password.signIn('ten-websdk@example.com', 'Tenant123');
const trt = r.data.refreshJwt;
r = await sdk.selectTenant('T1', trt);
check('select-tenant', r.ok && sdk.getCurrentTenant(r.data.sessionJwt) === 'T1');
const trt2 = r.data.refreshJwt;
r = await sdk.selectTenant('T9', trt);
check('select-tenant-403', !r.ok && r.code === 403);
r = await sdk.myTenants(true, trt2);
check('my-tenants-dct', r.ok && r.data.tenants.length === 1 && r.data.tenants[0].id === 'T1' && r.data.tenants[0].name === 'One');
r = await sdk.myTenants(['T2'], trt);
check('my-tenants-ids', r.ok && r.data.tenants.length === 1 && r.data.tenants[0].id === 'T2');
r = await sdk.history(trt);
check('history', r.ok && Array.isArray(r.data) && r.data.length === 2 && r.data[0].selectedTenant === 'T1' && r.data[1].ip === '127.0.0.1');

console.log(`total=${out.length} ` + out.join(' '));
"#;

#[tokio::test]
async fn descope_web_js_sdk_performs_every_flow() {
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
    let total: usize = line
        .strip_prefix("total=")
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(total >= 42, "{line}");
    assert_eq!(line.matches(":ok").count(), total, "{line}");
}
