// Raw layers. A raw file's allocation is what the file system says
// holds data (SEEK_DATA/SEEK_HOLE), so sparse regions are skipped without reading them.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "merge/image_format.h"

namespace snapsim::merge {

Result<LayerInfo> ReadRawLayer(FileTable& files, uint32_t file_id, size_t layer) {
  const ImageFile& file = files.file(file_id);
  LayerInfo info;
  info.path = file.path();
  info.format = "raw";
  info.size_bytes = file.size_bytes();
  info.allocation = ExtentMap(file.size_bytes());
  const off_t size = static_cast<off_t>(file.size_bytes());
  off_t pos = 0;
  while (pos < size) {
    off_t data = lseek(file.fd(), pos, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole remains
      // No hole support here: everything is data.
      info.allocation.Append(static_cast<uint64_t>(pos), static_cast<uint64_t>(size - pos),
                             ImageSource{file_id, static_cast<uint64_t>(pos)});
      break;
    }
    off_t hole = lseek(file.fd(), data, SEEK_HOLE);
    if (hole < 0 || hole > size) hole = size;
    info.allocation.Append(static_cast<uint64_t>(data), static_cast<uint64_t>(hole - data),
                           ImageSource{file_id, static_cast<uint64_t>(data)});
    pos = hole;
  }
  return info;
}

}  // namespace snapsim::merge
