#!/usr/bin/env bash
# The snapsim command's exit statuses (docs/cli.md), checked on the real binary.
# Usage: cli_exit_codes.sh SNAPSIM   (run from the repository root)
set -u
snapsim="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 passed=0

expect() {  # expect STATUS DESCRIPTION -- COMMAND...
  local want="$1" what="$2"
  shift 3
  "$@" >"$work/out" 2>&1
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want: $*"
    sed 's/^/    /' "$work/out" | head -5
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
}

cat >"$work/fails.yaml" <<'YAML'
snapsim: 1
hypervisor: esx
steps:
  - create: A
  - expect: {current: B}
YAML
printf 'snapsim: 1\nhypervisor: esx\nsteps: []\n' >"$work/bad.yaml"
mkdir "$work/empty"

expect 0 "every scenario holds" -- "$snapsim" run scenarios/esx --quiet
expect 1 "a failed check" -- "$snapsim" run "$work/fails.yaml" --quiet
expect 2 "a malformed file" -- "$snapsim" run "$work/bad.yaml"
expect 2 "lint of a malformed file" -- "$snapsim" lint "$work/bad.yaml"
expect 0 "lint of the corpus" -- "$snapsim" lint scenarios
expect 2 "a missing path" -- "$snapsim" run "$work/nosuch.yaml"
expect 2 "a folder without scenarios" -- "$snapsim" run "$work/empty"
expect 2 "lint of a file with four mistakes" -- "$snapsim" lint scenario/testdata/lint/four_mistakes.yaml
if [ "$("$snapsim" lint scenario/testdata/lint/four_mistakes.yaml 2>&1 | grep -c ': error: ')" -eq 4 ]; then
  passed=$((passed + 1)); else echo "FAIL: lint did not report all four mistakes"; failures=$((failures + 1)); fi
printf 'snapsim: 1\nhypervisor: esx\nsteps:\n  - create: A\n' >"$work/warned.yaml"
expect 0 "lint of a file with a warning" -- "$snapsim" lint "$work/warned.yaml"
expect 2 "lint --strict of a file with a warning" -- "$snapsim" lint --strict "$work/warned.yaml"
mkdir "$work/yml"
printf 'snapsim: 1\nhypervisor: esx\nsteps:\n  - create: A\n  - expect: {current: A}\n' >"$work/yml/ok.yml"
expect 0 "a folder of .yml files" -- "$snapsim" run "$work/yml" --quiet
cp "$work/bad.yaml" "$work/yml/bad.yml"
expect 2 "lint finds a bad .yml file in a folder" -- "$snapsim" lint "$work/yml"
expect 0 "record --check of the corpus" -- "$snapsim" record --check scenarios
printf 'snapsim: 1\nhypervisor: esx\nsteps:\n  - create: A\n  - delete: B\n  - expect\n' >"$work/stale.yaml"
cp "$work/stale.yaml" "$work/stale0.yaml"
expect 1 "record --check of a file record would change" -- "$snapsim" record --check "$work/stale.yaml"
if cmp -s "$work/stale.yaml" "$work/stale0.yaml"; then passed=$((passed + 1)); else
  echo "FAIL: record --check changed the file"; failures=$((failures + 1)); fi
expect 0 "record of that file" -- "$snapsim" record "$work/stale.yaml"
expect 0 "run of the recorded file" -- "$snapsim" run "$work/stale.yaml" --quiet
expect 0 "record --check of the recorded file" -- "$snapsim" record --check "$work/stale.yaml"
expect 2 "record --trust-backend on the model" -- "$snapsim" record --trust-backend "$work/stale.yaml"
expect 2 "record of a malformed file" -- "$snapsim" record "$work/bad.yaml"
expect 2 "an unknown backend" -- "$snapsim" run scenarios/esx --backend vmware
expect 2 "a bad shard" -- "$snapsim" run scenarios/esx --shard 3/2
expect 2 "an unknown verb" -- "$snapsim" frobnicate
expect 2 "an unknown profile" -- "$snapsim" fuzz --hypervisor xen
expect 2 "a missing image" -- "$snapsim" image compare "$work/a.raw" "$work/b.raw"
head -c 1048576 /dev/zero >"$work/a.raw"
cp "$work/a.raw" "$work/b.raw"
expect 0 "identical images" -- "$snapsim" image compare "$work/a.raw" "$work/b.raw"
printf '\x01' | dd of="$work/b.raw" bs=1 seek=4096 conv=notrunc status=none
expect 1 "differing images" -- "$snapsim" image compare "$work/a.raw" "$work/b.raw"
expect 3 "an unreachable libvirt URI" -- "$snapsim" run scenarios/test --backend "libvirt:qemu+tcp://127.0.0.1:1/system"
expect 2 "--disk-dir without a libvirt:URI backend" -- "$snapsim" run scenarios/test --disk-dir "$work"
expect 2 "an unknown --profile" -- "$snapsim" run scenarios/test --backend libvirt:test:///default --profile vmware
expect 2 "a missing --disk-dir" -- "$snapsim" run scenarios/test --backend libvirt:test:///default --disk-dir "$work/nosuch"
expect 2 "clean of a backend that leaves nothing behind" -- "$snapsim" clean --backend model
if "$snapsim" backends | grep -qE '^libvirt-test +available'; then
  expect 2 "a --profile contradicting the URI" -- "$snapsim" run scenarios/test --backend libvirt:test:///default --profile esx
  expect 0 "clean with nothing stale" -- "$snapsim" clean --backend libvirt:test:///default
  expect 3 "clean of an unreachable libvirt URI" -- "$snapsim" clean --backend "libvirt:qemu+tcp://127.0.0.1:1/system"
fi

# The same seed gives a byte-identical report.
"$snapsim" run scenarios --json "$work/r1.json" --quiet >/dev/null 2>&1
"$snapsim" run scenarios --json "$work/r2.json" --quiet --jobs 2 >/dev/null 2>&1
if cmp -s "$work/r1.json" "$work/r2.json"; then passed=$((passed + 1)); else
  echo "FAIL: two runs gave different JSON reports"; failures=$((failures + 1)); fi

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
