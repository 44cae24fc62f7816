#!/usr/bin/env bash
# Fuzzes every parser of descope-core with cargo-fuzz (libFuzzer) on nightly (G7).
#   scripts/fuzz.sh [SECONDS] [TARGET...]   each target for SECONDS (default 600, FUZZ_SECONDS)
#   scripts/fuzz.sh smoke                   each target for 30 s (FUZZ_SMOKE_SECONDS): the CI run
# Installs the nightly toolchain and cargo-fuzz when missing. Corpora live in
# crates/descope-core/fuzz/corpus/<target>/ (committed). A long run adds its new finds there; the
# smoke run only reads them and writes its finds to target/fuzz-smoke/ (so `make test` leaves the
# work tree clean). Crashes go to
# crates/descope-core/fuzz/artifacts/. RSS is capped at 256 MiB (G7); an input running over 10 s
# fails the run (libFuzzer counts whole seconds, and on a loaded machine a 1 ms input has been
# descheduled past 1 s; each target's slowest input is in its summary line and log). Ends with one
# counted summary line; exits non-zero on any crash, leak, time-out or OOM.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { echo "fuzz: $*" >&2; }

if ! rustup toolchain list | grep -q '^nightly'; then
  say "installing the nightly toolchain (cargo-fuzz needs it; the shipped build stays on stable)"
  rustup toolchain install nightly --profile minimal >&2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (a few minutes)"
  cargo install --locked --quiet cargo-fuzz >&2
fi

seconds=${FUZZ_SECONDS:-600}
smoke=0
if [ "${1:-}" = smoke ]; then
  seconds=${FUZZ_SMOKE_SECONDS:-30}; smoke=1; shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds=$1; shift
fi

cd crates/descope-core/fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build >&2

mkdir -p ../../../target/fuzz-logs
passed=0 failed=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  log="../../../target/fuzz-logs/$t.log"
  before=$(ls "corpus/$t" | wc -l)
  # libFuzzer writes new inputs to the first corpus directory and only reads the others.
  dirs=("corpus/$t")
  if [ "$smoke" = 1 ]; then
    rm -rf "../../../target/fuzz-smoke/$t"; mkdir -p "../../../target/fuzz-smoke/$t"
    dirs=("../../../target/fuzz-smoke/$t" "corpus/$t")
  fi
  start=$SECONDS
  # CPU seconds (user + system) of the run, which is what G7 counts; wall time is shown beside.
  timer=(); [ -x /usr/bin/time ] && timer=(/usr/bin/time -o "$log.cpu" -f '%U %S')
  if "${timer[@]}" cargo +nightly fuzz run "$t" "${dirs[@]}" -- \
      -max_total_time="$seconds" -rss_limit_mb=256 -timeout=10 \
      -print_final_stats=1 >"$log" 2>&1; then
    passed=$((passed + 1)); status=ok
  else
    failed=$((failed + 1)); status=FAILED
  fi
  cpu=$(awk '{printf "%d", $1 + $2}' "$log.cpu" 2>/dev/null || echo '?')
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  slowest=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | tail -n1)
  peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n1)
  echo "$t: $status in $((SECONDS - start)) s ($cpu CPU-s), ${runs:-?} runs, corpus $before -> $(ls "corpus/$t" | wc -l) files, slowest ${slowest:-?} s, peak RSS ${peak:-?} MB"
  if [ "$status" = FAILED ]; then grep -E '^(==|SUMMARY|thread|Test unit written|panicked)' "$log" | head -n 10 | sed 's/^/   /'; fi
done
echo "test result: $([ "$failed" -eq 0 ] && echo ok || echo FAILED). $passed passed; $failed failed (fuzz targets, $seconds s each)"
[ "$failed" -eq 0 ]
