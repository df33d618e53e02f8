#!/usr/bin/env bash
# A backing chain of 1,000 qcow2 layers built with qemu-img (QEMU sets no depth limit):
# `snapsim image map --json` gives qemu-img map's rows (depths past 255 included), and
# `snapsim image compare` agrees with `qemu-img compare` on the chain against its raw
# flattening and against a copy of it with one byte changed.
# Usage: deep_chain_test.sh PATH/TO/snapsim [LAYERS]
set -uo pipefail
snapsim=$(realpath "$1")
layers=${2:-1000}
command -v qemu-img >/dev/null && command -v qemu-io >/dev/null && command -v jq >/dev/null ||
  { echo "skipped: needs qemu-img, qemu-io and jq"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0 failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
q() { qemu-img "$@" >/dev/null 2>&1 || { echo "setup failed: qemu-img $*"; exit 1; }; }
# Writes to one layer alone (its backing file not opened), so building stays linear.
io() {
  local file=$1; shift
  local args=()
  for c in "$@"; do args+=(-c "$c"); done
  qemu-io "${args[@]}" \
    "json:{\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":\"$file\"},\"backing\":null}" \
    >/dev/null 2>&1 || { echo "setup failed: qemu-io $file $*"; exit 1; }
}

# An 8 MiB disk: the base holds data everywhere; layer i writes 4 KiB of byte i%251+1 in
# cluster i%120 (its (i/120)th 4 KiB), every 7th layer zeroes the cluster the layer below
# wrote, every 11th discards it. Clusters 120-127 still come from the base, at depth
# layers-1. (qemu-img looks each cluster up down the chain: its time grows with the
# clusters written times the depth, so the disk is kept small.)
q create -q -f qcow2 l0.qcow2 8M
io l0.qcow2 "write -P 1 0 8M"
for ((i = 1; i < layers; i++)); do
  q create -q -u -f qcow2 -b "l$((i - 1)).qcow2" -F qcow2 "l$i.qcow2" 8M
  cmds=("write -P $((i % 251 + 1)) $(((i % 120) * 64 + (i / 120) * 4))k 4k")
  ((i % 7 == 0)) && cmds+=("write -z $((((i - 1) % 120) * 64))k 64k")
  ((i % 11 == 0)) && cmds+=("discard $((((i - 1) % 120) * 64))k 64k")
  io "l$i.qcow2" "${cmds[@]}"
done
top="l$((layers - 1)).qcow2"
echo "chain of $layers layers built in ${SECONDS} s"

start=$(date +%s.%N)
timeout 120 "$snapsim" image map --json "$top" >ours.json 2>err.txt ||
  { fail "snapsim image map exit $?"; cat err.txt; }
mid=$(date +%s.%N)
qemu-img map --output=json "$top" >theirs.json
end=$(date +%s.%N)
# Rows as qemu-img prints them; qemu-img gives offsets for some zero ranges too.
jq -c '.[] | select(.data) | {start, length, depth, present, zero, data, offset}' ours.json >a.txt
jq -c '.[] | select(.data) | {start, length, depth, present, zero, data, offset}' theirs.json >b.txt
jq -c '.[] | {start, length, depth, present, zero, data}' ours.json >c.txt
jq -c '.[] | {start, length, depth, present, zero, data}' theirs.json >d.txt
if cmp -s a.txt b.txt && cmp -s c.txt d.txt; then passed=$((passed + 1)); else
  fail "map rows differ from qemu-img map's"; diff c.txt d.txt | head -20; fi
max_depth=$(jq '[.[].depth] | max' ours.json)
if [ "$max_depth" -eq $((layers - 1)) ]; then passed=$((passed + 1)); else
  fail "deepest row at depth $max_depth, want $((layers - 1))"; fi
echo "map: snapsim $(echo "$mid - $start" | bc) s, qemu-img $(echo "$end - $mid" | bc) s"

q convert -O raw "$top" flat.raw
echo "flattened by ${SECONDS} s"
cp flat.raw changed.raw
printf '\xee' | dd of=changed.raw bs=1 seek=$((5 * 64 * 1024 + 17)) conv=notrunc 2>/dev/null
for other in flat.raw changed.raw; do
  qemu-img compare "$top" "$other" >theirs.txt 2>&1
  want=$?
  t0=$EPOCHREALTIME
  timeout 120 "$snapsim" image compare "$top" "$other" >ours.txt 2>err.txt
  got=$?
  echo "compare $other: snapsim exit $got in $(echo "$EPOCHREALTIME - $t0" | bc) s, qemu-img exit $want (by ${SECONDS} s)"
  if [ "$got" -eq "$want" ]; then passed=$((passed + 1)); else
    fail "compare $top $other: exit $got, qemu-img compare $want"; cat ours.txt err.txt; fi
done
# qemu-img names the first differing offset (its sector's, in some versions); snapsim's
# first range must start there.
want_at=$(grep -o 'offset [0-9]*' theirs.txt | grep -o '[0-9]*')
got_at=$(($(grep -o '^differ at 0x[0-9a-f]*' ours.txt | head -1 | grep -o '0x[0-9a-f]*')))
if [ "$got_at" -eq "$want_at" ] || [ $((got_at / 512 * 512)) -eq "$want_at" ]; then
  passed=$((passed + 1))
else
  fail "snapsim's first difference at $got_at, qemu-img's at $want_at"; cat ours.txt
fi

# Past the open-file limit: bad input naming the limit, not a crash.
(ulimit -n 64; "$snapsim" image map "$top" >out.txt 2>err.txt)
status=$?
if [ "$status" -eq 2 ] && grep -q "ulimit -n" err.txt; then passed=$((passed + 1)); else
  fail "a chain past the open-file limit: exit $status"; cat err.txt; fi

echo "$passed passed, $failures failed ($layers layers)"
[ "$failures" -eq 0 ]
