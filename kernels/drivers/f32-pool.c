/*
 * The SIMD unit's pooling kernels: MaxPool and AveragePool over 1 or 2 spatial dims, and
 * GlobalMaxPool and GlobalAveragePool over any number, all f32 NCHW.
 *
 * Each output row is split once, at bind time, into border columns, whose windows are cut by
 * the input's left or right edge, and the interior columns between them, which the pooling
 * microkernel (kernels/pooling.h) runs with no edge test in its loop. Rows cut by the top or
 * bottom edge simply pass fewer tap rows. Border columns take a plain loop with the scalar
 * kernel's order and rules, so MaxPool matches kernels/scalar/f32-pool.c bit for bit and
 * AveragePool differs only by summing in float. On the threads unit (call->pool set) each
 * thread takes its share of every plane's output rows (see pool_task).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernels/drivers/f32-pool.h"
#include "kernels/params-simd-pool.h"
#include "kernels/simd-ops.h"
#include "kernels/threads/pool.h"

enum pool_kind { POOL_MAX, POOL_AVERAGE, POOL_GLOBAL_MAX, POOL_GLOBAL_AVERAGE };

struct pool_job {
  const struct ops_kcall *call;
  enum pool_kind kind;
  size_t planes;  /* N * C */
  size_t x_plane; /* elements per input plane */
  size_t y_plane; /* elements per output plane */
};

/* Taps k in [*k0, *k1) of a window starting at `start` with dilation d have start + k * d in
 * [lo, hi). */
static void tap_range(int64_t start, size_t taps, size_t d, int64_t lo, int64_t hi, size_t *k0,
                      size_t *k1) {
  int64_t dd = (int64_t)d, first = 0, end = 0;
  if (start < lo) first = (lo - start + dd - 1) / dd;
  if (start < hi) end = (hi - 1 - start) / dd + 1;
  if (end > (int64_t)taps) end = (int64_t)taps;
  if (first > end) first = end;
  *k0 = (size_t)first;
  *k1 = (size_t)end;
}

/* One border output: the window's taps inside the input, `rows` rows from `first`, the first
 * of them inside the input, in the scalar kernel's order. */
static float border_output(const struct ops_simd_pool_params *p, bool average, const float *first,
                           size_t rows, float cy, size_t ox) {
  int64_t x0 = (int64_t)(ox * p->sx) - (int64_t)p->pl;
  size_t c0, c1;
  tap_range(x0, p->kw, p->dx, 0, (int64_t)p->iw, &c0, &c1);
  float m = -INFINITY, s = 0.0f;
  for (size_t r = 0; r < rows; r++) {
    const float *row = first + r * p->dy * p->iw;
    for (size_t k = c0; k < c1; k++) {
      float v = row[x0 + (int64_t)(k * p->dx)];
      if (v > m || (isnan(v) && !isnan(m))) m = v;
      s += v;
    }
  }
  if (!average) return m;
  float cx = (float)(c1 - c0);
  if (p->count_include_pad) {
    size_t k0, k1;
    tap_range(x0, p->kw, p->dx, -(int64_t)p->pl, (int64_t)(p->iw + p->pr), &k0, &k1);
    cx = (float)(k1 - k0);
  }
  return s / (cy * cx);
}

/* Output rows [oy0, oy1) of one plane, whose input rows from row0 on are at x (the rows those
 * outputs read are all there). */
static void pool_rows(const struct ops_simd_pool_params *p, bool average, const float *x,
                      size_t row0, float *y, size_t oy0, size_t oy1) {
  for (size_t oy = oy0; oy < oy1; oy++) {
    int64_t y0 = (int64_t)(oy * p->sy) - (int64_t)p->pt;
    size_t r0, r1;
    tap_range(y0, p->kh, p->dy, 0, (int64_t)p->ih, &r0, &r1);
    size_t rows = r1 - r0;
    float cy = (float)rows;
    if (p->count_include_pad) {
      size_t k0, k1;
      tap_range(y0, p->kh, p->dy, -(int64_t)p->pt, (int64_t)(p->ih + p->pb), &k0, &k1);
      cy = (float)(k1 - k0);
    }
    const size_t iy = (size_t)(y0 + (int64_t)(r0 * p->dy));
    const float *first = x + (iy - row0) * p->iw;
    float *yr = y + oy * p->ow;
    for (size_t ox = 0; ox < p->xa; ox++)
      yr[ox] = border_output(p, average, first, rows, cy, ox);
    if (p->xb > p->xa) {
      /* rows >= 1: the binder refused windows with no tap inside the input. */
      const float *xi = first + (p->xa * p->sx - p->pl);
      if (average) {
        p->cfg->average_pool(p->xb - p->xa, rows, p->kw, xi, p->dy * p->iw, p->sx, p->dx,
                             cy * (float)p->kw, yr + p->xa);
      } else {
        p->cfg->max_pool(p->xb - p->xa, rows, p->kw, xi, p->dy * p->iw, p->sx, p->dx, yr + p->xa);
      }
    }
    for (size_t ox = p->xb; ox < p->ow; ox++)
      yr[ox] = border_output(p, average, first, rows, cy, ox);
  }
}

void ops_f32_max_pool_rows(const struct ops_simd_pool_params *p, const float *x, size_t row0,
                           float *y, size_t oy0, size_t oy1) {
  pool_rows(p, false, x, row0, y, oy0, oy1);
}

/* Bytes of each output plane a thread must get before windowed pools split planes by rows. */
#define POOL_ROW_SHARE 4096

/* Row groups per thread when planes are split by rows: a thread that finishes early takes
 * the others' last groups. */
#define POOL_ROW_GROUPS 4

/* Windowed pools with large planes split every plane's output rows over the threads, as the
 * convolutions split their pixels, so each thread reads the input rows it wrote itself in the
 * op before (reading another core's freshly written lines is about 4x slower on this project's
 * 2-core VM). Smaller planes, and the global pools, are split by plane: rows of a small plane
 * end mid cache line, which both threads would write for every plane. Either split is shared
 * out with ops_share_next, home ranges first: on the 2-vCPU VM one core often runs slower than
 * the other for a while, and a static split waits for it. */
static void pool_task(const struct ops_task *task, void *ctx) {
  const struct pool_job *j = ctx;
  size_t nth = task != NULL ? (size_t)task->nth : 1;
  const float *x = j->call->in[0];
  float *y = j->call->out[0];
  const struct ops_simd_pool_params *p = j->call->params;
  const struct ops_kconfig_pool *cfg =
      p->cfg; /* the variant bound, which an ahead-of-time library keeps */
  const bool windowed = j->kind == POOL_MAX || j->kind == POOL_AVERAGE;
  struct ops_share share;
  if (windowed && nth > 1 && p->oh / nth * p->ow * sizeof(float) >= POOL_ROW_SHARE) {
    /* Items are (row group, plane), row group outermost, so each home range is a band of
     * rows across every plane. */
    const size_t groups = p->oh < POOL_ROW_GROUPS * nth ? p->oh : POOL_ROW_GROUPS * nth;
    const size_t grain = j->planes > 8 ? j->planes / 8 : 1;
    ops_share_init(&share, task, groups * j->planes, grain);
    for (size_t i0, i1; ops_share_next(&share, &i0, &i1);) {
      for (size_t i = i0; i < i1; i++) {
        const size_t g = i / j->planes, c = i % j->planes;
        pool_rows(p, j->kind == POOL_AVERAGE, x + c * j->x_plane, 0, y + c * j->y_plane,
                  p->oh * g / groups, p->oh * (g + 1) / groups);
      }
    }
    return;
  }
  ops_share_init(&share, task, j->planes, ops_share_grain(j->planes, task));
  for (size_t c0, c1; ops_share_next(&share, &c0, &c1);) {
    for (size_t c = c0; c < c1; c++) {
      const float *xc = x + c * j->x_plane;
      switch (j->kind) {
        case POOL_MAX:
        case POOL_AVERAGE:
          pool_rows(p, j->kind == POOL_AVERAGE, xc, 0, y + c * j->y_plane, 0, p->oh);
          break;
        case POOL_GLOBAL_MAX:
          y[c] = cfg->global_max_pool(j->x_plane, xc);
          break;
        case POOL_GLOBAL_AVERAGE:
          y[c] = cfg->global_average_pool(j->x_plane, xc) / (float)j->x_plane;
          break;
      }
    }
  }
}

static enum ops_kresult run(const struct ops_kcall *call, enum pool_kind kind) {
  const struct ops_kdims *xd = &call->in_dims[0], *yd = &call->out_dims[0];
  struct pool_job job = {call, kind, 1, 1, 1};
  for (int i = 0; i < yd->rank; i++)
    if (yd->d[i] == 0) return OPS_KRESULT_OK;
  job.planes = (size_t)xd->d[0] * (size_t)xd->d[1];
  for (int i = 2; i < xd->rank; i++) {
    job.x_plane *= (size_t)xd->d[i];
    job.y_plane *= (size_t)yd->d[i];
  }
  if (call->pool == NULL || ops_pool_run(call->pool, pool_task, &job) != OPS_OK) {
    pool_task(NULL, &job);
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_max_pool_kernel__simd(const struct ops_kcall *call) {
  return run(call, POOL_MAX);
}

enum ops_kresult ops_f32_average_pool_kernel__simd(const struct ops_kcall *call) {
  return run(call, POOL_AVERAGE);
}

enum ops_kresult ops_f32_global_max_pool_kernel__simd(const struct ops_kcall *call) {
  return run(call, POOL_GLOBAL_MAX);
}

enum ops_kresult ops_f32_global_average_pool_kernel__simd(const struct ops_kcall *call) {
  return run(call, POOL_GLOBAL_AVERAGE);
}
