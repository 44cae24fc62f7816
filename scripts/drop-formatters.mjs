// Removes the formatting code that stays in the .wasm only because the function table names it.
//
// The release build links no std and its panic handler traps without formatting (src/lib.rs), so
// nothing in the module formats: there is no `core::fmt::write`. But the panics of `RefCell`
// borrows and of allocation build `fmt::Arguments` naming `Display` impls, and rustc puts those
// impls in the function table. wasm-opt drops the dead panic code, yet cannot drop a table entry
// (any `call_indirect` might reach it), so the impls stay, and with them `Formatter::pad`,
// `pad_integral` and `str::count` (about 2.4 KB raw, 1.1 KB gzip). Each such entry is pointed at one
// trapping function instead; the build fails if the module can format after all.
//
// usage: node scripts/drop-formatters.mjs <in.wasm> <out.wasm>  (the input needs its name
// section: wasm-bindgen --keep-debug; wasm-opt strips it afterwards)
import binaryen from "binaryen";
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
const module = binaryen.readBinary(readFileSync(input));
// What wasm-bindgen's output uses (wasm-opt's defaults plus the --enable flags of build-pkg.sh);
// with all features on, the writer would use encodings that browsers refuse.
const F = binaryen.Features;
module.setFeatures(
  F.MVP | F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt | F.SignExt |
    F.ReferenceTypes | F.CallIndirectOverlong | F.Multivalue,
);

const names = [];
for (let i = 0; i < module.getNumFunctions(); i++) {
  names.push(binaryen.getFunctionInfo(module.getFunctionByIndex(i)).name);
}
const fail = (why) => {
  console.error(`drop-formatters: ${why}`);
  process.exit(1);
};
if (!names.some((n) => n.includes("descope_wasm"))) fail("the module has no function names (--keep-debug?)");
if (names.some((n) => /::fmt::write\b/.test(n))) fail("the module formats (core::fmt::write is linked)");

const isFormatter = (name) => /::fmt::(Display|Debug)>::fmt$/.test(name);
const segments = [];
for (let i = 0; i < module.getNumElementSegments(); i++) {
  segments.push(binaryen.getElementSegmentInfo(module.getElementSegmentByIndex(i)));
}
const patched = segments.filter((seg) => seg.data.some(isFormatter));
if (patched.length > 0) {
  module.addFunction(
    "formatter_never_called",
    binaryen.createType([binaryen.i32, binaryen.i32]),
    binaryen.i32,
    [],
    module.unreachable(),
  );
}
for (const seg of patched) {
  const offset = binaryen.getExpressionInfo(seg.offset);
  if (offset.id !== binaryen.ConstId) fail(`element segment ${seg.name} has a non-constant offset`);
  const data = seg.data.map((n) => (isFormatter(n) ? "formatter_never_called" : n));
  module.removeElementSegment(seg.name);
  module.addActiveElementSegment(seg.table, seg.name, data, module.i32.const(offset.value));
}
if (!module.validate()) fail("the patched module does not validate");
writeFileSync(output, module.emitBinary());
