/*
 * Elementwise f32 ops of one input: Relu, Sigmoid, Tanh, Sqrt, Erf, Exp, Log, Neg, Abs,
 * Reciprocal, Floor, Ceil, Round, Sign, the trigonometric and hyperbolic functions and their
 * inverses, and Clip with its bounds from inputs 1 and 2 (opset 11+) or from params (opset 6).
 *
 * Transcendental functions are evaluated in double and rounded once to f32, so the reference
 * is within half an ulp of the true value; fast units are compared to it with a tolerance.
 * Input and output have the same dims, and the output may alias the input (in place).
 */
#include <math.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

static enum ops_kresult unary_run(const struct ops_kcall *call, float (*f)(float)) {
  const float *x = call->in[0];
  float *y = call->out[0];
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  for (int64_t i = 0; i < n; i++)
    y[i] = f(x[i]);
  return OPS_KRESULT_OK;
}

/* NaN stays NaN (max(x, 0) would turn it into 0 on some units but not others). */
static float relu(float x) {
  return x < 0.0f ? 0.0f : x;
}

/* 1 / (1 + e^-x) overflows e^-x for x < -709 in double only, where the result is 0 anyway. */
static float sigmoid(float x) {
  return (float)(1.0 / (1.0 + exp(-(double)x)));
}

static float tanh_f(float x) {
  return (float)tanh((double)x);
}

static float sqrt_f(float x) {
  return (float)sqrt((double)x);
}

static float erf_f(float x) {
  return (float)erf((double)x);
}

static float exp_f(float x) {
  return (float)exp((double)x);
}

static float log_f(float x) {
  return (float)log((double)x);
}

static float neg(float x) {
  return -x;
}

static float abs_f(float x) {
  return fabsf(x);
}

static float reciprocal(float x) {
  return 1.0f / x;
}

static float floor_f(float x) {
  return floorf(x);
}

static float ceil_f(float x) {
  return ceilf(x);
}

/* Round halves to even (ONNX, numpy), whatever the current rounding mode: take the floor, then
 * round up past a half, and at exactly a half only when the floor is odd. Every f32 beyond 2^23
 * is already an integer, so x - floor(x) is exact. */
static float round_f(float x) {
  if (!isfinite(x)) return x;
  float r = floorf(x);
  float frac = x - r;
  if (frac > 0.5f || (frac == 0.5f && fmodf(r, 2.0f) != 0.0f)) r += 1.0f;
  /* Keep the sign of a negative input that rounds to zero (-0.4 -> -0, as numpy). */
  return r == 0.0f ? copysignf(0.0f, x) : r;
}

/* NaN stays NaN; -0 and +0 give 0. */
static float sign_f(float x) {
  if (x != x) return x;
  return (float)((x > 0.0f) - (x < 0.0f));
}

#define DOUBLE_UNARY(name, fn)   \
  static float name(float x) {   \
    return (float)fn((double)x); \
  }

DOUBLE_UNARY(sin_f, sin)
DOUBLE_UNARY(cos_f, cos)
DOUBLE_UNARY(tan_f, tan)
DOUBLE_UNARY(asin_f, asin)
DOUBLE_UNARY(acos_f, acos)
DOUBLE_UNARY(atan_f, atan)
DOUBLE_UNARY(sinh_f, sinh)
DOUBLE_UNARY(cosh_f, cosh)
DOUBLE_UNARY(asinh_f, asinh)
DOUBLE_UNARY(acosh_f, acosh)
DOUBLE_UNARY(atanh_f, atanh)

#undef DOUBLE_UNARY

enum ops_kresult ops_f32_relu_kernel__scalar(const struct ops_kcall *call) {
  return unary_run(call, relu);
}
enum ops_kresult ops_f32_sigmoid_kernel__scalar(const struct ops_kcall *call) {
  return unary_run(call, sigmoid);
}
enum ops_kresult ops_f32_tanh_kernel__scalar(const struct ops_kcall *call) {
  return unary_run(call, tanh_f);
}
enum ops_kresult ops_f32_sqrt_kernel__scalar(const struct ops_kcall *call) {
  return unary_run(call, sqrt_f);
}
enum ops_kresult ops_f32_erf_kernel__scalar(const struct ops_kcall *call) {
  return unary_run(call, erf_f);
}
enum ops_kresult ops_f32_exp_kernel__scalar(const struct ops_kcall *call) {
  return unary_run(call, exp_f);
}
enum ops_kresult ops_f32_log_kernel__scalar(const struct ops_kcall *call) {
  return unary_run(call, log_f);
}
enum ops_kresult ops_f32_neg_kernel__scalar(const struct ops_kcall *call) {
  return unary_run(call, neg);
}
enum ops_kresult ops_f32_abs_kernel__scalar(const struct ops_kcall *call) {
  return unary_run(call, abs_f);
}
enum ops_kresult ops_f32_reciprocal_kernel__scalar(const struct ops_kcall *call) {
  return unary_run(call, reciprocal);
}

#define UNARY_KERNEL(op, fn)                                                     \
  enum ops_kresult ops_f32_##op##_kernel__scalar(const struct ops_kcall *call) { \
    return unary_run(call, fn);                                                  \
  }

UNARY_KERNEL(floor, floor_f)
UNARY_KERNEL(ceil, ceil_f)
UNARY_KERNEL(round, round_f)
UNARY_KERNEL(sign, sign_f)
UNARY_KERNEL(sin, sin_f)
UNARY_KERNEL(cos, cos_f)
UNARY_KERNEL(tan, tan_f)
UNARY_KERNEL(asin, asin_f)
UNARY_KERNEL(acos, acos_f)
UNARY_KERNEL(atan, atan_f)
UNARY_KERNEL(sinh, sinh_f)
UNARY_KERNEL(cosh, cosh_f)
UNARY_KERNEL(asinh, asinh_f)
UNARY_KERNEL(acosh, acosh_f)
UNARY_KERNEL(atanh, atanh_f)

#undef UNARY_KERNEL

/* Clip: y = min(max(x, lo), hi), so lo > hi gives hi everywhere (numpy's np.clip) and NaN
 * passes through. An omitted bound input falls back to params (an opset 6 attribute, or an
 * infinity meaning "no bound"). */
enum ops_kresult ops_f32_clip_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_clip_params *p = call->params;
  float lo = p->min, hi = p->max;
  if (call->n_in > 1 && call->in[1] != NULL) lo = *(const float *)call->in[1];
  if (call->n_in > 2 && call->in[2] != NULL) hi = *(const float *)call->in[2];
  const float *x = call->in[0];
  float *y = call->out[0];
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  for (int64_t i = 0; i < n; i++) {
    float v = x[i];
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    y[i] = v;
  }
  return OPS_KRESULT_OK;
}
