#!/usr/bin/env bash
# Runs a command and checks its exit code and, optionally, that its output contains a string.
#   expect.sh [--requires PATH] EXIT_CODE SUBSTRING -- COMMAND...
# SUBSTRING may be empty. With --requires, a missing PATH skips the test (exit 77, which CTest
# is told means "skipped"), saying why.
set -u
if [ "$1" = "--requires" ]; then
  if [ ! -e "$2" ]; then
    echo "SKIP: $2 not found (the shared models are not beside this checkout)"
    exit 77
  fi
  shift 2
fi
want_rc=$1
want_text=$2
shift 2
[ "$1" = "--" ] && shift
out=$(timeout 300 "$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne "$want_rc" ]; then
  echo "FAIL: exit code $rc, expected $want_rc: $*"
  exit 1
fi
if [ -n "$want_text" ] && ! grep -qF -- "$want_text" <<<"$out"; then
  echo "FAIL: output does not contain: $want_text"
  exit 1
fi
echo "ok: exit $rc${want_text:+, output contains '$want_text'}"
