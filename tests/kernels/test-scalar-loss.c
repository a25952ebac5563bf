/*
 * Tests of the loss kernels (kernels/scalar/f32-loss.c) and their binding
 * (compiler/bind-scalar-loss.c), beyond the ONNX conformance cases: every reduction against a
 * double reference computed here, i32 targets, f64, a mean over only ignored targets (NaN, as
 * the ONNX function bodies give), scores large enough to overflow a naive softmax, a target out
 * of range (a run-time error with the output untouched), and bad attributes and shapes refused
 * with a message naming the node.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "graph-builder.h"
#include "kernel-tester.h"

#include "compiler/bind.h"
#include "kernels/params-loss.h"
#include "kernels/scalar/scalar.h"
#include "opscope.h"
#include "src/graph.h"

/* Input [N=2, C=3, d=2] and targets [2, 2]: the reference loss per position. */
#define N 2
#define C 3
#define D 2

static double ref_loss(const float *x, const int64_t *t, const float *w, bool softmax, int n, int d,
                       bool has_ii, int64_t ii, double *weight) {
  int64_t c = t[n * D + d];
  if (has_ii && c == ii) {
    *weight = 0;
    return 0;
  }
  double lse = 0;
  if (softmax) {
    double m = -INFINITY, s = 0;
    for (int k = 0; k < C; k++)
      m = fmax(m, x[(n * C + k) * D + d]);
    for (int k = 0; k < C; k++)
      s += exp(x[(n * C + k) * D + d] - m);
    lse = m + log(s);
  }
  *weight = w != NULL ? w[c] : 1.0;
  return -(x[(n * C + c) * D + d] - lse) * *weight;
}

static void test_every_reduction(void **state) {
  (void)state;
  float x[N * C * D];
  kt_fill(x, N * C * D, 7);
  const int64_t t[N * D] = {0, 2, 1, 2};
  const int32_t t32[N * D] = {0, 2, 1, 2};
  const float w[C] = {0.5f, 2.0f, 1.5f};
  for (int softmax = 0; softmax < 2; softmax++) {
    ops_kernel_fn fn = softmax ? ops_f32_softmax_cross_entropy_loss_kernel__scalar
                               : ops_f32_negative_log_likelihood_loss_kernel__scalar;
    for (int variant = 0; variant < 4; variant++) {
      /* variant bit 0: weight; bit 1: ignore_index 2 (and i32 targets). */
      const float *wp = (variant & 1) ? w : NULL;
      bool has_ii = (variant & 2) != 0;
      double per[N * D], sum = 0, wsum = 0;
      for (int n = 0; n < N; n++) {
        for (int d = 0; d < D; d++) {
          double wt;
          per[n * D + d] = ref_loss(x, t, wp, softmax, n, d, has_ii, 2, &wt);
          sum += per[n * D + d];
          wsum += wt;
        }
      }
      for (int r = 0; r < OPS_LOSS_REDUCTION_COUNT; r++) {
        struct ops_loss_params p = {
            .reduction = (enum ops_loss_reduction)r, .has_ignore_index = has_ii, .ignore_index = 2};
        float y[N * D], log_prob[N * C * D];
        struct kt k;
        kt_init(&k);
        kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(N, C, D));
        kt_in(&k, has_ii ? (const void *)t32 : (const void *)t,
              has_ii ? OPSCOPE_DTYPE_I32 : OPSCOPE_DTYPE_I64, KT_DIMS(N, D));
        kt_in(&k, wp, wp != NULL ? OPSCOPE_DTYPE_F32 : 0, wp != NULL ? KT_DIMS(C) : KT_SCALAR);
        if (r == OPS_LOSS_REDUCTION_NONE) {
          kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(N, D));
        } else {
          kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_SCALAR);
        }
        if (softmax) kt_out(&k, log_prob, OPSCOPE_DTYPE_F32, KT_DIMS(N, C, D));
        assert_int_equal(kt_run(&k, fn, &p), OPS_KRESULT_OK);
        if (r == OPS_LOSS_REDUCTION_NONE) {
          for (int i = 0; i < N * D; i++)
            OPS_ASSERT_NEAR(y[i], per[i], KT_TOL);
        } else {
          OPS_ASSERT_NEAR(y[0], r == OPS_LOSS_REDUCTION_SUM ? sum : sum / wsum, KT_TOL);
        }
        if (softmax) {
          /* Each log_prob column exponentiates to a distribution. */
          for (int n = 0; n < N; n++) {
            for (int d = 0; d < D; d++) {
              double s = 0;
              for (int c = 0; c < C; c++)
                s += exp(log_prob[(n * C + c) * D + d]);
              OPS_ASSERT_NEAR(s, 1.0, KT_TOL);
            }
          }
        }
      }
    }
  }
}

/* A mean over ignored targets only is 0 / 0: NaN. The sum is 0 and "none" writes zeros. */
static void test_all_ignored(void **state) {
  (void)state;
  const double x[4] = {-1, -2, -3, -4}; /* [2, 2] */
  const int64_t t[2] = {-100, -100};
  double y[2] = {5, 5};
  struct ops_loss_params p = {
      .reduction = OPS_LOSS_REDUCTION_MEAN, .has_ignore_index = true, .ignore_index = -100};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F64, KT_DIMS(2, 2));
  kt_in(&k, t, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_F64, KT_SCALAR);
  assert_int_equal(kt_run(&k, ops_f64_negative_log_likelihood_loss_kernel__scalar, &p),
                   OPS_KRESULT_OK);
  assert_true(isnan(y[0]));
  p.reduction = OPS_LOSS_REDUCTION_SUM;
  assert_int_equal(kt_run(&k, ops_f64_softmax_cross_entropy_loss_kernel__scalar, &p),
                   OPS_KRESULT_OK);
  assert_true(y[0] == 0.0);
  p.reduction = OPS_LOSS_REDUCTION_NONE;
  k.out_dims[0] = KT_DIMS(2);
  assert_int_equal(kt_run(&k, ops_f64_softmax_cross_entropy_loss_kernel__scalar, &p),
                   OPS_KRESULT_OK);
  assert_true(y[0] == 0.0 && y[1] == 0.0 && !signbit(y[0]));
}

/* Scores of 1000 overflow exp() without the max shift; a target outside [0, C) fails. */
static void test_stable_and_out_of_range(void **state) {
  (void)state;
  const float x[3] = {1000, 999, -1000}; /* [1, 3] */
  const int64_t t[1] = {1};
  float y[1] = {0}, lp[3];
  struct ops_loss_params p = {.reduction = OPS_LOSS_REDUCTION_SUM};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(1, 3));
  kt_in(&k, t, OPSCOPE_DTYPE_I64, KT_DIMS(1));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_out(&k, lp, OPSCOPE_DTYPE_F32, KT_DIMS(1, 3));
  assert_int_equal(kt_run(&k, ops_f32_softmax_cross_entropy_loss_kernel__scalar, &p),
                   OPS_KRESULT_OK);
  /* -log_softmax[1] = log(1 + e^-1 + e^-2000) + 1 - ... = 1 + log(1 + e^-1) (shifted by 999). */
  OPS_ASSERT_NEAR(y[0], 1.0 + log1p(exp(-1.0)), KT_TOL);
  OPS_ASSERT_NEAR(lp[0], -log1p(exp(-1.0)), KT_TOL);

  const int64_t bad[1] = {3};
  y[0] = 42;
  k.in[1] = bad;
  assert_int_equal(kt_run(&k, ops_f32_softmax_cross_entropy_loss_kernel__scalar, &p),
                   OPS_KRESULT_INDEX_OUT_OF_RANGE);
  assert_true(y[0] == 42);
  const int64_t neg[1] = {-1};
  k.in[1] = neg;
  assert_int_equal(kt_run(&k, ops_f32_negative_log_likelihood_loss_kernel__scalar, &p),
                   OPS_KRESULT_INDEX_OUT_OF_RANGE);
  /* -1 is fine once it is ignore_index, and an empty batch sums to 0. */
  p.has_ignore_index = true;
  p.ignore_index = -1;
  assert_int_equal(kt_run(&k, ops_f32_negative_log_likelihood_loss_kernel__scalar, &p),
                   OPS_KRESULT_OK);
  assert_true(y[0] == 0.0f);
  k.in_dims[0] = KT_DIMS(0, 3);
  k.in_dims[1] = KT_DIMS(0);
  y[0] = 42;
  assert_int_equal(kt_run(&k, ops_f32_negative_log_likelihood_loss_kernel__scalar, &p),
                   OPS_KRESULT_OK);
  assert_true(y[0] == 0.0f);
}

/* ---- binding ---- */

static enum ops_status bind(const struct ops_graph *g, struct ops_binding *b, struct ops_diag *d) {
  ops_diag_init(d, "m.onnx");
  return ops_bind_scalar(g, &g->nodes[g->n_nodes - 1], b, d);
}

static void test_bind(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 13;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 5, 3), NULL, 0);
  int t = tensor(g, "T", OPS_DTYPE_I32, DIMS(2, 3), NULL, 0);
  int w = tensor(g, "W", OPS_DTYPE_F32, DIMS(5), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  int lp = tensor(g, "LP", OPS_DTYPE_F32, DIMS(2, 5, 3), NULL, 0);
  struct ops_node *n = node(g, "sce", "SoftmaxCrossEntropyLoss", IO(x, t, w), IO(y, lp));
  attr_string(n, "reduction", "none");
  attr_int(n, "ignore_index", -7);
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_f32_softmax_cross_entropy_loss_kernel__scalar");
  const struct ops_loss_params *p = b.params;
  assert_true(p->reduction == OPS_LOSS_REDUCTION_NONE && p->has_ignore_index &&
              p->ignore_index == -7);
  ops_binding_done(&b);

  g->tensors[lp].shape = ops_shape_make(DIMS(2, 3));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "output 'LP' has shape [2, 3], expected [2, 5, 3]");
  g->tensors[lp].shape = ops_shape_make(DIMS(2, 5, 3));
  /* A mean is a scalar. */
  n->attrs[0].s[0] = 'm', n->attrs[0].s[1] = 'e', n->attrs[0].s[2] = 'a', n->attrs[0].s[3] = 'n';
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "output 'Y' has shape [2, 3], expected []");
  n->attrs[0].s[0] = 'x';
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "reduction 'xean' is not one of none, sum, mean");
  n->attrs[0].s[0] = 'n', n->attrs[0].s[1] = 'o', n->attrs[0].s[2] = 'n', n->attrs[0].s[3] = 'e';
  g->tensors[w].shape = ops_shape_make(DIMS(4));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "weight 'W' has shape [4], expected [5]");
  g->tensors[w].shape = ops_shape_make(DIMS(5));
  g->tensors[t].shape = ops_shape_make(DIMS(2, 5));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "target 'T' has shape [2, 5], expected input 'X' [2, 5, 3] without");
  g->tensors[t].shape = ops_shape_make(DIMS(2, 3));
  g->tensors[t].dtype = OPS_DTYPE_F32;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "target 'T' is f32, expected i32 or i64");
  ops_graph_free(g);

  /* NLL: rank 1 input, and a constant target that is neither a class nor ignore_index. */
  g = ops_graph_new();
  const int64_t tv[2] = {1, 5};
  x = tensor(g, "X", OPS_DTYPE_F64, DIMS(2, 5), NULL, 0);
  t = tensor(g, "T", OPS_DTYPE_I64, DIMS(2), tv, sizeof tv);
  y = tensor(g, "Y", OPS_DTYPE_F64, DIMS(2), NULL, 0);
  n = node(g, "nll", "NegativeLogLikelihoodLoss", IO(x, t), IO(y));
  attr_string(n, "reduction", "none");
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg,
                      "node 'nll' (NegativeLogLikelihoodLoss): target 5 in 'T' is not a class");
  attr_int(n, "ignore_index", 5);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_f64_negative_log_likelihood_loss_kernel__scalar");
  ops_binding_done(&b);
  g->tensors[x].shape = ops_shape_make(DIMS(2));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "input 'X' has rank 1, expected [N, C, d1, ...]");
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_reduction),
      cmocka_unit_test(test_all_ignored),
      cmocka_unit_test(test_stable_and_out_of_range),
      cmocka_unit_test(test_bind),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
