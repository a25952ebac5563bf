#!/usr/bin/env bash
# Hostile values (issue #10): runs the rows of DIR/README.md and the generated large cases.
#   hostile.sh OPSCOPE DIR WORKDIR
# Rows look like `| file | exit | args | text |`; `$DIR` in args is DIR. Each run must exit with
# the listed code (never a signal or a timeout) and print the text.
set -u
opscope=$1 dir=$2 work=$3
fail=0 n=0
mkdir -p "$work"

# check NAME EXPECTED_EXIT TEXT TIMEOUT ARGS...
check() {
  local name=$1 want=$2 text=$3 limit=$4
  shift 4
  n=$((n + 1))
  local out rc
  out=$(timeout "$limit" "$opscope" "$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, expected $want: $(tail -3 <<<"$out")"
    fail=$((fail + 1))
  elif ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL $name: output does not contain '$text': $(tail -3 <<<"$out")"
    fail=$((fail + 1))
  else
    echo "ok   $name: $(grep -F -- "$text" <<<"$out" | head -1)"
  fi
}

while IFS='|' read -r _ file want args text _; do
  file=$(sed 's/^ *//; s/ *$//' <<<"$file")
  want=$(sed 's/^ *//; s/ *$//' <<<"$want")
  args=$(sed 's/^ *//; s/ *$//' <<<"$args")
  text=$(sed 's/^ *//; s/ *$//' <<<"$text")
  case "$file" in ""|file|-*) continue ;; esac
  # Word splitting of args is intended: they are options and a folder without spaces.
  # shellcheck disable=SC2086
  check "$file $args" "$want" "$text" 60 -m "$dir/$file" ${args//\$DIR/$dir}
done < <(grep '^|' "$dir/README.md")

# 10,000 nodes, Sigmoid and Relu in turn on a [1, 16] tensor: no step may be quadratic in the
# node count (load, validation, shape inference, planning, memory planning, binding, running).
awk 'BEGIN {
  n = 10000
  printf "{\"format\":\"opscope-ir\",\"version\":1,\"name\":\"chain-%d\",", n
  printf "\"tensors\":[{\"name\":\"t0\",\"dtype\":\"f32\",\"shape\":[1,16],\"role\":\"input\"}],"
  printf "\"inputs\":[\"t0\"],\"outputs\":[\"t%d\"],\"nodes\":[", n
  for (i = 1; i <= n; i++)
    printf "%s{\"op_type\":\"%s\",\"inputs\":[\"t%d\"],\"outputs\":[\"t%d\"]}", (i > 1 ? "," : ""),
           (i % 2 ? "Sigmoid" : "Relu"), i - 1, i
  print "]}"
}' >"$work/chain-10000.json"
check "chain-10000.json -t simd" 0 "PASS" 120 -m "$work/chain-10000.json" -t simd -q

# An INTS attribute of a million entries: read whole, then refused for what it says.
awk 'BEGIN {
  n = 1000000
  printf "{\"format\":\"opscope-ir\",\"version\":1,\"name\":\"perm-million\","
  printf "\"tensors\":[{\"name\":\"x\",\"dtype\":\"f32\",\"shape\":[2,3],\"role\":\"input\"}],"
  printf "\"inputs\":[\"x\"],\"outputs\":[\"y\"],\"nodes\":[{\"op_type\":\"Transpose\","
  printf "\"inputs\":[\"x\"],\"outputs\":[\"y\"],\"attributes\":{\"perm\":{\"type\":\"ints\","
  printf "\"value\":["
  for (i = 0; i < n; i++) printf "%s%d", (i ? "," : ""), i % 2
  print "]}}}]}"
}' >"$work/perm-million.json"
check "perm-million.json --analyze" 2 "output rank 1000000 exceeds the maximum of 8" 60 \
  -m "$work/perm-million.json" --analyze

echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
