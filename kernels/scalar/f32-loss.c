/*
 * NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss in f32 and f64.
 *
 * Input [N, C, d1, ...] (log-probabilities for NLL, scores for SCE), target [N, d1, ...] of i32
 * or i64 class indices, optional weight [C]. For each position (n, d) with class t:
 *   loss[n, d] = -w[t] * logp[n, t, d],   w = 1 without weight,
 * and 0 (with weight 0) where t equals ignore_index. SCE first takes logp = log_softmax(scores)
 * over C and can also write it out (output 1, log_prob). Reduction "none" writes loss per
 * position, "sum" their sum, "mean" their sum over the sum of the weights of the counted
 * positions: NaN when no position counts (every target ignored, or none at all), which is what
 * the ONNX function bodies (ReduceSum / ReduceSum) and PyTorch give.
 *
 * Sums run in double. A target outside [0, C) that is not ignore_index is data the binder
 * could not check: it returns OPS_KRESULT_INDEX_OUT_OF_RANGE before anything is written.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernels/params-loss.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

static double load(const void *p, bool f64, int64_t i) {
  return f64 ? ((const double *)p)[i] : (double)((const float *)p)[i];
}

static void store(void *p, bool f64, int64_t i, double v) {
  if (f64) {
    ((double *)p)[i] = v;
  } else {
    ((float *)p)[i] = (float)v;
  }
}

static int64_t target_at(const void *t, int dtype, int64_t i) {
  if (dtype == OPSCOPE_DTYPE_I32) return ((const int32_t *)t)[i];
  return ((const int64_t *)t)[i];
}

/* log(sum(exp(x[c * inner]))) over c in [0, classes), shifted by the max so no exp overflows.
 * classes >= 1. */
static double log_sum_exp(const void *x, bool f64, int64_t base, int64_t classes, int64_t inner) {
  double m = load(x, f64, base);
  for (int64_t c = 1; c < classes; c++) {
    double v = load(x, f64, base + c * inner);
    if (v > m) m = v;
  }
  /* All -inf (or an inf max): the shift would give inf - inf; the max is the answer. */
  if (isinf(m)) return m;
  double s = 0.0;
  for (int64_t c = 0; c < classes; c++)
    s += exp(load(x, f64, base + c * inner) - m);
  return m + log(s);
}

/* The shared body; `softmax` selects SCE (input 1 is labels, output 1 optional log_prob). */
static enum ops_kresult loss(const struct ops_kcall *call, bool f64, bool softmax) {
  const struct ops_loss_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const void *x = call->in[0];
  const void *target = call->in[1];
  int t_dtype = call->in_dtype[1];
  const void *weight = call->n_in > 2 ? call->in[2] : NULL;
  void *y = call->out[0];
  void *log_prob = softmax && call->n_out > 1 ? call->out[1] : NULL;

  int64_t batch = xd->d[0], classes = xd->d[1];
  int64_t inner = ops_kdims_prod(xd, 2, xd->rank); /* positions per sample: d1 * d2 * ... */
  int64_t positions = batch * inner;

  for (int64_t i = 0; i < positions; i++) {
    int64_t t = target_at(target, t_dtype, i);
    if (p->has_ignore_index && t == p->ignore_index) continue;
    if (t < 0 || t >= classes) return OPS_KRESULT_INDEX_OUT_OF_RANGE;
  }

  double total = 0.0, weight_total = 0.0;
  for (int64_t n = 0; n < batch; n++) {
    for (int64_t d = 0; d < inner; d++) {
      int64_t i = n * inner + d;
      int64_t base = n * classes * inner + d; /* x[n, 0, d] */
      double lse = 0.0;
      if (softmax && classes > 0) {
        lse = log_sum_exp(x, f64, base, classes, inner);
        for (int64_t c = 0; log_prob != NULL && c < classes; c++)
          store(log_prob, f64, base + c * inner, load(x, f64, base + c * inner) - lse);
      }
      int64_t t = target_at(target, t_dtype, i);
      double value = 0.0;
      if (!(p->has_ignore_index && t == p->ignore_index)) {
        double w = weight != NULL ? load(weight, f64, t) : 1.0;
        value = -(load(x, f64, base + t * inner) - lse) * w;
        weight_total += w;
      }
      /* A zero weight times a positive log-probability gives -0; write +0 so the output does
       * not carry the sign of a term that was weighted away. */
      if (value == 0.0) value = 0.0;
      if (p->reduction == OPS_LOSS_REDUCTION_NONE) {
        store(y, f64, i, value);
      } else {
        total += value;
      }
    }
  }
  if (p->reduction == OPS_LOSS_REDUCTION_SUM) store(y, f64, 0, total);
  if (p->reduction == OPS_LOSS_REDUCTION_MEAN) {
    store(y, f64, 0, weight_total == 0.0 ? (double)NAN : total / weight_total);
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_negative_log_likelihood_loss_kernel__scalar(const struct ops_kcall *call) {
  return loss(call, false, false);
}

enum ops_kresult ops_f64_negative_log_likelihood_loss_kernel__scalar(const struct ops_kcall *call) {
  return loss(call, true, false);
}

enum ops_kresult ops_f32_softmax_cross_entropy_loss_kernel__scalar(const struct ops_kcall *call) {
  return loss(call, false, true);
}

enum ops_kresult ops_f64_softmax_cross_entropy_loss_kernel__scalar(const struct ops_kcall *call) {
  return loss(call, true, true);
}
