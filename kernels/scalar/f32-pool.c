/*
 * Pooling: MaxPool (f32, u8, i8, with its optional Indices output) and AveragePool (f32) over
 * any number of spatial dims, and GlobalAveragePool (f32).
 *
 * A window of output position o covers, on spatial dim s, the input indices
 * o * stride - pad_begin + k * dilation for k < kernel. Taps outside the input are skipped.
 * With ceil_mode (decided by the binder through Y's dims) the last window may also reach past
 * the end padding. AveragePool divides by the taps inside the input, or with
 * count_include_pad by the taps inside the padded input [-pad_begin, D + pad_end), which is
 * what ONNX Runtime and PyTorch do for a window cut off by ceil_mode. The binder refuses
 * windows with no tap inside the input, so neither op ever sees an empty window.
 *
 * MaxPool's Indices hold, for each output, the flat index into X of the window's first maximum
 * (the first in row-major tap order, as ONNX Runtime picks): (n * C + c) * plane + the spatial
 * offset, which counts row-major, or column-major with storage_order 1 (the first spatial dim
 * fastest). Values are read through double, which holds f32, u8 and i8 exactly.
 */
#include <math.h>
#include <stdint.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

struct pool_walk {
  const struct ops_pool_params *p;
  const void *x; /* X's data, of dtype `dtype` */
  int dtype;
  const int64_t *in;                    /* input extent per spatial dim */
  int64_t stride[OPS_KMAX_SPATIAL];     /* row-major, elements */
  int64_t col_stride[OPS_KMAX_SPATIAL]; /* column-major (storage_order 1), elements */
};

/* What a window reduces to: its max and where it is, its sum and its count of taps. */
struct pool_acc {
  double max;
  int64_t at;     /* flat row-major index into X of the first max */
  int64_t at_col; /* the same with the spatial dims counted column-major */
  double sum;
  int64_t taps;
};

static double load(const void *x, int dtype, int64_t i) {
  switch (dtype) {
    case OPSCOPE_DTYPE_U8:
      return ((const uint8_t *)x)[i];
    case OPSCOPE_DTYPE_I8:
      return ((const int8_t *)x)[i];
    default:
      return ((const float *)x)[i];
  }
}

/* Exact: v was loaded from a tensor of the same dtype. */
static void store(void *y, int dtype, int64_t i, double v) {
  switch (dtype) {
    case OPSCOPE_DTYPE_U8:
      ((uint8_t *)y)[i] = (uint8_t)v;
      break;
    case OPSCOPE_DTYPE_I8:
      ((int8_t *)y)[i] = (int8_t)v;
      break;
    default:
      ((float *)y)[i] = (float)v;
      break;
  }
}

/* Reduces the window's taps in spatial dims s and later into *a; `off` and `col` are the
 * row-major and column-major flat indices of the start of dim s's slice. */
static void window_reduce(const struct pool_walk *w, int s, const int64_t *start, int64_t off,
                          int64_t col, struct pool_acc *a) {
  const struct ops_pool_params *p = w->p;
  int64_t k0, k1;
  ops_ktap_range(start[s], p->kernel[s], p->dilations[s], 0, w->in[s], &k0, &k1);
  for (int64_t k = k0; k < k1; k++) {
    int64_t i = start[s] + k * p->dilations[s];
    int64_t off_i = off + i * w->stride[s], col_i = col + i * w->col_stride[s];
    if (s + 1 < p->spatial) {
      window_reduce(w, s + 1, start, off_i, col_i, a);
      continue;
    }
    double v = load(w->x, w->dtype, off_i);
    /* NaN propagates as in numpy: the first NaN becomes the max and nothing replaces it. */
    if (a->taps == 0 || v > a->max || (isnan(v) && !isnan(a->max))) {
      a->max = v;
      a->at = off_i;
      a->at_col = col_i;
    }
    a->sum += v;
    a->taps++;
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
  int dtype = call->in_dtype[0];
  void *y = call->out[0];
  int64_t *indices = !average && call->n_out > 1 ? call->out[1] : NULL;
  if (ops_kdims_numel(yd) == 0) return OPS_KRESULT_OK;
  int ns = p->spatial;
  int64_t planes = xd->d[0] * xd->d[1];
  int64_t x_plane = ops_kdims_prod(xd, 2, xd->rank);
  int64_t y_plane = ops_kdims_prod(yd, 2, yd->rank);

  struct pool_walk w = {.p = p, .x = call->in[0], .dtype = dtype, .in = &xd->d[2]};
  int64_t sx = 1;
  for (int s = ns - 1; s >= 0; s--) {
    w.stride[s] = sx;
    sx *= xd->d[2 + s];
  }
  sx = 1;
  for (int s = 0; s < ns; s++) {
    w.col_stride[s] = sx;
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
      struct pool_acc a = {.max = -INFINITY};
      window_reduce(&w, 0, start, c * x_plane, c * x_plane, &a);
      if (!average) {
        store(y, dtype, c * y_plane + o, a.max);
        if (indices != NULL) indices[c * y_plane + o] = p->storage_order_col ? a.at_col : a.at;
      } else {
        double count = p->count_include_pad ? padded_taps : (double)a.taps;
        store(y, dtype, c * y_plane + o, a.sum / count);
      }
    }
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_max_pool_kernel__scalar(const struct ops_kcall *call) {
  return pool_run(call, false);
}

enum ops_kresult ops_u8_max_pool_kernel__scalar(const struct ops_kcall *call) {
  return pool_run(call, false);
}

enum ops_kresult ops_i8_max_pool_kernel__scalar(const struct ops_kcall *call) {
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
