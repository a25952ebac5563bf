/*
 * Elementwise f32 ops of one input: Relu, Sigmoid, Tanh, Sqrt, Erf, Exp, Log, Neg, Abs,
 * Reciprocal, and Clip with its bounds from inputs 1 and 2 (opset 11+) or from params (opset 6).
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
