/*
 * The depthwise microkernels of kernels/lists/f32-dwconv.inc against a plain loop: every
 * variant the CPU has, at, below and above its lane count and at multiples, strides 1, 2 and 3,
 * dilations 1 and 2, 3x3 and 5x5 taps, with and without a clamp, on a padded plane whose
 * slack is poisoned with NaN, so a read past what the output needs would show.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "kernels/cpu.h"
#include "kernels/kconfig.h"

static float reference(const float *xp, size_t stride, const float *w, float bias, size_t oy,
                       size_t ox, const struct ops_dwconv_geom *g,
                       const struct ops_f32_minmax_params *c) {
  double acc = bias;
  for (size_t ky = 0; ky < g->kh; ky++)
    for (size_t kx = 0; kx < g->kw; kx++)
      acc += (double)w[ky * g->kw + kx] *
             xp[(oy * g->sy + ky * g->dy) * stride + ox * g->sx + kx * g->dx];
  float v = (float)acc;
  v = v < c->min ? c->min : v;
  return v > c->max ? c->max : v;
}

static void check_variant(const struct ops_kconfig_dwconv *v) {
  static const size_t widths[] = {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47};
  static const size_t taps[] = {3, 5};
  for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
    for (size_t ti = 0; ti < 2; ti++) {
      for (size_t s = 1; s <= 3; s++) {
        for (size_t dil = 1; dil <= 2; dil++) {
          struct ops_dwconv_geom g = {taps[ti], taps[ti], s, s, dil, dil};
          size_t ow = widths[wi], oh = 3;
          size_t used_w = (ow - 1) * s + (g.kw - 1) * dil + 1;
          size_t stride = ops_dwconv_padded_width(ow, v->lanes, &g, used_w);
          size_t rows = (oh - 1) * s + (g.kh - 1) * dil + 1;
          float *xp = malloc(rows * stride * sizeof *xp);
          float *y = malloc(oh * ow * sizeof *y);
          float w[25];
          assert_non_null(xp);
          assert_non_null(y);
          for (size_t i = 0; i < rows * stride; i++) {
            /* What the outputs read is data; the slack past it is NaN. */
            xp[i] = i % stride < used_w ? (float)((i * 37) % 19) / 7.0f - 1.3f : NAN;
          }
          for (size_t i = 0; i < 25; i++)
            w[i] = (float)((i * 11) % 7) / 5.0f - 0.6f;
          const struct ops_f32_minmax_params clamps[2] = {{-INFINITY, INFINITY}, {-0.5f, 0.75f}};
          for (int ci = 0; ci < 2; ci++) {
            v->ukernel(xp, stride, w, 0.25f, y, oh, ow, &g, &clamps[ci]);
            for (size_t oy = 0; oy < oh; oy++) {
              for (size_t ox = 0; ox < ow; ox++) {
                float want = reference(xp, stride, w, 0.25f, oy, ox, &g, &clamps[ci]);
                float got = y[oy * ow + ox];
                if (!(fabsf(got - want) <= 1e-5f * (1.0f + fabsf(want)))) {
                  fail_msg("%s: ow %zu k %zu s %zu d %zu clamp %d at (%zu, %zu): %g, want %g",
                           v->name, ow, g.kw, s, dil, ci, oy, ox, got, want);
                }
              }
            }
          }
          free(xp);
          free(y);
        }
      }
    }
  }
}

static void test_variants(void **state) {
  (void)state;
  size_t n;
  const struct ops_kconfig_dwconv *vs = ops_kconfig_f32_dwconv_variants(&n);
  uint32_t have = ops_cpu_get()->detected;
  size_t checked = 0;
  for (size_t i = 0; i < n; i++) {
    if ((vs[i].isa_flags & have) != vs[i].isa_flags) {
      print_message("skipping %s: this CPU lacks its ISA\n", vs[i].name);
      continue;
    }
    check_variant(&vs[i]);
    checked++;
  }
  assert_true(checked >= 1); /* the scalar variant runs everywhere */
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_variants)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
