#include "merge/image.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "merge/image_format.h"
#include "merge/layer_chain.h"

namespace snapsim::merge {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// A file's identity, so cycles are caught whatever path spelling leads back to it.
std::pair<uint64_t, uint64_t> Identity(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return {0, 0};
  return {st.st_dev, st.st_ino};
}

// `format` is what the user (-f) or the overlay's header says; `stated` tells which.
Result<LayerInfo> ReadLayer(FileTable& files, uint32_t id, size_t layer, std::string format,
                            bool stated, const std::string& snapshot) {
  const bool probe = format.empty();
  if (probe || stated) {
    auto detected = DetectFormat(files.file(id), format);
    if (!detected.ok()) return detected.status();
    format = detected.value();
  }
  if (!snapshot.empty() && format != "qcow2") {
    return Status::Failure(Fault::kBadInput,
                           fmt::format("{}: internal snapshots need a qcow2 image, this is {}",
                                       files.file(id).path(), format));
  }
  Result<LayerInfo> info = Unsupported(
      files.file(id).path(),
      fmt::format("format '{}' (named by its overlay); snapsim reads qcow2, vmdk and raw: "
                  "convert it with `qemu-img convert -f {} -O qcow2 {} OUT.qcow2`",
                  format, format, files.file(id).path()));
  if (format == "qcow2") info = ReadQcow2Layer(files, id, layer, snapshot);
  if (format == "vmdk") info = ReadVmdkLayer(files, id, layer);
  if (format == "raw") info = ReadRawLayer(files, id, layer);
  if (info.ok()) info->probed = probe;
  return info;
}

}  // namespace

Result<std::unique_ptr<Image>> Image::Open(const std::string& spec, const OpenOptions& options) {
  std::string path = spec, snapshot;
  if (!Exists(spec)) {
    const size_t at = spec.rfind('@');
    if (at != std::string::npos && at > 0 && Exists(spec.substr(0, at))) {
      path = spec.substr(0, at);
      snapshot = spec.substr(at + 1);
    }
  }
  std::unique_ptr<Image> image(new Image());
  image->name_ = spec;
  if (Status s = image->OpenChain(path, snapshot, options.format); !s.ok()) return s;
  return image;
}

Status Image::OpenChain(const std::string& top_path, const std::string& snapshot,
                        const std::string& top_format) {
  // Read from the top down, then store bottom first.
  std::vector<LayerInfo> top_down;
  std::vector<std::pair<uint64_t, uint64_t>> seen;
  std::string path = top_path, format = top_format;
  while (!path.empty()) {
    auto id = files_.Add(path, top_down.size());
    if (!id.ok()) {
      if (top_down.empty()) return id.status();
      if (id.status().message().find(std::strerror(EMFILE)) != std::string::npos) {
        return ImageError(top_down.back().path, 0,
                          fmt::format("backing chain deeper than the open-file limit allows "
                                      "({} layers open; raise it with `ulimit -n`): {}",
                                      top_down.size(), id.status().message()));
      }
      return Status::Failure(
          Fault::kBadInput,
          fmt::format("{}: missing backing file: {}", top_down.back().path, id.status().message()));
    }
    const auto identity = Identity(files_.file(id.value()).fd());
    if (std::find(seen.begin(), seen.end(), identity) != seen.end()) {
      return ImageError(top_down.back().path, 0,
                        fmt::format("backing chain loops back to {}", path));
    }
    seen.push_back(identity);
    auto layer = ReadLayer(files_, id.value(), top_down.size(), format, top_down.empty(),
                           top_down.empty() ? snapshot : std::string());
    if (!layer.ok()) return layer.status();
    path = layer->backing_path;
    format = layer->backing_format;
    top_down.push_back(std::move(layer.value()));
  }
  // Layer indices were given top-down while reading; FileTable keeps them, so translate
  // on use (LayerAttribution) rather than renumbering here.
  layers_.assign(std::make_move_iterator(top_down.rbegin()),
                 std::make_move_iterator(top_down.rend()));
  size_bytes_ = layers_.back().size_bytes;
  view_ = ChainView(VisibleLayers());
  view_.Punch(size_bytes_, UINT64_MAX - size_bytes_);
  view_.set_size_bytes(size_bytes_);
  return Status::Ok();
}

std::vector<ExtentMap> Image::VisibleLayers() const {
  std::vector<ExtentMap> maps(layers_.size());
  uint64_t limit = UINT64_MAX;  // the smallest size of the layers above
  for (size_t i = layers_.size(); i-- > 0;) {
    maps[i] = layers_[i].allocation;
    if (limit != UINT64_MAX) maps[i].Punch(limit, UINT64_MAX - limit);
    limit = std::min(limit, layers_[i].size_bytes);
  }
  return maps;
}

ExtentMap Image::LayerAttribution() const {
  std::vector<ExtentMap> maps;
  const std::vector<ExtentMap> visible = VisibleLayers();
  for (size_t i = 0; i < layers_.size(); ++i) {
    ExtentMap tagged(layers_[i].size_bytes);
    for (const Extent& e : visible[i].extents()) {
      tagged.Append(e.offset, e.length, SeedSource{i});
    }
    maps.push_back(std::move(tagged));
  }
  ExtentMap out = ChainView(maps);
  out.Punch(size_bytes_, UINT64_MAX - size_bytes_);
  return out;
}

Status Image::Read(uint64_t offset, std::span<uint8_t> out) const {
  const uint64_t end = offset + out.size();
  const auto& all = view_.extents();
  uint64_t pos = offset;
  for (size_t i = view_.LowerBound(offset); i < all.size() && all[i].offset < end; ++i) {
    const Extent& e = all[i];
    const uint64_t from = std::max(e.offset, offset), to = std::min(e.end(), end);
    if (from > pos) std::memset(out.data() + (pos - offset), 0, from - pos);
    std::span<uint8_t> dst = out.subspan(from - offset, to - from);
    if (const auto* image = std::get_if<ImageSource>(&e.source)) {
      Status s =
          files_.file(image->image_id).ReadData(image->image_offset + (from - e.offset), dst);
      if (!s.ok()) return s;
    } else {
      std::memset(dst.data(), 0, dst.size());  // images hold only zero and image extents
    }
    pos = to;
  }
  if (end > pos) std::memset(out.data() + (pos - offset), 0, end - pos);
  return Status::Ok();
}

}  // namespace snapsim::merge
