// G13: a page with faults.md's strict policy (`script-src 'self' 'wasm-unsafe-eval'; connect-src
// <api>; require-trusted-types-for 'script'; trusted-types descope-sdk`) signs in, refreshes, calls
// me and logs out with 0 `securitypolicyviolation` events; the policy is shown to be in force (eval
// and an innerHTML sink are refused and reported); and the shipped glue has no `new Function` or
// `eval(`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { WAIT, newIsolatedContext, pkgDir, recordConsole, uniqueEmail, useSuite } from "./helpers.mjs";

describe("strict CSP and Trusted Types (G13)", () => {
  const getSuite = useSuite();

  it("G13: sign-in, refresh, me and logout under the strict policy with 0 violations", async () => {
    const suite = getSuite();
    const { context, blocked } = await newIsolatedContext(suite.browser, suite.url);
    try {
      const page = await context.newPage();
      const consoleLines = recordConsole(page);
      await page.goto(`${suite.url}/fixtures/csp.html`, { waitUntil: "load" });
      await page.waitForFunction(() => window.ready === true, null, WAIT);
      const r = await page.evaluate((email) => window.g13(email), uniqueEmail("g13"));
      const violations = await page.evaluate(() => window.violations.slice());
      console.log(`# G13 events=${r.events.join(",")} violations=${violations.length}`);
      assert.deepEqual(r.events, ["signedIn", "refreshed", "signedOut"]);
      assert.ok(r.refreshed && r.me && r.signedOut);
      assert.deepEqual(violations, [], "no securitypolicyviolation");
      assert.ok(!consoleLines.some((l) => /Content Security Policy|Trusted Type/i.test(l)), consoleLines.join("\n"));
      // The policy is in force, and the listener hears its violations.
      const refused = await page.evaluate(() => window.probe());
      assert.deepEqual(refused, ["EvalError", "TypeError"]);
      await page.waitForFunction(() => window.violations.length >= 2, null, WAIT);
      assert.deepEqual(blocked, []);
    } finally {
      await context.close();
    }
  });

  it("G13: the shipped glue has no new Function or eval(", () => {
    // Every script in the package: the entries, the glue, classic/ and the JS snippets in snippets/.
    const files = readdirSync(pkgDir, { recursive: true }).filter((f) => f.endsWith(".js")).map((f) => join(pkgDir, f));
    const hits = files.filter((f) => /new Function|\beval\(/.test(readFileSync(f, "utf8")));
    console.log(`# G13 glue files scanned=${files.length} with new Function or eval(=${hits.length}`);
    assert.ok(files.length >= 5);
    assert.deepEqual(hits, []);
  });
});
