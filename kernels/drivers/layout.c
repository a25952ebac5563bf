/*
 * The SIMD unit's data-movement kernels for any dtype: Transpose, Concat, Slice, and the ops
 * that only change dims (Reshape, Flatten, Squeeze, Unsqueeze, Identity).
 *
 * They only move bytes, so they are memcpy of the longest contiguous runs the shapes allow,
 * and, for a Transpose that moves the innermost dim, the 32-bit transpose microkernel
 * (kernels/transpose.h) on 4-byte elements or a blocked loop on other sizes. Indexes are
 * walked with an odometer: no division or modulo per element or per run; a division happens
 * only where a thread starts its share. On the threads unit (call->pool set) each kernel
 * splits its output into equal contiguous shares, one per thread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernels/params-simd-layout.h"
#include "kernels/simd-ops.h"
#include "kernels/threads/pool.h"

static void run_split(struct ops_pool *pool, ops_pool_fn fn, void *ctx) {
  if (pool == NULL || ops_pool_run(pool, fn, ctx) != OPS_OK) fn(NULL, ctx);
}

/* This thread's share [*lo, *hi) of n items. */
static void share(const struct ops_task *task, int64_t n, int64_t *lo, int64_t *hi) {
  int64_t ith = task != NULL ? task->ith : 0, nth = task != NULL ? task->nth : 1;
  *lo = n / nth * ith + (ith < n % nth ? ith : n % nth);
  *hi = *lo + n / nth + (ith < n % nth ? 1 : 0);
}

/* An odometer over dims outer[0..n): idx[] and the input and output offsets that go with
 * it, set to item `first` with one division per dim, then stepped in order. */
struct odometer {
  int n;
  const int64_t *count, *src_step, *dst_step;
  int64_t idx[OPS_KMAX_RANK];
  int64_t src, dst; /* elements */
};

static void odo_start(struct odometer *o, int n, const int64_t *count, const int64_t *src_step,
                      const int64_t *dst_step, int64_t first) {
  o->n = n;
  o->count = count;
  o->src_step = src_step;
  o->dst_step = dst_step;
  o->src = o->dst = 0;
  for (int d = n - 1; d >= 0; d--) {
    o->idx[d] = first % count[d];
    first /= count[d];
    o->src += o->idx[d] * src_step[d];
    o->dst += o->idx[d] * dst_step[d];
  }
}

static void odo_next(struct odometer *o) {
  for (int d = o->n - 1; d >= 0; d--) {
    o->src += o->src_step[d];
    o->dst += o->dst_step[d];
    if (++o->idx[d] < o->count[d]) return;
    o->src -= o->count[d] * o->src_step[d];
    o->dst -= o->count[d] * o->dst_step[d];
    o->idx[d] = 0;
  }
}

/* ---- Transpose ---- */

/* A blocked transpose of elements of 1, 2 or 8 bytes (4-byte ones take the microkernel). */
#define BLOCK 16
#define TRANSPOSE_BLOCKED(name, type)                                                  \
  static void name(const void *x, size_t xs, void *y, size_t ys, size_t m, size_t n) { \
    const type *src = x;                                                               \
    type *dst = y;                                                                     \
    for (size_t i0 = 0; i0 < m; i0 += BLOCK) {                                         \
      size_t i1 = m - i0 < BLOCK ? m : i0 + BLOCK;                                     \
      for (size_t j0 = 0; j0 < n; j0 += BLOCK) {                                       \
        size_t j1 = n - j0 < BLOCK ? n : j0 + BLOCK;                                   \
        for (size_t j = j0; j < j1; j++)                                               \
          for (size_t i = i0; i < i1; i++)                                             \
            dst[j * ys + i] = src[i * xs + j];                                         \
      }                                                                                \
    }                                                                                  \
  }
TRANSPOSE_BLOCKED(transpose_x8, uint8_t)
TRANSPOSE_BLOCKED(transpose_x16, uint16_t)
TRANSPOSE_BLOCKED(transpose_x64, uint64_t)
#undef TRANSPOSE_BLOCKED

/* Rows of the tile per work item: the split unit when there are few outer indices. */
#define TILE_ROWS 64

static void transpose_task(const struct ops_task *task, void *ctx) {
  const struct ops_kcall *call = ctx;
  const struct ops_simd_transpose_params *p = call->params;
  const unsigned char *x = call->in[0];
  unsigned char *y = call->out[0];
  size_t es = p->esize;
  int64_t lo, hi;
  if (p->kind == OPS_SIMD_TRANSPOSE_COPY) {
    /* Shares of 64-byte lines, so no two threads write one line. */
    int64_t lines = (int64_t)((p->numel * es + 63) / 64);
    share(task, lines, &lo, &hi);
    size_t b0 = (size_t)lo * 64, b1 = (size_t)hi * 64;
    if (b1 > p->numel * es) b1 = p->numel * es;
    if (b1 > b0) memcpy(y + b0, x + b0, b1 - b0);
    return;
  }
  struct odometer o;
  if (p->kind == OPS_SIMD_TRANSPOSE_RUNS) {
    share(task, p->rows, &lo, &hi);
    if (lo >= hi) return;
    odo_start(&o, p->n_outer, p->outer, p->src_step, p->dst_step, lo);
    size_t bytes = p->run * es;
    for (int64_t r = lo; r < hi; r++, odo_next(&o))
      memcpy(y + (size_t)o.dst * es, x + (size_t)o.src * es, bytes);
    return;
  }
  /* TILE: items are (outer index, block of TILE_ROWS rows of the m side). */
  int64_t blocks = (int64_t)((p->m + TILE_ROWS - 1) / TILE_ROWS);
  share(task, p->rows * blocks, &lo, &hi);
  if (lo >= hi) return;
  odo_start(&o, p->n_outer, p->outer, p->src_step, p->dst_step, lo / blocks);
  int64_t b = lo % blocks;
  for (int64_t it = lo; it < hi; it++) {
    size_t i0 = (size_t)b * TILE_ROWS, m = p->m - i0 < TILE_ROWS ? p->m - i0 : TILE_ROWS;
    const unsigned char *src = x + ((size_t)o.src + i0 * p->m_src) * es;
    unsigned char *dst = y + ((size_t)o.dst + i0) * es;
    switch (es) {
      case 4:
        p->cfg->ukernel(src, p->m_src, dst, p->n_dst, m, p->n);
        break;
      case 1:
        transpose_x8(src, p->m_src, dst, p->n_dst, m, p->n);
        break;
      case 2:
        transpose_x16(src, p->m_src, dst, p->n_dst, m, p->n);
        break;
      default:
        transpose_x64(src, p->m_src, dst, p->n_dst, m, p->n);
        break;
    }
    if (++b == blocks) {
      b = 0;
      odo_next(&o);
    }
  }
}

enum ops_kresult ops_any_transpose_kernel__simd(const struct ops_kcall *call) {
  const struct ops_simd_transpose_params *p = call->params;
  if (p->numel == 0) return OPS_KRESULT_OK;
  run_split(call->pool, transpose_task, (void *)call);
  return OPS_KRESULT_OK;
}

/* ---- Concat ---- */

/* Bytes of every row after the axis each thread must have before Concat splits the rows
 * rather than Y's bytes. */
#define CONCAT_ROW_SHARE 1024

/* The rows split: each thread copies the same byte range [i0, i1) of every row (a channel's
 * plane, concatenating on the channels of NCHW), cut at cache lines. The convolutions that
 * produce a Concat's inputs split their pixels this way too, so every thread copies what it
 * wrote itself; reading another core's freshly written lines is about 4x slower on this
 * project's 2-core VM. */
static void concat_rows(const struct ops_kcall *call, size_t outer, size_t inner, size_t ith,
                        size_t nth) {
  const struct ops_simd_concat_params *p = call->params;
  size_t i0 = inner * ith / nth / 64 * 64;
  size_t i1 = ith + 1 == nth ? inner : inner * (ith + 1) / nth / 64 * 64;
  unsigned char *y = call->out[0];
  for (size_t o = 0; o < outer; o++) {
    for (int j = 0; j < call->n_in; j++) {
      size_t rows = (size_t)call->in_dims[j].d[p->axis];
      const unsigned char *src = (const unsigned char *)call->in[j] + o * rows * inner;
      if (src == y) { /* planned in place (compiler/concat-in-place.h) */
        y += rows * inner;
        continue;
      }
      for (size_t r = 0; r < rows; r++, y += inner, src += inner)
        memcpy(y + i0, src + i0, i1 - i0);
    }
  }
}

/* Y is, for each index of the dims before the axis, the inputs' blocks one after another: a
 * thread takes an equal share of Y's bytes and fills it from wherever they come from, or, when
 * the rows after the axis are long, its share of every row (concat_rows). */
static void concat_task(const struct ops_task *task, void *ctx) {
  const struct ops_kcall *call = ctx;
  const struct ops_simd_concat_params *p = call->params;
  const struct ops_kdims *yd = &call->out_dims[0];
  unsigned char *y = call->out[0];
  size_t inner = p->esize, outer = 1;
  for (int i = p->axis + 1; i < yd->rank; i++)
    inner *= (size_t)yd->d[i];
  for (int i = 0; i < p->axis; i++)
    outer *= (size_t)yd->d[i];
  if (task != NULL && task->nth > 1 && inner >= CONCAT_ROW_SHARE * (size_t)task->nth) {
    concat_rows(call, outer, inner, (size_t)task->ith, (size_t)task->nth);
    return;
  }
  size_t row = (size_t)yd->d[p->axis] * inner; /* bytes of Y per outer index */
  int64_t lo, hi;
  share(task, (int64_t)((outer * row + 63) / 64), &lo, &hi);
  size_t b0 = (size_t)lo * 64, b1 = (size_t)hi * 64;
  if (b1 > outer * row) b1 = outer * row;
  if (b0 >= b1) return;
  size_t o = b0 / row, off = b0 % row; /* where the share starts */
  int j = 0;
  size_t at = 0; /* bytes of the row before input j's block */
  while (at + (size_t)call->in_dims[j].d[p->axis] * inner <= off) {
    at += (size_t)call->in_dims[j].d[p->axis] * inner;
    j++;
  }
  for (size_t pos = b0; pos < b1;) {
    size_t block = (size_t)call->in_dims[j].d[p->axis] * inner;
    size_t from = off - at, len = block - from;
    if (len > b1 - pos) len = b1 - pos;
    const unsigned char *src = (const unsigned char *)call->in[j] + o * block + from;
    if (src != y + pos) memcpy(y + pos, src, len); /* equal: planned in place */
    pos += len;
    off += len;
    if (off - at == block) {
      at += block;
      j++;
      if (j == call->n_in) {
        j = 0;
        at = off = 0;
        o++;
      }
    }
  }
}

/* Whether every input already is its block of Y (compiler/concat-in-place.h planned them
 * there), so there is nothing to copy and no pool to wake. */
static bool all_in_place(const struct ops_kcall *call) {
  const struct ops_simd_concat_params *p = call->params;
  const struct ops_kdims *yd = &call->out_dims[0];
  for (int i = 0; i < p->axis; i++)
    if (yd->d[i] != 1) return false;
  const unsigned char *at = call->out[0];
  for (int j = 0; j < call->n_in; j++) {
    if (call->in[j] != at) return false;
    size_t block = p->esize;
    for (int i = p->axis; i < call->in_dims[j].rank; i++)
      block *= (size_t)call->in_dims[j].d[i];
    at += block;
  }
  return true;
}

enum ops_kresult ops_any_concat_kernel__simd(const struct ops_kcall *call) {
  const struct ops_kdims *yd = &call->out_dims[0];
  for (int i = 0; i < yd->rank; i++)
    if (yd->d[i] == 0) return OPS_KRESULT_OK;
  if (all_in_place(call)) return OPS_KRESULT_OK;
  run_split(call->pool, concat_task, (void *)call);
  return OPS_KRESULT_OK;
}

/* ---- Slice ---- */

/* The output is rows over the dims before `k`, the innermost dim that is not taken whole;
 * each row is out[k] blocks of every dim after k (taken whole), which are one memcpy when
 * step[k] is 1. */
struct slice_plan {
  int k;
  int64_t count[OPS_KMAX_RANK], src_step[OPS_KMAX_RANK], dst_step[OPS_KMAX_RANK];
  int64_t rows;
  size_t block;    /* bytes of one block (every dim after k) */
  int64_t n_block; /* blocks per row: out[k] */
  int64_t src0;    /* input element of the first output element */
  int64_t k_step;  /* input elements between blocks */
};

static void slice_plan_make(const struct ops_kcall *call, struct slice_plan *s) {
  const struct ops_simd_slice_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0], *yd = &call->out_dims[0];
  int r = xd->rank;
  int64_t in_stride[OPS_KMAX_RANK], st = 1;
  for (int i = r - 1; i >= 0; i--) {
    in_stride[i] = st;
    st *= xd->d[i];
  }
  int k = r - 1;
  while (k > 0 && yd->d[k] == xd->d[k] && p->slice.step[k] == 1 && p->slice.start[k] == 0)
    k--;
  s->k = k;
  s->src0 = 0;
  for (int i = 0; i < r; i++)
    s->src0 += p->slice.start[i] * in_stride[i];
  int64_t inner = 1;
  for (int i = k + 1; i < r; i++)
    inner *= yd->d[i];
  s->block = (size_t)inner * p->esize;
  s->n_block = r > 0 ? yd->d[k] : 1;
  s->k_step = r > 0 ? p->slice.step[k] * in_stride[k] : 0;
  s->rows = 1;
  int64_t dst = (int64_t)(s->n_block * inner);
  for (int i = k - 1; i >= 0; i--) {
    s->count[i] = yd->d[i];
    s->src_step[i] = p->slice.step[i] * in_stride[i];
    s->dst_step[i] = dst;
    dst *= yd->d[i];
    s->rows *= yd->d[i];
  }
}

struct slice_job {
  const struct ops_kcall *call;
  struct slice_plan plan;
};

static void slice_task(const struct ops_task *task, void *ctx) {
  const struct slice_job *j = ctx;
  const struct slice_plan *s = &j->plan;
  const struct ops_simd_slice_params *p = j->call->params;
  const unsigned char *x = j->call->in[0];
  unsigned char *y = j->call->out[0];
  size_t es = p->esize;
  int64_t lo, hi;
  share(task, s->rows, &lo, &hi);
  if (lo >= hi) return;
  struct odometer o;
  odo_start(&o, s->k, s->count, s->src_step, s->dst_step, lo);
  for (int64_t r = lo; r < hi; r++, odo_next(&o)) {
    const unsigned char *src = x + (s->src0 + o.src) * (int64_t)es;
    unsigned char *dst = y + (size_t)o.dst * es;
    if (s->k_step * (int64_t)es == (int64_t)s->block) {
      memcpy(dst, src, s->block * (size_t)s->n_block);
      continue;
    }
    for (int64_t b = 0; b < s->n_block; b++)
      memcpy(dst + (size_t)b * s->block, src + b * s->k_step * (int64_t)es, s->block);
  }
}

enum ops_kresult ops_any_slice_kernel__simd(const struct ops_kcall *call) {
  const struct ops_kdims *yd = &call->out_dims[0];
  for (int i = 0; i < yd->rank; i++)
    if (yd->d[i] == 0) return OPS_KRESULT_OK;
  struct slice_job job = {.call = call};
  slice_plan_make(call, &job.plan);
  run_split(call->pool, slice_task, &job);
  return OPS_KRESULT_OK;
}

/* ---- Reshape, Flatten, Squeeze, Unsqueeze, Identity ---- */

static void copy_task(const struct ops_task *task, void *ctx) {
  const struct ops_kcall *call = ctx;
  const struct ops_simd_copy_params *p = call->params;
  int64_t lo, hi;
  share(task, (int64_t)((p->bytes + 63) / 64), &lo, &hi);
  size_t b0 = (size_t)lo * 64, b1 = (size_t)hi * 64;
  if (b1 > p->bytes) b1 = p->bytes;
  if (b1 > b0)
    memcpy((unsigned char *)call->out[0] + b0, (const unsigned char *)call->in[0] + b0, b1 - b0);
}

static enum ops_kresult copy_run(const struct ops_kcall *call) {
  const struct ops_simd_copy_params *p = call->params;
  const unsigned char *x = call->in[0];
  unsigned char *y = call->out[0];
  /* The memory plan may give output and input one buffer; then nothing moves. */
  if (p->bytes == 0 || x == y) return OPS_KRESULT_OK;
  if (x < y + p->bytes && y < x + p->bytes) {
    memmove(y, x, p->bytes); /* overlapping: one thread, in the safe direction */
    return OPS_KRESULT_OK;
  }
  run_split(call->pool, copy_task, (void *)call);
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_reshape_kernel__simd(const struct ops_kcall *call) {
  return copy_run(call);
}

enum ops_kresult ops_any_flatten_kernel__simd(const struct ops_kcall *call) {
  return copy_run(call);
}

enum ops_kresult ops_any_squeeze_kernel__simd(const struct ops_kcall *call) {
  return copy_run(call);
}

enum ops_kresult ops_any_unsqueeze_kernel__simd(const struct ops_kcall *call) {
  return copy_run(call);
}

enum ops_kresult ops_any_identity_kernel__simd(const struct ops_kcall *call) {
  return copy_run(call);
}
