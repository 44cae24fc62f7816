// Wasm memory after big responses (issue 6 item 6), with the built package: after one ~1 MiB answer,
// answers of other sizes (varying every round, half of them non-ASCII) reuse what it left. The
// former size-class allocator held 4 MiB more after the first round of other sizes (it never
// merged blocks of different sizes); the chosen allocator stays within 2 MiB of the big answer's peak.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { useSuite } from "./helpers.mjs";
import { runMemoryWorkload } from "./memory-workload.mjs";

const MiB = 1048576;

describe("wasm memory after a 1 MiB response", () => {
  const getSuite = useSuite({
    emulatorArgs: ["--rate-limit", "0"],
    stage: (dir) => writeFile(join(dir, "vendor", "blank.html"), "<!doctype html><title>memory</title>"),
  });

  it("stops growing on repeated calls of other sizes", async () => {
    const { emulator, browser } = getSuite();
    const r = await runMemoryWorkload({ emulator, browser, rounds: 8 });
    const peak = Math.max(...r.perRound);
    const mb = (b) => (b / MiB).toFixed(2);
    const seen = `${mb(r.afterBig)} MiB after the big answer, then ${r.perRound.map(mb).join(" / ")}`;
    assert.ok(peak - r.afterBig <= 2 * MiB, seen);
    // The second half of the rounds adds at most one MiB: no growth per new size.
    assert.ok(r.perRound[7] - r.perRound[3] <= MiB, seen);
  });
});
