#!/usr/bin/env bash
# snapsim image compare against qemu-img compare on the same pair of images.
#
# Builds a 2 GiB qcow2 chain (base + overlay, about 1.3 GiB allocated, written with
# qemu-io), flattens it with `qemu-img convert -O raw`, then times both tools comparing
# the chain with its flat copy, best of three, page cache warm for both. Also measures
# memcmp bandwidth in the same run, as the ceiling for data-against-data comparison.
#
# usage: bench/merge/compare_vs_qemu_img.sh [BUILD_DIR]   (default: build)
set -euo pipefail

build_dir=${1:-build}
snapsim=${SNAPSIM:-$build_dir/snapsim}
compare_bench=$build_dir/bench/merge/compare_bench
for tool in qemu-img qemu-io "$snapsim"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 3; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/snapsim-compare-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
mib=$((1 << 20))

# qemu-io commands writing [from, to) MiB in 64 MiB pieces, each piece its own pattern.
writes() {
  local from=$1 to=$2 pattern=$3 args=()
  for ((at = from; at < to; at += 64)); do
    args+=(-c "write -P $(( (pattern + at / 64) % 250 + 1 )) ${at}M 64M")
  done
  printf '%s\n' "${args[@]}"
}

echo "building the chain in $work"
qemu-img create -q -f qcow2 "$work/base.qcow2" 2G
mapfile -t base_writes < <(writes 0 640 10)
qemu-io "${base_writes[@]}" -c 'write -z 1024M 64M' "$work/base.qcow2" >/dev/null
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 "$work/top.qcow2"
mapfile -t top_writes < <(writes 384 896 77)
mapfile -t tail_writes < <(writes 1600 1792 150)
qemu-io "${top_writes[@]}" "${tail_writes[@]}" "$work/top.qcow2" >/dev/null
qemu-img convert -O raw "$work/top.qcow2" "$work/flat.raw"
allocated=$(( ($(du -B1 "$work/base.qcow2" | cut -f1) + $(du -B1 "$work/top.qcow2" | cut -f1)) ))
echo "allocated in the chain: $((allocated / mib)) MiB; raw copy: $(( $(du -B1 "$work/flat.raw" | cut -f1) / mib )) MiB on disk"
cat "$work"/*.qcow2 "$work/flat.raw" >/dev/null  # warm the page cache for both tools

# Best wall time of three runs, in seconds; the command must exit 0 (images identical).
best_of_three() {
  local best="" start end t
  for _ in 1 2 3; do
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    t=$(( end - start ))
    if [[ -z $best || $t -lt $best ]]; then best=$t; fi
  done
  awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

qemu_s=$(best_of_three qemu-img compare "$work/top.qcow2" "$work/flat.raw")
snapsim_s=$(best_of_three "$snapsim" image compare "$work/top.qcow2" "$work/flat.raw")
echo "qemu-img compare:       ${qemu_s} s"
echo "snapsim image compare:  ${snapsim_s} s"
awk -v q="$qemu_s" -v s="$snapsim_s" 'BEGIN { printf "speedup: %.2fx (required 2x, target 3x)\n", q / s }'

if [[ -x $compare_bench ]]; then
  "$compare_bench" --benchmark_filter='BM_Memcmp/268435456|BM_AllZero/268435456' 2>/dev/null |
    awk '/^BM_/ { print "bandwidth: " $1 " " $(NF) }'
else
  echo "memcmp bandwidth: build the compare_bench target for this figure"
fi
