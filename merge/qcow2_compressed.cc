#include "merge/qcow2_compressed.h"

#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include <fmt/format.h>

namespace snapsim::merge {
namespace {

// qcow2 stores deflate without a zlib header, with a 4 KiB window (windowBits -12).
bool Inflate(std::span<const uint8_t> in, std::span<uint8_t> out, std::string* error) {
  z_stream z{};
  if (inflateInit2(&z, -12) != Z_OK) {
    *error = "inflateInit2 failed";
    return false;
  }
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int ret = inflate(&z, Z_FINISH);
  const bool full = z.avail_out == 0;
  inflateEnd(&z);
  // The stored size is rounded up to whole sectors, so input may be left over.
  if ((ret == Z_STREAM_END || ret == Z_BUF_ERROR || ret == Z_OK) && full) return true;
  *error = ret == Z_STREAM_END || ret == Z_BUF_ERROR
               ? fmt::format("deflate data ends after {} of {} bytes", out.size() - z.avail_out,
                             out.size())
               : fmt::format("bad deflate data ({})", z.msg ? z.msg : "zlib error");
  return false;
}

bool Unzstd(std::span<const uint8_t> in, std::span<uint8_t> out, std::string* error) {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  if (!ctx) {
    *error = "ZSTD_createDCtx failed";
    return false;
  }
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  ZSTD_outBuffer output{out.data(), out.size(), 0};
  bool ok = true;
  // Streaming, so the sector padding after the frame is never parsed.
  while (output.pos < output.size) {
    const size_t before_in = input.pos, before_out = output.pos;
    const size_t ret = ZSTD_decompressStream(ctx, &output, &input);
    if (ZSTD_isError(ret)) {
      *error = fmt::format("bad zstd data ({})", ZSTD_getErrorName(ret));
      ok = false;
      break;
    }
    if (ret == 0 && output.pos < output.size) {
      *error = fmt::format("zstd frame ends after {} of {} bytes", output.pos, output.size);
      ok = false;
      break;
    }
    if (input.pos == before_in && output.pos == before_out) {
      *error = fmt::format("zstd data ends after {} of {} bytes", output.pos, output.size);
      ok = false;
      break;
    }
  }
  ZSTD_freeDCtx(ctx);
  return ok;
}

}  // namespace

Qcow2CompressedClusters::Qcow2CompressedClusters(const ImageFile& host, uint64_t cluster_bytes,
                                                 Qcow2Compression type)
    : ImageFile(host.path() + " (compressed clusters)", -1, 0), host_(host),
      cluster_bytes_(cluster_bytes), type_(type) {}

uint64_t Qcow2CompressedClusters::Add(uint64_t host_offset, uint64_t host_bytes,
                                      uint64_t entry_offset) {
  entries_.push_back(Entry{host_offset, host_bytes, entry_offset});
  set_size_bytes(entries_.size() * cluster_bytes_);
  return (entries_.size() - 1) * cluster_bytes_;
}

Status Qcow2CompressedClusters::Decompress(Qcow2Compression type, std::span<const uint8_t> in,
                                           std::span<uint8_t> out, std::string* error) {
  const bool ok =
      type == Qcow2Compression::kZstd ? Unzstd(in, out, error) : Inflate(in, out, error);
  return ok ? Status::Ok() : Status::Failure(Fault::kBadInput, *error);
}

Status Qcow2CompressedClusters::ReadCluster(size_t index, std::vector<uint8_t>* in,
                                            std::span<uint8_t> out) const {
  const Entry& e = entries_[index];
  in->resize(e.host_bytes);
  // The last cluster's sector padding may reach past the end of the file: zeros.
  if (Status s = host_.ReadData(e.host_offset, *in); !s.ok()) return s;
  std::string error;
  if (!Decompress(type_, *in, out, &error).ok()) {
    return ImageError(
        host_.path(), e.host_offset,
        fmt::format("compressed cluster (L2 entry at {:#x}): {}", e.entry_offset, error));
  }
  return Status::Ok();
}

Status Qcow2CompressedClusters::ReadData(uint64_t offset, std::span<uint8_t> out) const {
  std::vector<uint8_t> in, cluster;
  size_t done = 0;
  while (done < out.size()) {
    const uint64_t at = offset + done;  // callers stay inside size_bytes(): no wrap
    const uint64_t index = at / cluster_bytes_, within = at % cluster_bytes_;
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>(out.size() - done, cluster_bytes_ - within));
    if (index >= entries_.size()) {  // past the last cluster: zeros, like a file's tail
      std::memset(out.data() + done, 0, out.size() - done);
      break;
    }
    if (within == 0 && n == cluster_bytes_) {
      if (Status s = ReadCluster(index, &in, out.subspan(done, n)); !s.ok()) return s;
    } else {
      cluster.resize(cluster_bytes_);
      if (Status s = ReadCluster(index, &in, cluster); !s.ok()) return s;
      std::memcpy(out.data() + done, cluster.data() + within, n);
    }
    done += n;
  }
  return Status::Ok();
}

}  // namespace snapsim::merge
