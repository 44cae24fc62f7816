# The README's commands. Each one bootstraps what is missing first (scripts/bootstrap.sh: `demo` for
# what building and serving the demo needs, `test` adding what only the tests need), so a new machine
# needs nothing done by hand; when nothing is missing the bootstrap prints nothing.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
DEMO_ADDR ?= 127.0.0.1:4317

.PHONY: demo test pkg bench size fuzz soak bootstrap bootstrap-test emulator examples docs clean

## make demo: build the package and the emulator (cargo shows its progress), serve the demo page and
## print its URL once it is ready.
demo: pkg emulator
	@DEMO_ADDR=$(DEMO_ADDR) exec scripts/demo.sh

## make test: every test layer (host, wasm in headless Chromium, browser end-to-end with the examples,
## TypeScript types).
test: bootstrap-test pkg
	@scripts/test-all.sh

## make soak: the long runs: the G4 native simulation at 100,000 cycles (G4_CYCLES, G4_SEED) and the
## multi-tab browser runs at full counts (TABS_ROTATIONS rotations per tab count, TABS_TRIALS trials).
soak: pkg emulator
	@G4_CYCLES=$${G4_CYCLES:-100000} cargo test --release -q -p descope-core --lib g4_soak -- --nocapture
	@TABS_ROTATIONS=$${TABS_ROTATIONS:-21} TABS_TRIALS=$${TABS_TRIALS:-20} node --test --test-concurrency=1 tests/e2e/tabs.test.mjs

## make pkg: the npm package in pkg/, the one build the demo, the tests and the benchmark use.
pkg: bootstrap
	@scripts/build-pkg.sh

## make size: raw and gzip bytes of our package next to Descope's own web SDK, measured in one run.
size: pkg
	@node bench/size.mjs

## make bench: size, start-up and per-call figures in headless Chromium against the emulator; the
## SDK's CPU per call with fetch stubbed (bench/cpu.mjs); wasm memory after big answers (bench/memory.mjs).
bench: pkg emulator
	@node bench/size.mjs
	@node bench/calls.mjs
	@node bench/cpu.mjs
	@node bench/memory.mjs

## make fuzz: every parser of the core under cargo-fuzz on nightly (installed when missing),
## FUZZ_SECONDS per target (default 600); `make test` runs the 30 s smoke of each.
fuzz:
	@scripts/fuzz.sh

## make docs: the API reference in docs/api/, generated from the package's .d.ts by TypeDoc.
docs: pkg
	@node_modules/.bin/typedoc --options typedoc.json

bootstrap:
	@scripts/bootstrap.sh demo

bootstrap-test:
	@scripts/bootstrap.sh test

emulator: bootstrap
	@echo "make: building the emulator (cargo)"
	@cargo build -p descope-emulator

clean:
	rm -rf target pkg
