#!/usr/bin/env bash
# The HTML report as a browser shows it: runs snapsim on a few scenarios (a failing case,
# a known finding, passes and a skip) with --html and --json, then opens the page in
# headless Chromium through chromedriver (reports/html_browser_check.py) and checks the
# rendered counts against the JSON lines, a status filter, the search box and a case's
# step trace. Also: the same run twice gives a byte-identical page.
# Exit 77 (skipped) when chromium or chromedriver is not installed.
# Usage: html_browser_test.sh SNAPSIM SOURCE_DIR [SCREENSHOT.png]
set -u
snapsim="$1"
source_dir="$2"
screenshot="${3:-}"
chromium=$(command -v chromium || true)
chromedriver=$(command -v chromedriver || true)
if [ -z "$chromium" ] || [ -z "$chromedriver" ]; then
  echo "skipped: chromium or chromedriver is not installed (apt-get install chromium chromium-driver)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A file whose expectation the model does not meet: a failing case with a line to mark.
mkdir -p "$work/first/corpus" "$work/second"
cat >"$work/first/corpus/current_moves_to_the_new_snapshot_as_wrongly_expected.yaml" <<'YAML'
snapsim: 1
description: Expects the wrong current snapshot, so that the report has a failing case.
hypervisor: test
steps:
  - create: A
  - create: B
  - expect:
      current: A
YAML
cp -r "$work/first/corpus" "$work/second/corpus"
# The source tree's scenarios under relative names, so that both runs read alike.
for run in first second; do
  ln -s "$source_dir/scenarios" "$work/$run/scenarios"
  ln -s "$source_dir/conformance" "$work/$run/conformance"
done

backends=model
"$snapsim" backends | grep -Eq '^qemu-img +available' && backends=model,qemu-img
scenarios=(
  scenarios/qemu/delete_external_snapshot_keeps_internal_child_revertable.yaml
  scenarios/qemu/revert_running_domain_below_an_external_snapshot_keeps_its_view.yaml
  scenarios/test/duplicate_snapshot_name_is_operation_failed.yaml
  corpus
)
for run in first second; do
  (cd "$work/$run" && "$snapsim" run "${scenarios[@]}" --backend "$backends" --quiet \
    --known conformance/known_divergences.txt --json r.json --html r.html \
    >run.out 2>&1)
  status=$?
  [ "$status" -eq 1 ] || { fail "$run run: exit $status, expected 1"; sed 's/^/    /' "$work/$run/run.out"; }
done
cmp -s "$work/first/r.html" "$work/second/r.html" || fail "the same run twice gives different HTML"

search=F4
[ "$backends" = model ] && search=wrongly
python3 "$source_dir/reports/html_browser_check.py" --html "$work/first/r.html" \
  --json "$work/first/r.json" --chromedriver "$chromedriver" --chromium "$chromium" \
  --search "$search" ${screenshot:+--screenshot "$screenshot"} || fail "browser checks"

[ "$failures" -eq 0 ] && echo "html browser test: passed" && exit 0
echo "html browser test: $failures failures"
exit 1
