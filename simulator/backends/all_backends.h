#pragma once
// Registers every backend this build has, in the fixed order `snapsim backends` lists them;
// a backend whose family was switched off at build time is listed as unavailable, naming
// the CMake option. Programs (the CLI, benchmarks) call it once before using the registry.

namespace snapsim::simulator {

void RegisterAllBackends();

}  // namespace snapsim::simulator
