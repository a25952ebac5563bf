/*
 * f32 GEMM microkernels for AVX-512F (kernels/gemm.h states the contract).
 *
 * Each variant keeps an MR x NR tile of C in zmm registers: per K step it loads NR/16 vectors of
 * packed B and, per row, broadcasts one element of A into an FMA. 7x32 uses 14 accumulators and
 * 2 B vectors of the 32 registers, and issues 14 FMAs per 2 loads and 7 broadcasts; 8x32 uses
 * 16 accumulators, for row counts that are multiples of 8. Column
 * tails use masked loads and stores (masked-off lanes never fault), so any nc <= NR runs
 * in the same loop, and B may be a row-major matrix read in place (w_stride its row length);
 * row tails run the same code instantiated for fewer rows.
 * With OPS_F32_GEMM_PACKED_A the broadcasts read a packed panel (the tile's rows contiguous at
 * each K step) instead of rows a_stride apart; the flag is tested once per call, outside the K
 * loop, and each layout has its own instantiation.
 *
 * All variants share one always-inlined body whose row and vector counts are constants at each
 * call site, so the compiler keeps the tile in registers. Built with -mavx512f -mfma only
 * (kernels/CMakeLists.txt), so a CPU with just AVX-512F can run it.
 */
#include "kernels/gemm.h"

#include <stdbool.h>
#include <stdint.h>

#include <immintrin.h>

/* The largest MR of this file: the accumulator array is sized by it, and the entries a
 * variant does not use are removed by the compiler. */
#define MAX_MR 12
#define MAX_NV 2

/* Full unrolling of the row and vector loops, once their counts are constants, is what turns
 * the accumulator array into registers. */
#if defined(__clang__)
#define UNROLL _Pragma("unroll")
#else
#define UNROLL _Pragma("GCC unroll 16")
#endif

static inline __attribute__((always_inline)) void tile(size_t rows, size_t nv, bool packed,
                                                       size_t nc, size_t kc, const float *a,
                                                       size_t a_stride, const float *w,
                                                       size_t w_stride, const float *bias, float *c,
                                                       size_t c_stride, unsigned flags,
                                                       const struct ops_f32_minmax_params *p) {
  __mmask16 mask[MAX_NV];
  UNROLL
  for (size_t v = 0; v < nv; v++) {
    size_t rem = nc > 16 * v ? nc - 16 * v : 0;
    mask[v] = rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1);
  }

  const float *ar[MAX_MR];
  float *cr[MAX_MR];
  UNROLL
  for (size_t i = 0; i < rows; i++) {
    ar[i] = a + i * a_stride;
    cr[i] = c + i * c_stride;
  }

  __m512 acc[MAX_MR][MAX_NV];
  if (flags & OPS_F32_GEMM_LOAD_C) {
    UNROLL
    for (size_t i = 0; i < rows; i++) {
      UNROLL
      for (size_t v = 0; v < nv; v++)
        acc[i][v] = _mm512_maskz_loadu_ps(mask[v], cr[i] + 16 * v);
    }
  } else if (bias != NULL && (flags & OPS_F32_GEMM_ROW_BIAS)) {
    UNROLL
    for (size_t i = 0; i < rows; i++) {
      UNROLL
      for (size_t v = 0; v < nv; v++)
        acc[i][v] = _mm512_set1_ps(bias[i]);
    }
  } else {
    UNROLL
    for (size_t v = 0; v < nv; v++) {
      __m512 b = bias != NULL ? _mm512_maskz_loadu_ps(mask[v], bias + 16 * v) : _mm512_setzero_ps();
      UNROLL
      for (size_t i = 0; i < rows; i++)
        acc[i][v] = b;
    }
  }

  /* B is loaded inside the row loop and left to the compiler to load once per K step: an
   * explicit array of B vectors is kept on the stack by clang. A full-width tile loads B
   * plainly, the loop the kernel always had; a column tail masks its loads, so a tile at a
   * row-major B's right edge stays inside the row. */
  if (nc == 16 * nv) {
    for (size_t k = 0; k < kc; k++) {
      UNROLL
      for (size_t i = 0; i < rows; i++) {
        __m512 av = _mm512_set1_ps(packed ? a[i] : ar[i][k]);
        UNROLL
        for (size_t v = 0; v < nv; v++)
          acc[i][v] = _mm512_fmadd_ps(av, _mm512_loadu_ps(w + 16 * v), acc[i][v]);
      }
      w += w_stride;
      if (packed) a += a_stride;
    }
  } else {
    for (size_t k = 0; k < kc; k++) {
      UNROLL
      for (size_t i = 0; i < rows; i++) {
        __m512 av = _mm512_set1_ps(packed ? a[i] : ar[i][k]);
        UNROLL
        for (size_t v = 0; v < nv; v++)
          acc[i][v] = _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(mask[v], w + 16 * v), acc[i][v]);
      }
      w += w_stride;
      if (packed) a += a_stride;
    }
  }

  if (flags & OPS_F32_GEMM_CLAMP) {
    /* max(lo, x) and min(hi, x) return x when x is NaN, so NaN propagates like in scalar. */
    const __m512 lo = _mm512_set1_ps(p->min), hi = _mm512_set1_ps(p->max);
    UNROLL
    for (size_t i = 0; i < rows; i++) {
      UNROLL
      for (size_t v = 0; v < nv; v++)
        acc[i][v] = _mm512_min_ps(hi, _mm512_max_ps(lo, acc[i][v]));
    }
  }

  UNROLL
  for (size_t i = 0; i < rows; i++) {
    UNROLL
    for (size_t v = 0; v < nv; v++)
      _mm512_mask_storeu_ps(cr[i] + 16 * v, mask[v], acc[i][v]);
  }
}

/* Runs the tile with `rows` a compile-time constant for every row count up to MR, so the row
 * tail keeps its accumulators in registers too. */
static inline __attribute__((always_inline)) void dispatch_rows(
    size_t max_rows, size_t nv, bool packed, size_t mr, size_t nc, size_t kc, const float *a,
    size_t a_stride, const float *w, size_t w_stride, const float *bias, float *c, size_t c_stride,
    unsigned flags, const struct ops_f32_minmax_params *p) {
  switch (mr < max_rows ? mr : max_rows) {
    case 1:
      tile(1, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 2:
      if (max_rows >= 2)
        tile(2, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 3:
      if (max_rows >= 3)
        tile(3, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 4:
      if (max_rows >= 4)
        tile(4, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 5:
      if (max_rows >= 5)
        tile(5, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 6:
      if (max_rows >= 6)
        tile(6, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 7:
      if (max_rows >= 7)
        tile(7, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 8:
      if (max_rows >= 8)
        tile(8, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 9:
      if (max_rows >= 9)
        tile(9, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 10:
      if (max_rows >= 10)
        tile(10, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 11:
      if (max_rows >= 11)
        tile(11, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    case 12:
      if (max_rows >= 12)
        tile(12, nv, packed, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, p);
      break;
    default:
      break;
  }
}

/* One exported variant: MR rows of NV vectors, with the packed-A flag tested once per call. */
#define DEFINE_VARIANT(fn, MR, NV)                                                                 \
  void fn(size_t mr, size_t nc, size_t kc, const float *a, size_t a_stride, const float *w,        \
          size_t w_stride, const float *bias, float *c, size_t c_stride, unsigned flags,           \
          const struct ops_f32_minmax_params *params) {                                            \
    if (flags & OPS_F32_GEMM_PACKED_A)                                                             \
      dispatch_rows(MR, NV, true, mr, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags,  \
                    params);                                                                       \
    else                                                                                           \
      dispatch_rows(MR, NV, false, mr, nc, kc, a, a_stride, w, w_stride, bias, c, c_stride, flags, \
                    params);                                                                       \
  }

DEFINE_VARIANT(ops_f32_gemm_minmax_ukernel_7x32__simd_avx512f, 7, 2)
DEFINE_VARIANT(ops_f32_gemm_minmax_ukernel_8x32__simd_avx512f, 8, 2)
DEFINE_VARIANT(ops_f32_gemm_minmax_ukernel_6x32__simd_avx512f, 6, 2)
DEFINE_VARIANT(ops_f32_gemm_minmax_ukernel_12x16__simd_avx512f, 12, 1)
