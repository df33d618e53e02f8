#pragma once
// TempDir: a fresh private folder (mkdtemp under $TMPDIR, else /tmp) that is removed,
// with everything in it, when the object is destroyed or Remove() is called. It only
// ever removes the folder it created itself.

#include <string>
#include <string_view>

#include "core/status.h"

namespace snapsim::simulator {

class TempDir {
 public:
  // A new folder named `<prefix>XXXXXX` (e.g. prefix "snapsim-qemu-img-"). The prefix
  // must not contain '/'. Errors: kInvalidArg for a bad prefix, kOperationFailed when
  // the folder cannot be made.
  static Result<TempDir> Create(std::string_view prefix);

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  // The folder's absolute path; empty after Remove().
  const std::string& path() const { return path_; }
  // `name` inside the folder.
  std::string File(std::string_view name) const;
  // Removes the folder and its contents. Safe to call twice; never throws.
  void Remove();

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace snapsim::simulator
