#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from test data that is already on disk:
#   make-seeds.sh OUTDIR SOURCE_DIR [OPSCOPE]
# writes OUTDIR/{onnx,run,json,tensor-pb}/, each file under its source path (libFuzzer and the
# replay programs read folders recursively). Seeds are regenerated every time and never
# committed; only minimized crash inputs are (tests/fuzz/regressions/TARGET/).
#   onnx, run:  the bad-model corpora of tests/data, and the ONNX conformance node models under
#               2 KiB (/usr/share/libonnx-testdata, when installed)
#   json:       the JSON IR of tests/data, and the built-in models exported as JSON IR with
#               OPSCOPE when given (their weights file is the fuzz target's own fuzz.bin)
#   tensor-pb:  the .pb files of tests/data and the conformance node test data under 2 KiB
set -euo pipefail
out=$1 src=$2 opscope=${3:-}
conf=/usr/share/libonnx-testdata/data/node
rm -rf "$out"
mkdir -p "$out/onnx" "$out/run" "$out/json" "$out/tensor-pb"

# copy DIR: the NUL-separated paths on stdin into DIR, keeping their paths (a few processes in
# all, not one per file: the conformance data has thousands).
copy() {
  xargs -0 -r cp --parents -t "$1"
}

find "$src/tests/data/bad" -name '*.onnx' -print0 | copy "$out/onnx"
find "$src/tests/fuzz/extra-seeds" -name '*.onnx' -print0 | copy "$out/onnx"
find "$src/tests/data" -name '*.pb' -print0 | copy "$out/tensor-pb"
find "$src/tests/data" -name '*.json' -print0 | copy "$out/json"
if [ -d "$conf" ]; then
  find "$conf" -name model.onnx -size -2k -print0 | copy "$out/onnx"
  find "$conf" -name '*.pb' -size -2k -print0 | copy "$out/tensor-pb"
fi
cp -r "$out/onnx/." "$out/run"
if [ -n "$opscope" ] && [ -x "$opscope" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  for m in mnist mlp resnet-tiny transformer-tiny; do
    if "$opscope" -m "builtin:$m" --export-ir "$tmp/$m.json" -q >/dev/null 2>&1; then
      # The fuzz target's weights file is fuzz.bin beside its input.
      sed 's/"weights": *"[^"]*"/"weights": "fuzz.bin"/' "$tmp/$m.json" >"$out/json/builtin-$m.json"
    fi
  done
fi
for t in onnx run json tensor-pb; do
  echo "$t: $(find "$out/$t" -type f | wc -l) seeds"
done
