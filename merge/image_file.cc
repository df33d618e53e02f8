#include "merge/image_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace snapsim::merge {

ImageFile::~ImageFile() {
  if (mapping_) munmap(const_cast<uint8_t*>(mapping_), size_bytes_);
  if (fd_ >= 0) close(fd_);
}

const uint8_t* ImageFile::Mapping() const {
  std::call_once(map_once_, [this] {
    if (size_bytes_ == 0) return;
    void* p = mmap(nullptr, size_bytes_, PROT_READ, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) return;
    madvise(p, size_bytes_, MADV_SEQUENTIAL);
    mapping_ = static_cast<const uint8_t*>(p);
  });
  return mapping_;
}

void ImageFile::ReleaseMapped(uint64_t offset, uint64_t n) const {
  if (mapping_ == nullptr || n == 0 || offset >= size_bytes_) return;
  // Widened to the kernel's fault-around window (64 KiB by default): a fault maps the
  // cached pages around it too, holes of a sparse file included, which no range names.
  constexpr uint64_t kWindow = uint64_t{64} << 10;
  const uint64_t from = offset / kWindow * kWindow;
  const uint64_t end = offset + std::min(n, size_bytes_ - offset);
  const uint64_t to = std::min(size_bytes_, (end + kWindow - 1) / kWindow * kWindow);
  madvise(const_cast<uint8_t*>(mapping_) + from, to - from, MADV_DONTNEED);
}

namespace {

const char* FileTypeName(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  return "not a regular file";
}

}  // namespace

Result<std::unique_ptr<ImageFile>> ImageFile::Open(const std::string& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    return Status::Failure(Fault::kBadInput,
                           fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int error = errno;
    close(fd);
    return Status::Failure(Fault::kBadInput,
                           fmt::format("{}: cannot stat: {}", path, std::strerror(error)));
  }
  if (!(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
    close(fd);
    return Status::Failure(
        Fault::kBadInput, fmt::format("{}: {}, not an image file", path, FileTypeName(st.st_mode)));
  }
  // Regular files and block devices: blocking reads from here on.
  if (const int flags = fcntl(fd, F_GETFL);
      flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    close(fd);
    return Status::Failure(Fault::kBadInput, fmt::format("{}: fcntl failed", path));
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (S_ISBLK(st.st_mode)) {
    off_t end = lseek(fd, 0, SEEK_END);
    size = end < 0 ? 0 : static_cast<uint64_t>(end);
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<ImageFile>(new ImageFile(path, fd, size));
}

Status ImageFile::ReadExact(uint64_t offset, std::span<uint8_t> out, const char* what) const {
  if (offset > size_bytes_ || out.size() > size_bytes_ - offset) {
    return ImageError(path_, offset,
                      fmt::format("{} ({} bytes) lies past the end of the file ({} bytes)", what,
                                  out.size(), size_bytes_));
  }
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return ImageError(path_, offset + done,
                        fmt::format("reading {}: {}", what, n < 0 ? std::strerror(errno) : "EOF"));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status ImageFile::ReadData(uint64_t offset, std::span<uint8_t> out) const {
  size_t done = 0;
  // Written so that no sum can wrap: offset may come from a file and lie near 2^64.
  while (done < out.size() && offset < size_bytes_ && done < size_bytes_ - offset) {
    size_t want =
        static_cast<size_t>(std::min<uint64_t>(out.size() - done, size_bytes_ - (offset + done)));
    ssize_t n = pread(fd_, out.data() + done, want, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return ImageError(path_, offset + done, fmt::format("read: {}", std::strerror(errno)));
    }
    if (n == 0) break;  // the file shrank under us: the rest reads as zeros
    done += static_cast<size_t>(n);
  }
  if (done < out.size()) std::memset(out.data() + done, 0, out.size() - done);
  return Status::Ok();
}

Result<uint32_t> FileTable::Add(const std::string& path, size_t layer) {
  auto file = ImageFile::Open(path);
  if (!file.ok()) return file.status();
  files_.push_back(std::move(file.value()));
  layers_.push_back(layer);
  flat_.push_back(false);
  return static_cast<uint32_t>(files_.size() - 1);
}

uint32_t FileTable::AddVirtual(std::unique_ptr<ImageFile> file, size_t layer) {
  files_.push_back(std::move(file));
  layers_.push_back(layer);
  flat_.push_back(false);
  return static_cast<uint32_t>(files_.size() - 1);
}

Status ImageError(const std::string& path, uint64_t offset, const std::string& message) {
  return Status::Failure(Fault::kBadInput,
                         fmt::format("{}: offset {:#x}: {}", path, offset, message));
}

Status Unsupported(const std::string& path, const std::string& message) {
  return Status::Failure(Fault::kUnsupported, fmt::format("{}: unsupported: {}", path, message));
}

std::string ResolveRelativeTo(const std::string& base_path, const std::string& relative) {
  if (relative.empty() || relative[0] == '/') return relative;
  const size_t slash = base_path.rfind('/');
  if (slash == std::string::npos) return relative;
  return base_path.substr(0, slash + 1) + relative;
}

}  // namespace snapsim::merge
