/*
 * Softmax, LogSoftmax and Hardmax, f32, each in both of its ONNX definitions:
 *   opset 13+: normalize along one axis; every other index is a separate vector.
 *   opset < 13: view the input as a matrix [prod(d[0:axis]), prod(d[axis:])] and normalize
 *               each row as a whole (params.coerce_2d).
 * Both are an op over `len` elements `inner` apart, repeated for outer * inner vectors.
 * The maximum is subtracted first so exp never overflows; sums are in double. Every kernel
 * writes a vector only after reading all of it, so Y may alias X.
 */
#include <math.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum softmax_kind { SOFTMAX, LOG_SOFTMAX, HARDMAX };

/* One vector of `len` elements `inner` apart. */
static void softmax_vector(const float *xv, float *yv, int64_t len, int64_t inner,
                           enum softmax_kind kind) {
  /* The first maximum's index, which Hardmax marks (ties go to the first, as the spec says). */
  float max = -INFINITY;
  int64_t argmax = 0;
  for (int64_t k = 0; k < len; k++) {
    if (xv[k * inner] > max) {
      max = xv[k * inner];
      argmax = k;
    }
  }
  if (kind == HARDMAX) {
    for (int64_t k = 0; k < len; k++)
      yv[k * inner] = k == argmax ? 1.0f : 0.0f;
    return;
  }
  double sum = 0.0;
  for (int64_t k = 0; k < len; k++)
    sum += exp((double)xv[k * inner] - (double)max);
  if (kind == LOG_SOFTMAX) {
    double log_sum = log(sum);
    for (int64_t k = 0; k < len; k++)
      yv[k * inner] = (float)((double)xv[k * inner] - (double)max - log_sum);
  } else {
    for (int64_t k = 0; k < len; k++)
      yv[k * inner] = (float)(exp((double)xv[k * inner] - (double)max) / sum);
  }
}

static enum ops_kresult softmax_family(const struct ops_kcall *call, enum softmax_kind kind) {
  const struct ops_softmax_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const float *x = call->in[0];
  float *y = call->out[0];
  if (ops_kdims_numel(xd) == 0) return OPS_KRESULT_OK;

  int64_t outer = ops_kdims_prod(xd, 0, p->axis);
  int64_t len, inner;
  if (p->coerce_2d) {
    len = ops_kdims_prod(xd, p->axis, xd->rank);
    inner = 1;
  } else {
    len = xd->d[p->axis];
    inner = ops_kdims_prod(xd, p->axis + 1, xd->rank);
  }
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t i = 0; i < inner; i++)
      softmax_vector(x + o * len * inner + i, y + o * len * inner + i, len, inner, kind);
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_softmax_kernel__scalar(const struct ops_kcall *call) {
  return softmax_family(call, SOFTMAX);
}

enum ops_kresult ops_f32_log_softmax_kernel__scalar(const struct ops_kcall *call) {
  return softmax_family(call, LOG_SOFTMAX);
}

enum ops_kresult ops_f32_hardmax_kernel__scalar(const struct ops_kcall *call) {
  return softmax_family(call, HARDMAX);
}
