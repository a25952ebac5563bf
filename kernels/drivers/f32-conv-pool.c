/*
 * A Conv with a fused MaxPool (see kernels/drivers/f32-conv-pool.h).
 *
 * A band is band_rows rows of the pooled output. Its windows read conv rows [c0, c1); those
 * are computed as a conv of their own: the same weights over a window of the input rows, with
 * the padding above the window what is left of the conv's top padding, packed and multiplied
 * in the orientation the binder chose for the whole conv, with the bias and clamp in the
 * microkernel's epilogue. The band's pooled rows are then taken from that buffer, channel by
 * channel, by the MaxPool driver's row loop. Windows that overlap the band above recompute its
 * last conv rows (kh - sy of them for a 3x3/2 pool, one): bands are independent, so a thread
 * that is done takes the others' last bands (ops_share_next), and the recomputed rows cost
 * less than what the round trip through memory did (squeezenet1_1's first conv wrote 3.15 MB
 * that its pool read back at a third of the warm speed).
 */
#include "kernels/drivers/f32-conv-pool.h"

#include "kernels/drivers/f32-conv-pack.h"
#include "kernels/drivers/f32-gemm.h"
#include "kernels/drivers/f32-pool.h"
#include "kernels/drivers/post-act.h"
#include "kernels/threads/pool.h"
#include "src/size.h"

#define ALIGN 64

/* A band's conv output and packed columns stay under this, so with the weights they fit the
 * L2 of one core (1 MiB on this project's machine) and the pool reads them from there. */
#define BAND_BYTES (640u * 1024u)

/* Packed columns per step of a band's GEMM: a few panels, packed and multiplied at once. */
#define CHUNK_BYTES (64u * 1024u)

/* Bands per thread at least, where the output has that many rows, so a thread slowed by
 * another tenant hands bands over. */
#define BANDS_PER_THREAD 4

static size_t align_up(size_t n) {
  return (n + ALIGN - 1) / ALIGN * ALIGN;
}

/* Conv rows [*c0, *c1) that pooled rows [py0, py1) read. */
static void conv_rows(const struct ops_simd_pool_params *q, size_t py0, size_t py1, size_t *c0,
                      size_t *c1) {
  const size_t lo = py0 * q->sy, hi = (py1 - 1) * q->sy + q->kh;
  *c0 = lo > q->pt ? lo - q->pt : 0;
  *c1 = hi > q->pt ? hi - q->pt : 0;
  if (*c1 > q->ih) *c1 = q->ih;
}

/* Scratch of one band of `rows` conv rows: its output, its packed columns, and Y^T when
 * transposed, each 64-byte aligned; 0 when that does not fit size_t. */
static size_t slice_bytes(const struct ops_simd_conv_params *p, size_t rows) {
  size_t pixels, y, packed;
  /* Parts of at most a quarter of size_t each: their aligned sum fits. */
  if (!ops_mul_size(rows, p->pool.iw, &pixels) || !ops_mul_size(pixels, p->Mg, &y) ||
      !ops_mul_size(y, sizeof(float), &y) || y > SIZE_MAX / 4 ||
      !ops_f32_gemm_packed_b_size(ops_simd_conv_panel_width(p), pixels, p->Kg, &packed) ||
      packed > SIZE_MAX / 4) {
    return 0;
  }
  return align_up(y) + align_up(packed) + (p->packed_w_offset != 0 ? align_up(y) : 0);
}

bool ops_f32_conv_pool_plan(struct ops_simd_conv_params *p) {
  const struct ops_simd_pool_params *q = &p->pool;
  const size_t threads = p->threads > 1 ? (size_t)p->threads : 1;
  /* On one thread, a conv output that fits the budget by itself stays in cache unbanded:
   * bands would only add the GEMM calls of shorter panels (mnist_cnn's second conv, 147 KiB).
   * Otherwise the most rows that leave BANDS_PER_THREAD bands per thread,
   * then fewer until a band fits BAND_BYTES; one row at least, whatever it costs. */
  size_t whole = 0;
  const bool fits =
      threads == 1 && ops_mul_size(p->Mg * sizeof(float), p->P, &whole) && whole <= BAND_BYTES;
  size_t rows = threads == 1
                    ? q->oh
                    : (q->oh + BANDS_PER_THREAD * threads - 1) / (BANDS_PER_THREAD * threads);
  if (rows < 1) rows = 1;
  for (; !fits && rows > 1; rows--) {
    /* A band in the middle spans the most conv rows. */
    size_t span = (rows - 1) * q->sy + q->kh, bytes = slice_bytes(p, span < q->ih ? span : q->ih);
    if (bytes != 0 && bytes <= BAND_BYTES) break;
  }
  size_t span = (rows - 1) * q->sy + q->kh;
  p->band_rows = rows;
  p->band_slice = slice_bytes(p, span < q->ih ? span : q->ih);
  return p->band_slice != 0;
}

struct band_job {
  const struct ops_kcall *call;
  const struct ops_simd_conv_params *p;
  struct ops_conv2d_geom geom; /* the whole conv of one image */
  size_t images, bands;
};

/* Band b of image n, in the slice of scratch at `slice`. */
static void band(const struct band_job *j, unsigned char *slice, size_t n, size_t b) {
  const struct ops_simd_conv_params *p = j->p;
  const struct ops_simd_pool_params *q = &p->pool;
  const struct ops_kcall *call = j->call;
  const size_t py0 = b * p->band_rows,
               py1 = py0 + p->band_rows < q->oh ? py0 + p->band_rows : q->oh;
  size_t c0, c1;
  conv_rows(q, py0, py1, &c0, &c1);
  const size_t P = (c1 - c0) * q->iw;

  /* The band's conv: output rows c0.. read input rows from c0 * sy - pt on. The window of
   * input rows starts there, or at row 0 with what is left of the top padding above it; a band
   * whose rows all lie in the bottom padding (pads past the kernel) gets an empty window, so
   * every tap is padding. */
  struct ops_conv2d_geom g = j->geom;
  const ptrdiff_t first = (ptrdiff_t)(c0 * g.sy) - (ptrdiff_t)g.pt;
  const size_t shift = first <= 0 ? 0 : (size_t)first < g.ih ? (size_t)first : g.ih;
  g.pt = first <= 0 ? (size_t)-first : 0;
  g.ih -= shift;
  g.oh = c1 - c0;
  g.x_plane = j->geom.ih * j->geom.iw;
  const float *x = (const float *)call->in[0] + n * g.c * g.x_plane + shift * g.iw;

  float *yb = (float *)slice;
  size_t y_bytes = align_up(P * p->Mg * sizeof(float)), packed_bytes = 0;
  ops_f32_gemm_packed_b_size(ops_simd_conv_panel_width(p), P, p->Kg, &packed_bytes);
  float *packed = (float *)(slice + y_bytes);
  const float *bias = call->n_in > 2 ? call->in[2] : NULL;
  const struct ops_f32_gemm_params fused = {NULL, p->clamp, bias};
  const size_t width = ops_simd_conv_panel_width(p), panels = P / width + (P % width != 0);
  const bool transposed = p->packed_w_offset != 0;
  const float *packed_w =
      transposed ? (const float *)((const unsigned char *)p + p->packed_w_offset) : NULL;
  float *yt = transposed ? (float *)(slice + y_bytes + align_up(packed_bytes)) : NULL;
  if (p->Kg > 0 && (!transposed || ops_f32_gemm_transposed_by_rows(p->cfg, p->Mg, P))) {
    /* A few panels at a time, packed and computed while they are in L1 and L2, as the conv
     * driver does with enough panels (packing all of a band first ran 5% slower on
     * mnist_cnn's second conv, whose 288-deep panels are 36 KiB each). */
    const size_t panel_bytes = p->Kg * width * sizeof(float);
    const size_t step = panel_bytes < CHUNK_BYTES ? CHUNK_BYTES / panel_bytes : 1;
    for (size_t q0 = 0; q0 < panels; q0 += step) {
      const size_t q1 = q0 + step < panels ? q0 + step : panels;
      ops_f32_conv2d_pack_b(&g, width, x, packed, q0, q1);
      if (transposed)
        ops_f32_gemm_run_transposed_rows(p->cfg, p->Mg, P, p->Kg, packed_w, packed, yb, P, &fused,
                                         yt, q0 * width, q1 * width);
      else
        ops_f32_gemm_run_panels(p->cfg, p->Mg, P, p->Kg, call->in[1], p->Kg, packed, yb, P, &fused,
                                q0, q1);
    }
  } else {
    ops_f32_conv2d_pack_b(&g, width, x, packed, 0, panels);
    if (transposed)
      ops_f32_gemm_run_transposed(p->cfg, p->Mg, P, p->Kg, packed_w, packed, yb, P, &fused, yt,
                                  NULL);
    else
      ops_f32_gemm_run(p->cfg, p->Mg, P, p->Kg, call->in[1], p->Kg, packed, yb, P, &fused, NULL);
  }

  float *y = (float *)call->out[0] + n * p->Mg * q->oh * q->ow;
  for (size_t m = 0; m < p->Mg; m++) {
    ops_f32_post_act(&p->post_act, yb + m * P, P);
    ops_f32_max_pool_rows(q, yb + m * P, c0, y + m * q->oh * q->ow, py0, py1);
  }
}

static void band_task(const struct ops_task *task, void *ctx) {
  const struct band_job *j = ctx;
  const size_t ith = task != NULL ? (size_t)task->ith : 0;
  unsigned char *slice = (unsigned char *)j->call->scratch + ith * j->p->band_slice;
  struct ops_share share;
  const size_t items = j->images * j->bands;
  ops_share_init(&share, task, items, 1);
  for (size_t i0, i1; ops_share_next(&share, &i0, &i1);)
    for (size_t i = i0; i < i1; i++)
      band(j, slice, i / j->bands, i % j->bands);
}

enum ops_kresult ops_f32_conv_pool_run(const struct ops_kcall *call) {
  const struct ops_simd_conv_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0], *wd = &call->in_dims[1];
  const struct ops_simd_pool_params *q = &p->pool;
  struct band_job j = {
      call,
      p,
      {(size_t)xd->d[1], (size_t)xd->d[2], (size_t)xd->d[3], q->ih, q->iw, (size_t)wd->d[2],
       (size_t)wd->d[3], (size_t)p->conv.strides[0], (size_t)p->conv.strides[1],
       (size_t)p->conv.dilations[0], (size_t)p->conv.dilations[1], (size_t)p->conv.pads_begin[0],
       (size_t)p->conv.pads_begin[1], 0},
      (size_t)xd->d[0],
      (q->oh + p->band_rows - 1) / p->band_rows};
  /* Each thread needs its slice; with scratch for fewer, run on this one. */
  struct ops_pool *pool = call->pool;
  if (pool != NULL && call->scratch_bytes < p->band_slice * (size_t)ops_pool_threads(pool))
    pool = NULL;
  if (pool == NULL || ops_pool_run(pool, band_task, &j) != OPS_OK) band_task(NULL, &j);
  return OPS_KRESULT_OK;
}
