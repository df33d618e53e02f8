#!/usr/bin/env bash
# Fuzz throughput per backend: sequences per second of `snapsim fuzz`, each backend timed
# in the same run. Usage: bench/simulator/fuzz_throughput.sh [BUILD_DIR] [RUNS]
set -euo pipefail
build="${1:-build}"
runs="${2:-200}"
printf '%-14s %-8s %8s %10s %12s\n' backend profile runs seconds seq_per_s
for pair in model:esx model:qemu model:vbox model:test libvirt-test:test qemu-img:qemu; do
  backend="${pair%%:*}"
  profile="${pair##*:}"
  start=$(date +%s.%N)
  "$build/snapsim" fuzz --hypervisor "$profile" --backend "$backend" --runs "$runs" \
    --steps 20 --seed 1 --out "$build/fuzz-bench" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  awk -v b="$backend" -v p="$profile" -v r="$runs" -v s="$start" -v e="$end" \
    'BEGIN { t = e - s; printf "%-14s %-8s %8d %10.2f %12.1f\n", b, p, r, t, r / t }'
done
