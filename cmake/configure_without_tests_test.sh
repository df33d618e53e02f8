#!/usr/bin/env bash
# Configures snapsim in a temporary folder with SNAPSIM_BUILD_TESTS=OFF (configure and
# generate only, no build: about a second) and checks that it succeeds and registers no
# tests. Usage: configure_without_tests_test.sh CMAKE SOURCE_DIR GENERATOR CXX_COMPILER
set -u
cmake=$1 source_dir=$2 generator=$3 cxx=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for bench in ON OFF; do
  if ! "$cmake" -S "$source_dir" -B "$work/build-$bench" -G "$generator" \
       -DCMAKE_CXX_COMPILER="$cxx" -DSNAPSIM_BUILD_TESTS=OFF -DSNAPSIM_BUILD_BENCH=$bench \
       >"$work/configure.log" 2>&1; then
    echo "FAIL: configure with SNAPSIM_BUILD_TESTS=OFF SNAPSIM_BUILD_BENCH=$bench:"
    grep -A6 "CMake Error" "$work/configure.log" | head -40
    exit 1
  fi
  if [ -e "$work/build-$bench/CTestTestfile.cmake" ]; then
    echo "FAIL: SNAPSIM_BUILD_TESTS=OFF still registers tests (CTestTestfile.cmake)"
    exit 1
  fi
done
echo "ok: configures with SNAPSIM_BUILD_TESTS=OFF (benchmarks on and off)"
