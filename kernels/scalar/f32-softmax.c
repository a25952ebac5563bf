/*
 * Softmax, f32, in both of its ONNX definitions:
 *   opset 13+: normalize along one axis; every other index is a separate softmax.
 *   opset < 13: view the input as a matrix [prod(d[0:axis]), prod(d[axis:])] and normalize
 *               each row as a whole (params.coerce_2d).
 * Both are a softmax over `len` elements `inner` apart, repeated for outer * inner vectors.
 * The maximum is subtracted first so exp never overflows; sums are in double.
 */
#include <math.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_f32_softmax_kernel__scalar(const struct ops_kcall *call) {
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
    for (int64_t i = 0; i < inner; i++) {
      const float *xv = x + o * len * inner + i;
      float *yv = y + o * len * inner + i;
      float max = -INFINITY;
      for (int64_t k = 0; k < len; k++) {
        if (xv[k * inner] > max) max = xv[k * inner];
      }
      double sum = 0.0;
      for (int64_t k = 0; k < len; k++)
        sum += exp((double)xv[k * inner] - (double)max);
      /* Written only after reading the whole vector, so Y may alias X. */
      for (int64_t k = 0; k < len; k++)
        yv[k * inner] = (float)(exp((double)xv[k * inner] - (double)max) / sum);
    }
  }
  return OPS_KRESULT_OK;
}
