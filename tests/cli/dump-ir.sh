#!/usr/bin/env bash
# --opt-level and --dump-ir end to end:
#   dump-ir.sh OPSCOPE WORKDIR
# The dump directory gets the graph before the passes and after each that changed it, every
# dump reloads as a model, the last one plans like the original, and plan.dot has one box per
# node of the final graph. OPSCOPE_OPT_LEVEL sets the default level and a bad value is refused.
set -u
opscope=$1
dir=$2/dump-ir
rm -rf "$dir"
fail() {
  echo "FAIL: $*"
  exit 1
}
out=$("$opscope" -m builtin:resnet-tiny -u simd --opt-level O3 --dump-ir "$dir" --analyze 2>&1) ||
  fail "opscope exited $?: $out"
printf '%s\n' "$out"
grep -qF "Passes O3: fold" <<<"$out" || fail "no pass summary in --analyze"
[ -f "$dir/00-input.json" ] && [ -f "$dir/00-input.bin" ] || fail "no 00-input.json/.bin"
[ -f "$dir/plan.dot" ] || fail "no plan.dot"
last=""
for f in "$dir"/[0-9][0-9]-*.json; do
  "$opscope" -m "$f" --analyze -q >/dev/null 2>&1 || fail "$f does not reload"
  last=$f
done
[ "$last" != "$dir/00-input.json" ] || fail "no pass changed builtin:resnet-tiny"
grep -q '"fused"' "$last" || fail "$last records no fusion"
nodes=$(grep -o '"op_type"' "$last" | wc -l)
boxes=$(grep -c '^  n[0-9]* \[fillcolor' "$dir/plan.dot")
[ "$nodes" -eq "$boxes" ] || fail "plan.dot has $boxes boxes for $nodes nodes"
grep -qF -- '->' "$dir/plan.dot" || fail "plan.dot has no edges"
# The same model at O0 keeps every node: as many boxes as the input graph has nodes.
rm -rf "$dir"
"$opscope" -m builtin:resnet-tiny -u simd --opt-level O0 --dump-ir "$dir" -q >/dev/null 2>&1 ||
  fail "O0 run failed"
ls "$dir"/01-*.json >/dev/null 2>&1 && fail "O0 dumped a pass"
nodes=$(grep -o '"op_type"' "$dir/00-input.json" | wc -l)
boxes=$(grep -c '^  n[0-9]* \[fillcolor' "$dir/plan.dot")
[ "$nodes" -eq "$boxes" ] || fail "O0 plan.dot has $boxes boxes for $nodes nodes"
out=$(OPSCOPE_OPT_LEVEL=O1 "$opscope" -m builtin:resnet-tiny --analyze 2>&1) || fail "env O1 failed"
grep -qF "Passes O1:" <<<"$out" || fail "OPSCOPE_OPT_LEVEL=O1 not applied"
out=$(OPSCOPE_OPT_LEVEL=fast "$opscope" -m builtin:resnet-tiny --analyze 2>&1)
[ $? -eq 2 ] && grep -qF "OPSCOPE_OPT_LEVEL" <<<"$out" || fail "bad OPSCOPE_OPT_LEVEL accepted: $out"
rm -rf "$dir"
echo "ok"
