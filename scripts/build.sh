#!/usr/bin/env bash
# Configures and builds opscope into ./build (or $BUILD_DIR). Arguments, and the words of
# $OPSCOPE_CMAKE_ARGS, go to cmake's configure step, e.g.
#   BUILD_DIR=build-asan scripts/build.sh -DOPSCOPE_SANITIZE=address,undefined
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build" ${OPSCOPE_CMAKE_ARGS:-} "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
