# The README's commands. Each one bootstraps what is missing first (scripts/bootstrap.sh), so a new
# machine needs nothing done by hand; when nothing is missing the bootstrap prints nothing.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
DEMO_ADDR ?= 127.0.0.1:4317

.PHONY: demo test pkg bench size bootstrap emulator clean soak

## make demo: build the package, start the emulator serving the demo page, print the URL to open.
demo: pkg emulator
	@scripts/stage-site.sh target/demo-site
	@echo "Demo: open http://$(DEMO_ADDR)/ in a browser (Ctrl-C stops the emulator)."
	@exec target/debug/descope-emulator --addr $(DEMO_ADDR) --serve target/demo-site

## make test: every test layer (host, wasm in headless Chromium, browser end-to-end, TypeScript types).
test: pkg
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

## make bench: size, start-up and per-call figures in headless Chromium against the emulator.
bench: pkg emulator
	@node bench/size.mjs
	@node bench/calls.mjs

bootstrap:
	@scripts/bootstrap.sh

emulator: bootstrap
	@cargo build --quiet -p descope-emulator

clean:
	rm -rf target pkg
