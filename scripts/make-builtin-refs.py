#!/usr/bin/env python3
"""Reference test data for the built-in models, computed independently of opscope's kernels.

For each built-in model, opscope exports the graph as JSON IR (docs/ir.md); this script
interprets that graph with numpy in float64 and writes an ONNX test_data_set directory:
input_0.pb (a seeded uniform input in [-1, 1)) and output_0.pb (the float64 result, rounded to
float32). `opscope --verify` then checks opscope's own kernels against it.

Needs numpy and the onnx Python package (Debian: python3-numpy python3-onnx), and a built
opscope. The outputs are committed under tests/data/builtin/NAME/; run this again only when a
built-in model changes:
    scripts/make-builtin-refs.py build/opscope tests/data/builtin
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
from onnx import numpy_helper

DTYPES = {"f32": np.float32, "i64": np.int64, "f64": np.float64, "i32": np.int32}


def load_ir(path):
    with open(path) as f:
        ir = json.load(f)
    weights = os.path.join(os.path.dirname(path), ir.get("weights") or
                           os.path.splitext(os.path.basename(path))[0] + ".bin")
    blob = open(weights, "rb").read() if os.path.exists(weights) else b""
    values = {}
    for t in ir["tensors"]:
        if t["role"] == "initializer":
            d = t["data"]
            raw = blob[d["offset"]:d["offset"] + d["length"]]
            values[t["name"]] = np.frombuffer(raw, DTYPES[t["dtype"]]).reshape(t["shape"])
    return ir, values


def attr(node, name, default=None):
    a = node.get("attributes", {}).get(name)
    return default if a is None else a["value"]


def conv(x, w, b, node):
    group = attr(node, "group", 1)
    k = w.shape[2:]
    strides = attr(node, "strides", [1] * len(k))
    dil = attr(node, "dilations", [1] * len(k))
    pads = attr(node, "pads", [0] * 2 * len(k))
    assert len(k) == 2 and attr(node, "auto_pad", "NOTSET") == "NOTSET"
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    n, c, h, wd = x.shape
    m = w.shape[0]
    oh = (h - dil[0] * (k[0] - 1) - 1) // strides[0] + 1
    ow = (wd - dil[1] * (k[1] - 1) - 1) // strides[1] + 1
    y = np.zeros((n, m, oh, ow))
    cg, mg = c // group, m // group
    for g in range(group):
        xs = x[:, g * cg:(g + 1) * cg]
        ws = w[g * mg:(g + 1) * mg]
        for i in range(k[0]):
            for j in range(k[1]):
                patch = xs[:, :, i * dil[0]: i * dil[0] + strides[0] * (oh - 1) + 1: strides[0],
                           j * dil[1]: j * dil[1] + strides[1] * (ow - 1) + 1: strides[1]]
                y[:, g * mg:(g + 1) * mg] += np.einsum("nchw,mc->nmhw", patch, ws[:, :, i, j])
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def maxpool(x, node):
    k = attr(node, "kernel_shape")
    s = attr(node, "strides", [1, 1])
    pads = attr(node, "pads", [0, 0, 0, 0])
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])), constant_values=-np.inf)
    oh = (x.shape[2] - k[0]) // s[0] + 1
    ow = (x.shape[3] - k[1]) // s[1] + 1
    y = np.full(x.shape[:2] + (oh, ow), -np.inf)
    for i in range(k[0]):
        for j in range(k[1]):
            y = np.maximum(y, x[:, :, i: i + s[0] * (oh - 1) + 1: s[0], j: j + s[1] * (ow - 1) + 1: s[1]])
    return y


def run(ir, values):
    erf = np.vectorize(math.erf)
    for node in ir["nodes"]:
        ins = [values[n] if n else None for n in node["inputs"]]
        op = node["op_type"]
        x = ins[0]
        if op == "Conv":
            y = conv(x, ins[1], ins[2] if len(ins) > 2 else None, node)
        elif op == "Relu":
            y = np.maximum(x, 0)
        elif op == "MaxPool":
            y = maxpool(x, node)
        elif op == "Flatten":
            axis = attr(node, "axis", 1)
            y = x.reshape(int(np.prod(x.shape[:axis])), -1)
        elif op == "Gemm":
            a = x.T if attr(node, "transA", 0) else x
            b = ins[1].T if attr(node, "transB", 0) else ins[1]
            y = attr(node, "alpha", 1.0) * (a @ b)
            if len(ins) > 2 and ins[2] is not None:
                y = y + attr(node, "beta", 1.0) * ins[2]
        elif op == "BatchNormalization":
            scale, bias, mean, var = (v.reshape(1, -1, *([1] * (x.ndim - 2))) for v in ins[1:5])
            y = (x - mean) / np.sqrt(var + attr(node, "epsilon", 1e-5)) * scale + bias
        elif op == "GlobalAveragePool":
            y = x.mean(axis=tuple(range(2, x.ndim)), keepdims=True)
        elif op == "MatMul":
            y = x @ ins[1]
        elif op == "Reshape":
            shape = [d if d != 0 else x.shape[i] for i, d in enumerate(ins[1].tolist())]
            y = x.reshape(shape)
        elif op == "Transpose":
            y = x.transpose(attr(node, "perm"))
        elif op == "Softmax":
            axis = attr(node, "axis", -1)
            e = np.exp(x - x.max(axis=axis, keepdims=True))
            y = e / e.sum(axis=axis, keepdims=True)
        elif op == "ReduceMean":
            y = x.mean(axis=tuple(attr(node, "axes")), keepdims=bool(attr(node, "keepdims", 1)))
        elif op in ("Add", "Sub", "Mul", "Div", "Pow"):
            f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide,
                 "Pow": np.power}[op]
            y = f(x.astype(np.float64), ins[1].astype(np.float64))
        elif op == "Sqrt":
            y = np.sqrt(x)
        elif op == "Erf":
            y = erf(x)
        elif op == "Tanh":
            y = np.tanh(x)
        elif op == "Sigmoid":
            y = 1 / (1 + np.exp(-x))
        else:
            raise SystemExit(f"make-builtin-refs: no numpy reference for {op}")
        values[node["outputs"][0]] = np.asarray(y, dtype=np.float64)
    return values


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    opscope, out_root = sys.argv[1], sys.argv[2]
    names = [line.split()[0].split(":", 1)[1]
             for line in subprocess.check_output([opscope, "--list-builtins"], text=True).splitlines()]
    for seed, name in enumerate(names):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, name + ".json")
            subprocess.check_call([opscope, "-q", "-m", "builtin:" + name, "--export-ir", path])
            ir, values = load_ir(path)
        (inp,) = ir["inputs"]
        shape = next(t["shape"] for t in ir["tensors"] if t["name"] == inp)
        x = np.random.RandomState(1000 + seed).uniform(-1, 1, shape).astype(np.float32)
        values[inp] = x.astype(np.float64)
        values = run(ir, values)
        d = os.path.join(out_root, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "input_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(x, inp).SerializeToString())
        for k, o in enumerate(ir["outputs"]):
            y = values[o].astype(np.float32)
            with open(os.path.join(d, f"output_{k}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(y, o).SerializeToString())
        print(f"{name}: input {list(x.shape)}, output {list(y.shape)}, |y| max {abs(y).max():.4g}")


if __name__ == "__main__":
    main()
