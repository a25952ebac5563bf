#!/bin/sh
# --tui outside a terminal and with bad --overrides files: exit 2 and a message that names the
# file, the line and the problem (never a crash or a garbled screen).
#
#   test-tui-args.sh OPSCOPE_BINARY
set -eu

bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
export XDG_CACHE_HOME="$work/cache"

# expect_fail MESSAGE -- ARGS...: exit 2 and MESSAGE on stderr.
expect_fail() {
  want=$1
  shift 2
  set +e
  "$bin" "$@" </dev/null >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  if [ "$rc" -ne 2 ]; then
    echo "FAIL: opscope $* exited $rc, expected 2"
    cat "$work/err"
    exit 1
  fi
  if ! grep -qF -- "$want" "$work/err"; then
    echo "FAIL: opscope $*: expected '$want' in:"
    cat "$work/err"
    exit 1
  fi
}

expect_fail "opscope: --tui needs a terminal" -- -m builtin:mnist --tui
expect_fail "--overrides is for the live view: add --tui" -- -m builtin:mnist --overrides x
expect_fail "--tui is a mode of its own" -- -m builtin:mnist --tui -b simd
expect_fail "give -o a file name, not -" -- -m builtin:mnist --tui -o -

printf '# comment\n\nconv1 simd\nconv2\n' >"$work/one-word"
expect_fail "$work/one-word:4: expected 'NODE UNIT', got one word" -- \
  -m builtin:mnist --tui --overrides "$work/one-word"
printf 'nosuchnode scalar\n' >"$work/unknown-node"
expect_fail "$work/unknown-node:1: the model has no node 'nosuchnode'" -- \
  -m builtin:mnist --tui --overrides "$work/unknown-node"
printf 'conv1 gpu\n' >"$work/unknown-unit"
expect_fail "$work/unknown-unit:1: node 'conv1': 'gpu' is not a unit" -- \
  -m builtin:mnist --tui --overrides "$work/unknown-unit"
printf 'conv1 simd\nconv1 scalar\n' >"$work/twice"
expect_fail "$work/twice:2: node 'conv1' is overridden twice" -- \
  -m builtin:mnist --tui --overrides "$work/twice"
head -c 3000 /dev/zero | tr '\0' a >"$work/long"
expect_fail "$work/long:1: line longer than" -- -m builtin:mnist --tui --overrides "$work/long"
mkdir "$work/dir"
expect_fail "$work/dir" -- -m builtin:mnist --tui --overrides "$work/dir"
# A missing file is no overrides (it is written on the first change): only the terminal is
# missing here.
expect_fail "opscope: --tui needs a terminal" -- \
  -m builtin:mnist --tui --overrides "$work/missing"
echo "PASS"
