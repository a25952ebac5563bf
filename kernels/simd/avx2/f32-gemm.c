/*
 * f32 GEMM microkernels for AVX2 with FMA3 (kernels/gemm.h states the contract).
 *
 * Each variant keeps an MR x 16 tile of C in ymm registers: per K step it loads 2 vectors of
 * packed B and, per row, broadcasts one element of A into 2 FMAs. 6x16 uses 12 accumulators,
 * 2 B vectors and 1 broadcast of the 16 registers. A full-width tile uses plain loads and
 * stores; a column tail uses vmaskmov for B and C, which is slow on some cores but runs only
 * on the last panel of a row, and lets B be a row-major matrix read in place. Row tails run the
 * same body instantiated for fewer rows. With OPS_F32_GEMM_PACKED_A the broadcasts read a packed
 * panel (the tile's rows contiguous at each K step) instead of rows a_stride apart; the flag is
 * tested once per call, outside the K loop, and each layout has its own instantiation.
 *
 * All variants share one always-inlined body whose row count is a constant at each call site,
 * so the compiler keeps the tile in registers. Built with -mavx2 -mfma (kernels/CMakeLists.txt).
 */
#include "kernels/gemm.h"

#include <stdbool.h>
#include <stdint.h>

#include <immintrin.h>

#define MAX_MR 6
#define NV 2
#define NR 16

/* Full unrolling of the row and vector loops, once their counts are constants, is what turns
 * the accumulator array into registers. */
#if defined(__clang__)
#define UNROLL _Pragma("unroll")
#else
#define UNROLL _Pragma("GCC unroll 16")
#endif

/* Lane masks for vmaskmov: the 8 lanes starting at mask_table + 8 - n enable the first n. */
static const int32_t mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

static inline __attribute__((always_inline)) void tile(size_t rows, bool packed, size_t nc,
                                                       size_t kc, const float *a, size_t a_stride,
                                                       const float *w, size_t w_stride,
                                                       const float *bias, float *c, size_t c_stride,
                                                       unsigned flags,
                                                       const struct ops_f32_minmax_params *p) {
  const bool full = nc == NR;
  __m256i mask[NV];
  UNROLL
  for (size_t v = 0; v < NV; v++) {
    size_t rem = nc > 8 * v ? nc - 8 * v : 0;
    if (rem > 8) rem = 8;
    mask[v] = _mm256_loadu_si256((const __m256i *)(mask_table + 8 - rem));
  }

  const float *ar[MAX_MR];
  float *cr[MAX_MR];
  UNROLL
  for (size_t i = 0; i < rows; i++) {
    ar[i] = a + i * a_stride;
    cr[i] = c + i * c_stride;
  }

  __m256 acc[MAX_MR][NV];
  if (flags & OPS_F32_GEMM_LOAD_C) {
    UNROLL
    for (size_t i = 0; i < rows; i++) {
      UNROLL
      for (size_t v = 0; v < NV; v++)
        acc[i][v] =
            full ? _mm256_loadu_ps(cr[i] + 8 * v) : _mm256_maskload_ps(cr[i] + 8 * v, mask[v]);
    }
  } else if (bias != NULL && (flags & OPS_F32_GEMM_ROW_BIAS)) {
    UNROLL
    for (size_t i = 0; i < rows; i++) {
      UNROLL
      for (size_t v = 0; v < NV; v++)
        acc[i][v] = _mm256_broadcast_ss(bias + i);
    }
  } else {
    UNROLL
    for (size_t v = 0; v < NV; v++) {
      __m256 b = _mm256_setzero_ps();
      if (bias != NULL)
        b = full ? _mm256_loadu_ps(bias + 8 * v) : _mm256_maskload_ps(bias + 8 * v, mask[v]);
      UNROLL
      for (size_t i = 0; i < rows; i++)
        acc[i][v] = b;
    }
  }

  /* A column tail masks its loads of B too, so a row-major B read in place (w_stride its row
   * length) is never read past its right edge; the full-width loop keeps plain loads. */
  if (full) {
    for (size_t k = 0; k < kc; k++) {
      const __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
      w += w_stride;
      UNROLL
      for (size_t i = 0; i < rows; i++) {
        __m256 av = _mm256_broadcast_ss(packed ? a + i : ar[i] + k);
        acc[i][0] = _mm256_fmadd_ps(av, w0, acc[i][0]);
        acc[i][1] = _mm256_fmadd_ps(av, w1, acc[i][1]);
      }
      if (packed) a += a_stride;
    }
  } else {
    for (size_t k = 0; k < kc; k++) {
      const __m256 w0 = _mm256_maskload_ps(w, mask[0]), w1 = _mm256_maskload_ps(w + 8, mask[1]);
      w += w_stride;
      UNROLL
      for (size_t i = 0; i < rows; i++) {
        __m256 av = _mm256_broadcast_ss(packed ? a + i : ar[i] + k);
        acc[i][0] = _mm256_fmadd_ps(av, w0, acc[i][0]);
        acc[i][1] = _mm256_fmadd_ps(av, w1, acc[i][1]);
      }
      if (packed) a += a_stride;
    }
  }

  if (flags & OPS_F32_GEMM_CLAMP) {
    /* max(lo, x) and min(hi, x) return x when x is NaN, so NaN propagates like in scalar. */
    const __m256 lo = _mm256_set1_ps(p->min), hi = _mm256_set1_ps(p->max);
    UNROLL
    for (size_t i = 0; i < rows; i++) {
      UNROLL
      for (size_t v = 0; v < NV; v++)
        acc[i][v] = _mm256_min_ps(hi, _mm256_max_ps(lo, acc[i][v]));
    }
  }

  UNROLL
  for (size_t i = 0; i < rows; i++) {
    UNROLL
    for (size_t v = 0; v < NV; v++) {
      if (full)
        _mm256_storeu_ps(cr[i] + 8 * v, acc[i][v]);
      else
        _mm256_maskstore_ps(cr[i] + 8 * v, mask[v], acc[i][v]);
    }
  }
}

/* Runs the tile with `rows` a compile-time constant for each row count up to max_rows. */
static inline __attribute__((always_inline)) void dispatch_rows(
    size_t max_rows, bool packed, size_t mr, size_t nc, size_t kc, const float *a, size_t a_stride,
    const float *w, size_t w_stride, const float *bias, float *c, size_t c_stride, unsigned flags,
    const struct ops_f32_minmax_params *p) {
  switch (mr < max_rows ? mr : max_rows) {
    case 1:
      tile(1, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 2:
      tile(2, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 3:
      tile(3, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 4:
      tile(4, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 5:
      if (max_rows >= 5)
        tile(5, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 6:
      if (max_rows >= 6)
        tile(6, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    default:
      break;
  }
}

void ops_f32_gemm_minmax_ukernel_6x16__simd_avx2(size_t mr, size_t nc, size_t kc, const float *a,
                                                 size_t a_stride, const float *w, size_t w_stride,
                                                 const float *bias, float *c, size_t c_stride,
                                                 unsigned flags,
                                                 const struct ops_f32_minmax_params *params) {
  if (flags & OPS_F32_GEMM_PACKED_A)
    dispatch_rows(6, true, mr, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, params);
  else
    dispatch_rows(6, false, mr, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, params);
}

void ops_f32_gemm_minmax_ukernel_4x16__simd_avx2(size_t mr, size_t nc, size_t kc, const float *a,
                                                 size_t a_stride, const float *w, size_t w_stride,
                                                 const float *bias, float *c, size_t c_stride,
                                                 unsigned flags,
                                                 const struct ops_f32_minmax_params *params) {
  if (flags & OPS_F32_GEMM_PACKED_A)
    dispatch_rows(4, true, mr, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, params);
  else
    dispatch_rows(4, false, mr, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, params);
}
