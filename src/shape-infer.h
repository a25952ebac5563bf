/*
 * Shape and dtype inference with value propagation.
 *
 * Fills dtype and shape of every activation from the graph inputs and initializers, in
 * topological order. Small integer tensors (at most OPS_INFER_MAX_VALUE elements) whose value
 * follows from constants and known shapes get their value too (Constant, Shape, Gather, Concat,
 * Unsqueeze, Squeeze, Slice, Cast, integer arithmetic...), so shapes that exporters compute at
 * run time (Shape -> Gather -> Div -> Reshape, as in transformer exports) are known statically.
 *
 * Unknown dims (-1) propagate as unknown. Ops opscope does not know leave their outputs unknown;
 * the planner refuses them with a reason. A contradiction (mismatched broadcast, wrong rank,
 * wrong dtype) is an error naming the node and the input.
 * It can run again after an input shape changes: activations are reset first.
 */
#ifndef OPSCOPE_SRC_SHAPE_INFER_H
#define OPSCOPE_SRC_SHAPE_INFER_H

#include "src/diag.h"
#include "src/graph.h"

#define OPS_INFER_MAX_VALUE 64

/* Infers every activation of `g`, which ops_graph_validate() has sorted. Values it computes
 * are owned by their tensors. Returns OPS_OK (outputs of unknown ops stay unknown),
 * OPS_ERR_BAD_INPUT for a contradiction, with a message naming the file (d->path, or g->path
 * when d has none), the node, the input and both sides, or OPS_ERR_NO_MEMORY. */
enum ops_status ops_shape_infer(struct ops_graph *g, struct ops_diag *d);

#endif /* OPSCOPE_SRC_SHAPE_INFER_H */
