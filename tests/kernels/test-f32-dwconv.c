/*
 * The depthwise microkernels of kernels/lists/f32-dwconv.inc against a plain loop: every
 * variant the CPU has, at, below and above its lane count and at multiples, strides 1, 2 and 3,
 * dilations 1 and 2, 3x3 and 5x5 taps, with and without a clamp, on a padded plane whose
 * slack is poisoned with NaN, so a read past what the output needs would show.
 * The 3x3 family of kernels/lists/f32-dwconv3x3.inc, which reads the plane unpadded: every
 * variant the CPU has, strides 1 and 2, paddings 0 to 2 on each side, widths around its lane
 * count, against the padded definition, on a plane placed right after an inaccessible page and
 * again right before one, so a load of any element outside the plane faults.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* Room for n floats with an inaccessible page before and after; *at_start and *at_end get
 * where n floats begin so they touch the page before, or end where the page after begins. */
struct guarded {
  unsigned char *base;
  size_t span;
};

static struct guarded guarded_new(size_t n, float **at_start, float **at_end) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t body = (n * sizeof(float) + page - 1) / page * page;
  struct guarded g = {NULL, body + 2 * page};
  g.base = mmap(NULL, g.span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(g.base != MAP_FAILED);
  assert_int_equal(mprotect(g.base, page, PROT_NONE), 0);
  assert_int_equal(mprotect(g.base + page + body, page, PROT_NONE), 0);
  *at_start = (float *)(g.base + page);
  *at_end = (float *)(g.base + page + body) - n;
  return g;
}

static void check_3x3(const struct ops_kconfig_dwconv3x3 *v) {
  static const size_t widths[] = {1, 2, 7, 15, 16, 17, 31, 32, 33, 50};
  static const size_t heights[] = {1, 2, 5};
  float w[9];
  for (int i = 0; i < 9; i++)
    w[i] = (float)(i + 1) * 0.125f - 0.5f;
  const struct ops_f32_minmax_params clamp = {-2.0f, 2.5f};
  for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
    for (size_t hi = 0; hi < sizeof heights / sizeof heights[0]; hi++)
      for (size_t s = 1; s <= 2; s++)
        for (size_t pad = 0; pad <= 2; pad++) {
          size_t iw = widths[wi], ih = heights[hi];
          if (iw + 2 * pad < 3 || ih + 2 * pad < 3) continue;
          struct ops_dwconv3x3_geom g = {
              ih, iw, (ih + 2 * pad - 3) / s + 1, (iw + 2 * pad - 3) / s + 1, pad, pad, s};
          /* The padded plane of the definition, and the same values unpadded. */
          size_t pw = iw + 2 * pad, ph = ih + 2 * pad;
          float *xp = calloc(pw * ph, sizeof *xp), *start, *end;
          struct guarded mem = guarded_new(ih * iw, &start, &end);
          for (size_t r = 0; r < ih; r++)
            for (size_t c = 0; c < iw; c++) {
              float val = (float)((r * 31 + c * 17) % 23) * 0.25f - 2.5f;
              xp[(r + pad) * pw + c + pad] = val;
              start[r * iw + c] = end[r * iw + c] = val;
            }
          const struct ops_dwconv_geom full = {3, 3, s, s, 1, 1};
          float *y = malloc(g.oh * g.ow * sizeof *y);
          for (int place = 0; place < 2; place++) {
            for (size_t i = 0; i < g.oh * g.ow; i++)
              y[i] = NAN;
            v->ukernel(place == 0 ? start : end, &g, w, 0.75f, y, &clamp);
            for (size_t oy = 0; oy < g.oh; oy++)
              for (size_t ox = 0; ox < g.ow; ox++) {
                float want = reference(xp, pw, w, 0.75f, oy, ox, &full, &clamp);
                float got = y[oy * g.ow + ox];
                if (!(fabsf(got - want) <= 1e-5f))
                  fail_msg("%s %zux%zu stride %zu pad %zu: y[%zu][%zu] = %g, expected %g", v->name,
                           ih, iw, s, pad, oy, ox, got, want);
              }
          }
          free(y);
          free(xp);
          munmap(mem.base, mem.span);
        }
}

static void test_3x3_variants(void **state) {
  (void)state;
  size_t n;
  const struct ops_kconfig_dwconv3x3 *vs = ops_kconfig_f32_dwconv3x3_variants(&n);
  uint32_t have = ops_cpu_get()->detected;
  size_t checked = 0;
  for (size_t i = 0; i < n; i++) {
    if ((vs[i].isa_flags & have) != vs[i].isa_flags) {
      print_message("skipping %s: this CPU lacks its ISA\n", vs[i].name);
      continue;
    }
    check_3x3(&vs[i]);
    checked++;
  }
  if (checked == 0) skip();
}

/* The 3x3 family serves exactly 3x3 taps, dilation 1, equal strides of 1 or 2. */
static void test_3x3_choice(void **state) {
  (void)state;
  const struct ops_dwconv_geom no[] = {{5, 5, 1, 1, 1, 1},
                                       {3, 3, 1, 1, 2, 2},
                                       {3, 3, 3, 3, 1, 1},
                                       {3, 3, 1, 2, 1, 1},
                                       {3, 1, 1, 1, 1, 1}};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
    assert_null(ops_kconfig_f32_dwconv3x3(&no[i]));
  /* A fitting geometry gets a variant exactly when the ISA in effect has one, and then one
   * that this ISA can run. */
  const struct ops_dwconv_geom yes = {3, 3, 2, 2, 1, 1};
  size_t n;
  const struct ops_kconfig_dwconv3x3 *vs = ops_kconfig_f32_dwconv3x3_variants(&n);
  const uint32_t flags = ops_cpu_dispatch_flags();
  bool any = false;
  for (size_t i = 0; i < n; i++)
    any |= (vs[i].isa_flags & flags) == vs[i].isa_flags;
  const struct ops_kconfig_dwconv3x3 *k = ops_kconfig_f32_dwconv3x3(&yes);
  assert_int_equal(k != NULL, any);
  if (k != NULL) assert_int_equal(k->isa_flags & ~flags, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_variants),
                                     cmocka_unit_test(test_3x3_variants),
                                     cmocka_unit_test(test_3x3_choice)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
