// The Node launcher of crates/descope-emulator/npm (what users start the emulator with in their own
// tests): finding the binary, start on a free port, an OTP sign-in over fetch with the outbox,
// config/reset, a custom project id, a binary that exits at once, and stop. No browser needed.
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { test } from "node:test";

import { checkPrerequisites, emulatorBin, JWT_RE, redact } from "./helpers.mjs";
import { DEFAULT_PROJECT_ID, findEmulator, startEmulator } from "../../crates/descope-emulator/npm/index.mjs";

/** POST to the emulator's API as a client of `projectId` would. */
async function api(emu, path, body, projectId = emu.projectId) {
  const res = await fetch(emu.url + path, {
    method: "POST",
    headers: { authorization: `Bearer ${projectId}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Runs `fn` with some environment variables replaced (undefined deletes), then restores them. */
async function withEnv(vars, fn) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test("starts on a free loopback port, signs in with an OTP from the outbox, and stops", async () => {
  await checkPrerequisites({ needPkg: false });
  const emu = await startEmulator({ bin: emulatorBin });
  let stopped = false;
  try {
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(emu.url).port, "0");
    assert.equal(emu.projectId, DEFAULT_PROJECT_ID);

    const sent = await api(emu, "/v1/auth/otp/signup-in/email", { loginId: "ada@example.com" });
    assert.equal(sent.status, 200);
    assert.deepEqual(sent.body, { maskedEmail: "a***@example.com" });
    const messages = await emu.outbox("ada@example.com");
    assert.equal(messages.length, 1);
    const [m] = messages;
    assert.equal(m.kind, "otp");
    assert.equal(m.channel, "email");
    assert.match(m.code, /^\d{6}$/);
    assert.deepEqual(await emu.outbox("nobody@example.com"), []);

    const verified = await api(emu, "/v1/auth/otp/verify/email", { loginId: "ada@example.com", code: m.code });
    assert.equal(verified.status, 200);
    assert.match(verified.body.sessionJwt, JWT_RE);
    assert.equal(verified.body.user.email, "ada@example.com");
    // --quiet: no request lines; and nothing secret in what the binary printed.
    const printed = emu.log.join("\n");
    assert.ok(!printed.includes("/v1/auth/"), "no request lines with --quiet");
    assert.equal(redact(printed, [m.code]), printed);

    await emu.stop();
    stopped = true;
    assert.ok(emu.process.exitCode !== null || emu.process.signalCode !== null);
    await emu.stop(); // twice is fine
    await assert.rejects(fetch(emu.url + "/emulator/config"), "nothing listens after stop()");
  } finally {
    if (!stopped) await emu.stop();
  }
});

test("config, reset, createUser, args and a custom project id", async () => {
  await checkPrerequisites({ needPkg: false });
  const projectId = "P2launcher00000000000000000";
  const emu = await startEmulator({ bin: emulatorBin, projectId, args: ["--session-ttl", "30"] });
  try {
    assert.equal(emu.projectId, projectId);
    const cfg = await emu.config();
    assert.equal(cfg.projectId, projectId);
    assert.equal(cfg.sessionTtlSeconds, 30);
    assert.equal((await emu.config({ rotation: true })).rotation, true);
    assert.equal((await emu.config()).rotation, true);

    // Another project id is refused; the launcher's one is accepted.
    const other = await api(emu, "/v1/auth/otp/signin/email", { loginId: "x@example.com" }, DEFAULT_PROJECT_ID);
    assert.equal(other.status, 401);
    await emu.createUser({ loginId: "grace@example.com", name: "Grace" });
    const sent = await api(emu, "/v1/auth/otp/signin/email", { loginId: "grace@example.com" });
    assert.equal(sent.status, 200);
    assert.equal((await emu.outbox()).length, 1);

    await emu.reset();
    assert.deepEqual(await emu.outbox(), []);
    const gone = await api(emu, "/v1/auth/otp/signin/email", { loginId: "grace@example.com" });
    assert.equal(gone.body.errorCode, "E062108");
    // A control-API error rejects with the status and code, not a value.
    await assert.rejects(emu.createUser({}), /answered 400 E011002/);
  } finally {
    await emu.stop();
  }
});

test("finds the binary through DESCOPE_EMULATOR_BIN, then PATH, and names the install command when missing", async () => {
  await checkPrerequisites({ needPkg: false });
  await withEnv({ DESCOPE_EMULATOR_BIN: emulatorBin }, async () => {
    assert.equal(await findEmulator(), emulatorBin);
  });
  await withEnv({ DESCOPE_EMULATOR_BIN: undefined, PATH: dirname(emulatorBin), CARGO_HOME: "/nonexistent" }, async () => {
    assert.equal(await findEmulator(), emulatorBin);
    const emu = await startEmulator();
    try {
      assert.equal((await emu.config()).projectId, DEFAULT_PROJECT_ID);
    } finally {
      await emu.stop();
    }
  });
  await withEnv({ DESCOPE_EMULATOR_BIN: undefined, PATH: "/nonexistent", CARGO_HOME: "/nonexistent" }, async () => {
    await assert.rejects(startEmulator(), (err) => {
      assert.match(err.message, /binary not found/);
      assert.match(err.message, /cargo install --locked --path crates\/descope-emulator/);
      return true;
    });
  });
  await assert.rejects(findEmulator("/nonexistent/descope-emulator"), /not an executable file.*cargo install/);
});

test("a binary that exits at once rejects with its output", async () => {
  await checkPrerequisites({ needPkg: false });
  await assert.rejects(startEmulator({ bin: emulatorBin, args: ["--bogus"] }), (err) => {
    assert.match(err.message, /exited before listening \(code 2/);
    assert.match(err.message, /unknown argument: --bogus/);
    return true;
  });
});
