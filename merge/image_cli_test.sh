#!/usr/bin/env bash
# `snapsim image compare` against `qemu-img compare` on the same pairs of images, with and
# without strict mode (-s): the same exit status (0 identical, 1 different, 2 bad input)
# for each. Then -f/-F, `map --json` depth, and bad input (exit 2, never a hang).
# Usage: image_cli_test.sh PATH/TO/snapsim
set -uo pipefail
snapsim=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0 failures=0

check() {  # check WANT DESCRIPTION -- COMMAND...
  local want=$1 what=$2; shift 3
  timeout 60 "$@" >out.txt 2>err.txt
  local got=$?
  if [ "$got" -eq "$want" ]; then passed=$((passed + 1)); else
    echo "FAIL: $what: exit $got, want $want"; cat out.txt err.txt; failures=$((failures + 1)); fi
}

q() { qemu-img "$@" >/dev/null 2>&1 || { echo "setup failed: qemu-img $*"; exit 1; }; }
io() { qemu-io "$@" >/dev/null 2>&1 || { echo "setup failed: qemu-io $*"; exit 1; }; }

q create -q -f qcow2 empty.qcow2 1M
q create -q -f qcow2 empty2m.qcow2 2M
q create -q -f raw sparse.raw 1M
q create -q -f qcow2 zero.qcow2 1M; io -c 'write -z 0 64k' zero.qcow2
q create -q -f qcow2 dzero.qcow2 1M; io -c 'write -P 0 0 64k' dzero.qcow2
q create -q -f qcow2 one.qcow2 1M; io -c 'write -P 1 0 64k' one.qcow2
cp one.qcow2 one-copy.qcow2
q create -q -f qcow2 two.qcow2 1M; io -c 'write -P 2 0 64k' two.qcow2
q create -q -f qcow2 -b one.qcow2 -F qcow2 overlay.qcow2
q create -q -f raw one.raw 1M; io -f raw -c 'write -P 1 0 64k' one.raw
q convert -O raw one.qcow2 converted.raw
q convert -O vmdk one.qcow2 one.vmdk
q convert -c -O qcow2 one.qcow2 packed.qcow2
q create -q -f qcow2 late.qcow2 1M; io -c 'write -P 1 0 64k' -c 'write -P 3 960k 4k' late.qcow2
q convert -c -O qcow2 -o compression_type=zstd late.qcow2 packed-zstd.qcow2

pairs=(
  "empty.qcow2 sparse.raw" "empty.qcow2 zero.qcow2" "empty.qcow2 dzero.qcow2"
  "zero.qcow2 dzero.qcow2" "one.qcow2 one-copy.qcow2" "one.qcow2 two.qcow2"
  "overlay.qcow2 one.qcow2" "one.qcow2 one.raw" "one.qcow2 converted.raw"
  "empty.qcow2 empty2m.qcow2" "one.qcow2 one.vmdk" "one.vmdk one.raw" "one.qcow2 late.qcow2"
  "sparse.raw empty2m.qcow2" "packed.qcow2 one.qcow2" "packed.qcow2 one.raw"
  "packed-zstd.qcow2 late.qcow2" "packed-zstd.qcow2 packed.qcow2"
)
# Where --strict knowingly differs from qemu-img compare -s, with the exit status wanted.
# qemu-img -s compares its internal block status flags, EOF included, so a qcow2 and a
# vmdk whose `qemu-img map` rows are the same still "mismatch" where the two drivers
# report an unallocated tail in differently sized pieces; snapsim compares the rows.
declare -A divergent=(["-s one.qcow2 one.vmdk"]=0)
for pair in "${pairs[@]}"; do
  set -- $pair
  for mode in "" "-s"; do
    qemu-img compare $mode "$1" "$2" >/dev/null 2>&1
    want=$?
    key="$mode $1 $2"
    if [ -n "${divergent[$key]:-}" ]; then
      qemu-img map --output=json "$1" | sed 's/, "offset": [0-9]*//' >map1.json
      qemu-img map --output=json "$2" | sed 's/, "offset": [0-9]*//' >map2.json
      if cmp -s map1.json map2.json; then passed=$((passed + 1)); else
        echo "FAIL: $key: qemu-img map rows differ, so the divergence is not the known one"
        failures=$((failures + 1)); fi
      want=${divergent[$key]}
    fi
    check "$want" "compare $mode $1 $2 (as qemu-img compare)" -- "$snapsim" image compare $mode "$1" "$2"
  done
done
check 1 "--strict is -s" -- "$snapsim" image compare --strict one.qcow2 one.raw
check 0 "-f and -F stated right" -- "$snapsim" image compare -f qcow2 -F raw one.qcow2 converted.raw
check 2 "-f that does not match the magic" -- "$snapsim" image compare -f raw one.qcow2 converted.raw
check 2 "-F that does not match the magic" -- "$snapsim" image compare one.qcow2 converted.raw -F qcow2
check 2 "-f with a format not read" -- "$snapsim" image map -f vdi one.qcow2

check 0 "map --json" -- "$snapsim" image map --json overlay.qcow2
if grep -q '"depth": 1' out.txt && grep -q '"start": 0' out.txt; then passed=$((passed + 1)); else
  echo "FAIL: map --json has no qemu-img depth"; cat out.txt; failures=$((failures + 1)); fi

q create -q -f vdi disk.vdi 1M
check 2 "a VDI image" -- "$snapsim" image map disk.vdi
grep -q "qemu-img convert -f vdi -O qcow2" err.txt && passed=$((passed + 1)) || {
  echo "FAIL: no conversion hint"; cat err.txt; failures=$((failures + 1)); }
printf 'hello\nworld\n' >notes.txt
check 2 "a text file" -- "$snapsim" image map notes.txt
check 0 "a text file stated raw" -- "$snapsim" image map -f raw notes.txt
mkfifo pipe
check 2 "a FIFO" -- "$snapsim" image map pipe
q create -q -f qcow2 -u -b pipe -F raw onfifo.qcow2 1M
check 2 "a FIFO as a backing file" -- "$snapsim" image compare onfifo.qcow2 one.qcow2
head -c 70000 late.qcow2 >cut.qcow2
check 2 "a truncated qcow2" -- "$snapsim" image compare cut.qcow2 one.qcow2

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
