#!/bin/sh
# The live view (--tui) driven in a detached tmux pane: send-keys types, capture-pane reads the
# screen. It checks that the op table appears, that sorting, filtering, the drill-down, a unit
# change and an override change what is shown, that the unit comparison and the export work,
# and that `q` and Ctrl-C end the program with exit 0 and the terminal back on the normal
# screen.
#
#   test-tui.sh OPSCOPE_BINARY
#
# Exits 77 (CTest: skipped) with a message when tmux is not installed. Every wait polls the
# screen with a deadline instead of sleeping a fixed time, so a loaded machine slows the test
# down without failing it.
set -eu

bin=$1
if ! command -v tmux >/dev/null 2>&1; then
  echo "SKIP: tmux is not installed (scripts/setup.sh installs it)"
  exit 77
fi

work=$(mktemp -d)
sock="opscope-tui-test-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
  tm kill-server >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

fail() {
  echo "FAIL: $*"
  echo "---- screen ----"
  tm capture-pane -p -t "$sess" 2>/dev/null || true
  echo "----------------"
  exit 1
}

screen() { tm capture-pane -p -t "$sess"; }

# wait_for REGEX [SECONDS]: polls the screen until a line matches (grep -E).
wait_for() {
  deadline=$(($(date +%s) + ${2:-30}))
  while [ "$(date +%s)" -le "$deadline" ]; do
    if screen | grep -Eq -- "$1"; then return 0; fi
    sleep 0.2
  done
  fail "timed out waiting for /$1/"
}

# The node names of the op table, one per line, in screen order: the lines between the column
# heading and the fallback panel, second column (the first is the F/!/space mark).
table_nodes() {
  screen | awk '/^ *NODE +OP +UNIT/ {on = 1; next} /^Fallbacks / {on = 0} on && NF > 0 {
    line = substr($0, 3); split(line, f, " "); print f[1] }'
}

# The UNIT column of the table row of node $1.
unit_of() {
  screen | awk -v node="$1" '/^ *NODE +OP +UNIT/ {on = 1; next} /^Fallbacks / {on = 0}
    on { line = substr($0, 3); split(line, f, " "); if (f[1] == node) print f[3] }'
}

cd "$work"
sess=first
# The program's exit status is printed after it returns, so the test can read it off the pane.
tm new-session -d -x 100 -y 30 -s "$sess" \
  "env TERM=screen NO_COLOR=1 XDG_CACHE_HOME=$work/cache '$bin' -m builtin:mnist --tui -u simd \
   --overrides $work/overrides.txt -o $work/report.json; echo \"opscope exited with \$?\"; sleep 60"

# The op table, with measured runs.
wait_for '^ *NODE +OP +UNIT +EST ms +MEAN ms +SHARE'
wait_for '^unit simd .*runs [1-9]'
wait_for '^ +conv1 +Conv +simd '
[ "$(table_nodes | wc -l)" -ge 5 ] || fail "expected at least 5 ops in the table"

# s: the next sort column is the node name, ascending; S reverses it.
tm send-keys -t "$sess" s
wait_for 'sort name$'
table_nodes >"$work/names"
LC_ALL=C sort "$work/names" | cmp -s - "$work/names" || fail "s: rows are not sorted by name"
tm send-keys -t "$sess" S
wait_for 'sort name rev$'
table_nodes >"$work/names-rev"
LC_ALL=C sort -r "$work/names" | cmp -s - "$work/names-rev" || fail "S: rows are not reversed"

# /: the filter narrows the rows to the matching ones.
before=$(table_nodes | wc -l)
tm send-keys -t "$sess" / c o n v Enter
wait_for 'filter conv$'
after=$(table_nodes | wc -l)
[ "$after" -ge 1 ] && [ "$after" -lt "$before" ] || fail "/conv: $before rows became $after"
table_nodes | grep -vq conv && fail "/conv: a row without 'conv' is shown"

# Enter: the drill-down of the selected op, with its attributes, shapes and cost; Esc returns.
tm send-keys -t "$sess" Home Enter
wait_for '^Attributes'
wait_for '^Shapes'
wait_for 'kernel_shape'
tm send-keys -t "$sess" Escape
wait_for '^ *NODE +OP +UNIT'

# o: the selected op (the first conv row) moves one unit down, simd -> scalar, marked *.
node=$(table_nodes | head -n 1)
[ "$(unit_of "$node")" = simd ] || fail "expected $node on simd before the override"
tm send-keys -t "$sess" Home o
wait_for "^ +$node +Conv +scalar\\* "
wait_for "override: '$node' on scalar"
grep -q "^$node scalar\$" "$work/overrides.txt" || fail "the override was not saved"
other=$(table_nodes | grep -v "^$node\$" | head -n 1)
[ "$(unit_of "$other")" = simd ] || fail "the override moved $other too"

# u: the next unit (threads) is planned and compiled live; the header and rows follow.
tm send-keys -t "$sess" u
wait_for '^unit threads '
wait_for "^ +$node +Conv +scalar\\* "
wait_for "^.? +$other +Conv +(threads|simd) "
tm send-keys -t "$sess" u u
wait_for '^unit scalar '
wait_for "^ +$other +Conv +scalar "

# b: every unit benchmarked and compared; Esc returns to the table.
tm send-keys -t "$sess" b
wait_for '^ +UNIT +MEDIAN ms'
wait_for '^ +scalar +[0-9.]+ .* 1\.00 '
wait_for 'fastest$'
tm send-keys -t "$sess" Escape
wait_for '^ *NODE +OP +UNIT'

# e: the JSON report of the current plan and runs.
tm send-keys -t "$sess" e
wait_for "exported $work/report.json"
grep -q '"benchmarks"' "$work/report.json" || fail "the report has no benchmark"

# q: exit 0, and the terminal is back on the normal screen.
tm send-keys -t "$sess" q
wait_for '^opscope exited with 0$'
[ "$(tm display-message -p -t "$sess" '#{alternate_on}')" = 0 ] ||
  fail "the terminal was left on the alternate screen"

# The overrides file is read back at the next start.
sess=second
tm new-session -d -x 100 -y 30 -s "$sess" \
  "env TERM=screen NO_COLOR=1 XDG_CACHE_HOME=$work/cache '$bin' -m builtin:mnist --tui -u simd \
   --overrides $work/overrides.txt; echo \"opscope exited with \$?\"; sleep 60"
wait_for "^ +$node +Conv +scalar\\* "
# Ctrl-C ends it as cleanly as q: exit 0, terminal restored.
tm send-keys -t "$sess" C-c
wait_for '^opscope exited with 0$'
[ "$(tm display-message -p -t "$sess" '#{alternate_on}')" = 0 ] ||
  fail "Ctrl-C left the terminal on the alternate screen"
echo "PASS"
