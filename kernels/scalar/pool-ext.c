/*
 * GlobalMaxPool (f32) and MaxUnpool (any dtype, by element size).
 *
 * MaxUnpool undoes a MaxPool that returned Indices: Y starts as zeros, and each X element is
 * written where its Indices entry points. The entry is a flat index, numbered the way MaxPool
 * numbered its input, into the dims the pooling window arithmetic gives (params.inferred); Y
 * may be larger (output_shape), and then the element keeps its coordinates. Indices are data,
 * so they are the one thing checked here: every one is validated before anything is written,
 * and one outside [0, numel(inferred)) returns OPS_KRESULT_INDEX_OUT_OF_RANGE with Y untouched.
 * Two entries naming the same element leave the later one's value, as ONNX Runtime's
 * sequential scatter does.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/params-pool-ext.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* Max over every spatial position of each (n, c) plane; Y is [N, C, 1, ...]. NaN propagates. */
enum ops_kresult ops_f32_global_max_pool_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_kdims *xd = &call->in_dims[0];
  const float *x = call->in[0];
  float *y = call->out[0];
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;
  int64_t planes = xd->d[0] * xd->d[1];
  int64_t plane = ops_kdims_prod(xd, 2, xd->rank);
  for (int64_t c = 0; c < planes; c++) {
    /* An empty plane (a spatial dim of 0) has no maximum; -inf is max's identity. */
    float max = -INFINITY;
    for (int64_t i = 0; i < plane; i++) {
      float v = x[c * plane + i];
      if (v > max || (isnan(v) && !isnan(max))) max = v;
    }
    y[c] = max;
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_max_unpool_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_max_unpool_params *p = call->params;
  const struct ops_kdims *yd = &call->out_dims[0];
  const unsigned char *x = call->in[0];
  const int64_t *indices = call->in[1];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  int64_t n_x = ops_kdims_numel(&call->in_dims[0]);
  int64_t n_y = ops_kdims_numel(yd);
  int64_t n_inferred = 1;
  for (int i = 0; i < yd->rank; i++)
    n_inferred *= p->inferred[i];
  for (int64_t i = 0; i < n_x; i++) {
    if (indices[i] < 0 || indices[i] >= n_inferred) return OPS_KRESULT_INDEX_OUT_OF_RANGE;
  }
  if (n_y == 0) return OPS_KRESULT_OK;
  /* All-zero bytes are 0 in every dtype MaxUnpool takes (floats and integers). */
  memset(y, 0, (size_t)n_y * esize);
  for (int64_t i = 0; i < n_x; i++) {
    /* The index's coordinates in the inferred dims, placed at the same coordinates in Y. */
    int64_t rest = indices[i], at = 0, stride = 1;
    for (int d = yd->rank - 1; d >= 0; d--) {
      at += rest % p->inferred[d] * stride;
      rest /= p->inferred[d];
      stride *= yd->d[d];
    }
    memcpy(y + (size_t)at * esize, x + (size_t)i * esize, esize);
  }
  return OPS_KRESULT_OK;
}
