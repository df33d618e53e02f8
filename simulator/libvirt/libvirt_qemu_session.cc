#include "simulator/libvirt/libvirt_qemu_session.h"
#include "simulator/libvirt/set_current.h"

#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "core/seeded_stream.h"
#include "simulator/backend.h"
#include "simulator/libvirt/libvirt_backend.h"
#include "simulator/qemu/qemu_img_tools.h"

namespace snapsim::simulator {
namespace {

using Json = nlohmann::json;

// The last libvirt error on this thread as a reply (the parent maps the number).
Json LibvirtError(const char* call) {
  virErrorPtr error = virGetLastError();
  Json reply = {{"ok", false}, {"code", 0}, {"message", fmt::format("{} failed", call)}};
  if (error != nullptr) {
    reply["code"] = error->code;
    reply["message"] = error->message ? error->message : "";
  }
  virResetLastError();
  return reply;
}

Json Ok() { return {{"ok", true}}; }
Json Check(int rc, const char* call) { return rc < 0 ? LibvirtError(call) : Ok(); }

// The value of attribute `name` in the first tag starting at `from` ("" when absent).
std::string Attribute(const std::string& xml, size_t from, const std::string& name) {
  const size_t end = xml.find('>', from);
  for (const char quote : {'\'', '"'}) {
    const std::string key = " " + name + "=" + quote;
    const size_t at = xml.find(key, from);
    if (at == std::string::npos || at > end) continue;
    const size_t start = at + key.size();
    return xml.substr(start, xml.find(quote, start) - start);
  }
  return "";
}

struct SnapshotRef {
  virDomainSnapshotPtr ptr = nullptr;
  ~SnapshotRef() {
    if (ptr) virDomainSnapshotFree(ptr);
  }
};

}  // namespace

std::map<std::string, std::string> DiskSourcesInXml(const std::string& xml) {
  std::map<std::string, std::string> sources;
  for (size_t at = xml.find("<disk "); at != std::string::npos; at = xml.find("<disk ", at + 1)) {
    const size_t end = xml.find("</disk>", at);
    const size_t source = xml.find("<source ", at);
    const size_t target = xml.find("<target ", at);
    if (end == std::string::npos || source > end || target > end) continue;
    sources[Attribute(xml, target, "dev")] = Attribute(xml, source, "file");
  }
  return sources;
}

std::optional<std::string> LibvirtQemuSession::Open() {
  virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
  if (virEventRegisterDefaultImpl() < 0) return "cannot register libvirt's event loop";
  loop_ = std::thread([this] {
    while (!stop_loop_) virEventRunDefaultImpl();
  });
  const std::string uri = "qemu:///embed?root=" + root_;
  connection_ = virConnectOpen(uri.c_str());
  if (connection_ == nullptr) {
    return fmt::format("cannot open {}: {}", uri, LibvirtError("open").value("message", ""));
  }
  return std::nullopt;
}

Json LibvirtQemuSession::Handle(const Json& request) {
  const std::string op = request.value("op", "");
  if (op == "begin") return Begin(request);
  if (op == "end") {
    Close();
    return Ok();
  }
  if (domain_ == nullptr) throw BackendFailure(fmt::format("`{}` before `begin`", op));
  if (op == "create") {
    SnapshotRef snapshot{virDomainSnapshotCreateXML(domain_,
                                                    request.at("xml").get<std::string>().c_str(),
                                                    request.at("flags").get<unsigned>())};
    return snapshot.ptr ? Ok() : LibvirtError("virDomainSnapshotCreateXML");
  }
  if (op == "delete" || op == "revert") {
    const std::string name = request.at("name");
    SnapshotRef snapshot{virDomainSnapshotLookupByName(domain_, name.c_str(), 0)};
    if (snapshot.ptr == nullptr) return LibvirtError("virDomainSnapshotLookupByName");
    const unsigned flags = request.at("flags");
    return op == "delete"
               ? Check(virDomainSnapshotDelete(snapshot.ptr, flags), "virDomainSnapshotDelete")
               : Check(virDomainRevertToSnapshot(snapshot.ptr, flags), "virDomainRevertToSnapshot");
  }
  if (op == "set_current") {
    const std::string name = request.at("name");
    Json reply = Ok();
    RedefineAsCurrent(domain_, name.c_str(), [&](const char* call) { reply = LibvirtError(call); });
    return reply;
  }
  if (op == "power") return Power(request.at("call"));
  if (op == "write") return Write(request);
  if (op == "flush") return Flush();
  if (op == "observe") return Observe();
  if (op == "disks") return {{"ok", true}, {"disks", ActiveFiles()}};
  if (op == "snapshot_disk") return SnapshotDisk(request.at("name"), request.at("target"));
  throw BackendFailure(fmt::format("unknown request `{}`", op));
}

Json LibvirtQemuSession::Begin(const Json& request) {
  domain_name_ = request.at("domain");
  if (virDomainPtr existing = virDomainLookupByName(connection_, domain_name_.c_str())) {
    virDomainFree(existing);
    throw BackendFailure(fmt::format("domain {} already exists", domain_name_));
  }
  virResetLastError();
  QemuImgTools tools(root_ + "/disks");
  for (const Json& disk : request.at("disks")) {
    tools.Create(disk.at("file"), disk.at("size").get<uint64_t>());
  }
  domain_ = virDomainDefineXML(connection_, request.at("xml").get<std::string>().c_str());
  if (domain_ == nullptr) {
    throw BackendFailure("cannot define the domain: " +
                         LibvirtError("define").value("message", ""));
  }
  const std::string state = request.at("state");
  if (state != "shutoff" && virDomainCreate(domain_) < 0) {
    throw BackendFailure("cannot start the domain: " + LibvirtError("start").value("message", ""));
  }
  if (state == "paused" && virDomainSuspend(domain_) < 0) {
    throw BackendFailure("cannot pause the domain: " +
                         LibvirtError("suspend").value("message", ""));
  }
  return Ok();
}

Json LibvirtQemuSession::Power(const std::string& call) {
  if (call == "start") return Check(virDomainCreate(domain_), "virDomainCreate");
  if (call == "destroy") return Check(virDomainDestroy(domain_), "virDomainDestroy");
  if (call == "suspend") return Check(virDomainSuspend(domain_), "virDomainSuspend");
  if (call == "resume") return Check(virDomainResume(domain_), "virDomainResume");
  throw BackendFailure("unknown power call " + call);
}

bool LibvirtQemuSession::Active() {
  int state = 0, reason = 0;
  if (virDomainGetState(domain_, &state, &reason, 0) < 0) {
    throw BackendFailure("virDomainGetState: " + LibvirtError("state").value("message", ""));
  }
  return state != VIR_DOMAIN_SHUTOFF;
}

std::string LibvirtQemuSession::Hmp(const std::string& command) {
  char* reply = nullptr;
  if (virDomainQemuMonitorCommand(domain_, command.c_str(), &reply,
                                  VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP) < 0) {
    throw BackendFailure(
        fmt::format("HMP `{}`: {}", command, LibvirtError("monitor").value("message", "")));
  }
  std::string text = reply ? reply : "";
  free(reply);
  return text;
}

Json LibvirtQemuSession::Write(const Json& request) {
  const std::string target = request.at("target");
  const uint64_t offset = request.at("offset"), length = request.at("length");
  scenario::Content content;
  if (request.contains("fill")) {
    content = scenario::Fill{request.at("fill").get<uint8_t>()};
  } else {
    content = scenario::Seed{request.at("seed").get<uint64_t>()};
  }
  if (!Active()) {
    // Shut off: qemu-io on the image the domain would boot from, as libvirt leaves it.
    QemuImgTools(root_ + "/disks").Write(ActiveFiles().at(target), offset, length, content);
    return Ok();
  }
  // Running or paused: through QEMU's own block layer, on the device's current image.
  // qemu-io prints to QEMU's stdout (the domain log), so its reply text stays empty.
  const std::string device =
      fmt::format("/machine/peripheral/virtio-disk{}/virtio-backend", target.back() - 'a');
  std::string command;
  std::string seed_file;
  if (const auto* fill = std::get_if<scenario::Fill>(&content)) {
    command = fmt::format("write -q -P 0x{:02x} {} {}", fill->byte, offset, length);
  } else {
    std::vector<uint8_t> bytes(length);
    SeededStream(std::get<scenario::Seed>(content).seed).Fill(offset, bytes);
    seed_file = fmt::format("{}/disks/seed-{}.raw", root_, next_seed_file_++);
    std::ofstream out(seed_file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(length));
    if (!out.flush()) throw BackendFailure("cannot write seeded data to " + seed_file);
    command = fmt::format("write -q -s {} {} {}", seed_file, offset, length);
  }
  const std::string out = Hmp(fmt::format("qemu-io -d {} \"{}\"", device, command));
  if (!seed_file.empty()) std::filesystem::remove(seed_file);
  if (!out.empty()) throw BackendFailure(fmt::format("qemu-io {} {}: {}", device, command, out));
  return Ok();
}

Json LibvirtQemuSession::Flush() {
  if (!Active()) return Ok();
  for (const auto& [target, file] : ActiveFiles()) {
    const std::string out =
        Hmp(fmt::format("qemu-io -d /machine/peripheral/virtio-disk{}/virtio-backend \"flush\"",
                        target.back() - 'a'));
    if (!out.empty()) throw BackendFailure(fmt::format("flush of {}: {}", target, out));
  }
  return Ok();
}

std::map<std::string, std::string> LibvirtQemuSession::ActiveFiles() {
  char* xml = virDomainGetXMLDesc(domain_, 0);
  if (xml == nullptr) {
    throw BackendFailure("virDomainGetXMLDesc: " + LibvirtError("xml").value("message", ""));
  }
  std::string text = xml;
  free(xml);
  return DiskSourcesInXml(text);
}

namespace {

// A tree as a list of [name, tree] pairs, in libvirt's order.
Json TreeToJson(const scenario::Tree& tree) {
  Json pairs = Json::array();
  for (const auto& [name, child] : tree.children) pairs.push_back({name, TreeToJson(child)});
  return pairs;
}

}  // namespace

Json LibvirtQemuSession::Observe() {
  auto observation = ObserveDomain(domain_);  // the same reading as every libvirt backend
  if (!observation.ok()) {
    return {{"ok", false},
            {"code", ErrorClassNumber(observation.status().error_class())},
            {"message", observation.status().message()}};
  }
  Json reply = Ok();
  reply["state"] = std::string(PowerStateName(observation->state));
  if (observation->current) reply["current"] = *observation->current;
  reply["tree"] = TreeToJson(observation->forest);
  return reply;
}

Json LibvirtQemuSession::SnapshotDisk(const std::string& name, const std::string& target) {
  SnapshotRef snapshot{virDomainSnapshotLookupByName(domain_, name.c_str(), 0)};
  if (snapshot.ptr == nullptr) return LibvirtError("virDomainSnapshotLookupByName");
  char* xml = virDomainSnapshotGetXMLDesc(snapshot.ptr, 0);
  if (xml == nullptr) return LibvirtError("virDomainSnapshotGetXMLDesc");
  const std::string text = xml;
  free(xml);
  // <disks> says how each disk was taken; the saved <domain> what it ran on then, which
  // holds the internal snapshot, or is the external overlay's backing image.
  std::string mode;
  for (size_t at = text.find("<disk name="); at != std::string::npos;
       at = text.find("<disk name=", at + 1)) {
    if (Attribute(text, at, "name") == target) mode = Attribute(text, at, "snapshot");
  }
  const size_t domain = text.find("<domain ");
  if (domain == std::string::npos || (mode != "internal" && mode != "external")) return Ok();
  const auto sources = DiskSourcesInXml(text.substr(domain));
  auto it = sources.find(target);
  if (it == sources.end() || it->second.empty()) return Ok();
  return {{"ok", true}, {"path", mode == "internal" ? it->second + "@" + name : it->second}};
}

pid_t LibvirtQemuSession::QemuPid() const {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(root_ + "/run/qemu", error)) {
    // driver.pid is the driver's own lock file (the worker); the domain's is NAME.pid.
    if (entry.path().extension() != ".pid" || entry.path().filename() == "driver.pid") continue;
    std::ifstream in(entry.path());
    pid_t pid = 0;
    if (in >> pid && pid > 0 && kill(pid, 0) == 0) return pid;
  }
  return 0;
}

void LibvirtQemuSession::Close() {
  if (domain_ != nullptr) {
    int state = 0, reason = 0;
    if (virDomainGetState(domain_, &state, &reason, 0) == 0 && state != VIR_DOMAIN_SHUTOFF) {
      virDomainDestroy(domain_);
    }
    virDomainUndefineFlags(domain_, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA);
    virDomainFree(domain_);
    domain_ = nullptr;
    virResetLastError();
  }
  if (connection_ != nullptr) {
    virConnectClose(connection_);
    connection_ = nullptr;
  }
  // The loop thread may sit in poll() for good; the worker _exit()s right after.
  stop_loop_ = true;
  if (loop_.joinable()) loop_.detach();
}

}  // namespace snapsim::simulator
