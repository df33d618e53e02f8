#!/usr/bin/env bash
# Times `snapsim lint` on generated scenario files of 50,000 and 1,000,000 steps (and any
# other counts given), best of three runs each, and prints steps per second. Before the
# loader had a line index it found each step's line by rescanning the text from the start:
# quadratic, over a minute for 50,000 steps.
#
# usage: bench/lint/lint_big_files.sh [SNAPSIM] [STEPS...]   (default: build/snapsim 50000 1000000)
set -euo pipefail
source "$(dirname "$0")/../timing.sh"

snapsim=${1:-build/snapsim}
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(50000 1000000)
[ -x "$snapsim" ] || { echo "missing: $snapsim" >&2; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/snapsim-lint-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

# The four step forms of scenario/line_index_test.cc, in turn.
generate() {
  awk -v steps="$1" 'BEGIN {
    print "snapsim: 1\nhypervisor: test\nsteps:"
    for (i = 0; i < steps; ++i) {
      if (i % 4 == 0) printf "  - create: S%d\n", i
      else if (i % 4 == 1) print "  - write: {offset: 0, length: 512, fill: 1}"
      else if (i % 4 == 2) print "  - expect: {state: shutoff}"
      else printf "  - delete: {name: S%d, metadata-only: true}\n", i - 3
    }
  }'
}

printf '%-10s %-10s %-10s %s\n' steps MiB seconds steps/s
for steps in "${counts[@]}"; do
  file="$work/steps_$steps.yaml"
  generate "$steps" >"$file"
  best=
  for _ in 1 2 3; do
    start=$(now)
    "$snapsim" lint "$file" >/dev/null
    took=$(( $(now) - start ))
    if [ -z "$best" ] || [ "$took" -lt "$best" ]; then best=$took; fi
  done
  mib=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1048576 }')
  rate=$(awk -v s="$steps" -v us="$best" 'BEGIN { printf "%.0f", s / (us / 1e6) }')
  printf '%-10s %-10s %-10s %s\n' "$steps" "$mib" "$(seconds "$best")" "$rate"
done
