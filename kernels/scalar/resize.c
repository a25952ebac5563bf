/*
 * Resize and Upsample, written from the ONNX Resize spec (opsets 10 to 19) and its reference
 * interpolation: f32, f64 and f16 in every mode (summed in double), and nearest for every other
 * dtype by element size.
 *
 * The N-D resize is the tensor product of one 1-D resampling per axis. For each axis the kernel
 * first tabulates, per output index, the input indices it reads and their weights (in scratch,
 * sized by the binder through ops_resize_scratch_bytes()); then each output element is the
 * weighted sum over every combination of its axes' taps. Per axis:
 *
 *   1. The output index o maps to a source coordinate x by coordinate_transformation_mode.
 *   2. nearest rounds x by nearest_mode. linear and cubic take the taps base + k around
 *      base = ceil(x) - 1 (so the fraction r = x - base is in (0, 1], as the spec's reference
 *      has it) and weigh each by the filter at distance k - r: 1 - |d| for linear, the cubic
 *      convolution kernel with coefficient A for cubic. antialias stretches the filter by
 *      1 / scale when downsampling and renormalizes the weights.
 *   3. Indices past either end read the edge element; exclude_outside instead gives them weight
 *      0 and renormalizes. tf_crop_and_resize writes extrapolation_value where x falls outside
 *      the input on any axis.
 */
#include <math.h>
#include <string.h>

#include "kernels/half.h"
#include "kernels/params-resize.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* One axis's taps: for output index o, entries [o * n, (o + 1) * n) of index and weight. */
struct axis_taps {
  int64_t n;
  int64_t *index;         /* input indices, clamped into [0, in) */
  double *weight;         /* weights; 0 for taps that do not contribute */
  unsigned char *outside; /* 1 where tf_crop_and_resize maps o outside the input */
};

/* The spec's coordinate transform: output index o of an axis to a coordinate in the input. */
static double source_coord(const struct ops_resize_params *p, int a, int64_t in, int64_t out,
                           int64_t o) {
  double s = p->scale[a], len = p->resized_len[a], x = (double)o;
  switch (p->coord) {
    case OPS_KRESIZE_COORD_HALF_PIXEL:
      return (x + 0.5) / s - 0.5;
    case OPS_KRESIZE_COORD_HALF_PIXEL_SYMMETRIC: {
      /* Centres the region the unrounded output length covers on the rounded one. */
      double adjustment = (double)out / len;
      double offset = (double)in / 2.0 * (1.0 - adjustment);
      return offset + (x + 0.5) / s - 0.5;
    }
    case OPS_KRESIZE_COORD_PYTORCH_HALF_PIXEL:
      return len == 1.0 ? -0.5 : (x + 0.5) / s - 0.5;
    case OPS_KRESIZE_COORD_ALIGN_CORNERS:
      return len == 1.0 ? 0.0 : x * (double)(in - 1) / (len - 1.0);
    case OPS_KRESIZE_COORD_ASYMMETRIC:
      return x / s;
    case OPS_KRESIZE_COORD_TF_HALF_PIXEL_FOR_NN:
      return (x + 0.5) / s;
    case OPS_KRESIZE_COORD_TF_CROP_AND_RESIZE: {
      double r0 = p->roi_start[a], r1 = p->roi_end[a], span = (double)(in - 1);
      if (len == 1.0) return (r1 - r0) * span / 2.0 + r0 * span;
      return x * (r1 - r0) * span / (len - 1.0) + r0 * span;
    }
    case OPS_KRESIZE_COORD_COUNT:
      break;
  }
  return x;
}

static int64_t clamp_index(double i, int64_t in) {
  if (i < 0.0) return 0;
  if (i > (double)(in - 1)) return in - 1;
  return (int64_t)i;
}

/* Nearest input index of coordinate x (already within a few elements of [0, in)). */
static int64_t nearest_index(const struct ops_resize_params *p, int a, double x, int64_t in) {
  double lo = floor(x), frac = x - lo, i = lo;
  if (frac != 0.0) {
    switch (p->nearest) {
      case OPS_KRESIZE_NEAREST_ROUND_PREFER_FLOOR:
        i = frac <= 0.5 ? lo : lo + 1.0;
        break;
      case OPS_KRESIZE_NEAREST_ROUND_PREFER_CEIL:
        i = frac < 0.5 ? lo : lo + 1.0;
        break;
      case OPS_KRESIZE_NEAREST_FLOOR:
        break;
      case OPS_KRESIZE_NEAREST_CEIL:
        i = lo + 1.0;
        break;
      case OPS_KRESIZE_NEAREST_LEGACY:
      case OPS_KRESIZE_NEAREST_COUNT:
        i = p->scale[a] < 1.0 ? lo + 1.0 : lo;
        break;
    }
  }
  return clamp_index(i, in);
}

/* The cubic convolution kernel at distance t >= 0 (Keys), coefficient A. */
static double cubic_weight(double t, double A) {
  if (t <= 1.0) return ((A + 2.0) * t - (A + 3.0)) * t * t + 1.0;
  if (t < 2.0) return ((A * t - 5.0 * A) * t + 8.0 * A) * t - 4.0 * A;
  return 0.0;
}

/* Taps and weights of output index o on axis a, n of them, for linear and cubic. */
static void filter_taps(const struct ops_resize_params *p, int a, double x, int64_t in, int64_t n,
                        int64_t *index, double *weight) {
  bool stretched = p->antialias && p->scale[a] < 1.0;
  double s = stretched ? p->scale[a] : 1.0;
  int64_t start = 1 - n / 2;
  double base = ceil(x) - 1.0, r = x - base;
  double sum = 0.0;
  for (int64_t k = 0; k < n; k++) {
    double d = fabs(((double)(start + k) - r) * s);
    double w = p->mode == OPS_KRESIZE_MODE_LINEAR ? fmax(0.0, 1.0 - d)
                                                  : cubic_weight(d, (double)p->cubic_a);
    double i = base + (double)(start + k);
    if (p->exclude_outside && (i < 0.0 || i > (double)(in - 1))) w = 0.0;
    index[k] = clamp_index(i, in);
    weight[k] = w;
    sum += w;
  }
  /* The unstretched filters already sum to 1; a stretched or truncated one is renormalized. */
  if ((stretched || p->exclude_outside) && sum != 0.0) {
    for (int64_t k = 0; k < n; k++)
      weight[k] /= sum;
  }
}

/* Fills the tap tables of every axis from scratch (laid out as ops_resize_scratch_bytes()). */
static void build_taps(const struct ops_kcall *call, struct axis_taps *taps) {
  const struct ops_resize_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0], *yd = &call->out_dims[0];
  unsigned char *mem = call->scratch;
  for (int a = 0; a < yd->rank; a++) {
    int64_t in = xd->d[a], out = yd->d[a];
    int64_t n = ops_resize_axis_taps(p, a, in, out);
    struct axis_taps *t = &taps[a];
    t->n = n;
    t->index = (int64_t *)(void *)mem;
    mem += (size_t)(out * n) * sizeof(int64_t);
    t->weight = (double *)(void *)mem;
    mem += (size_t)(out * n) * sizeof(double);
    t->outside = mem;
    mem += ((size_t)out + 7u) & ~(size_t)7u;

    bool identity = ops_resize_axis_identity(p, a, in, out);
    /* Keeps the coordinate near the input so the integer conversions below are defined; the
     * clamp does not change which (edge-clamped) elements are read. */
    double lo = -2.0 - (double)n, hi = (double)in + 2.0 + (double)n;
    for (int64_t o = 0; o < out; o++) {
      int64_t *index = &t->index[o * n];
      double *weight = &t->weight[o * n];
      t->outside[o] = 0;
      if (identity) {
        index[0] = o;
        weight[0] = 1.0;
        continue;
      }
      double x = source_coord(p, a, in, out, o);
      if (p->coord == OPS_KRESIZE_COORD_TF_CROP_AND_RESIZE &&
          !(x >= 0.0 && x <= (double)(in - 1))) {
        t->outside[o] = 1;
        for (int64_t k = 0; k < n; k++) {
          index[k] = 0;
          weight[k] = 0.0;
        }
        continue;
      }
      x = fmin(fmax(x, lo), hi);
      if (p->mode == OPS_KRESIZE_MODE_NEAREST) {
        index[0] = nearest_index(p, a, x, in);
        weight[0] = 1.0;
      } else {
        filter_taps(p, a, x, in, n, index, weight);
      }
    }
  }
}

/* Element i of a float tensor of `dtype` (f32, f64 or f16), as double. */
static double load_float(const void *x, int dtype, int64_t i) {
  switch (dtype) {
    case OPSCOPE_DTYPE_F64:
      return ((const double *)x)[i];
    case OPSCOPE_DTYPE_F16:
      return (double)ops_f16_to_f32(((const uint16_t *)x)[i]);
    default:
      return (double)((const float *)x)[i];
  }
}

static void store_float(void *y, int dtype, int64_t i, double v) {
  switch (dtype) {
    case OPSCOPE_DTYPE_F64:
      ((double *)y)[i] = v;
      break;
    case OPSCOPE_DTYPE_F16:
      ((uint16_t *)y)[i] = ops_f32_to_f16((float)v);
      break;
    default:
      ((float *)y)[i] = (float)v;
      break;
  }
}

/* What the weighted sum reads: X, its dtype and strides, the tap tables, and the output index
 * per axis. */
struct sum_walk {
  const void *x;
  int dtype;
  int rank;
  const int64_t *x_strides;
  const struct axis_taps *taps;
  const int64_t *pos;
};

/* The weighted sum over the taps of axes a and later, from element `at` of X (the start of
 * axis a's slice). */
static double tap_sum(const struct sum_walk *w, int a, int64_t at) {
  const struct axis_taps *t = &w->taps[a];
  const int64_t *index = &t->index[w->pos[a] * t->n];
  const double *weight = &t->weight[w->pos[a] * t->n];
  double sum = 0.0;
  /* Zero weights are summed too, as the reference does, so a NaN or infinity next to the
   * sample point still shows in the output. */
  for (int64_t k = 0; k < t->n; k++) {
    int64_t i = at + index[k] * w->x_strides[a];
    double v = a + 1 == w->rank ? load_float(w->x, w->dtype, i) : tap_sum(w, a + 1, i);
    sum += weight[k] * v;
  }
  return sum;
}

/* Every mode, for the float dtypes: sums in double, rounds once into Y's dtype. */
static enum ops_kresult resize_float(const struct ops_kcall *call) {
  const struct ops_resize_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0], *yd = &call->out_dims[0];
  int dtype = call->in_dtype[0];
  int64_t count = ops_kdims_numel(yd);
  if (count == 0) return OPS_KRESULT_OK;
  struct axis_taps taps[OPS_KMAX_RANK];
  build_taps(call, taps);
  int64_t x_strides[OPS_KMAX_RANK];
  ops_kdims_strides(xd, x_strides);

  int64_t pos[OPS_KMAX_RANK] = {0};
  struct sum_walk w = {.x = call->in[0],
                       .dtype = dtype,
                       .rank = yd->rank,
                       .x_strides = x_strides,
                       .taps = taps,
                       .pos = pos};
  for (int64_t i = 0; i < count; i++) {
    bool outside = false;
    for (int a = 0; a < yd->rank; a++)
      outside = outside || taps[a].outside[pos[a]];
    double v = outside ? (double)p->extrapolation : tap_sum(&w, 0, 0);
    store_float(call->out[0], dtype, i, v);
    for (int a = yd->rank - 1; a >= 0; a--) {
      if (++pos[a] < yd->d[a]) break;
      pos[a] = 0;
    }
  }
  return OPS_KRESULT_OK;
}

/* nearest of any dtype: each output element copies the element its taps name. The binder only
 * sends nearest here, and no tf_crop_and_resize (there is no extrapolation value to write). */
static enum ops_kresult resize_nearest_any(const struct ops_kcall *call) {
  const struct ops_kdims *xd = &call->in_dims[0], *yd = &call->out_dims[0];
  const unsigned char *x = call->in[0];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  int64_t count = ops_kdims_numel(yd);
  if (count == 0) return OPS_KRESULT_OK;
  struct axis_taps taps[OPS_KMAX_RANK];
  build_taps(call, taps);
  int64_t x_strides[OPS_KMAX_RANK];
  ops_kdims_strides(xd, x_strides);

  int64_t pos[OPS_KMAX_RANK] = {0};
  for (int64_t i = 0; i < count; i++) {
    int64_t from = 0;
    for (int a = 0; a < yd->rank; a++)
      from += taps[a].index[pos[a]] * x_strides[a];
    memcpy(y + (size_t)i * esize, x + (size_t)from * esize, esize);
    for (int a = yd->rank - 1; a >= 0; a--) {
      if (++pos[a] < yd->d[a]) break;
      pos[a] = 0;
    }
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_resize_kernel__scalar(const struct ops_kcall *call) {
  return resize_float(call);
}

enum ops_kresult ops_f64_resize_kernel__scalar(const struct ops_kcall *call) {
  return resize_float(call);
}

enum ops_kresult ops_f16_resize_kernel__scalar(const struct ops_kcall *call) {
  return resize_float(call);
}

enum ops_kresult ops_any_resize_kernel__scalar(const struct ops_kcall *call) {
  return resize_nearest_any(call);
}

/* Upsample is Resize-10 under its old name: the binder gives it asymmetric coordinates and the
 * legacy nearest rule. */
enum ops_kresult ops_f32_upsample_kernel__scalar(const struct ops_kcall *call) {
  return resize_float(call);
}

enum ops_kresult ops_f64_upsample_kernel__scalar(const struct ops_kcall *call) {
  return resize_float(call);
}

enum ops_kresult ops_f16_upsample_kernel__scalar(const struct ops_kcall *call) {
  return resize_float(call);
}

enum ops_kresult ops_any_upsample_kernel__scalar(const struct ops_kcall *call) {
  return resize_nearest_any(call);
}
