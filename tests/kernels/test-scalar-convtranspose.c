/*
 * Tests of ConvTranspose (src/shape-infer-convtranspose.c's geometry,
 * compiler/bind-scalar-convtranspose.c, kernels/scalar/f32-convtranspose.c): the gather-form
 * kernel against a plain scatter-accumulate loop over 2-D problems with groups, strides,
 * dilations, pads, output_padding and bias, then a 1-D output_shape larger than the input
 * reaches (negative pads), auto_pad SAME_UPPER / SAME_LOWER pads, and refusals that name the
 * node: a group that does not divide C, a kernel_shape that disagrees with W, a wrong Y.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "bind-run.h"
#include "graph-builder.h"
#include "kernels/params.h"
#include "src/graph.h"

struct deconv_case {
  int64_t n, c, m_per_group, group, h, w, kh, kw;
  int64_t stride[2], dil[2], pads[4], out_pad[2];
  bool bias;
};

static int64_t out_size(const struct deconv_case *t, int s) {
  int64_t in = s == 0 ? t->h : t->w, k = s == 0 ? t->kh : t->kw;
  return t->stride[s] * (in - 1) + t->out_pad[s] + (k - 1) * t->dil[s] + 1 - t->pads[s] -
         t->pads[2 + s];
}

/* Scatter form: every input element adds x * w to the output position it reaches. */
static void ref_deconv(const struct deconv_case *t, const float *x, const float *w, const float *b,
                       double *y) {
  int64_t oh = out_size(t, 0), ow = out_size(t, 1), cg = t->c / t->group;
  int64_t m = t->m_per_group * t->group;
  for (int64_t n = 0; n < t->n; n++)
    for (int64_t mo = 0; mo < m; mo++)
      for (int64_t i = 0; i < oh * ow; i++)
        y[(n * m + mo) * oh * ow + i] = t->bias ? b[mo] : 0.0;
  for (int64_t n = 0; n < t->n; n++)
    for (int64_t ci = 0; ci < t->c; ci++)
      for (int64_t i = 0; i < t->h; i++)
        for (int64_t j = 0; j < t->w; j++)
          for (int64_t mg = 0; mg < t->m_per_group; mg++)
            for (int64_t ki = 0; ki < t->kh; ki++)
              for (int64_t kj = 0; kj < t->kw; kj++) {
                int64_t oi = i * t->stride[0] + ki * t->dil[0] - t->pads[0];
                int64_t oj = j * t->stride[1] + kj * t->dil[1] - t->pads[1];
                if (oi < 0 || oi >= oh || oj < 0 || oj >= ow) continue;
                int64_t mo = (ci / cg) * t->m_per_group + mg;
                y[((n * m + mo) * oh + oi) * ow + oj] +=
                    (double)x[((n * t->c + ci) * t->h + i) * t->w + j] *
                    w[((ci * t->m_per_group + mg) * t->kh + ki) * t->kw + kj];
              }
}

static void check_case(const struct deconv_case *t) {
  int64_t m = t->m_per_group * t->group, oh = out_size(t, 0), ow = out_size(t, 1);
  int64_t nx = t->n * t->c * t->h * t->w, nw = t->c * t->m_per_group * t->kh * t->kw;
  int64_t ny = t->n * m * oh * ow;
  float *x = malloc((size_t)nx * sizeof *x), *w = malloc((size_t)nw * sizeof *w);
  float *b = malloc((size_t)m * sizeof *b), *y = malloc((size_t)ny * sizeof *y);
  double *want = malloc((size_t)ny * sizeof *want);
  kt_fill(x, nx, 1);
  kt_fill(w, nw, 2);
  kt_fill(b, m, 3);

  struct ops_graph *g = ops_graph_new();
  int xi = tensor(g, "X", OPS_DTYPE_F32, DIMS(t->n, t->c, t->h, t->w), NULL, 0);
  int wi = tensor(g, "W", OPS_DTYPE_F32, DIMS(t->c, t->m_per_group, t->kh, t->kw), w,
                  (size_t)nw * sizeof *w);
  int bi = tensor(g, "B", OPS_DTYPE_F32, DIMS(m), b, (size_t)m * sizeof *b);
  int yi = tensor(g, "Y", OPS_DTYPE_F32, DIMS(t->n, m, oh, ow), NULL, 0);
  struct ops_node *nd = t->bias ? node(g, "ct", "ConvTranspose", IO(xi, wi, bi), IO(yi))
                                : node(g, "ct", "ConvTranspose", IO(xi, wi), IO(yi));
  attr_int(nd, "group", t->group);
  attr_ints(nd, "strides", INTS(t->stride[0], t->stride[1]));
  attr_ints(nd, "dilations", INTS(t->dil[0], t->dil[1]));
  attr_ints(nd, "pads", INTS(t->pads[0], t->pads[1], t->pads[2], t->pads[3]));
  attr_ints(nd, "output_padding", INTS(t->out_pad[0], t->out_pad[1]));
  assert_int_equal(br_run(g, (const void *[]){x, NULL, NULL}, (void *[]){y}), OPS_KRESULT_OK);
  ref_deconv(t, x, w, b, want);
  for (int64_t i = 0; i < ny; i++)
    OPS_ASSERT_NEAR(y[i], want[i], KT_TOL);
  ops_graph_free(g);
  free(x);
  free(w);
  free(b);
  free(y);
  free(want);
}

static void test_against_scatter(void **state) {
  (void)state;
  const struct deconv_case cases[] = {
      /* n, c, m/g, group, h, w, kh, kw, stride, dil, pads, out_pad, bias */
      {1, 1, 2, 1, 3, 3, 3, 3, {1, 1}, {1, 1}, {0, 0, 0, 0}, {0, 0}, false},
      {2, 4, 3, 2, 4, 5, 3, 2, {2, 3}, {1, 2}, {1, 0, 2, 1}, {1, 2}, true},
      {1, 3, 1, 3, 5, 4, 2, 3, {3, 1}, {2, 1}, {0, 1, 0, 1}, {2, 0}, true},
      {1, 2, 2, 1, 1, 1, 4, 4, {2, 2}, {1, 1}, {3, 3, 0, 0}, {0, 1}, false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    check_case(&cases[i]);
}

/* 1-D: X [1, 1, 3] of ones, W [1, 1, 3] of ones, stride 2: full size 7. */
static struct ops_graph *deconv_1d(int64_t out, const char *auto_pad, const int64_t *out_shape) {
  static const float ones[3] = {1, 1, 1};
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 1, 3), NULL, 0);
  int w = tensor(g, "W", OPS_DTYPE_F32, DIMS(1, 1, 3), ones, sizeof ones);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 1, out), NULL, 0);
  struct ops_node *n = node(g, "ct", "ConvTranspose", IO(x, w), IO(y));
  attr_ints(n, "strides", INTS(2));
  if (auto_pad != NULL) attr_string(n, "auto_pad", auto_pad);
  if (out_shape != NULL) attr_ints(n, "output_shape", 1, out_shape);
  return g;
}

static void test_output_shape_and_auto_pad(void **state) {
  (void)state;
  const float x[3] = {1, 2, 3};
  float y[9];
  /* Full output: 1 1 3 2 5 3 3. output_shape 9 asks for two more, which are 0 (no bias). */
  struct ops_graph *g = deconv_1d(9, NULL, (const int64_t[]){9});
  assert_int_equal(br_run(g, (const void *[]){x, NULL}, (void *[]){y}), OPS_KRESULT_OK);
  const float full[9] = {1, 1, 3, 2, 5, 3, 3, 0, 0};
  for (int i = 0; i < 9; i++)
    OPS_ASSERT_NEAR(y[i], full[i], 0);
  ops_graph_free(g);
  /* SAME_UPPER: out 6, total pad 1, at the end; SAME_LOWER puts it at the beginning. */
  g = deconv_1d(6, "SAME_UPPER", NULL);
  assert_int_equal(br_run(g, (const void *[]){x, NULL}, (void *[]){y}), OPS_KRESULT_OK);
  for (int i = 0; i < 6; i++)
    OPS_ASSERT_NEAR(y[i], full[i], 0);
  ops_graph_free(g);
  g = deconv_1d(6, "SAME_LOWER", NULL);
  assert_int_equal(br_run(g, (const void *[]){x, NULL}, (void *[]){y}), OPS_KRESULT_OK);
  for (int i = 0; i < 6; i++)
    OPS_ASSERT_NEAR(y[i], full[i + 1], 0);
  ops_graph_free(g);
}

static void expect_refusal(struct ops_graph *g, const char *msg) {
  struct ops_binding b;
  struct ops_diag d;
  assert_int_equal(br_bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, msg);
  ops_graph_free(g);
}

static void test_refusals(void **state) {
  (void)state;
  struct ops_graph *g = deconv_1d(7, NULL, NULL);
  attr_int(&g->nodes[0], "group", 2);
  expect_refusal(g, "node 'ct' (ConvTranspose): group 2 does not divide the 1 input channels");
  g = deconv_1d(7, NULL, NULL);
  attr_ints(&g->nodes[0], "kernel_shape", INTS(2));
  expect_refusal(g, "node 'ct' (ConvTranspose): attribute 'kernel_shape' (1 values) disagrees");
  expect_refusal(deconv_1d(8, NULL, NULL), "output 'Y' has shape [1, 1, 8], expected [1, 1, 7]");
  g = deconv_1d(7, NULL, NULL);
  attr_ints(&g->nodes[0], "pads", INTS(4, 3));
  expect_refusal(g, "output size on spatial dim 0 would be 0");
  g = deconv_1d(7, "SAME_MIDDLE", NULL);
  expect_refusal(g, "attribute 'auto_pad' is 'SAME_MIDDLE'");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_against_scatter),
      cmocka_unit_test(test_output_shape_and_auto_pad),
      cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
