/*
 * The SIMD unit's whole-op kernels for f32 Gemm, MatMul and Conv, built on the GEMM driver
 * (kernels/drivers/f32-gemm.c). They see only pointers, dims and the params the binder
 * resolved (kernels/params-simd.h); on the threads unit (call->pool set) the GEMM's tile grid
 * is split over the pool, while the short serial phases (transposing A, packing B, gathering
 * the columns of a convolution) run on the calling thread.
 */
#include <math.h>
#include <string.h>

#include "kernels/drivers/f32-gemm.h"
#include "kernels/params-simd.h"
#include "kernels/simd-ops.h"
#include "kernels/threads/pool.h"

#define ALIGN 64

static size_t align_up(size_t n) {
  return (n + ALIGN - 1) / ALIGN * ALIGN;
}

static size_t packed_bytes(const struct ops_kconfig_gemm *cfg, size_t N, size_t K) {
  size_t bytes = 0;
  ops_f32_gemm_packed_b_size(cfg->nr, N, K, &bytes);
  return align_up(bytes);
}

size_t ops_simd_gemm_scratch(const struct ops_simd_gemm_params *p) {
  size_t bytes = p->packed_b != NULL ? 0 : packed_bytes(p->cfg, p->N, p->K);
  if (p->trans_a) bytes += align_up(p->M * p->K * sizeof(float));
  return bytes;
}

size_t ops_simd_conv_scratch(const struct ops_simd_conv_params *p) {
  if (p->dw != NULL) return align_up(p->padded_h * p->padded_w * sizeof(float));
  size_t bytes = packed_bytes(p->cfg, p->P, p->Kg);
  if (!p->direct) bytes += align_up(p->Kg * p->P * sizeof(float));
  return bytes;
}

/* One GEMM, on the calling thread or split over the pool. */
struct gemm_job {
  const struct ops_kconfig_gemm *cfg;
  size_t M, N, K, lda, ldc;
  const float *A;
  const float *packed;
  float *C;
  const struct ops_f32_gemm_params *params;
};

static void gemm_task(const struct ops_task *task, void *ctx) {
  const struct gemm_job *j = ctx;
  ops_f32_gemm_run(j->cfg, j->M, j->N, j->K, j->A, j->lda, j->packed, j->C, j->ldc, j->params,
                   task);
}

static void run_gemm(struct ops_pool *pool, const struct gemm_job *job) {
  if (pool == NULL || ops_pool_run(pool, gemm_task, (void *)job) != OPS_OK) {
    gemm_task(NULL, (void *)job);
  }
}

/* ---- Gemm, MatMul ---- */

enum ops_kresult ops_f32_gemm_kernel__simd(const struct ops_kcall *call) {
  const struct ops_simd_gemm_params *p = call->params;
  const float *A = call->in[0];
  const float *B = call->in[1];
  const float *Cin = call->n_in > 2 ? call->in[2] : NULL;
  float *Y = call->out[0];
  unsigned char *scratch = call->scratch;
  float *packed = NULL;
  if (p->packed_b == NULL) {
    packed = (float *)scratch;
    scratch += packed_bytes(p->cfg, p->N, p->K);
  }
  float *a_t = p->trans_a ? (float *)scratch : NULL;
  size_t a_elems = p->M * p->K, b_elems = p->K * p->N;
  struct ops_f32_gemm_params gp = {p->post ? NULL : p->bias, p->clamp};
  if (p->post) gp.minmax = (struct ops_f32_minmax_params){-INFINITY, INFINITY};
  for (int64_t b = 0; b < p->batch; b++) {
    int64_t ai = p->a_index ? p->a_index[b] : 0, bi = p->b_index ? p->b_index[b] : 0;
    const float *a = A + (size_t)ai * a_elems;
    if (a_t != NULL) {
      /* A is [K, M]: its transpose, row-major [M, K], is what the microkernel reads. */
      for (size_t k = 0; k < p->K; k++)
        for (size_t m = 0; m < p->M; m++)
          a_t[m * p->K + k] = a[k * p->M + m];
      a = a_t;
    }
    const float *pb;
    if (p->packed_b != NULL) {
      pb = (const float *)((const unsigned char *)p->packed_b + (size_t)bi * p->packed_b_bytes);
    } else {
      ops_f32_gemm_pack_b(p->cfg->nr, p->N, p->K, B + (size_t)bi * b_elems, p->b_k_stride,
                          p->b_n_stride, packed);
      pb = packed;
    }
    float *y = Y + (size_t)b * p->M * p->N;
    struct gemm_job job = {p->cfg, p->M, p->N, p->K, p->K, p->N, a, pb, y, &gp};
    run_gemm(call->pool, &job);
    if (!p->post) continue;
    /* Y = alpha * AB + beta * C, C broadcast from [c_rows, c_cols], then the clamp. */
    for (size_t m = 0; m < p->M; m++) {
      for (size_t n = 0; n < p->N; n++) {
        float v = p->alpha * y[m * p->N + n];
        if (Cin != NULL && p->c_rows > 0) {
          size_t cm = p->c_rows == 1 ? 0 : m, cn = p->c_cols == 1 ? 0 : n;
          v += p->beta * Cin[cm * (size_t)p->c_cols + cn];
        }
        v = v < p->clamp.min ? p->clamp.min : v;
        y[m * p->N + n] = v > p->clamp.max ? p->clamp.max : v;
      }
    }
  }
  return OPS_KRESULT_OK;
}

/* MatMul is the batched form of the same computation; its binder fills the batch maps. */
enum ops_kresult ops_f32_matmul_kernel__simd(const struct ops_kcall *call) {
  return ops_f32_gemm_kernel__simd(call);
}

/* ---- Conv ---- */

/* The columns of one image's group: row (c, taps...) of the [Kg, P] matrix holds, for every
 * output pixel, the input element under that tap (0 in the padding). N-D by an odometer over
 * the taps and output positions. */
static void im2col(const struct ops_simd_conv_params *p, const struct ops_kdims *xd,
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

enum ops_kresult ops_f32_conv_kernel__simd(const struct ops_kcall *call) {
  const struct ops_simd_conv_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0], *wd = &call->in_dims[1];
  const struct ops_kdims *yd = &call->out_dims[0];
  const float *x = call->in[0], *w = call->in[1];
  const float *bias = call->n_in > 2 ? call->in[2] : NULL;
  float *y = call->out[0];
  float *packed = call->scratch;
  float *cols = p->direct
                    ? NULL
                    : (float *)((unsigned char *)call->scratch + packed_bytes(p->cfg, p->P, p->Kg));
  int64_t batch = xd->d[0], groups = p->conv.group;
  int64_t cg = wd->d[1], c_in = xd->d[1], m_out = yd->d[1];
  size_t x_plane = 1;
  for (int s = 0; s < p->conv.spatial; s++)
    x_plane *= (size_t)xd->d[2 + s];
  int64_t y_numel = 1;
  for (int i = 0; i < yd->rank; i++)
    y_numel *= yd->d[i];
  if (y_numel == 0) return OPS_KRESULT_OK;
  if (p->dw != NULL) {
    /* Depthwise: each channel plane, padded with zeros, through the direct microkernel. */
    float *plane = call->scratch;
    size_t ih = (size_t)xd->d[2], iw = (size_t)xd->d[3];
    size_t oh = (size_t)yd->d[2], ow = (size_t)yd->d[3];
    size_t top = (size_t)p->conv.pads_begin[0], left = (size_t)p->conv.pads_begin[1];
    memset(plane, 0, p->padded_h * p->padded_w * sizeof *plane);
    for (int64_t n = 0; n < batch; n++) {
      for (int64_t c = 0; c < c_in; c++) {
        const float *xc = x + (size_t)(n * c_in + c) * x_plane;
        for (size_t r = 0; r < ih; r++)
          memcpy(plane + (top + r) * p->padded_w + left, xc + r * iw, iw * sizeof *plane);
        p->dw->ukernel(plane, p->padded_w, w + (size_t)c * p->geom.kh * p->geom.kw,
                       bias != NULL ? bias[c] : 0.0f, y + (size_t)(n * m_out + c) * oh * ow, oh, ow,
                       &p->geom, &p->clamp);
      }
    }
    return OPS_KRESULT_OK;
  }
  struct ops_f32_gemm_params gp = {NULL, {-INFINITY, INFINITY}};
  for (int64_t n = 0; n < batch; n++) {
    for (int64_t g = 0; g < groups; g++) {
      const float *xg = x + (size_t)(n * c_in + g * cg) * x_plane;
      const float *b_src = xg;
      if (!p->direct) {
        im2col(p, xd, wd, yd, xg, cols);
        b_src = cols;
      }
      /* B = the [Kg, P] columns, row-major. */
      ops_f32_gemm_pack_b(p->cfg->nr, p->P, p->Kg, b_src, p->P, 1, packed);
      float *yg = y + (size_t)(n * m_out + g * (int64_t)p->Mg) * p->P;
      struct gemm_job job = {p->cfg, p->Mg, p->P, p->Kg, p->Kg, p->P, w + (size_t)g * p->Mg * p->Kg,
                             packed, yg,    &gp};
      run_gemm(call->pool, &job);
      /* Bias per output channel (a row here) and the clamp, in one pass over the output. */
      for (size_t m = 0; m < p->Mg; m++) {
        float b = bias != NULL ? bias[(size_t)g * p->Mg + m] : 0.0f;
        float *row = yg + m * p->P;
        for (size_t o = 0; o < p->P; o++) {
          float v = row[o] + b;
          v = v < p->clamp.min ? p->clamp.min : v;
          row[o] = v > p->clamp.max ? p->clamp.max : v;
        }
      }
    }
  }
  return OPS_KRESULT_OK;
}
