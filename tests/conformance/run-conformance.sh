#!/usr/bin/env bash
# The ONNX backend conformance suite on one unit (scalar unless OPSCOPE_CONFORMANCE_UNIT says).
#
#   [OPSCOPE_CONFORMANCE_UNIT=simd] [OPSCOPE_CONFORMANCE_ISA=avx2] \
#     run-conformance.sh OPSCOPE DATA_ROOT OUT_DIR [EXPECTED]
#
# Runs `opscope --verify` on every test_data_set_N of every model under
# DATA_ROOT/{node,pytorch-converted,pytorch-operator,simple}/ (Debian's libonnx-testdata), each
# with a time limit, and classifies each test (the worst of its data sets):
#   pass         every output within tolerance (exit 0)
#   mismatch     an output outside tolerance (exit 1)
#   unsupported  opscope refused it as unsupported (exit 2, "unsupported:" message)
#   error        any other exit 2 (bad input as opscope sees it)
#   timeout      ran past the limit
#   crash        killed by a signal
# It writes OUT_DIR/results.tsv (set, test, result, first line of the message) and prints totals
# per set. With EXPECTED (tests/conformance/expected-pass.txt) it fails when a listed test does
# not pass, and whenever any test crashes, times out or mismatches; tests that pass but are not
# listed are printed so the list can grow.
# Tolerances follow the suite: rtol 1e-3, atol 1e-7; tolerances.txt lists per-test exceptions
# with their reasons. On simd and threads the same tests are expected to pass as on scalar: an
# op the unit cannot run falls back, and what it runs must match within the same tolerances.
set -u
opscope=$1 root=$2 out=$3 expected=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
limit=${OPSCOPE_CONFORMANCE_TIMEOUT:-30}
unit_args=(-u "${OPSCOPE_CONFORMANCE_UNIT:-scalar}")
[ -n "${OPSCOPE_CONFORMANCE_ISA:-}" ] && unit_args+=(--isa "$OPSCOPE_CONFORMANCE_ISA")
export OPSCOPE_UNIT_ARGS="${unit_args[*]}"
if [ -n "${OPSCOPE_CONFORMANCE_ISA:-}" ] &&
   ! "$opscope" -q -m builtin:mnist --isa "$OPSCOPE_CONFORMANCE_ISA" >/dev/null 2>&1; then
  echo "SKIP: this CPU cannot run --isa $OPSCOPE_CONFORMANCE_ISA"
  exit 77
fi
jobs=${OPSCOPE_CONFORMANCE_JOBS:-$(nproc)}
if [ ! -d "$root/node" ]; then
  echo "SKIP: $root/node not found (apt-get install libonnx-testdata; scripts/setup.sh does)"
  exit 77
fi
mkdir -p "$out"

# One test directory -> one line "set<TAB>test<TAB>result<TAB>message".
run_one() {
  local opscope=$1 dir=$2 limit=$3 tolerances=$4
  local set test result=pass msg="" rtol=1e-3 atol=1e-7 line
  set=$(basename "$(dirname "$dir")")
  test=$(basename "$dir")
  line=$(grep -E "^$test[[:space:]]" "$tolerances" 2>/dev/null | head -n 1)
  if [ -n "$line" ]; then
    read -r _ rtol atol _ <<<"$line"
  fi
  local rank_pass=0 rank_unsupported=1 rank_error=2 rank_mismatch=3 rank_timeout=4 rank_crash=5
  local worst=0 any=0
  for data in "$dir"/test_data_set_*; do
    [ -d "$data" ] || continue
    any=1
    local text rc r
    # shellcheck disable=SC2086  # OPSCOPE_UNIT_ARGS is words by design ("-u simd --isa avx2")
    text=$(timeout -s KILL "$limit" "$opscope" -q -m "$dir/model.onnx" --verify "$data" \
           --rtol "$rtol" --atol "$atol" $OPSCOPE_UNIT_ARGS 2>&1)
    rc=$?
    case $rc in
      0) r=pass ;;
      1) r=mismatch ;;
      2) if grep -q "^opscope: unsupported: " <<<"$text"; then r=unsupported; else r=error; fi ;;
      137) r=timeout ;;
      *) r=crash ;;
    esac
    local rank_var=rank_$r
    if [ "${!rank_var}" -gt "$worst" ]; then
      worst=${!rank_var}
      result=$r
      case $r in
        mismatch) msg="outputs outside rtol $rtol atol $atol" ;;
        timeout) msg="no answer in ${limit}s" ;;
        crash) msg="exit status $rc" ;;
        *) msg=$(grep -v '^PASS$' <<<"$text" | head -n 1 | tr '\t' ' ') ;;
      esac
    fi
  done
  [ "$any" -eq 1 ] || { result=error; msg="no test_data_set_N"; }
  printf '%s\t%s\t%s\t%s\n' "$set" "$test" "$result" "$msg"
}
export -f run_one

find "$root"/node "$root"/pytorch-converted "$root"/pytorch-operator "$root"/simple \
     -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort |
  xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ "$opscope" {} "$limit" "$here/tolerances.txt" |
  sort > "$out/results.tsv"

printf '%-18s %6s %9s %12s %6s %8s %6s %6s\n' set pass mismatch unsupported error timeout crash total
for set in node pytorch-converted pytorch-operator simple all; do
  awk -F'\t' -v s="$set" '
    s == "all" || $1 == s { n[$3]++; t++ }
    END { printf "%-18s %6d %9d %12d %6d %8d %6d %6d\n", s, n["pass"], n["mismatch"],
          n["unsupported"], n["error"], n["timeout"], n["crash"], t }' "$out/results.tsv"
done
echo "results: $out/results.tsv"

[ -n "$expected" ] || exit 0
status=0
bad=$(awk -F'\t' '$3 == "crash" || $3 == "timeout" || $3 == "mismatch"' "$out/results.tsv")
if [ -n "$bad" ]; then
  echo; echo "FAIL: crashes, timeouts or mismatches:"; printf '%s\n' "$bad"
  status=1
fi
missing=$(grep -v '^#' "$expected" | grep . | while read -r set test; do
  r=$(awk -F'\t' -v s="$set" -v t="$test" '$1 == s && $2 == t { print $3 }' "$out/results.tsv")
  [ "$r" = pass ] || printf '%s/%s: %s\n' "$set" "$test" "${r:-missing}"
done)
if [ -n "$missing" ]; then
  echo; echo "FAIL: tests that passed before and do not now:"; printf '%s\n' "$missing"
  status=1
fi
new=$(awk -F'\t' '$3 == "pass" { print $1 " " $2 }' "$out/results.tsv" | grep -vxFf <(grep -v '^#' "$expected") || true)
if [ -n "$new" ]; then
  echo; echo "Newly passing (add them to $expected):"; printf '%s\n' "$new"
fi
passed=$(awk -F'\t' '$3 == "pass"' "$out/results.tsv" | wc -l)
total=$(wc -l < "$out/results.tsv")
echo "$passed of $total conformance tests pass"
[ "$status" -eq 0 ] && echo "conformance: no regressions, no crashes, hangs or mismatches"
exit "$status"
