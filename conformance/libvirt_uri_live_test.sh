#!/usr/bin/env bash
# libvirt:qemu:///system against a libvirtd started for the test (libvirtd_sandbox.sh):
#   - the qemu corpus passes (known findings allowed) and leaves no snapsim-* domain or
#     disk folder behind;
#   - a foreign domain with a disk and a snapshot is unchanged byte for byte (its XML,
#     its snapshot list, its disk), whatever snapsim did next to it;
#   - SIGINT in the middle of a run removes the run's domains (exit 130) through End(),
#     and a second SIGINT or SIGKILL through the cleanup guard;
#   - a domain named after a dead pid makes `run` refuse (exit 3, naming `snapsim clean`),
#     `snapsim clean` removes it and its disk folder, and never a live run's domain.
# Usage: libvirt_uri_live_test.sh SNAPSIM. Exit 77 (skipped) when no libvirtd can run here.
set -uo pipefail

snapsim=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/snapsim-uri-live-XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ -z "${SNAPSIM_URI_TEST_INSIDE:-}" ]; then
  SNAPSIM_URI_TEST_INSIDE=1 "$here/libvirtd_sandbox.sh" "$work/sandbox" -- "$0" "$@"
  exit $?
fi

uri=qemu:///system
backend=libvirt:$uri
images=/var/lib/libvirt/images
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
virsh() { command virsh -q -c "$uri" "$@"; }
snapsim_domains() { virsh list --all --name | grep '^snapsim-' || true; }
# Not `| grep -q`: with pipefail, grep quitting early can fail virsh with SIGPIPE.
domains_of() { virsh list --all --name | grep "^snapsim-$1-" || true; }

# A foreign domain, shut off, with a qcow2 disk holding data and an internal snapshot.
foreign=foreign-$$
qemu-img create -q -f qcow2 "$images/$foreign.qcow2" 16M
qemu-io -c 'write -q -P 0x5a 0 1M' "$images/$foreign.qcow2" >/dev/null
cat >"$work/foreign.xml" <<EOF
<domain type='qemu'><name>$foreign</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='$images/$foreign.qcow2'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>
EOF
virsh define "$work/foreign.xml" >/dev/null || fail "cannot define $foreign"
virsh snapshot-create-as "$foreign" kept >/dev/null || fail "cannot snapshot $foreign"
foreign_state() {
  virsh dumpxml "$foreign"
  virsh snapshot-list "$foreign" --name
  virsh snapshot-dumpxml "$foreign" kept | grep -v '<creationTime>'
  sha256sum "$images/$foreign.qcow2"
}
foreign_state >"$work/foreign.before"

# 1. The corpus.
start=$(date +%s)
cd "$here/.."
timeout 600 "$snapsim" run scenarios/qemu --backend "$backend" --quiet \
  --known conformance/known_divergences.txt >"$work/corpus.out" 2>&1
status=$?
grep -E '^(backend|libvirt:)' "$work/corpus.out"
echo "corpus: exit $status in $(($(date +%s) - start)) s"
[ $status -eq 0 ] || { cat "$work/corpus.out"; fail "the qemu corpus on $backend: exit $status"; }
[ -z "$(snapsim_domains)" ] || fail "domains left after the corpus: $(snapsim_domains)"
[ -z "$(ls "$images" | grep '^snapsim-')" ] || fail "disk folders left: $(ls "$images")"

# 2. Signals while a case runs: the run's domains and disk folders go. One SIGINT: run
#    finishes the case, whose End() removes them (the guard is stopped meanwhile, so it
#    cannot be the one); a second SIGINT, or SIGKILL: the guard removes them.
slow=(scenarios/qemu/internal_snapshot_revert_follows_memory_and_flags.yaml
  scenarios/qemu/revert_running_domain_to_paused_memory_snapshot_restores_its_bytes.yaml
  scenarios/qemu/delete_external_snapshot_while_running_keeps_guest_bytes.yaml)
interrupt() {
  local what=$1 expected=$2 left
  # A background job of a script starts with SIGINT ignored: give snapsim the default.
  # Running domains, reverted more than once: each lives seconds, long enough to be seen.
  env --default-signal=INT "$snapsim" run "${slow[@]}" --backend "$backend" \
    >"$work/signal.out" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    [ -n "$(domains_of $pid)" ] && break
    sleep 0.05
  done
  [ -n "$(domains_of $pid)" ] ||
    fail "$what: no domain of $pid seen: $(cat "$work/signal.out")"
  local guard
  guard=$(pgrep -f -- "--guard-pid $pid\$")
  [ -n "$guard" ] || fail "$what: no cleanup guard for $pid"
  case $what in
    SIGINT)
      kill -STOP $guard
      kill -INT $pid ;;
    "SIGINT twice") kill -INT $pid; sleep 0.2; kill -INT $pid ;;
    SIGKILL) kill -KILL $pid ;;
  esac
  wait $pid 2>/dev/null
  local got=$?
  [ $got -eq "$expected" ] || fail "$what: exit $got, expected $expected"
  if [ "$what" = SIGINT ]; then
    left=$(domains_of $pid)
    [ -z "$left" ] || fail "$what: End() did not remove $left"
    kill -CONT $guard
  fi
  for _ in $(seq 100); do  # the guard acts once snapsim is gone
    [ -n "$(domains_of $pid)" ] || break
    sleep 0.1
  done
  left=$(domains_of $pid)
  [ -z "$left" ] || fail "$what: domains left: $left"
  [ -z "$(ls "$images" | grep "^snapsim-$pid-")" ] || fail "$what: disk folder left"
  echo "$what: exit $got, no domain or disk folder of pid $pid left"
}
interrupt SIGINT 130
interrupt "SIGINT twice" 130
interrupt SIGKILL 137

# 3. A stale domain (its pid is gone) with a disk folder, and a live run's domain.
(exit 0) &
dead=$!
wait $dead
stale=snapsim-$dead-left-behind
mkdir -p "$images/snapsim-$dead-abcdef"
qemu-img create -q -f qcow2 "$images/snapsim-$dead-abcdef/vda.qcow2" 16M
sed -e "s/$foreign\.qcow2/snapsim-$dead-abcdef\/vda.qcow2/" -e "s/<name>$foreign</<name>$stale</" \
  "$work/foreign.xml" >"$work/stale.xml"
virsh define "$work/stale.xml" >/dev/null || fail "cannot define $stale"
live=snapsim-$$-live-run
sed -e "s/<name>$foreign</<name>$live</" -e "/<disk/,/<\/disk>/d" "$work/foreign.xml" \
  >"$work/live.xml"
virsh define "$work/live.xml" >/dev/null || fail "cannot define $live"

"$snapsim" run scenarios/qemu/duplicate_snapshot_name_is_operation_failed.yaml \
  --backend "$backend" >"$work/refused.out" 2>&1
status=$?
[ $status -eq 3 ] || fail "run with a stale domain: exit $status, expected 3"
grep -q "$stale" "$work/refused.out" || fail "the refusal does not name $stale"
grep -q "snapsim clean --backend $backend" "$work/refused.out" ||
  fail "the refusal does not say how to clean: $(cat "$work/refused.out")"
grep -q "$live" "$work/refused.out" && fail "the refusal names the live run's $live"
echo "refused: $(grep error "$work/refused.out")"

"$snapsim" clean --backend "$backend" >"$work/clean.out" 2>&1
status=$?
cat "$work/clean.out"
[ $status -eq 0 ] || fail "clean: exit $status"
grep -q "removed domain $stale" "$work/clean.out" || fail "clean did not report $stale"
grep -q "removed folder $images/snapsim-$dead-abcdef" "$work/clean.out" ||
  fail "clean did not report the folder snapsim-$dead-abcdef"
virsh dominfo "$stale" >/dev/null 2>&1 && fail "clean left $stale"
[ -e "$images/snapsim-$dead-abcdef" ] && fail "clean left the folder snapsim-$dead-abcdef"
virsh dominfo "$live" >/dev/null 2>&1 || fail "clean removed the live run's $live"
virsh undefine "$live" >/dev/null

# 4. --profile: a URI alias names no profile; --profile qemu says which rules apply.
echo 'uri_aliases = [ "snapsim-alias=qemu:///system" ]' >>/etc/libvirt/libvirt.conf  # the sandbox's
one=scenarios/qemu/duplicate_snapshot_name_is_operation_failed.yaml
"$snapsim" run $one --backend libvirt:snapsim-alias >"$work/alias.out" 2>&1
grep -q "1 pairs left out (profile not implemented)" "$work/alias.out" ||
  fail "without --profile: $(cat "$work/alias.out")"
"$snapsim" run $one --backend libvirt:snapsim-alias --profile qemu >"$work/profile.out" 2>&1
status=$?
[ $status -eq 0 ] && grep -q "^libvirt:snapsim-alias *1 " "$work/profile.out" ||
  fail "--profile qemu on the alias: exit $status: $(cat "$work/profile.out")"
"$snapsim" run $one --backend "$backend" --profile esx >"$work/contradiction.out" 2>&1
status=$?
[ $status -eq 2 ] || fail "--profile esx on $uri: exit $status, expected 2"
echo "--profile: the alias runs with --profile qemu; esx on $uri is refused (exit $status)"

# 5. The foreign domain, byte for byte.
foreign_state >"$work/foreign.after"
if ! cmp -s "$work/foreign.before" "$work/foreign.after"; then
  diff "$work/foreign.before" "$work/foreign.after"
  fail "$foreign changed"
else
  echo "$foreign: XML, snapshots and disk bytes unchanged"
fi
virsh snapshot-delete "$foreign" kept >/dev/null
virsh undefine "$foreign" >/dev/null
rm -f "$images/$foreign.qcow2"

[ $failures -eq 0 ] && echo "libvirt:URI live test: ok"
exit $((failures > 0))
