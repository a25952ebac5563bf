/*
 * The body of the f32 vector microkernels (kernels/vector.h), written once over the vector
 * helpers of one ISA. A file kernels/simd/<isa>/f32-vector.c includes that ISA's
 * vec-elementwise.h, defines VEC_NAME(base) to append its suffix, and includes this file; so
 * every variant runs the same operations in the same order and the element-wise results are
 * bit-identical across AVX-512, AVX2 and the portable variant. No intrinsics here.
 *
 * Each microkernel switches on the op once and then runs a loop specialized for it (the helpers
 * are always inlined with a constant op), two vectors per iteration, the tail through masked
 * loads and stores.
 *
 * exp(x): x is clamped to [-104, 89], then x = n ln2 + r with n = round(x / ln2), r computed
 * with ln2 split in two (Cody-Waite, each step one FMA), e^r by its degree-7 Taylor polynomial
 * (truncation error below 6e-9 relative for |r| <= ln2 / 2), and the result scaled by 2^n as
 * two factors 2^(n/2), so that results down to the smallest subnormal and up to overflow are
 * rounded once. NaN passes through; +inf gives +inf, -inf gives +0. Measured against libm's
 * exp in double over a dense sweep of all floats (tests/kernels/test-f32-vector.c): at most 2 ulp
 * (1 measured), subnormal results counted in steps of the subnormal spacing.
 * sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with e = exp(-|x|), so neither
 * side overflows or cancels: at most 3 ulp (2 measured).
 * tanh(x): for |x| < 0.25 the odd Taylor series to x^13 (truncation below 3e-10 relative),
 * otherwise (1 - e) / (1 + e) with e = exp(-2|x|), the sign of x copied on: at most 4 ulp (3
 * measured, near |x| = 0.25 where 1 - e loses a bit).
 * erf(x), gelu(x): see verf and vgelu below; erf at most 3 ulp (2 measured, for tiny |x|);
 * gelu (both forms) within 16 ulp, times x^2 for |x| > 1: 12 measured near x = -1.4, where
 * 1 + erf(z) cancels, and up to 173 at x = -9.6 for the tanh form, whose exponent (about x^3)
 * is rounded to float; the results there are below 1e-30.
 */
#ifndef VEC_NAME
#error "define VEC_NAME(base) and include a vec-elementwise.h before this file"
#endif

#include <math.h>
#include <string.h>

#include "kernels/vector.h"

#define VEC_INLINE static inline __attribute__((always_inline))

/* ---- exp and the functions built on it ---- */

VEC_INLINE vf vexp(vf x) {
  vf xc = v_min(v_max(x, v_set1(-104.0f)), v_set1(89.0f));
  vf n = v_round(v_mul(xc, v_set1(0x1.715476p+0f)));
  vf r = v_fma(n, v_set1(-0x1.62e430p-1f), xc);
  r = v_fma(n, v_set1(0x1.05c610p-29f), r);
  vf p = v_set1(1.0f / 5040.0f);
  p = v_fma(p, r, v_set1(1.0f / 720.0f));
  p = v_fma(p, r, v_set1(1.0f / 120.0f));
  p = v_fma(p, r, v_set1(1.0f / 24.0f));
  p = v_fma(p, r, v_set1(1.0f / 6.0f));
  p = v_fma(p, r, v_set1(0.5f));
  p = v_fma(p, r, v_set1(1.0f));
  p = v_fma(p, r, v_set1(1.0f));
  vf s1, s2;
  v_exp2_split(n, &s1, &s2);
  vf y = v_mul(v_mul(p, s1), s2);
  /* The clamp turned NaN into -104; x + x gives back a quiet NaN. */
  return v_select(v_isnan(x), v_add(x, x), y);
}

VEC_INLINE vf vsigmoid(vf x) {
  vf e = vexp(v_neg(v_abs(x)));
  vf num = v_select(v_lt(x, v_set1(0.0f)), e, v_set1(1.0f));
  return v_div(num, v_add(v_set1(1.0f), e));
}

VEC_INLINE vf vtanh(vf x) {
  vf ax = v_abs(x);
  vf x2 = v_mul(x, x);
  vf p = v_set1(21844.0f / 6081075.0f);
  p = v_fma(p, x2, v_set1(-1382.0f / 155925.0f));
  p = v_fma(p, x2, v_set1(62.0f / 2835.0f));
  p = v_fma(p, x2, v_set1(-17.0f / 315.0f));
  p = v_fma(p, x2, v_set1(2.0f / 15.0f));
  p = v_fma(p, x2, v_set1(-1.0f / 3.0f));
  vf small = v_fma(v_mul(x, x2), p, x);
  vf e = vexp(v_mul(ax, v_set1(-2.0f)));
  vf big = v_copysign(v_div(v_sub(v_set1(1.0f), e), v_add(v_set1(1.0f), e)), x);
  return v_select(v_lt(ax, v_set1(0.25f)), small, big);
}

/* erf(x) for |x| < 1: x * P(x^2), P the Maclaurin series to x^22 (truncation below 2e-9). */
VEC_INLINE vf verf_small(vf x) {
  static const float c[12] = {0x1.20dd76p+0f,  -0x1.812746p-2f,  0x1.ce2f22p-4f,  -0x1.b82ce4p-6f,
                              0x1.565bcep-8f,  -0x1.c02db4p-11f, 0x1.f9a326p-14f, -0x1.f4d25cp-17f,
                              0x1.b9e6cap-20f, -0x1.5f742ep-23f, 0x1.fcc572p-27f, -0x1.51d718p-30f};
  vf x2 = v_mul(x, x);
  vf p = v_set1(c[11]);
  for (int k = 10; k >= 0; k--)
    p = v_fma(p, x2, v_set1(c[k]));
  return v_mul(x, p);
}

/* exp(-x^2 * half) for half 1 or 0.5, with x^2 = hi + lo split exactly by an FMA, so the
 * rounding of x^2 (up to 4e-6 absolute at |x| = 10) does not enter the exponent. */
VEC_INLINE vf vexp_neg_sq(vf x, float half) {
  vf hi = v_mul(x, x);
  vf lo = v_fma(x, x, v_neg(hi));
  vf vh = v_set1(half);
  return v_mul(vexp(v_neg(v_mul(hi, vh))), v_sub(v_set1(1.0f), v_mul(lo, vh)));
}

/* erfc(a) for a >= 1, given e = exp(-a^2): e * h(t) * t with t = 1 / a, where
 * h(t) = erfc(1/t) e^(1/t^2) / t is smooth on [0, 1] (it tends to 1/sqrt(pi)) and fitted by a
 * degree-12 polynomial in 2t - 1 (Chebyshev least squares, coefficients computed for this file;
 * relative error 8e-8 in float). */
VEC_INLINE vf verfc_tail(vf a, vf e) {
  static const float c[13] = {0x1.058672p-1f,  -0x1.5672b2p-4f,  -0x1.2c1bb0p-7f,  0x1.e74068p-7f,
                              -0x1.bd3348p-8f, 0x1.5cf9fep-10f,  0x1.40fe1ep-11f,  -0x1.ad69d8p-11f,
                              0x1.183aa6p-11f, -0x1.7484f6p-13f, -0x1.2d9a2ep-14f, 0x1.9bc4e6p-14f,
                              -0x1.d2b7acp-16f};
  vf t = v_div(v_set1(1.0f), a);
  vf s = v_fma(t, v_set1(2.0f), v_set1(-1.0f));
  vf q = v_set1(c[12]);
  for (int k = 11; k >= 0; k--)
    q = v_fma(q, s, v_set1(c[k]));
  return v_mul(v_mul(e, q), t);
}

/* erf(x): the series below 1, 1 - erfc(|x|) with its sign above (|x| clamped to 10, where erf
 * is 1 in float long since). */
VEC_INLINE vf verf(vf x) {
  vf ax = v_abs(x);
  vf a = v_min(v_max(ax, v_set1(1.0f)), v_set1(10.0f));
  vf big = v_sub(v_set1(1.0f), verfc_tail(a, vexp_neg_sq(a, 1.0f)));
  vf r = v_select(v_lt(ax, v_set1(1.0f)), verf_small(x), v_copysign(big, x));
  return v_select(v_isnan(x), v_add(x, x), r);
}

/* Gelu, x * Phi(x) with Phi(x) = erfc(-x / sqrt(2)) / 2, in three pieces so nothing cancels:
 * z = x / sqrt(2) in (-1, 1): x (1 + erf(z)) / 2;  z >= 1: x (2 - erfc(z)) / 2;  z <= -1:
 * x erfc(-z) / 2, with e^(-z^2) from x^2 / 2 (exact halving), |x| clamped to 14.8 where the
 * result is 0 (or +-inf, or NaN for -inf, as 0.5 x (1 + erf(z)) gives). */
VEC_INLINE vf vgelu(vf x) {
  vf z = v_mul(x, v_set1(0x1.6a09e6p-1f));
  vf az = v_abs(z);
  vf half_x = v_mul(x, v_set1(0.5f));
  vf inner = v_mul(half_x, v_add(v_set1(1.0f), verf_small(z)));
  vf axc = v_min(v_max(v_abs(x), v_set1(0x1.6a09e6p+0f)), v_set1(14.8f));
  vf erfc = verfc_tail(v_mul(axc, v_set1(0x1.6a09e6p-1f)), vexp_neg_sq(axc, 0.5f));
  vf pos = v_mul(half_x, v_sub(v_set1(2.0f), erfc));
  vf neg = v_mul(half_x, erfc);
  vf r = v_select(v_lt(az, v_set1(1.0f)), inner, v_select(v_lt(z, v_set1(0.0f)), neg, pos));
  return v_select(v_isnan(x), v_add(x, x), r);
}

/* Gelu with approximate="tanh": x (1 + tanh(u)) / 2 = x sigmoid(2u), u = sqrt(2/pi) (x +
 * 0.044715 x^3); the sigmoid form has no cancellation for negative x. */
VEC_INLINE vf vgelu_tanh(vf x) {
  vf x2 = v_mul(x, x);
  vf two_u = v_mul(x, v_fma(v_set1(0x1.2444f2p-4f), x2, v_set1(0x1.988454p+0f)));
  return v_mul(x, vsigmoid(two_u));
}

/* ---- binary ---- */

VEC_INLINE vf vbin(const enum ops_vbinary_op op, vf a, vf b) {
  switch (op) {
    case OPS_VBINARY_ADD:
      return v_add(a, b);
    case OPS_VBINARY_SUB:
      return v_sub(a, b);
    case OPS_VBINARY_MUL:
      return v_mul(a, b);
    case OPS_VBINARY_DIV:
      return v_div(a, b);
    case OPS_VBINARY_MAX:
      return v_select(v_or(v_isnan(a), v_gt(a, b)), a, b);
    case OPS_VBINARY_MIN:
    default:
      return v_select(v_or(v_isnan(a), v_lt(a, b)), a, b);
  }
}

VEC_INLINE void vbin_loop(const enum ops_vbinary_op op, const enum ops_vbinary_mode mode, size_t n,
                          const float *a, const float *b, float *y) {
  size_t i = 0;
  if (mode == OPS_VBINARY_VV) {
    for (; i + 2 * V_LANES <= n; i += 2 * V_LANES) {
      vf y0 = vbin(op, v_load(a + i), v_load(b + i));
      vf y1 = vbin(op, v_load(a + i + V_LANES), v_load(b + i + V_LANES));
      v_store(y + i, y0);
      v_store(y + i + V_LANES, y1);
    }
    for (; i + V_LANES <= n; i += V_LANES)
      v_store(y + i, vbin(op, v_load(a + i), v_load(b + i)));
    if (i < n) v_store_n(y + i, vbin(op, v_load_n(a + i, n - i), v_load_n(b + i, n - i)), n - i);
  } else if (mode == OPS_VBINARY_VS) {
    vf vb = v_set1(*b);
    for (; i + 2 * V_LANES <= n; i += 2 * V_LANES) {
      vf y0 = vbin(op, v_load(a + i), vb);
      vf y1 = vbin(op, v_load(a + i + V_LANES), vb);
      v_store(y + i, y0);
      v_store(y + i + V_LANES, y1);
    }
    for (; i + V_LANES <= n; i += V_LANES)
      v_store(y + i, vbin(op, v_load(a + i), vb));
    if (i < n) v_store_n(y + i, vbin(op, v_load_n(a + i, n - i), vb), n - i);
  } else {
    vf va = v_set1(*a);
    for (; i + 2 * V_LANES <= n; i += 2 * V_LANES) {
      vf y0 = vbin(op, va, v_load(b + i));
      vf y1 = vbin(op, va, v_load(b + i + V_LANES));
      v_store(y + i, y0);
      v_store(y + i + V_LANES, y1);
    }
    for (; i + V_LANES <= n; i += V_LANES)
      v_store(y + i, vbin(op, va, v_load(b + i)));
    if (i < n) v_store_n(y + i, vbin(op, va, v_load_n(b + i, n - i)), n - i);
  }
}

VEC_INLINE void vbin_modes(const enum ops_vbinary_op op, enum ops_vbinary_mode mode, size_t n,
                           const float *a, const float *b, float *y) {
  switch (mode) {
    case OPS_VBINARY_VV:
      vbin_loop(op, OPS_VBINARY_VV, n, a, b, y);
      break;
    case OPS_VBINARY_VS:
      vbin_loop(op, OPS_VBINARY_VS, n, a, b, y);
      break;
    default:
      vbin_loop(op, OPS_VBINARY_SV, n, a, b, y);
      break;
  }
}

void VEC_NAME(ops_f32_vbinary_ukernel)(enum ops_vbinary_op op, enum ops_vbinary_mode mode, size_t n,
                                       const float *a, const float *b, float *y) {
  switch (op) {
    case OPS_VBINARY_ADD:
      vbin_modes(OPS_VBINARY_ADD, mode, n, a, b, y);
      break;
    case OPS_VBINARY_SUB:
      vbin_modes(OPS_VBINARY_SUB, mode, n, a, b, y);
      break;
    case OPS_VBINARY_MUL:
      vbin_modes(OPS_VBINARY_MUL, mode, n, a, b, y);
      break;
    case OPS_VBINARY_DIV:
      vbin_modes(OPS_VBINARY_DIV, mode, n, a, b, y);
      break;
    case OPS_VBINARY_MAX:
      vbin_modes(OPS_VBINARY_MAX, mode, n, a, b, y);
      break;
    case OPS_VBINARY_MIN:
    default:
      vbin_modes(OPS_VBINARY_MIN, mode, n, a, b, y);
      break;
  }
}

/* ---- unary ---- */

struct vun_consts {
  vf alpha, beta, lo, hi;
};

VEC_INLINE vf vun(const enum ops_vunary_op op, vf x, const struct vun_consts *k) {
  vf zero = v_set1(0.0f);
  switch (op) {
    case OPS_VUNARY_RELU:
      return v_max(zero, x);
    case OPS_VUNARY_LEAKY_RELU:
      return v_select(v_lt(x, zero), v_mul(k->alpha, x), x);
    case OPS_VUNARY_CLIP:
      return v_min(k->hi, v_max(k->lo, x));
    case OPS_VUNARY_NEG:
      return v_neg(x);
    case OPS_VUNARY_ABS:
      return v_abs(x);
    case OPS_VUNARY_SQRT:
      return v_sqrt(x);
    case OPS_VUNARY_POW_HALF: {
      /* pow(-0, 0.5) is +0 and pow(-inf, 0.5) is +inf, where sqrt gives -0 and NaN. */
      vf inf = v_set1(INFINITY);
      return v_select(v_eq(x, v_neg(inf)), inf, v_sqrt(v_add(x, zero)));
    }
    case OPS_VUNARY_EXP:
      return vexp(x);
    case OPS_VUNARY_SIGMOID:
      return vsigmoid(x);
    case OPS_VUNARY_TANH:
      return vtanh(x);
    case OPS_VUNARY_ERF:
      return verf(x);
    case OPS_VUNARY_GELU:
      return vgelu(x);
    case OPS_VUNARY_GELU_TANH:
      return vgelu_tanh(x);
    case OPS_VUNARY_HARD_SIGMOID:
      return v_min(v_set1(1.0f), v_max(zero, v_add(v_mul(k->alpha, x), k->beta)));
    case OPS_VUNARY_HARD_SWISH:
    default:
      return v_mul(x, v_min(v_set1(1.0f), v_max(zero, v_add(v_mul(k->alpha, x), k->beta))));
  }
}

VEC_INLINE void vun_loop(const enum ops_vunary_op op, size_t n, const float *x, float *y,
                         const struct vun_consts *k) {
  size_t i = 0;
  for (; i + 2 * V_LANES <= n; i += 2 * V_LANES) {
    vf y0 = vun(op, v_load(x + i), k);
    vf y1 = vun(op, v_load(x + i + V_LANES), k);
    v_store(y + i, y0);
    v_store(y + i + V_LANES, y1);
  }
  for (; i + V_LANES <= n; i += V_LANES)
    v_store(y + i, vun(op, v_load(x + i), k));
  if (i < n) v_store_n(y + i, vun(op, v_load_n(x + i, n - i), k), n - i);
}

void VEC_NAME(ops_f32_vunary_ukernel)(enum ops_vunary_op op, size_t n, const float *x, float *y,
                                      const struct ops_f32_vunary_params *p) {
  struct vun_consts k = {v_set1(p->alpha), v_set1(p->beta), v_set1(p->lo), v_set1(p->hi)};
  switch (op) {
#define VUN_CASE(o)           \
  case o:                     \
    vun_loop(o, n, x, y, &k); \
    break;
    VUN_CASE(OPS_VUNARY_RELU)
    VUN_CASE(OPS_VUNARY_LEAKY_RELU)
    VUN_CASE(OPS_VUNARY_CLIP)
    VUN_CASE(OPS_VUNARY_NEG)
    VUN_CASE(OPS_VUNARY_ABS)
    VUN_CASE(OPS_VUNARY_SQRT)
    VUN_CASE(OPS_VUNARY_POW_HALF)
    VUN_CASE(OPS_VUNARY_EXP)
    VUN_CASE(OPS_VUNARY_SIGMOID)
    VUN_CASE(OPS_VUNARY_TANH)
    VUN_CASE(OPS_VUNARY_ERF)
    VUN_CASE(OPS_VUNARY_GELU)
    VUN_CASE(OPS_VUNARY_GELU_TANH)
    VUN_CASE(OPS_VUNARY_HARD_SIGMOID)
    VUN_CASE(OPS_VUNARY_HARD_SWISH)
#undef VUN_CASE
    default:
      break;
  }
}

/* ---- row reductions ---- */

float VEC_NAME(ops_f32_rsum_ukernel)(size_t n, const float *x) {
  vf acc0 = v_set1(0.0f), acc1 = v_set1(0.0f);
  size_t i = 0;
  for (; i + 2 * V_LANES <= n; i += 2 * V_LANES) {
    acc0 = v_add(acc0, v_load(x + i));
    acc1 = v_add(acc1, v_load(x + i + V_LANES));
  }
  for (; i + V_LANES <= n; i += V_LANES)
    acc0 = v_add(acc0, v_load(x + i));
  /* The masked-off lanes load as 0. */
  if (i < n) acc1 = v_add(acc1, v_load_n(x + i, n - i));
  return v_hsum(v_add(acc0, acc1));
}

float VEC_NAME(ops_f32_rmax_ukernel)(size_t n, const float *x) {
  vf acc0 = v_set1(-INFINITY), acc1 = acc0;
  size_t i = 0;
  /* v_max(x, acc) keeps acc when x is NaN, so NaNs never enter. */
  for (; i + 2 * V_LANES <= n; i += 2 * V_LANES) {
    acc0 = v_max(v_load(x + i), acc0);
    acc1 = v_max(v_load(x + i + V_LANES), acc1);
  }
  for (; i + V_LANES <= n; i += V_LANES)
    acc0 = v_max(v_load(x + i), acc0);
  float m = v_hmax(v_max(acc0, acc1));
  for (; i < n; i++)
    m = x[i] > m ? x[i] : m;
  return m;
}

float VEC_NAME(ops_f32_raddexp_ukernel)(size_t n, const float *x, float max, float *y) {
  vf vmax = v_set1(max);
  vf acc0 = v_set1(0.0f), acc1 = v_set1(0.0f);
  size_t i = 0;
  for (; i + 2 * V_LANES <= n; i += 2 * V_LANES) {
    vf e0 = vexp(v_sub(v_load(x + i), vmax));
    vf e1 = vexp(v_sub(v_load(x + i + V_LANES), vmax));
    v_store(y + i, e0);
    v_store(y + i + V_LANES, e1);
    acc0 = v_add(acc0, e0);
    acc1 = v_add(acc1, e1);
  }
  for (; i + V_LANES <= n; i += V_LANES) {
    vf e0 = vexp(v_sub(v_load(x + i), vmax));
    v_store(y + i, e0);
    acc0 = v_add(acc0, e0);
  }
  if (i < n) {
    /* The lanes past n hold -inf, whose exp adds 0 to the sum. */
    float buf[V_LANES];
    for (size_t j = 0; j < V_LANES; j++)
      buf[j] = i + j < n ? x[i + j] : -INFINITY;
    vf e0 = vexp(v_sub(v_load(buf), vmax));
    v_store(buf, e0);
    memcpy(y + i, buf, (n - i) * sizeof *y);
    acc1 = v_add(acc1, e0);
  }
  return v_hsum(v_add(acc0, acc1));
}
