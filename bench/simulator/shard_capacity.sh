#!/usr/bin/env bash
# Capacity figures for docs/campaigns.md: fuzz throughput per backend, which is one shard's
# (a shard runs each of its sequences as an unsharded run does), over a multiple of 31
# sequences of up to 30 steps so that every sequence size 0..30 comes up as often (a short
# run of a shard would meet only some sizes); then `report merge` against the number of
# shard reports (10, 100, 1,000 fuzz shards of the model). A run that finds a new
# divergence stops there (its shrinking is in the time): the sequences that ran count.
# Usage: bench/simulator/shard_capacity.sh [BUILD_DIR] [SHARD_COUNTS]
set -euo pipefail
build="${1:-build}"
counts="${2:-10 100 1000}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
known=conformance/fuzz_known_findings.txt

printf '%-14s %-8s %6s %10s\n' backend profile runs seq_per_s
for spec in model:qemu:1984 libvirt-test:test:496 qemu-img:qemu:31 qemu:qemu:31 \
  libvirt-qemu:qemu:31 vcsim:esx:31 libvirt-esx:esx:31; do
  IFS=: read -r backend profile runs <<<"$spec"
  "$build/snapsim" backends | grep -qE "^$backend +available" || { echo "$backend: not available"; continue; }
  # -v off a terminal: "[k/N runs] elapsed, R/s" at every tenth; the last line before any
  # shrinking gives the rate of the sequences themselves.
  timeout 300 "$build/snapsim" fuzz --hypervisor "$profile" --backend "$backend" --runs "$runs" \
    --steps 30 --seed 2 --known "$known" --out "$work/found" -v >/dev/null 2>"$work/progress" || true
  line=$(grep -v shrinking "$work/progress" | grep '^\[' | tail -n 1)
  ran=$(sed -n 's/^\[\([0-9]*\)\/.*/\1/p' <<<"$line")
  rate=$(sed -n 's/.*, \([0-9.]*\)\/s.*/\1/p' <<<"$line")
  printf '%-14s %-8s %6s %10s\n' "$backend" "$profile" "${ran:-0}" "${rate:-?}"
done

echo
printf '%7s %10s %12s %10s %12s\n' shards sequences report_bytes merge_s seq_per_s
for n in $counts; do
  mkdir -p "$work/m$n"
  for ((k = 0; k < n; k++)); do
    "$build/snapsim" fuzz --hypervisor esx --runs 20 --steps 10 --seed 3 --shard "$k/$n" \
      --out "$work/found" --json "$work/m$n/shard-$k.json" >/dev/null
  done
  bytes=$(cat "$work"/m"$n"/shard-*.json | wc -c)
  start=$(now)
  "$build/snapsim" report merge "$work"/m"$n"/shard-*.json --json "$work/m$n.json" >/dev/null
  end=$(now)
  awk -v n="$n" -v q="$((n * 20))" -v b="$bytes" -v s="$start" -v e="$end" \
    'BEGIN { t = e - s; printf "%7d %10d %12d %10.3f %12.0f\n", n, q, b, t, q / t }'
done
