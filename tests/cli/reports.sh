#!/usr/bin/env bash
# A JSON report from every mode, each validated against docs/report-schema.json.
#   reports.sh OPSCOPE SCHEMA TEST_DATA_DIR WORKDIR
# Exit 0 when every mode exits as expected and every report is valid; 77 (skipped) without
# python3-jsonschema.
set -u
opscope=$1 schema=$2 data=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work" || exit 1
cd "$work" || exit 1
python3 -c 'import jsonschema' 2>/dev/null || {
  echo "SKIP: python3-jsonschema is not installed (scripts/setup.sh installs it)"
  exit 77
}
failed=0
# run NAME EXPECTED_EXIT ARGS...: writes NAME.json
run() {
  local name=$1 want=$2
  shift 2
  "$opscope" "$@" -q -o "$name.json" >"$name.out" 2>&1
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: $name: exit $rc, expected $want: $opscope $* -o $name.json"
    cat "$name.out"
    failed=1
  fi
}
run analyze 0 -m builtin:mnist --analyze -u simd -v
run verify 0 -m builtin:mnist --verify "$data/builtin/mnist"
run benchmark 0 -m builtin:mlp -b simd -w 0 -n 2 --counters
run benchmark-all 0 -m builtin:mlp -B -w 0 -n 2
run profile 0 -m builtin:resnet-tiny --profile simd -w 0 -n 2
run compare 0 -m builtin:transformer-tiny -c
run test-unit 0 -m builtin:mnist -t threads
run costs-validate 0 -m builtin:resnet-tiny --costs --validate scalar -w 0 -n 2
run sample 0 -m builtin:resnet-tiny --sample scalar -w 0 -n 2
run gates-pass 0 -m builtin:mnist -u simd --min-coverage 50 --min-coverage-time 50 \
  --max-fallbacks 5
run gates-fail 3 -m builtin:mnist -u simd --isa scalar --min-coverage 100 --strict
run latency 0 -m builtin:mlp -b simd -w 0 -n 2 --max-latency 100000 simd
# A baseline far slower than any real run: the regression gates pass.
python3 - profile.json slow-base.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for b in r["benchmarks"]:
    b["median_ms"] *= 1000; b["p90_ms"] *= 1000
    for op in b.get("profile", {}).get("ops", []):
        op["mean_ms"] *= 1000
json.dump(r, open(sys.argv[2], "w"))
PY
run baseline 0 -m builtin:resnet-tiny --profile simd -w 0 -n 2 --baseline slow-base.json \
  --max-regression 10
# -o -: the report alone on stdout, everything else on stderr.
"$opscope" -m builtin:mlp -b scalar -w 0 -n 2 -o - >stdout.json 2>stdout.err
rc=$?
if [ "$rc" -ne 0 ] || ! grep -q "median" stdout.err; then
  echo "FAIL: -o -: exit $rc, or the human lines did not go to stderr"
  failed=1
fi
"$opscope" -m builtin:mlp --format json >format-json.json 2>/dev/null || {
  echo "FAIL: --format json"
  failed=1
}
# The schema is strict: an undocumented field fails validation (checked on a copy).
mkdir -p negative
python3 - analyze.json negative/extra-field.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["analysis"]["undocumented"] = 1
json.dump(r, open(sys.argv[2], "w"))
PY
if python3 "$here/validate-report.py" "$schema" negative/extra-field.json >negative.out; then
  echo "FAIL: a report with an undocumented field passed validation"
  failed=1
fi
python3 "$here/validate-report.py" "$schema" ./*.json || failed=1
[ "$failed" -eq 0 ] && echo "ok: every mode's report is valid"
exit "$failed"
