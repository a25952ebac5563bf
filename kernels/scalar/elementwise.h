/*
 * The strided walker behind every broadcasting elementwise kernel (binary.c defines it).
 *
 * ops_kwalk runs the output's outer dims like an odometer and hands each innermost row to a
 * typed row function, with every input's pointer and its stride along that row (0 where the
 * input repeats under numpy broadcasting). One walker serves arities 1 to OPS_KWALK_MAX_IN, so
 * an op is one row function per dtype. Private to kernels/scalar/.
 */
#ifndef OPSCOPE_KERNELS_SCALAR_ELEMENTWISE_H
#define OPSCOPE_KERNELS_SCALAR_ELEMENTWISE_H

#include <stdint.h>

#include "kernels/kernel.h"

#define OPS_KWALK_MAX_IN 3

/* Computes n elements y[i] = f(x[0][i * sx[0]], x[1][i * sx[1]], ...); strides in elements.
 * `ctx` is the op's own data (its params, an input dtype), NULL when it needs none. */
typedef enum ops_kresult (*ops_krow_fn)(const void *ctx, int64_t n, const void *const *x,
                                        const int64_t *sx, void *y);

/* One operand of a walk: its data, dims (broadcast against the output's) and dtype. */
struct ops_kwalk_in {
  const void *data;
  const struct ops_kdims *dims;
  int dtype;
};

/* Walks `n_in` (1..OPS_KWALK_MAX_IN) operands over output dims `yd`, writing y of dtype
 * `y_dtype`; stops at the first row that does not return OPS_KRESULT_OK. */
enum ops_kresult ops_kwalk(int n_in, const struct ops_kwalk_in *in, const struct ops_kdims *yd,
                           void *y, int y_dtype, ops_krow_fn row, const void *ctx);

/* ops_kwalk over inputs [0, n_in) of `call` into output 0. */
enum ops_kresult ops_kwalk_call(const struct ops_kcall *call, int n_in, ops_krow_fn row,
                                const void *ctx);

#endif /* OPSCOPE_KERNELS_SCALAR_ELEMENTWISE_H */
