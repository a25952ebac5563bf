/*
 * Pooling, f32: MaxPool and AveragePool over any number of spatial dims, and GlobalAveragePool.
 *
 * A window of output position o covers, on spatial dim s, the input indices
 * o * stride - pad_begin + k * dilation for k < kernel. Taps outside the input are skipped.
 * With ceil_mode (decided by the binder through Y's dims) the last window may also reach past
 * the end padding. AveragePool divides by the taps inside the input, or with
 * count_include_pad by the taps inside the padded input [-pad_begin, D + pad_end), which is
 * what ONNX Runtime and PyTorch do for a window cut off by ceil_mode. The binder refuses
 * windows with no tap inside the input, so neither op ever sees an empty window.
 */
#include <math.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

struct pool_walk {
  const struct ops_pool_params *p;
  const int64_t *in; /* input extent per spatial dim */
  int64_t stride[OPS_KMAX_SPATIAL];
};

/* Max and sum of the window's taps in spatial dims s and later (x at the start of dim s's
 * slice); the count of taps inside the input is added to *taps. */
static void window_reduce(const struct pool_walk *w, int s, const int64_t *start, const float *x,
                          float *max, double *sum, int64_t *taps) {
  const struct ops_pool_params *p = w->p;
  int64_t k0, k1;
  ops_ktap_range(start[s], p->kernel[s], p->dilations[s], 0, w->in[s], &k0, &k1);
  for (int64_t k = k0; k < k1; k++) {
    int64_t i = start[s] + k * p->dilations[s];
    const float *xs = x + i * w->stride[s];
    if (s + 1 == p->spatial) {
      /* NaN propagates as in numpy: once max is NaN no comparison replaces it. */
      if (isnan(*xs) || *xs > *max) *max = *xs;
      *sum += *xs;
      (*taps)++;
    } else {
      window_reduce(w, s + 1, start, xs, max, sum, taps);
    }
  }
}

/* Taps of one spatial dim's window that fall in [lo, hi). */
static int64_t taps_within(int64_t start, int64_t kernel, int64_t dilation, int64_t lo,
                           int64_t hi) {
  int64_t k0, k1;
  ops_ktap_range(start, kernel, dilation, lo, hi, &k0, &k1);
  return k1 - k0;
}

static enum ops_kresult pool_run(const struct ops_kcall *call, bool average) {
  const struct ops_pool_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *yd = &call->out_dims[0];
  const float *x = call->in[0];
  float *y = call->out[0];
  if (ops_kdims_numel(yd) == 0) return OPS_KRESULT_OK;
  int ns = p->spatial;
  int64_t planes = xd->d[0] * xd->d[1];
  int64_t x_plane = ops_kdims_prod(xd, 2, xd->rank);
  int64_t y_plane = ops_kdims_prod(yd, 2, yd->rank);

  struct pool_walk w = {.p = p, .in = &xd->d[2]};
  int64_t sx = 1;
  for (int s = ns - 1; s >= 0; s--) {
    w.stride[s] = sx;
    sx *= xd->d[2 + s];
  }

  for (int64_t o = 0; o < y_plane; o++) {
    int64_t start[OPS_KMAX_SPATIAL];
    int64_t rest = o;
    /* A product of per-dim counts of up to 2^31 each: double, where int64 could overflow. */
    double padded_taps = 1.0;
    for (int s = ns - 1; s >= 0; s--) {
      int64_t os = rest % yd->d[2 + s];
      rest /= yd->d[2 + s];
      start[s] = os * p->strides[s] - p->pads_begin[s];
      padded_taps *= (double)taps_within(start[s], p->kernel[s], p->dilations[s], -p->pads_begin[s],
                                         w.in[s] + p->pads_end[s]);
    }
    for (int64_t c = 0; c < planes; c++) {
      float max = -INFINITY;
      double sum = 0.0;
      int64_t taps = 0;
      window_reduce(&w, 0, start, x + c * x_plane, &max, &sum, &taps);
      if (!average) {
        y[c * y_plane + o] = max;
      } else {
        double count = p->count_include_pad ? padded_taps : (double)taps;
        y[c * y_plane + o] = (float)(sum / count);
      }
    }
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_max_pool_kernel__scalar(const struct ops_kcall *call) {
  return pool_run(call, false);
}

enum ops_kresult ops_f32_average_pool_kernel__scalar(const struct ops_kcall *call) {
  return pool_run(call, true);
}

/* Mean over every spatial position of each (n, c) plane; Y is [N, C, 1, ...]. */
enum ops_kresult ops_f32_global_average_pool_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_kdims *xd = &call->in_dims[0];
  const float *x = call->in[0];
  float *y = call->out[0];
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;
  int64_t planes = xd->d[0] * xd->d[1];
  int64_t plane = ops_kdims_prod(xd, 2, xd->rank);
  for (int64_t c = 0; c < planes; c++) {
    double sum = 0.0;
    for (int64_t i = 0; i < plane; i++)
      sum += x[c * plane + i];
    y[c] = (float)(sum / (double)plane);
  }
  return OPS_KRESULT_OK;
}
