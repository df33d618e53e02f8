// One libFuzzer target; SNAPSIM_FUZZ_TARGET (set per executable by fuzz/CMakeLists.txt)
// names what it runs (harness.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  snapsim::fuzz::RunTarget(SNAPSIM_FUZZ_TARGET,
                           std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
