/*
 * BatchNormalization, f32, inference form:
 *   Y = (X - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + B[c]
 * X is [N, C, D...] of any rank >= 2, or [C] (rank 1: one sample, no spatial dims, as the ONNX
 * reference's reshape of the per-channel inputs gives). The training form (running statistics
 * as outputs) is refused when the node is bound.
 */
#include <math.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_f32_batchnorm_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_batchnorm_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const float *x = call->in[0];
  const float *scale = call->in[1];
  const float *bias = call->in[2];
  const float *mean = call->in[3];
  const float *var = call->in[4];
  float *y = call->out[0];
  if (ops_kdims_numel(xd) == 0) return OPS_KRESULT_OK;

  int64_t batch = xd->rank >= 2 ? xd->d[0] : 1;
  int64_t channels = xd->rank >= 2 ? xd->d[1] : xd->d[0];
  int64_t plane = xd->rank >= 2 ? ops_kdims_prod(xd, 2, xd->rank) : 1;
  for (int64_t c = 0; c < channels; c++) {
    double k = (double)scale[c] / sqrt((double)var[c] + (double)p->epsilon);
    for (int64_t n = 0; n < batch; n++) {
      int64_t base = (n * channels + c) * plane;
      for (int64_t i = 0; i < plane; i++)
        y[base + i] = (float)(((double)x[base + i] - (double)mean[c]) * k + (double)bias[c]);
    }
  }
  return OPS_KRESULT_OK;
}
