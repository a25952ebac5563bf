/*
 * The simd unit's f32 element-wise kernels (Add, Sub, Mul, Div, Pow, Max, Min, and the unary
 * activations), Softmax and LogSoftmax over contiguous rows, ReduceSum and ReduceMean over
 * trailing axes, and LayerNormalization over trailing axes with a Scale and B of the
 * normalized dims' full shape, on the vector microkernels kernels/kconfig.c chose
 * (kernels/vector.h).
 *
 * The binder (compiler/bind-simd-elementwise.c) lays every op out as rows of contiguous runs
 * (kernels/params-simd-elementwise.h); this file only walks the rows and calls the
 * microkernel once per run. On the threads unit (call->pool set) the work is cut into pieces of
 * about PIECE elements (whole rows for Softmax and the reductions, which need a row at a time),
 * which the threads claim from the pool's chunk counter; each piece is computed exactly as it
 * would be on one thread, so both units give the same bits.
 */
#include <math.h>
#include <stddef.h>

#include "kernels/params-simd-elementwise.h"
#include "kernels/params.h"
#include "kernels/simd-ops.h"
#include "kernels/threads/pool.h"

/* Elements per piece of threads work: 16 KiB of output, small enough to balance the threads
 * and large enough that claiming a piece costs little beside streaming it. */
#define PIECE 4096

/* LogSoftmax's sum of exp(x - max) and LayerNormalization's sum of squares go through this
 * many floats of stack at a time, so they need no scratch and X stays intact even when Y is X. */
#define LSE_BLOCK 256

struct ew_job {
  const struct ops_simd_ew_params *p;
  const float *a, *b;
  float *y;
  const float *scale, *bias;       /* LayerNormalization's Scale and optional B */
  float *mean, *inv_std;           /* its optional outputs, one per row, or NULL */
  struct ops_f32_vunary_params up; /* with Clip's bounds read from its inputs */
  size_t rows_per_piece;           /* rows of one piece (1 when a row is split) */
  size_t pieces_per_row;           /* pieces one row is cut into (1 when rows are grouped) */
  size_t pieces;
};

static void binary_rows(const struct ew_job *j, size_t r0, size_t r1, size_t c0, size_t c1) {
  const struct ops_simd_ew_params *p = j->p;
  int64_t idx[OPS_KMAX_RANK];
  int64_t aoff = 0, boff = 0;
  size_t rest = r0;
  for (int d = p->outer_rank - 1; d >= 0; d--) {
    idx[d] = (int64_t)(rest % (size_t)p->outer[d]);
    rest /= (size_t)p->outer[d];
    aoff += idx[d] * p->a_step[d];
    boff += idx[d] * p->b_step[d];
  }
  size_t a_col = p->mode == OPS_VBINARY_SV ? 0 : c0, b_col = p->mode == OPS_VBINARY_VS ? 0 : c0;
  for (size_t r = r0; r < r1; r++) {
    p->cfg->vbinary(p->bop, p->mode, c1 - c0, j->a + aoff + a_col, j->b + boff + b_col,
                    j->y + r * p->inner + c0);
    for (int d = p->outer_rank - 1; d >= 0; d--) {
      aoff += p->a_step[d];
      boff += p->b_step[d];
      if (++idx[d] < p->outer[d]) break;
      aoff -= p->a_step[d] * p->outer[d];
      boff -= p->b_step[d] * p->outer[d];
      idx[d] = 0;
    }
  }
}

static void softmax_row(const struct ew_job *j, const float *x, float *y) {
  const struct ops_kconfig_vector *cfg = j->p->cfg;
  size_t n = j->p->inner;
  float max = cfg->rmax(n, x);
  if (j->p->kind == OPS_SIMD_EW_SOFTMAX) {
    float sum = cfg->raddexp(n, x, max, y);
    cfg->vbinary(OPS_VBINARY_DIV, OPS_VBINARY_VS, n, y, &sum, y);
    return;
  }
  float buf[LSE_BLOCK];
  float sum = 0.0f;
  for (size_t i = 0; i < n; i += LSE_BLOCK)
    sum += cfg->raddexp(n - i < LSE_BLOCK ? n - i : LSE_BLOCK, x + i, max, buf);
  float lse = logf(sum);
  /* (x - max) first: exact when x is near max, where the result is small. */
  cfg->vbinary(OPS_VBINARY_SUB, OPS_VBINARY_VS, n, x, &max, y);
  cfg->vbinary(OPS_VBINARY_SUB, OPS_VBINARY_VS, n, y, &lse, y);
}

/* LayerNormalization of one row, two-pass like the scalar kernel (the mean first, then the
 * squared deviations), so a large common offset does not cancel the variance away. */
static void layer_norm_row(const struct ew_job *j, size_t r) {
  const struct ops_kconfig_vector *cfg = j->p->cfg;
  size_t n = j->p->inner;
  const float *x = j->a + r * n;
  float *y = j->y + r * n;
  float mean = cfg->rsum(n, x) / (float)n;
  cfg->vbinary(OPS_VBINARY_SUB, OPS_VBINARY_VS, n, x, &mean, y);
  float buf[LSE_BLOCK];
  float sq = 0.0f;
  for (size_t i = 0; i < n; i += LSE_BLOCK) {
    size_t m = n - i < LSE_BLOCK ? n - i : LSE_BLOCK;
    cfg->vbinary(OPS_VBINARY_MUL, OPS_VBINARY_VV, m, y + i, y + i, buf);
    sq += cfg->rsum(m, buf);
  }
  float inv = (float)(1.0 / sqrt((double)(sq / (float)n) + (double)j->p->epsilon));
  cfg->vbinary(OPS_VBINARY_MUL, OPS_VBINARY_VS, n, y, &inv, y);
  cfg->vbinary(OPS_VBINARY_MUL, OPS_VBINARY_VV, n, y, j->scale, y);
  if (j->bias != NULL) cfg->vbinary(OPS_VBINARY_ADD, OPS_VBINARY_VV, n, y, j->bias, y);
  if (j->mean != NULL) j->mean[r] = mean;
  if (j->inv_std != NULL) j->inv_std[r] = inv;
}

static void run_piece(const struct ew_job *j, size_t r0, size_t r1, size_t c0, size_t c1) {
  const struct ops_simd_ew_params *p = j->p;
  const struct ops_kconfig_vector *cfg = p->cfg;
  switch (p->kind) {
    case OPS_SIMD_EW_BINARY:
      binary_rows(j, r0, r1, c0, c1);
      break;
    case OPS_SIMD_EW_SQUARE:
      for (size_t r = r0; r < r1; r++) {
        const float *a = j->a + r * p->inner + c0;
        cfg->vbinary(OPS_VBINARY_MUL, OPS_VBINARY_VV, c1 - c0, a, a, j->y + r * p->inner + c0);
      }
      break;
    case OPS_SIMD_EW_UNARY:
      for (size_t r = r0; r < r1; r++)
        cfg->vunary(p->uop, c1 - c0, j->a + r * p->inner + c0, j->y + r * p->inner + c0, &j->up);
      break;
    case OPS_SIMD_EW_SOFTMAX:
    case OPS_SIMD_EW_LOG_SOFTMAX:
      for (size_t r = r0; r < r1; r++)
        softmax_row(j, j->a + r * p->inner, j->y + r * p->inner);
      break;
    case OPS_SIMD_EW_LAYER_NORM:
      for (size_t r = r0; r < r1; r++)
        layer_norm_row(j, r);
      break;
    case OPS_SIMD_EW_REDUCE_SUM:
    case OPS_SIMD_EW_REDUCE_MEAN:
    default:
      for (size_t r = r0; r < r1; r++) {
        float s = cfg->rsum(p->inner, j->a + r * p->inner);
        j->y[r] = p->kind == OPS_SIMD_EW_REDUCE_MEAN ? s / (float)p->inner : s;
      }
      break;
  }
}

static void run_index(const struct ew_job *j, size_t k) {
  size_t rows = j->p->rows, inner = j->p->inner;
  if (j->pieces_per_row > 1) {
    size_t r = k / j->pieces_per_row, c0 = (k % j->pieces_per_row) * PIECE;
    run_piece(j, r, r + 1, c0, c0 + PIECE < inner ? c0 + PIECE : inner);
    return;
  }
  size_t r0 = k * j->rows_per_piece;
  size_t r1 = r0 + j->rows_per_piece < rows ? r0 + j->rows_per_piece : rows;
  run_piece(j, r0, r1, 0, inner);
}

static void ew_task(const struct ops_task *task, void *ctx) {
  const struct ew_job *j = ctx;
  for (int64_t k = ops_pool_chunk_next(task); k >= 0 && (size_t)k < j->pieces;
       k = ops_pool_chunk_next(task)) {
    run_index(j, (size_t)k);
  }
}

static enum ops_kresult ew_run(const struct ops_kcall *call) {
  const struct ops_simd_ew_params *p = call->params;
  struct ew_job j = {.p = p, .a = call->in[0], .y = call->out[0], .up = p->up};
  if (p->kind == OPS_SIMD_EW_BINARY) j.b = call->in[1];
  if (p->kind == OPS_SIMD_EW_LAYER_NORM) {
    j.scale = call->in[1];
    j.bias = call->n_in > 2 ? call->in[2] : NULL;
    j.mean = call->n_out > 1 ? call->out[1] : NULL;
    j.inv_std = call->n_out > 2 ? call->out[2] : NULL;
  }
  if (p->uop == OPS_VUNARY_CLIP && p->kind == OPS_SIMD_EW_UNARY) {
    /* Clip's bounds may be inputs (opset 11+), read here as the scalar kernel does. */
    if (call->n_in > 1 && call->in[1] != NULL) j.up.lo = *(const float *)call->in[1];
    if (call->n_in > 2 && call->in[2] != NULL) j.up.hi = *(const float *)call->in[2];
  }
  if (p->rows == 0) return OPS_KRESULT_OK;
  bool whole_rows = p->kind == OPS_SIMD_EW_SOFTMAX || p->kind == OPS_SIMD_EW_LOG_SOFTMAX ||
                    p->kind == OPS_SIMD_EW_REDUCE_SUM || p->kind == OPS_SIMD_EW_REDUCE_MEAN ||
                    p->kind == OPS_SIMD_EW_LAYER_NORM;
  if (call->pool == NULL) {
    run_piece(&j, 0, p->rows, 0, p->inner);
    return OPS_KRESULT_OK;
  }
  if (!whole_rows && p->inner > PIECE) {
    j.rows_per_piece = 1;
    j.pieces_per_row = (p->inner + PIECE - 1) / PIECE;
    j.pieces = p->rows * j.pieces_per_row;
  } else {
    j.rows_per_piece = p->inner >= PIECE ? 1 : PIECE / (p->inner > 0 ? p->inner : 1);
    j.pieces_per_row = 1;
    j.pieces = (p->rows + j.rows_per_piece - 1) / j.rows_per_piece;
  }
  if (j.pieces <= 1 || ops_pool_run(call->pool, ew_task, &j) != OPS_OK) {
    run_piece(&j, 0, p->rows, 0, p->inner);
  }
  return OPS_KRESULT_OK;
}

#define EW_KERNEL(op)                                                          \
  enum ops_kresult ops_f32_##op##_kernel__simd(const struct ops_kcall *call) { \
    return ew_run(call);                                                       \
  }

EW_KERNEL(add)
EW_KERNEL(sub)
EW_KERNEL(mul)
EW_KERNEL(div)
EW_KERNEL(pow)
EW_KERNEL(max)
EW_KERNEL(min)
EW_KERNEL(relu)
EW_KERNEL(leaky_relu)
EW_KERNEL(clip)
EW_KERNEL(neg)
EW_KERNEL(abs)
EW_KERNEL(sqrt)
EW_KERNEL(exp)
EW_KERNEL(sigmoid)
EW_KERNEL(tanh)
EW_KERNEL(erf)
EW_KERNEL(gelu)
EW_KERNEL(hard_sigmoid)
EW_KERNEL(hard_swish)
EW_KERNEL(softmax)
EW_KERNEL(log_softmax)
EW_KERNEL(reduce_sum)
EW_KERNEL(reduce_mean)
EW_KERNEL(layer_normalization)
