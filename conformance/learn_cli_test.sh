#!/usr/bin/env bash
# snapsim learn on the real backends: each names the profile it implements as its nearest,
# with no difference that is not a recorded finding (exit 0), and the same options print
# the same table. A backend that cannot run here is left out with its reason; when none
# can, the test is skipped (exit 77).
set -euo pipefail
snapsim=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
known=conformance/fuzz_known_findings.txt
ran=0

learn() {  # BACKEND PROFILE [OPTIONS...]
  local backend=$1 profile=$2
  shift 2
  if ! "$snapsim" backends | grep -q "^$backend  *available"; then
    echo "left out: $backend cannot run here"
    return
  fi
  local status=0
  "$snapsim" learn --backend "$backend" --known "$known" --out "$out/$backend" "$@" \
    > "$out/$backend.txt" 2>&1 || status=$?
  tail -n 12 "$out/$backend.txt"
  if [ "$status" -ne 0 ]; then
    echo "FAIL: learn --backend $backend exited $status"
    exit 1
  fi
  grep -q "^nearest profile: $profile " "$out/$backend.txt" ||
    { echo "FAIL: $backend is not nearest to $profile"; exit 1; }
  ran=$((ran + 1))
}

learn libvirt-test test
learn qemu-img qemu
learn libvirt-esx esx --quiet

# Determinism: the same options give the same table, byte for byte.
if "$snapsim" backends | grep -q "^libvirt-test  *available"; then
  "$snapsim" learn --backend libvirt-test --known "$known" --out "$out/again" \
    > "$out/again.txt" 2>&1
  diff <(grep -v "time:" "$out/libvirt-test.txt") <(grep -v "time:" "$out/again.txt") ||
    { echo "FAIL: two runs of learn printed different tables"; exit 1; }
fi

# A backend that runs several profiles is told which one its scenarios name.
status=0
"$snapsim" learn --backend model > "$out/model.txt" 2>&1 || status=$?
[ "$status" -eq 2 ] && grep -q -- "--hypervisor" "$out/model.txt" ||
  { echo "FAIL: learn --backend model without --hypervisor: exit $status"; exit 1; }
"$snapsim" learn --backend model --hypervisor vbox --quiet > "$out/vbox.txt"
grep -q "^nearest profile: vbox (0 of" "$out/vbox.txt" ||
  { echo "FAIL: the vbox model is not its own nearest"; cat "$out/vbox.txt"; exit 1; }

[ "$ran" -gt 0 ] || { echo "skipped: no real backend can run here"; exit 77; }
echo "PASS: $ran backends named their profile"
