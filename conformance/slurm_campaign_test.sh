#!/usr/bin/env bash
# A 4-shard fuzz campaign through a real Slurm: a one-node cluster on this machine (munged,
# slurmctld and slurmd from Debian's munge and slurm-wlm, started here without systemd, in
# a temporary folder, on free ports), deploy/slurm/submit-campaign.sh submitting the
# shards as `sbatch --array` and the merge after them; the merged report must be the
# unsharded run's byte for byte. Skipped (77) with the reason when no cluster can start
# here. Every daemon it starts is stopped, by its pid, and the folder removed.
# Usage: slurm_campaign_test.sh SNAPSIM   (run from the repository root)
set -u
snapsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
skip() { echo "SKIP: $*"; exit 77; }
for program in munged slurmctld slurmd sbatch sinfo scontrol; do
  command -v "$program" >/dev/null || skip "$program is not installed (scripts/bootstrap installs munge and slurm-wlm)"
done
[ "$(id -u)" -eq 0 ] || skip "slurmd runs jobs as their user and needs root here"

work=$(mktemp -d /tmp/snapsim-slurm-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
logs() { for log in "$work"/*.log; do echo "--- $log"; tail -n 15 "$log"; done; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
host=$(hostname -s)

# munge: a key of our own and a socket in the folder.
mkdir -p "$work/munge" && chmod 711 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --foreground --key-file="$work/munge/munge.key" \
  --socket="$work/munge/munge.socket" --pid-file="$work/munge/munged.pid" \
  --seed-file="$work/munge/munge.seed" --log-file="$work/munged.log" >>"$work/munged.log" 2>&1 &
pids+=($!)

mkdir -p "$work/state" "$work/spool"
cat >"$work/slurm.conf" <<CONF
ClusterName=snapsim-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=snapsim Nodes=$host Default=YES MaxTime=10 State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.socket" ] || { logs; skip "munged did not start"; }
slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >>"$work/slurmd.log" 2>&1 &
pids+=($!)
ready=false
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed)'; then ready=true; break; fi
  sleep 0.5
done
$ready || { logs; skip "the one-node Slurm cluster did not come up within 30 s"; }
echo "slurm: one node ($host) idle in partition snapsim"

# The campaign: 4 shards of 10 sequences on qemu-img when it is there, else the model
# against itself, against one run of 40 (the same report, the same exit status).
backend=model
"$snapsim" backends | grep -qE '^qemu-img +available' && backend=qemu-img
args=(fuzz --hypervisor qemu --backend "$backend" --seed 2 --steps 10)
failures=0
"$snapsim" "${args[@]}" --runs 40 --out "$work/whole" --json "$work/whole.json" >"$work/whole.out" 2>&1
whole=$?
timeout 120 deploy/slurm/submit-campaign.sh --shards 4 --out "$work/campaign" --wait \
  --sbatch "--time=2" -- "$snapsim" "${args[@]}" --runs 10 --out "$work/campaign/found" \
  >"$work/submit.out" 2>&1
merged=$?
cat "$work/submit.out"
if [ "$merged" -ne "$whole" ]; then
  echo "FAIL: the merge job exited $merged, the unsharded run $whole"
  failures=$((failures + 1))
  cat "$work/campaign/merge.out" 2>/dev/null
  tail -n 3 "$work"/campaign/shard-*.out 2>/dev/null
  logs
fi
if ! cmp -s "$work/whole.json" "$work/campaign/merged.json"; then
  echo "FAIL: the merged report of 4 Slurm shards is not the unsharded run's"
  diff "$work/whole.json" "$work/campaign/merged.json" | head -5
  failures=$((failures + 1))
fi
for k in 0 1 2 3; do
  grep -q "shard $k/4 (Slurm: SLURM_ARRAY_TASK_ID=$k" "$work/campaign/shard-$k.out" ||
    { echo "FAIL: shard $k did not take its shard from Slurm"; failures=$((failures + 1)); }
done
grep -q '<testsuites' "$work/campaign/merged.xml" 2>/dev/null ||
  { echo "FAIL: no merged JUnit report"; failures=$((failures + 1)); }
cat "$work/campaign/merge.out" 2>/dev/null
[ "$failures" -eq 0 ] && echo "ok: 4 Slurm shards ($backend) merged into the unsharded report"
[ "$failures" -eq 0 ]
