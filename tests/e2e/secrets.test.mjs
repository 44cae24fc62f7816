// G10 (secret hygiene) over one client's whole life, including its failures: every SDK logger line,
// every `onSessionChange` event (serialised, and each of its fields), every error the SDK rejects
// with (message, stack, `String()`, JSON and each field), every console message of the page and
// every emulator log line are scanned for JWT-shaped strings and for the tokens and codes the run
// handed out. The workload: OTP sign-in with a wrong code first, refresh, me, then faults on the way
// (F10 HTML 502, F12 truncated 200, F14 odd error bodies, F15 429, F19 redirect, F22 time-out,
// F17 revoked refresh), an unknown OAuth code (F40), calls with no session, logout.
// The scan runs where the tokens are (in the page); only counts and labels come back.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JWT_RE, WAIT, newIsolatedContext, recordConsole, uniqueEmail, useSuite } from "./helpers.mjs";

describe("secret hygiene over a client's life and its failures (G10)", () => {
  const getSuite = useSuite();

  it("G10: no token, refresh JWT or OTP code in any log line, event, error string, console message or emulator log line", async () => {
    const suite = getSuite();
    const { context, blocked } = await newIsolatedContext(suite.browser, suite.url);
    const consoleLines = [];
    try {
      const page = await context.newPage();
      recordConsole(page, consoleLines);
      await page.goto(`${suite.url}/fixtures/session-tabs.html?prefix=g10.&auto=0`, { waitUntil: "load" });
      await page.waitForFunction(() => window.ready === true, null, WAIT);
      const email = uniqueEmail("g10");
      const other = `http://localhost:${new URL(suite.url).port}/v1/redirected-here`;

      const workload = await page.evaluate(async ({ email, other }) => {
        const strings = []; // [label, text]
        const secrets = new Set();
        const errors = [];
        const fault = (f) => fetch("/emulator/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(f) });
        const outbox = async () => (await (await fetch("/emulator/outbox?loginId=" + encodeURIComponent(email))).json()).messages;
        const logger = (level, event, fields) => strings.push(["log", `${level} ${event} ${JSON.stringify(fields)}`]);
        const d = window.t.bare({ logger, storagePrefix: "g10.", autoRefresh: false, timeoutMs: 1000 });
        d.onSessionChange((e) => {
          strings.push(["event", JSON.stringify(e)]);
          for (const k of Object.keys(e)) strings.push(["event." + k, typeof e[k] === "object" ? JSON.stringify(e[k]) : String(e[k])]);
        });
        const keep = () => { const s = d.session; if (s) { secrets.add(s.sessionJwt); secrets.add(s.refreshJwt); } };
        const attempt = async (label, f) => {
          try { await f(); } catch (e) { errors.push([label, e]); }
        };

        await d.otp.signUpOrIn("email", email);
        const code = (await outbox()).at(-1).code;
        secrets.add(code);
        await attempt("wrong code", () => d.otp.verify("email", email, code === "000000" ? "111111" : "000000"));
        await d.otp.verify("email", email, code);
        keep();
        await d.refresh();
        keep();
        await d.me();
        const me = "/v1/auth/me";
        await fault({ path: me, status: 502, body: "<html><body>Bad gateway</body></html>" });
        await attempt("F10 html 502", () => d.me());
        await fault({ path: me, status: 200, body: JSON.stringify({ sessionJwt: [...secrets][0] }), stream: "truncate" });
        await attempt("F12 truncated", () => d.me());
        await fault({ path: me, status: 400, body: "null" });
        await attempt("F14 null body", () => d.me());
        await fault({ path: me, status: 429, retryAfter: "120" });
        await attempt("F15 429", () => d.me());
        await fault({ path: me, status: 302, location: other });
        await attempt("F19 redirect", () => d.me());
        await fault({ path: me, delayMs: 3000 });
        await attempt("F22 timeout", () => d.me());
        await attempt("F40 unknown code", () => d.oauth.exchange("unknown-code"));
        await fault({ path: "/v1/auth/refresh", status: 401 });
        await attempt("F17 revoked", () => d.refresh());
        await attempt("no session: me", () => d.me());
        await attempt("no session: refresh", () => d.refresh());
        // Signed in again, then logged out.
        await d.otp.signUpOrIn("email", email);
        const code2 = (await outbox()).at(-1).code;
        secrets.add(code2);
        await d.otp.verify("email", email, code2);
        keep();
        await d.logout();
        await attempt("after logout", () => d.getSessionToken().then((t) => { if (t) throw new Error("a token after logout"); }));

        for (const [label, e] of errors) {
          strings.push([label + ": message", e.message], [label + ": stack", String(e.stack)], [label + ": String", String(e)]);
          strings.push([label + ": JSON", JSON.stringify(e)]);
          for (const k of ["code", "kind", "status", "description", "retryAfterMs", "retryable", "name"]) strings.push([`${label}: ${k}`, String(e[k])]);
        }
        const kinds = errors.map(([label, e]) => `${label}=${e.kind}/${e.code}`);
        window.g10Secrets = [...secrets];
        const hits = strings.filter(([, s]) => /eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(s) || [...secrets].some((x) => x && s.includes(x))).map(([l]) => l);
        return { scanned: strings.length, hits, kinds, codes: [code, code2] };
      }, { email, other });

      // The console and the emulator's log, scanned in the page against the tokens it holds.
      const logLines = suite.emulator.log.slice();
      const outside = await page.evaluate((lines) => lines.filter((s) => /eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(s) || window.g10Secrets.some((x) => s.includes(x))).length, [...consoleLines, ...logLines]);
      const scanned = workload.scanned + consoleLines.length + logLines.length;
      console.log(`# G10 scanned ${scanned} strings (${workload.scanned} log lines, events and error strings, ${consoleLines.length} console messages, ${logLines.length} emulator log lines): ${workload.hits.length + outside} hits`);
      console.log(`# G10 errors: ${workload.kinds.join(", ")}`);
      assert.deepEqual(workload.hits, [], "no secret in a log line, event or error string (labels of the hits)");
      assert.equal(outside, 0, "no secret in the console or the emulator log");
      assert.ok(!consoleLines.some((l) => JWT_RE.test(l) || workload.codes.some((c) => l.includes(c))));
      // The workload did reach the failures it meant to.
      for (const want of ["wrong code=api/E061102", "F10 html 502=api", "F12 truncated=network", "F15 429=rateLimited", "F19 redirect=config/unexpectedRedirect", "F22 timeout=timeout", "F17 revoked=unauthenticated"]) {
        assert.ok(workload.kinds.some((k) => k.startsWith(want)), `${want} in ${workload.kinds.join(", ")}`);
      }
      assert.deepEqual(blocked, []);
    } finally {
      await context.close();
    }
  });
});
