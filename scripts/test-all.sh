#!/usr/bin/env bash
# Runs every test layer in turn, keeps each layer's output in target/test-logs/, and ends with one
# counted summary line. Exits non-zero when any layer failed or did not run.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
logs=target/test-logs
mkdir -p "$logs"

passed=0 failed=0 broken=()

# Reads the counts a layer's runner printed into layer_passed / layer_failed: cargo and
# wasm-bindgen-test-runner print "test result: ok. N passed; M failed", node's runner "# pass N".
count() {
  local log=$1
  layer_passed=$(sed -n -e 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' \
                        -e 's/^# pass \([0-9]*\)$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
  layer_failed=$(sed -n -e 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' \
                        -e 's/^# fail \([0-9]*\)$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + layer_passed)); failed=$((failed + layer_failed))
}

layer() {
  local name=$1; shift
  local log="$logs/$name.log" start=$SECONDS
  printf '== %-8s ' "$name"
  if "$@" >"$log" 2>&1; then
    count "$log"
    echo "ok in $((SECONDS - start)) s: $layer_passed passed, $layer_failed failed"
  else
    count "$log"
    echo "FAILED in $((SECONDS - start)) s: $layer_passed passed, $layer_failed failed (log: $log)"
    broken+=("$name")
    grep -E '^(test .* FAILED|not ok|---- |failures:|error(\[|:))' "$log" | head -n 40 | sed 's/^/   /'
  fi
}

layer host  scripts/test-host.sh
# G7's smoke: 30 s of cargo-fuzz per core parser (nightly and cargo-fuzz are installed on first use,
# about 5 minutes once; the runs take about 5 minutes). FUZZ_SMOKE=0 skips it.
if [ "${FUZZ_SMOKE:-1}" != 0 ]; then layer fuzz  scripts/fuzz.sh smoke; fi
layer wasm  scripts/test-wasm.sh
layer e2e   scripts/test-e2e.sh
layer examples scripts/test-examples.sh
layer types scripts/test-types.sh

if [ ${#broken[@]} -gt 0 ]; then
  echo "layers that failed: ${broken[*]}"
fi
echo "make test: $passed passed, $failed failed"
[ ${#broken[@]} -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
