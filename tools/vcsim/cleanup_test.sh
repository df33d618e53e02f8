#!/usr/bin/env bash
# No snapsim-vcsim process and no folder outlives snapsim: after a normal run, after
# SIGTERM, and after SIGKILL (which no handler sees: the kernel's parent-death signal
# makes the Go program clean up itself). Usage: cleanup_test.sh SNAPSIM BACKEND
set -u
snapsim=$1
backend=$2
tmp=$(mktemp -d /tmp/snapsim-vcsim-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp

# Processes whose environment names our private TMPDIR: the children of this test only.
ours() {
  for p in /proc/[0-9]*; do
    { tr "\\0" "\\n" <"$p/environ"; } 2>/dev/null | grep -q "^TMPDIR=$tmp/" && echo "${p#/proc/}"
  done
}

check_clean() {  # $1: what happened (up to 30 s: a loaded machine is slow to reap)
  for _ in $(seq 300); do
    [ -z "$(ours)" ] && [ -z "$(ls -A "$tmp")" ] && return 0
    sleep 0.1
  done
  echo "FAIL after $1: processes [$(ours)] files [$(ls -A "$tmp")]"
  exit 1
}

"$snapsim" run scenarios/esx/delete_middle_snapshot_moves_children_to_its_parent.yaml \
  --backend "$backend" --quiet >/dev/null 2>&1
check_clean "a normal run"

for signal in TERM INT KILL; do
  # The corpus five times over, so that it is still running when the signal comes. A
  # background job of a non-interactive shell starts with SIGINT ignored: restore the
  # default, or SIGINT would never reach snapsim's handler.
  env --default-signal=INT "$snapsim" run scenarios/esx scenarios/esx scenarios/esx scenarios/esx scenarios/esx \
    --backend "$backend" --quiet >/dev/null 2>&1 &
  pid=$!
  # Kill it once its vcsim is up (the process appears with our TMPDIR; up to 30 s).
  for _ in $(seq 600); do [ -n "$(ours)" ] && break; sleep 0.05; done
  [ -n "$(ours)" ] || { echo "FAIL: no vcsim started for SIG$signal"; exit 1; }
  kill -s "$signal" "$pid"
  wait "$pid" 2>/dev/null
  status=$?
  # Killed by the signal (128 + its number), not finished by itself.
  [ "$status" -gt 128 ] || { echo "FAIL: SIG$signal did not stop snapsim (exit $status)"; exit 1; }
  check_clean "SIG$signal"
done
echo "clean after a normal run, SIGTERM, SIGINT and SIGKILL"
