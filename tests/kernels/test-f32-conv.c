/*
 * The simd unit's GEMM-path Conv (compiler/bind-simd.c with kernels/drivers/f32-conv.c) in both
 * orientations: Y = W cols, and Y^T = cols^T W^T with W packed at bind time, which the binder
 * picks for small output planes against many channels (ops_f32_gemm_prefer_transposed). Each
 * case is bound on a hand-built graph, run on this thread and on pools of 2 and 3 threads, and
 * compared with a direct convolution in double; the cases cover a 3x3 padded conv, a 1x1
 * stride-1 (direct) one, planes large enough that each thread packs the column panels it
 * claims and computes them at once (both orientations), groups with a batch of 2, stride 2 with an
 * odd plane, dilation, a conv too small to flip, and weights that are not constant (never packed at
 * bind time), with and without bias, a fused clamp (Clip) and a fused activation pass (Sigmoid),
 * and no input channels at all (K = 0: the activation of the bias, and no scratch).
 *
 * Tolerance: as in test-f32-gemm.c, each output within (K + 2) * FLT_EPSILON times the sum of
 * the magnitudes of its bias and products.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "compiler/bind.h"
#include "compiler/exec.h"
#include "graph-builder.h"
#include "kernel-tester.h"
#include "kernels/drivers/f32-gemm.h"
#include "kernels/kconfig.h"
#include "kernels/params-simd.h"
#include "kernels/threads/pool.h"
#include "src/graph.h"

struct conv_case {
  const char *what;
  int64_t n, c, h, w; /* X [n, c, h, w] */
  int64_t m, kh, kw;  /* W [m, c / group, kh, kw] */
  int64_t stride, pad, dilation, group;
  bool bias, w_const;
  int act; /* 0 none, 1 a fused Clip(0, 6) (the clamp), 2 a fused Sigmoid (an activation pass) */
};

static int64_t out_size(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
  return (in + 2 * p - d * (k - 1) - 1) / s + 1;
}

/* Y from X, W and B by the definition, and each output's error bound. */
static void reference(const struct conv_case *t, const float *x, const float *w, const float *b,
                      int64_t oh, int64_t ow, double *want, double *tol) {
  const int64_t cg = t->c / t->group, mg = t->m / t->group, K = cg * t->kh * t->kw;
  for (int64_t n = 0; n < t->n; n++)
    for (int64_t m = 0; m < t->m; m++)
      for (int64_t oy = 0; oy < oh; oy++)
        for (int64_t ox = 0; ox < ow; ox++) {
          double sum = t->bias ? b[m] : 0.0, mag = t->bias ? fabs(b[m]) : 0.0;
          const int64_t g = m / mg;
          for (int64_t c = 0; c < cg; c++)
            for (int64_t ky = 0; ky < t->kh; ky++)
              for (int64_t kx = 0; kx < t->kw; kx++) {
                int64_t iy = oy * t->stride - t->pad + ky * t->dilation;
                int64_t ix = ox * t->stride - t->pad + kx * t->dilation;
                if (iy < 0 || iy >= t->h || ix < 0 || ix >= t->w) continue;
                double p = (double)x[((n * t->c + g * cg + c) * t->h + iy) * t->w + ix] *
                           w[((m * cg + c) * t->kh + ky) * t->kw + kx];
                sum += p;
                mag += fabs(p);
              }
          size_t at = (size_t)(((n * t->m + m) * oh + oy) * ow + ox);
          double tl = (double)(K + 2) * FLT_EPSILON * mag + FLT_MIN;
          if (t->act == 1) sum = sum < 0.0 ? 0.0 : sum > 6.0 ? 6.0 : sum;
          /* The logistic's slope is at most 1/4; allow for expf's own rounding too. */
          if (t->act == 2) {
            sum = 1.0 / (1.0 + exp(-sum));
            tl = tl / 4 + 4 * FLT_EPSILON;
          }
          want[at] = sum;
          tol[at] = tl;
        }
}

static void run_case(const struct conv_case *t) {
  const int64_t oh = out_size(t->h, t->kh, t->stride, t->pad, t->dilation);
  const int64_t ow = out_size(t->w, t->kw, t->stride, t->pad, t->dilation);
  const int64_t cg = t->c / t->group;
  const size_t nx = (size_t)(t->n * t->c * t->h * t->w), nw = (size_t)(t->m * cg * t->kh * t->kw);
  const size_t ny = (size_t)(t->n * t->m * oh * ow);
  /* One element more than each needs, so that an empty X and W are still allocations. */
  float *x = malloc((nx + 1) * sizeof *x), *w = malloc((nw + 1) * sizeof *w),
        *b = malloc((size_t)t->m * sizeof *b);
  float *y = malloc(ny * sizeof *y);
  double *want = malloc(ny * sizeof *want), *tol = malloc(ny * sizeof *tol);
  assert_true(x && w && b && y && want && tol);
  kt_fill(x, (int64_t)nx, 1);
  kt_fill(w, (int64_t)nw, 2);
  kt_fill(b, t->m, 3);
  reference(t, x, w, b, oh, ow, want, tol);

  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  int xi = tensor(g, "X", OPS_DTYPE_F32, DIMS(t->n, t->c, t->h, t->w), NULL, 0);
  int wi = tensor(g, "W", OPS_DTYPE_F32, DIMS(t->m, cg, t->kh, t->kw), t->w_const ? w : NULL,
                  nw * sizeof *w);
  int bi = t->bias ? tensor(g, "B", OPS_DTYPE_F32, DIMS(t->m), b, (size_t)t->m * sizeof *b) : -1;
  int yi = tensor(g, "Y", OPS_DTYPE_F32, DIMS(t->n, t->m, oh, ow), NULL, 0);
  struct ops_node *nd = t->bias ? node(g, "conv", "Conv", IO(xi, wi, bi), IO(yi))
                                : node(g, "conv", "Conv", IO(xi, wi), IO(yi));
  attr_ints(nd, "kernel_shape", INTS(t->kh, t->kw));
  attr_ints(nd, "strides", INTS(t->stride, t->stride));
  attr_ints(nd, "pads", INTS(t->pad, t->pad, t->pad, t->pad));
  attr_ints(nd, "dilations", INTS(t->dilation, t->dilation));
  attr_int(nd, "group", t->group);

  struct ops_binding bd;
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  /* A depthwise conv is bound for a pool of 3, so each thread of the runs below gets its own
   * padded plane and its share of the rows; bound for simd it would run on one thread. */
  const bool depthwise = t->group > 1 && t->group == t->c && t->group == t->m;
  if (depthwise) ops_exec_set_pool_threads(3);
  if (ops_bind_simd(g, nd, depthwise ? OPSCOPE_UNIT_THREADS : OPSCOPE_UNIT_SIMD, &bd, &d) != OPS_OK)
    fail_msg("%s: bind failed: %s", t->what, d.msg);
  /* The binder flips exactly when the driver's rule says so and the weights are constant. */
  struct ops_simd_conv_params *p = bd.params;
  /* What the fusion pass would have made of a following Clip or Sigmoid (compiler/bind-simd.c
   * split_act): the clamp, or an activation pass. */
  if (t->act == 1) p->clamp = (struct ops_f32_minmax_params){0.0f, 6.0f};
  if (t->act == 2) p->post_act.kind = OPS_KACT_SIGMOID;
  const bool flip = t->w_const && ops_f32_gemm_prefer_transposed(ops_kconfig_f32_gemm(),
                                                                 (size_t)(t->m / t->group),
                                                                 (size_t)(oh * ow), p->Kg);
  assert_int_equal(p->packed_w_offset != 0, flip);
  assert_int_equal(bd.packed_bytes != 0, flip);
  print_message("%s: %s\n", t->what, flip ? "Y^T = cols^T W^T" : "Y = W cols");

  void *scratch = NULL;
  assert_int_equal(posix_memalign(&scratch, 64, bd.scratch_bytes + 64), 0);
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(t->n, t->c, t->h, t->w));
  kt_in(&k, w, OPSCOPE_DTYPE_F32, KT_DIMS(t->m, cg, t->kh, t->kw));
  if (t->bias) kt_in(&k, b, OPSCOPE_DTYPE_F32, KT_DIMS(t->m));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(t->n, t->m, oh, ow));
  /* As the executor does: no scratch pointer at all when the op needs none (no input channels). */
  kt_check_on_pools(t->what, &k, bd.kernel->fn, bd.params, bd.scratch_bytes ? scratch : NULL,
                    bd.scratch_bytes, y, want, tol, ny);
  free(scratch);
  ops_binding_done(&bd);
  ops_graph_free(g);
  free(x);
  free(w);
  free(b);
  free(y);
  free(want);
  free(tol);
}

static const struct conv_case cases[] = {
    {"3x3 pad 1, 64->96 at 7x7", 1, 64, 7, 7, 96, 3, 3, 1, 1, 1, 1, true, true, 0},
    {"3x3 pad 1, 64->96 at 7x7, Clip", 1, 64, 7, 7, 96, 3, 3, 1, 1, 1, 1, true, true, 1},
    {"3x3 pad 1, 64->96 at 7x7, Sigmoid", 1, 64, 7, 7, 96, 3, 3, 1, 1, 1, 1, true, true, 2},
    {"1x1 direct, 160->96 at 7x7", 1, 160, 7, 7, 96, 1, 1, 1, 0, 1, 1, false, true, 0},
    {"1x1 direct, 64->48 at 13x13, read in place", 1, 64, 13, 13, 48, 1, 1, 1, 0, 1, 1, true, true,
     1},
    {"1x1 direct, 160->96 at 7x7, Clip", 1, 160, 7, 7, 96, 1, 1, 1, 0, 1, 1, false, true, 1},
    {"groups 2, batch 2, 64->128 at 5x5", 2, 64, 5, 5, 128, 3, 3, 1, 1, 1, 2, true, true, 1},
    {"stride 2, 48->95 at 13x13", 1, 48, 13, 13, 95, 3, 3, 2, 1, 1, 1, true, true, 0},
    {"3x3 dilation 2, 40->100 at 6x6", 1, 40, 6, 6, 100, 3, 3, 1, 2, 2, 1, false, true, 2},
    /* Enough column panels for each thread to pack and compute its own (12 and more): */
    {"3x3 pad 1, 32->32 at 18x18, transposed, packed per claim", 1, 32, 18, 18, 32, 3, 3, 1, 1, 1,
     1, true, true, 1},
    {"3x3 pad 1, 16->64 at 20x20, packed per claim", 1, 16, 20, 20, 64, 3, 3, 1, 1, 1, 1, true,
     true, 0},
    {"1x1 direct, 16->96 at 19x19, packed per claim, Sigmoid", 1, 16, 19, 19, 96, 1, 1, 1, 0, 1, 1,
     true, true, 2},
    {"too small to flip, 8->16 at 16x16", 1, 8, 16, 16, 16, 3, 3, 1, 1, 1, 1, true, true, 1},
    {"depthwise 3x3 stride 2, 24 at 15x15", 1, 24, 15, 15, 24, 3, 3, 2, 1, 1, 24, true, true, 1},
    /* Planes large enough that the threads split every channel's rows into bands: */
    {"depthwise 3x3 pad 1, 4 at 64x64, row bands", 1, 4, 64, 64, 4, 3, 3, 1, 1, 1, 4, true, true,
     1},
    {"depthwise 3x3 stride 2 pad 1, batch 2, 3 at 97x97, row bands", 2, 3, 97, 97, 3, 3, 3, 2, 1, 1,
     3, true, true, 2},
    {"depthwise 3x3 stride 2 pad 0, 5 at 98x98, row bands", 1, 5, 98, 98, 5, 3, 3, 2, 0, 1, 5,
     false, true, 0},
    {"depthwise 5x5 pad 2, batch 2, 8 at 14x9", 2, 8, 14, 9, 8, 5, 5, 1, 2, 1, 8, true, true, 2},
    {"depthwise 3x3, 4 at 5x5 (4 channels on 3 threads)", 1, 4, 2, 5, 4, 3, 3, 1, 1, 1, 4, false,
     true, 0},
    {"weights not constant, 64->96 at 7x7", 1, 64, 7, 7, 96, 3, 3, 1, 1, 1, 1, true, false, 1},
    {"no input channels: Clip(bias), 0->16 at 7x7", 1, 0, 7, 7, 16, 3, 3, 1, 1, 1, 1, true, true,
     1},
    {"no input channels, weights not constant, Sigmoid, 0->40 at 9x9", 1, 0, 9, 9, 40, 3, 3, 1, 1,
     1, 1, false, false, 2},
};

static void test_case(void **state) {
  run_case(*state);
}

int main(void) {
  struct CMUnitTest tests[sizeof cases / sizeof cases[0]];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_case, (void *)&cases[i]);
    tests[i].name = cases[i].what;
  }
  return _cmocka_run_group_tests("test-f32-conv", tests, sizeof cases / sizeof cases[0], NULL,
                                 NULL);
}
