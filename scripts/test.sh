#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest.
# Tests that need ../shared/models skip with a message when it is not beside the checkout.
# Extra arguments go to ctest, e.g. scripts/test.sh -L models
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" "$@"
