#!/usr/bin/env bash
# Quick start: install what is missing, build, and run the main job on a built-in model:
# its compute plan, and a run verified against reference outputs computed independently
# (tests/data/builtin/, made by scripts/make-builtin-refs.py with numpy).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec ./build/opscope -m builtin:mnist --analyze --verify tests/data/builtin/mnist
