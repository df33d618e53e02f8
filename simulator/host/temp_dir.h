#pragma once
// TempDir: a fresh private folder (mkdtemp under $TMPDIR, else /tmp) that is removed,
// with everything in it, when the object is destroyed or Remove() is called, and by
// cleanup:: when snapsim is interrupted. Its name carries snapsim's pid
// ("PREFIX<pid>-XXXXXX"), so that the folders of a run killed beyond any handler (SIGKILL)
// are found and removed by the next run (SweepStaleTempDirs), and a live run's never are.

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace snapsim::simulator {

class TempDir {
 public:
  // A new folder named `<prefix><pid>-XXXXXX` (e.g. prefix "snapsim-qemu-img-"),
  // registered with cleanup:: before it is returned. The prefix must not contain '/'.
  // Faults: kInternal for a bad prefix, kBackendFailure when the folder cannot be made or
  // registered. The first call in a process sweeps stale folders first.
  static Result<TempDir> Create(std::string_view prefix);
  // The same folder under `base` (an existing folder) instead of $TMPDIR, with no sweep.
  static Result<TempDir> CreateIn(std::string base, std::string_view prefix);

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

// Removes the folders under $TMPDIR (or /tmp) named "snapsim-...<pid>-XXXXXX" whose pid
// is no longer alive, owned by this user (any, for root). A folder of a run in another
// pid namespace sharing the same /tmp could look stale: give such runs their own TMPDIR.
void SweepStaleTempDirs();
// The same under `base`, only `owner`'s folders when it is not 0; returns the folders
// removed.
std::vector<std::string> SweepStaleTempDirsIn(const std::string& base, pid_t owner = 0);

}  // namespace snapsim::simulator
