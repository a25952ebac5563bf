/*
 * The 32-bit transpose microkernels of kernels/lists/x32-transpose.inc against a plain loop:
 * every variant the CPU has, matrices below, at and above the tile on either side and at
 * multiples, with row strides wider than the matrix, on unaligned buffers. Elements outside
 * the output matrix hold a sentinel that must survive, so a write past an edge shows.
 */
#include <stdint.h>
#include <stdlib.h>

#include "test-util.h"

#include "kernels/cpu.h"
#include "kernels/kconfig.h"

#define SENTINEL 0xdeadbeefu

static void check_variant(const struct ops_kconfig_transpose *v) {
  static const size_t sizes[] = {1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40};
  const size_t ns = sizeof sizes / sizeof sizes[0];
  for (size_t a = 0; a < ns; a++) {
    for (size_t b = 0; b < ns; b++) {
      size_t m = sizes[a], n = sizes[b];
      size_t xs = n + 5, ys = m + 3;
      uint32_t *xbuf = malloc((m * xs + 1) * sizeof *xbuf);
      uint32_t *ybuf = malloc((n * ys + 1) * sizeof *ybuf);
      assert_non_null(xbuf);
      assert_non_null(ybuf);
      uint32_t *x = xbuf + 1, *y = ybuf + 1;
      for (size_t i = 0; i < m * xs; i++)
        x[i] = (uint32_t)(i * 2654435761u);
      for (size_t i = 0; i < n * ys; i++)
        y[i] = SENTINEL;
      v->ukernel(x, xs, y, ys, m, n);
      for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < ys; i++) {
          uint32_t want = i < m ? x[i * xs + j] : SENTINEL;
          if (y[j * ys + i] != want) {
            fail_msg("%s: %zux%zu at (%zu, %zu): %08x, want %08x", v->name, m, n, j, i,
                     y[j * ys + i], want);
          }
        }
      }
      free(xbuf);
      free(ybuf);
    }
  }
}

static void test_variants(void **state) {
  (void)state;
  size_t count;
  const struct ops_kconfig_transpose *vs = ops_kconfig_x32_transpose_variants(&count);
  uint32_t have = ops_cpu_get()->detected;
  size_t checked = 0;
  for (size_t i = 0; i < count; i++) {
    if ((vs[i].isa_flags & have) != vs[i].isa_flags) {
      print_message("skipping %s: this CPU lacks its ISA\n", vs[i].name);
      continue;
    }
    check_variant(&vs[i]);
    checked++;
  }
  assert_true(checked >= 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_variants)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
