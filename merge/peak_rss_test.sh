#!/usr/bin/env bash
# Peak resident memory of `snapsim image compare` and `image map` on an 8 GiB sparse pair
# holding 384 MiB of data each (more than the bound, so a compare that kept its mappings
# would fail): below LIMIT_MIB (256) for raw/raw, qcow2/raw and the qcow2's map, read as
# /usr/bin/time's maximum resident set size of the child.
# Usage: peak_rss_test.sh PATH/TO/snapsim [LIMIT_MIB]
set -uo pipefail
snapsim=$(realpath "$1")
limit_mib=${2:-256}
[ -x /usr/bin/time ] && command -v qemu-img >/dev/null ||
  { echo "skipped: needs /usr/bin/time and qemu-img"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0 failures=0

# 48 runs of 8 MiB, 170 MiB apart, each a 1 MiB random block repeated with its run number.
python3 - <<'EOF'
import os
block = bytearray(os.urandom(1 << 20))
with open("a.raw", "wb") as f:
    f.truncate(8 << 30)
    for run in range(48):
        block[0] = run
        f.seek(run * (170 << 20))
        for _ in range(8):
            f.write(block)
EOF
cp --sparse=always a.raw b.raw
qemu-img convert -f raw -O qcow2 a.raw a.qcow2 || { echo "setup failed: qemu-img convert"; exit 1; }

measure() {  # measure WANT_EXIT DESCRIPTION -- COMMAND...
  local want=$1 what=$2; shift 3
  /usr/bin/time -f '%M' -o rss.txt "$@" >out.txt 2>err.txt
  local got=$? kib
  kib=$(tail -1 rss.txt)
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, want $want"; cat out.txt err.txt; failures=$((failures + 1))
  elif [ "$kib" -ge $((limit_mib * 1024)) ]; then
    echo "FAIL: $what: peak RSS $((kib / 1024)) MiB, bound $limit_mib MiB"; failures=$((failures + 1))
  else
    echo "ok: $what: peak RSS $((kib / 1024)) MiB"; passed=$((passed + 1))
  fi
}

measure 0 "compare raw raw" -- "$snapsim" image compare a.raw b.raw
measure 0 "compare qcow2 raw" -- "$snapsim" image compare a.qcow2 b.raw
measure 0 "compare qcow2 raw, 1 thread" -- "$snapsim" image compare --threads 1 a.qcow2 b.raw
measure 0 "map qcow2" -- "$snapsim" image map --json a.qcow2
printf '\x01' | dd of=b.raw bs=1 seek=$((47 * (170 << 20) + 5)) conv=notrunc 2>/dev/null
measure 1 "compare qcow2 raw, one byte differs" -- "$snapsim" image compare a.qcow2 b.raw
grep -q "^differ at $(printf '%#x' $((47 * (170 << 20) + 5)))" out.txt && passed=$((passed + 1)) ||
  { echo "FAIL: the differing byte is not reported"; cat out.txt; failures=$((failures + 1)); }

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
