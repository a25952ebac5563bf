/* Tests of src/builtin-models.c: each model's structure, counts, weights and determinism. */
#include <stdint.h>
#include <stdlib.h>

#include "test-util.h"

#include "src/graph.h"
#include "src/load.h"

/* The documented facts of each model (src/builtin-models.c, `models`). */
struct expected_model {
  const char *name;
  size_t nodes;
  int64_t params;
  int input_rank;
  int64_t input_dims[4];
};

static const struct expected_model expected[] = {
    {"mnist", 9, 202666, 4, {1, 1, 28, 28}},
    {"mlp", 5, 235146, 2, {1, 784}},
    {"resnet-tiny", 22, 20282, 4, {1, 3, 32, 32}},
    {"transformer-tiny", 49, 8557, 3, {1, 16, 32}},
};
#define N_EXPECTED (sizeof expected / sizeof expected[0])

static struct ops_graph *build(const char *name) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_graph *g = NULL;
  enum ops_status st = ops_load_builtin(name, &g, &d);
  if (st != OPS_OK) fail_msg("%s: %s", name, d.msg);
  return g;
}

static void test_names(void **state) {
  (void)state;
  const char *const *names = ops_builtin_names();
  size_t n = 0;
  for (; names[n] != NULL; n++) {
    assert_true(n < N_EXPECTED);
    assert_string_equal(names[n], expected[n].name);
  }
  assert_int_equal(n, N_EXPECTED);
  assert_null(ops_builtin_describe("nope"));
  assert_null(ops_builtin_describe(""));
  assert_string_equal(ops_builtin_describe("builtin:mlp"), ops_builtin_describe("mlp"));
}

static void test_models(void **state) {
  (void)state;
  for (size_t m = 0; m < N_EXPECTED; m++) {
    const struct expected_model *e = &expected[m];
    struct ops_graph *g = build(e->name);
    char path[64], text[64];
    snprintf(path, sizeof path, "builtin:%s", e->name);
    assert_string_equal(g->path, path);
    assert_string_equal(g->name, e->name);
    assert_string_equal(g->format, "builtin");
    assert_int_equal(g->opset, 13);
    assert_int_equal(g->n_nodes, e->nodes);
    assert_int_equal(ops_graph_param_count(g), e->params);

    /* The description states what the test checks. */
    const char *desc = ops_builtin_describe(e->name);
    assert_non_null(desc);
    snprintf(text, sizeof text, "%zu nodes, %lld params", e->nodes, (long long)e->params);
    OPS_ASSERT_CONTAINS(desc, text);
    struct ops_shape in_shape = ops_shape_make(e->input_rank, e->input_dims);
    OPS_ASSERT_CONTAINS(desc, ops_shape_format(&in_shape, text, sizeof text));

    assert_int_equal(g->n_inputs, 1);
    const struct ops_tensor *in = &g->tensors[g->inputs[0]];
    assert_int_equal(in->dtype, OPS_DTYPE_F32);
    assert_true(ops_shape_equal(&in->shape, &in_shape));
    assert_int_equal(g->n_outputs, 1);

    struct ops_diag d;
    ops_diag_init(&d, g->path);
    if (ops_graph_validate(g, &d) != OPS_OK) fail_msg("%s", d.msg);
    assert_true(g->tensors[g->outputs[0]].producer >= 0);

    for (size_t i = 0; i < g->n_nodes; i++) {
      const struct ops_node *n = &g->nodes[i];
      if (n->op == OPS_OP_UNKNOWN)
        fail_msg("%s: node '%s' has unknown op %s", e->name, n->name, n->op_type);
      assert_string_equal(n->domain, "");
    }
    for (size_t t = 0; t < g->n_tensors; t++) {
      const struct ops_tensor *w = &g->tensors[t];
      if (w->role != OPS_TENSOR_INITIALIZER) continue;
      size_t bytes;
      assert_true(ops_tensor_byte_size(w, &bytes));
      assert_int_equal(w->nbytes, bytes);
      if (w->dtype == OPS_DTYPE_I64) continue; /* Reshape targets */
      assert_int_equal(w->dtype, OPS_DTYPE_F32);
      const float *v = w->data;
      size_t count = w->nbytes / sizeof *v;
      bool is_var = strstr(w->name, ".var") != NULL;
      double sum_sq = 0;
      for (size_t i = 0; i < count; i++) {
        /* Kaiming bounds stay below sqrt(6) = 2.45; BN scales and variances below 1.5. */
        if (!isfinite(v[i]) || fabsf(v[i]) > 2.5f) {
          fail_msg("%s: %s[%zu] = %g", e->name, w->name, i, v[i]);
        }
        if (is_var && !(v[i] > 0)) fail_msg("%s: variance %s[%zu] = %g", e->name, w->name, i, v[i]);
        sum_sq += (double)v[i] * v[i];
      }
      /* Weights are drawn, not left at zero. */
      if (count > 1) assert_true(sum_sq > 0);
    }
    ops_graph_free(g);
  }
}

static void test_deterministic(void **state) {
  (void)state;
  for (size_t m = 0; m < N_EXPECTED; m++) {
    struct ops_graph *a = build(expected[m].name);
    char prefixed[64];
    snprintf(prefixed, sizeof prefixed, "builtin:%s", expected[m].name);
    struct ops_graph *b = build(prefixed);
    assert_int_equal(a->n_tensors, b->n_tensors);
    for (size_t t = 0; t < a->n_tensors; t++) {
      assert_string_equal(a->tensors[t].name, b->tensors[t].name);
      assert_int_equal(a->tensors[t].nbytes, b->tensors[t].nbytes);
      if (a->tensors[t].nbytes > 0) {
        assert_memory_equal(a->tensors[t].data, b->tensors[t].data, a->tensors[t].nbytes);
      }
    }
    ops_graph_free(a);
    ops_graph_free(b);
  }
}

/* The weights of different models differ (each has its own seed), so a test that mixed them up
 * would notice. */
static void test_models_differ(void **state) {
  (void)state;
  struct ops_graph *a = build("mnist"), *b = build("mlp");
  const struct ops_tensor *wa = &a->tensors[ops_graph_find_tensor(a, "fc2.W")];
  const struct ops_tensor *wb = &b->tensors[ops_graph_find_tensor(b, "fc1.W")];
  assert_memory_not_equal(wa->data, wb->data, 64);
  ops_graph_free(a);
  ops_graph_free(b);
}

static void test_unknown(void **state) {
  (void)state;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_graph *g = NULL;
  assert_int_equal(ops_load_builtin("builtin:foo", &g, &d), OPS_ERR_BAD_INPUT);
  assert_null(g);
  assert_string_equal(d.msg,
                      "builtin:foo: no such built-in model (known: mnist, mlp, resnet-tiny, "
                      "transformer-tiny)");
  /* A caller that set the path gets it once. */
  ops_diag_init(&d, "builtin:foo");
  assert_int_equal(ops_load_builtin("foo", &g, &d), OPS_ERR_BAD_INPUT);
  assert_string_equal(d.msg,
                      "builtin:foo: no such built-in model (known: mnist, mlp, resnet-tiny, "
                      "transformer-tiny)");
}

/* y = x W^T + b for Gemm with transB = 1, from the graph's own tensors. */
static void dense(const struct ops_graph *g, const char *layer, const float *x, int64_t in,
                  float *y, int64_t out, bool relu) {
  char name[64];
  snprintf(name, sizeof name, "%s.W", layer);
  const float *w = g->tensors[ops_graph_find_tensor(g, name)].data;
  snprintf(name, sizeof name, "%s.B", layer);
  const float *b = g->tensors[ops_graph_find_tensor(g, name)].data;
  for (int64_t o = 0; o < out; o++) {
    double acc = b[o];
    for (int64_t i = 0; i < in; i++)
      acc += (double)x[i] * w[o * in + i];
    y[o] = relu && acc < 0 ? 0.0f : (float)acc;
  }
}

/* The initialization keeps activations in a sane range: the MLP's logits on a [0, 1) input are
 * neither vanishing nor exploding. */
static void test_mlp_activations_sane(void **state) {
  (void)state;
  struct ops_graph *g = build("mlp");
  float x[784], h1[256], h2[128], y[10];
  for (int i = 0; i < 784; i++)
    x[i] = (float)((i * 37) % 100) / 100.0f;
  dense(g, "fc1", x, 784, h1, 256, true);
  dense(g, "fc2", h1, 256, h2, 128, true);
  dense(g, "fc3", h2, 128, y, 10, false);
  double max_abs = 0;
  for (int i = 0; i < 10; i++) {
    assert_true(isfinite(y[i]));
    if (fabs(y[i]) > max_abs) max_abs = fabs(y[i]);
  }
  if (!(max_abs > 0.01 && max_abs < 100)) fail_msg("largest |logit| is %g", max_abs);
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names),         cmocka_unit_test(test_models),
      cmocka_unit_test(test_deterministic), cmocka_unit_test(test_models_differ),
      cmocka_unit_test(test_unknown),       cmocka_unit_test(test_mlp_activations_sane),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
