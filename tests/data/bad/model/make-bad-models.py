#!/usr/bin/env python3
"""Well-formed ONNX files whose *models* are wrong: they parse, then fail validation, shape
inference or planning. Run with /usr/bin/python3 (needs the onnx module); outputs are committed.
README.md lists each file with the message substring the CLI must print (exit code 2)."""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="make-bad-models")
    m.ir_version = 7
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


# An op type no unit knows.
save("unknown-op", [helper.make_node("FancyOp", ["x"], ["y"], name="fancy", domain="com.example")],
     [f32("x", [2, 3])], [f32("y", [2, 3])])
# A weight that is neither an initializer nor produced by a node.
save("missing-initializer", [helper.make_node("Conv", ["x", "W"], ["y"], name="conv1")],
     [f32("x", [1, 1, 5, 5])], [f32("y", None)])
# Add of f32 and i64.
save("wrong-dtype", [helper.make_node("Add", ["x", "k"], ["y"], name="add1")],
     [f32("x", [2, 3])], [f32("y", None)],
     [numpy_helper.from_array(np.ones((2, 3), np.int64), "k")])
# Shapes that cannot broadcast.
save("bad-broadcast", [helper.make_node("Add", ["x", "b"], ["y"], name="add1")],
     [f32("x", [2, 3])], [f32("y", None)],
     [numpy_helper.from_array(np.ones((4,), np.float32), "b")])
# Two nodes feeding each other.
save("cycle", [helper.make_node("Relu", ["b"], ["a"], name="r1"),
               helper.make_node("Relu", ["a"], ["b"], name="r2")],
     [f32("x", [1])], [f32("a", None)])
# Conv weight whose channels do not match the input.
save("conv-channels", [helper.make_node("Conv", ["x", "W"], ["y"], name="conv1")],
     [f32("x", [1, 3, 5, 5])], [f32("y", None)],
     [numpy_helper.from_array(np.ones((4, 2, 3, 3), np.float32), "W")])
# Reshape to a shape with a different element count.
save("bad-reshape", [helper.make_node("Reshape", ["x", "s"], ["y"], name="r")],
     [f32("x", [2, 3])], [f32("y", None)],
     [numpy_helper.from_array(np.array([4, 2], np.int64), "s")])
# An input whose shape has more elements than 2^63.
save("huge-input", [helper.make_node("Relu", ["x"], ["y"], name="r")],
     [f32("x", [1 << 31, 1 << 31, 1 << 31])], [f32("y", None)])
