#!/usr/bin/env bash
# --trace of a profiled run, checked for structure (check-trace.py): one span per executed op
# per run, nested in the run's span. The executed-op count comes from the run's own report.
#   trace.sh OPSCOPE MODEL UNIT WORKDIR
set -u
opscope=$1 model=$2 unit=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
case "$model" in
  builtin:*) ;;
  *) [ -e "$model" ] || { echo "SKIP: $model not found (the shared models are not beside this checkout)"; exit 77; } ;;
esac
rm -rf "$work" && mkdir -p "$work" || exit 1
"$opscope" -m "$model" --profile "$unit" -w 1 -n 3 -q --trace "$work/trace.json" \
  -o "$work/report.json" >"$work/out.txt" 2>&1
rc=$?
cat "$work/out.txt"
[ "$rc" -eq 0 ] || { echo "FAIL: exit $rc"; exit 1; }
read -r ops runs < <(python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"][0]
print(len(b["profile"]["ops"]), min(b["iterations"], 100))' "$work/report.json")
python3 "$here/check-trace.py" "$work/trace.json" "$ops" "$runs"
