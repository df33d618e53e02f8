#!/usr/bin/env bash
# libvirtd_sandbox.sh DIR -- COMMAND...
# Runs COMMAND next to a libvirtd of its own: in a private mount namespace, /etc/libvirt,
# /run/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt are folders
# under DIR, so qemu:///system inside is this daemon and nothing of the machine's libvirt
# is read or changed. qemu.conf is set for a container without systemd (the settings the
# libvirt-qemu backend gives its embedded driver, and user root: /dev/kvm is root-only
# here, and libvirt re-probes QEMU at every call for another user). libvirtd and virtlogd
# are killed when COMMAND ends; COMMAND's exit status is the script's.
# Exit 77 (before COMMAND runs) when no such daemon can be started here, with the reason.
set -uo pipefail

dir=$1
shift
[ "${1:-}" = "--" ] && shift
readonly skip=77

if [ -z "${SNAPSIM_SANDBOX_INSIDE:-}" ]; then
  for program in unshare libvirtd virtlogd virsh; do
    command -v "$program" >/dev/null || { echo "sandbox: $program is not installed"; exit $skip; }
  done
  [ "$(id -u)" -eq 0 ] || { echo "sandbox: libvirtd for qemu:///system needs root"; exit $skip; }
  [ -d /etc/libvirt ] || { echo "sandbox: no /etc/libvirt (package libvirt-daemon-system)"; exit $skip; }
  mkdir -p "$dir" || exit $skip
  dir=$(cd "$dir" && pwd)
  SNAPSIM_SANDBOX_INSIDE=1 exec unshare --mount --propagation private -- "$0" "$dir" -- "$@"
  echo "sandbox: unshare --mount failed (no CAP_SYS_ADMIN?)"
  exit $skip
fi

mounts=(etc/libvirt run/libvirt var/lib/libvirt var/log/libvirt var/cache/libvirt)
for m in "${mounts[@]}"; do
  mkdir -p "$dir/$m" "/$m" || { echo "sandbox: cannot make /$m"; exit $skip; }
done
cp -a /etc/libvirt/. "$dir/etc/libvirt/"
rm -f "$dir"/etc/libvirt/qemu/networks/autostart/*  # no dnsmasq here: no default network
cat >"$dir/etc/libvirt/qemu.conf" <<'EOF'
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
namespaces = []
stdio_handler = "file"
cgroup_controllers = []
security_driver = "none"
EOF
for m in "${mounts[@]}"; do
  mount --bind "$dir/$m" "/$m" || { echo "sandbox: cannot bind-mount /$m"; exit $skip; }
done
mkdir -p /var/lib/libvirt/images

stop_daemons() {
  for name in libvirtd virtlogd; do
    [ -s "/run/libvirt/$name.sandbox.pid" ] || continue
    pid=$(cat "/run/libvirt/$name.sandbox.pid")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
}
trap stop_daemons EXIT
trap "exit 143" TERM
trap "exit 130" INT

virtlogd --daemon --pid-file=/run/libvirt/virtlogd.sandbox.pid ||
  { echo "sandbox: virtlogd did not start"; exit $skip; }
libvirtd --daemon --pid-file=/run/libvirt/libvirtd.sandbox.pid ||
  { echo "sandbox: libvirtd did not start (see $dir/var/log/libvirt)"; exit $skip; }
for _ in $(seq 100); do
  virsh -q -c qemu:///system version >/dev/null 2>&1 && break
  sleep 0.1
done
virsh -q -c qemu:///system version >/dev/null 2>&1 ||
  { echo "sandbox: libvirtd does not answer on qemu:///system"; exit $skip; }

"$@"
