/*
 * ConvInteger and QLinearConv: Conv (kernels/scalar/f32-conv.c gives the window arithmetic) of
 * 8-bit integer data and weights (u8 or i8, each its own), with groups, strides, dilations and
 * per-side pads resolved by the binder into struct ops_conv_params.
 *
 *   acc[n, m, o...] = sum over the window of (X - x_zero_point) * (W[m] - w_zero_point[m])
 *   ConvInteger: Y = acc (i32)
 *   QLinearConv: Y = saturate(round_half_even((acc + B[m]) * (x_scale * w_scale[m] / y_scale))
 *                             + y_zero_point)
 *
 * Taps in the padding are skipped, which is the same as reading x_zero_point there: the padding
 * stands for real value 0, whose quantized code is the zero point. The weight's zero point and
 * scale are one value or one per output channel (M entries). acc is summed in int64; ConvInteger
 * wraps it to i32, and QLinearConv's multiplier is computed in f32 and applied in double, as the
 * ONNX reference does.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kernels/params.h"
#include "kernels/scalar/quant-impl.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* The operands of one integer conv. Offsets are in elements. */
struct qconv {
  const struct ops_conv_params *p;
  const void *x, *w;
  int x_dtype, w_dtype;
  int64_t x_zp;
  const void *w_zp; /* NULL: 0 */
  int w_zp_dtype;
  bool w_zp_each;             /* one per output channel */
  const int64_t *in, *kernel; /* spatial extents of X and W */
  int64_t x_stride[OPS_KMAX_SPATIAL];
  int64_t w_stride[OPS_KMAX_SPATIAL];
};

/* Sum over the window's taps in spatial dims s and later; x_off and w_off are the element offsets
 * of dim s's slice, start[] is the window's first tap per dim (negative inside the padding). */
static int64_t window_dot(const struct qconv *q, int s, const int64_t *start, int64_t x_off,
                          int64_t w_off, int64_t w_zp) {
  int64_t acc = 0, k0, k1;
  ops_ktap_range(start[s], q->kernel[s], q->p->dilations[s], 0, q->in[s], &k0, &k1);
  for (int64_t k = k0; k < k1; k++) {
    int64_t xi = x_off + (start[s] + k * q->p->dilations[s]) * q->x_stride[s];
    int64_t wi = w_off + k * q->w_stride[s];
    if (s + 1 == q->p->spatial) {
      acc += (ops_kq_load(q->x, q->x_dtype, xi) - q->x_zp) *
             (ops_kq_load(q->w, q->w_dtype, wi) - w_zp);
    } else {
      acc += window_dot(q, s + 1, start, xi, wi, w_zp);
    }
  }
  return acc;
}

/* What to do with each acc: store it as i32, or add the bias and requantize it. */
struct qconv_out {
  void *y;
  int y_dtype;
  const int32_t *bias; /* QLinearConv, optional */
  float x_scale, y_scale;
  const float *w_scale;
  bool w_scale_each;
  int64_t y_zp;
};

static void emit(const struct qconv_out *o, int64_t idx, int64_t m, int64_t acc) {
  if (o->w_scale == NULL) { /* ConvInteger */
    ((int32_t *)o->y)[idx] = (int32_t)(uint32_t)(uint64_t)acc;
    return;
  }
  if (o->bias != NULL) acc += o->bias[m];
  float mult = o->x_scale * o->w_scale[o->w_scale_each ? m : 0] / o->y_scale;
  int64_t lo, hi;
  ops_kq_range(o->y_dtype, &lo, &hi);
  ops_kq_store(o->y, o->y_dtype, idx, ops_kq_quantize((double)acc * (double)mult, o->y_zp, lo, hi));
}

static void qconv_run(struct qconv *q, const struct ops_kdims *xd, const struct ops_kdims *wd,
                      const struct ops_kdims *yd, const struct qconv_out *o) {
  const struct ops_conv_params *p = q->p;
  int ns = p->spatial;
  int64_t batch = xd->d[0], c_in = xd->d[1], m_out = yd->d[1], c_per_group = wd->d[1];
  int64_t m_per_group = m_out / p->group;
  int64_t x_plane = ops_kdims_prod(xd, 2, xd->rank);
  int64_t w_plane = ops_kdims_prod(wd, 2, wd->rank);
  int64_t y_plane = ops_kdims_prod(yd, 2, yd->rank);
  q->in = &xd->d[2];
  q->kernel = &wd->d[2];
  int64_t sx = 1, sw = 1;
  for (int s = ns - 1; s >= 0; s--) {
    q->x_stride[s] = sx;
    q->w_stride[s] = sw;
    sx *= xd->d[2 + s];
    sw *= wd->d[2 + s];
  }
  for (int64_t n = 0; n < batch; n++) {
    for (int64_t m = 0; m < m_out; m++) {
      int64_t g = m / m_per_group;
      int64_t w_zp = ops_kq_zero_point(q->w_zp, q->w_zp_dtype, q->w_zp_each ? m : 0);
      for (int64_t op = 0; op < y_plane; op++) {
        int64_t start[OPS_KMAX_SPATIAL];
        int64_t rest = op;
        for (int s = ns - 1; s >= 0; s--) {
          start[s] = (rest % yd->d[2 + s]) * p->strides[s] - p->pads_begin[s];
          rest /= yd->d[2 + s];
        }
        int64_t acc = 0;
        for (int64_t ci = 0; ci < c_per_group; ci++) {
          acc += window_dot(q, 0, start, (n * c_in + g * c_per_group + ci) * x_plane,
                            (m * c_per_group + ci) * w_plane, w_zp);
        }
        emit(o, (n * m_out + m) * y_plane + op, m, acc);
      }
    }
  }
}

/* Element count of optional input i (0 when omitted). */
static int64_t in_numel(const struct ops_kcall *call, int i) {
  if (i >= call->n_in || call->in[i] == NULL) return 0;
  return ops_kdims_numel(&call->in_dims[i]);
}

/* ConvInteger: x, w, optional x_zero_point, optional w_zero_point. */
static enum ops_kresult conv_integer_run(const struct ops_kcall *call) {
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;
  struct qconv q = {
      .p = call->params,
      .x = call->in[0],
      .w = call->in[1],
      .x_dtype = call->in_dtype[0],
      .w_dtype = call->in_dtype[1],
      .x_zp = in_numel(call, 2) > 0 ? ops_kq_load(call->in[2], call->in_dtype[2], 0) : 0,
  };
  if (in_numel(call, 3) > 0) {
    q.w_zp = call->in[3], q.w_zp_dtype = call->in_dtype[3], q.w_zp_each = in_numel(call, 3) > 1;
  }
  struct qconv_out o = {.y = call->out[0], .y_dtype = OPSCOPE_DTYPE_I32};
  qconv_run(&q, &call->in_dims[0], &call->in_dims[1], &call->out_dims[0], &o);
  return OPS_KRESULT_OK;
}

/* QLinearConv: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B. */
static enum ops_kresult qlinear_conv_run(const struct ops_kcall *call) {
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;
  struct qconv q = {
      .p = call->params,
      .x = call->in[0],
      .w = call->in[3],
      .x_dtype = call->in_dtype[0],
      .w_dtype = call->in_dtype[3],
      .x_zp = ops_kq_zero_point(call->in[2], call->in_dtype[2], 0),
      .w_zp = call->in[5],
      .w_zp_dtype = call->in_dtype[5],
      .w_zp_each = in_numel(call, 5) > 1,
  };
  struct qconv_out o = {
      .y = call->out[0],
      .y_dtype = call->out_dtype[0],
      .bias = in_numel(call, 8) > 0 ? call->in[8] : NULL,
      .x_scale = *(const float *)call->in[1],
      .y_scale = *(const float *)call->in[6],
      .w_scale = call->in[4],
      .w_scale_each = in_numel(call, 4) > 1,
      .y_zp = ops_kq_zero_point(call->in[7], call->in_dtype[7], 0),
  };
  qconv_run(&q, &call->in_dims[0], &call->in_dims[3], &call->out_dims[0], &o);
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_u8_conv_integer_kernel__scalar(const struct ops_kcall *call) {
  return conv_integer_run(call);
}
enum ops_kresult ops_i8_conv_integer_kernel__scalar(const struct ops_kcall *call) {
  return conv_integer_run(call);
}
enum ops_kresult ops_u8_qlinear_conv_kernel__scalar(const struct ops_kcall *call) {
  return qlinear_conv_run(call);
}
enum ops_kresult ops_i8_qlinear_conv_kernel__scalar(const struct ops_kcall *call) {
  return qlinear_conv_run(call);
}
