// Shared helpers for the browser end-to-end tests: stage the served directory, start one emulator
// per test file, launch headless Chromium, and talk to the emulator's control API.
// Nothing here prints a token or a code: values are returned to the tests, which only assert on them.
import { spawn } from "node:child_process";
import { mkdtemp, mkdir, readdir, rm, symlink, access } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { after, before } from "node:test";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const emulatorBin = process.env.DESCOPE_EMULATOR_BIN || join(repoRoot, "target/debug/descope-emulator");
export const pkgDir = process.env.DESCOPE_PKG_DIR || join(repoRoot, "pkg");
export const demoDir = join(repoRoot, "www-demo");
export const fixturesDir = join(repoRoot, "tests/e2e/fixtures");

/** Matches a JWT-shaped string (header.payload.signature, base64url, header starting `{"`). */
export const JWT_RE = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

/** Replaces JWT-shaped strings and the given secrets by [redacted], for failure messages. */
export function redact(text, secrets = []) {
  let out = String(text).replace(new RegExp(JWT_RE.source, "g"), "[redacted-jwt]");
  for (const s of secrets) if (s) out = out.split(s).join("[redacted]");
  return out;
}

/** Generous default for Playwright waits: CI machines are slow; a hang still ends eventually. */
export const WAIT = { timeout: 30_000 };

const require = createRequire(import.meta.url);

export function chromiumArgs() {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ];
}

/**
 * Builds a temp dir to serve: symlinks to every www-demo file, `pkg/` → the built package,
 * `fixtures/` → tests/e2e/fixtures, and an empty real `vendor/` for bundles made at test time.
 */
export async function stageServeDir() {
  const dir = await mkdtemp(join(tmpdir(), "descope-e2e-"));
  for (const name of await readdir(demoDir)) {
    if (name === "pkg") continue; // a stray local copy must not shadow the package under test
    await symlink(join(demoDir, name), join(dir, name));
  }
  await symlink(pkgDir, join(dir, "pkg"), "dir");
  await symlink(fixturesDir, join(dir, "fixtures"), "dir");
  await mkdir(join(dir, "vendor"));
  return dir;
}

/** Checks that the emulator binary and the package exist, with a message saying how to build them. */
export async function checkPrerequisites({ needPkg = true, needClassic = false } = {}) {
  const missing = [];
  try { await access(emulatorBin); } catch { missing.push(`${emulatorBin} (cargo build -p descope-emulator)`); }
  if (needPkg) {
    try { await access(join(pkgDir, "descope_wasm.js")); } catch { missing.push(`${join(pkgDir, "descope_wasm.js")} (make pkg)`); }
  }
  if (needClassic) {
    try { await access(join(pkgDir, "classic/descope_wasm.js")); } catch { missing.push(`${join(pkgDir, "classic/descope_wasm.js")} (make pkg)`); }
  }
  if (missing.length) throw new Error(`missing prerequisites: ${missing.join(", ")}`);
}

/**
 * Starts `descope-emulator --addr 127.0.0.1:0 --serve <dir>` and resolves once it prints
 * `listening on http://ADDR`. Its output (stdout and stderr lines) is kept in `log`, never echoed.
 */
export async function startEmulator({ serveDir, args = [] } = {}) {
  const argv = ["--addr", "127.0.0.1:0", ...(serveDir ? ["--serve", serveDir] : []), ...args];
  const proc = spawn(emulatorBin, argv, { stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  const keep = (line) => { log.push(line); if (log.length > 20_000) log.shift(); };
  createInterface({ input: proc.stderr }).on("line", keep);
  const stdout = createInterface({ input: proc.stdout });

  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`emulator did not print "listening on" within 60 s; last output:\n${log.slice(-20).join("\n")}`));
    }, 60_000);
    const onExit = (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited early (code ${code}, signal ${signal}); last output:\n${log.slice(-20).join("\n")}`));
    };
    proc.once("exit", onExit);
    proc.once("error", (err) => { clearTimeout(timer); reject(err); });
    stdout.on("line", (line) => {
      keep(line);
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        proc.off("exit", onExit);
        resolveUrl(m[1].replace(/\/+$/, ""));
      }
    });
  });

  const u = new URL(url);
  if (u.hostname !== "127.0.0.1") {
    proc.kill("SIGKILL");
    throw new Error(`emulator listens on ${u.hostname}, expected 127.0.0.1`);
  }

  const control = makeControl(url);
  return {
    url,
    proc,
    log,
    ...control,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/**
 * The same server as `url` (`http://127.0.0.1:PORT`) named `http://localhost:PORT`: WebAuthn refuses
 * IP addresses as relying-party ids, so passkey pages load from localhost (which Chromium resolves to
 * the loopback interface the emulator listens on).
 */
export function localhostUrl(url) {
  const u = new URL(url);
  u.hostname = "localhost";
  return u.origin;
}

/** Thin client for the emulator's control API (`/emulator/*`). */
export function makeControl(url) {
  async function call(method, path, body) {
    const res = await fetch(url + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : {}; } catch { json = undefined; }
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}`);
    return json;
  }
  return {
    config: () => call("GET", "/emulator/config"),
    setConfig: (cfg) => call("POST", "/emulator/config", cfg),
    outbox: async (loginId) => (await call("GET", `/emulator/outbox?loginId=${encodeURIComponent(loginId)}`)).messages || [],
    /** The newest code sent to loginId (throws if none). */
    latestCode: async (loginId) => {
      const msgs = (await call("GET", `/emulator/outbox?loginId=${encodeURIComponent(loginId)}`)).messages || [];
      const withCode = msgs.filter((m) => typeof m.code === "string" && m.code);
      if (!withCode.length) throw new Error(`no code in the outbox for the test user (${msgs.length} messages)`);
      return withCode.at(-1).code;
    },
    createUser: (user) => call("POST", "/emulator/users", user),
    /** The passkeys stored for loginId: `[{id, userId, alg, signCount, ...}]` (no key material). */
    webauthnCredentials: async (loginId) =>
      (await call("GET", `/emulator/webauthn/credentials?loginId=${encodeURIComponent(loginId)}`)).credentials || [],
    requests: async () => {
      const r = await call("GET", "/emulator/requests");
      return Array.isArray(r) ? r : r.requests || [];
    },
    reset: () => call("POST", "/emulator/reset", {}),
    /** Queues a fault (`{path, status?, body?, delayMs?, drop?, stream?, retryAfter?, times}`). */
    fault: (f) => call("POST", "/emulator/faults", f),
    /** Shifts the emulator's clock by `offsetSeconds` (its tokens' iat/exp move with it). */
    setClock: (offsetSeconds) => call("POST", "/emulator/clock", { offsetSeconds }),
  };
}

/** Launches headless Debian Chromium through playwright-core (fresh profile per launch). */
export async function launchBrowser() {
  const { chromium } = require("playwright-core");
  return chromium.launch({ executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium", args: chromiumArgs() });
}

/**
 * A new browser context whose requests may only go to `origins` (the emulators); anything else is
 * aborted and recorded in the returned `blocked` list so tests can assert it stays empty.
 */
export async function newIsolatedContext(browser, origins) {
  const allowed = new Set([].concat(origins));
  const context = await browser.newContext();
  const blocked = [];
  await context.route(
    (u) => !allowed.has(u.origin) && u.protocol !== "data:" && u.protocol !== "blob:",
    (route) => { blocked.push(route.request().url()); return route.abort(); },
  );
  return { context, blocked };
}

/**
 * Records every console message and uncaught page error of `page` as plain strings
 * (for the secret-hygiene assertions). Nothing is printed.
 */
export function recordConsole(page, into = []) {
  page.on("console", (msg) => into.push(`${msg.type()}: ${msg.text()}`));
  page.on("pageerror", (err) => into.push(`pageerror: ${err && err.stack ? err.stack : String(err)}`));
  return into;
}

/** Bundles @descope/web-js-sdk for the browser (ESM) into `outfile`. */
export async function bundleWebJsSdk(outfile) {
  const esbuild = require("esbuild");
  await esbuild.build({
    stdin: {
      contents: 'export { default as createSdk, REFRESH_TOKEN_KEY, SESSION_TOKEN_KEY } from "@descope/web-js-sdk";',
      resolveDir: repoRoot,
      loader: "js",
    },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    outfile,
    logLevel: "error",
  });
}

/** Removes a staged dir (only ever one we created under the OS temp dir). */
export async function removeStaged(dir) {
  if (dir && dir.startsWith(tmpdir())) await rm(dir, { recursive: true, force: true });
}

/** A login id unlikely to clash within one emulator run. */
export function uniqueEmail(tag = "user") {
  return `${tag}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

/** A unique E.164 phone number in the +1 555 fictional range. */
export function uniquePhone() {
  const n = String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
  return `+1555${n}`;
}

/**
 * Start-everything helper for one test file: prerequisites, staged dir, emulator, browser.
 * Returns an object with `close()` to call from `after()`.
 */
export async function setupSuite({ needPkg = true, needClassic = false, emulatorArgs = [], stage } = {}) {
  await checkPrerequisites({ needPkg, needClassic });
  const serveDir = await stageServeDir();
  if (stage) await stage(serveDir);
  let emulator;
  let browser;
  try {
    emulator = await startEmulator({ serveDir, args: emulatorArgs });
    browser = await launchBrowser();
  } catch (err) {
    if (emulator) await emulator.stop();
    await removeStaged(serveDir);
    throw err;
  }
  return {
    serveDir,
    emulator,
    browser,
    url: emulator.url,
    cleanups: [],
    async close() {
      for (const c of this.cleanups.reverse()) { try { await c(); } catch { /* keep closing */ } }
      try { if (browser) await browser.close(); } finally {
        try { await emulator.stop(); } finally { await removeStaged(serveDir); }
      }
    },
  };
}

/**
 * Registers before/after hooks (call inside `describe`) that set up the suite, and returns a getter
 * for it. A set-up failure does not throw from the hook (node would report the tests as
 * "cancelled", which CI does not count); instead every test that asks for the suite fails with the
 * set-up error, so the failures are counted. `extra(suite)` may add more set-up (its errors too).
 */
export function useSuite(options = {}) {
  const state = { suite: undefined, error: undefined };
  before(async () => {
    try {
      state.suite = await setupSuite(options);
      if (options.extra) await options.extra(state.suite);
    } catch (err) {
      state.error = err;
    }
  });
  after(async () => {
    if (state.suite) await state.suite.close();
  });
  return () => {
    if (state.error) throw new Error(`suite set-up failed: ${state.error.message}`);
    if (!state.suite) throw new Error("suite set-up did not run");
    return state.suite;
  };
}
