// Package size, measured in one run: our .wasm plus its JS glue (what a page downloads) next to
// Descope's own @descope/web-js-sdk bundled and minified with esbuild. Prints a table and writes
// bench/out/size.json.
import { build } from "esbuild";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "bench", "out");
mkdirSync(outDir, { recursive: true });

const sizes = (buf) => ({
  raw: buf.length,
  gzip: gzipSync(buf, { level: 9 }).length,
  brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
const sum = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });

// Our ES module entry with everything it imports (the glue and its JS snippets), minified the way an
// app's bundler would, plus the .wasm.
const glue = await build({
  entryPoints: [join(root, "pkg", "descope_wasm.js")],
  bundle: true, minify: true, format: "esm", platform: "browser", write: false, logLevel: "silent",
});
const wasm = readFileSync(join(root, "pkg", "descope_wasm_bg.wasm"));
const ours = { wasm: sizes(wasm), glue: sizes(Buffer.from(glue.outputFiles[0].contents)) };
ours.total = sum(ours.wasm, ours.glue);

// Descope's web SDK as an app would ship it: bundled with its dependencies and minified.
const theirsBuild = await build({
  stdin: { contents: 'export { default } from "@descope/web-js-sdk";', resolveDir: root },
  bundle: true, minify: true, format: "esm", platform: "browser", write: false, logLevel: "silent",
});
const theirs = sizes(Buffer.from(theirsBuild.outputFiles[0].contents));
const version = JSON.parse(readFileSync(join(root, "node_modules/@descope/web-js-sdk/package.json"))).version;

const row = (name, s) => `${name.padEnd(42)} ${String(s.raw).padStart(8)} ${String(s.gzip).padStart(8)} ${String(s.brotli).padStart(8)}`;
console.log(`${"bytes".padEnd(42)} ${"raw".padStart(8)} ${"gzip".padStart(8)} ${"brotli".padStart(8)}`);
console.log(row("descope-wasm .wasm", ours.wasm));
console.log(row("descope-wasm JS glue (minified)", ours.glue));
console.log(row("descope-wasm total", ours.total));
console.log(row(`@descope/web-js-sdk ${version} (esbuild, minified)`, theirs));
console.log(`ratio (ours / theirs, gzip): ${(ours.total.gzip / theirs.gzip).toFixed(2)}`);
writeFileSync(join(outDir, "size.json"), JSON.stringify({ ours, theirs: { version, ...theirs } }, null, 2));
