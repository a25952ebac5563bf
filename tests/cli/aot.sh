#!/usr/bin/env bash
# --compile end to end, as a user runs it:
#   aot.sh OPSCOPE WORKDIR TEST_DATA_DIR [MODELS_DIR]
# Built-in models are compiled for every unit and each library verifies against the built-in
# reference outputs; --analyze and a benchmark with per-op times run on a library; with the
# shared models present, each is compiled for simd and verifies against its test data, and one
# for avx2. Usage errors exit 2.
set -u
opscope=$1
dir=$2/aot
data=$3
models=${4:-}
rm -rf "$dir"
fail() {
  echo "FAIL: $*"
  exit 1
}
run() { # run EXPECTED_RC TEXT ARGS...: the exit code and a substring of the output
  local want=$1 text=$2
  shift 2
  local out
  out=$("$opscope" "$@" 2>&1)
  local rc=$?
  printf '%s\n' "$out" | tail -3
  [ "$rc" -eq "$want" ] || fail "exit $rc (expected $want): opscope $*"
  [ -z "$text" ] || grep -qF -- "$text" <<<"$out" || fail "no '$text' in: opscope $*"
}

for model in mnist resnet-tiny transformer-tiny; do
  for unit in scalar simd threads all; do
    run 0 "$dir/${model}_$unit.so" -m "builtin:$model" --compile "$unit" --output-dir "$dir"
    [ -f "$dir/${model}_$unit.c" ] && [ -f "$dir/${model}_$unit.h" ] &&
      [ -f "$dir/${model}_$unit.weights" ] || fail "files of ${model}_$unit missing"
    run 0 "PASS" -m "$dir/${model}_$unit.so" --verify "$data/builtin/$model"
  done
done
run 0 "Compute plan for unit 'simd'" -m "$dir/resnet-tiny_simd.so" --analyze
run 0 "aot-library" -m "$dir/resnet-tiny_simd.so" --analyze
run 0 "Slowest ops" -m "$dir/resnet-tiny_simd.so" --profile simd -w 1 -n 3
# The library's unit is the default; another unit runs opscope's kernels on its graph.
run 0 "PASS" -m "$dir/mnist_simd.so" -c
run 0 "Compute plan for unit 'scalar'" -m "$dir/mnist_simd.so" --analyze -u scalar
run 0 "my_net_simd.so" -m builtin:mlp --compile simd --output-dir "$dir" --prefix my_net
run 2 "is a compiled library already" -m "$dir/my_net_simd.so" --compile simd --output-dir "$dir"
run 2 "--prefix" -m builtin:mlp --compile simd --output-dir "$dir" --prefix "bad name"
run 2 "--output-dir and --prefix name what --compile" -m builtin:mlp --output-dir "$dir"
run 2 "unknown unit" -m builtin:mlp --compile gpu
run 2 "cannot open" -m "$dir/none.so" --analyze
printf 'not a library' >"$dir/text.so"
run 2 "not an ELF" -m "$dir/text.so" --analyze
head -c 3000 "$dir/mlp_simd.so" >"$dir/cut.so" 2>/dev/null ||
  head -c 3000 "$dir/my_net_simd.so" >"$dir/cut.so"
run 2 "cut.so" -m "$dir/cut.so" --analyze
mv "$dir/my_net_simd.weights" "$dir/my_net_simd.weights.saved"
run 2 "my_net_simd.weights: cannot open" -m "$dir/my_net_simd.so" -b simd -n 1

if [ -n "$models" ] && [ -d "$models" ]; then
  for model in mnist_cnn mlp mlp_b64 squeezenet1_1 mobilenet_v2 tiny_bert; do
    run 0 "${model}_simd.so" -m "$models/$model/model.onnx" --compile simd --output-dir "$dir"
    run 0 "PASS" -m "$dir/${model}_simd.so" --verify "$models/$model/test_data_set_0"
  done
  run 0 "" -m "$models/mobilenet_v2/model.onnx" --isa avx2 --compile simd --output-dir "$dir/avx2"
  run 0 "PASS" -m "$dir/avx2/mobilenet_v2_simd.so" --verify "$models/mobilenet_v2/test_data_set_0"
else
  echo "note: ${models:-../shared/models} not found; the shared models' libraries were skipped"
fi
echo "ok: ahead-of-time libraries"
