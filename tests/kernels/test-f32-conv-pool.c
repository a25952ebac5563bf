/*
 * A Conv with a fused MaxPool (compiler/pass-fuse.c's Conv+MaxPool) on the scalar unit and on
 * the simd unit's band driver (kernels/drivers/f32-conv-pool.c), against the conv and the pool
 * computed by their definitions in double. Each case binds a hand-built Conv node whose fusion
 * record holds the pool, runs the scalar kernel, then the simd kernel on this thread and on
 * pools of 2 and 3 threads (bound for 3, so each has its slice of scratch). The cases cover the
 * models' pools (3x3/2 with ceil_mode, squeezenet1_1; 2x2/2, mnist_cnn), padded and hanging
 * windows, stride 1, both GEMM orientations, a batch of 2, weights that are not constant, a
 * fused clamp and a fused activation pass, conv pads past the kernel (bands wholly in the
 * padding), and planes whose bands are cut by the scratch budget or by the threads.
 *
 * Tolerance: each conv output within (K + 2) * FLT_EPSILON times the sum of the magnitudes of
 * its bias and products (as test-f32-conv.c); a pooled output within the largest tolerance of
 * its window, since a max moves no more than its arguments do.
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
#include "kernels/params-simd.h"
#include "src/fused-pool.h"
#include "src/graph.h"

struct case_ {
  const char *what;
  int64_t n, c, h, w, m, k, stride, pad; /* the conv: X [n, c, h, w], W [m, c, k, k] */
  int64_t pk, ps, pp;                    /* the pool: kernel, stride, pads */
  bool ceil, bias, w_const;
  int act; /* 0 none, 1 Relu (the clamp), 2 Sigmoid (an activation pass) */
};

static int64_t conv_out(int64_t in, int64_t k, int64_t s, int64_t p) {
  return (in + 2 * p - k) / s + 1;
}

/* The conv [n, m, oh, ow] by its definition, activation applied, with each element's bound. */
static void conv_reference(const struct case_ *t, const float *x, const float *w, const float *b,
                           int64_t oh, int64_t ow, double *want, double *tol) {
  const int64_t K = t->c * t->k * t->k;
  for (int64_t n = 0; n < t->n; n++)
    for (int64_t m = 0; m < t->m; m++)
      for (int64_t oy = 0; oy < oh; oy++)
        for (int64_t ox = 0; ox < ow; ox++) {
          double sum = t->bias ? b[m] : 0.0, mag = t->bias ? fabs(b[m]) : 0.0;
          for (int64_t c = 0; c < t->c; c++)
            for (int64_t ky = 0; ky < t->k; ky++)
              for (int64_t kx = 0; kx < t->k; kx++) {
                int64_t iy = oy * t->stride - t->pad + ky, ix = ox * t->stride - t->pad + kx;
                if (iy < 0 || iy >= t->h || ix < 0 || ix >= t->w) continue;
                double p = (double)x[((n * t->c + c) * t->h + iy) * t->w + ix] *
                           w[((m * t->c + c) * t->k + ky) * t->k + kx];
                sum += p;
                mag += fabs(p);
              }
          double tl = (double)(K + 2) * FLT_EPSILON * mag + FLT_MIN;
          if (t->act == 1) sum = sum < 0.0 ? 0.0 : sum;
          if (t->act == 2) {
            sum = 1.0 / (1.0 + exp(-sum));
            tl = tl / 4 + 4 * FLT_EPSILON;
          }
          size_t at = (size_t)(((n * t->m + m) * oh + oy) * ow + ox);
          want[at] = sum;
          tol[at] = tl;
        }
}

/* The pool of the conv [planes, oh, ow] into [planes, ph, pw], and each output's bound. */
static void pool_reference(const struct case_ *t, int64_t planes, int64_t oh, int64_t ow,
                           int64_t ph, int64_t pw, const double *cv, const double *ctol,
                           double *want, double *tol) {
  for (int64_t pl = 0; pl < planes; pl++)
    for (int64_t py = 0; py < ph; py++)
      for (int64_t px = 0; px < pw; px++) {
        double best = -INFINITY, tl = 0.0;
        for (int64_t ky = 0; ky < t->pk; ky++)
          for (int64_t kx = 0; kx < t->pk; kx++) {
            int64_t iy = py * t->ps - t->pp + ky, ix = px * t->ps - t->pp + kx;
            if (iy < 0 || iy >= oh || ix < 0 || ix >= ow) continue;
            size_t at = (size_t)((pl * oh + iy) * ow + ix);
            if (cv[at] > best) best = cv[at];
            if (ctol[at] > tl) tl = ctol[at];
          }
        size_t at = (size_t)((pl * ph + py) * pw + px);
        want[at] = best;
        tol[at] = tl;
      }
}

/* Binds node nd on `unit` (the scalar unit, or simd / threads through ops_bind_simd). */
static void bind(const struct case_ *t, struct ops_graph *g, struct ops_node *nd, int unit,
                 struct ops_binding *b) {
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  enum ops_status st = unit == OPSCOPE_UNIT_SCALAR ? ops_bind_scalar(g, nd, b, &d)
                                                   : ops_bind_simd(g, nd, unit, b, &d);
  if (st != OPS_OK) fail_msg("%s: bind failed: %s", t->what, d.msg);
}

static void run_case(const struct case_ *t) {
  const int64_t oh = conv_out(t->h, t->k, t->stride, t->pad);
  const int64_t ow = conv_out(t->w, t->k, t->stride, t->pad);
  struct ops_fused_pool fp = {.on = true,
                              .kernel = {t->pk, t->pk},
                              .strides = {t->ps, t->ps},
                              .pads_begin = {t->pp, t->pp},
                              .pads_end = {t->pp, t->pp},
                              .ceil_mode = t->ceil};
  int64_t pooled[2];
  assert_true(ops_fused_pool_out(&fp, (int64_t[]){oh, ow}, pooled));
  const int64_t ph = pooled[0], pw = pooled[1];
  const size_t nx = (size_t)(t->n * t->c * t->h * t->w), nw = (size_t)(t->m * t->c * t->k * t->k);
  const size_t nc = (size_t)(t->n * t->m * oh * ow), ny = (size_t)(t->n * t->m * ph * pw);
  float *x = malloc(nx * sizeof *x), *w = malloc(nw * sizeof *w);
  float *b = malloc((size_t)t->m * sizeof *b), *y = malloc(ny * sizeof *y);
  double *cv = malloc(nc * sizeof *cv), *ctol = malloc(nc * sizeof *ctol);
  double *want = malloc(ny * sizeof *want), *tol = malloc(ny * sizeof *tol);
  assert_true(x && w && b && y && cv && ctol && want && tol);
  kt_fill(x, (int64_t)nx, 1);
  kt_fill(w, (int64_t)nw, 2);
  kt_fill(b, t->m, 3);
  conv_reference(t, x, w, b, oh, ow, cv, ctol);
  pool_reference(t, t->n * t->m, oh, ow, ph, pw, cv, ctol, want, tol);

  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  int xi = tensor(g, "X", OPS_DTYPE_F32, DIMS(t->n, t->c, t->h, t->w), NULL, 0);
  int wi = tensor(g, "W", OPS_DTYPE_F32, DIMS(t->m, t->c, t->k, t->k), t->w_const ? w : NULL,
                  nw * sizeof *w);
  int bi = t->bias ? tensor(g, "B", OPS_DTYPE_F32, DIMS(t->m), b, (size_t)t->m * sizeof *b) : -1;
  int yi = tensor(g, "Y", OPS_DTYPE_F32, DIMS(t->n, t->m, ph, pw), NULL, 0);
  struct ops_node *nd = t->bias ? node(g, "conv", "Conv", IO(xi, wi, bi), IO(yi))
                                : node(g, "conv", "Conv", IO(xi, wi), IO(yi));
  attr_ints(nd, "kernel_shape", INTS(t->k, t->k));
  attr_ints(nd, "strides", INTS(t->stride, t->stride));
  attr_ints(nd, "pads", INTS(t->pad, t->pad, t->pad, t->pad));
  nd->fused.pool = fp;
  nd->fused.act = t->act == 1 ? OPS_FUSED_ACT_RELU : t->act == 2 ? OPS_FUSED_ACT_SIGMOID : 0;

  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(t->n, t->c, t->h, t->w));
  kt_in(&k, w, OPSCOPE_DTYPE_F32, KT_DIMS(t->m, t->c, t->k, t->k));
  if (t->bias) kt_in(&k, b, OPSCOPE_DTYPE_F32, KT_DIMS(t->m));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(t->n, t->m, ph, pw));

  /* The scalar reference: the conv into scratch, then the MaxPool kernel. */
  struct ops_binding sb;
  bind(t, g, nd, OPSCOPE_UNIT_SCALAR, &sb);
  assert_int_equal(sb.scratch_bytes, nc * sizeof(float));
  void *scratch = malloc(sb.scratch_bytes);
  assert_non_null(scratch);
  for (size_t i = 0; i < ny; i++)
    y[i] = NAN;
  assert_int_equal(kt_run_on(&k, sb.kernel->fn, sb.params, scratch, sb.scratch_bytes, NULL),
                   OPS_KRESULT_OK);
  for (size_t i = 0; i < ny; i++)
    if (!(fabs(y[i] - want[i]) <= tol[i]))
      fail_msg("%s, scalar: Y[%zu] = %.9g, expected %.9g", t->what, i, y[i], want[i]);
  free(scratch);
  ops_binding_done(&sb);

  /* The band driver, bound for the threads unit with 3 threads and run on 1, 2 and 3. */
  ops_exec_set_pool_threads(3);
  struct ops_binding bd;
  bind(t, g, nd, OPSCOPE_UNIT_THREADS, &bd);
  const struct ops_simd_conv_params *p = bd.params;
  assert_non_null(p->pool.cfg);
  const size_t bands = (size_t)(ph + (int64_t)p->band_rows - 1) / p->band_rows;
  print_message("%s: %s, %zu bands of %zu rows, %zu KiB of scratch per thread\n", t->what,
                p->packed_w_offset != 0 ? "Y^T = cols^T W^T" : "Y = W cols", bands, p->band_rows,
                p->band_slice / 1024);
  assert_int_equal(bd.scratch_bytes, 3 * p->band_slice);
  assert_int_equal(posix_memalign(&scratch, 64, bd.scratch_bytes), 0);
  kt_check_on_pools(t->what, &k, bd.kernel->fn, bd.params, scratch, bd.scratch_bytes, y, want, tol,
                    ny);
  free(scratch);
  ops_binding_done(&bd);
  ops_graph_free(g);
  free(x);
  free(w);
  free(b);
  free(y);
  free(cv);
  free(ctol);
  free(want);
  free(tol);
}

static const struct case_ cases[] = {
    /* n  c   h   w   m   k  s  p   pk ps pp  ceil   bias   w_const act */
    {"squeezenet's first layer, 3x3/2 pool with ceil_mode", 1, 3, 35, 35, 64, 3, 2, 0, 3, 2, 0,
     true, true, true, 1},
    {"mnist_cnn's second conv, 2x2/2 pool", 1, 32, 26, 26, 64, 3, 1, 0, 2, 2, 0, false, true, true,
     1},
    {"ceil_mode window hanging past the last row", 1, 8, 20, 20, 16, 3, 1, 0, 3, 2, 0, true, true,
     true, 0},
    {"padded pool 3x3/2 pad 1, padded conv", 1, 16, 15, 15, 24, 3, 1, 1, 3, 2, 1, false, false,
     true, 1},
    {"pool stride 1", 1, 8, 12, 12, 20, 3, 1, 1, 3, 1, 1, false, true, true, 2},
    {"transposed: 64->160 at 9x9, 2x2/2 pool", 1, 64, 9, 9, 160, 3, 1, 1, 2, 2, 0, false, true,
     true, 1},
    {"transposed, split by panels: 32->512 at 4x4, 2x2/2 pool", 1, 32, 4, 4, 512, 3, 1, 1, 2, 2, 0,
     false, true, true, 1},
    {"conv pads past its kernel: 1x1 pad 3, last bands in the padding", 1, 8, 8, 8, 16, 1, 1, 3, 2,
     2, 0, false, true, true, 0},
    {"batch 2, weights not constant, Sigmoid", 2, 6, 21, 17, 12, 3, 2, 1, 3, 2, 0, true, true,
     false, 2},
    {"bands cut by the threads: 8->16 at 64x64", 1, 8, 64, 64, 16, 3, 1, 1, 3, 2, 1, false, true,
     true, 1},
    {"bands cut by the scratch budget: 16->256 at 96x96 1x1", 1, 16, 96, 96, 256, 1, 1, 0, 2, 2, 0,
     false, true, true, 0},
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
  return _cmocka_run_group_tests("test-f32-conv-pool", tests, sizeof cases / sizeof cases[0], NULL,
                                 NULL);
}
