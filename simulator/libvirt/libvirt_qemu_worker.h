#pragma once
// The libvirt-qemu worker: a child process that runs libvirt's QEMU driver in embedded
// mode (qemu:///embed?root=ROOT) and serves the parent's requests over a socket, one
// line of JSON per request and per reply.
//
// Why a separate process: as root, the embedded driver refuses to start unless a
// `libvirt-qemu` user exists (Debian's default user is resolved before qemu.conf is read).
// The worker drops to `nobody` instead, so nothing has to be added to the system, and
// snapsim itself keeps its privileges. The root's etc/qemu.conf sets
// stdio_handler="file", so libvirt spawns no per-user virtlogd.
//
// Requests ("op" and its arguments) and replies:
//   begin    {domain, xml, disks: [{file, size}], state}  images made, domain defined and
//            put in `state`
//   create   {xml, flags}        virDomainSnapshotCreateXML
//   delete   {name, flags}       virDomainSnapshotDelete
//   revert   {name, flags}       virDomainRevertToSnapshot
//   set_current {name}           redefine NAME's own XML as current (set_current.h)
//   power    {call}              start | destroy | suspend | resume
//   write    {target, offset, length, fill | seed}  HMP qemu-io when active, else qemu-io
//   flush                        HMP qemu-io flush on every disk of an active domain
//   observe                      {state, current, tree}
//   disks                        {disks: {target: file}} the files the domain runs on
//   snapshot_disk {name, target} {path}: the file (IMAGE@NAME when internal) or absent
//   end                          the domain destroyed and undefined; the worker exits
// Every reply has "ok"; a libvirt error adds "code" (virErrorNumber) and "message"; a
// failure of the worker itself adds "failure". "qemu_pid" is the domain's QEMU, or 0.

#include <sys/types.h>

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace snapsim::simulator {

struct LibvirtQemuWorkerSetup {
  std::string root;          // the embedded driver's root folder (absolute)
  std::optional<uid_t> uid;  // drop to this user (and `gid`) when set
  gid_t gid = 0;
  pid_t parent = 0;  // snapsim: the worker dies with it, whatever its user
};

// Runs the worker on `fd` until an `end` request or the parent closing the socket, then
// _exit()s (never runs the parent's atexit handlers). First sends a hello line: {ok} or
// {ok: false, failure}.
[[noreturn]] void RunLibvirtQemuWorker(int fd, const LibvirtQemuWorkerSetup& setup);

// One JSON value as one line on `fd`. False when the peer is gone.
bool SendJsonLine(int fd, const nlohmann::json& value);
// The next line from `fd` as JSON; nullopt on EOF, timeout or a malformed line.
// `buffer` keeps bytes read past the line between calls.
std::optional<nlohmann::json> ReceiveJsonLine(int fd, std::string& buffer, int64_t timeout_ms);

}  // namespace snapsim::simulator
