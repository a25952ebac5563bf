/*
 * The reductions, f32 and f64: ReduceSum, ReduceMean, ReduceProd, ReduceMax, ReduceMin,
 * ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp, ReduceSumSquare over the input dims whose
 * bit is set in params.axes_mask; ArgMax and ArgMin along one axis; and
 * MeanVarianceNormalization, whose statistics are reductions over a mask too.
 *
 * One walker serves them all. Output elements are in the input's order with the reduced dims
 * taken out (keepdims only adds size-1 dims, which moves nothing), so output element o is the
 * kept dims' multi-index of o, and its reduction runs over every multi-index of the reduced
 * dims. A mask of 0 reduces over one element, so every reduction is then elementwise on X
 * (noop_with_empty_axes): the identity for Sum, Mean, Max, Min, Prod, and |x|, x^2, log x for
 * the others, as onnx's reference gives. Values are read and combined in double.
 */
#include <math.h>
#include <stdbool.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* The kept and the reduced dims of X, each with their strides in X. */
struct walk {
  int n_kept, n_red;
  int64_t kept[OPS_KMAX_RANK], kept_stride[OPS_KMAX_RANK];
  int64_t red[OPS_KMAX_RANK], red_stride[OPS_KMAX_RANK];
  int64_t n_out;       /* product of the kept dims */
  int64_t n_red_elems; /* product of the reduced dims */
};

static void walk_init(const struct ops_kdims *xd, uint32_t mask, struct walk *w) {
  int64_t strides[OPS_KMAX_RANK];
  ops_kdims_strides(xd, strides);
  w->n_kept = w->n_red = 0;
  w->n_out = w->n_red_elems = 1;
  for (int i = 0; i < xd->rank; i++) {
    if (mask & (1u << i)) {
      w->red[w->n_red] = xd->d[i];
      w->red_stride[w->n_red++] = strides[i];
      w->n_red_elems *= xd->d[i];
    } else {
      w->kept[w->n_kept] = xd->d[i];
      w->kept_stride[w->n_kept++] = strides[i];
      w->n_out *= xd->d[i];
    }
  }
}

/* Offset in X of the first element reduced into output element o. */
static int64_t walk_base(const struct walk *w, int64_t o) {
  int64_t base = 0;
  for (int i = w->n_kept - 1; i >= 0; i--) {
    base += (o % w->kept[i]) * w->kept_stride[i];
    o /= w->kept[i];
  }
  return base;
}

/* Offset in X of the r-th element (in row-major order of the reduced dims) reduced at `base`. */
static int64_t walk_at(const struct walk *w, int64_t base, int64_t r) {
  for (int i = w->n_red - 1; i >= 0; i--) {
    base += (r % w->red[i]) * w->red_stride[i];
    r /= w->red[i];
  }
  return base;
}

static double load(const void *x, int dtype, int64_t i) {
  return dtype == OPSCOPE_DTYPE_F64 ? ((const double *)x)[i] : (double)((const float *)x)[i];
}

static void store(void *y, int dtype, int64_t i, double v) {
  if (dtype == OPSCOPE_DTYPE_F64) {
    ((double *)y)[i] = v;
  } else {
    ((float *)y)[i] = (float)v;
  }
}

enum reduce_kind {
  REDUCE_SUM,
  REDUCE_MEAN,
  REDUCE_PROD,
  REDUCE_MAX,
  REDUCE_MIN,
  REDUCE_L1,
  REDUCE_L2,
  REDUCE_LOG_SUM,
  REDUCE_LOG_SUM_EXP,
  REDUCE_SUM_SQUARE,
};

/* The reduction of the n values at `base` for one output element. */
static double reduce_one(const struct walk *w, const void *x, int dtype, int64_t base,
                         enum reduce_kind kind) {
  int64_t n = w->n_red_elems;
  double acc;
  switch (kind) {
    case REDUCE_PROD:
      acc = 1.0;
      for (int64_t r = 0; r < n; r++)
        acc *= load(x, dtype, walk_at(w, base, r));
      return acc;
    case REDUCE_MAX:
    case REDUCE_MIN:
      /* The empty reduction is the operation's identity (-inf for Max, +inf for Min); a NaN
       * anywhere wins, as numpy's maximum gives. */
      acc = kind == REDUCE_MAX ? -INFINITY : INFINITY;
      for (int64_t r = 0; r < n; r++) {
        double v = load(x, dtype, walk_at(w, base, r));
        if (isnan(v) || (kind == REDUCE_MAX ? v > acc : v < acc)) acc = v;
        if (isnan(acc)) break;
      }
      return acc;
    case REDUCE_LOG_SUM_EXP: {
      /* The maximum is taken out first so exp never overflows. */
      double max = -INFINITY;
      for (int64_t r = 0; r < n; r++) {
        double v = load(x, dtype, walk_at(w, base, r));
        if (v > max) max = v;
      }
      if (isinf(max)) return max; /* all -inf, or a +inf: exp(inf - inf) would be NaN */
      acc = 0.0;
      for (int64_t r = 0; r < n; r++)
        acc += exp(load(x, dtype, walk_at(w, base, r)) - max);
      return max + log(acc);
    }
    case REDUCE_SUM:
    case REDUCE_MEAN:
    case REDUCE_L1:
    case REDUCE_L2:
    case REDUCE_LOG_SUM:
    case REDUCE_SUM_SQUARE:
      break;
  }
  acc = 0.0;
  for (int64_t r = 0; r < n; r++) {
    double v = load(x, dtype, walk_at(w, base, r));
    if (kind == REDUCE_L1) {
      acc += fabs(v);
    } else if (kind == REDUCE_L2 || kind == REDUCE_SUM_SQUARE) {
      acc += v * v;
    } else {
      acc += v;
    }
  }
  switch (kind) {
    case REDUCE_MEAN:
      /* The mean of no elements is NaN (numpy's answer, with a warning). */
      return acc / (double)n;
    case REDUCE_L2:
      return sqrt(acc);
    case REDUCE_LOG_SUM:
      return log(acc);
    default:
      return acc;
  }
}

static enum ops_kresult reduce(const struct ops_kcall *call, enum reduce_kind kind) {
  const struct ops_reduce_params *p = call->params;
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;
  struct walk w;
  walk_init(&call->in_dims[0], p->axes_mask, &w);
  int dtype = call->in_dtype[0];
  for (int64_t o = 0; o < w.n_out; o++) {
    double v = reduce_one(&w, call->in[0], dtype, walk_base(&w, o), kind);
    store(call->out[0], dtype, o, v);
  }
  return OPS_KRESULT_OK;
}

#define REDUCE_KERNELS(name, kind)                                                 \
  enum ops_kresult ops_f32_##name##_kernel__scalar(const struct ops_kcall *call) { \
    return reduce(call, kind);                                                     \
  }                                                                                \
  enum ops_kresult ops_f64_##name##_kernel__scalar(const struct ops_kcall *call) { \
    return reduce(call, kind);                                                     \
  }

REDUCE_KERNELS(reduce_sum, REDUCE_SUM)
REDUCE_KERNELS(reduce_mean, REDUCE_MEAN)
REDUCE_KERNELS(reduce_prod, REDUCE_PROD)
REDUCE_KERNELS(reduce_max, REDUCE_MAX)
REDUCE_KERNELS(reduce_min, REDUCE_MIN)
REDUCE_KERNELS(reduce_l1, REDUCE_L1)
REDUCE_KERNELS(reduce_l2, REDUCE_L2)
REDUCE_KERNELS(reduce_log_sum, REDUCE_LOG_SUM)
REDUCE_KERNELS(reduce_log_sum_exp, REDUCE_LOG_SUM_EXP)
REDUCE_KERNELS(reduce_sum_square, REDUCE_SUM_SQUARE)

/* ArgMax / ArgMin: a walk that reduces the one axis, so r is the index along it. Comparisons
 * with NaN are false, so a NaN is the answer only when it comes first on the axis. */
static enum ops_kresult arg_reduce(const struct ops_kcall *call, bool is_max) {
  const struct ops_argreduce_params *p = call->params;
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;
  struct walk w;
  walk_init(&call->in_dims[0], 1u << p->axis, &w);
  const float *x = call->in[0];
  int64_t *y = call->out[0];
  for (int64_t o = 0; o < w.n_out; o++) {
    int64_t base = walk_base(&w, o), best = 0;
    float best_v = x[walk_at(&w, base, 0)];
    for (int64_t r = 1; r < w.n_red_elems; r++) {
      float v = x[walk_at(&w, base, r)];
      bool better = is_max ? v > best_v : v < best_v;
      if (better || (p->select_last && v == best_v)) {
        best = r;
        best_v = v;
      }
    }
    y[o] = best;
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_arg_max_kernel__scalar(const struct ops_kcall *call) {
  return arg_reduce(call, true);
}

enum ops_kresult ops_f32_arg_min_kernel__scalar(const struct ops_kcall *call) {
  return arg_reduce(call, false);
}

/* MeanVarianceNormalization: y = (x - mean) / (sqrt(E[x^2] - mean^2) + 1e-9) over the masked
 * dims, the formula of the ONNX function body (the 1e-9 is in the spec, not an attribute). */
enum ops_kresult ops_f32_mean_variance_normalization_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_reduce_params *p = call->params;
  if (ops_kdims_numel(&call->in_dims[0]) == 0) return OPS_KRESULT_OK;
  struct walk w;
  walk_init(&call->in_dims[0], p->axes_mask, &w);
  const float *x = call->in[0];
  float *y = call->out[0];
  for (int64_t o = 0; o < w.n_out; o++) {
    int64_t base = walk_base(&w, o);
    double sum = 0.0, sum_sq = 0.0;
    for (int64_t r = 0; r < w.n_red_elems; r++) {
      double v = x[walk_at(&w, base, r)];
      sum += v;
      sum_sq += v * v;
    }
    double mean = sum / (double)w.n_red_elems;
    double var = sum_sq / (double)w.n_red_elems - mean * mean;
    double den = sqrt(var > 0.0 ? var : 0.0) + 1e-9;
    /* Written only after the statistics are read, so Y may alias X. */
    for (int64_t r = 0; r < w.n_red_elems; r++) {
      int64_t at = walk_at(&w, base, r);
      y[at] = (float)(((double)x[at] - mean) / den);
    }
  }
  return OPS_KRESULT_OK;
}
