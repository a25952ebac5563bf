/*
 * Element-wise comparison of an output with its reference:
 *   an element matches when |got - want| <= atol + rtol * |want|
 * (NaN matches NaN; an infinity matches the same infinity). Integer and bool tensors are
 * compared as exact values through the same formula, so tolerances below 1 mean equality.
 */
#ifndef OPSCOPE_PROFILER_COMPARE_H
#define OPSCOPE_PROFILER_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ops_compare_result {
  size_t count;       /* elements compared */
  size_t mismatches;  /* elements outside the tolerance */
  double max_abs_err; /* largest |got - want| over finite pairs */
  double max_rel_err; /* largest |got - want| / |want| over finite pairs with want != 0 */
  size_t worst_index; /* flat index of the element closest to (or furthest past) the bound */
  double worst_ratio; /* |got - want| / (atol + rtol * |want|) there; > 1 is a mismatch */
  double worst_got;
  double worst_want;
};

/* Compares `count` elements of dtype `dtype` (opscope_dtype code). Returns false when the dtype
 * cannot be compared (string, undefined). */
bool ops_compare(const void *got, const void *want, int dtype, size_t count, double rtol,
                 double atol, struct ops_compare_result *out);

#endif /* OPSCOPE_PROFILER_COMPARE_H */
