/*
 * QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear (opsets 10 to 21, integer types).
 *
 *   QuantizeLinear:   y = saturate(round_half_even(x / scale) + zero_point)
 *   DequantizeLinear: y = (x - zero_point) * scale
 *
 * Scale and zero point are per tensor, per axis (1-D, one entry per index of params.axis) or
 * blocked (opset 21: X's rank, params.block consecutive indices of the axis sharing one entry);
 * params.h says how the binder encodes the three. The division, the subtraction and the product
 * are done in f32 for f32 data, as the ONNX reference and ONNX Runtime do, so a value on a
 * rounding boundary rounds the way theirs does; i32 data goes through double, where every i32 is
 * exact. An omitted zero point is 0
 * and the output is then u8 for QuantizeLinear (shape inference decided y's dtype).
 */
#include <math.h>
#include <stdint.h>

#include "kernels/params.h"
#include "kernels/scalar/quant-impl.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* How X's elements map onto scale entries: X is viewed as [outer, len, inner] around the axis. */
struct quant_layout {
  int64_t outer, len, inner;
  int64_t blocks; /* scale entries along the axis */
};

static struct quant_layout quant_layout(const struct ops_quant_params *p,
                                        const struct ops_kdims *xd) {
  struct quant_layout l;
  l.outer = ops_kdims_prod(xd, 0, p->axis);
  l.len = xd->rank > 0 ? xd->d[p->axis] : 1;
  l.inner = ops_kdims_prod(xd, p->axis + 1, xd->rank);
  l.blocks = (l.len + p->block - 1) / p->block;
  return l;
}

/* The scale entry of X's element (o, a, i). */
static int64_t scale_index(const struct ops_quant_params *p, const struct quant_layout *l,
                           int64_t o, int64_t a, int64_t i) {
  if (!p->blocked) return a / p->block;
  return (o * l->blocks + a / p->block) * l->inner + i;
}

static enum ops_kresult quantize_run(const struct ops_kcall *call) {
  const struct ops_quant_params *p = call->params;
  struct quant_layout l = quant_layout(p, &call->in_dims[0]);
  const float *scale = call->in[1];
  const void *zp = call->n_in > 2 ? call->in[2] : NULL;
  int zp_dtype = call->n_in > 2 ? call->in_dtype[2] : 0;
  int x_dtype = call->in_dtype[0], y_dtype = call->out_dtype[0];
  int64_t lo, hi;
  ops_kq_range(y_dtype, &lo, &hi);
  for (int64_t o = 0; o < l.outer; o++) {
    for (int64_t a = 0; a < l.len; a++) {
      for (int64_t i = 0; i < l.inner; i++) {
        int64_t k = (o * l.len + a) * l.inner + i;
        int64_t s = scale_index(p, &l, o, a, i);
        double v = x_dtype == OPSCOPE_DTYPE_F32
                       ? (double)(((const float *)call->in[0])[k] / scale[s])
                       : (double)((const int32_t *)call->in[0])[k] / (double)scale[s];
        ops_kq_store(call->out[0], y_dtype, k,
                     ops_kq_quantize(v, ops_kq_zero_point(zp, zp_dtype, s), lo, hi));
      }
    }
  }
  return OPS_KRESULT_OK;
}

static enum ops_kresult dequantize_run(const struct ops_kcall *call) {
  const struct ops_quant_params *p = call->params;
  struct quant_layout l = quant_layout(p, &call->in_dims[0]);
  const float *scale = call->in[1];
  const void *zp = call->n_in > 2 ? call->in[2] : NULL;
  int zp_dtype = call->n_in > 2 ? call->in_dtype[2] : 0;
  int x_dtype = call->in_dtype[0];
  float *y = call->out[0];
  for (int64_t o = 0; o < l.outer; o++) {
    for (int64_t a = 0; a < l.len; a++) {
      for (int64_t i = 0; i < l.inner; i++) {
        int64_t k = (o * l.len + a) * l.inner + i;
        int64_t s = scale_index(p, &l, o, a, i);
        int64_t q = ops_kq_load(call->in[0], x_dtype, k) - ops_kq_zero_point(zp, zp_dtype, s);
        y[k] = (float)q * scale[s];
      }
    }
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_quantize_linear_kernel__scalar(const struct ops_kcall *call) {
  return quantize_run(call);
}
enum ops_kresult ops_i32_quantize_linear_kernel__scalar(const struct ops_kcall *call) {
  return quantize_run(call);
}

enum ops_kresult ops_u8_dequantize_linear_kernel__scalar(const struct ops_kcall *call) {
  return dequantize_run(call);
}
enum ops_kresult ops_i8_dequantize_linear_kernel__scalar(const struct ops_kcall *call) {
  return dequantize_run(call);
}
enum ops_kresult ops_u16_dequantize_linear_kernel__scalar(const struct ops_kcall *call) {
  return dequantize_run(call);
}
enum ops_kresult ops_i16_dequantize_linear_kernel__scalar(const struct ops_kcall *call) {
  return dequantize_run(call);
}
enum ops_kresult ops_i32_dequantize_linear_kernel__scalar(const struct ops_kcall *call) {
  return dequantize_run(call);
}

/* DynamicQuantizeLinear: u8 with a scale and zero point chosen so that [min(0, min x),
 * max(0, max x)] spans [0, 255] (the range always holds 0, so 0 quantizes exactly):
 *   scale = (hi - lo) / 255, or 1 / 255 when hi == lo (all zeros, or no elements)
 *   zero_point = round_half_even(saturate(0 - lo / scale))
 *   y = saturate(round_half_even(x / scale) + zero_point)
 * all in f32, as the ONNX reference and ONNX Runtime compute it. NaN elements are skipped when
 * finding the range (fmin/fmax), so one NaN does not poison every output; it quantizes to the
 * zero point. */
enum ops_kresult ops_f32_dynamic_quantize_linear_kernel__scalar(const struct ops_kcall *call) {
  const float *x = call->in[0];
  uint8_t *y = call->out[0];
  int64_t n = ops_kdims_numel(&call->in_dims[0]);
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < n; i++) {
    lo = fminf(lo, x[i]);
    hi = fmaxf(hi, x[i]);
  }
  float scale = (hi == lo ? 1.0f : hi - lo) / 255.0f;
  float zp_real = 0.0f - lo / scale;
  /* NaN (an infinite range: -inf / inf) clamps to 0 too, so the cast below is defined. */
  if (!(zp_real > 0.0f)) zp_real = 0.0f;
  if (zp_real > 255.0f) zp_real = 255.0f;
  int64_t zp = (int64_t)ops_kq_round_even(zp_real);
  for (int64_t i = 0; i < n; i++)
    y[i] = (uint8_t)ops_kq_quantize((double)(x[i] / scale), zp, 0, UINT8_MAX);
  if (call->n_out > 1 && call->out[1] != NULL) *(float *)call->out[1] = scale;
  if (call->n_out > 2 && call->out[2] != NULL) *(uint8_t *)call->out[2] = (uint8_t)zp;
  return OPS_KRESULT_OK;
}
