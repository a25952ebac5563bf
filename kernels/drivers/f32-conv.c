/*
 * The SIMD unit's f32 Conv (the layout the binder chose is in kernels/params-simd.h).
 *
 * GEMM path, per image and group: Y[Mg, P] = W[Mg, Kg] x cols[Kg, P] + bias. The columns go
 * straight into the GEMM's packed-B panels (f32-conv-pack.c for 2-D convolutions; an im2col
 * matrix first only for 1-D and 3-D), then the GEMM runs over its tile grid with the bias per
 * channel and the clamp in the microkernel's epilogue; only an activation the clamp cannot
 * express takes a pass over the output rows after it. A 1x1 stride-1 convolution's input
 * planes are already the columns, row-major, so the GEMM reads them in place with no packing
 * (ops_f32_gemm_run_rows): on squeezenet1_1 packing them took as long as the GEMM of the
 * squeeze layers, and on two threads longer. With enough column panels, a thread packs the
 * panels it claims and computes them at once, while they are in its cache; there is no barrier
 * between packing and the GEMM, and a thread that is done takes the others' last panels
 * (ops_share_next). With few panels, all are packed first, split over the threads, and the
 * GEMM after a barrier shares out tiles.
 * When the binder packed the weights (p->packed_w_offset), the GEMM is Y^T = cols^T W^T with the
 * vectors along the output channels instead of the pixels: the columns are packed in the
 * transposed driver's row panels and Y^T, in scratch, is transposed into Y by the GEMM.
 *
 * Depthwise path: each channel plane is copied into a zero-padded plane and run through the
 * direct microkernel; on the threads unit each thread takes a contiguous range of channels,
 * with its own padded plane when the binder sized the scratch for that many.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernels/drivers/f32-conv-pack.h"
#include "kernels/drivers/f32-conv-pool.h"
#include "kernels/drivers/f32-gemm.h"
#include "kernels/drivers/post-act.h"
#include "kernels/params-simd.h"
#include "kernels/simd-ops.h"
#include "kernels/threads/pool.h"
#include "src/size.h"

#define ALIGN 64

static size_t align_up(size_t n) {
  return (n + ALIGN - 1) / ALIGN * ALIGN;
}

size_t ops_simd_conv_panel_width(const struct ops_simd_conv_params *p) {
  return p->packed_w_offset != 0 ? ops_f32_gemm_row_panel_width(p->cfg) : p->cfg->nr;
}

/* Scratch parts, in this order: the packed columns, Y^T (transposed orientation only), then the
 * im2col matrix (1-D and 3-D only), each a multiple of 64 bytes. A size that does not fit
 * size_t comes out as SIZE_MAX, so the scratch cannot be allocated and the compile fails
 * instead of the run writing past it. */
static size_t aligned_or_max(bool ok, size_t bytes) {
  return ok && bytes <= SIZE_MAX - ALIGN ? align_up(bytes) : SIZE_MAX;
}

/* Whether the GEMM reads X's channel planes in place as a row-major B: a 1x1 convolution
 * (p->direct) in the plain orientation with few output channels. Reading in place steps down
 * K rows a plane apart for every panel, which the prefetchers follow worse than the packer's
 * copy; that pays only while few row tiles share each panel (squeezenet1_1's squeeze layers,
 * 16 and 32 channels: 81 against 106 us, and 33 against 36 us, with packing; 48 and 64
 * channels at 13x13: 29-77 against 37-82 us on simd and 26-74 against 35-84 us on two threads,
 * where packing also waits for the columns the other core wrote; its classifier, 1000
 * channels, ran 934 against 836 us). */
static bool reads_in_place(const struct ops_simd_conv_params *p) {
  return p->direct && p->packed_w_offset == 0 && p->Mg <= 10 * p->cfg->mr;
}

static size_t packed_bytes(const struct ops_simd_conv_params *p) {
  size_t bytes = 0;
  if (reads_in_place(p)) return 0;
  bool ok = ops_f32_gemm_packed_b_size(ops_simd_conv_panel_width(p), p->P, p->Kg, &bytes);
  return aligned_or_max(ok, bytes);
}

static size_t yt_bytes(const struct ops_simd_conv_params *p) {
  size_t bytes = 0;
  if (p->packed_w_offset == 0) return 0;
  bool ok = ops_f32_gemm_transposed_scratch_size(p->Mg, p->P, &bytes);
  return aligned_or_max(ok, bytes);
}

static size_t plane_bytes(const struct ops_simd_conv_params *p) {
  return align_up(p->padded_h * p->padded_w * sizeof(float));
}

size_t ops_simd_conv_scratch(const struct ops_simd_conv_params *p) {
  if (p->pool.cfg != NULL) {
    size_t bytes;
    return ops_mul_size(p->band_slice, (size_t)(p->threads > 1 ? p->threads : 1), &bytes)
               ? bytes
               : SIZE_MAX;
  }
  if (p->dw3x3 != NULL) return 0;
  if (p->dw != NULL) return plane_bytes(p) * (size_t)(p->threads > 1 ? p->threads : 1);
  size_t bytes, cols = 0, floats = 0;
  if (!p->direct && p->conv.spatial != 2) {
    bool ok = ops_mul_size(p->Kg, p->P, &floats) && ops_mul_size(floats, sizeof(float), &floats);
    cols = aligned_or_max(ok, floats);
  }
  if (!ops_add_size(packed_bytes(p), yt_bytes(p), &bytes) || !ops_add_size(bytes, cols, &bytes))
    return SIZE_MAX;
  return bytes;
}

/* Columns of an N-D convolution (1-D, 3-D): row (c, taps...) of the [Kg, P] matrix holds, for
 * every output pixel, the input element under that tap (0 in the padding); an odometer over
 * taps and output positions. The 2-D case, the common one, never comes here. */
static void im2col_nd(const struct ops_simd_conv_params *p, const struct ops_kdims *xd,
                      const struct ops_kdims *wd, const struct ops_kdims *yd, const float *x,
                      float *cols) {
  int ns = p->conv.spatial;
  int64_t cg = wd->d[1];
  int64_t x_plane = 1, taps = 1;
  for (int s = 0; s < ns; s++) {
    x_plane *= xd->d[2 + s];
    taps *= wd->d[2 + s];
  }
  for (int64_t c = 0; c < cg; c++) {
    const float *xc = x + c * x_plane;
    for (int64_t t = 0; t < taps; t++) {
      int64_t k[OPS_KMAX_SPATIAL], rest = t;
      for (int s = ns - 1; s >= 0; s--) {
        k[s] = rest % wd->d[2 + s];
        rest /= wd->d[2 + s];
      }
      float *row = cols + (size_t)(c * taps + t) * p->P;
      for (size_t o = 0; o < p->P; o++) {
        int64_t off = 0, ro = (int64_t)o;
        bool inside = true;
        int64_t idx[OPS_KMAX_SPATIAL];
        for (int s = ns - 1; s >= 0; s--) {
          idx[s] = ro % yd->d[2 + s];
          ro /= yd->d[2 + s];
        }
        for (int s = 0; s < ns && inside; s++) {
          int64_t i =
              idx[s] * p->conv.strides[s] - p->conv.pads_begin[s] + k[s] * p->conv.dilations[s];
          inside = i >= 0 && i < xd->d[2 + s];
          off = off * xd->d[2 + s] + i;
        }
        row[o] = inside ? xc[off] : 0.0f;
      }
    }
  }
}

/* One image and group of the GEMM path. */
struct gemm_conv {
  const struct ops_simd_conv_params *p;
  const struct ops_conv2d_geom *geom; /* how the columns pack from src (see the kernel) */
  const float *src;                   /* x of the group (2-D, direct) or its im2col columns */
  const float *w;                     /* [Mg, Kg] */
  const float *packed_w;              /* this group's packed W (transposed orientation), or NULL */
  const float *bias;                  /* Mg, or NULL */
  float *packed, *y;                  /* packed columns; Y [Mg, P] */
  float *yt;                          /* Y^T [P, Mg] scratch (transposed orientation) */
};

/* The activation the clamp cannot express, over this thread's rows of Y, after a barrier:
 * the rows cross the GEMM's tiles, which other threads wrote. */
static void post_act_rows(const struct gemm_conv *j, const struct ops_task *task) {
  const struct ops_simd_conv_params *p = j->p;
  if (p->post_act.kind == OPS_KACT_NONE) return;
  const size_t ith = task != NULL ? (size_t)task->ith : 0;
  const size_t nth = task != NULL ? (size_t)task->nth : 1;
  if (task != NULL) ops_pool_barrier(task);
  for (size_t m = p->Mg * ith / nth; m < p->Mg * (ith + 1) / nth; m++)
    ops_f32_post_act(&p->post_act, j->y + m * p->P, p->P);
}

/* Packs the column panels [q0, q1) (ops_simd_conv_panel_width(p) columns each) of this image and
 * group. */
static void pack_panels(const struct gemm_conv *j, size_t q0, size_t q1) {
  if (j->p->Kg == 0) return; /* no rows to pack, and no scratch to pack them in */
  const size_t nr = ops_simd_conv_panel_width(j->p);
  ops_f32_conv2d_pack_b(j->geom, nr, j->src, j->packed, q0, q1);
}

static void gemm_conv_task(const struct ops_task *task, void *ctx) {
  const struct gemm_conv *j = ctx;
  const struct ops_simd_conv_params *p = j->p;
  /* Bias per output channel and the clamp are the microkernel's epilogue either way. */
  const struct ops_f32_gemm_params fused = {NULL, p->clamp, j->bias};
  if (reads_in_place(p)) {
    /* A 1x1 convolution's input planes are B itself, read where they are: no packing, no
     * barrier. */
    ops_f32_gemm_run_rows(p->cfg, p->Mg, p->P, p->Kg, j->w, p->Kg, j->src, p->P, j->y, p->P, &fused,
                          task);
    post_act_rows(j, task);
    return;
  }
  const size_t nth = task != NULL ? (size_t)task->nth : 1;
  const size_t nr = ops_simd_conv_panel_width(p), panels = p->P / nr + (p->P % nr != 0);
  const bool transposed = j->packed_w != NULL;
  if (p->Kg > 0 && panels >= 4 * nth &&
      (!transposed || ops_f32_gemm_transposed_by_rows(p->cfg, p->Mg, p->P))) {
    /* Each claim's column panels are packed and computed at once, while they are in cache,
     * by the thread that claimed them: no barrier between packing and the GEMM. */
    struct ops_share share;
    ops_share_init(&share, task, panels, ops_share_grain(panels, task));
    for (size_t q0, q1; ops_share_next(&share, &q0, &q1);) {
      pack_panels(j, q0, q1);
      if (transposed)
        ops_f32_gemm_run_transposed_rows(p->cfg, p->Mg, p->P, p->Kg, j->packed_w, j->packed, j->y,
                                         p->P, &fused, j->yt, q0 * nr, q1 * nr);
      else
        ops_f32_gemm_run_panels(p->cfg, p->Mg, p->P, p->Kg, j->w, p->Kg, j->packed, j->y, p->P,
                                &fused, q0, q1);
    }
    post_act_rows(j, task);
    return;
  }
  /* Few column panels (or K = 0), or few pixels and many output channels in the transposed
   * orientation: threads share panels in the GEMM, so all are packed first. */
  const size_t ith = task != NULL ? (size_t)task->ith : 0;
  pack_panels(j, panels * ith / nth, panels * (ith + 1) / nth);
  if (task != NULL) ops_pool_barrier(task);
  if (transposed) {
    ops_f32_gemm_run_transposed(p->cfg, p->Mg, p->P, p->Kg, j->packed_w, j->packed, j->y, p->P,
                                &fused, j->yt, task);
  } else {
    ops_f32_gemm_run(p->cfg, p->Mg, p->P, p->Kg, j->w, p->Kg, j->packed, j->y, p->P, &fused, task);
  }
  post_act_rows(j, task);
}

/* The depthwise path: every channel of every image, each thread with its own padded plane. */
struct dw_conv {
  const struct ops_simd_conv_params *p;
  const float *x, *w, *bias;
  float *y;
  unsigned char *planes; /* one plane per thread */
  size_t channels, c_in, ih, iw, oh, ow;
};

/* Output rows [oy0, oy1) of channel nc with the unpadded 3x3 microkernel: the rows' windows
 * read input rows iy_lo..iy_hi, so the band is a plane of its own starting at the first of
 * those inside the input, with the padding above it what is left of the band's (rows past the
 * band's last input row are the plane's own bottom padding, or never read). */
static void dw3x3_band(const struct dw_conv *j, size_t nc, size_t oy0, size_t oy1) {
  const struct ops_simd_conv_params *p = j->p;
  const size_t s = p->geom.sx;
  const ptrdiff_t iy_lo = (ptrdiff_t)(oy0 * s) - (ptrdiff_t)p->conv.pads_begin[0];
  const ptrdiff_t iy_hi = (ptrdiff_t)((oy1 - 1) * s + 2) - (ptrdiff_t)p->conv.pads_begin[0];
  const size_t r0 = iy_lo > 0 ? (size_t)iy_lo : 0;
  const size_t r1 = iy_hi + 1 < (ptrdiff_t)j->ih ? (size_t)(iy_hi + 1) : j->ih;
  const struct ops_dwconv3x3_geom g = {r1 - r0,
                                       j->iw,
                                       oy1 - oy0,
                                       j->ow,
                                       (size_t)((ptrdiff_t)r0 - iy_lo),
                                       (size_t)p->conv.pads_begin[1],
                                       s};
  const size_t c = nc % j->c_in;
  float *y = j->y + nc * j->oh * j->ow + oy0 * j->ow;
  p->dw3x3->ukernel(j->x + nc * j->ih * j->iw + r0 * j->iw, &g, j->w + c * 9,
                    j->bias != NULL ? j->bias[c] : 0.0f, y, &p->clamp);
  ops_f32_post_act(&p->post_act, y, (oy1 - oy0) * j->ow);
}

static void dw_plane(const struct dw_conv *j, float *plane, size_t nc) {
  const struct ops_simd_conv_params *p = j->p;
  if (p->dw3x3 != NULL) {
    /* Read in place: the microkernel leaves out the taps in the padding. */
    dw3x3_band(j, nc, 0, j->oh);
    return;
  }
  size_t top = (size_t)p->conv.pads_begin[0], left = (size_t)p->conv.pads_begin[1];
  size_t c = nc % j->c_in;
  const float *xc = j->x + nc * j->ih * j->iw;
  for (size_t r = 0; r < j->ih; r++)
    memcpy(plane + (top + r) * p->padded_w + left, xc + r * j->iw, j->iw * sizeof *plane);
  float *yc = j->y + nc * j->oh * j->ow;
  p->dw->ukernel(plane, p->padded_w, j->w + c * p->geom.kh * p->geom.kw,
                 j->bias != NULL ? j->bias[c] : 0.0f, yc, j->oh, j->ow, &p->geom, &p->clamp);
  /* The output plane was just written and is still in cache. */
  ops_f32_post_act(&p->post_act, yc, j->oh * j->ow);
}

/* Bytes of each output plane a thread must get before a depthwise 3x3 convolution splits
 * every plane's rows instead of the channels, and row bands per thread. */
#define DW_ROW_SHARE 4096
#define DW_ROW_GROUPS 4

/* On large planes each thread takes a band of rows of every channel, as the 1x1 convolutions
 * around it split their pixels, so it reads the rows it wrote (with pads of at most 2, every
 * band reads at least one input row). The 3x3 microkernel reads the plane in place, so a band
 * costs no copy. Smaller planes, and the padded path, take contiguous ranges of channels:
 * splitting rows there measured 0.4-0.8x of one thread on mobilenet_v2's layers (576 channels
 * at 14x14, each channel's padded copy made for half the work), against 1.9x for channel
 * ranges. Either way the split is shared out (ops_share_next), home ranges first. */
static void dw_task(const struct ops_task *task, void *ctx) {
  const struct dw_conv *j = ctx;
  const struct ops_simd_conv_params *p = j->p;
  size_t ith = task != NULL ? (size_t)task->ith : 0, nth = task != NULL ? (size_t)task->nth : 1;
  struct ops_share share;
  if (p->dw3x3 != NULL && nth > 1 && p->conv.pads_begin[0] <= 2 && p->conv.pads_end[0] <= 2 &&
      j->oh / nth * j->ow * sizeof(float) >= DW_ROW_SHARE) {
    /* About DW_ROW_GROUPS bands per thread, each a multiple of the microkernel's 4 rows. */
    const size_t want = (j->oh + DW_ROW_GROUPS * nth - 1) / (DW_ROW_GROUPS * nth);
    const size_t band = (want + 3) / 4 * 4, groups = (j->oh + band - 1) / band;
    ops_share_init(&share, task, groups * j->channels, j->channels > 8 ? j->channels / 8 : 1);
    for (size_t i0, i1; ops_share_next(&share, &i0, &i1);) {
      for (size_t i = i0; i < i1; i++) {
        const size_t g = i / j->channels, oy0 = g * band;
        dw3x3_band(j, i % j->channels, oy0, oy0 + band < j->oh ? oy0 + band : j->oh);
      }
    }
    return;
  }
  float *plane = NULL;
  if (p->dw3x3 == NULL) {
    plane = (float *)(j->planes + ith * plane_bytes(p));
    /* The padding stays zero: only the interior is written per channel. */
    memset(plane, 0, p->padded_h * p->padded_w * sizeof *plane);
  }
  ops_share_init(&share, task, j->channels, ops_share_grain(j->channels, task));
  for (size_t c0, c1; ops_share_next(&share, &c0, &c1);)
    for (size_t nc = c0; nc < c1; nc++)
      dw_plane(j, plane, nc);
}

/* Runs fn over the pool when there is one with room, else on this thread alone. */
static void run(struct ops_pool *pool, ops_pool_fn fn, void *ctx) {
  if (pool == NULL || ops_pool_run(pool, fn, ctx) != OPS_OK) fn(NULL, ctx);
}

enum ops_kresult ops_f32_conv_kernel__simd(const struct ops_kcall *call) {
  const struct ops_simd_conv_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0], *wd = &call->in_dims[1];
  const struct ops_kdims *yd = &call->out_dims[0];
  const float *x = call->in[0], *w = call->in[1];
  const float *bias = call->n_in > 2 ? call->in[2] : NULL;
  float *y = call->out[0];
  int64_t batch = xd->d[0], groups = p->conv.group;
  int64_t cg = wd->d[1], c_in = xd->d[1], m_out = yd->d[1];
  size_t x_plane = 1;
  for (int s = 0; s < p->conv.spatial; s++)
    x_plane *= (size_t)xd->d[2 + s];
  int64_t y_numel = 1;
  for (int i = 0; i < yd->rank; i++)
    y_numel *= yd->d[i];
  if (y_numel == 0) return OPS_KRESULT_OK;
  if (p->pool.cfg != NULL) return ops_f32_conv_pool_run(call);

  if (p->dw != NULL) {
    struct dw_conv j = {p,
                        x,
                        w,
                        bias,
                        y,
                        call->scratch,
                        (size_t)(batch * c_in),
                        (size_t)c_in,
                        (size_t)xd->d[2],
                        (size_t)xd->d[3],
                        (size_t)yd->d[2],
                        (size_t)yd->d[3]};
    /* Each thread needs its own plane; without scratch for every thread, run on this one. */
    struct ops_pool *pool = call->pool;
    if (pool != NULL && p->dw3x3 == NULL &&
        call->scratch_bytes < plane_bytes(p) * (size_t)ops_pool_threads(pool)) {
      pool = NULL;
    }
    run(pool, dw_task, &j);
    return OPS_KRESULT_OK;
  }

  float *packed = call->scratch;
  float *yt = ops_kscratch_at(call->scratch, packed_bytes(p));
  float *cols = ops_kscratch_at(yt, yt_bytes(p));
  /* The columns of a 2-D convolution pack from x by its geometry. Otherwise they are already
   * a [Kg, P] matrix (x's planes for a 1x1 convolution, the im2col matrix for 1-D and 3-D),
   * which is the columns of a 1x1 convolution over one row of P pixels: the same packer then
   * copies each row's panel with a vector load and store per 16 floats. */
  struct ops_conv2d_geom geom = {p->Kg, 1, p->P, 1, p->P, 1, 1, 1, 1, 1, 1, 0, 0, 0};
  bool two_d = !p->direct && p->conv.spatial == 2;
  if (two_d) {
    geom = (struct ops_conv2d_geom){(size_t)cg,
                                    (size_t)xd->d[2],
                                    (size_t)xd->d[3],
                                    (size_t)yd->d[2],
                                    (size_t)yd->d[3],
                                    (size_t)wd->d[2],
                                    (size_t)wd->d[3],
                                    (size_t)p->conv.strides[0],
                                    (size_t)p->conv.strides[1],
                                    (size_t)p->conv.dilations[0],
                                    (size_t)p->conv.dilations[1],
                                    (size_t)p->conv.pads_begin[0],
                                    (size_t)p->conv.pads_begin[1],
                                    0};
  }
  for (int64_t n = 0; n < batch; n++) {
    for (int64_t g = 0; g < groups; g++) {
      const float *xg = x + (size_t)(n * c_in + g * cg) * x_plane;
      struct gemm_conv j = {p,
                            &geom,
                            xg,
                            w + (size_t)g * p->Mg * p->Kg,
                            p->packed_w_offset != 0
                                ? (const float *)((const unsigned char *)p + p->packed_w_offset +
                                                  (size_t)g * p->packed_w_bytes)
                                : NULL,
                            bias != NULL ? bias + (size_t)g * p->Mg : NULL,
                            packed,
                            y + (size_t)(n * m_out + g * (int64_t)p->Mg) * p->P,
                            yt};
      if (!p->direct && !two_d) {
        im2col_nd(p, xd, wd, yd, xg, cols);
        j.src = cols;
      }
      run(call->pool, gemm_conv_task, &j);
    }
  }
  return OPS_KRESULT_OK;
}
