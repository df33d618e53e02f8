#include "simulator/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include <fmt/format.h>

namespace snapsim::simulator {
namespace {

std::string BaseDir() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string base = tmpdir != nullptr && tmpdir[0] != '\0' ? tmpdir : "/tmp";
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace

Result<TempDir> TempDir::Create(std::string_view prefix) {
  if (prefix.find('/') != std::string_view::npos) {
    return Status::Error(ErrorClass::kInvalidArg,
                         fmt::format("temporary folder prefix '{}' contains '/'", prefix));
  }
  std::string base = BaseDir();
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(base, error);
  if (!error) base = absolute.string();
  std::string pattern = fmt::format("{}/{}XXXXXX", base, prefix);
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    return Status::Error(ErrorClass::kOperationFailed,
                         fmt::format("cannot create a temporary folder {}: {}", pattern,
                                     std::strerror(errno)));
  }
  return TempDir(std::string(buffer.data()));
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempDir::~TempDir() { Remove(); }

std::string TempDir::File(std::string_view name) const { return fmt::format("{}/{}", path_, name); }

void TempDir::Remove() {
  if (path_.empty()) return;
  std::error_code ignored;  // a folder that is already gone is fine
  std::filesystem::remove_all(path_, ignored);
  path_.clear();
}

}  // namespace snapsim::simulator
