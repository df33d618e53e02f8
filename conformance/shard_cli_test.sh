#!/usr/bin/env bash
# --shard on the campaign verbs, checked on the real binary: K/N and `auto` from each
# engine's variables (Slurm, Kubernetes, GoogleTest, GitLab), clear errors (exit 2) when
# auto finds none or inconsistent ones, and the environment left unread without --shard.
# Usage: shard_cli_test.sh SNAPSIM   (run from the repository root)
set -u
snapsim="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# No engine variable leaks in from the machine running the test.
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX \
  SLURM_ARRAY_TASK_STEP JOB_COMPLETION_INDEX SNAPSIM_SHARD_COUNT GTEST_SHARD_INDEX \
  GTEST_TOTAL_SHARDS CI_NODE_INDEX CI_NODE_TOTAL

# shard_of WANT DESCRIPTION -- [VAR=VALUE...] -- ARGS...: the run's plan line names shard WANT.
shard_of() {
  local want="$1" what="$2"
  shift 3
  local vars=()
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  env "${vars[@]}" "$snapsim" run scenarios/esx "$@" >"$work/out" 2>&1
  local status=$?
  if [ "$status" -ne 0 ] || ! grep -q "shard $want[ :]" "$work/out"; then
    fail "$what: exit $status, expected shard $want"
    sed 's/^/    /' "$work/out" | grep -v '^    pass' | head -5
  fi
}
# refused DESCRIPTION WANT_TEXT -- [VAR=VALUE...] -- ARGS...: exit 2 naming WANT_TEXT.
refused() {
  local what="$1" want="$2"
  shift 3
  local vars=()
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  env "${vars[@]}" "$snapsim" "$@" >"$work/out" 2>&1
  local status=$?
  if [ "$status" -ne 2 ] || ! grep -q -- "$want" "$work/out"; then
    fail "$what: exit $status, expected 2 and '$want'"
    sed 's/^/    /' "$work/out" | head -5
  fi
}

shard_of 1/3 "K/N" -- -- --shard 1/3 --quiet
shard_of 0/1 "GoogleTest's variables without --shard are not read" -- \
  GTEST_SHARD_INDEX=1 GTEST_TOTAL_SHARDS=3 -- --quiet
shard_of 0/1 "Slurm's variables without --shard are not read" -- \
  SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=3 -- --quiet
shard_of 2/4 "auto: Slurm" -- SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=4 -- --shard auto --quiet
shard_of 1/3 "auto: Slurm, array 4-6" -- SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_MIN=4 \
  SLURM_ARRAY_TASK_MAX=6 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_STEP=1 -- --shard auto --quiet
shard_of 3/5 "auto:N: Kubernetes" -- JOB_COMPLETION_INDEX=3 -- --shard auto:5 --quiet
shard_of 3/5 "auto: Kubernetes with SNAPSIM_SHARD_COUNT" -- JOB_COMPLETION_INDEX=3 \
  SNAPSIM_SHARD_COUNT=5 -- --shard auto --quiet
shard_of 1/2 "auto: GoogleTest" -- GTEST_SHARD_INDEX=1 GTEST_TOTAL_SHARDS=2 -- --shard auto --quiet
shard_of 0/3 "auto: GitLab is 1-based" -- CI_NODE_INDEX=1 CI_NODE_TOTAL=3 -- --shard auto --quiet
shard_of 2/3 "auto: two engines that agree" -- CI_NODE_INDEX=3 CI_NODE_TOTAL=3 \
  GTEST_SHARD_INDEX=2 GTEST_TOTAL_SHARDS=3 -- --shard auto --quiet
grep -q "shard 2/3 (GoogleTest: GTEST_SHARD_INDEX=2 GTEST_TOTAL_SHARDS=3)" "$work/out" ||
  { fail "auto names the engine and its variables"; head -3 "$work/out"; }

refused "auto without any engine" "no engine's shard variables are set" -- -- \
  run scenarios/esx --shard auto
refused "auto: Kubernetes without a count" "JOB_COMPLETION_INDEX" -- JOB_COMPLETION_INDEX=1 -- \
  run scenarios/esx --shard auto
refused "auto: half of GoogleTest's variables" "GTEST_TOTAL_SHARDS is not" -- \
  GTEST_SHARD_INDEX=1 -- run scenarios/esx --shard auto
refused "auto: engines that disagree" "says shard" -- GTEST_SHARD_INDEX=1 GTEST_TOTAL_SHARDS=3 \
  CI_NODE_INDEX=1 CI_NODE_TOTAL=3 -- run scenarios/esx --shard auto
refused "auto:N against the engine's count" "disagrees" -- SLURM_ARRAY_TASK_ID=1 \
  SLURM_ARRAY_TASK_COUNT=4 -- run scenarios/esx --shard auto:3
refused "auto: a stepped Slurm array" "not one contiguous range" -- SLURM_ARRAY_TASK_ID=2 \
  SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_STEP=2 -- run scenarios/esx --shard auto
refused "auto: GitLab index 0 (it is 1-based)" "0 <= K < N" -- CI_NODE_INDEX=0 CI_NODE_TOTAL=3 -- \
  run scenarios/esx --shard auto
refused "auto: a variable that is no number" "is no number" -- SLURM_ARRAY_TASK_ID=x \
  SLURM_ARRAY_TASK_COUNT=3 -- run scenarios/esx --shard auto
refused "a bad K/N" "0 <= K < N" -- -- run scenarios/esx --shard 3/2
refused "fuzz: a bad shard" "0 <= K < N" -- -- fuzz --hypervisor esx --shard 1/0
refused "fuzz: auto without any engine" "no engine's shard variables" -- -- \
  fuzz --hypervisor esx --shard auto
refused "explore --shard without --backend" "needs --backend" -- -- \
  explore --hypervisor esx --depth 2 --shard 0/2

# fuzz: shards print their part and hold; each runs --runs sequences.
for k in 0 1 2; do
  env SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=3 \
    "$snapsim" fuzz --hypervisor qemu --runs 20 --steps 10 --shard auto >"$work/fuzz.$k" 2>&1 ||
    fail "fuzz shard $k/3 should hold"
  grep -q "shard $k/3 (Slurm: SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=3)" "$work/fuzz.$k" ||
    { fail "fuzz shard $k/3: no shard in its header"; head -3 "$work/fuzz.$k"; }
  grep -q "^20 sequences held" "$work/fuzz.$k" || fail "fuzz shard $k/3: not 20 sequences"
done

# explore --backend: the shards' transitions add up to the unsharded run's.
if "$snapsim" backends | grep -qE '^libvirt-test +available'; then
  explore() { "$snapsim" explore --hypervisor test --depth 3 --names 2 --backend libvirt-test \
    --out "$work/explore" "$@"; }
  explore >"$work/explore.all" 2>&1
  all=$(sed -n 's/.*transitions: \([0-9]*\) checked of \([0-9]*\).*/\1 \2/p' "$work/explore.all")
  sum_checked=0 sum_total=0
  for k in 0 1 2 3; do
    explore --shard $k/4 >"$work/explore.$k" 2>&1
    read -r checked total < <(sed -n 's/.*transitions: \([0-9]*\) checked of \([0-9]*\).*/\1 \2/p' \
      "$work/explore.$k")
    sum_checked=$((sum_checked + checked)) sum_total=$((sum_total + total))
  done
  [ "$sum_checked $sum_total" = "$all" ] ||
    { fail "explore shards: $sum_checked checked of $sum_total, unsharded $all"; }
else
  echo "libvirt-test not available here: the explore --shard totals are not checked"
fi

[ "$failures" -eq 0 ] && echo "ok"
[ "$failures" -eq 0 ]
