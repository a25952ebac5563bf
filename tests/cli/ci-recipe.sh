#!/usr/bin/env bash
# Runs the README's CI recipe as written (the ```sh blocks after <!-- ci-recipe:record --> and
# <!-- ci-recipe:check -->), with only MODEL= set to a built-in model and `opscope` on PATH.
# The check runs three times: against a baseline whose times were scaled 1000x slower (passes),
# 1000x faster (a regression: exit 3), and with SIMD capped away (coverage below 95%: exit 3),
# so the verdicts do not depend on this machine's noise.
#   ci-recipe.sh OPSCOPE README WORKDIR
set -u
opscope=$1 readme=$2 work=$3
rm -rf "$work" && mkdir -p "$work/bin" && cd "$work" || exit 1
ln -s "$opscope" bin/opscope
export PATH="$work/bin:$PATH"
block() {
  awk -v mark="<!-- ci-recipe:$1 -->" '
    $0 == mark { found = 1; next }
    found && /^```sh/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }' "$readme" | sed 's|^MODEL=model.onnx$|MODEL=builtin:mnist|'
}
block record >record.sh
block check >check.sh
for f in record.sh check.sh; do
  grep -q '^MODEL=builtin:mnist$' "$f" || { echo "FAIL: no MODEL=model.onnx line in the README's $f block"; exit 1; }
done
failed=0
bash record.sh || { echo "FAIL: the record block exited $?"; exit 1; }
[ -s ci/opscope-baseline.json ] || { echo "FAIL: no baseline written"; exit 1; }
cp ci/opscope-baseline.json recorded.json
scale() {
  python3 - recorded.json ci/opscope-baseline.json "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for b in r["benchmarks"]:
    spread = b["p90_ms"] - b["median_ms"]
    b["median_ms"] *= float(sys.argv[3])
    b["p90_ms"] = b["median_ms"] + spread * float(sys.argv[3])
json.dump(r, open(sys.argv[2], "w"))
PY
}
check() {
  local name=$1 want=$2 text=$3
  shift 3
  local out rc
  out=$(env "$@" bash check.sh 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
    printf '%s\n' "$out"
    echo "FAIL: $name: exit $rc (expected $want), output must contain '$text'"
    failed=1
  elif [ ! -s opscope-diff.md ] || ! grep -q '^| simd |' opscope-diff.md; then
    echo "FAIL: $name: opscope-diff.md has no simd row"
    failed=1
  else
    echo "ok: $name (exit $rc)"
  fi
}
scale 1000
check passes 0 "" PATH="$PATH"
scale 0.001
check regression 3 "gate failed: simd median latency regressed" PATH="$PATH"
scale 1000
check coverage 3 "gate failed: simd coverage 0% < 95% (--min-coverage)" PATH="$PATH" OPSCOPE_ISA=scalar
exit "$failed"
