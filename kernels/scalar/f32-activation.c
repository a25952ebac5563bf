/*
 * f32 activations: LeakyRelu, Elu, Selu, Celu, HardSigmoid, HardSwish, Softplus, Softsign,
 * ThresholdedRelu, Shrink and Gelu (one input, attributes in struct ops_activation_params), and
 * PRelu, whose slope broadcasts to X (unidirectionally; the binder checked it).
 *
 * Formulas are the ONNX operator specs'. Exponentials and Gelu's erf and tanh are evaluated in
 * double and rounded once, as in f32-unary.c. Input and output have the same dims.
 */
#include <math.h>

#include "kernels/params.h"
#include "kernels/scalar/elementwise.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

typedef float (*act_fn)(const struct ops_activation_params *p, float x);

static enum ops_kresult act_run(const struct ops_kcall *call, act_fn f) {
  const struct ops_activation_params *p = call->params;
  const float *x = call->in[0];
  float *y = call->out[0];
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  for (int64_t i = 0; i < n; i++)
    y[i] = f(p, x[i]);
  return OPS_KRESULT_OK;
}

static float leaky_relu(const struct ops_activation_params *p, float x) {
  return x < 0.0f ? p->alpha * x : x;
}

/* expm1 keeps e^x - 1 accurate near 0. */
static float elu(const struct ops_activation_params *p, float x) {
  return x < 0.0f ? (float)((double)p->alpha * expm1((double)x)) : x;
}

static float selu(const struct ops_activation_params *p, float x) {
  double v = x > 0.0f ? (double)x : (double)p->alpha * expm1((double)x);
  return (float)((double)p->gamma * v);
}

/* max(0, x) + min(0, alpha * (exp(x / alpha) - 1)); alpha != 0 was checked by the binder. */
static float celu(const struct ops_activation_params *p, float x) {
  if (x >= 0.0f) return x;
  return (float)((double)p->alpha * expm1((double)x / (double)p->alpha));
}

static float hard_sigmoid(const struct ops_activation_params *p, float x) {
  float v = p->alpha * x + p->beta;
  return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
}

/* x * HardSigmoid(x) with alpha 1/6 and beta 0.5 (from the params, as the binder sets them). */
static float hard_swish(const struct ops_activation_params *p, float x) {
  return x * hard_sigmoid(p, x);
}

/* log(1 + e^x), written so that large x does not overflow e^x. */
static float softplus(const struct ops_activation_params *p, float x) {
  (void)p;
  double v = x;
  return (float)(v > 0.0 ? v + log1p(exp(-v)) : log1p(exp(v)));
}

static float softsign(const struct ops_activation_params *p, float x) {
  (void)p;
  return x / (1.0f + fabsf(x));
}

static float thresholded_relu(const struct ops_activation_params *p, float x) {
  return x > p->alpha ? x : 0.0f;
}

/* alpha is lambd, beta is bias. */
static float shrink(const struct ops_activation_params *p, float x) {
  if (x < -p->alpha) return x + p->beta;
  if (x > p->alpha) return x - p->beta;
  return 0.0f;
}

static float gelu(const struct ops_activation_params *p, float x) {
  double v = x;
  if (p->tanh_approx) {
    /* sqrt(2 / pi); M_PI is not standard C. */
    double inner = 0.7978845608028654 * (v + 0.044715 * v * v * v);
    return (float)(0.5 * v * (1.0 + tanh(inner)));
  }
  return (float)(0.5 * v * (1.0 + erf(v / sqrt(2.0))));
}

#define ACT_KERNEL(op, fn)                                                       \
  enum ops_kresult ops_f32_##op##_kernel__scalar(const struct ops_kcall *call) { \
    return act_run(call, fn);                                                    \
  }

ACT_KERNEL(leaky_relu, leaky_relu)
ACT_KERNEL(elu, elu)
ACT_KERNEL(selu, selu)
ACT_KERNEL(celu, celu)
ACT_KERNEL(hard_sigmoid, hard_sigmoid)
ACT_KERNEL(hard_swish, hard_swish)
ACT_KERNEL(softplus, softplus)
ACT_KERNEL(softsign, softsign)
ACT_KERNEL(thresholded_relu, thresholded_relu)
ACT_KERNEL(shrink, shrink)
ACT_KERNEL(gelu, gelu)

static enum ops_kresult prelu_row(const void *ctx, int64_t n, const void *const *x,
                                  const int64_t *sx, void *vy) {
  (void)ctx;
  const float *a = x[0];
  const float *slope = x[1];
  float *y = vy;
  for (int64_t i = 0; i < n; i++) {
    float v = a[i * sx[0]];
    y[i] = v < 0.0f ? slope[i * sx[1]] * v : v;
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_prelu_kernel__scalar(const struct ops_kcall *call) {
  return ops_kwalk_call(call, 2, prelu_row, NULL);
}
