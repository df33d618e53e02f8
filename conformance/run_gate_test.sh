#!/usr/bin/env bash
# `snapsim run` as a CI gate (docs/cli.md): known findings, n/a pairs, option order,
# selection, annotations and interrupts. Usage: run_gate_test.sh SNAPSIM (from the source root).
set -uo pipefail
snapsim="$1"
work=$(mktemp -d)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 1. The corpus gate: every divergence recorded, short output on a pipe.
"$snapsim" run scenarios --backend model,libvirt-test,qemu-img \
  --known conformance/known_divergences.txt --jobs 2 > "$work/gate.out" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "corpus gate exited $status"
lines=$(wc -l < "$work/gate.out")
[ "$lines" -lt 40 ] || fail "corpus gate printed $lines lines on a pipe"
grep -q '^known F4: qemu-img ' "$work/gate.out" || fail "no known F4 line in the summary"

# 2. Strict: a recorded case that no longer diverges fails, naming its line.
grep -v '^#' conformance/known_divergences.txt > "$work/known.txt"
echo 'scenarios/qemu/offline_internal_deletes_keep_every_view_on_two_disks.yaml@qemu-img F99 anything' >> "$work/known.txt"
"$snapsim" run scenarios/qemu --backend qemu-img --known "$work/known.txt" > "$work/strict.out" 2>&1
status=$?
[ "$status" -eq 1 ] || fail "a vanished known divergence exited $status, not 1"
grep -q "F99 no longer diverges: remove its line ($work/known.txt:" "$work/strict.out" ||
  fail "no 'F99 no longer diverges' message"

# 3. Pairs whose backend does not implement the profile are no cases, not even in JUnit.
"$snapsim" run scenarios/esx scenarios/test --backend model,libvirt-test --junit "$work/na.xml" \
  > "$work/na.out" 2>&1
python3 - "$work/na.xml" <<'PY' || fail "n/a pairs in JUnit"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
bad = [c.get("name") for s in root.iter("testsuite") if s.get("name") == "libvirt-test"
       for c in s.iter("testcase") if "/esx/" in c.get("name")]
sys.exit(1 if bad else 0)
PY
esx_files=$(ls scenarios/esx/*.yaml | wc -l)  # libvirt-test implements test only
grep -q "^left out $esx_files file x backend pairs" "$work/na.out" ||
  fail "no 'left out $esx_files file x backend pairs' summary line"
grep -q 'skip: .*implements the test profile' "$work/na.out" && fail "an n/a pair printed a skip line"

# 4. Options in any order relative to paths.
"$snapsim" run --backend model scenarios/test --quiet > /dev/null 2>&1 ||
  fail "run --backend model scenarios/test failed"

# 5. Selection: --list runs nothing, --filter and --tag select.
listed=$("$snapsim" run scenarios --backend model,qemu-img --filter 'keeps_its_view.*@qemu-img' --list | grep -c '@')
[ "$listed" -eq 2 ] || fail "--filter --list listed $listed cases, not 2"
"$snapsim" run scenarios --filter '(' > /dev/null 2>&1
[ $? -eq 2 ] || fail "a bad --filter is not exit 2"

# 6. GitHub annotations name the file and line of a failure.
"$snapsim" run scenarios/qemu/revert_offline_below_an_external_snapshot_keeps_its_view.yaml \
  --backend qemu-img --annotations github > "$work/gh.out" 2>&1
grep -q '^::error file=scenarios/qemu/revert_offline_below_an_external_snapshot_keeps_its_view.yaml,line=18::' \
  "$work/gh.out" || fail "no GitHub annotation"

# 7. Interrupts at 20 moments of a live corpus: exit 130, a well-formed partial JUnit
#    marked incomplete (or a complete one when the run had ended), no folder left.
#    The corpus without the chain-limit files, whose 200 snapshots each take a loaded
#    machine half a minute (a SIGINT lets the case running finish).
if "$snapsim" backends | grep -qE '^qemu +available'; then
  mkdir "$work/live"
  for f in scenarios/qemu/*.yaml; do
    grep -qE '^tags: .*\blimits\b' "$f" || cp "$f" "$work/live/"
  done
  cases=$(ls "$work/live" | wc -l)
  for k in $(seq 1 20); do
    tmp="$work/tmp$k"; mkdir -m 755 "$tmp"
    TMPDIR="$tmp" "$snapsim" run "$work/live" --backend qemu --junit "$work/int$k.xml" \
      > "$work/int$k.out" 2>&1 &
    pid=$!
    sleep "$(awk "BEGIN {print $k * 0.2}")"
    kill -INT "$pid" 2>/dev/null
    wait "$pid"
    status=$?
    if [ "$status" -ne 130 ] && [ "$status" -ne 1 ]; then fail "interrupt $k: exit $status"; fi
    python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$work/int$k.xml" ||
      fail "interrupt $k: JUnit is not XML"
    if [ "$status" -eq 130 ]; then
      grep -q 'name="incomplete"' "$work/int$k.xml" || fail "interrupt $k: JUnit not marked incomplete"
      grep -q "^interrupted after [0-9]* of $cases cases" "$work/int$k.out" ||
        fail "interrupt $k: no summary"
    fi
    left=$(find "$tmp" -mindepth 1 | head -3)
    [ -z "$left" ] || fail "interrupt $k left $left"
  done
else
  echo "skip: interrupts need the qemu backend"
fi

[ "$failures" -eq 0 ] && echo "run gate: ok"
exit $((failures > 0))
