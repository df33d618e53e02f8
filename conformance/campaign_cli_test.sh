#!/usr/bin/env bash
# `run --rerun-failed`, and progress and interrupts of the campaign verbs `fuzz` and
# `explore`, checked on the real binary with the model backend.
# Usage: campaign_cli_test.sh SNAPSIM   (run from the repository root)
set -u
snapsim="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# --rerun-failed: a report with one failed case of three keeps that case only.
mkdir "$work/corpus"
for name in one two; do
  printf 'snapsim: 1\nhypervisor: esx\nsteps:\n  - create: A\n  - expect: {current: A}\n' \
    >"$work/corpus/$name.yaml"
done
printf 'snapsim: 1\nhypervisor: esx\nsteps:\n  - create: A\n  - expect: {current: B}\n' \
  >"$work/corpus/wrong.yaml"
"$snapsim" run "$work/corpus" --quiet --json "$work/first.json" >"$work/out" 2>&1
[ $? -eq 1 ] || fail "the first run should fail (exit 1)"
"$snapsim" run "$work/corpus" --rerun-failed "$work/first.json" --list >"$work/list" 2>&1
cases=$(grep -c '@model$' "$work/list")
[ "$cases" -eq 1 ] && grep -q "wrong.yaml@model" "$work/list" ||
  { fail "--rerun-failed --list should print wrong.yaml@model only"; cat "$work/list"; }
"$snapsim" run "$work/corpus" --rerun-failed "$work/first.json" --quiet >"$work/out" 2>&1
[ $? -eq 1 ] || fail "rerunning the failed case should fail again"
printf 'snapsim: 1\nhypervisor: esx\nsteps:\n  - create: A\n  - expect: {current: A}\n' \
  >"$work/corpus/wrong.yaml"
"$snapsim" run "$work/corpus" --rerun-failed "$work/first.json" --json "$work/second.json" \
  >"$work/out" 2>&1
[ $? -eq 0 ] || fail "the fixed case should pass on rerun"
[ "$(grep -c '"event":"scenario"' "$work/second.json")" -eq 1 ] ||
  fail "the rerun should run one case"
printf 'not json\n' >"$work/garbage.json"
"$snapsim" run "$work/corpus" --rerun-failed "$work/garbage.json" >"$work/out" 2>&1
[ $? -eq 2 ] && grep -q "garbage.json:1: error" "$work/out" ||
  { fail "a report that is not one: exit 2 naming FILE:LINE"; cat "$work/out"; }
"$snapsim" run "$work/corpus" --rerun-failed "$work/nosuch.json" >"$work/out" 2>&1
[ $? -eq 2 ] || fail "a missing report: exit 2"

# fuzz -v off a terminal: a progress line at every tenth of the runs, on stderr only.
"$snapsim" fuzz --hypervisor esx --runs 40 -v >"$work/fuzz.out" 2>"$work/fuzz.err"
[ $? -eq 0 ] || fail "fuzz of the model against itself should hold"
lines=$(grep -c '^\[[0-9]*/40 runs\]' "$work/fuzz.err")
[ "$lines" -ge 9 ] && [ "$lines" -le 10 ] ||
  { fail "fuzz -v: $lines progress lines, expected about 10"; cat "$work/fuzz.err"; }
grep -q '^\[40/40 runs\]' "$work/fuzz.err" || fail "fuzz -v: no final progress line"
grep -q 'runs\]' "$work/fuzz.out" && fail "fuzz: progress went to stdout"
"$snapsim" fuzz --hypervisor esx --runs 40 >"$work/fuzz.out" 2>"$work/fuzz.err"
[ -s "$work/fuzz.err" ] && fail "fuzz without -v off a terminal printed progress"

# Interrupts: SIGINT stops a long campaign with what it has, exit 130. Job control on, so
# that a background job does not start with SIGINT ignored (as a non-interactive shell's do).
set -m
interrupt() {  # interrupt NAME WANT_TEXT -- COMMAND...
  local name="$1" want="$2"
  shift 3
  "$@" >"$work/$name.out" 2>&1 &
  local pid=$!
  sleep 2
  kill -INT "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 30 ]; do
    sleep 1
    waited=$((waited + 1))
  done
  kill -0 "$pid" 2>/dev/null && { fail "$name: still running 30 s after SIGINT"; kill -9 "$pid"; }
  wait "$pid"
  local status=$?
  [ "$status" -eq 130 ] || fail "$name: interrupted exit $status, expected 130"
  grep -q "$want" "$work/$name.out" ||
    { fail "$name: no '$want' after the interrupt"; tail -5 "$work/$name.out"; }
}
interrupt fuzz "^interrupted after [0-9]* sequences" -- \
  "$snapsim" fuzz --hypervisor qemu --runs 1000000 --steps 200
interrupt explore "^interrupted: invariants held in the [0-9]* states reached" -- \
  "$snapsim" explore --hypervisor qemu --depth 12 --names 4
grep -q "so far (interrupted)" "$work/explore.out" || fail "explore: no partial depth line"
grep -q "^  depth 1: " "$work/explore.out" || fail "explore: completed depths not printed"

[ "$failures" -eq 0 ] && echo "ok"
[ "$failures" -eq 0 ]
