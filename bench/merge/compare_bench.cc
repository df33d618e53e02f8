// Machine ceilings for the image comparison: memcmp of two equal buffers (the ceiling for
// comparing data against data) and the zero scan (data against a hole), on 1 and 2
// threads, and page-cache read bandwidth: preads of 4 MiB from the file named by
// SNAPSIM_BENCH_FILE (warm; each thread reads its own share), on 1 and 2 threads.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "merge/compare.h"

namespace snapsim::merge {
namespace {

void BM_Memcmp(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> a(bytes, 0x5a), b(bytes, 0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(std::memcmp(a.data(), b.data(), bytes));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_Memcmp)->Arg(4 << 20)->Arg(256 << 20)->Threads(1)->Threads(2)->UseRealTime();

void BM_AllZero(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> a(bytes, 0);
  for (auto _ : state) benchmark::DoNotOptimize(AllZero(a));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_AllZero)->Arg(4 << 20)->Arg(256 << 20)->Threads(1)->Threads(2)->UseRealTime();

// Bytes per second read from the page cache: thread t of n reads the t-th of n equal
// parts of the file, 4 MiB at a time, into a buffer of its own.
void BM_PageCacheRead(benchmark::State& state) {
  const char* path = std::getenv("SNAPSIM_BENCH_FILE");
  const int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
    state.SkipWithError("set SNAPSIM_BENCH_FILE to a readable file (warm in the page cache)");
    if (fd >= 0) close(fd);
    return;
  }
  constexpr size_t kChunk = size_t{4} << 20;
  const uint64_t part = static_cast<uint64_t>(st.st_size) / state.threads() / kChunk * kChunk;
  const uint64_t from = part * state.thread_index();
  std::vector<uint8_t> buffer(kChunk);
  uint64_t bytes = 0;
  for (auto _ : state) {
    for (uint64_t at = from; at < from + part; at += kChunk) {
      const ssize_t n = pread(fd, buffer.data(), kChunk, static_cast<off_t>(at));
      if (n <= 0) break;
      bytes += static_cast<uint64_t>(n);
    }
    benchmark::DoNotOptimize(buffer.data());
  }
  close(fd);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_PageCacheRead)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace snapsim::merge

BENCHMARK_MAIN();
