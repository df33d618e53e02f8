#!/usr/bin/env bash
# A scenario whose file name is not UTF-8 (a raw 0xFF byte) runs to its normal end, and
# every report it writes parses: JSON lines as strict UTF-8 JSON, JUnit with xml.etree,
# HTML as strict UTF-8. Lint rejects a scenario whose text is not UTF-8, at the byte.
# Usage: non_utf8_file_name_test.sh SNAPSIM
set -u
snapsim="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

mkdir "$work/corpus"
bad_name=$(printf 'snap\xffshot.yaml')
printf 'snapsim: 1\nhypervisor: test\nsteps:\n  - create: A\n  - expect: {current: B}\n' \
  >"$work/corpus/$bad_name"
printf 'snapsim: 1\nhypervisor: test\nsteps:\n  - create: A\n' >"$work/corpus/holds.yaml"

"$snapsim" lint "$work/corpus" >"$work/lint.out" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "lint of a valid file with a non-UTF-8 name: exit $status"

"$snapsim" run "$work/corpus" --quiet --json "$work/r.json" --junit "$work/r.xml" \
  --html "$work/r.html" >"$work/run.out" 2>&1
status=$?
# 1: the check in the badly named file fails, as written; not 134 (abort) or anything else.
[ "$status" -eq 1 ] || { fail "run exit $status, expected 1"; sed 's/^/    /' "$work/run.out"; }

python3 - "$work" <<'PY' || fail "a report does not parse"
import json, sys, xml.etree.ElementTree as ET
work = sys.argv[1]
with open(f"{work}/r.json", encoding="utf-8", errors="strict") as f:
    events = [json.loads(line) for line in f]
names = [e["scenario"] for e in events if e["event"] == "scenario"]
assert any("snap\ufffdshot.yaml" in n for n in names), names
suites = ET.parse(f"{work}/r.xml").getroot()
assert suites.get("tests") == "2" and suites.get("failures") == "1", suites.attrib
assert any("\ufffd" in c.get("name") for c in suites.iter("testcase"))
with open(f"{work}/r.html", encoding="utf-8", errors="strict") as f:
    assert "snap\ufffdshot.yaml" in f.read()
PY

# Text that is not UTF-8: exit 2 at FILE:LINE:COLUMN of the bad byte, for lint and run.
printf 'snapsim: 1\nhypervisor: test\nsteps:\n  - create: snap\xffshot\n' >"$work/bad_text.yaml"
for verb in lint run; do
  "$snapsim" "$verb" "$work/bad_text.yaml" >"$work/$verb.out" 2>&1
  status=$?
  [ "$status" -eq 2 ] || fail "$verb of a non-UTF-8 file: exit $status, expected 2"
  grep -q "bad_text.yaml:4:17: error: not UTF-8" "$work/$verb.out" ||
    { fail "$verb: no location of the bad byte"; sed 's/^/    /' "$work/$verb.out"; }
done

# Images whose names are not UTF-8: `image compare --json` and `image map --json` print
# strict UTF-8 JSON naming them with U+FFFD, never abort.
printf 'abc' >"$work/$(printf 'disk\xfea.raw')"
printf 'abd' >"$work/$(printf 'disk\xfeb.raw')"
"$snapsim" image compare "$work/$(printf 'disk\xfea.raw')" "$work/$(printf 'disk\xfeb.raw')" \
  --json >"$work/compare.json" 2>"$work/compare.err"
status=$?
[ "$status" -eq 1 ] || { fail "image compare --json: exit $status, expected 1"; cat "$work/compare.json"; }
"$snapsim" image map "$work/$(printf 'disk\xfea.raw')" --json >"$work/map.json" 2>"$work/map.err"
status=$?
[ "$status" -eq 0 ] || { fail "image map --json: exit $status, expected 0"; cat "$work/map.json"; }
python3 - "$work" <<'PY' || fail "image --json output does not parse as UTF-8 JSON"
import json, sys
work = sys.argv[1]
with open(f"{work}/compare.json", encoding="utf-8", errors="strict") as f:
    compare = json.load(f)
assert compare["a"].endswith("disk\ufffda.raw") and not compare["same"], compare
with open(f"{work}/map.json", encoding="utf-8", errors="strict") as f:
    rows = json.load(f)
assert rows and rows[0]["file"].endswith("disk\ufffda.raw"), rows
PY

[ "$failures" -eq 0 ] && echo "ok"
[ "$failures" -eq 0 ]
