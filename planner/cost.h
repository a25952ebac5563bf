/*
 * What an op costs, independent of where it runs: floating-point (or integer) operations, bytes
 * read and written, and the op's class, which decides how well a unit's peak is reached
 * (planner/cost-model.c turns these into time per unit).
 *
 * Counting conventions (documented in docs/costs.md):
 *   - a multiply-add is 2 operations; Conv, ConvTranspose, Gemm and MatMul count 2*MACs plus one
 *     per output element for a bias;
 *   - element-wise ops count one operation per output element (transcendental ones count
 *     OPS_COST_TRANSCENDENTAL_FLOPS, roughly what a vectorized polynomial approximation needs);
 *   - pools count one per window element, reductions and normalizations a few per input element;
 *   - data movement (Transpose, Concat, Gather, Slice, Reshape...) counts 0 operations: its cost
 *     is its bytes;
 *   - bytes are every input's size (weights included) plus every output's size, as if each were
 *     touched once: a lower bound that caches may or may not meet.
 */
#ifndef OPSCOPE_PLANNER_COST_H
#define OPSCOPE_PLANNER_COST_H

#include <stdbool.h>

#include "src/graph.h"

#define OPS_COST_TRANSCENDENTAL_FLOPS 10.0

/* The classes an efficiency is calibrated for: OPS_OP_CLASS(NAME, "name"). */
#define OPS_OP_CLASS_LIST(X)          \
  X(CONV, "conv")                     \
  X(DEPTHWISE, "depthwise-conv")      \
  X(GEMM, "gemm")                     \
  X(ELEMENTWISE, "elementwise")       \
  X(TRANSCENDENTAL, "transcendental") \
  X(POOL, "pool")                     \
  X(REDUCE, "reduce")                 \
  X(NORM, "normalization")            \
  X(MOVE, "data-movement")

enum ops_op_class {
#define OPS_X(name, text) OPS_CLASS_##name,
  OPS_OP_CLASS_LIST(OPS_X)
#undef OPS_X
      OPS_CLASS_COUNT
};

const char *ops_op_class_name(enum ops_op_class c);

struct ops_node_cost {
  enum ops_op_class cls;
  double flops;         /* operations, as counted above */
  double bytes_read;    /* every input, weights included */
  double bytes_written; /* every output */
  bool known;           /* false when a shape is unknown: the figures are 0 */
};

/* The cost of node `n` of `g` (shape-inferred). */
void ops_cost_node(const struct ops_graph *g, const struct ops_node *n, struct ops_node_cost *out);

/* Operations per byte moved; 0 when no bytes. */
double ops_cost_intensity(const struct ops_node_cost *c);

#endif /* OPSCOPE_PLANNER_COST_H */
