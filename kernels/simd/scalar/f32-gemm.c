/*
 * The f32 GEMM microkernel in plain C (kernels/gemm.h states the contract): the variant every
 * CPU can run, taken when the ISA is capped at scalar or no SIMD variant fits. It follows the
 * same packed-B layout and K blocking as the SIMD variants, so the driver and its tests are the
 * same for all of them; the 4x4 tile keeps 16 accumulators in a plain array that compilers
 * keep in registers.
 */
#include "kernels/gemm.h"

#define MR 4
#define NR 4

void ops_f32_gemm_minmax_ukernel_4x4__scalar(size_t mr, size_t nc, size_t kc, const float *a,
                                             size_t a_stride, const float *w, size_t w_stride,
                                             const float *bias, float *c, size_t c_stride,
                                             unsigned flags,
                                             const struct ops_f32_minmax_params *params) {
  float acc[MR][NR];
  for (size_t i = 0; i < mr; i++)
    for (size_t j = 0; j < NR; j++) {
      if (j >= nc)
        acc[i][j] = 0.0f;
      else if (flags & OPS_F32_GEMM_LOAD_C)
        acc[i][j] = c[i * c_stride + j];
      else if (bias == NULL)
        acc[i][j] = 0.0f;
      else
        acc[i][j] = flags & OPS_F32_GEMM_ROW_BIAS ? bias[i] : bias[j];
    }

  for (size_t k = 0; k < kc; k++) {
    for (size_t i = 0; i < mr; i++) {
      float av = flags & OPS_F32_GEMM_PACKED_A ? a[k * a_stride + i] : a[i * a_stride + k];
      for (size_t j = 0; j < nc; j++)
        acc[i][j] += av * w[j];
    }
    w += w_stride;
  }

  for (size_t i = 0; i < mr; i++)
    for (size_t j = 0; j < nc; j++) {
      float x = acc[i][j];
      /* Comparisons with NaN are false, so a NaN result passes through the clamp. */
      if (flags & OPS_F32_GEMM_CLAMP) {
        if (x < params->min) x = params->min;
        if (x > params->max) x = params->max;
      }
      c[i * c_stride + j] = x;
    }
}
