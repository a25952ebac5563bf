#!/usr/bin/env python3
"""bench-compiled: what compilation buys, per model, on one unit.

For every model directory (model.onnx) it times three forms of the same model on UNIT
(default simd), each with `opscope -b UNIT -o FILE` (the JSON report's median):

  O0    the model as exported, no graph passes (--opt-level O0)
  O3    the default: every graph pass
  AOT   the ahead-of-time library that `--compile UNIT` builds from it (-m P_UNIT.so)

in rounds that alternate the three, so drift of a shared machine hits them alike, and prints
one Markdown table: nodes run at O0 and O3, the median of the round medians per form, and the
ratios O3/O0 and AOT/O3 (below 1.0 the second is faster). Only the Python standard library.

    bench/bench-compiled.py [--opscope build-rel/opscope] [--models ../shared/models]
                            [--unit simd] [--rounds 5] [--iters 30] [MODEL...]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def opscope_report(cmd):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        out = subprocess.run(cmd + ["-q", "-o", f.name], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError("%s failed (exit %d): %s" % (" ".join(cmd), out.returncode, out.stderr.strip()[-500:]))
        with open(f.name) as fh:
            return json.load(fh)


def median_of(report):
    bench = report["benchmarks"][0]
    if bench.get("status") != "ok":
        raise RuntimeError("benchmark status %s" % bench.get("status"))
    return bench["median_ms"]


def nodes_run(report):
    an = report["analysis"]
    return an["executable_ops"] + an["metadata_ops"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--opscope", default=os.path.join(ROOT, "build-rel", "opscope"))
    ap.add_argument("--models", default=os.path.join(ROOT, "..", "shared", "models"))
    ap.add_argument("--unit", default="simd")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iters", type=int, default=30)
    ap.add_argument("model", nargs="*")
    a = ap.parse_args()
    names = a.model or ["mobilenet_v2", "squeezenet1_1", "mnist_cnn", "tiny_bert", "mlp", "mlp_b64"]
    libdir = tempfile.mkdtemp(prefix="opscope-bench-aot-")
    print("| model | nodes O0 | nodes O3 | O0 ms | O3 ms | AOT ms | O3/O0 | AOT/O3 |")
    print("|---|---|---|---|---|---|---|---|")
    for name in names:
        onnx = os.path.join(a.models, name, "model.onnx")
        if not os.path.exists(onnx):
            print("| %s | not found: %s |" % (name, onnx))
            continue
        subprocess.run([a.opscope, "-m", onnx, "--compile", a.unit, "--output-dir", libdir, "-q"], check=True)
        lib = os.path.join(libdir, "%s_%s.so" % (name, a.unit))
        base = ["-b", a.unit, "-n", str(a.iters), "-w", "3"]
        forms = {
            "O0": [a.opscope, "-m", onnx, "--opt-level", "O0"] + base,
            "O3": [a.opscope, "-m", onnx, "--opt-level", "O3"] + base,
            "AOT": [a.opscope, "-m", lib] + base,
        }
        medians = {k: [] for k in forms}
        nodes = {}
        order = list(forms)
        for r in range(a.rounds):
            for k in order[r % 3:] + order[:r % 3]:
                report = opscope_report(forms[k])
                medians[k].append(median_of(report))
                nodes.setdefault(k, nodes_run(report))
        m = {k: statistics.median(v) for k, v in medians.items()}
        print("| %s | %d | %d | %.3f | %.3f | %.3f | %.2f | %.2f |" % (
            name, nodes["O0"], nodes["O3"], m["O0"], m["O3"], m["AOT"], m["O3"] / m["O0"], m["AOT"] / m["O3"]))
        sys.stdout.flush()
    print("\n%s, unit %s, %d rounds of %d timed runs; medians of the round medians." % (
        a.opscope, a.unit, a.rounds, a.iters))


if __name__ == "__main__":
    main()
