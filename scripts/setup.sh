#!/usr/bin/env bash
# Installs the Debian packages opscope needs that are missing on this machine.
# Runs apt-get (through sudo when not root) only when something is missing, so it is cheap to
# call before every build. Usage: scripts/setup.sh
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libelf-dev libdw-dev libjson-c-dev libncurses-dev
  libprotobuf-c-dev protobuf-c-compiler
  libonnx-dev        # only for its onnx.proto: the C code is generated at build time
  libcmocka-dev      # unit tests
  libonnx-testdata   # the ONNX backend conformance data
  python3-jsonschema # validates JSON reports against docs/report-schema.json (tests)
  tmux               # drives the --tui test (tests/tui/test-tui.sh); skipped without it
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all dependencies are installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    sudo="sudo"
  else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
