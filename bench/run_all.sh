#!/usr/bin/env bash
# One page of figures for issue 18: every ratio of bench/merge/compare_family.sh (image
# compare against qemu-img per layout, the machine's ceilings, peak RSS) and the model
# checker's (states a minute on 1 and 2 threads without symmetry, bytes per state, depth 8
# over 3 names on every profile with --symmetry), in one table. Run at `nice -n 10`; on a shared machine the ratios count.
#
# usage: bench/run_all.sh [BUILD_DIR]   (default: build)
#   EXPLORE_DEPTH=6 (the states-a-minute run), DEEP_DEPTH=8, DEEP_LIMIT_S=60 (each deep
#   run is interrupted after this many seconds and reported with the states it reached)
#   RUNS, SIZE_MIB: passed to compare_family.sh; SKIP_COMPARE=1 prints the model rows only
# The states-a-minute runs count every state; the depth-8 runs use --symmetry.
set -euo pipefail

build_dir=${1:-build}
snapsim=$(realpath "${SNAPSIM:-$build_dir/snapsim}")
depth=${EXPLORE_DEPTH:-6}
deep=${DEEP_DEPTH:-8}
deep_limit=${DEEP_LIMIT_S:-60}
here=$(dirname "$0")

row() { printf '%-58s | %s\n' "$1" "$2"; }

echo "# snapsim figures, $(date -u +%Y-%m-%d) commit $(git -C "$here" rev-parse --short HEAD)," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-58s | %s\n' "what" "figure"
printf '%-58s | %s\n' "---" "---"
[[ ${SKIP_COMPARE:-0} == 1 ]] || "$here/merge/compare_family.sh" "$build_dir"

# explore ARGS...: runs explore, sets `line` to its totals and `memory` to its memory line
explore() {
  local out
  out=$("$@" 2>/dev/null || true)
  line=$(grep '^states:' <<<"$out" || true)
  memory=$(grep '^memory:' <<<"$out" || true)
  held=$(grep -q '^invariants: all held' <<<"$out" && echo "invariants held" ||
    { grep -q '^interrupted' <<<"$out" && echo "interrupted" || echo "INVARIANT BROKEN"; })
}
field() { grep -o "$1: [0-9.]*" <<<"$2" | grep -o '[0-9.]*$'; }

for threads in 1 2; do
  explore "$snapsim" explore --hypervisor qemu --depth "$depth" --names 3 --threads "$threads"
  row "explore qemu depth $depth names 3, $threads thread(s)" \
    "$(field states "$line") states in $(field time "$line") s = $(field states/min "$line") states/min; $(sed 's/^memory: //' <<<"$memory"); $held"
done
for profile in esx qemu vbox test; do
  explore timeout -s INT "$deep_limit" "$snapsim" explore --hypervisor "$profile" --depth "$deep" \
    --names 3 --threads 2 --symmetry
  row "explore $profile depth $deep names 3, 2 threads, --symmetry" \
    "$(field states "$line") states in $(field time "$line") s ($held; bound ${deep_limit} s)"
done
