#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in a build folder of their own
# and runs each for SECONDS, starting from the committed seeds (fuzz/corpus/TARGET) and
# saved crashes (fuzz/regressions/TARGET). Prints executions and crashes per target;
# exits 1 if any target crashed (the inputs are left in BUILD/crashes/TARGET/: add
# them to fuzz/regressions/TARGET/ once fixed, and the replay test keeps them fixed).
#
#   fuzz/run.sh [TARGET...] SECONDS      targets: qcow2 vmdk raw probe chain scenario
#
# Environment: SNAPSIM_FUZZ_BUILD (default build-fuzz), SNAPSIM_FUZZ_JOBS (default 1).
# In CI, `fuzz/run.sh 20` builds and runs all six in about five minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
all=(qcow2 vmdk raw probe chain scenario)
if [ $# -lt 1 ] || ! [[ ${!#} =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run.sh [TARGET...] SECONDS   (targets: ${all[*]})" >&2
  exit 2
fi
seconds=${!#}
targets=("${@:1:$#-1}")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz/run.sh: unknown target '$t'" >&2; exit 2; }
done
build=${SNAPSIM_FUZZ_BUILD:-build-fuzz}
jobs=${SNAPSIM_FUZZ_JOBS:-1}

command -v clang++ >/dev/null || { echo "fuzz/run.sh: clang++ not found (scripts/bootstrap)" >&2; exit 2; }
mkdir -p "$build"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  "${launcher[@]}" -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link" -DSNAPSIM_SANITIZE=ON \
  -DSNAPSIM_BUILD_FUZZERS=ON -DSNAPSIM_BUILD_TESTS=ON -DSNAPSIM_BUILD_BENCH=OFF >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 2; }
# (Tests stay configured, not built: simulator/ does not configure without them.)
cmake --build "$build" -j "$jobs" --target "${targets[@]/#/fuzz_}" >"$build/build.log" 2>&1 ||
  { tail -50 "$build/build.log"; exit 2; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
total_crashes=0
printf '%-10s %12s %10s %8s %s\n' target executions exec/s crashes corpus
for t in "${targets[@]}"; do
  work="$build/corpus/$t" crashes="$build/crashes/$t"
  mkdir -p "$work" "$crashes" fuzz/corpus/"$t" fuzz/regressions/"$t"
  log="$build/fuzz_$t.log"
  # -rss_limit_mb and -malloc_limit_mb make an unbounded allocation a crash; -timeout a hang.
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -malloc_limit_mb=1024 -max_len=1048576 -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$work" fuzz/corpus/"$t" fuzz/regressions/"$t" >"$log" 2>&1 || true
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  found=$(find "$crashes" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  size=$(find "$work" -type f | wc -l)
  printf '%-10s %12s %10s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$found" "$size"
  if [ "$found" -gt 0 ]; then
    total_crashes=$((total_crashes + found))
    grep -m1 -E "ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error" "$log" || true
    find "$crashes" -type f | head -5
  fi
  if [ -z "$execs" ]; then echo "fuzz_$t did not run: see $log"; tail -20 "$log"; total_crashes=$((total_crashes + 1)); fi
done
echo "fuzz: ${#targets[@]} targets, $total_crashes crashes"
[ "$total_crashes" -eq 0 ]
