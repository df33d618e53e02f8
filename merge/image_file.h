#pragma once
// Read-only access to the files behind an image (the image files themselves, external
// data files, vmdk extents), with every read bounds-checked, plus the byte-order helpers
// the format readers share. Nothing here ever reads outside a buffer or past a file's end
// without saying so.

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace snapsim::merge {

class ImageFile {
 public:
  virtual ~ImageFile();
  ImageFile(const ImageFile&) = delete;
  ImageFile& operator=(const ImageFile&) = delete;

  // Opens `path` read-only. Only regular files and block devices are accepted, and the
  // check comes before any read: the open itself never blocks (a FIFO or a character
  // device is refused, not waited on). Errors name the path.
  static Result<std::unique_ptr<ImageFile>> Open(const std::string& path);

  const std::string& path() const { return path_; }
  uint64_t size_bytes() const { return size_bytes_; }
  int fd() const { return fd_; }

  // Metadata read: all of [offset, offset + out.size()) must lie inside the file, else an
  // error naming the file, the offset and `what` (e.g. "L2 table").
  Status ReadExact(uint64_t offset, std::span<uint8_t> out, const char* what) const;
  // Data read: bytes past the end of the file read as zeros (sparse tails).
  virtual Status ReadData(uint64_t offset, std::span<uint8_t> out) const;
  // The whole file mapped read-only (made on first use, thread-safe), or nullptr when it
  // cannot be mapped. Lets a comparison read the page cache without copying it.
  virtual const uint8_t* Mapping() const;
  // Drops the pages of Mapping() over [offset, offset + n) (widened to 64 KiB) from
  // this process: the page cache keeps them, a later access maps them again. A long
  // comparison calls it as it moves on, so its resident memory stays bounded.
  void ReleaseMapped(uint64_t offset, uint64_t n) const;
  // True for the decoded view of a qcow2 file's compressed clusters (qcow2_compressed.h):
  // its offsets are not offsets in any file on disk.
  virtual bool compressed() const { return false; }

 protected:
  // A file with no descriptor of its own (fd -1): subclasses serve ReadData themselves.
  ImageFile(std::string path, int fd, uint64_t size_bytes)
      : path_(std::move(path)), fd_(fd), size_bytes_(size_bytes) {}
  void set_size_bytes(uint64_t size_bytes) { size_bytes_ = size_bytes; }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_bytes_ = 0;
  mutable std::once_flag map_once_;
  mutable const uint8_t* mapping_ = nullptr;
};

// The files an image's layers read from; ImageSource::image_id indexes it.
class FileTable {
 public:
  // Opens `path` for layer `layer` (counted from the top: 0 is the opened image).
  Result<uint32_t> Add(const std::string& path, size_t layer);
  // Adds a file made by a reader (e.g. decoded compressed clusters) for layer `layer`.
  uint32_t AddVirtual(std::unique_ptr<ImageFile> file, size_t layer);
  const ImageFile& file(uint32_t id) const { return *files_.at(id); }
  size_t layer_of(uint32_t id) const { return layers_.at(id); }
  // Files read one to one (vmdk FLAT extents), whose holes qemu reports as zero data.
  void MarkFlat(uint32_t id) { flat_.at(id) = true; }
  bool flat(uint32_t id) const { return flat_.at(id); }
  size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<ImageFile>> files_;
  std::vector<size_t> layers_;
  std::vector<bool> flat_;
};

// An error about image `path` at byte `offset` ("disk.qcow2: offset 0x30000: ...").
Status ImageError(const std::string& path, uint64_t offset, const std::string& message);
// A feature the readers deliberately do not implement.
Status Unsupported(const std::string& path, const std::string& message);

inline uint16_t LoadBe16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t LoadBe32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
inline uint64_t LoadBe64(const uint8_t* p) { return uint64_t{LoadBe32(p)} << 32 | LoadBe32(p + 4); }
inline uint32_t LoadLe32(const uint8_t* p) {
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}
inline uint64_t LoadLe64(const uint8_t* p) { return uint64_t{LoadLe32(p + 4)} << 32 | LoadLe32(p); }
inline uint16_t LoadLe16(const uint8_t* p) { return static_cast<uint16_t>(p[1] << 8 | p[0]); }

// `relative` resolved against the directory holding `base_path` (absolute paths stay).
std::string ResolveRelativeTo(const std::string& base_path, const std::string& relative);

}  // namespace snapsim::merge
