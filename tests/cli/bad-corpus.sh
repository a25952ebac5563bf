#!/usr/bin/env bash
# Runs every file listed in a bad-input README table through the CLI:
#   bad-corpus.sh OPSCOPE DIR
# Rows of DIR/README.md look like `| file | expected substring | ... |`. Each file must make
# `opscope -m FILE --analyze` exit with 2 (never a signal or a timeout) and print the substring.
# Tensor files (.pb) are not models, so through -m they only have to exit 2 naming the file;
# their own messages are checked by tests/src/test-load-onnx-bad.c.
set -u
opscope=$1 dir=$2
fail=0 n=0
while IFS='|' read -r _ file text _; do
  file=$(sed 's/^ *//; s/ *$//; s/`//g' <<<"$file")
  text=$(sed 's/^ *//; s/ *$//; s/`//g' <<<"$text")
  case "$file" in ""|file|-*) continue ;; esac
  n=$((n + 1))
  out=$(timeout 60 "$opscope" -m "$dir/$file" --analyze 2>&1)
  rc=$?
  case "$file" in *.pb) text="$dir/$file" ;; esac
  if [ "$rc" -ne 2 ]; then
    echo "FAIL $file: exit $rc, expected 2: $out"
    fail=$((fail + 1))
  elif ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL $file: message does not contain '$text': $out"
    fail=$((fail + 1))
  else
    echo "ok   $file: $out"
  fi
done < <(grep '^|' "$dir/README.md")
# The folder itself in place of a file.
out=$("$opscope" -m "$dir" --analyze 2>&1)
rc=$?
n=$((n + 1))
if [ "$rc" -ne 2 ] || ! grep -qF "is a directory" <<<"$out"; then
  echo "FAIL directory: exit $rc: $out"
  fail=$((fail + 1))
fi
echo "$((n - fail)) passed, $fail failed"
[ "$n" -gt 1 ] && [ "$fail" -eq 0 ]
