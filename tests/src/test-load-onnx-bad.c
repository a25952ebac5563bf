/*
 * The bad-input corpus (tests/data/bad/, written by make-bad.py): every file must fail to load
 * with the expected status and a message that names the file and contains the expected
 * substring, never crash. tests/data/bad/README.md lists the same cases for the CLI tests; one
 * test here checks that the two lists agree.
 * Adding a case: a line in make-bad.py, a row in README.md and an entry in `cases` below.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "test-util.h"

#include "src/file.h"
#include "src/graph.h"
#include "src/load.h"

#define BAD_DIR OPSCOPE_TEST_DATA_DIR "/bad"

struct bad_case {
  const char *file;
  enum ops_status status;
  const char *substring;
};

static const struct bad_case cases[] = {
    {"empty.onnx", OPS_ERR_BAD_INPUT, "the file is empty"},
    {"garbage.onnx", OPS_ERR_BAD_INPUT, "not a valid ONNX model (protobuf parse failed)"},
    {"truncated.onnx", OPS_ERR_BAD_INPUT, "not a valid ONNX model (protobuf parse failed)"},
    {"short-raw-data.onnx", OPS_ERR_BAD_INPUT,
     "initializer 'W': raw_data has 12 bytes, expected 48 for f32 [3, 4]"},
    {"negative-dim.onnx", OPS_ERR_BAD_INPUT, "initializer 'W': dim 0 is -1, expected >= 0"},
    {"dims-overflow.onnx", OPS_ERR_BAD_INPUT,
     "initializer 'W': dims [4294967296, 4294967296, 4294967296] have more elements than a 64-bit "
     "count can hold"},
    {"rank9.onnx", OPS_ERR_BAD_INPUT,
     "initializer 'W': has 9 dims, more than the 8 opscope supports"},
    {"unknown-dtype.onnx", OPS_ERR_BAD_INPUT,
     "initializer 'W': unknown or unsupported data type code 99"},
    {"external-missing.onnx", OPS_ERR_IO, "missing-weights.bin' cannot be opened"},
    {"external-escape.onnx", OPS_ERR_BAD_INPUT,
     "external data location '../outside.bin' leaves the model's directory"},
    {"external-absolute.onnx", OPS_ERR_BAD_INPUT,
     "external data location '/etc/passwd' is an absolute path"},
    {"no-graph.onnx", OPS_ERR_BAD_INPUT, "the model has no graph"},
    {"no-outputs.onnx", OPS_ERR_BAD_INPUT, "the graph has no outputs"},
    {"input-negative-dim.onnx", OPS_ERR_BAD_INPUT, "graph input 'x': dim 1 is -4, expected >= 0"},
    {"input-rank9.onnx", OPS_ERR_BAD_INPUT,
     "graph input 'x': has 9 dims, more than the 8 opscope supports"},
    {"typed-count.onnx", OPS_ERR_BAD_INPUT,
     "initializer 'W': float_data has 5 values, expected 6 for f32 [2, 3]"},
    {"ref-attr.onnx", OPS_ERR_UNSUPPORTED,
     "attribute 'alpha' refers to function attribute 'slope'"},
    {"deep-nesting.onnx", OPS_ERR_BAD_INPUT, "messages nested more than 100 deep"},
    {"truncated.pb", OPS_ERR_BAD_INPUT, "not a valid ONNX TensorProto (protobuf parse failed)"},
    {"short-data.pb", OPS_ERR_BAD_INPUT,
     "tensor 'x': raw_data has 8 bytes, expected 24 for f32 [2, 3]"},
};
#define N_CASES (sizeof cases / sizeof cases[0])

static bool ends_with(const char *s, const char *suffix) {
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Loads with the loader the extension calls for; the diag starts without a path, as the lead's
 * ops_load_model may pass it, so the loader must add the file name itself. */
static enum ops_status load_any(const char *path, struct ops_diag *d) {
  if (ends_with(path, ".pb")) {
    struct ops_tensor t;
    enum ops_status st = ops_load_tensor_pb(path, &t, d);
    ops_tensor_done(&t);
    return st;
  }
  struct ops_graph *g = NULL;
  enum ops_status st = ops_load_onnx(path, &g, d);
  if (st == OPS_OK) {
    ops_graph_free(g);
  } else {
    assert_null(g);
  }
  return st;
}

static void test_corpus(void **state) {
  (void)state;
  for (size_t i = 0; i < N_CASES; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", BAD_DIR, cases[i].file);
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    enum ops_status st = load_any(path, &d);
    if (st != cases[i].status) {
      fail_msg("%s: status %s, expected %s (message: %s)", cases[i].file, ops_status_str(st),
               ops_status_str(cases[i].status), d.msg);
    }
    OPS_ASSERT_CONTAINS(d.msg, cases[i].substring);
    OPS_ASSERT_CONTAINS(d.msg, path); /* every message names the file */
  }
}

/* The same through the in-memory entry points, which fuzzers use. */
static void test_corpus_from_memory(void **state) {
  (void)state;
  for (size_t i = 0; i < N_CASES; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", BAD_DIR, cases[i].file);
    void *data = NULL;
    size_t len = 0;
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    if (ops_file_read(path, OPS_FILE_MAX_BYTES, &data, &len, &d) != OPS_OK) continue; /* empty */
    ops_diag_init(&d, path);
    enum ops_status st;
    if (ends_with(path, ".pb")) {
      struct ops_tensor t;
      st = ops_load_tensor_pb_buffer(data, len, path, &t, &d);
      ops_tensor_done(&t);
    } else {
      struct ops_graph *g = NULL;
      st = ops_load_onnx_buffer(data, len, path, &g, &d);
      ops_graph_free(g);
    }
    free(data);
    if (st != cases[i].status) {
      fail_msg("%s: status %s, expected %s (message: %s)", cases[i].file, ops_status_str(st),
               ops_status_str(cases[i].status), d.msg);
    }
    OPS_ASSERT_CONTAINS(d.msg, cases[i].substring);
  }
}

static void test_directory_is_refused(void **state) {
  (void)state;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_graph *g = NULL;
  assert_int_equal(ops_load_onnx(BAD_DIR, &g, &d), OPS_ERR_BAD_INPUT);
  assert_null(g);
  OPS_ASSERT_CONTAINS(d.msg, "is a directory, expected a file");
  OPS_ASSERT_CONTAINS(d.msg, BAD_DIR);

  struct ops_tensor t;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_load_tensor_pb(BAD_DIR, &t, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "is a directory, expected a file");
  ops_tensor_done(&t);
}

/* A caller that already set the path (ops_diag_init(&d, path)) gets it once, not twice. */
static void test_path_named_once(void **state) {
  (void)state;
  const char *path = BAD_DIR "/no-such-model.onnx";
  struct ops_diag d;
  ops_diag_init(&d, path);
  struct ops_graph *g = NULL;
  assert_int_equal(ops_load_onnx(path, &g, &d), OPS_ERR_IO);
  OPS_ASSERT_CONTAINS(d.msg, "cannot open");
  const char *first = strstr(d.msg, path);
  assert_non_null(first);
  assert_null(strstr(first + 1, path));
}

/* Every .onnx/.pb row of README.md's table is a case here with the same substring, and vice
 * versa. */
static void test_readme_agrees(void **state) {
  (void)state;
  void *text;
  size_t len;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_file_read(BAD_DIR "/README.md", 1 << 20, &text, &len, &d), OPS_OK);
  size_t rows = 0;
  for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    char file[256], substring[512];
    /* Rows are "| file | substring | why |". */
    if (sscanf(line, "| %255[^ |] | %511[^|]|", file, substring) != 2) continue;
    /* Skips the header, the "|---|" rule, and any rows for other loaders' files. */
    if (!ends_with(file, ".onnx") && !ends_with(file, ".pb")) continue;
    size_t n = strlen(substring);
    while (n > 0 && substring[n - 1] == ' ')
      substring[--n] = '\0';
    bool found = false;
    for (size_t i = 0; i < N_CASES; i++) {
      if (strcmp(cases[i].file, file) == 0) {
        assert_string_equal(cases[i].substring, substring);
        found = true;
      }
    }
    if (!found) fail_msg("README.md lists %s, which the test does not", file);
    rows++;
  }
  free(text);
  assert_int_equal(rows, N_CASES);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_corpus),
      cmocka_unit_test(test_corpus_from_memory),
      cmocka_unit_test(test_directory_is_refused),
      cmocka_unit_test(test_path_named_once),
      cmocka_unit_test(test_readme_agrees),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
