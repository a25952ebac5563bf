/* compiler/mem-plan.c: buffers live at the same time never overlap; dead ones are reused. */
#include <stdint.h>
#include <stdlib.h>

#include "test-util.h"

#include "compiler/mem-plan.h"

/* Checks the invariant on every pair and that offsets are aligned and inside the arena. */
static void check_plan(const struct ops_mem_request *r, size_t n, size_t arena) {
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(r[i].offset % OPS_MEM_ALIGN, 0);
    assert_true(r[i].offset + r[i].bytes <= arena);
    for (size_t j = i + 1; j < n; j++) {
      bool live_together = r[i].first <= r[j].last && r[j].first <= r[i].last;
      bool overlap =
          r[i].offset < r[j].offset + r[j].bytes && r[j].offset < r[i].offset + r[i].bytes;
      if (live_together && overlap && r[i].bytes && r[j].bytes) {
        fail_msg("requests %zu [%d,%d] @%zu+%zu and %zu [%d,%d] @%zu+%zu overlap", i, r[i].first,
                 r[i].last, r[i].offset, r[i].bytes, j, r[j].first, r[j].last, r[j].offset,
                 r[j].bytes);
      }
    }
  }
}

static void test_chain_reuses(void **state) {
  (void)state;
  /* A chain a -> b -> c -> d: each buffer dies after the next step, so two slots suffice. */
  struct ops_mem_request r[4] = {
      {1000, 0, 1, 0}, {1000, 1, 2, 0}, {1000, 2, 3, 0}, {1000, 3, 4, 0}};
  size_t arena, naive;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_mem_plan(r, 4, &arena, &naive, &d), OPS_OK);
  check_plan(r, 4, arena);
  assert_int_equal(naive, 4 * 1024);
  assert_int_equal(arena, 2 * 1024);
}

static void test_random_intervals(void **state) {
  (void)state;
  srand(7);
  for (int round = 0; round < 50; round++) {
    struct ops_mem_request r[40];
    size_t n = 1 + (size_t)(rand() % 40);
    for (size_t i = 0; i < n; i++) {
      r[i].first = rand() % 30;
      r[i].last = r[i].first + rand() % 10;
      r[i].bytes = (size_t)(rand() % 5000);
      r[i].offset = 0;
    }
    size_t arena, naive;
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    assert_int_equal(ops_mem_plan(r, n, &arena, &naive, &d), OPS_OK);
    check_plan(r, n, arena);
    assert_true(arena <= naive);
  }
}

static void test_overflow(void **state) {
  (void)state;
  struct ops_mem_request r[2] = {{SIZE_MAX - 10, 0, 1, 0}, {SIZE_MAX / 2, 0, 1, 0}};
  size_t arena, naive;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_mem_plan(r, 2, &arena, &naive, &d), OPS_ERR_NO_MEMORY);
  OPS_ASSERT_CONTAINS(d.msg, "overflow");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_chain_reuses),
      cmocka_unit_test(test_random_intervals),
      cmocka_unit_test(test_overflow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
