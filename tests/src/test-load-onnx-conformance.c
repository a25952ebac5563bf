/*
 * The ONNX loaders on the ONNX conformance data (Debian's libonnx-testdata): a sample of models
 * checked in detail (attributes, old-IR initializer inputs, typed int64 data, subgraphs,
 * symbolic dims), then a sweep that loads every model and test tensor and requires success or a
 * clear "unsupported" (sequences, optionals), never a crash or a "bad input" on valid files.
 * Without the data the tests skip and say why.
 */
#include <dirent.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "test-util.h"

#include "src/graph.h"
#include "src/load.h"

#define CONFORMANCE_DIR "/usr/share/libonnx-testdata/data"

static void require_data(void) {
  struct stat st;
  if (stat(CONFORMANCE_DIR "/node", &st) != 0) {
    print_message("skipping: %s not found (install libonnx-testdata)\n", CONFORMANCE_DIR);
    skip();
  }
}

static struct ops_graph *load(const char *rel) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s/model.onnx", CONFORMANCE_DIR, rel);
  struct ops_graph *g = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (ops_load_onnx(path, &g, &d) != OPS_OK) fail_msg("%s", d.msg);
  assert_string_equal(g->path, path);
  return g;
}

static const struct ops_tensor *tensor(const struct ops_graph *g, const char *name) {
  int i = ops_graph_find_tensor(g, name);
  if (i < 0) fail_msg("no tensor '%s'", name);
  return &g->tensors[i];
}

static void assert_ints(const struct ops_node *n, const char *attr, size_t count,
                        const int64_t *want) {
  const int64_t *v;
  size_t got;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_node_attr_ints(n, attr, &v, &got, &d), OPS_OK);
  assert_int_equal(got, count);
  for (size_t i = 0; i < count; i++)
    assert_int_equal(v[i], want[i]);
}

static void test_conv_with_strides_padding(void **state) {
  (void)state;
  require_data();
  struct ops_graph *g = load("node/test_conv_with_strides_padding");
  assert_int_equal(g->ir_version, 6);
  assert_int_equal(g->opset, 11);
  assert_int_equal(g->n_nodes, 1);
  const struct ops_node *n = &g->nodes[0];
  assert_int_equal(n->op, OPS_OP_CONV);
  assert_int_equal(n->n_inputs, 2);
  assert_int_equal(n->n_outputs, 1);
  assert_ints(n, "strides", 2, (const int64_t[]){2, 2});
  assert_ints(n, "pads", 4, (const int64_t[]){1, 1, 1, 1});
  assert_ints(n, "kernel_shape", 2, (const int64_t[]){3, 3});
  assert_int_equal(g->n_inputs, 2);
  const struct ops_tensor *w = tensor(g, "W");
  assert_int_equal(w->role, OPS_TENSOR_INPUT);
  assert_int_equal(w->shape.rank, 4);
  assert_int_equal(w->shape.dims[2], 3);
  ops_graph_free(g);
}

static void test_gemm_default_no_bias(void **state) {
  (void)state;
  require_data();
  struct ops_graph *g = load("node/test_gemm_default_no_bias");
  assert_int_equal(g->n_nodes, 1);
  assert_int_equal(g->nodes[0].op, OPS_OP_GEMM);
  assert_int_equal(g->nodes[0].n_inputs, 2);
  const struct ops_tensor *b = tensor(g, "b");
  assert_int_equal(b->dtype, OPS_DTYPE_F32);
  assert_int_equal(b->shape.rank, 2);
  assert_int_equal(b->shape.dims[0], 10);
  assert_int_equal(b->shape.dims[1], 3);
  ops_graph_free(g);
}

/* int64 graph inputs, and their test tensors. */
static void test_slice(void **state) {
  (void)state;
  require_data();
  struct ops_graph *g = load("node/test_slice");
  assert_int_equal(g->nodes[0].op, OPS_OP_SLICE);
  assert_int_equal(g->n_inputs, 5);
  assert_int_equal(tensor(g, "starts")->dtype, OPS_DTYPE_I64);
  ops_graph_free(g);

  struct ops_tensor t;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  const char *pb = CONFORMANCE_DIR "/node/test_slice/test_data_set_0/input_1.pb";
  if (ops_load_tensor_pb(pb, &t, &d) != OPS_OK) fail_msg("%s", d.msg);
  assert_int_equal(t.dtype, OPS_DTYPE_I64);
  assert_int_equal(t.shape.rank, 1);
  assert_int_equal(t.shape.dims[0], 2);
  assert_int_equal(t.nbytes, 16);
  ops_tensor_done(&t);
}

/* A Constant whose value tensor is stored in float_data. */
static void test_constant_float_data(void **state) {
  (void)state;
  require_data();
  struct ops_graph *g = load("node/test_constant");
  assert_int_equal(g->n_nodes, 1);
  assert_int_equal(g->n_inputs, 0);
  const struct ops_attr *a = ops_node_attr(&g->nodes[0], "value");
  assert_non_null(a);
  assert_int_equal(a->type, OPS_ATTR_TENSOR);
  assert_int_equal(a->tensor->dtype, OPS_DTYPE_F32);
  assert_int_equal(a->tensor->shape.rank, 2);
  assert_int_equal(a->tensor->nbytes, 5 * 5 * sizeof(float));

  /* The same values are the expected output in the test data. */
  struct ops_tensor out;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  const char *pb = CONFORMANCE_DIR "/node/test_constant/test_data_set_0/output_0.pb";
  if (ops_load_tensor_pb(pb, &out, &d) != OPS_OK) fail_msg("%s", d.msg);
  assert_int_equal(out.nbytes, a->tensor->nbytes);
  assert_memory_equal(out.data, a->tensor->data, out.nbytes);
  ops_tensor_done(&out);
  ops_graph_free(g);
}

/* A Constant whose value tensor is stored in int64_data (the axis of an expanded Softmax). */
static void test_constant_int64_data(void **state) {
  (void)state;
  require_data();
  struct ops_graph *g = load("node/test_softmax_axis_0_expanded");
  const struct ops_attr *a = NULL;
  for (size_t i = 0; i < g->n_nodes && a == NULL; i++) {
    if (g->nodes[i].op == OPS_OP_CONSTANT) a = ops_node_attr(&g->nodes[i], "value");
  }
  assert_non_null(a);
  assert_int_equal(a->tensor->dtype, OPS_DTYPE_I64);
  assert_int_equal(a->tensor->shape.rank, 1);
  int64_t v = -1;
  assert_true(ops_tensor_get_int(a->tensor, 0, &v));
  assert_int_equal(v, 0);
  ops_graph_free(g);
}

/* IR version 3 lists initializers among the graph inputs; they stay initializers. */
static void test_old_ir_initializer_inputs(void **state) {
  (void)state;
  require_data();
  struct ops_graph *g = load("pytorch-converted/test_Conv2d");
  assert_int_equal(g->ir_version, 3);
  assert_int_equal(g->n_inputs, 1);
  assert_string_equal(g->tensors[g->inputs[0]].name, "0");
  const struct ops_tensor *w = tensor(g, "1");
  assert_int_equal(w->role, OPS_TENSOR_INITIALIZER);
  assert_int_equal(w->shape.rank, 4);
  assert_non_null(w->data);
  assert_int_equal(ops_graph_param_count(g), 4 * 3 * 3 * 2 + 4);
  ops_graph_free(g);
}

/* Subgraph attributes are recorded by type only. */
static void test_if_subgraphs(void **state) {
  (void)state;
  require_data();
  struct ops_graph *g = load("node/test_if");
  assert_int_equal(g->n_nodes, 1);
  assert_int_equal(g->nodes[0].op, OPS_OP_UNKNOWN);
  assert_string_equal(g->nodes[0].op_type, "If");
  const struct ops_attr *a = ops_node_attr(&g->nodes[0], "then_branch");
  assert_non_null(a);
  assert_int_equal(a->type, OPS_ATTR_GRAPH);
  assert_int_equal(tensor(g, "cond")->dtype, OPS_DTYPE_BOOL);
  ops_graph_free(g);
}

/* A symbolic dim keeps its name. */
static void test_dim_param(void **state) {
  (void)state;
  require_data();
  struct ops_graph *g = load("simple/test_sequence_model8");
  const struct ops_tensor *x = tensor(g, "X");
  assert_int_equal(x->shape.rank, 1);
  assert_int_equal(x->shape.dims[0], -1);
  assert_string_equal(x->dim_params[0], "n");
  ops_graph_free(g);
}

static void test_sequence_input_unsupported(void **state) {
  (void)state;
  require_data();
  const char *path = CONFORMANCE_DIR "/node/test_identity_sequence/model.onnx";
  struct ops_graph *g = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_load_onnx(path, &g, &d), OPS_ERR_UNSUPPORTED);
  assert_null(g);
  OPS_ASSERT_CONTAINS(d.msg, path);
  OPS_ASSERT_CONTAINS(d.msg, "is a sequence; opscope supports only tensor values");
}

/* ---- sweep ---- */

struct sweep {
  size_t models, loaded, unsupported, tensors;
};

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Every .pb in every test_data_set_N of a model that loaded. */
static void sweep_tensors(const char *model_dir, struct sweep *s) {
  DIR *dir = opendir(model_dir);
  assert_non_null(dir);
  for (struct dirent *e; (e = readdir(dir)) != NULL;) {
    if (strncmp(e->d_name, "test_data_set_", 14) != 0) continue;
    char set[1024];
    if (snprintf(set, sizeof set, "%s/%s", model_dir, e->d_name) >= (int)sizeof set) continue;
    DIR *files = opendir(set);
    if (files == NULL) continue;
    for (struct dirent *f; (f = readdir(files)) != NULL;) {
      size_t n = strlen(f->d_name);
      if (n < 3 || strcmp(f->d_name + n - 3, ".pb") != 0) continue;
      char pb[1400];
      if (snprintf(pb, sizeof pb, "%s/%s", set, f->d_name) >= (int)sizeof pb) continue;
      struct ops_tensor t;
      struct ops_diag d;
      ops_diag_init(&d, NULL);
      enum ops_status st = ops_load_tensor_pb(pb, &t, &d);
      ops_tensor_done(&t);
      if (st != OPS_OK) fail_msg("%s", d.msg);
      s->tensors++;
    }
    closedir(files);
  }
  closedir(dir);
}

static void sweep_dir(const char *group, struct sweep *s) {
  char root[512];
  snprintf(root, sizeof root, "%s/%s", CONFORMANCE_DIR, group);
  DIR *dir = opendir(root);
  if (dir == NULL) return;
  for (struct dirent *e; (e = readdir(dir)) != NULL;) {
    if (e->d_name[0] == '.') continue;
    char model_dir[1024], path[1100];
    if (snprintf(model_dir, sizeof model_dir, "%s/%s", root, e->d_name) >= (int)sizeof model_dir)
      continue;
    if (snprintf(path, sizeof path, "%s/model.onnx", model_dir) >= (int)sizeof path) continue;
    if (!is_dir(model_dir) || access(path, R_OK) != 0) continue;
    s->models++;
    struct ops_graph *g = NULL;
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    enum ops_status st = ops_load_onnx(path, &g, &d);
    if (st == OPS_OK) {
      s->loaded++;
      ops_graph_free(g);
      sweep_tensors(model_dir, s);
    } else if (st == OPS_ERR_UNSUPPORTED) {
      /* Valid ONNX that opscope declines must still say what and where. */
      OPS_ASSERT_CONTAINS(d.msg, path);
      s->unsupported++;
    } else {
      fail_msg("%s: %s: %s", path, ops_status_str(st), d.msg);
    }
  }
  closedir(dir);
}

static void test_sweep(void **state) {
  (void)state;
  require_data();
  struct sweep s = {0};
  const char *groups[] = {"node", "pytorch-converted", "pytorch-operator", "simple"};
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
    sweep_dir(groups[i], &s);
  print_message("conformance sweep: %zu models, %zu loaded, %zu unsupported, %zu tensors\n",
                s.models, s.loaded, s.unsupported, s.tensors);
  assert_true(s.models > 0);
  /* Unsupported is the exception (sequences, optionals), not the rule. */
  assert_true(s.loaded > 9 * s.models / 10);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conv_with_strides_padding),
      cmocka_unit_test(test_gemm_default_no_bias),
      cmocka_unit_test(test_slice),
      cmocka_unit_test(test_constant_float_data),
      cmocka_unit_test(test_constant_int64_data),
      cmocka_unit_test(test_old_ir_initializer_inputs),
      cmocka_unit_test(test_if_subgraphs),
      cmocka_unit_test(test_dim_param),
      cmocka_unit_test(test_sequence_input_unsupported),
      cmocka_unit_test(test_sweep),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
