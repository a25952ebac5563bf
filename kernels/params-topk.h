/*
 * Parameters of the TopK kernels (kernels/scalar/topk.c), filled by compiler/bind-scalar-topk.c.
 */
#ifndef OPSCOPE_KERNELS_PARAMS_TOPK_H
#define OPSCOPE_KERNELS_PARAMS_TOPK_H

#include <stdbool.h>
#include <stdint.h>

/* TopK along `axis` (non-negative): the k (output dim `axis`) largest, or smallest, elements of
 * each vector along it, best first; equal values keep their input order (lower index first).
 * The output is always sorted, which satisfies sorted=0 too (any order is allowed then). */
struct ops_topk_params {
  int axis;
  bool largest;
};

#endif /* OPSCOPE_KERNELS_PARAMS_TOPK_H */
