#!/usr/bin/env bash
# snapsim report merge on the real binary: the merged reports of N shards are byte for byte
# the unsharded run's (run: JSON and JUnit; fuzz and explore: JSON), a malformed shard
# report is FILE:LINE: error with exit 2, and a missing, repeated or foreign shard is named.
# Usage: report_merge_test.sh SNAPSIM   (run from the repository root)
set -u
snapsim="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
same() {  # same WHAT FILE1 FILE2
  cmp -s "$2" "$3" || { fail "$1: merged report differs from the unsharded one"; diff "$2" "$3" | head -5; }
}
have() { "$snapsim" backends | grep -qE "^$1 +available"; }

# run: the corpus on the model (and libvirt-test, with its known findings), 3 shards.
backends=model
have libvirt-test && backends=model,libvirt-test
run() { "$snapsim" run scenarios --backend "$backends" --known conformance/known_divergences.txt \
  --quiet "$@" >/dev/null; }
run --json "$work/run.json" --junit "$work/run.xml"
for k in 0 1 2; do run --shard $k/3 --json "$work/run.$k.json"; done
"$snapsim" report merge "$work"/run.{2,0,1}.json --json "$work/run.merged.json" \
  --junit "$work/run.merged.xml" --html "$work/run.merged.html" >"$work/out" 2>&1 ||
  { fail "run merge: exit $?"; cat "$work/out"; }
same "run JSON" "$work/run.json" "$work/run.merged.json"
same "run JUnit" "$work/run.xml" "$work/run.merged.xml"
grep -q "merged 3 shards of a run report" "$work/out" || fail "run merge: no summary"
grep -q "<html" "$work/run.merged.html" || fail "run merge: no HTML report"
# A filtered run keeps each case's place: its shards merge into the filtered unsharded run.
run --filter '/esx/' --json "$work/filtered.json"
for k in 0 1; do run --filter '/esx/' --shard $k/2 --json "$work/filtered.$k.json"; done
"$snapsim" report merge "$work"/filtered.{0,1}.json --json "$work/filtered.merged.json" >/dev/null
same "filtered run JSON" "$work/filtered.json" "$work/filtered.merged.json"

# fuzz: the model against itself, 4 shards of 15 = one run of 60.
fuzz() { "$snapsim" fuzz --hypervisor qemu --seed 9 --steps 12 --out "$work/fuzz" "$@" >/dev/null; }
fuzz --runs 60 --json "$work/fuzz.json"
for k in 0 1 2 3; do fuzz --runs 15 --shard $k/4 --json "$work/fuzz.$k.json"; done
"$snapsim" report merge "$work"/fuzz.[0-3].json --json "$work/fuzz.merged.json" >/dev/null ||
  fail "fuzz merge of sequences that held: exit $?"
same "fuzz JSON" "$work/fuzz.json" "$work/fuzz.merged.json"
# ... and qemu-img, which may diverge: the campaign ends at its first failure, if any.
if have qemu-img; then
  qfuzz() { "$snapsim" fuzz --hypervisor qemu --backend qemu-img --seed 2 --steps 10 "$@" >/dev/null; }
  qfuzz --runs 20 --out "$work/q" --json "$work/qfuzz.json"
  whole=$?
  for k in 0 1 2 3; do qfuzz --runs 5 --shard $k/4 --out "$work/q.$k" --json "$work/qfuzz.$k.json"; done
  "$snapsim" report merge "$work"/qfuzz.[0-3].json --json "$work/qfuzz.merged.json" >"$work/out"
  merged=$?
  [ "$merged" -eq "$whole" ] || fail "fuzz merge exits $merged, the unsharded run $whole"
  same "qemu-img fuzz JSON" "$work/qfuzz.json" "$work/qfuzz.merged.json"
  # --keep-going: every sequence, and the first counterexample of each signature.
  qfuzz --keep-going --runs 18 --out "$work/k" --json "$work/keep.json"
  for k in 0 1; do
    qfuzz --keep-going --runs 9 --shard $k/2 --out "$work/k.$k" --json "$work/keep.$k.json"
  done
  "$snapsim" report merge "$work"/keep.[0-1].json --json "$work/keep.merged.json" >/dev/null
  same "fuzz --keep-going JSON" "$work/keep.json" "$work/keep.merged.json"
  if grep -q '"event":"counterexample"' "$work/keep.0.json"; then
    # Shard 1 also meets shard 0's signature, at sequence 1 (made so): the merge keeps the
    # counterexample of sequence 1 only, the first of that signature.
    python3 - "$work/keep.0.json" "$work/keep.1.json" "$work/keep.1.same.json" <<'PY'
import json, sys
found = next(json.loads(l) for l in open(sys.argv[1]) if '"event":"counterexample"' in l)
found["index"] = 1
with open(sys.argv[3], "w") as out:
    for line in open(sys.argv[2]):
        event = json.loads(line)
        if event["event"] == "sequence" and event["index"] == 1:
            line = '{"event":"sequence","index":1,"verdict":"failed"}\n'
        if event["event"] == "end":
            out.write(json.dumps(found, separators=(",", ":"), ensure_ascii=False) + "\n")
        out.write(line)
PY
    "$snapsim" report merge "$work/keep.0.json" "$work/keep.1.same.json" \
      --json "$work/keep.dedup.json" >/dev/null
    [ "$(grep -c '"event":"counterexample"' "$work/keep.dedup.json")" -eq 1 ] &&
      grep -q '"event":"counterexample","index":1,' "$work/keep.dedup.json" ||
      fail "counterexamples of one signature from two shards should be kept once, the first"
  else
    echo "qemu-img held in shard 0 here: the merge's dedup by signature is not checked"
  fi
else
  echo "qemu-img not available here: the merge of a failing fuzz campaign is not checked"
fi

# explore --backend: libvirt-test's transitions in 3 shards.
if have libvirt-test; then
  explore() { "$snapsim" explore --hypervisor test --depth 3 --names 2 --backend libvirt-test \
    --out "$work/explore" "$@" >/dev/null; }
  explore --json "$work/explore.json"
  for k in 0 1 2; do explore --shard $k/3 --json "$work/explore.$k.json"; done
  "$snapsim" report merge "$work"/explore.[0-2].json --json "$work/explore.merged.json" \
    >/dev/null || fail "explore merge: exit $?"
  same "explore JSON" "$work/explore.json" "$work/explore.merged.json"
fi

# Bad input, exit 2: named shard missing, a shard twice, a malformed line, no shard identity,
# another campaign.
refused() {  # refused WHAT WANT_TEXT -- FILE...
  local what="$1" want="$2"
  shift 3
  "$snapsim" report merge "$@" >"$work/out" 2>&1
  local status=$?
  [ "$status" -eq 2 ] && grep -q -- "$want" "$work/out" ||
    { fail "$what: exit $status, expected 2 and '$want'"; head -3 "$work/out"; }
}
refused "a missing shard" "missing shard 1/3 of 3: given 0/3 ($work/run.0.json), 2/3" -- \
  "$work/run.0.json" "$work/run.2.json"
refused "a shard twice" "are both shard 0/3" -- "$work/run.0.json" "$work/run.0.json" \
  "$work/run.1.json"
sed '3s/.*/{"event":"step", oops/' "$work/run.1.json" >"$work/broken.json"
refused "a malformed line" "$work/broken.json:3: error" -- "$work/run.0.json" \
  "$work/broken.json" "$work/run.2.json"
head -n 4 "$work/run.1.json" >"$work/cut.json"
refused "a report cut short" "$work/cut.json:" -- "$work/run.0.json" "$work/cut.json" \
  "$work/run.2.json"
refused "an unsharded report" "$work/run.json:1: error: no shard identity" -- "$work/run.json"
sed '1s/"seed":1,/"seed":2,/' "$work/run.1.json" >"$work/other-seed.json"
refused "another campaign's shard" "shards of different campaigns" -- "$work/run.0.json" \
  "$work/other-seed.json" "$work/run.2.json"
refused "a fuzz shard among run shards" "is a run report but" -- "$work/run.0.json" \
  "$work/fuzz.1.json"
refused "a missing file" "$work/nosuch.json: error: cannot read it" -- "$work/nosuch.json"
# A fuzz shard that was cut short (interrupted) leaves the campaign incomplete: named.
grep -v '"index":5,' "$work/fuzz.1.json" >"$work/fuzz.hole.json"
refused "a fuzz shard with a hole" "shard 1/4 ($work/fuzz.hole.json) has no sequence 5" -- \
  "$work/fuzz.0.json" "$work/fuzz.hole.json" "$work/fuzz.2.json" "$work/fuzz.3.json"

[ "$failures" -eq 0 ] && echo "ok"
[ "$failures" -eq 0 ]
