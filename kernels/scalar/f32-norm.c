/*
 * Normalizations with their own statistics, f32: LayerNormalization, InstanceNormalization and
 * LRN (MeanVarianceNormalization is a masked reduction and lives in f32-reduce.c).
 *
 * Means and variances are two-pass (mean first, then the mean of squared deviations) in double,
 * so a large common offset does not cancel away the variance.
 */
#include <math.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* Mean and population variance of `n` values `stride` apart. */
static void moments(const float *x, int64_t n, int64_t stride, double *mean, double *var) {
  double sum = 0.0;
  for (int64_t k = 0; k < n; k++)
    sum += x[k * stride];
  double m = sum / (double)n, sq = 0.0;
  for (int64_t k = 0; k < n; k++) {
    double dev = (double)x[k * stride] - m;
    sq += dev * dev;
  }
  *mean = m;
  *var = sq / (double)n;
}

/* Offset in a tensor broadcast (right-aligned, size-1 dims repeating) to the dims `nd`, of flat
 * element k of `nd`; `bs` are the broadcast strides from ops_kbcast_strides. */
static int64_t bcast_offset(const struct ops_kdims *nd, const int64_t *bs, int64_t k) {
  int64_t off = 0;
  for (int i = nd->rank - 1; i >= 0; i--) {
    off += (k % nd->d[i]) * bs[i];
    k /= nd->d[i];
  }
  return off;
}

/* LayerNormalization (opset 17): inputs X, Scale, optional B; outputs Y, optional Mean and
 * InvStdDev, one value per vector, with the dims of X before `axis` (the rest are 1). */
enum ops_kresult ops_f32_layer_normalization_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_norm_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  if (ops_kdims_numel(xd) == 0) return OPS_KRESULT_OK;
  const float *x = call->in[0], *scale = call->in[1];
  const float *bias = call->n_in > 2 ? call->in[2] : NULL;
  float *y = call->out[0];
  float *mean_out = call->n_out > 1 ? call->out[1] : NULL;
  float *inv_out = call->n_out > 2 ? call->out[2] : NULL;

  struct ops_kdims nd = {.rank = xd->rank - p->axis};
  for (int i = 0; i < nd.rank; i++)
    nd.d[i] = xd->d[p->axis + i];
  int64_t scale_bs[OPS_KMAX_RANK], bias_bs[OPS_KMAX_RANK];
  ops_kbcast_strides(&call->in_dims[1], &nd, scale_bs);
  if (bias != NULL) ops_kbcast_strides(&call->in_dims[2], &nd, bias_bs);

  int64_t outer = ops_kdims_prod(xd, 0, p->axis), len = ops_kdims_numel(&nd);
  for (int64_t o = 0; o < outer; o++) {
    const float *xv = x + o * len;
    float *yv = y + o * len;
    double mean, var;
    moments(xv, len, 1, &mean, &var);
    double inv = 1.0 / sqrt(var + (double)p->epsilon);
    for (int64_t k = 0; k < len; k++) {
      double v = ((double)xv[k] - mean) * inv * scale[bcast_offset(&nd, scale_bs, k)];
      if (bias != NULL) v += bias[bcast_offset(&nd, bias_bs, k)];
      yv[k] = (float)v;
    }
    if (mean_out != NULL) mean_out[o] = (float)mean;
    if (inv_out != NULL) inv_out[o] = (float)inv;
  }
  return OPS_KRESULT_OK;
}

/* InstanceNormalization: X [N, C, D...], scale [C], B [C]; each [n, c] plane is normalized. */
enum ops_kresult ops_f32_instance_normalization_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_norm_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  if (ops_kdims_numel(xd) == 0) return OPS_KRESULT_OK;
  const float *x = call->in[0], *scale = call->in[1], *bias = call->in[2];
  float *y = call->out[0];
  int64_t batch = xd->d[0], ch = xd->d[1], plane = ops_kdims_prod(xd, 2, xd->rank);
  for (int64_t n = 0; n < batch; n++) {
    for (int64_t c = 0; c < ch; c++) {
      const float *xv = x + (n * ch + c) * plane;
      float *yv = y + (n * ch + c) * plane;
      double mean, var;
      moments(xv, plane, 1, &mean, &var);
      double inv = 1.0 / sqrt(var + (double)p->epsilon);
      for (int64_t k = 0; k < plane; k++)
        yv[k] = (float)(((double)xv[k] - mean) * inv * scale[c] + bias[c]);
    }
  }
  return OPS_KRESULT_OK;
}

/* LRN: X [N, C, D...]. Channels outside [0, C) count as zeros. Y must not alias X: each output
 * reads its neighbours' inputs. */
enum ops_kresult ops_f32_lrn_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_lrn_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  if (ops_kdims_numel(xd) == 0) return OPS_KRESULT_OK;
  const float *x = call->in[0];
  float *y = call->out[0];
  int64_t batch = xd->d[0], ch = xd->d[1], plane = ops_kdims_prod(xd, 2, xd->rank);
  int64_t before = (p->size - 1) / 2, after = p->size / 2;
  for (int64_t n = 0; n < batch; n++) {
    for (int64_t c = 0; c < ch; c++) {
      int64_t lo = c - before < 0 ? 0 : c - before;
      int64_t hi = c + after >= ch ? ch - 1 : c + after;
      for (int64_t k = 0; k < plane; k++) {
        double sq = 0.0;
        for (int64_t j = lo; j <= hi; j++) {
          double v = x[(n * ch + j) * plane + k];
          sq += v * v;
        }
        double den = pow((double)p->bias + (double)p->alpha / (double)p->size * sq, p->beta);
        y[(n * ch + c) * plane + k] = (float)((double)x[(n * ch + c) * plane + k] / den);
      }
    }
  }
  return OPS_KRESULT_OK;
}
