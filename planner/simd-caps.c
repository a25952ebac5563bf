/*
 * Attribute limits of the SIMD kernels (see simd-caps.h). One case per op whose SIMD kernel
 * covers less than the op's full definition; ops without a case take everything their scalar
 * binder accepts.
 */
#include "planner/simd-caps.h"

#include <stdio.h>

bool ops_simd_caps_accept(const struct ops_graph *g, const struct ops_node *n, char *text,
                          size_t len) {
  (void)g;
  switch (n->op) {
    default:
      break;
  }
  (void)text;
  (void)len;
  return true;
}
