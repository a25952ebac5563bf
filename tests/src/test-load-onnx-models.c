/*
 * The ONNX loaders on the real models in ../shared/models: graph metadata, node and op counts,
 * initializers and parameters, the graph input, and the test_data_set_0 tensors.
 * The expected numbers are copied from each model's info.json (written by the tool that exported
 * the model, not by opscope), so a loader bug cannot agree with itself. Without the shared models
 * every test skips and says why.
 */
#include <stdint.h>
#include <stdlib.h>

#include "test-util.h"

#include "src/file.h"
#include "src/graph.h"
#include "src/load.h"

struct op_count {
  const char *op_type;
  int count;
};

struct model_info {
  const char *name;
  size_t node_count;
  size_t initializer_count;
  int64_t param_count;
  int input_rank;
  int64_t input_dims[4];
  int output_rank;
  int64_t output_dims[4];
  struct op_count ops[20]; /* op_histogram; ends at a NULL op_type */
};

/* From /work/shared/models/NAME/info.json. */
static const struct model_info models[] = {
    {"mlp", 5, 6, 669706, 2, {1, 784}, 2, {1, 10}, {{"Gemm", 3}, {"Relu", 2}}},
    {"mlp_b64", 5, 6, 669706, 2, {64, 784}, 2, {64, 10}, {{"Gemm", 3}, {"Relu", 2}}},
    {"mnist_cnn",
     9,
     8,
     1199882,
     4,
     {1, 1, 28, 28},
     2,
     {1, 10},
     {{"Relu", 3}, {"Conv", 2}, {"Gemm", 2}, {"Flatten", 1}, {"MaxPool", 1}}},
    {"squeezenet1_1",
     65,
     52,
     1235496,
     4,
     {1, 3, 224, 224},
     2,
     {1, 1000},
     {{"Conv", 26},
      {"Relu", 26},
      {"Concat", 8},
      {"MaxPool", 3},
      {"Flatten", 1},
      {"GlobalAveragePool", 1}}},
    {"mobilenet_v2",
     170,
     106,
     3487816,
     4,
     {1, 3, 224, 224},
     2,
     {1, 1000},
     {{"Constant", 70},
      {"Conv", 52},
      {"Clip", 35},
      {"Add", 10},
      {"Flatten", 1},
      {"Gemm", 1},
      {"GlobalAveragePool", 1}}},
    {"tiny_bert",
     140,
     24,
     396544,
     3,
     {1, 64, 128},
     3,
     {1, 64, 128},
     {{"Constant", 34},
      {"Add", 20},
      {"Transpose", 12},
      {"MatMul", 10},
      {"Mul", 10},
      {"Reshape", 10},
      {"Div", 8},
      {"ReduceMean", 8},
      {"Slice", 6},
      {"Pow", 4},
      {"Sqrt", 4},
      {"Sub", 4},
      {"Gather", 2},
      {"Gemm", 2},
      {"Relu", 2},
      {"Shape", 2},
      {"Softmax", 2}}},
};
#define N_MODELS (sizeof models / sizeof models[0])

static size_t count_op(const struct ops_graph *g, const char *op_type) {
  size_t n = 0;
  for (size_t i = 0; i < g->n_nodes; i++) {
    if (strcmp(g->nodes[i].op_type, op_type) == 0) n++;
  }
  return n;
}

static void check_model(const struct model_info *info) {
  char path[1024];
  ops_test_model_path(info->name, "model.onnx", path, sizeof path);
  struct ops_graph *g = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  enum ops_status st = ops_load_onnx(path, &g, &d);
  if (st != OPS_OK) fail_msg("%s: %s", path, d.msg);
  assert_non_null(g);

  assert_string_equal(g->format, "onnx");
  assert_string_equal(g->path, path);
  assert_string_equal(g->name, "torch_jit");
  assert_string_equal(g->producer, "pytorch 1.13.0");
  assert_int_equal(g->ir_version, 7);
  assert_int_equal(g->opset, 13);

  assert_int_equal(g->n_nodes, info->node_count);
  size_t listed = 0;
  for (const struct op_count *oc = info->ops; oc->op_type != NULL; oc++) {
    if (count_op(g, oc->op_type) != (size_t)oc->count) {
      fail_msg("%s: %zu %s nodes, info.json says %d", info->name, count_op(g, oc->op_type),
               oc->op_type, oc->count);
    }
    listed += (size_t)oc->count;
  }
  assert_int_equal(listed, g->n_nodes); /* no op type outside the histogram */
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    assert_string_equal(n->domain, "");
    assert_int_equal(n->op, ops_op_parse(n->op_type));
    assert_true(n->name[0] != '\0');
  }

  size_t inits = 0;
  for (size_t i = 0; i < g->n_tensors; i++) {
    const struct ops_tensor *t = &g->tensors[i];
    if (t->role != OPS_TENSOR_INITIALIZER) continue;
    inits++;
    size_t bytes;
    assert_true(ops_tensor_byte_size(t, &bytes));
    assert_int_equal(t->nbytes, bytes);
    assert_non_null(t->data);
  }
  assert_int_equal(inits, info->initializer_count);
  assert_int_equal(ops_graph_param_count(g), info->param_count);

  assert_int_equal(g->n_inputs, 1);
  const struct ops_tensor *in = &g->tensors[g->inputs[0]];
  assert_string_equal(in->name, "input");
  assert_int_equal(in->role, OPS_TENSOR_INPUT);
  assert_int_equal(in->dtype, OPS_DTYPE_F32);
  assert_int_equal(in->shape.rank, info->input_rank);
  for (int i = 0; i < info->input_rank; i++)
    assert_int_equal(in->shape.dims[i], info->input_dims[i]);

  assert_int_equal(g->n_outputs, 1);
  const struct ops_tensor *out = &g->tensors[g->outputs[0]];
  assert_string_equal(out->name, "output");
  assert_true(out->is_output);
  assert_int_equal(out->dtype, OPS_DTYPE_F32);
  assert_int_equal(out->shape.rank, -1); /* left to shape inference */
  ops_graph_free(g);
}

static void test_models_load(void **state) {
  (void)state;
  for (size_t i = 0; i < N_MODELS; i++)
    check_model(&models[i]);
}

/* input_0.pb / output_0.pb must decode to exactly the bytes of the .f32 file beside them, and
 * carry the graph input's or output's name so a runner can feed and compare them by name. */
static void check_tensor_file(const char *model, const char *base, const char *name, int rank,
                              const int64_t *dims) {
  char pb[1024], raw[1024], file[64];
  snprintf(file, sizeof file, "test_data_set_0/%s.pb", base);
  ops_test_model_path(model, file, pb, sizeof pb);
  snprintf(file, sizeof file, "test_data_set_0/%s.f32", base);
  ops_test_model_path(model, file, raw, sizeof raw);

  struct ops_tensor t;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  enum ops_status st = ops_load_tensor_pb(pb, &t, &d);
  if (st != OPS_OK) fail_msg("%s: %s", pb, d.msg);
  assert_string_equal(t.name, name);
  assert_int_equal(t.dtype, OPS_DTYPE_F32);
  assert_int_equal(t.role, OPS_TENSOR_INITIALIZER);
  assert_int_equal(t.shape.rank, rank);
  for (int i = 0; i < rank; i++)
    assert_int_equal(t.shape.dims[i], dims[i]);

  void *expect;
  size_t len;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_file_read(raw, OPS_FILE_MAX_BYTES, &expect, &len, &d), OPS_OK);
  assert_int_equal(t.nbytes, len);
  assert_memory_equal(t.data, expect, len);
  free(expect);
  ops_tensor_done(&t);
}

static void test_test_data_tensors(void **state) {
  (void)state;
  for (size_t i = 0; i < N_MODELS; i++) {
    check_tensor_file(models[i].name, "input_0", "input", models[i].input_rank,
                      models[i].input_dims);
    check_tensor_file(models[i].name, "output_0", "output", models[i].output_rank,
                      models[i].output_dims);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_models_load),
      cmocka_unit_test(test_test_data_tensors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
