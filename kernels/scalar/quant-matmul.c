/*
 * MatMulInteger and QLinearMatMul: numpy matmul of 8-bit integer matrices (u8 or i8, each
 * operand its own), with batch broadcasting and numpy's 1-D rules (a 1-D A is one row, a 1-D B
 * one column).
 *
 *   acc[m, n] = sum over k of (A[m, k] - a_zero_point) * (B[k, n] - b_zero_point)
 *   MatMulInteger: Y = acc (i32)
 *   QLinearMatMul: Y = saturate(round_half_even(acc * (a_scale * b_scale / y_scale)) +
 * y_zero_point)
 *
 * A's zero point and scale are one value or one per row (M entries), B's one value or one per
 * column (N entries); the binder checked which, and the kernel tells them apart by element count.
 * acc is summed in int64, where it cannot overflow for K below 2^47; MatMulInteger then wraps it
 * to i32 as ONNX Runtime's i32 accumulator would. The requantization multiplier is computed in
 * f32 and applied in double, as the ONNX reference does (an i32 times an f32 is an f64 in numpy).
 */
#include <stdbool.h>
#include <stdint.h>

#include "kernels/scalar/quant-impl.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* One operand: its data, dtype and per-row or per-column zero point. */
struct mm_operand {
  const void *data;
  int dtype;
  const void *zp; /* NULL: zero point 0 */
  int zp_dtype;
  bool zp_each; /* one zero point per row of A, or per column of B */
};

/* The shapes of one matmul: output batch dims and, per batch dim, each operand's stride in
 * whole matrices (0 where it broadcasts). */
struct mm_shape {
  int64_t m, k, n;
  int batch_rank;
  int64_t batch[OPS_KMAX_RANK];
  int64_t a_stride[OPS_KMAX_RANK];
  int64_t b_stride[OPS_KMAX_RANK];
};

/* Matrix strides of an operand's batch dims (its first `rank` dims) along the output's
 * batch dims, right-aligned. */
static void batch_strides(const struct ops_kdims *d, int rank, const struct mm_shape *s,
                          int64_t *stride) {
  int64_t step = 1;
  for (int j = s->batch_rank - 1; j >= 0; j--) {
    int i = j - (s->batch_rank - rank);
    if (i < 0 || d->d[i] == 1) {
      stride[j] = 0;
    } else {
      stride[j] = step;
    }
    if (i >= 0) step *= d->d[i];
  }
}

static struct mm_shape mm_shape(const struct ops_kdims *ad, const struct ops_kdims *bd,
                                const struct ops_kdims *yd) {
  struct mm_shape s;
  s.m = ad->rank >= 2 ? ad->d[ad->rank - 2] : 1;
  s.k = ad->d[ad->rank - 1];
  s.n = bd->rank >= 2 ? bd->d[bd->rank - 1] : 1;
  s.batch_rank = yd->rank - (ad->rank >= 2) - (bd->rank >= 2);
  for (int j = 0; j < s.batch_rank; j++)
    s.batch[j] = yd->d[j];
  batch_strides(ad, ad->rank >= 2 ? ad->rank - 2 : 0, &s, s.a_stride);
  batch_strides(bd, bd->rank >= 2 ? bd->rank - 2 : 0, &s, s.b_stride);
  return s;
}

/* acc[m, n] of the matrices at a and b (element offsets into the operands). */
static int64_t dot(const struct mm_operand *a, const struct mm_operand *b, const struct mm_shape *s,
                   int64_t a_off, int64_t b_off, int64_t m, int64_t n) {
  int64_t za = ops_kq_zero_point(a->zp, a->zp_dtype, a->zp_each ? m : 0);
  int64_t zb = ops_kq_zero_point(b->zp, b->zp_dtype, b->zp_each ? n : 0);
  int64_t acc = 0;
  for (int64_t k = 0; k < s->k; k++) {
    int64_t x = ops_kq_load(a->data, a->dtype, a_off + m * s->k + k) - za;
    int64_t w = ops_kq_load(b->data, b->dtype, b_off + k * s->n + n) - zb;
    acc += x * w;
  }
  return acc;
}

/* What to do with each acc[m, n]: store it as i32, or requantize it. */
struct mm_out {
  void *y;
  int y_dtype;
  const float *a_scale, *b_scale, *y_scale; /* QLinearMatMul only */
  bool a_scale_each, b_scale_each;
  int64_t y_zp;
};

static void emit(const struct mm_out *o, int64_t idx, int64_t m, int64_t n, int64_t acc) {
  if (o->y_dtype == OPSCOPE_DTYPE_I32) {
    ((int32_t *)o->y)[idx] = (int32_t)(uint32_t)(uint64_t)acc;
    return;
  }
  float mult =
      o->a_scale[o->a_scale_each ? m : 0] * o->b_scale[o->b_scale_each ? n : 0] / o->y_scale[0];
  int64_t lo, hi;
  ops_kq_range(o->y_dtype, &lo, &hi);
  ops_kq_store(o->y, o->y_dtype, idx, ops_kq_quantize((double)acc * (double)mult, o->y_zp, lo, hi));
}

static void mm_run(const struct mm_operand *a, const struct mm_operand *b, const struct mm_shape *s,
                   const struct mm_out *o) {
  int64_t idx[OPS_KMAX_RANK] = {0};
  int64_t nbatch = 1;
  for (int j = 0; j < s->batch_rank; j++)
    nbatch *= s->batch[j];
  int64_t y_off = 0;
  for (int64_t bi = 0; bi < nbatch; bi++) {
    int64_t a_mat = 0, b_mat = 0;
    for (int j = 0; j < s->batch_rank; j++) {
      a_mat += idx[j] * s->a_stride[j];
      b_mat += idx[j] * s->b_stride[j];
    }
    for (int64_t m = 0; m < s->m; m++) {
      for (int64_t n = 0; n < s->n; n++) {
        int64_t acc = dot(a, b, s, a_mat * s->m * s->k, b_mat * s->k * s->n, m, n);
        emit(o, y_off++, m, n, acc);
      }
    }
    for (int j = s->batch_rank - 1; j >= 0; j--) {
      if (++idx[j] < s->batch[j]) break;
      idx[j] = 0;
    }
  }
}

/* Element count of optional input i (0 when omitted). */
static int64_t in_numel(const struct ops_kcall *call, int i) {
  if (i >= call->n_in || call->in[i] == NULL) return 0;
  return ops_kdims_numel(&call->in_dims[i]);
}

/* MatMulInteger: A, B, optional a_zero_point, optional b_zero_point. */
static enum ops_kresult matmul_integer_run(const struct ops_kcall *call) {
  struct mm_shape s = mm_shape(&call->in_dims[0], &call->in_dims[1], &call->out_dims[0]);
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;
  struct mm_operand a = {call->in[0], call->in_dtype[0], NULL, 0, false};
  struct mm_operand b = {call->in[1], call->in_dtype[1], NULL, 0, false};
  if (in_numel(call, 2) > 0) {
    a.zp = call->in[2], a.zp_dtype = call->in_dtype[2], a.zp_each = in_numel(call, 2) > 1;
  }
  if (in_numel(call, 3) > 0) {
    b.zp = call->in[3], b.zp_dtype = call->in_dtype[3], b.zp_each = in_numel(call, 3) > 1;
  }
  struct mm_out o = {.y = call->out[0], .y_dtype = OPSCOPE_DTYPE_I32};
  mm_run(&a, &b, &s, &o);
  return OPS_KRESULT_OK;
}

/* QLinearMatMul: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point. */
static enum ops_kresult qlinear_matmul_run(const struct ops_kcall *call) {
  struct mm_shape s = mm_shape(&call->in_dims[0], &call->in_dims[3], &call->out_dims[0]);
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;
  struct mm_operand a = {call->in[0], call->in_dtype[0], call->in[2], call->in_dtype[2],
                         in_numel(call, 2) > 1};
  struct mm_operand b = {call->in[3], call->in_dtype[3], call->in[5], call->in_dtype[5],
                         in_numel(call, 5) > 1};
  struct mm_out o = {
      .y = call->out[0],
      .y_dtype = call->out_dtype[0],
      .a_scale = call->in[1],
      .b_scale = call->in[4],
      .y_scale = call->in[6],
      .a_scale_each = in_numel(call, 1) > 1,
      .b_scale_each = in_numel(call, 4) > 1,
      .y_zp = ops_kq_zero_point(call->in[7], call->in_dtype[7], 0),
  };
  mm_run(&a, &b, &s, &o);
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_u8_matmul_integer_kernel__scalar(const struct ops_kcall *call) {
  return matmul_integer_run(call);
}
enum ops_kresult ops_i8_matmul_integer_kernel__scalar(const struct ops_kcall *call) {
  return matmul_integer_run(call);
}
enum ops_kresult ops_u8_qlinear_matmul_kernel__scalar(const struct ops_kcall *call) {
  return qlinear_matmul_run(call);
}
enum ops_kresult ops_i8_qlinear_matmul_kernel__scalar(const struct ops_kcall *call) {
  return qlinear_matmul_run(call);
}
