/* SIMD attribute limits of the pooling kernels (see simd-caps-pool.h). */
#include "planner/simd-caps-pool.h"

#include <inttypes.h>
#include <stdio.h>

bool ops_simd_caps_pool(const struct ops_graph *g, const struct ops_node *n, char *text,
                        size_t len) {
  const struct ops_tensor *x = ops_node_input(g, n, 0);
  /* The Indices output needs each max's position; the microkernels keep only the value. */
  if (n->n_outputs > 1 && n->outputs[1] >= 0) {
    snprintf(text, len, "%s with the Indices output has no SIMD kernel", n->op_type);
    return false;
  }
  if (x != NULL && x->shape.rank > 4) {
    snprintf(text, len, "%s over %d spatial dims has no SIMD kernel (1 or 2 only)", n->op_type,
             x->shape.rank - 2);
    return false;
  }
  /* Dilated pools stay on the scalar kernel: no model here has one, so the SIMD kernels' tested
   * surface stays what runs. */
  const struct ops_attr *dil = ops_node_attr(n, "dilations");
  if (dil != NULL && dil->type == OPS_ATTR_INTS) {
    bool ones = true;
    for (size_t i = 0; i < dil->count; i++)
      ones = ones && dil->ints[i] == 1;
    if (!ones) {
      char dims[64] = "";
      size_t used = 0;
      for (size_t i = 0; i < dil->count && used < sizeof dims; i++) {
        int w =
            snprintf(dims + used, sizeof dims - used, "%s%" PRId64, i > 0 ? "x" : "", dil->ints[i]);
        if (w < 0) break;
        used += (size_t)w;
      }
      snprintf(text, len, "%s with dilations %s has no SIMD kernel", n->op_type, dims);
      return false;
    }
  }
  return true;
}
