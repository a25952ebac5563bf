/*
 * Every column packer of kernels/lists/f32-conv-pack.inc the CPU has, and the driver's entry
 * (ops_f32_conv2d_pack_b), against the two-step reference they replace: plain im2col into a
 * [c*kh*kw, oh*ow] matrix, then ops_f32_gemm_pack_b. Strides 1 to 3, dilations 1 and 2, pads 0
 * to 2 (also uneven), 1x1 to 5x5 taps, planes narrower and wider than a panel, panel widths 8,
 * 16, 28 (the transposed GEMM's row panels), 32 and 48 (past the AVX-512 packer's limit), and
 * packing in panel ranges as threads do. The output buffer starts as NaN, so an element left
 * unwritten shows. The input lies against an inaccessible page, at its start in one pass and
 * at its end in another, so a load outside the plane faults.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "test-util.h"

#include "kernels/cpu.h"
#include "kernels/drivers/f32-conv-pack.h"
#include "kernels/drivers/f32-gemm.h"
#include "kernels/kconfig.h"

/* The variant under test; NULL: the driver's entry. */
static const struct ops_kconfig_conv_pack *variant;

static void pack(const struct ops_conv2d_geom *g, size_t nr, const float *x, float *packed,
                 size_t panel0, size_t panel1) {
  if (variant != NULL)
    variant->ukernel(g, nr, x, packed, panel0, panel1);
  else
    ops_f32_conv2d_pack_b(g, nr, x, packed, panel0, panel1);
}

/* n floats with an inaccessible page before and after: *at_start touches the page before,
 * *at_end ends where the page after begins. */
static unsigned char *guarded_new(size_t n, size_t *span, float **at_start, float **at_end) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t body = (n * sizeof(float) + page - 1) / page * page;
  *span = body + 2 * page;
  unsigned char *base =
      mmap(NULL, *span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(base != MAP_FAILED);
  assert_int_equal(mprotect(base, page, PROT_NONE), 0);
  assert_int_equal(mprotect(base + page + body, page, PROT_NONE), 0);
  *at_start = (float *)(base + page);
  *at_end = (float *)(base + page + body) - n;
  return base;
}

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
  size_t P = g.oh * g.ow, K = g.c * g.kh * g.kw, bytes, n_x = g.c * g.ih * g.iw, span;
  assert_true(ops_f32_gemm_packed_b_size(nr, P, K, &bytes));
  float *x_start, *x_end;
  unsigned char *guard = guarded_new(n_x, &span, &x_start, &x_end);
  float *cols = malloc(K * P * sizeof *cols), *want = malloc(bytes), *got = malloc(bytes);
  assert_non_null(cols);
  assert_non_null(want);
  assert_non_null(got);
  for (size_t i = 0; i < n_x; i++)
    x_start[i] = (float)(i % 97) - 48.0f; /* distinct per position: a misplaced element shows */
  im2col_ref(&g, x_start, cols);
  ops_f32_gemm_pack_b(nr, P, K, cols, P, 1, want);
  size_t panels = ops_conv2d_panels(&g, nr);
  for (int at_end = 0; at_end <= 1; at_end++) {
    float *x = at_end ? x_end : x_start;
    if (at_end) memmove(x_end, x_start, n_x * sizeof *x);
    for (size_t i = 0; i < bytes / sizeof *got; i++)
      got[i] = NAN;
    for (size_t t = 0; t < split; t++)
      pack(&g, nr, x, got, panels * t / split, panels * (t + 1) / split);
    for (size_t i = 0; i < bytes / sizeof *got; i++) {
      if (!(got[i] == want[i])) {
        fail_msg(
            "%s: c %zu %zux%zu k %zux%zu s %zu d %zu pad %zu,%zu nr %zu split %zu: element %zu "
            "is %g, want %g",
            variant != NULL ? variant->name : "ops_f32_conv2d_pack_b", g.c, g.ih, g.iw, g.kh, g.kw,
            g.sx, g.dx, g.pt, g.pl, nr, split, i, got[i], want[i]);
      }
    }
  }
  munmap(guard, span);
  free(cols);
  free(want);
  free(got);
}

static void test_geometries(void **state) {
  (void)state;
  static const size_t sizes[][2] = {{1, 1}, {3, 5}, {7, 7}, {13, 17}, {56, 56}, {5, 40}};
  static const size_t taps[] = {1, 3, 5};
  static const size_t nrs[] = {8, 16, 28, 32, 48};
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
    for (size_t ti = 0; ti < 3; ti++)
      for (size_t s = 1; s <= 3; s++)
        for (size_t d = 1; d <= 2; d++)
          for (size_t pad = 0; pad <= 2; pad++)
            for (size_t ni = 0; ni < sizeof nrs / sizeof nrs[0]; ni++) {
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

/* A kernel row wider than the AVX-512 packer's table (it hands those to the portable one). */
static void test_wide_taps(void **state) {
  (void)state;
  struct ops_conv2d_geom g = {.c = 2,
                              .ih = 3,
                              .iw = 40,
                              .kh = 1,
                              .kw = 17,
                              .sy = 1,
                              .sx = 1,
                              .dy = 1,
                              .dx = 1,
                              .pt = 0,
                              .pl = 8};
  check(&g, 32, 2);
}

int main(void) {
  const struct CMUnitTest cases[] = {
      cmocka_unit_test(test_geometries),
      cmocka_unit_test(test_asymmetric),
      cmocka_unit_test(test_wide_taps),
  };
  size_t n;
  const struct ops_kconfig_conv_pack *vs = ops_kconfig_f32_conv2d_pack_variants(&n);
  const uint32_t have = ops_cpu_dispatch_flags();
  int failed = 0;
  for (size_t i = 0; i <= n; i++) {
    variant = i < n ? &vs[i] : NULL;
    if (variant != NULL && (variant->isa_flags & have) != variant->isa_flags) {
      printf("skipping %s: this CPU lacks its ISA\n", variant->name);
      continue;
    }
    printf("%s\n", variant != NULL ? variant->name : "ops_f32_conv2d_pack_b");
    failed += cmocka_run_group_tests(cases, NULL, NULL);
  }
  return failed;
}
