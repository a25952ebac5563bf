/*
 * ops_f32_conv2d_pack_b against the two-step reference it replaces: plain im2col into a
 * [c*kh*kw, oh*ow] matrix, then ops_f32_gemm_pack_b. Strides 1 to 3, dilations 1 and 2, pads 0
 * to 2 (also uneven), 1x1 to 5x5 taps, planes narrower and wider than a panel, panel widths 16
 * and 32, and packing in panel ranges as threads do. The output buffer starts as NaN, so an
 * element left unwritten shows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "kernels/drivers/f32-conv-pack.h"
#include "kernels/drivers/f32-gemm.h"

static void im2col_ref(const struct ops_conv2d_geom *g, const float *x, float *cols) {
  size_t P = g->oh * g->ow, r = 0;
  for (size_t c = 0; c < g->c; c++)
    for (size_t ky = 0; ky < g->kh; ky++)
      for (size_t kx = 0; kx < g->kw; kx++, r++)
        for (size_t p = 0; p < P; p++) {
          long iy = (long)((p / g->ow) * g->sy + ky * g->dy) - (long)g->pt;
          long ix = (long)((p % g->ow) * g->sx + kx * g->dx) - (long)g->pl;
          bool in = iy >= 0 && iy < (long)g->ih && ix >= 0 && ix < (long)g->iw;
          cols[r * P + p] = in ? x[c * g->ih * g->iw + (size_t)iy * g->iw + (size_t)ix] : 0.0f;
        }
}

static void check(const struct ops_conv2d_geom *g0, size_t nr, size_t split) {
  struct ops_conv2d_geom g = *g0;
  long oh = ((long)g.ih + (long)g.pt + 1 - (long)((g.kh - 1) * g.dy + 1)) / (long)g.sy + 1;
  long ow = ((long)g.iw + (long)g.pl + 1 - (long)((g.kw - 1) * g.dx + 1)) / (long)g.sx + 1;
  if (oh <= 0 || ow <= 0) return; /* the window does not fit: not a convolution */
  g.oh = (size_t)oh;
  g.ow = (size_t)ow;
  size_t P = g.oh * g.ow, K = g.c * g.kh * g.kw, bytes;
  assert_true(ops_f32_gemm_packed_b_size(nr, P, K, &bytes));
  float *x = malloc(g.c * g.ih * g.iw * sizeof *x), *cols = malloc(K * P * sizeof *cols);
  float *want = malloc(bytes), *got = malloc(bytes);
  assert_non_null(x);
  assert_non_null(cols);
  assert_non_null(want);
  assert_non_null(got);
  for (size_t i = 0; i < g.c * g.ih * g.iw; i++)
    x[i] = (float)(i % 97) - 48.0f; /* distinct per position: a misplaced element shows */
  im2col_ref(&g, x, cols);
  ops_f32_gemm_pack_b(nr, P, K, cols, P, 1, want);
  for (size_t i = 0; i < bytes / sizeof *got; i++)
    got[i] = NAN;
  size_t panels = ops_conv2d_panels(&g, nr);
  for (size_t t = 0; t < split; t++)
    ops_f32_conv2d_pack_b(&g, nr, x, got, panels * t / split, panels * (t + 1) / split);
  for (size_t i = 0; i < bytes / sizeof *got; i++) {
    if (!(got[i] == want[i])) {
      fail_msg(
          "c %zu %zux%zu k %zux%zu s %zu d %zu pad %zu,%zu nr %zu split %zu: element %zu "
          "is %g, want %g",
          g.c, g.ih, g.iw, g.kh, g.kw, g.sx, g.dx, g.pt, g.pl, nr, split, i, got[i], want[i]);
    }
  }
  free(x);
  free(cols);
  free(want);
  free(got);
}

static void test_geometries(void **state) {
  (void)state;
  static const size_t sizes[][2] = {{1, 1}, {3, 5}, {7, 7}, {13, 17}, {56, 56}, {5, 40}};
  static const size_t taps[] = {1, 3, 5};
  static const size_t nrs[] = {16, 32};
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
    for (size_t ti = 0; ti < 3; ti++)
      for (size_t s = 1; s <= 3; s++)
        for (size_t d = 1; d <= 2; d++)
          for (size_t pad = 0; pad <= 2; pad++)
            for (size_t ni = 0; ni < 2; ni++) {
              struct ops_conv2d_geom g = {.c = 2,
                                          .ih = sizes[si][0],
                                          .iw = sizes[si][1],
                                          .kh = taps[ti],
                                          .kw = taps[ti],
                                          .sy = s,
                                          .sx = s,
                                          .dy = d,
                                          .dx = d,
                                          .pt = pad,
                                          .pl = pad == 2 ? 1 : pad};
              check(&g, nrs[ni], 1);
              check(&g, nrs[ni], 3);
            }
}

/* Different kernel height and width, strides and dilations per axis. */
static void test_asymmetric(void **state) {
  (void)state;
  struct ops_conv2d_geom g = {.c = 3,
                              .ih = 9,
                              .iw = 20,
                              .kh = 1,
                              .kw = 7,
                              .sy = 2,
                              .sx = 1,
                              .dy = 1,
                              .dx = 2,
                              .pt = 0,
                              .pl = 3};
  check(&g, 32, 2);
  g = (struct ops_conv2d_geom){.c = 1,
                               .ih = 30,
                               .iw = 4,
                               .kh = 5,
                               .kw = 1,
                               .sy = 1,
                               .sx = 3,
                               .dy = 2,
                               .dx = 1,
                               .pt = 4,
                               .pl = 0};
  check(&g, 16, 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_geometries),
      cmocka_unit_test(test_asymmetric),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
