#!/usr/bin/python3
"""Writes the bad-input corpus of opscope's ONNX loaders into this folder.

Each file breaks one rule the loaders must enforce; README.md beside this script lists them with
the message substring the tests and the CLI expect. The output is committed, so run this again only
after changing it:  /usr/bin/python3 tests/data/bad/make-bad.py
It needs the `onnx` and `numpy` modules (Debian: python3-onnx); opscope itself never runs Python.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def model(initializers=(), inputs=None, outputs=None, nodes=None, ir_version=7):
    """A small Relu model; `initializers` are TensorProtos added to the graph."""
    if inputs is None:
        inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])]
    if outputs is None:
        outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])]
    if nodes is None:
        nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    graph = helper.make_graph(nodes, "bad", inputs, outputs, list(initializers))
    m = helper.make_model(graph, producer_name="make-bad.py",
                          opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = ir_version
    return m


def raw_tensor(name, dtype, dims, raw):
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, payload):
    """A length-delimited protobuf field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def main():
    write("empty.onnx", b"")
    # 0xff is field 31 with wire type 7, which does not exist: no parser can take it.
    write("garbage.onnx", bytes([0xFF, 0xFF, 0xFF, 0xFF]) + b"this is not a protobuf\n" * 4)

    w = numpy_helper.from_array(np.arange(64, dtype=np.float32).reshape(16, 4), "W")
    good = model([w], nodes=[helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                 inputs=[helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])])
    data = good.SerializeToString()
    # Cut inside W's raw_data, so the length prefix promises more bytes than remain.
    write("truncated.onnx", data[: len(data) - 100])

    write("short-raw-data.onnx",
          model([raw_tensor("W", TensorProto.FLOAT, [3, 4], b"\0" * 12)]).SerializeToString())
    write("negative-dim.onnx",
          model([raw_tensor("W", TensorProto.FLOAT, [-1, 4], b"")]).SerializeToString())
    write("dims-overflow.onnx",
          model([raw_tensor("W", TensorProto.FLOAT, [1 << 32, 1 << 32, 1 << 32], b"")])
          .SerializeToString())
    write("rank9.onnx",
          model([raw_tensor("W", TensorProto.FLOAT, [1] * 9, b"\0" * 4)]).SerializeToString())
    write("unknown-dtype.onnx",
          model([raw_tensor("W", 99, [2], b"\0" * 8)]).SerializeToString())

    def external(location):
        t = TensorProto()
        t.name = "W"
        t.data_type = TensorProto.FLOAT
        t.dims.extend([4])
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", "0"), ("length", "16")):
            e = t.external_data.add()
            e.key, e.value = k, v
        return model([t]).SerializeToString()

    write("external-missing.onnx", external("missing-weights.bin"))
    write("external-escape.onnx", external("../outside.bin"))
    write("external-absolute.onnx", external("/etc/passwd"))

    m = model()
    m.ClearField("graph")
    write("no-graph.onnx", m.SerializeToString())
    write("no-outputs.onnx", model(outputs=[]).SerializeToString())
    write("input-negative-dim.onnx",
          model(inputs=[helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, -4])])
          .SerializeToString())
    write("input-rank9.onnx",
          model(inputs=[helper.make_tensor_value_info("x", TensorProto.FLOAT, [1] * 9)])
          .SerializeToString())

    # float_data with 5 values for a [2, 3] tensor.
    t = TensorProto()
    t.name = "W"
    t.data_type = TensorProto.FLOAT
    t.dims.extend([2, 3])
    t.float_data.extend([1.0, 2.0, 3.0, 4.0, 5.0])
    write("typed-count.onnx", model([t]).SerializeToString())

    # A function-body attribute reference in the main graph.
    node = helper.make_node("LeakyRelu", ["x"], ["y"], name="leaky")
    a = onnx.AttributeProto()
    a.name = "alpha"
    a.ref_attr_name = "slope"
    a.type = onnx.AttributeProto.FLOAT
    node.attribute.append(a)
    write("ref-attr.onnx", model(nodes=[node]).SerializeToString())

    # Subgraph attributes nested 150 deep (model.graph.node.attribute.g.node...): legal
    # protobuf, but deep enough to exhaust a recursive parser's stack if it grew further.
    inner = b""
    for _ in range(150):
        node_bytes = field(5, field(6, inner))  # NodeProto.attribute(5) -> AttributeProto.g(6)
        inner = field(1, node_bytes)  # GraphProto.node(1)
    write("deep-nesting.onnx", field(7, inner))  # ModelProto.graph(7)

    x = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "x")
    data = x.SerializeToString()
    write("truncated.pb", data[: len(data) - 5])
    write("short-data.pb", raw_tensor("x", TensorProto.FLOAT, [2, 3], b"\0" * 8).SerializeToString())


if __name__ == "__main__":
    main()
