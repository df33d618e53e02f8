// Compare on real image files of every layout the benchmark times (bench/merge/
// compare_family.sh), at small sizes, against a byte-array reference: image A is made
// with qemu-img/qemu-io from seeded random writes (data, zero writes, discards, unaligned
// offsets and ends), its bytes are qemu-img's own flattening of it, B is those bytes with
// seeded changes; every differing range Compare reports must be the reference's, for
// random block sizes, thread counts and mapping thresholds.
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "merge/compare.h"
#include "merge/testing_images.h"

namespace snapsim::merge {
namespace {

using testing::QemuIo;
using testing::ReadWholeFile;
using testing::Shell;
using testing::TempDir;

// Maximal runs of differing granules, from the first to the last differing byte of each.
std::vector<DiffRange> ReferenceDiffs(const std::vector<uint8_t>& a,
                                      const std::vector<uint8_t>& b) {
  std::vector<DiffRange> out;
  uint64_t last_granule = UINT64_MAX;
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const uint8_t x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    if (x == y) continue;
    const uint64_t granule = i / kDiffGranuleBytes;
    if (!out.empty() && (granule == last_granule || granule == last_granule + 1)) {
      out.back().length = i + 1 - out.back().offset;
      ++out.back().differing_bytes;
    } else {
      out.push_back(DiffRange{i, 1, 1, {x}, {y}});
    }
    last_granule = granule;
  }
  return out;
}

class Layouts : public ::testing::Test {
 protected:
  // Random qemu-io commands over a disk of `size` bytes: data writes of any length and
  // offset, zero writes, and (qcow2) discards.
  std::vector<std::string> RandomWrites(uint64_t size, int count, bool discards) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) {
      const uint64_t at = rng_() % size;
      const uint64_t len = 1 + rng_() % std::min<uint64_t>(size - at, 200000);
      const int kind = static_cast<int>(rng_() % 8);
      if (kind == 0) {
        out.push_back(fmt::format("write -z {} {}", at / 512 * 512, (len + 511) / 512 * 512));
      } else if (kind == 1 && discards) {
        out.push_back(fmt::format("discard {} {}", at / 65536 * 65536, 65536));
      } else {
        out.push_back(fmt::format("write -P {} {} {}", 1 + rng_() % 250, at, len));
      }
    }
    // qemu-io wants requests inside the disk: drop those that reach past it.
    std::erase_if(out, [size](const std::string& c) {
      uint64_t at = 0, len = 0;
      const size_t last = c.rfind(' '), before = c.rfind(' ', last - 1);
      at = std::stoull(c.substr(before + 1, last - before - 1));
      len = std::stoull(c.substr(last + 1));
      return at + len > size;
    });
    return out;
  }

  // B: A's flattened bytes with a few seeded changes (single bytes, runs, the last byte),
  // written as a raw file, sparse or dense.
  void CheckAgainstChangedCopy(const std::string& a_spec, const std::string& flat_path,
                               const std::string& what) {
    const std::vector<uint8_t> a_bytes = ReadWholeFile(flat_path);
    for (int trial = 0; trial < 3; ++trial) {
      std::vector<uint8_t> b_bytes = a_bytes;
      // Trial 0 is the identical pair; the others change 1-4 places, the 4th the last byte.
      const int changes = trial == 0 ? 0 : 1 + static_cast<int>(rng_() % 4);
      for (int c = 0; c < changes && !b_bytes.empty(); ++c) {
        const size_t at = c == 3 ? b_bytes.size() - 1 : rng_() % b_bytes.size();
        const size_t len = std::min<size_t>(b_bytes.size() - at, 1 + rng_() % 3000);
        for (size_t i = 0; i < len; ++i) b_bytes[at + i] ^= static_cast<uint8_t>(1 + rng_() % 255);
      }
      const std::string b_path = dir_ / fmt::format("b{}.raw", trial);
      {
        std::ofstream out(b_path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(b_bytes.data()),
                  static_cast<std::streamsize>(b_bytes.size()));
      }
      if (trial % 2 == 1)
        Shell("cp --sparse=always " + b_path + " " + b_path + ".s && mv " + b_path + ".s " +
              b_path);
      auto a = Image::Open(a_spec), b = Image::Open(b_path, OpenOptions{"raw"});
      ASSERT_TRUE(a.ok()) << a.status().message();
      ASSERT_TRUE(b.ok()) << b.status().message();
      CompareOptions options;
      options.block_bytes = std::vector<size_t>{512, 4096, 65536, 1 << 20}[rng_() % 4];
      options.threads = 1 + static_cast<int>(rng_() % 3);
      options.map_min_bytes = std::vector<size_t>{0, 4096, size_t{1} << 20}[rng_() % 3];
      options.use_mmap = rng_() % 4 != 0;
      auto result = Compare(ImageContent(*a.value()), ImageContent(*b.value()), options);
      ASSERT_TRUE(result.ok()) << result.status().message();
      const auto expected = ReferenceDiffs(a_bytes, b_bytes);
      const std::string where = fmt::format("{} trial {}: block {} threads {} map_min {} mmap {}",
                                            what, trial, options.block_bytes, options.threads,
                                            options.map_min_bytes, options.use_mmap);
      ASSERT_EQ(result->diffs.size(), expected.size()) << where;
      EXPECT_EQ(expected.empty(), trial == 0) << where;
      for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(result->diffs[i].offset, expected[i].offset) << where;
        EXPECT_EQ(result->diffs[i].length, expected[i].length) << where;
        EXPECT_EQ(result->diffs[i].differing_bytes, expected[i].differing_bytes) << where;
        EXPECT_EQ(result->diffs[i].head_a[0], expected[i].head_a[0]) << where;
        EXPECT_EQ(result->diffs[i].head_b[0], expected[i].head_b[0]) << where;
      }
    }
  }

  std::string Flatten(const std::string& image, const std::string& extra = "") {
    const std::string flat = image + ".flat";
    Shell("qemu-img convert " + extra + " -O raw '" + image + "' '" + flat + "'");
    return flat;
  }

  // A qcow2 chain of `depth` layers of `size` bytes (cluster size `cluster`), random writes
  // in each; returns the top.
  std::string Chain(const std::string& name, int depth, uint64_t size, uint64_t cluster) {
    std::string below;
    for (int i = 0; i < depth; ++i) {
      const std::string path = dir_ / fmt::format("{}{}.qcow2", name, i);
      if (below.empty()) {
        Shell(fmt::format("qemu-img create -q -f qcow2 -o cluster_size={} {} {}", cluster, path,
                          size));
      } else {
        Shell(fmt::format("qemu-img create -q -f qcow2 -o cluster_size={} -b {} -F qcow2 {}",
                          cluster, below, path));
      }
      QemuIo(path, RandomWrites(size, 12, true));
      below = path;
    }
    return below;
  }

  TempDir dir_;
  std::mt19937_64 rng_{18};
};

TEST_F(Layouts, QcowChainsWithZerosDiscardsAndUnalignedWrites) {
  for (int round = 0; round < 3; ++round) {
    const std::string top = Chain(fmt::format("c{}-", round), 3, (3 << 20) + 512 * 37, 65536);
    CheckAgainstChangedCopy(top, Flatten(top), "chain of 3");
  }
}

TEST_F(Layouts, ChainOfEight) {
  const std::string top = Chain("eight-", 8, 2 << 20, 65536);
  CheckAgainstChangedCopy(top, Flatten(top), "chain of 8");
}

TEST_F(Layouts, FragmentedFourKilobyteClusters) {
  const std::string path = dir_ / "frag.qcow2";
  Shell("qemu-img create -q -f qcow2 -o cluster_size=4096 " + path + " 2M");
  std::vector<std::string> writes;
  for (uint64_t at = 0; at + 65536 <= (2 << 20); at += 4096 * (2 + rng_() % 16)) {
    writes.push_back(
        fmt::format("write -P {} {} {}", 1 + rng_() % 250, at, 4096 * (1 + rng_() % 8)));
  }
  QemuIo(path, writes);
  CheckAgainstChangedCopy(path, Flatten(path), "fragmented");
}

TEST_F(Layouts, InternalSnapshotView) {
  const std::string path = dir_ / "snap.qcow2";
  Shell("qemu-img create -q -f qcow2 " + path + " 2M");
  QemuIo(path, RandomWrites(2 << 20, 10, true));
  Shell("qemu-img snapshot -c s1 " + path);
  QemuIo(path, RandomWrites(2 << 20, 10, true));
  CheckAgainstChangedCopy(path + "@s1", Flatten(path, "-l snapshot.name=s1"), "IMAGE@SNAP");
  CheckAgainstChangedCopy(path, Flatten(path), "after the snapshot");
}

TEST_F(Layouts, VmdkSparseCompressedQcowAndRawWithAnUnalignedEnd) {
  const std::string top = Chain("v-", 2, 2 << 20, 65536);
  const std::string flat = Flatten(top);
  Shell("qemu-img convert -O vmdk " + flat + " " + (dir_ / "d.vmdk"));
  CheckAgainstChangedCopy(dir_ / "d.vmdk", flat, "vmdk sparse");
  Shell("qemu-img convert -c -O qcow2 " + flat + " " + (dir_ / "packed.qcow2"));
  CheckAgainstChangedCopy(dir_ / "packed.qcow2", flat, "compressed qcow2");
  // A raw file whose size is no multiple of anything, holes and all.
  const std::string raw = dir_ / "odd.raw";
  Shell("truncate -s " + std::to_string((2 << 20) + 777) + " " + raw);
  QemuIo(raw, RandomWrites((2 << 20) + 777, 10, false), "raw");
  CheckAgainstChangedCopy(raw, raw, "raw, unaligned end");
}

}  // namespace
}  // namespace snapsim::merge
