// What a test target builds when snapsim is configured with SNAPSIM_BUILD_TESTS=OFF
// (cmake/SnapsimHelpers.cmake, snapsim_test).
#include <cstdio>

int main() {
  std::fprintf(stderr, "%s: not built: configure with -DSNAPSIM_BUILD_TESTS=ON\n",
               SNAPSIM_TEST_NAME);
  return 1;
}
