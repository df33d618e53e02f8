#!/usr/bin/env bash
# Submits a snapsim campaign to Slurm as a job array of N shards, then a job that merges
# the shards' reports when they have all ended (whatever their exit status: a shard that
# found a divergence exits 1, and one that died is named by the merge as missing).
#
# Usage: deploy/slurm/submit-campaign.sh --shards N --out DIR [--wait] [--sbatch "OPTIONS"]
#            -- SNAPSIM VERB ARGS...
#   e.g.   deploy/slurm/submit-campaign.sh --shards 64 --out /shared/fuzz-qemu -- \
#            /opt/snapsim/snapsim fuzz --hypervisor qemu --backend libvirt-qemu \
#            --seed 7 --runs 15625 --known conformance/fuzz_known_findings.txt
# Shard K runs `SNAPSIM VERB ARGS --shard auto --json DIR/shard-K.json` (K and N from
# SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT), its output in DIR/shard-K.out; the
# merge job writes DIR/merged.json, DIR/merged.xml (JUnit), DIR/merged.html and its output
# DIR/merge.out. DIR must be visible from every node. --wait returns when the merge job
# has ended, with its exit status (0 held, 1 something found, 2 a shard missing or bad).
# Prints the two job ids (array, merge).
set -euo pipefail

shards="" out="" wait=false extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --shards) shards="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --wait) wait=true; shift ;;
    --sbatch) read -r -a extra <<<"$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "submit-campaign: unknown option $1" >&2; exit 2 ;;
  esac
done
if ! [[ "$shards" =~ ^[1-9][0-9]*$ ]] || [ -z "$out" ] || [ $# -lt 2 ]; then
  sed -n '5,9p' "$0" >&2
  exit 2
fi
snapsim="$1"
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The shard job: the command as given, quoted once, then the shard's own options.
command=$(printf '%q ' "$snapsim" "$@")
cat >"$out/shard.sbatch" <<SCRIPT
#!/usr/bin/env bash
exec $command--shard auto --json "$out/shard-\${SLURM_ARRAY_TASK_ID}.json"
SCRIPT
reports=""
for ((k = 0; k < shards; k++)); do reports+=" $(printf '%q' "$out/shard-$k.json")"; done
cat >"$out/merge.sbatch" <<SCRIPT
#!/usr/bin/env bash
exec $(printf '%q' "$snapsim") report merge$reports --json "$out/merged.json" \
  --junit "$out/merged.xml" --html "$out/merged.html"
SCRIPT

array=$(sbatch --parsable "${extra[@]}" --job-name=snapsim-shards --array="0-$((shards - 1))" \
  --output="$out/shard-%a.out" --chdir="$PWD" "$out/shard.sbatch")
array=${array%%;*}
merge_options=(--parsable "${extra[@]}" --job-name=snapsim-merge --dependency="afterany:$array"
  --output="$out/merge.out" --chdir="$PWD")
$wait && merge_options+=(--wait)
echo "array job $array: $shards shards; merge job follows"
set +e
merge=$(sbatch "${merge_options[@]}" "$out/merge.sbatch")
status=$?
set -e
echo "merge job ${merge%%;*}: reports in $out (merged.json, merged.xml, merged.html)"
exit $status
