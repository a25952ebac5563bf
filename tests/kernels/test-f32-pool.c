/*
 * The pooling microkernels of kernels/lists/f32-pool.inc against the scalar variant (the
 * oracle) and plain loops: every variant the CPU has, at, below and above its lane count and
 * at multiples, strides 1, 2 and 3, dilations 1 and 2, windows of 1 to 3 rows and columns, on
 * unaligned inputs allocated to end exactly at the last tap (so a read past it shows under
 * AddressSanitizer), with NaN, infinities, signed zeros and denormals among the values. Max
 * and average rows must match the oracle bit for bit; the global sum within a bound.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "kernels/cpu.h"
#include "kernels/kconfig.h"

static float value(size_t i, int special) {
  float v = (float)((i * 37 + 11) % 29) / 7.0f - 2.0f;
  if (!special) return v;
  switch (i % 23) {
    case 3:
      return NAN;
    case 5:
      return -0.0f;
    case 6:
      return 0.0f;
    case 9:
      return -INFINITY;
    case 13:
      return 1e-40f; /* denormal */
    case 17:
      return INFINITY;
    default:
      return v;
  }
}

static bool same_bits(float a, float b) {
  return memcmp(&a, &b, sizeof a) == 0;
}

static void check_rows(const struct ops_kconfig_pool *v, int special) {
  static const size_t counts[] = {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 55, 64, 65};
  for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
    for (size_t rows = 1; rows <= 3; rows++) {
      for (size_t kw = 1; kw <= 3; kw++) {
        for (size_t sx = 1; sx <= 3; sx++) {
          for (size_t dx = 1; dx <= 2; dx++) {
            size_t n = counts[ci];
            size_t span = (n - 1) * sx + (kw - 1) * dx + 1; /* elements one row's taps cover */
            size_t row_step = span + 3;
            size_t need = (rows - 1) * row_step + span;
            /* One float in front, so the data is unaligned and ends at the allocation's end. */
            float *buf = malloc((need + 1) * sizeof *buf);
            float *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
            assert_non_null(buf);
            assert_non_null(want);
            assert_non_null(got);
            float *x = buf + 1;
            for (size_t i = 0; i < need; i++)
              x[i] = value(i + n + kw, special);
            ops_f32_max_pool_ukernel__scalar_u1(n, rows, kw, x, row_step, sx, dx, want);
            v->max_pool(n, rows, kw, x, row_step, sx, dx, got);
            for (size_t j = 0; j < n; j++) {
              if (!same_bits(got[j], want[j])) {
                fail_msg("%s: max n %zu rows %zu kw %zu sx %zu dx %zu at %zu: %g, want %g", v->name,
                         n, rows, kw, sx, dx, j, got[j], want[j]);
              }
            }
            float div = (float)(rows * kw) + (special ? 0.5f : 0.0f);
            ops_f32_average_pool_ukernel__scalar_u1(n, rows, kw, x, row_step, sx, dx, div, want);
            v->average_pool(n, rows, kw, x, row_step, sx, dx, div, got);
            for (size_t j = 0; j < n; j++) {
              if (!same_bits(got[j], want[j]) && !(isnan(got[j]) && isnan(want[j]))) {
                fail_msg("%s: average n %zu rows %zu kw %zu sx %zu dx %zu at %zu: %g, want %g",
                         v->name, n, rows, kw, sx, dx, j, got[j], want[j]);
              }
            }
            free(buf);
            free(want);
            free(got);
          }
        }
      }
    }
  }
}

/* The max's exact rules, independent of the oracle: first NaN wins, first of equal zeros. */
static void check_max_rules(const struct ops_kconfig_pool *v) {
  float x[40], y[40];
  for (size_t i = 0; i < 40; i++)
    x[i] = -1.0f;
  x[4] = -0.0f;
  x[5] = 0.0f; /* window 4..5 of output 2 (kw 2, sx 2): -0 comes first */
  x[10] = 0.0f;
  x[11] = -0.0f;
  v->max_pool(20, 1, 2, x, 40, 2, 1, y);
  assert_true(same_bits(y[2], -0.0f));
  assert_true(same_bits(y[5], 0.0f));
  x[20] = 3.0f;
  x[21] = NAN;
  v->max_pool(20, 1, 2, x, 40, 2, 1, y);
  assert_true(isnan(y[10]));
  assert_true(same_bits(y[0], -1.0f));
  assert_true(
      same_bits(v->global_max_pool(40, x), ops_f32_global_max_pool_ukernel__scalar_u1(40, x)));
  assert_true(isnan(v->global_max_pool(40, x)));
  x[21] = 2.0f;
  assert_true(same_bits(v->global_max_pool(40, x), 3.0f));
  for (size_t i = 0; i < 40; i++)
    x[i] = i == 17 ? -0.0f : (i == 30 ? 0.0f : -5.0f);
  assert_true(same_bits(v->global_max_pool(40, x), -0.0f));
  assert_true(same_bits(v->global_max_pool(0, x), -INFINITY));

  /* Two rows of 3-wide windows at stride 2: in output 1's window (elements 2..4 of each row)
   * the -0 of row 0, column 4 comes before the +0 of row 1, column 2 in row-major order, though
   * not column by column. */
  float two[2][40];
  for (size_t r = 0; r < 2; r++)
    for (size_t i = 0; i < 40; i++)
      two[r][i] = -1.0f;
  two[0][4] = -0.0f;
  two[1][2] = 0.0f;
  v->max_pool(19, 2, 3, &two[0][0], 40, 2, 1, y);
  assert_true(same_bits(y[1], -0.0f));
  assert_true(same_bits(y[0], 0.0f)); /* row 1, column 2 */
  assert_true(same_bits(y[3], -1.0f));
}

static void check_global(const struct ops_kconfig_pool *v) {
  static const size_t counts[] = {0, 1, 7, 8, 9, 16, 31, 32, 33, 49, 63, 64, 65, 129, 169, 3136};
  for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
    size_t n = counts[ci];
    float *buf = malloc((n + 1) * sizeof *buf);
    assert_non_null(buf);
    float *x = buf + 1;
    double sum = 0.0, mag = 0.0;
    for (size_t i = 0; i < n; i++) {
      x[i] = value(i, 0);
      sum += x[i];
      mag += fabs(x[i]);
    }
    float got = v->global_average_pool(n, x);
    /* Float sums in any order are within n * eps of the exact sum, relative to sum |x|. */
    double bound = (double)(n + 1) * 1.2e-7 * mag;
    if (!(fabs((double)got - sum) <= bound)) {
      fail_msg("%s: sum of %zu is %g, want %g (bound %g)", v->name, n, got, sum, bound);
    }
    assert_true(
        same_bits(v->global_max_pool(n, x), ops_f32_global_max_pool_ukernel__scalar_u1(n, x)));
    for (size_t i = 0; i < n; i++)
      x[i] = value(i, 1);
    float gm = v->global_max_pool(n, x), wm = ops_f32_global_max_pool_ukernel__scalar_u1(n, x);
    if (!same_bits(gm, wm)) fail_msg("%s: max of %zu is %g, want %g", v->name, n, gm, wm);
    free(buf);
  }
}

static void test_variants(void **state) {
  (void)state;
  size_t count;
  const struct ops_kconfig_pool *vs = ops_kconfig_f32_pool_variants(&count);
  uint32_t have = ops_cpu_get()->detected;
  size_t checked = 0;
  for (size_t i = 0; i < count; i++) {
    if ((vs[i].isa_flags & have) != vs[i].isa_flags) {
      print_message("skipping %s: this CPU lacks its ISA\n", vs[i].name);
      continue;
    }
    check_rows(&vs[i], 0);
    check_rows(&vs[i], 1);
    check_max_rules(&vs[i]);
    check_global(&vs[i]);
    checked++;
  }
  assert_true(checked >= 1); /* the scalar variant runs everywhere */
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_variants)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
