/*
 * Attribute limits of the SIMD kernels (see simd-caps.h). One case per op whose SIMD kernel
 * covers less than the op's full definition; ops without a case take everything their scalar
 * binder accepts.
 */
#include "planner/simd-caps.h"

#include <stdio.h>

#include "planner/simd-caps-elementwise.h"
#include "planner/simd-caps-pool.h"

bool ops_simd_caps_accept(const struct ops_graph *g, const struct ops_node *n, char *text,
                          size_t len) {
  (void)g;
  switch (n->op) {
    /* planner/simd-caps-elementwise.c */
    case OPS_OP_POW:
    case OPS_OP_MAX:
    case OPS_OP_MIN:
    case OPS_OP_SOFTMAX:
    case OPS_OP_LOG_SOFTMAX:
    case OPS_OP_REDUCE_SUM:
    case OPS_OP_REDUCE_MEAN:
    case OPS_OP_LAYER_NORMALIZATION:
      return ops_simd_caps_elementwise(g, n, text, len);
    /* planner/simd-caps-pool.c */
    case OPS_OP_MAX_POOL:
    case OPS_OP_AVERAGE_POOL:
      return ops_simd_caps_pool(g, n, text, len);
    default:
      break;
  }
  (void)text;
  (void)len;
  return true;
}
