// The workload behind the wasm-memory figure (issue 6 item 6), shared by bench/memory.mjs and
// tests/e2e/memory.test.mjs: one ~1 MiB `me()` answer, then rounds of answers of other sizes (each
// a fault with a canned body), recording the module's memory (its WebAssembly.Memory buffer) after
// each round. Returns {start, afterBig, perRound, msPerCall, smallMsPerCall} in bytes and ms.

/** Runs the workload in a fresh page of `browser` against `emulator`, which serves /pkg/ and
 * /vendor/blank.html. */
export async function runMemoryWorkload({ emulator, browser, rounds = 6 }) {
  const { projectId } = await emulator.config();
  const loginId = `mem-${Date.now()}@example.com`;
  await emulator.createUser({ loginId, email: loginId, name: "Mem" });
  const page = await browser.newPage();
  await page.goto(`${emulator.url}/vendor/blank.html`);
  return page.evaluate(async ({ projectId, loginId, rounds }) => {
    const mod = await import("/pkg/descope_wasm.js");
    const wasm = await mod.default();
    const mem = () => wasm.memory.buffer.byteLength;
    const descope = new mod.Descope({ projectId, baseUrl: location.origin, persistence: "memory", autoRefresh: false });
    await descope.otp.signIn("email", loginId);
    const outbox = await (await fetch(`/emulator/outbox?loginId=${encodeURIComponent(loginId)}`)).json();
    await descope.otp.verify("email", loginId, outbox.messages.at(-1).code);
    // A user object of about `n` bytes: half one long string, half many small members (a parse
    // tree of many nodes), like a user with many roles and tenants.
    // Every other answer has non-ASCII text (2 UTF-8 bytes a character).
    const user = (n, wide) => {
      const items = [];
      for (let i = 0; items.length * 12 < n / 2; i++) items.push(`r-${String(i).padStart(6, "0")}`);
      const name = wide ? "é".repeat(Math.floor(n / 4)) : "x".repeat(Math.floor(n / 2));
      return { userId: "U1", name, roleNames: items };
    };
    let calls = 0;
    const me = async (n) => {
      const r = await fetch("/emulator/faults", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ path: "/v1/auth/me", status: 200, body: user(n, calls++ % 2 === 1), times: 1 }) });
      if (!r.ok) throw new Error(`fault not queued: ${r.status}`);
      await descope.me();
    };
    const start = mem();
    await me(1_000_000);
    const afterBig = mem();
    const sizes = [1_000, 700_000, 10_000, 300_000, 50_000, 900_000, 120_000, 33_000, 500_000, 3_000];
    const perRound = [];
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      // Other sizes every round: each size varies by up to 9 % (all stay under 1 MiB).
      for (const n of sizes) await me(Math.round(n * (1 + 0.03 * (r % 4) + 0.001 * r)));
      perRound.push(mem());
    }
    const msPerCall = (performance.now() - t0) / (rounds * sizes.length);
    // Then small calls on what the big ones left (a long free list would slow each of them).
    await me(300);
    const t1 = performance.now();
    for (let i = 0; i < 200; i++) await descope.me();
    const smallMsPerCall = (performance.now() - t1) / 200;
    return { start, afterBig, perRound, msPerCall, smallMsPerCall };
  }, { projectId, loginId, rounds });
}
