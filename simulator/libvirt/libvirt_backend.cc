#include "simulator/libvirt/libvirt_backend.h"
#include "core/overloaded.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "core/xml_escape.h"
#include "simulator/libvirt/owned_domains.h"
#include "simulator/libvirt/qemu_domain_xml.h"
#include "simulator/libvirt/set_current.h"
#include "simulator/libvirt/uri_cleanup_guard.h"
#include "simulator/qemu/qemu_img_tools.h"

namespace snapsim::simulator {

void QuietLibvirt() {
  static std::once_flag once;
  std::call_once(once, [] {
    // libvirt's own log prints warnings (the ESX driver one per unexpected vSphere
    // property) and every error, expected ones included (a root has no parent), to
    // stderr. snapsim reports each failure itself with libvirt's message, so the log goes
    // nowhere unless the user configured it (LIBVIRT_LOG_OUTPUTS=4:stderr shows it). This
    // must run before libvirt's first call, which reads the variable.
    setenv("LIBVIRT_LOG_OUTPUTS", "4:file:/dev/null", /*overwrite=*/0);
    // libvirt prints every error to stderr too; snapsim reports them itself.
    virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
  });
}

Status LastLibvirtError(const char* call) {
  virErrorPtr error = virGetLastError();
  if (error == nullptr) {
    return Status::Error(ErrorClass::kInternalError,
                         fmt::format("{} failed without an error", call));
  }
  std::string message = error->message ? error->message : "";
  auto error_class = ErrorClassFromLibvirtNumber(error->code);
  virResetLastError();
  if (!error_class) {
    return Status::Error(ErrorClass::kInternalError,
                         fmt::format("{}: libvirt error {} (no snapshot error class): {}", call,
                                     error->code, message));
  }
  return Status::Error(*error_class, message);
}

namespace {

Status LastError(const char* call) { return LastLibvirtError(call); }

// A diskless domain for a driver other than QEMU's, typed after the driver
// (virConnectGetType: "Test", "bhyve", "Xen", ...).
std::string DisklessDomainXml(virConnectPtr connection, const std::string& name) {
  const char* driver = virConnectGetType(connection);
  std::string type = driver != nullptr ? driver : "qemu";
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return fmt::format(
      "<domain type='{}'><name>{}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
      "<os><type arch='x86_64'>hvm</type></os></domain>",
      XmlEscape(type), XmlEscape(name));
}

bool IsQemuDriver(virConnectPtr connection) {
  const char* driver = virConnectGetType(connection);
  return driver != nullptr && std::string_view(driver) == "QEMU";
}

// RAII for snapshot handles.
struct SnapshotRef {
  virDomainSnapshotPtr ptr = nullptr;
  ~SnapshotRef() {
    if (ptr) virDomainSnapshotFree(ptr);
  }
};

// The snapshots through the older name-list calls, for drivers without
// virDomainListAllSnapshots (ESX): the same array shape, or -1 with libvirt's error set.
int ListSnapshotsByName(virDomainPtr domain, virDomainSnapshotPtr** snapshots) {
  virErrorPtr error = virGetLastError();
  if (error == nullptr || error->code != VIR_ERR_NO_SUPPORT) return -1;
  virResetLastError();
  const int total = virDomainSnapshotNum(domain, 0);
  if (total < 0) return -1;
  std::vector<char*> names(static_cast<size_t>(total) + 1, nullptr);
  const int count = virDomainSnapshotListNames(domain, names.data(), total, 0);
  if (count < 0) return -1;
  *snapshots = static_cast<virDomainSnapshotPtr*>(
      calloc(static_cast<size_t>(count) + 1, sizeof(virDomainSnapshotPtr)));
  int found = 0;
  for (int i = 0; i < count; ++i) {
    virDomainSnapshotPtr snapshot = virDomainSnapshotLookupByName(domain, names[i], 0);
    if (snapshot != nullptr) (*snapshots)[found++] = snapshot;
    free(names[i]);
  }
  return found;
}

}  // namespace

std::string SnapshotXml(const scenario::Create& create,
                        const std::vector<ExternalSnapshotDisk>& external) {
  std::string xml = "<domainsnapshot><name>" + XmlEscape(create.name) + "</name>";
  if (create.memory == scenario::MemoryMode::kNo) {
    xml += "<memory snapshot='no'/>";
  } else if (create.memory == scenario::MemoryMode::kYes) {
    xml += "<memory snapshot='internal'/>";
  }
  if (!external.empty()) {
    xml += "<disks>";
    for (const ExternalSnapshotDisk& disk : external) {
      xml += "<disk name='" + XmlEscape(disk.target) + "' snapshot='external'";
      if (disk.overlay_file.empty()) {
        xml += "/>";
      } else {
        xml +=
            "><driver type='qcow2'/><source file='" + XmlEscape(disk.overlay_file) + "'/></disk>";
      }
    }
    xml += "</disks>";
  }
  return xml + "</domainsnapshot>";
}

unsigned int SnapshotCreateFlags(const scenario::Create& create) {
  unsigned int flags = 0;
  if (create.disk_only || create.location == scenario::Location::kExternal) {
    flags |= VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY;
  }
  if (create.quiesce) flags |= VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE;
  if (create.halt) flags |= VIR_DOMAIN_SNAPSHOT_CREATE_HALT;
  if (create.no_metadata) flags |= VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA;
  return flags;
}

bool LibvirtBackend::Implements(Profile profile) const { return profile_ == profile; }

std::optional<Profile> ProfileForLibvirtUri(const std::string& uri) {
  static const std::map<std::string, Profile> schemes = {
      {"test", Profile::kTest}, {"qemu", Profile::kQemu}, {"esx", Profile::kEsx},
      {"vpx", Profile::kEsx},   {"gsx", Profile::kEsx},   {"vbox", Profile::kVbox}};
  const std::string scheme = uri.substr(0, uri.find_first_of(":+"));
  auto it = schemes.find(scheme);
  if (it == schemes.end()) return std::nullopt;
  return it->second;
}

LibvirtBackend::LibvirtBackend(std::string name, std::string uri, BackendOptions options)
    : name_(std::move(name)), uri_(std::move(uri)), options_(std::move(options)) {
  QuietLibvirt();
  profile_ = options_.profile ? options_.profile : ProfileForLibvirtUri(uri_);
  if (options_.disk_dir.empty()) options_.disk_dir = DefaultDiskDir(uri_);
}

LibvirtBackend::~LibvirtBackend() { End(); }

std::optional<std::string> LibvirtBackend::Probe(const std::string& uri, bool refuse_stale) {
  QuietLibvirt();
  virConnectPtr connection = virConnectOpen(uri.c_str());
  if (connection == nullptr) {
    return fmt::format("cannot open {}: {}", uri, LastError("virConnectOpen").message());
  }
  std::optional<std::string> refusal;
  if (refuse_stale) refusal = StaleDomainsRefusal(connection, uri);
  virConnectClose(connection);
  return refusal;
}

std::optional<std::string> LibvirtBackend::CannotRun(const scenario::Scenario& scenario) const {
  if (!profile_) {
    return fmt::format("no rules profile is known for the driver of {}; name one with --profile",
                       uri_);
  }
  if (*profile_ != scenario.hypervisor) {
    return fmt::format("{} implements the {} profile, not {}", uri_, ProfileName(*profile_),
                       ProfileName(scenario.hypervisor));
  }
  return StepLibvirtCannotSend(scenario);
}

void LibvirtBackend::Begin(const scenario::Scenario& scenario) {
  End();
  domain_name_ = OwnedDomainName(::getpid(), scenario.name);
  // `location: external` lists the scenario's disks (a QEMU driver's are vda, vdb, ...:
  // MakeDomainXml). Subclasses that define their own domain (ESX) keep these.
  external_disks_.clear();
  for (const scenario::DiskSpec& disk : scenario.disks) external_disks_.push_back({disk.name, {}});
  Status guarded = EnsureCleanupGuard(options_.snapsim_program, name_, options_.disk_dir);
  if (!guarded.ok()) throw BackendFailure(guarded.message());
  connection_ = OpenConnection();
  domain_ = DefineDomain(scenario);
}

std::string LibvirtBackend::MakeDomainXml(const scenario::Scenario& scenario) {
  if (!IsQemuDriver(connection_)) return DisklessDomainXml(connection_, domain_name_);
  // QEMU snapshots what the domain's disks hold: without disks there is nothing to take.
  auto folder = TempDir::CreateIn(options_.disk_dir, "snapsim-");
  if (!folder.ok()) {
    throw BackendFailure(
        fmt::format("disks of {} on {}: {}", domain_name_, uri_, folder.status().message()));
  }
  disk_folder_.emplace(std::move(*folder));
  // mkdtemp makes it 0700; the daemon's QEMU may run as another user (libvirt-qemu).
  std::error_code error;
  std::filesystem::permissions(disk_folder_->path(), std::filesystem::perms(0755), error);
  const QemuDomainDisks disks = LayOutQemuDisks(scenario, disk_folder_->path());
  QemuImgTools tools(disk_folder_->path());
  for (const QemuDiskImage& image : disks.images) tools.Create(image.file, image.size_bytes);
  // External overlays: the driver names them after the image and the snapshot, in the
  // same folder.
  external_disks_.clear();
  for (const auto& [disk, target] : disks.targets) external_disks_.push_back({target, {}});
  return QemuDomainXml(domain_name_, disks.xml);
}

virConnectPtr LibvirtBackend::OpenConnection() {
  virConnectPtr connection = virConnectOpen(uri_.c_str());
  if (connection == nullptr) {
    throw BackendFailure(fmt::format("cannot open {}: {}", uri_, LastError("open").message()));
  }
  return connection;
}

virDomainPtr LibvirtBackend::DefineDomain(const scenario::Scenario& scenario) {
  if (virDomainPtr existing = virDomainLookupByName(connection_, domain_name_.c_str())) {
    virDomainFree(existing);
    End();
    throw BackendFailure(fmt::format(
        "domain {} already exists on {}; snapsim touches only domains it created itself",
        domain_name_, uri_));
  }
  virResetLastError();
  virDomainPtr domain = virDomainDefineXML(connection_, MakeDomainXml(scenario).c_str());
  if (domain == nullptr) {
    throw BackendFailure(fmt::format("cannot define {} on {}: {}", domain_name_, uri_,
                                     LastError("define").message()));
  }
  domain_ = domain;  // End() removes it if starting fails
  if (scenario.initial_state != PowerState::kShutoff && virDomainCreate(domain) < 0) {
    throw BackendFailure(fmt::format("cannot start domain {} on {}: {}", domain_name_, uri_,
                                     LastError("start").message()));
  }
  if (scenario.initial_state == PowerState::kPaused && virDomainSuspend(domain) < 0) {
    throw BackendFailure(fmt::format("cannot pause domain {} on {}: {}", domain_name_, uri_,
                                     LastError("suspend").message()));
  }
  return domain;
}

Status LibvirtBackend::Perform(const scenario::Action& action) {
  auto power = [this](const char* call, int (*fn)(virDomainPtr)) {
    return fn(domain_) < 0 ? LastError(call) : Status::Ok();
  };
  return std::visit(
      Overloaded{
          [&](const scenario::Start&) { return power("virDomainCreate", virDomainCreate); },
          [&](const scenario::Shutdown&) { return power("virDomainDestroy", virDomainDestroy); },
          [&](const scenario::Pause&) { return power("virDomainSuspend", virDomainSuspend); },
          [&](const scenario::Resume&) { return power("virDomainResume", virDomainResume); },
          [](const scenario::Write&) { return Status::Ok(); },  // no disk bytes: model only
          [&](const scenario::Create& create) { return Create(create); },
          [&](const scenario::Delete& del) { return Delete(del); },
          [&](const scenario::Revert& revert) { return Revert(revert); },
          [](const scenario::Expect&) { return NotAnAction(); },
          [&](const scenario::SetCurrent& set_current) {
            Status status = Status::Ok();
            RedefineAsCurrent(domain_, set_current.name.c_str(),
                              [&](const char* call) { status = LastError(call); });
            return status;
          },
      },
      action);
}

Status LibvirtBackend::Create(const scenario::Create& create) {
  // Every disk is listed external only for `location: external`: the DISK_ONLY flag alone
  // is `disk-only`, which drivers without external snapshots may take as a memoryless
  // snapshot (ESX), so only the XML says "external" to them (F13).
  const bool external = create.location == scenario::Location::kExternal;
  const std::string xml =
      SnapshotXml(create, external ? external_disks_ : std::vector<ExternalSnapshotDisk>{});
  SnapshotRef snapshot{
      virDomainSnapshotCreateXML(domain_, xml.c_str(), SnapshotCreateFlags(create))};
  return snapshot.ptr == nullptr ? LastError("virDomainSnapshotCreateXML") : Status::Ok();
}

Status LibvirtBackend::Delete(const scenario::Delete& del) {
  if (del.discard) {
    // The seed's DISCARD: revert to it, then delete it with its children (section 8).
    Status reverted = Revert(scenario::Revert{del.name, false, false, false, false});
    if (!reverted.ok()) return reverted;
    return Delete(scenario::Delete{del.name, true, false, false, false, false});
  }
  SnapshotRef snapshot{virDomainSnapshotLookupByName(domain_, del.name.c_str(), 0)};
  if (snapshot.ptr == nullptr) return LastError("virDomainSnapshotLookupByName");
  unsigned int flags = 0;
  if (del.children) flags |= VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN;
  if (del.children_only) flags |= VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY;
  if (del.metadata_only) flags |= VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY;
  return virDomainSnapshotDelete(snapshot.ptr, flags) < 0 ? LastError("virDomainSnapshotDelete")
                                                          : Status::Ok();
}

Status LibvirtBackend::Revert(const scenario::Revert& revert) {
  SnapshotRef snapshot{virDomainSnapshotLookupByName(domain_, revert.name.c_str(), 0)};
  if (snapshot.ptr == nullptr) return LastError("virDomainSnapshotLookupByName");
  unsigned int flags = 0;
  if (revert.running) flags |= VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING;
  if (revert.paused) flags |= VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED;
  if (revert.force) flags |= VIR_DOMAIN_SNAPSHOT_REVERT_FORCE;
  return virDomainRevertToSnapshot(snapshot.ptr, flags) < 0 ? LastError("virDomainRevertToSnapshot")
                                                            : Status::Ok();
}

Result<Observation> ObserveDomain(virDomainPtr domain) {
  Observation observation;
  int state = 0, reason = 0;
  if (virDomainGetState(domain, &state, &reason, 0) < 0) return LastError("virDomainGetState");
  observation.state = state == VIR_DOMAIN_PAUSED ? PowerState::kPaused
                      : state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_BLOCKED
                          ? PowerState::kRunning
                          : PowerState::kShutoff;
  if (virDomainHasCurrentSnapshot(domain, 0) == 1) {
    SnapshotRef current{virDomainSnapshotCurrent(domain, 0)};
    if (current.ptr) observation.current = virDomainSnapshotGetName(current.ptr);
  }
  virDomainSnapshotPtr* snapshots = nullptr;
  int count = virDomainListAllSnapshots(domain, &snapshots, 0);
  if (count < 0) count = ListSnapshotsByName(domain, &snapshots);  // the ESX driver
  if (count < 0) return LastError("virDomainListAllSnapshots");
  std::map<std::string, std::vector<std::string>> children;  // parent ("" = root) -> names
  for (int i = 0; i < count; ++i) {
    SnapshotRef parent{virDomainSnapshotGetParent(snapshots[i], 0)};
    if (parent.ptr == nullptr) virResetLastError();  // a root has no parent
    children[parent.ptr ? virDomainSnapshotGetName(parent.ptr) : ""].push_back(
        virDomainSnapshotGetName(snapshots[i]));
    virDomainSnapshotFree(snapshots[i]);
  }
  free(snapshots);
  std::function<scenario::Tree(const std::string&)> build = [&](const std::string& parent) {
    scenario::Tree tree;
    for (const std::string& name : children[parent]) tree.children.emplace_back(name, build(name));
    return tree;
  };
  observation.forest = build("");
  return observation;
}

Observation LibvirtBackend::Observe() {
  auto observation = ObserveDomain(domain_);
  if (!observation.ok()) throw BackendFailure("observe: " + observation.status().ToString());
  return *observation;
}

void LibvirtBackend::RemoveDomain(virDomainPtr domain) {
  // Remove what this backend created: the snapshots' metadata, then the domain.
  auto removed = RemoveOwnedDomain(domain);
  if (!removed.ok()) {
    fmt::print(stderr, "snapsim: warning: {} on {} (the cleanup guard tries again at exit)\n",
               removed.status().message(), uri_);
  }
}

void LibvirtBackend::End() {
  if (domain_ != nullptr) {
    virDomainPtr domain = domain_;
    domain_ = nullptr;
    RemoveDomain(domain);
    virDomainFree(domain);
    virResetLastError();
  }
  if (connection_ != nullptr) {
    virConnectClose(connection_);
    connection_ = nullptr;
  }
  disk_folder_.reset();  // after the domain: QEMU had the images open
}

}  // namespace snapsim::simulator
