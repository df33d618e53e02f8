#!/usr/bin/env bash
# Times each live backend on every scenario of a corpus and on the whole corpus.
#
#   bench/live/time_backends.sh [SNAPSIM] [CORPUS] [BACKEND...]
#
# SNAPSIM defaults to build/snapsim, CORPUS to scenarios/qemu, the backends to every one of
# `qemu-img qemu libvirt-qemu` that `snapsim backends` lists as available. Prints one row
# per scenario (seconds per backend, with the verdict: pass, FAIL, skip, ERR, or known for
# a FAIL that conformance/known_divergences.txt lists) and the whole-corpus time per
# backend. Run from the repository root, on a quiet machine.
set -euo pipefail
source "$(dirname "$0")/../timing.sh"

snapsim=${1:-build/snapsim}
corpus=${2:-scenarios/qemu}
shift $(( $# > 2 ? 2 : $# )) || true
backends=("$@")
if [ ${#backends[@]} -eq 0 ]; then
  for b in qemu-img qemu libvirt-qemu; do
    if "$snapsim" backends 2>/dev/null | grep -E "^ *$b( |$)" | grep -vq 'unavailable\|cannot'; then
      backends+=("$b")
    fi
  done
fi
[ ${#backends[@]} -gt 0 ] || { echo "no live backend available" >&2; exit 1; }

printf '%-80s' scenario
for b in "${backends[@]}"; do printf ' %16s' "$b"; done
printf '\n'
for file in $(find "$corpus" -name '*.yaml' | sort); do
  printf '%-80s' "${file#"$corpus"/}"
  for b in "${backends[@]}"; do
    timed_run "$snapsim" "$file" --backend "$b" --quiet
    if [ "$verdict" = FAIL ] && known_case "$file" "$b"; then verdict=known; fi
    printf ' %10s %5s' "$(seconds $took)" "$verdict"
  done
  printf '\n'
done
printf '%-80s' "whole corpus (one snapsim run)"
for b in "${backends[@]}"; do
  start=$(now)
  "$snapsim" run "$corpus" --backend "$b" --quiet >/dev/null 2>&1 || true
  printf ' %10s %5s' "$(seconds $(( $(now) - start )))" ""
done
printf '\n'
