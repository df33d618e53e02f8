#!/usr/bin/env bash
# Times the ESX backends: the Go build of snapsim-vcsim, every esx scenario on `vcsim` and
# `libvirt-esx`, and the whole corpus against issue 8's target (both backends < 1 min).
#
#   bench/esx/time_backends.sh [SNAPSIM] [CORPUS]
#
# SNAPSIM defaults to build/snapsim (built with Go present, so that it knows where its
# snapsim-vcsim is), CORPUS to scenarios/esx. Run from the repository root, on a quiet
# machine. Every `snapsim run` starts its own simulator, so a per-scenario time includes
# that start. Verdicts: pass, FAIL (a divergence: most are the known ones in
# conformance/known_divergences.txt, which only ctest checks), skip, ERR (bad input or a
# backend failure); `known` is a FAIL whose case conformance/known_divergences.txt lists
# (whether the printed text still matches the entry is ctest's job, not this script's).
# Divergent runs exit 1 and are reported, never fatal: only a missing tool or backend
# makes this script fail.
set -euo pipefail
source "$(dirname "$0")/../timing.sh"

snapsim=${1:-build/snapsim}
corpus=${2:-scenarios/esx}
backends=(vcsim libvirt-esx)
gopath=${SNAPSIM_GOVMOMI_GOPATH:-/usr/share/gocode}

command -v go >/dev/null || { echo "go is not installed (apt-get install golang-go)" >&2; exit 1; }
[ -d "$gopath/src/github.com/vmware/govmomi/simulator" ] ||
  { echo "no govmomi sources under $gopath (golang-github-vmware-govmomi-dev)" >&2; exit 1; }
for b in "${backends[@]}"; do
  "$snapsim" backends 2>/dev/null | grep -E "^ *$b +available" >/dev/null ||
    { echo "$snapsim: backend $b is not available" >&2; exit 1; }
done

# The Go build exactly as tools/vcsim/CMakeLists.txt runs it (GOPATH mode, offline), into
# a private folder: cold with an empty Go cache, then warm from the cache it filled.
work=$(mktemp -d "${TMPDIR:-/tmp}/snapsim-esx-bench-XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
go_build() {
  (cd tools/vcsim && env GOPATH="$gopath" GO111MODULE=off GOFLAGS= GOCACHE="$work/go-cache" \
    GOTMPDIR= go build -o "$work/snapsim-vcsim" .)
}
for kind in cold warm; do
  start=$(now)
  go_build
  printf 'go build snapsim-vcsim (%s Go cache): %s s\n' "$kind" "$(seconds $(( $(now) - start )))"
done
printf '\n'

# `timed_run` (bench/timing.sh), then `counts`: the summary table's pass/fail/skip/error
# columns, summed over the ESX backends.
esx_run() {
  timed_run "$snapsim" "$@"
  counts=$(awk '$1 ~ /^(vcsim|libvirt-esx)$/ && NF == 5 { p += $2; f += $3; s += $4; e += $5 }
                END { printf "%d pass, %d fail, %d skip, %d error", p, f, s, e }' <<<"$out")
}

printf '%-72s' scenario
for b in "${backends[@]}"; do printf ' %18s' "$b"; done
printf '\n'
declare -A sum=()
for file in $(find "$corpus" -name '*.yaml' | sort); do
  printf '%-72s' "${file#"$corpus"/}"
  for b in "${backends[@]}"; do
    esx_run "$file" --backend "$b"
    if [ "$verdict" = FAIL ] && known_case "$file" "$b"; then verdict=known; fi
    sum[$b]=$(( ${sum[$b]:-0} + took ))
    printf ' %12s %5s' "$(seconds $took)" "$verdict"
  done
  printf '\n'
done
printf '%-72s' "sum of the rows (a simulator start each)"
for b in "${backends[@]}"; do printf ' %12s %5s' "$(seconds "${sum[$b]}")" ""; done
printf '\n'
printf '%-72s' "whole corpus (one snapsim run, one simulator)"
summary=()
for b in "${backends[@]}"; do
  esx_run "$corpus" --backend "$b"
  summary+=("$b: $counts")
  printf ' %12s %5s' "$(seconds $took)" ""
done
printf '\n'
printf '  %s\n' "${summary[@]}"
printf '\n'

esx_run "$corpus" --backend "$(IFS=,; echo "${backends[*]}")"
target=60000000
printf 'whole corpus on both (snapsim run %s --backend %s): %s s (%s), target < %s s: %s\n' \
  "$corpus" "$(IFS=,; echo "${backends[*]}")" "$(seconds $took)" "$counts" \
  "$(seconds $target)" "$([ $took -lt $target ] && echo met || echo MISSED)"
