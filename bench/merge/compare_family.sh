#!/usr/bin/env bash
# `snapsim image compare` against `qemu-img compare` on every layout of issue 18, in one
# run, beside the machine's own ceilings measured in the same run (memcmp, zero scan and
# page-cache read bandwidth on 1 and 2 threads, bench/merge/compare_bench).
#
# Each case: both tools on the same identical pair, page cache warm, best of $RUNS wall
# times; snapsim's bandwidth is the bytes it had to read (its --json read_bytes: the data
# either image holds) over its time, and its share of the 2-thread page-cache read
# ceiling. Peak RSS (/usr/bin/time) of snapsim's compare on each case, and of compare and
# map on an 8 GiB pair and a 64-layer chain. Figures are noisy on a shared machine: the
# ratios count.
#
# Layouts: today's pair (2 GiB chain against its raw copy, as compare_vs_qemu_img.sh);
# overlapping base and overlay runs; a fragmented image (20,000 extents of 4-64 KiB, holes
# between, 4 KiB clusters); chains of 8 and 32 layers; an internal snapshot's view
# (IMAGE@SNAP, which qemu-img compare cannot open: n/a); vmdk sparse; raw against raw; and
# a pair differing in 4,096 places (snapsim reports every range, qemu-img stops at the
# first: its ratio is taken against `snapsim image compare --first`).
#
# usage: bench/merge/compare_family.sh [BUILD_DIR]   (default: build)
#   RUNS=3 (best of), SIZE_MIB=1024 (virtual size of the cases other than today's pair)
# Prints a table of `name | value` rows; bench/run_all.sh collects them.
set -euo pipefail

build_dir=${1:-build}
snapsim=$(realpath "${SNAPSIM:-$build_dir/snapsim}")
compare_bench=$build_dir/bench/merge/compare_bench
runs=${RUNS:-3}
size=${SIZE_MIB:-1024}
for tool in qemu-img qemu-io jq "$snapsim" /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "skipped: missing $tool" >&2; exit 3; }
done
[[ -x $compare_bench ]] || { echo "skipped: build the compare_bench target" >&2; exit 3; }
compare_bench=$(realpath "$compare_bench")

work=$(mktemp -d "${TMPDIR:-/tmp}/snapsim-compare-family-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
RANDOM=18  # the layouts are the same on every run

q() { qemu-img "$@" >/dev/null; }
# io FILE CMD...: qemu-io commands on FILE, read from a script (thousands fit).
io() {
  local file=$1; shift
  printf '%s\n' "$@" >cmds.txt
  qemu-io "$file" <cmds.txt >/dev/null
}
best() {  # best WANT_EXIT COMMAND...: best wall time in seconds of $runs runs
  local want=$1 best="" start t status; shift
  for ((r = 0; r < runs; r++)); do
    start=${EPOCHREALTIME/./}
    set +e; "$@" >/dev/null 2>&1; status=$?; set -e
    t=$(( ${EPOCHREALTIME/./} - start ))
    [[ $status -eq $want ]] || { echo "unexpected exit $status from $*" >&2; exit 1; }
    if [[ -z $best || $t -lt $best ]]; then best=$t; fi
  done
  awk -v us="$best" 'BEGIN { printf "%.3f", us / 1e6 }'
}
rss_mib() {  # peak RSS in MiB of COMMAND...
  /usr/bin/time -f '%M' -o rss.txt "$@" >/dev/null 2>&1 || true
  echo $(( $(tail -1 rss.txt) / 1024 ))
}
row() { printf '%-58s | %s\n' "$1" "$2"; }

# --- the layouts -----------------------------------------------------------------------
# today's pair
q create -f qcow2 today-base.qcow2 2G
cmds=(); for ((at = 0; at < 640; at += 64)); do cmds+=("write -P $(( (10 + at / 64) % 250 + 1 )) ${at}M 64M"); done
io today-base.qcow2 "${cmds[@]}" "write -z 1024M 64M"
q create -f qcow2 -b today-base.qcow2 -F qcow2 today.qcow2
cmds=(); for ((at = 384; at < 896; at += 64)); do cmds+=("write -P $(( (77 + at / 64) % 250 + 1 )) ${at}M 64M"); done
for ((at = 1600; at < 1792; at += 64)); do cmds+=("write -P $(( (150 + at / 64) % 250 + 1 )) ${at}M 64M"); done
io today.qcow2 "${cmds[@]}"
q convert -O raw today.qcow2 today.raw

# overlapping runs: 16 runs in the base, 16 in the overlay, each overlay run over the end
# of a base run and the start of the hole after it
run=$((size / 16))
q create -f qcow2 overlap-base.qcow2 "${size}M"
cmds=(); for ((k = 0; k < 16; k++)); do cmds+=("write -P $((k + 1)) $((k * run))M $((run * 5 / 8))M"); done
io overlap-base.qcow2 "${cmds[@]}"
q create -f qcow2 -b overlap-base.qcow2 -F qcow2 overlap.qcow2
cmds=(); for ((k = 0; k < 16; k++)); do cmds+=("write -P $((k + 101)) $((k * run + run / 2))M $((run * 3 / 8))M"); done
io overlap.qcow2 "${cmds[@]}"
q convert -O raw overlap.qcow2 overlap.raw

# fragmented: 20,000 extents of 4-64 KiB with holes as large between them, 4 KiB clusters
q create -f qcow2 -o cluster_size=4096 fragmented.qcow2 "${size}M"
cmds=(); at=0; limit=$((size * 256))  # in 4 KiB units
for ((k = 0; k < 20000 && at < limit; k++)); do
  len=$(( RANDOM % 16 + 1 )); (( at + len > limit )) && break
  cmds+=("write -P $((k % 250 + 1)) $((at * 4))k $((len * 4))k")
  at=$(( at + len + RANDOM % 16 + 1 ))
done
fragments=${#cmds[@]}
io fragmented.qcow2 "${cmds[@]}"
q convert -O raw fragmented.qcow2 fragmented.raw

# chains of 8 and 32 layers: each layer writes 8 runs of size/64 at seeded places
chain() {
  local depth=$1 name=chain$1 i k
  q create -f qcow2 "$name-0.qcow2" "${size}M"
  for ((i = 0; i < depth; i++)); do
    ((i > 0)) && q create -f qcow2 -b "$name-$((i - 1)).qcow2" -F qcow2 "$name-$i.qcow2"
    cmds=()
    for ((k = 0; k < 8; k++)); do
      cmds+=("write -P $(( (i * 8 + k) % 250 + 1 )) $(( (RANDOM % 64) * size / 64 ))M $((size / 64))M")
    done
    io "$name-$i.qcow2" "${cmds[@]}"
  done
  q convert -O raw "$name-$((depth - 1)).qcow2" "$name.raw"
}
chain 8
chain 32

# an internal snapshot's view: half the disk written, snapshot s1, a quarter rewritten
q create -f qcow2 snap.qcow2 "${size}M"
io snap.qcow2 "write -P 7 0 $((size / 2))M"
q snapshot -c s1 snap.qcow2
io snap.qcow2 "write -P 8 $((size / 4))M $((size / 4))M"
q convert -l snapshot.name=s1 -O raw snap.qcow2 snap.raw

# vmdk sparse, raw against raw
q convert -O vmdk overlap.raw overlap.vmdk
cp --sparse=always overlap.raw overlap-copy.raw

# many differences: 4,096 single bytes changed in the raw copy of the overlap image
cp --sparse=always overlap.raw differ.raw
python3 - "$size" <<'EOF'
import sys
size = int(sys.argv[1]) << 20
with open("differ.raw", "r+b") as f:
    for k in range(4096):
        f.seek((k * 2654435761) % size)
        f.write(b"\xee")
EOF

cat ./* >/dev/null  # page cache warm for both tools

# --- the machine's ceilings -------------------------------------------------------------
SNAPSIM_BENCH_FILE=$work/today.raw "$compare_bench" --benchmark_min_time=0.2 \
  --benchmark_filter='BM_Memcmp/268435456|BM_AllZero/268435456|BM_PageCacheRead' \
  --benchmark_format=json 2>/dev/null >ceilings.json
ceiling() {  # ceiling NAME_REGEX: GB/s
  jq -r --arg re "$1" '.benchmarks[] | select(.name | test($re)) | .bytes_per_second / 1e9' \
    ceilings.json | awk '{ printf "%.2f", $1 }'
}
read2=$(ceiling 'PageCacheRead.*threads:2')
row "ceiling: memcmp, 1 / 2 threads (GB/s of each side)" "$(ceiling 'Memcmp.*threads:1') / $(ceiling 'Memcmp.*threads:2')"
row "ceiling: zero scan, 1 / 2 threads (GB/s)" "$(ceiling 'AllZero.*threads:1') / $(ceiling 'AllZero.*threads:2')"
row "ceiling: page-cache read, 1 / 2 threads (GB/s)" "$(ceiling 'PageCacheRead.*threads:1') / $read2"

# --- the cases --------------------------------------------------------------------------
# case NAME A B [QEMU_A]: both tools on A and B (qemu-img on QEMU_A, or n/a when "-")
case_row() {
  local name=$1 a=$2 b=$3 qa=${4:-$2} want=${5:-0} read s_t q_t bw pct ratio rss
  s_t=$(best "$want" "$snapsim" image compare "$a" "$b")
  read=$({ "$snapsim" image compare --json "$a" "$b" 2>/dev/null || true; } | jq .read_bytes)
  bw=$(awk -v r="$read" -v t="$s_t" 'BEGIN { printf "%.2f", r / t / 1e9 }')
  pct=$(awk -v b="$bw" -v c="$read2" 'BEGIN { printf "%.0f", 100 * b / c }')
  rss=$(rss_mib "$snapsim" image compare "$a" "$b")
  if [[ $qa == - ]]; then
    row "$name" "snapsim ${s_t} s, qemu-img n/a (cannot open IMAGE@SNAP); ${bw} GB/s read = ${pct}% of the 2-thread read ceiling; RSS ${rss} MiB"
    return
  fi
  q_t=$(best "$want" qemu-img compare "$qa" "$b")
  ratio=$(awk -v q="$q_t" -v s="$s_t" 'BEGIN { printf "%.1f", q / s }')
  row "$name" "${ratio}x qemu-img (${s_t} s vs ${q_t} s); ${bw} GB/s read = ${pct}% of the 2-thread read ceiling; RSS ${rss} MiB"
}
case_row "today's pair (2 GiB chain vs raw)" today.qcow2 today.raw
case_row "overlapping base and overlay runs vs raw" overlap.qcow2 overlap.raw
case_row "fragmented ($fragments extents of 4-64 KiB) vs raw" fragmented.qcow2 fragmented.raw
case_row "chain of 8 layers vs raw" chain8-7.qcow2 chain8.raw
case_row "chain of 32 layers vs raw" chain32-31.qcow2 chain32.raw
case_row "internal snapshot view (IMAGE@SNAP) vs raw" snap.qcow2@s1 snap.raw -
case_row "vmdk sparse vs raw" overlap.vmdk overlap.raw
case_row "raw vs raw" overlap.raw overlap-copy.raw

all_t=$(best 1 "$snapsim" image compare overlap.qcow2 differ.raw)
ranges=$({ "$snapsim" image compare --json overlap.qcow2 differ.raw 2>/dev/null || true; } |
  jq '.diffs | length')
first_t=$(best 1 "$snapsim" image compare --first overlap.qcow2 differ.raw)
qfirst_t=$(best 1 qemu-img compare overlap.qcow2 differ.raw)
row "4,096 differences: every range reported" "$ranges ranges in ${all_t} s"
row "4,096 differences: first only (--first) vs qemu-img" \
  "$(awk -v q="$qfirst_t" -v s="$first_t" 'BEGIN { printf "%.1f", q / s }')x qemu-img (${first_t} s vs ${qfirst_t} s)"

# --- memory on large inputs ---------------------------------------------------------------
python3 - <<'EOF'
import os
block = bytearray(os.urandom(1 << 20))
with open("big.raw", "wb") as f:
    f.truncate(8 << 30)
    for run in range(48):
        block[0] = run
        f.seek(run * (170 << 20))
        for _ in range(8):
            f.write(block)
EOF
cp --sparse=always big.raw big-copy.raw
q convert -f raw -O qcow2 big.raw big.qcow2
q create -f qcow2 deep-0.qcow2 "${size}M"
for ((i = 1; i < 64; i++)); do
  q create -f qcow2 -u -b "deep-$((i - 1)).qcow2" -F qcow2 "deep-$i.qcow2" "${size}M"
  qemu-io -c "write -P $((i + 1)) $(( (i * 16) % size ))M 16M" \
    "json:{\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":\"deep-$i.qcow2\"},\"backing\":null}" >/dev/null
done
q convert -O raw deep-63.qcow2 deep.raw
row "peak RSS: compare 8 GiB qcow2 vs raw (384 MiB data each)" "$(rss_mib "$snapsim" image compare big.qcow2 big-copy.raw) MiB (bound 256)"
row "peak RSS: map 8 GiB qcow2" "$(rss_mib "$snapsim" image map --json big.qcow2) MiB (bound 256)"
row "peak RSS: compare 64-layer chain vs raw" "$(rss_mib "$snapsim" image compare deep-63.qcow2 deep.raw) MiB (bound 256)"
row "peak RSS: map 64-layer chain" "$(rss_mib "$snapsim" image map --json deep-63.qcow2) MiB (bound 256)"
row "qemu-img compare 64-layer chain vs raw: RSS" "$(rss_mib qemu-img compare deep-63.qcow2 deep.raw) MiB"
