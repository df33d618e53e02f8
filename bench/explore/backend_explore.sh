#!/usr/bin/env bash
# Times `snapsim explore --backend` (the differential explorer) and prints, for each run,
# the transitions checked per second and the backend operations per transition (the
# transition tour's cost; a replay of each transition's whole path would cost depth + 1).
#   bench/explore/backend_explore.sh [SNAPSIM]
# Runs: libvirt-test at depth 5 over 3 names (the target: under 2 minutes on 2 cores and
# under 2 operations per transition), qemu-img at depth 3 over 2 names.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/timing.sh
snapsim="${1:-build/snapsim}"
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT

bench() {  # bench PROFILE BACKEND DEPTH NAMES
  local start took text
  start=$(now)
  text=$("$snapsim" explore --hypervisor "$1" --backend "$2" --depth "$3" --names "$4" \
           --known conformance/fuzz_known_findings.txt --out "$out_dir" 2>/dev/null || true)
  took=$(( $(now) - start ))
  local line checked ops
  line=$(grep '^states: ' <<<"$text")
  checked=$(sed -E 's/.*transitions: ([0-9]+) checked.*/\1/' <<<"$line")
  ops=$(sed -E 's/.*backend operations: ([0-9]+) .*/\1/' <<<"$line")
  printf '%-13s depth %d, %d names: %7d transitions in %7s s = %8.0f /s, %.2f operations each; %s\n' \
    "$2" "$3" "$4" "$checked" "$(seconds "$took")" \
    "$(awk -v c="$checked" -v t="$took" 'BEGIN { print c / (t / 1e6) }')" \
    "$(awk -v o="$ops" -v c="$checked" 'BEGIN { print o / c }')" \
    "$(grep -E '^[0-9]+ new divergences' <<<"$text")"
}

bench test libvirt-test 5 3
bench qemu qemu-img 3 2

# snapsim learn: the rule table of a backend, learned without a profile; the figure is
# situations learned per second and backend operations per situation.
learn() {  # learn BACKEND [OPTIONS...]
  local start took text line
  start=$(now)
  text=$("$snapsim" learn --backend "$1" --quiet --known conformance/fuzz_known_findings.txt \
           --out "$out_dir" "${@:2}" 2>/dev/null || true)
  took=$(( $(now) - start ))
  line=$(grep '^states: ' <<<"$text")
  printf 'learn %-12s %s: %s; %s\n' "$1" "${*:2}" "$(sed -E 's/  time: .*//' <<<"$line")" \
    "$(grep '^nearest profile' <<<"$text") in $(seconds "$took") s"
}

learn libvirt-test
learn libvirt-test --every-flag
learn qemu-img
