#!/usr/bin/env python3
"""Structural check of a Chrome trace written by opscope --trace.

usage: check-trace.py TRACE.json OPS_PER_RUN RUNS
Every op is a complete ("X") event with ts, dur, pid and tid and args unit and kernel; every op
span lies inside its run's span on the same thread; there are OPS_PER_RUN x RUNS op events.
"""
import json
import sys

EPS_US = 1e-3  # timestamps are doubles of nanosecond differences


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def main():
    path, ops_per_run, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path) as f:
        trace = json.load(f)
    events = trace.get("traceEvents")
    if not isinstance(events, list):
        fail("no traceEvents array")
    run_spans = [e for e in events if e.get("cat") == "run"]
    op_spans = [e for e in events if e.get("ph") == "X" and e.get("cat") != "run"]
    if len(run_spans) != runs:
        fail(f"{len(run_spans)} run spans, expected {runs}")
    if len(op_spans) != ops_per_run * runs:
        fail(f"{len(op_spans)} op spans, expected {ops_per_run} x {runs}")
    for e in run_spans + op_spans:
        if e.get("ph") != "X":
            fail(f"event {e.get('name')!r} is not a complete event")
        for key in ("name", "ts", "dur", "pid", "tid"):
            if key not in e:
                fail(f"event {e.get('name')!r} has no {key}")
        if not isinstance(e["ts"], (int, float)) or not isinstance(e["dur"], (int, float)):
            fail(f"event {e['name']!r}: ts and dur must be numbers")
        if e["dur"] < 0:
            fail(f"event {e['name']!r} has a negative duration")
    for e in op_spans:
        args = e.get("args", {})
        for key in ("unit", "kernel"):
            if not isinstance(args.get(key), str) or not args[key]:
                fail(f"op {e['name']!r} has no args.{key}")
        r = args.get("run")
        if not isinstance(r, int) or not 0 <= r < runs:
            fail(f"op {e['name']!r} has no valid args.run")
        run = run_spans[r]
        if (e["pid"], e["tid"]) != (run["pid"], run["tid"]):
            fail(f"op {e['name']!r} is on another thread than its run")
        if e["ts"] < run["ts"] - EPS_US or e["ts"] + e["dur"] > run["ts"] + run["dur"] + EPS_US:
            fail(f"op {e['name']!r} of run {r} lies outside the run's span")
    other = trace.get("otherData", {})
    if other.get("runs") != runs or other.get("ops_per_run") != ops_per_run:
        fail(f"otherData says {other.get('runs')} runs of {other.get('ops_per_run')} ops")
    print(f"ok: {len(op_spans)} op spans in {runs} runs, all nested")
    return 0


if __name__ == "__main__":
    sys.exit(main())
