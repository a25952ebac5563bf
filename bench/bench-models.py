#!/usr/bin/env python3
"""bench-models: end-to-end latency of opscope's units next to ONNX Runtime's, per model.

For every model directory (model.onnx + test_data_set_0/) it times opscope's scalar, simd and
threads units (`opscope -b UNIT -o FILE`, the JSON report's median) and ONNX Runtime's CPU
provider with 1 and 2 intra-op threads (the peer in ../shared/peers/ort: `node ort_bench.js`),
in rounds that alternate the contenders so the machine's drift hits all of them alike, and
prints one Markdown table: the median of the round medians per contender, and the ratios
opscope / ORT (below 1.0 opscope is faster). Only the Python standard library is used.

    bench/bench-models.py [--opscope build-rel/opscope] [--models ../shared/models]
                          [--ort DIR] [--rounds 3] [--iters 30] [--scalar-iters 3] [MODEL...]

--ort names a folder where the peer's `npm ci` has run; without it the peer is copied to a
temporary folder and installed there (needs npm and the network or npm's cache).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_json(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s" % (" ".join(cmd), out.returncode, out.stderr.strip()[-500:]))
    return out.stdout


def opscope_median(opscope, model, unit, iters, threads):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        cmd = [opscope, "-m", model, "-b", unit, "-n", str(iters), "-w", "3", "-q", "-o", f.name]
        if unit == "threads" and threads:
            cmd += ["-j", str(threads)]
        run_json(cmd)
        with open(f.name) as fh:
            report = json.load(fh)
    bench = report["benchmarks"][0]
    if bench.get("status") != "ok":
        raise RuntimeError("%s on %s: %s" % (unit, model, bench.get("status")))
    return bench["median_ms"]


def ort_median(ort_dir, model_dir, threads, iters):
    text = run_json(["node", os.path.join(ort_dir, "ort_bench.js"), model_dir, "--threads", str(threads),
                     "--iters", str(iters), "--warmup", "5"])
    return json.loads(text)["median_ms"]


def install_ort(shared):
    src = os.path.join(shared, "peers", "ort")
    dst = os.path.join(tempfile.mkdtemp(prefix="opscope-ort-"), "ort")
    shutil.copytree(src, dst)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=dst, check=True, capture_output=True)
    return dst


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--opscope", default=os.path.join(ROOT, "build-rel", "opscope"))
    ap.add_argument("--models", default=os.path.join(ROOT, "..", "shared", "models"))
    ap.add_argument("--ort", help="a folder where the ORT peer is installed (npm ci done)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--iters", type=int, default=30)
    ap.add_argument("--scalar-iters", type=int, default=3, help="0 skips the scalar unit")
    ap.add_argument("--threads", type=int, default=2, help="threads of the threads unit (-j)")
    ap.add_argument("--stat", choices=("median", "min"), default="median",
                    help="how the round medians are summarised (default: median)")
    ap.add_argument("--scaling", action="store_true",
                    help="also print, per model and round, threads' speed-up over simd next to "
                         "ORT's 2-thread speed-up over 1 thread, measured in the same round")
    ap.add_argument("names", nargs="*", help="model folders under --models (default: all)")
    a = ap.parse_args()

    if not os.access(a.opscope, os.X_OK):
        sys.exit("bench-models: %s is not an executable; build it first (cmake -B build-rel "
                 "-DCMAKE_BUILD_TYPE=Release && cmake --build build-rel)" % a.opscope)
    if not os.path.isdir(a.models):
        sys.exit("bench-models: no model folder %s" % a.models)
    names = a.names or sorted(n for n in os.listdir(a.models)
                              if os.path.isfile(os.path.join(a.models, n, "model.onnx")))
    ort_dir = a.ort or install_ort(os.path.dirname(os.path.abspath(a.models)))

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("## bench-models: %s, %d online CPUs; %d rounds of %d runs (scalar %d); "
          "%s of the round medians, ms" % (cpu, os.cpu_count() or 0, a.rounds, a.iters,
                                           a.scalar_iters, a.stat))
    print()
    print("| model | scalar | simd | threads (%d) | ORT 1t | ORT 2t | simd/ORT1 | threads/ORT2 | best/ORT1 |" % a.threads)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    worst = {}
    scaling = []
    for name in names:
        mdir = os.path.join(a.models, name)
        model = os.path.join(mdir, "model.onnx")
        t = {k: [] for k in ("scalar", "simd", "threads", "ort1", "ort2")}
        for r in range(a.rounds):
            # Alternate who goes first so a slow phase of the machine is shared out.
            order = ["ort1", "simd", "threads", "ort2"]
            order = order[r % len(order):] + order[:r % len(order)]
            for who in order:
                if who.startswith("ort"):
                    t[who].append(ort_median(ort_dir, mdir, int(who[3]), a.iters))
                else:
                    t[who].append(opscope_median(a.opscope, model, who, a.iters, a.threads))
            if a.scalar_iters > 0 and r == 0:
                t["scalar"].append(opscope_median(a.opscope, model, "scalar", a.scalar_iters, 0))
        # Median of the round medians by default; --stat min takes each contender's least
        # disturbed round, which on a VM whose neighbours come and go in bursts moves less.
        if a.scaling:
            for r in range(a.rounds):
                scaling.append((name, r + 1, t["simd"][r] / t["threads"][r], t["ort1"][r] / t["ort2"][r]))
        pick = min if a.stat == "min" else statistics.median
        m = {k: (pick(v) if v else None) for k, v in t.items()}
        best = min(m["simd"], m["threads"])
        cells = ["%.4g" % m[k] if m[k] is not None else "-" for k in ("scalar", "simd", "threads", "ort1", "ort2")]
        ratios = [m["simd"] / m["ort1"], m["threads"] / m["ort2"], best / m["ort1"]]
        worst[name] = ratios[0]
        print("| %s | %s | %s |" % (name, " | ".join(cells), " | ".join("%.2f" % x for x in ratios)))
    print()
    print("Ratios are opscope's median over ONNX Runtime's (%s); below 1.00 opscope is faster. "
          "ORT's times include the small cost of calling it from Node." % os.path.basename(ort_dir))
    if scaling:
        # Two threads gain only what the machine's second CPU gives: on a VM whose vCPUs the
        # host sometimes puts on one core's two hyperthreads, ORT's own 2-thread gain shows
        # what that round allowed.
        print()
        print("| model | round | threads/simd speed-up | ORT 2t/1t speed-up |")
        print("|---|---:|---:|---:|")
        for name, r, ours, theirs in scaling:
            print("| %s | %d | %.2f | %.2f |" % (name, r, ours, theirs))


if __name__ == "__main__":
    main()
