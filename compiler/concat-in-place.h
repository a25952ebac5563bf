/*
 * Concat in place: a Concat whose inputs are contiguous blocks of its output (every dim before
 * the axis is 1, as for channels of a batch-1 NCHW tensor) has each input planned inside its
 * output, so the ops that produce the inputs write straight into the concatenated tensor and
 * the Concat has nothing left to copy (its kernels skip a block already where it belongs).
 *
 * squeezenet1_1's eight fire modules each end in such a Concat; in place, the expand
 * convolutions' outputs also stay in the cache of the core that wrote them on the threads unit.
 */
#ifndef OPSCOPE_COMPILER_CONCAT_IN_PLACE_H
#define OPSCOPE_COMPILER_CONCAT_IN_PLACE_H

#include <stddef.h>

#include "compiler/mem-plan.h"
#include "src/graph.h"

/* Where a tensor's bytes are, when it lives inside another tensor's buffer. */
struct ops_alias {
  int target; /* the tensor whose buffer holds it, or -1 for its own buffer */
  size_t at;  /* byte offset inside the target's buffer */
};

/* Finds the Concats that can run in place and aliases their inputs. step_of_node maps a node to
 * its step (-1 for constant nodes); request_of maps a tensor to its request in reqs (-1 for
 * none: constants, unused tensors). For each aliased input t, alias[t] becomes {Y, offset} and
 * its request's bytes 0 (it needs none of its own); Y's request starts at the earliest of its
 * inputs' producers, so its buffer holds them from the first one written. alias has one entry
 * per tensor, all set to {-1, 0} here first. An input qualifies when it is an activation made
 * by a step, read by this Concat alone and only once, not a graph output, not itself held in
 * another tensor, and its block starts at a multiple of OPS_MEM_ALIGN. Returns the number of
 * Concats made in place. */
size_t ops_concat_in_place(const struct ops_graph *g, const int *step_of_node,
                           const int *request_of, struct ops_mem_request *reqs,
                           struct ops_alias *alias);

#endif /* OPSCOPE_COMPILER_CONCAT_IN_PLACE_H */
