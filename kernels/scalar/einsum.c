/*
 * Einsum, f32, f64, i32 and i64, for any equation the binder could turn into a label loop
 * nest (kernels/params-einsum.h): batch matmul, inner and outer products, sums, transposes,
 * diagonals, broadcast ellipses, each as the same walk.
 *
 * Every label combination is visited in row-major order with the output labels outermost, so
 * the combinations of one output element are consecutive: their products are summed and the
 * sum is written once. Floats accumulate in double; integers in uint64_t, which wraps as
 * int64 arithmetic does in the other integer kernels, without signed-overflow UB.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kernels/params-einsum.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

static double load_f(const void *x, int dtype, int64_t i) {
  if (dtype == OPSCOPE_DTYPE_F32) return ((const float *)x)[i];
  return ((const double *)x)[i];
}

static uint64_t load_i(const void *x, int dtype, int64_t i) {
  if (dtype == OPSCOPE_DTYPE_I32) return (uint64_t)(int64_t)((const int32_t *)x)[i];
  return (uint64_t)((const int64_t *)x)[i];
}

static void store(void *y, int dtype, int64_t i, double f, uint64_t u) {
  switch (dtype) {
    case OPSCOPE_DTYPE_F32:
      ((float *)y)[i] = (float)f;
      break;
    case OPSCOPE_DTYPE_F64:
      ((double *)y)[i] = f;
      break;
    case OPSCOPE_DTYPE_I32:
      ((int32_t *)y)[i] = (int32_t)(uint32_t)u;
      break;
    default:
      ((int64_t *)y)[i] = (int64_t)u;
      break;
  }
}

static enum ops_kresult einsum_run(const struct ops_kcall *call) {
  const struct ops_einsum_params *p = call->params;
  int dtype = call->out_dtype[0];
  bool is_float = dtype == OPSCOPE_DTYPE_F32 || dtype == OPSCOPE_DTYPE_F64;
  void *y = call->out[0];
  int64_t n_y = ops_kdims_numel(&call->out_dims[0]);
  if (n_y == 0) return OPS_KRESULT_OK;

  /* A summed label with no values makes every sum empty, so 0. Otherwise every extent is at
   * least 1 and the binder bounded their product. */
  for (int l = p->n_out; l < p->n_labels; l++) {
    if (p->extent[l] != 0) continue;
    for (int64_t o = 0; o < n_y; o++)
      store(y, dtype, o, 0.0, 0);
    return OPS_KRESULT_OK;
  }
  int64_t per_out = 1; /* label combinations summed into one output element */
  for (int l = p->n_out; l < p->n_labels; l++)
    per_out *= p->extent[l];

  int64_t strides[OPS_EINSUM_MAX_INPUTS][OPS_EINSUM_MAX_LABELS];
  int64_t *stride_of[OPS_EINSUM_MAX_INPUTS];
  int64_t offsets[OPS_EINSUM_MAX_INPUTS] = {0};
  int64_t idx[OPS_EINSUM_MAX_LABELS] = {0};
  for (int i = 0; i < p->n_inputs; i++) {
    for (int l = 0; l < p->n_labels; l++)
      strides[i][l] = p->stride[i][l];
    stride_of[i] = strides[i];
  }

  int64_t o = 0, done = 0;
  double acc_f = 0.0;
  uint64_t acc_u = 0;
  do {
    if (is_float) {
      double prod = 1.0;
      for (int i = 0; i < p->n_inputs; i++)
        prod *= load_f(call->in[i], call->in_dtype[i], offsets[i]);
      acc_f += prod;
    } else {
      uint64_t prod = 1;
      for (int i = 0; i < p->n_inputs; i++)
        prod *= load_i(call->in[i], call->in_dtype[i], offsets[i]);
      acc_u += prod;
    }
    if (++done == per_out) {
      store(y, dtype, o++, acc_f, acc_u);
      done = 0;
      acc_f = 0.0;
      acc_u = 0;
    }
  } while (ops_kindex_next(p->n_labels, p->extent, idx, p->n_inputs, stride_of, offsets));
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_einsum_kernel__scalar(const struct ops_kcall *call) {
  return einsum_run(call);
}

enum ops_kresult ops_f64_einsum_kernel__scalar(const struct ops_kcall *call) {
  return einsum_run(call);
}

enum ops_kresult ops_i32_einsum_kernel__scalar(const struct ops_kcall *call) {
  return einsum_run(call);
}

enum ops_kresult ops_i64_einsum_kernel__scalar(const struct ops_kcall *call) {
  return einsum_run(call);
}
