/* tui/overrides.c and tui/snapshot.c: the overrides file round trip and its refusals, and the
 * history rings behind the sparklines. */
#include <stdlib.h>
#include <unistd.h>

#include "test-util.h"

#include "src/load.h"
#include "tui/overrides.h"
#include "tui/snapshot.h"

static struct ops_graph *load(const char *path) {
  struct ops_graph *g = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (ops_load_model(path, &g, &d) != OPS_OK) fail_msg("%s", d.msg);
  return g;
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int node_index(const struct ops_graph *g, const char *name) {
  for (size_t i = 0; i < g->n_nodes; i++) {
    if (strcmp(g->nodes[i].name, name) == 0) return (int)i;
  }
  fail_msg("no node %s", name);
  return -1;
}

static void test_round_trip(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:mnist");
  char path[] = "/tmp/opscope-test-overrides-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  int *units = calloc(g->n_nodes, sizeof *units);
  int *back = calloc(g->n_nodes, sizeof *back);
  assert_non_null(units);
  assert_non_null(back);
  for (size_t i = 0; i < g->n_nodes; i++)
    units[i] = -1;
  units[node_index(g, "conv1")] = OPSCOPE_UNIT_SCALAR;
  units[node_index(g, "fc1")] = OPSCOPE_UNIT_THREADS;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_tui_overrides_write(path, g, units, &d), OPS_OK);
  assert_int_equal(ops_tui_overrides_read(path, g, back, &d), OPS_OK);
  for (size_t i = 0; i < g->n_nodes; i++)
    assert_int_equal(back[i], units[i]);
  unlink(path);
  /* A missing file is an empty set of overrides. */
  assert_int_equal(ops_tui_overrides_read(path, g, back, &d), OPS_OK);
  for (size_t i = 0; i < g->n_nodes; i++)
    assert_int_equal(back[i], -1);
  free(units);
  free(back);
  ops_graph_free(g);
}

/* Each malformed file fails with exit-2 status and PATH:LINE in the message. */
static void test_bad_files(void **state) {
  (void)state;
  static const struct {
    const char *text;
    const char *want;
  } cases[] = {
      {"conv1\n", ":1: expected 'NODE UNIT', got one word"},
      {"# c\nconv1 simd extra\n", ":2: expected 'NODE UNIT', got more than two words"},
      {"nosuch simd\n", ":1: the model has no node 'nosuch'"},
      {"conv1 all\n", ":1: node 'conv1': 'all' is not a unit"},
      {"conv1 simd\n\nconv1 scalar\n", ":3: node 'conv1' is overridden twice"},
  };
  struct ops_graph *g = load("builtin:mnist");
  int *units = calloc(g->n_nodes, sizeof *units);
  assert_non_null(units);
  char path[] = "/tmp/opscope-test-overrides-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    write_text(path, cases[i].text);
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    assert_int_equal(ops_tui_overrides_read(path, g, units, &d), OPS_ERR_BAD_INPUT);
    OPS_ASSERT_CONTAINS(d.msg, path);
    OPS_ASSERT_CONTAINS(d.msg, cases[i].want);
  }
  unlink(path);
  free(units);
  ops_graph_free(g);
}

static void test_ring_keeps_newest(void **state) {
  (void)state;
  float ring[4];
  size_t len = 0, head = 0;
  for (int v = 1; v <= 6; v++)
    ops_tui_ring_push(ring, 4, &len, &head, (float)v);
  assert_int_equal(len, 4);
  /* Oldest first: 3, 4, 5, 6. */
  for (size_t i = 0; i < 4; i++) {
    OPS_ASSERT_NEAR(ops_tui_ring_get(ring, 4, head, i), 3.0 + (double)i, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_bad_files),
      cmocka_unit_test(test_ring_keeps_newest),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
