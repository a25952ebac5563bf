#!/usr/bin/env bash
# --baseline/--max-regression and `opscope diff`, made deterministic: baselines are derived from
# a real report with their times scaled far beyond any machine noise (x1000: per-op means on a
# loaded machine swing tenfold), so the verdicts never depend on how fast this run happens to be.
#   baseline.sh OPSCOPE WORKDIR
set -u
opscope=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failed=0
# expect NAME EXIT SUBSTRING COMMAND...
expect() {
  local name=$1 want=$2 text=$3
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
    printf '%s\n' "$out"
    echo "FAIL: $name: exit $rc (expected $want), output must contain '$text'"
    failed=1
  else
    echo "ok: $name"
  fi
}
# derive OUT FACTOR SPREAD_FACTOR [FIELD=VALUE]: scales medians and op means by FACTOR and sets
# p90 = median * (1 + SPREAD_FACTOR).
derive() {
  python3 - base.json "$@" <<'PY'
import json, sys
src, out, factor, spread = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
r = json.load(open(src))
for b in r["benchmarks"]:
    b["median_ms"] *= factor
    b["p90_ms"] = b["median_ms"] * (1 + spread)
    for op in b.get("profile", {}).get("ops", []):
        op["mean_ms"] *= factor
for kv in sys.argv[5:]:
    path, value = kv.split("=", 1)
    *parents, last = path.split(".")
    o = r
    for p in parents:
        o = o[p]
    o[last] = json.loads(value)
json.dump(r, open(out, "w"))
PY
}
run=(-m builtin:resnet-tiny --profile simd -w 1 -n 3 -q)
"$opscope" "${run[@]}" -o base.json >/dev/null || { echo "FAIL: the base run"; exit 1; }
derive slower.json 1000 0       # the past was 1000x slower: no regression
derive faster.json 0.001 0      # the past was 1000x faster, with no spread: a regression
derive noisy.json 0.001 1e7     # 1000x faster but a spread of 1e7 medians: within the noise
derive other-model.json 1 0 model.node_count=999
derive schema-2.json 1 0 schema_version=2
printf '{"schema_version": 1, "tool": ' >truncated.json
expect improvement 0 "Gates: all" "$opscope" -m builtin:resnet-tiny --profile simd -w 1 -n 3 \
  --baseline slower.json --max-regression 10
expect regression 3 "gate failed: simd median latency regressed" \
  "$opscope" "${run[@]}" --baseline faster.json --max-regression 10
expect regression-per-op 3 "(--max-regression)" \
  "$opscope" "${run[@]}" --baseline faster.json --max-regression 10
expect within-noise 0 "" "$opscope" "${run[@]}" --baseline noisy.json --max-regression 10
expect other-model 2 "other-model.json: the baseline describes another model" \
  "$opscope" "${run[@]}" --baseline other-model.json --max-regression 10
expect schema-version 2 "schema-2.json: schema_version 2" \
  "$opscope" "${run[@]}" --baseline schema-2.json --max-regression 10
expect truncated 2 "truncated.json: not valid JSON" \
  "$opscope" "${run[@]}" --baseline truncated.json --max-regression 10
expect missing 2 "missing.json: cannot open" \
  "$opscope" "${run[@]}" --baseline missing.json --max-regression 10
expect needs-pct 2 "--baseline and --max-regression go together" \
  "$opscope" "${run[@]}" --baseline slower.json
expect needs-benchmark 2 "--baseline compares benchmark times" \
  "$opscope" -m builtin:resnet-tiny --baseline slower.json --max-regression 10
# diff: per-unit and per-op deltas, text and Markdown; refused across models.
expect diff-text 0 "Median latency per unit" "$opscope" diff base.json faster.json
expect diff-ops 0 "Mean time per op, largest change first" "$opscope" diff base.json faster.json
expect diff-md 0 "| unit | A median ms | B median ms |" \
  "$opscope" diff base.json faster.json --format md
expect diff-csv 0 "unit,A median ms,B median ms" "$opscope" diff base.json faster.json --format csv
expect diff-delta 0 "-99.9%" "$opscope" diff base.json faster.json
expect diff-other-model 2 "describes another model" "$opscope" diff base.json other-model.json
expect diff-usage 2 "expected two reports" "$opscope" diff base.json
expect diff-bad-format 2 "unknown format 'xml'" "$opscope" diff base.json base.json --format xml
exit "$failed"
