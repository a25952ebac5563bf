/*
 * Inputs whose value, not just shape, decides a node's output shapes or its kernel's parameters:
 * Reshape's shape, Slice's starts, a Reduce's axes, Pad's pads, Resize's scales... ONNX lets a
 * model take these as graph inputs. opscope compiles for fixed shapes, so such an input is bound
 * to its value when the caller supplies one (opscope_model_bind_input); the compiled plan then
 * holds for that value only, and a run given another value is refused.
 */
#ifndef OPSCOPE_SRC_VALUE_INPUTS_H
#define OPSCOPE_SRC_VALUE_INPUTS_H

#include <stdbool.h>

#include "src/graph.h"

/* The most elements a bound value may have (Resize's roi of rank 8 is the largest: 16). */
#define OPS_BIND_MAX_VALUE 1024

/* True when input `slot` of ONNX op `op_type` (default domain) is read as a value that shapes
 * the output or configures the kernel. */
bool ops_input_is_value_slot(const char *op_type, int slot);

/* True when some node of `g` reads tensor `t` at a value slot. */
bool ops_graph_reads_value_of(const struct ops_graph *g, int t);

#endif /* OPSCOPE_SRC_VALUE_INPUTS_H */
