#include "simulator/backend_registry.h"

#include <mutex>

#include <fmt/format.h>

#include "simulator/model_backend.h"

namespace snapsim::simulator {
namespace {

std::vector<BackendEntry>& Entries() {
  static std::vector<BackendEntry> entries = {
      {"model", "", "the reference model, in process",
       [](std::string_view) { return std::optional<std::string>(); },
       [](std::string_view, const BackendOptions&) -> std::unique_ptr<Backend> {
         return std::make_unique<ModelBackend>();
       }},
  };
  return entries;
}

std::mutex& EntriesMutex() {
  static std::mutex mutex;
  return mutex;
}

const BackendEntry* Find(std::string_view name) {
  for (const BackendEntry& entry : Entries()) {
    if (entry.prefix.empty() && name == entry.name) return &entry;
  }
  for (const BackendEntry& entry : Entries()) {
    if (!entry.prefix.empty() && name.size() > entry.prefix.size() &&
        name.substr(0, entry.prefix.size()) == entry.prefix) {
      return &entry;
    }
  }
  return nullptr;
}

Result<const BackendEntry*> FindEntry(std::string_view name) {
  const BackendEntry* entry = Find(name);
  if (entry != nullptr) return entry;
  std::string known;
  for (const BackendEntry& e : Entries()) known += (known.empty() ? "" : ", ") + e.name;
  return Status::Failure(Fault::kBadInput,
                         fmt::format("unknown backend '{}' (known: {})", name, known));
}

}  // namespace

void RegisterBackend(BackendEntry entry) {
  std::lock_guard lock(EntriesMutex());
  for (BackendEntry& existing : Entries()) {
    if (existing.name == entry.name) {
      existing = std::move(entry);
      return;
    }
  }
  Entries().push_back(std::move(entry));
}

std::vector<BackendInfo> ListBackends() {
  std::lock_guard lock(EntriesMutex());
  std::vector<BackendInfo> list;
  for (const BackendEntry& entry : Entries()) {
    // A prefix entry is asked about the prefix itself: is the kind available at all.
    BackendInfo info{entry.name, entry.description,
                     entry.unavailable(entry.prefix.empty() ? entry.name : entry.prefix),
                     entry.profiles, ""};
    if (!info.unavailable) info.versions = entry.versions();
    list.push_back(std::move(info));
  }
  return list;
}

Result<BackendFactory> BackendFactory::ForName(std::string_view name, BackendOptions options) {
  std::lock_guard lock(EntriesMutex());
  auto entry = FindEntry(name);
  if (!entry.ok()) return entry.status();
  if (!(*entry)->check_options && !options.empty()) {
    return Status::Failure(
        Fault::kBadInput,
        fmt::format("backend '{}' takes no --profile or --disk-dir (libvirt:URI does)", name));
  }
  if ((*entry)->check_options) {
    if (auto wrong = (*entry)->check_options(name, options)) {
      return Status::Failure(Fault::kBadInput, fmt::format("backend '{}': {}", name, *wrong));
    }
  }
  if (auto reason = (*entry)->unavailable(name)) {
    return Status::Failure(Fault::kBackendFailure,
                           fmt::format("backend '{}' cannot run here: {}", name, *reason));
  }
  return BackendFactory(std::string(name), std::move(options));
}

std::unique_ptr<Backend> BackendFactory::Make() const {
  std::lock_guard lock(EntriesMutex());
  return Find(name_)->make(name_, options_);
}

bool BackendTakesOptions(std::string_view name) {
  std::lock_guard lock(EntriesMutex());
  const BackendEntry* entry = Find(name);
  return entry != nullptr && entry->check_options != nullptr;
}

Result<std::vector<std::string>> CleanBackend(std::string_view name,
                                              const BackendOptions& options) {
  std::function<Result<std::vector<std::string>>(std::string_view, const BackendOptions&)> clean;
  {
    std::lock_guard lock(EntriesMutex());
    auto entry = FindEntry(name);
    if (!entry.ok()) return entry.status();
    if (!(*entry)->clean) {
      return Status::Failure(
          Fault::kBadInput,
          fmt::format("backend '{}' leaves nothing behind: there is nothing to clean", name));
    }
    if ((*entry)->check_options) {
      if (auto wrong = (*entry)->check_options(name, options)) {
        return Status::Failure(Fault::kBadInput, fmt::format("backend '{}': {}", name, *wrong));
      }
    }
    clean = (*entry)->clean;
  }
  return clean(name, options);
}

std::string BackendFactory::Versions() const {
  std::function<std::string()> versions;
  {
    std::lock_guard lock(EntriesMutex());
    versions = Find(name_)->versions;
  }
  return versions();  // outside the lock: it may run a program
}

}  // namespace snapsim::simulator
