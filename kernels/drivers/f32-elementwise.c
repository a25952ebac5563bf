/*
 * The simd unit's f32 element-wise kernels (Add, Sub, Mul, Div, Pow, Max, Min, and the unary
 * activations), Softmax and LogSoftmax over contiguous rows, ReduceSum and ReduceMean over
 * trailing axes, and LayerNormalization over trailing axes with a Scale and B of the
 * normalized dims' full shape, on the vector microkernels kernels/kconfig.c chose
 * (kernels/vector.h).
 *
 * The binder (compiler/bind-simd-elementwise.c) lays every op out as rows of contiguous runs
 * (kernels/params-simd-elementwise.h); this file only walks the rows and calls the
 * microkernel once per run. On the threads unit (call->pool set) element-wise ops are cut into
 * bands of every plane, bands outermost, so each thread's home range (ops_share_next) is the
 * pixels the convolutions around it keep on that thread; Softmax and the reductions, which
 * need a row at a time, into whole rows. Claims are about PIECE elements. Each piece is
 * computed exactly as it would be on one thread, so both units give the same bits.
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

/* Bytes of a plane per band, at least: a plane's band boundaries cut cache lines that both
 * threads write, so small planes stay whole. */
#define BAND_BYTES 4096

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
  /* The threads' split (run_items): `pieces` items, `grain` per claim. Element-wise ops cut
   * each of `planes` planes of `plane` elements into `bands` bands; whole-row kinds (bands 0)
   * take rows_per_piece rows per item. */
  size_t planes, plane, bands, rows_per_piece;
  size_t pieces, grain;
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

/* Items [i0, i1) of the threads' split. Element-wise ops: item i is band i / planes of plane
 * i % planes (bands outermost, so each thread's home range is the same band of every plane,
 * the pixels the convolution before split the same way wrote on its core). Whole-row kinds:
 * item i is rows [i * rows_per_piece, ...). */
static void run_items(const struct ew_job *j, size_t i0, size_t i1) {
  const struct ops_simd_ew_params *p = j->p;
  for (size_t i = i0; i < i1; i++) {
    if (j->bands == 0) {
      size_t r0 = i * j->rows_per_piece;
      run_piece(j, r0, r0 + j->rows_per_piece < p->rows ? r0 + j->rows_per_piece : p->rows, 0,
                p->inner);
      continue;
    }
    const size_t g = i / j->planes, c = i % j->planes;
    const size_t e0 = j->plane * g / j->bands, e1 = j->plane * (g + 1) / j->bands;
    if (p->rows == 1)
      run_piece(j, 0, 1, c * j->plane + e0, c * j->plane + e1);
    else
      run_piece(j, c, c + 1, e0, e1);
  }
}

static void ew_task(const struct ops_task *task, void *ctx) {
  const struct ew_job *j = ctx;
  struct ops_share share;
  ops_share_init(&share, task, j->pieces, j->grain);
  for (size_t i0, i1; ops_share_next(&share, &i0, &i1);)
    run_items(j, i0, i1);
}

/* How an element-wise op's output splits into planes: its rows when it has several (a
 * broadcast layout's runs), else the output's trailing dims after batch and channel (so a
 * same-shape Add over [N, C, H, W] splits like the convolutions around it). */
static void element_planes(const struct ops_kcall *call, struct ew_job *j) {
  const struct ops_simd_ew_params *p = j->p;
  j->planes = p->rows;
  j->plane = p->inner;
  if (p->rows != 1 || call->out_dims == NULL || call->out_dims[0].rank < 3) return;
  const struct ops_kdims *yd = &call->out_dims[0];
  size_t plane = 1;
  for (int i = 2; i < yd->rank; i++)
    plane *= (size_t)yd->d[i];
  if (plane > 0 && p->inner % plane == 0) {
    j->plane = plane;
    j->planes = p->inner / plane;
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
  if (whole_rows) {
    j.rows_per_piece = p->inner >= PIECE ? 1 : PIECE / (p->inner > 0 ? p->inner : 1);
    j.pieces = (p->rows + j.rows_per_piece - 1) / j.rows_per_piece;
    j.grain = 1;
  } else {
    /* Bands of at least BAND_BYTES per plane, up to four per thread; claims of about PIECE
     * elements. */
    element_planes(call, &j);
    const size_t nth = (size_t)ops_pool_threads(call->pool);
    size_t bands = j.plane * sizeof(float) / BAND_BYTES;
    bands = bands < 1 ? 1 : bands > 4 * nth ? 4 * nth : bands;
    j.bands = bands;
    j.pieces = bands * j.planes;
    const size_t band = j.plane / bands;
    j.grain = band >= PIECE ? 1 : PIECE / (band > 0 ? band : 1);
  }
  if (j.pieces <= 1 || (!whole_rows && j.pieces <= j.grain) ||
      ops_pool_run(call->pool, ew_task, &j) != OPS_OK) {
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
