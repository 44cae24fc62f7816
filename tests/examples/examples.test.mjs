// The examples/ apps, installed from the packed package (scripts/install-examples.sh, run by
// scripts/test-examples.sh) and used the way their tools' documentation leads: each one signs in with an
// emailed one-time code against the emulator, in headless Chromium (or under Node for Vitest).
// The page code is the minimal one: `import { Descope } from "descope-wasm"` and `new Descope(...)`
// at module top level, no init step (except the classic script's `await descopeWasm.init()`).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JWT_RE, WAIT, emulatorBin, launchBrowser, recordConsole, redact, repoRoot, startEmulator, uniqueEmail } from "../e2e/helpers.mjs";

const examples = join(repoRoot, "examples");

/** A free loopback port (for dev servers that want one named). */
async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Runs a command in its own process group; `ready` (a RegExp on its output) resolves `started` with
 * the match. `stop()` ends the group (only the processes this started). Output is kept, not printed.
 */
function run(cmd, args, { cwd, env = {}, ready } = {}) {
  const proc = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1", NEXT_TELEMETRY_DISABLED: "1", ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let onReady;
  const started = new Promise((resolve, reject) => {
    onReady = resolve;
    proc.once("exit", (code) => reject(new Error(`${cmd} ${args.join(" ")} exited with ${code} before it was ready:\n${output.slice(-3000)}`)));
  });
  started.catch(() => {}); // a caller that waits for `exited` instead does not need it
  const exited = new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
  const take = (chunk) => {
    output += chunk;
    const m = ready && ready.exec(output.replace(/\x1b\[[0-9;]*m/g, ""));
    if (m) onReady(m);
  };
  proc.stdout.on("data", take);
  proc.stderr.on("data", take);
  return {
    started,
    exited,
    get output() { return output; },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      try { process.kill(-proc.pid, "SIGTERM"); } catch { /* already gone */ }
      const t = setTimeout(() => { try { process.kill(-proc.pid, "SIGKILL"); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Runs a command to completion; rejects with its output when it fails. */
async function build(cmd, args, opts) {
  const p = run(cmd, args, opts);
  const code = await p.exited;
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${code}):\n${p.output.slice(-4000)}`);
  return p.output;
}

const node = process.execPath;
const bin = (example, rel) => join(examples, example, "node_modules", rel);

let browser;
before(async () => {
  for (const name of ["plain-html", "csp", "webpack", "vite-react", "vite6-7", "nextjs", "nextjs15", "vitest"]) {
    assert.ok(existsSync(join(examples, name, "node_modules/descope-wasm/descope_wasm.js")), `examples/${name} is not installed (scripts/install-examples.sh)`);
  }
  browser = await launchBrowser();
});
after(async () => { if (browser) await browser.close(); });

/**
 * Opens `url`, signs in through the page's form (email, code from the emulator's outbox, verify),
 * checks the page shows the signed-in user, that the .wasm was served as application/wasm, and that
 * nothing failed or leaked on the console.
 */
async function signInThroughPage(url, emulator, tag) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleLines = recordConsole(page);
  const wasm = [];
  page.on("response", (r) => { if (new URL(r.url()).pathname.endsWith(".wasm")) wasm.push(`${r.status()} ${r.headers()["content-type"]}`); });
  const email = uniqueEmail(tag);
  let code = "";
  try {
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => document.getElementById("status")?.textContent === "Signed out", undefined, WAIT);
    await page.fill("#email", email);
    await page.click("#send");
    await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Code sent to"), undefined, WAIT);
    code = await emulator.latestCode(email);
    await page.fill("#code", code);
    await page.click("#verify");
    await page.waitForFunction((e) => document.getElementById("status").textContent === `Signed in as ${e}`, email, WAIT);
    assert.equal(await page.textContent("#error"), "");
    assert.deepEqual(wasm, ["200 application/wasm"], "the .wasm was fetched once, as application/wasm");
    const problems = consoleLines.filter((l) => /^(error|pageerror)/.test(l) && !/favicon|404 \(Not Found\)/.test(l));
    assert.deepEqual(problems, [], "no error on the console");
    assert.equal(consoleLines.filter((l) => JWT_RE.test(l) || (code && l.includes(code))).length, 0, "no secret on the console");
  } catch (err) {
    err.message = redact(`${err.message}\nconsole:\n${consoleLines.join("\n")}`, [code]);
    throw err;
  } finally {
    await context.close();
  }
}

/** Opens `url` and resolves to the first uncaught page error (the app's top-level `new Descope`). */
async function firstPageError(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    const error = new Promise((resolve) => page.once("pageerror", resolve));
    await page.goto(url, { waitUntil: "load" });
    return await error;
  } finally {
    await context.close();
  }
}

describe("plain HTML (no build step), served as it is", () => {
  let emulator;
  before(async () => { emulator = await startEmulator({ serveDir: join(examples, "plain-html") }); });
  after(async () => { await emulator?.stop(); });

  it("<script type=\"module\">: import and construct, no init step", async () => {
    await signInThroughPage(`${emulator.url}/module.html`, emulator, "module");
  });

  it("classic script: await descopeWasm.init(), then construct", async () => {
    await signInThroughPage(`${emulator.url}/classic.html`, emulator, "classic");
  });

  it("classic script before init(): DescopeError notInitialized naming the fix, not a TypeError", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${emulator.url}/index.html`);
    await page.addScriptTag({ url: "./node_modules/descope-wasm/classic/descope_wasm.js" });
    const r = await page.evaluate(() => {
      try {
        new descopeWasm.Descope({ projectId: "P2emu0000000000000000000000" });
        return { threw: false };
      } catch (e) {
        return { threw: true, name: e.name, code: e.code, kind: e.kind, retryable: e.retryable, isError: e instanceof Error, message: e.message };
      }
    });
    assert.deepEqual(r, {
      threw: true, name: "DescopeError", code: "notInitialized", kind: "config", retryable: false, isError: true,
      message: "descope-wasm is not ready: await descopeWasm.init() first",
    });
    await page.evaluate(() => descopeWasm.init());
    assert.equal(await page.evaluate(() => new descopeWasm.Descope({ projectId: "P2emu0000000000000000000000" }).projectId), "P2emu0000000000000000000000");
    await context.close();
  });
});

describe("strict CSP: script-src 'self' 'wasm-unsafe-eval', Trusted Types required", () => {
  let emulator;
  before(async () => { emulator = await startEmulator({ serveDir: join(examples, "csp") }); });
  after(async () => { await emulator?.stop(); });

  it("signs in, and the policy is in force (Trusted Types refuse innerHTML)", async () => {
    await signInThroughPage(`${emulator.url}/index.html`, emulator, "csp");
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${emulator.url}/index.html`);
    const sink = await page.evaluate(() => { try { document.body.innerHTML = "<b>x</b>"; return "allowed"; } catch (e) { return e.name; } });
    assert.equal(sink, "TypeError", "Trusted Types are enforced");
    await context.close();
  });

  it("without 'wasm-unsafe-eval': using the SDK throws DescopeError notInitialized that names the policy", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route(`${emulator.url}/index.html`, async (route) => {
      const res = await route.fetch();
      route.fulfill({ response: res, body: (await res.text()).replace(" 'wasm-unsafe-eval'", "") });
    });
    const error = new Promise((resolve) => page.once("pageerror", resolve));
    await page.goto(`${emulator.url}/index.html`);
    const e = await error;
    assert.equal(e.name, "DescopeError");
    assert.match(e.message, /^descope-wasm is not ready: its \.wasm did not load \(CompileError: .*Content Security Policy.*\)\. A Content-Security-Policy needs script-src 'wasm-unsafe-eval'/);
    await context.close();
  });
});

describe("webpack 5 (no configuration for descope-wasm)", () => {
  let emulator;
  before(async () => {
    await build(node, [bin("webpack", "webpack-cli/bin/cli.js")], { cwd: join(examples, "webpack") });
    emulator = await startEmulator({ serveDir: join(examples, "webpack") });
  });
  after(async () => { await emulator?.stop(); });

  it("production build: signs in", async () => {
    await signInThroughPage(`${emulator.url}/index.html`, emulator, "webpack");
  });
});

/** A Vite dev server for `example` (its node_modules/`viteDir`), with the emulator at `?baseUrl=`. */
async function viteDev(example, viteDir, extraArgs = []) {
  const port = await freePort();
  const server = run(node, [bin(example, `${viteDir}/bin/vite.js`), "--port", String(port), "--strictPort", "--host", "127.0.0.1", ...extraArgs], {
    cwd: join(examples, example),
    ready: /Local:\s+(http:\/\/\S+)/,
  });
  const [, url] = await server.started;
  return { server, url: url.replace(/\/$/, "") };
}

describe("Vite 8 + React (no configuration for descope-wasm)", () => {
  let emulator;
  before(async () => { emulator = await startEmulator(); });
  after(async () => { await emulator?.stop(); });

  it("dev server: signs in", async () => {
    const { server, url } = await viteDev("vite-react", "vite");
    try {
      await signInThroughPage(`${url}/?baseUrl=${encodeURIComponent(emulator.url)}`, emulator, "vite8dev");
    } finally {
      await server.stop();
    }
  });

  it("vite build: the built site signs in", async () => {
    await build(node, [bin("vite-react", "vite/bin/vite.js"), "build"], { cwd: join(examples, "vite-react") });
    const site = await startEmulator({ serveDir: join(examples, "vite-react/dist") });
    try {
      await signInThroughPage(`${site.url}/index.html`, site, "vite8build");
    } finally {
      await site.stop();
    }
  });
});

for (const vite of ["vite6", "vite7"]) {
  describe(`${vite === "vite6" ? "Vite 6" : "Vite 7"} with the one line of vite.config.js`, () => {
    let emulator;
    before(async () => { emulator = await startEmulator(); });
    after(async () => { await emulator?.stop(); });

    it("dev server: signs in", async () => {
      const { server, url } = await viteDev("vite6-7", vite, ["--force"]);
      try {
        await signInThroughPage(`${url}/?baseUrl=${encodeURIComponent(emulator.url)}`, emulator, `${vite}dev`);
      } finally {
        await server.stop();
      }
    });

    it("vite build: the built site signs in", async () => {
      await build(node, [bin("vite6-7", `${vite}/bin/vite.js`), "build", "--outDir", `dist/${vite}`, "--emptyOutDir"], { cwd: join(examples, "vite6-7") });
      const site = await startEmulator({ serveDir: join(examples, `vite6-7/dist/${vite}`) });
      try {
        await signInThroughPage(`${site.url}/index.html`, site, `${vite}build`);
      } finally {
        await site.stop();
      }
    });
  });
}

describe("why Vite 6 and 7 need the line", () => {
  it("Vite 6 without it: its dev pre-bundler refuses the package's top-level await", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vite-noconfig-"));
    const config = join(dir, "vite.config.js");
    await writeFile(config, "export default {};\n");
    const { server, url } = await viteDev("vite6-7", "vite6", ["--force", "--config", config]);
    try {
      await fetch(`${url}/`).catch(() => {});
      // The pre-bundler runs in the background; wait for its verdict (or for the server to stop).
      let stopped = false;
      server.exited.then(() => { stopped = true; });
      while (!stopped && !/Top-level await is not available/.test(server.output)) await new Promise((r) => setTimeout(r, 200));
      assert.match(server.output, /Top-level await is not available in the configured target environment[^]*descope-wasm/);
    } finally {
      await server.stop();
    }
  });

  it("Vite 7 without it: the page's `new Descope` throws DescopeError notInitialized naming optimizeDeps.exclude", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vite-noconfig-"));
    const config = join(dir, "vite.config.js");
    await writeFile(config, "export default {};\n");
    const { server, url } = await viteDev("vite6-7", "vite7", ["--force", "--config", config]);
    try {
      const e = await firstPageError(`${url}/`);
      assert.equal(e.name, "DescopeError");
      assert.match(e.message, /^descope-wasm is not ready: its \.wasm did not load \(CompileError: .*expected magic word.*\)\..* Vite 6\/7's dev server needs optimizeDeps: \{ exclude: \["descope-wasm"\] \}/);
    } finally {
      await server.stop();
    }
  });
});

for (const [example, title] of [["nextjs", "Next.js 16 (Turbopack)"], ["nextjs15", "Next.js 15 (webpack)"]]) {
  describe(`${title}, App Router: a client component constructs the client at module top level`, () => {
    let emulator;
    let server;
    let url;
    before(async () => {
      emulator = await startEmulator();
      const env = { NEXT_PUBLIC_DESCOPE_BASE_URL: emulator.url };
      await build(node, [bin(example, "next/dist/bin/next"), "build"], { cwd: join(examples, example), env });
      const port = await freePort();
      server = run(node, [bin(example, "next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
        cwd: join(examples, example), env, ready: /Ready in|started server on/,
      });
      await server.started;
      url = `http://127.0.0.1:${port}`;
    });
    after(async () => {
      await server?.stop();
      await emulator?.stop();
    });

    it("next build prerendered the page on the server (the client there uses memory)", () => {
      const html = readFileSync(join(examples, example, ".next/server/app/index.html"), "utf8");
      assert.match(html, /<p id="status">Loading…<\/p>/);
    });

    it("next start: signs in", async () => {
      await signInThroughPage(`${url}/`, emulator, example);
    });
  });
}

describe("Node.js and Vitest (the package's \"node\" export)", () => {
  const env = { DESCOPE_EMULATOR_BIN: emulatorBin };

  it("Vitest: the example's own sign-in tests pass against the emulator started by its launcher", async () => {
    const out = await build(node, [bin("vitest", "vitest/vitest.mjs"), "run"], { cwd: join(examples, "vitest"), env });
    assert.match(out, /Tests\s+2 passed \(2\)/);
  });

  it("Node: import, construct (memory persistence), init() is a no-op", async () => {
    const script = `
      import init, { Descope } from "descope-wasm";
      const d = new Descope({ projectId: "P2emu0000000000000000000000" });
      const again = await init();
      console.log(JSON.stringify({ persistence: d.diagnostics().persistence, session: d.session === undefined, init: typeof again }));`;
    const out = await build(node, ["--input-type=module", "-e", script], { cwd: join(examples, "vitest") });
    assert.deepEqual(JSON.parse(out.trim().split("\n").at(-1)), { persistence: "memory", session: true, init: "object" });
  });
});
