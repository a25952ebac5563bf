/*
 * The f32 GEMM op driver (see kernels/drivers/f32-gemm.h).
 *
 * Loop order: K blocks outermost, then the thread's tiles, N panel by N panel, walking down M
 * within a panel. A kc x nr block of packed B is then reused from L1 for every row tile of its
 * panel, and the kc-wide slice of A is reused from L2 across panels. Each tile's C is read back
 * once per further K block, a small cost next to kc * mr * nr FMAs.
 *
 * Threads split the grid of tiles into contiguous ranges in that order, so each thread owns
 * whole panels when M is small and whole row ranges of a panel when N is small.
 */
#include "kernels/drivers/f32-gemm.h"

#include <string.h>

#include "src/size.h"

bool ops_f32_gemm_packed_b_size(size_t nr, size_t N, size_t K, size_t *bytes) {
  size_t panels = N / nr + (N % nr != 0), cols, floats;
  return ops_mul_size(panels, nr, &cols) && ops_mul_size(cols, K, &floats) &&
         ops_mul_size(floats, sizeof(float), bytes);
}

void ops_f32_gemm_pack_b(size_t nr, size_t N, size_t K, const float *B, size_t k_stride,
                         size_t n_stride, float *packed) {
  for (size_t n0 = 0; n0 < N; n0 += nr) {
    size_t width = N - n0 < nr ? N - n0 : nr;
    for (size_t k = 0; k < K; k++) {
      const float *row = B + k * k_stride + n0 * n_stride;
      for (size_t j = 0; j < width; j++)
        packed[j] = row[j * n_stride];
      for (size_t j = width; j < nr; j++)
        packed[j] = 0.0f;
      packed += nr;
    }
  }
}

/* C = clamp(bias) for K = 0, where there is nothing for a microkernel to do. */
static void fill_bias(size_t m0, size_t m1, size_t N, float *C, size_t ldc,
                      const struct ops_f32_gemm_params *params) {
  for (size_t i = m0; i < m1; i++)
    for (size_t j = 0; j < N; j++) {
      float x = params != NULL && params->bias != NULL ? params->bias[j] : 0.0f;
      if (params != NULL) {
        if (x < params->minmax.min) x = params->minmax.min;
        if (x > params->minmax.max) x = params->minmax.max;
      }
      C[i * ldc + j] = x;
    }
}

void ops_f32_gemm_run(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                      const float *A, size_t lda, const float *packed_b, float *C, size_t ldc,
                      const struct ops_f32_gemm_params *params, const struct ops_task *task) {
  const size_t ith = task != NULL ? (size_t)task->ith : 0;
  const size_t nth = task != NULL ? (size_t)task->nth : 1;
  if (M == 0 || N == 0) return;
  if (K == 0) {
    fill_bias(M * ith / nth, M * (ith + 1) / nth, N, C, ldc, params);
    return;
  }

  const size_t mr = cfg->mr, nr = cfg->nr, kc_max = cfg->kc;
  const size_t m_tiles = (M + mr - 1) / mr, n_tiles = (N + nr - 1) / nr;
  /* m_tiles * n_tiles <= M * N, which fits: C holds that many floats. */
  const size_t tiles = m_tiles * n_tiles;
  const size_t t0 = tiles * ith / nth, t1 = tiles * (ith + 1) / nth;
  if (t0 == t1) return;

  const struct ops_f32_minmax_params *minmax = params != NULL ? &params->minmax : NULL;
  const float *bias = params != NULL ? params->bias : NULL;
  for (size_t k0 = 0; k0 < K; k0 += kc_max) {
    const size_t kc = K - k0 < kc_max ? K - k0 : kc_max;
    unsigned flags = k0 > 0 ? OPS_F32_GEMM_LOAD_C : 0;
    if (k0 + kc == K && minmax != NULL) flags |= OPS_F32_GEMM_CLAMP;
    for (size_t t = t0; t < t1; t++) {
      const size_t jn = t / m_tiles, im = t % m_tiles;
      const size_t m0 = im * mr, n0 = jn * nr;
      const size_t rows = M - m0 < mr ? M - m0 : mr, cols = N - n0 < nr ? N - n0 : nr;
      cfg->ukernel(rows, cols, kc, A + m0 * lda + k0, lda, packed_b + (n0 * K + k0 * nr),
                   bias != NULL ? bias + n0 : NULL, C + m0 * ldc + n0, ldc, flags, minmax);
    }
  }
}
