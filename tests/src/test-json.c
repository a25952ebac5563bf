/*
 * Tests of the JSON IR: src/save-json.c and src/load-json.c.
 *
 * Round trips compare the loaded graph with the saved one field by field, floats by their bits.
 * The bad-input corpus lives in tests/data/bad/json/ and is driven by the table in its README, so
 * adding a case needs no change here.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "test-util.h"

#include "src/file.h"
#include "src/graph.h"
#include "src/load.h"
#include "src/size.h"

#define BAD_DIR OPSCOPE_TEST_DATA_DIR "/bad/json"
#define CONFORMANCE_DIR "/usr/share/libonnx-testdata/data"

/* ---- temporary directories ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static int make_tmpdir(void **state) {
  char *dir = malloc(64);
  assert_non_null(dir);
  snprintf(dir, 64, "/tmp/opscope-test-json-XXXXXX");
  assert_non_null(mkdtemp(dir));
  *state = dir;
  return 0;
}

static int remove_tmpdir(void **state) {
  char *dir = *state;
  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(dir);
  return 0;
}

static const char *tmp_path(void **state, const char *name, char *buf, size_t len) {
  int n = snprintf(buf, len, "%s/%s", (const char *)*state, name);
  assert_true(n > 0 && (size_t)n < len);
  return buf;
}

static void write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static void write_text(const char *path, const char *text) {
  write_file(path, text, strlen(text));
}

/* ---- graph comparison ---- */

static void assert_float_bits(float a, float b) {
  uint32_t x, y;
  memcpy(&x, &a, sizeof x);
  memcpy(&y, &b, sizeof y);
  if (x != y) fail_msg("float %.9g (0x%08" PRIx32 ") != %.9g (0x%08" PRIx32 ")", a, x, b, y);
}

static void assert_same_string(const char *a, const char *b) {
  if (a == NULL || b == NULL) {
    assert_ptr_equal(a, b);
  } else {
    assert_string_equal(a, b);
  }
}

/* `data`: compare the bytes too (initializers and tensor attributes). */
static void assert_same_tensor(const struct ops_tensor *a, const struct ops_tensor *b, bool data) {
  assert_same_string(a->name, b->name);
  assert_int_equal(a->dtype, b->dtype);
  assert_int_equal(a->shape.rank, b->shape.rank);
  for (int i = 0; i < a->shape.rank; i++) {
    assert_int_equal(a->shape.dims[i], b->shape.dims[i]);
    assert_same_string(a->dim_params[i], b->dim_params[i]);
  }
  assert_int_equal(a->role, b->role);
  if (!data) return;
  assert_int_equal(a->nbytes, b->nbytes);
  assert_non_null(b->data);
  if (a->nbytes > 0) assert_memory_equal(a->data, b->data, a->nbytes);
}

static void assert_same_attr(const struct ops_attr *a, const struct ops_attr *b) {
  assert_string_equal(a->name, b->name);
  assert_int_equal(a->type, b->type);
  switch (a->type) {
    case OPS_ATTR_INT:
      assert_int_equal(a->i, b->i);
      break;
    case OPS_ATTR_FLOAT:
      assert_float_bits(a->f, b->f);
      break;
    case OPS_ATTR_STRING:
      assert_int_equal(a->s_len, b->s_len);
      assert_memory_equal(a->s, b->s, a->s_len + 1);
      break;
    case OPS_ATTR_INTS:
      assert_int_equal(a->count, b->count);
      for (size_t i = 0; i < a->count; i++)
        assert_int_equal(a->ints[i], b->ints[i]);
      break;
    case OPS_ATTR_FLOATS:
      assert_int_equal(a->count, b->count);
      for (size_t i = 0; i < a->count; i++)
        assert_float_bits(a->floats[i], b->floats[i]);
      break;
    case OPS_ATTR_STRINGS:
      assert_int_equal(a->count, b->count);
      for (size_t i = 0; i < a->count; i++)
        assert_string_equal(a->strings[i], b->strings[i]);
      break;
    case OPS_ATTR_TENSOR:
      assert_non_null(b->tensor);
      assert_same_tensor(a->tensor, b->tensor, true);
      break;
    default:
      assert_int_equal(a->count, b->count);
      break;
  }
}

static void assert_same_graph(const struct ops_graph *a, const struct ops_graph *b) {
  assert_same_string(a->name, b->name);
  assert_same_string(a->producer, b->producer);
  assert_int_equal(a->opset, b->opset);
  assert_int_equal(a->ir_version, b->ir_version);
  assert_int_equal(a->n_tensors, b->n_tensors);
  for (size_t i = 0; i < a->n_tensors; i++) {
    const struct ops_tensor *t = &a->tensors[i];
    assert_same_tensor(t, &b->tensors[i], t->role == OPS_TENSOR_INITIALIZER);
    assert_int_equal(t->is_output, b->tensors[i].is_output);
    /* Values inferred for activations are not part of the file. */
    if (t->role != OPS_TENSOR_INITIALIZER) assert_null(b->tensors[i].data);
  }
  assert_int_equal(a->n_inputs, b->n_inputs);
  for (size_t i = 0; i < a->n_inputs; i++)
    assert_int_equal(a->inputs[i], b->inputs[i]);
  assert_int_equal(a->n_outputs, b->n_outputs);
  for (size_t i = 0; i < a->n_outputs; i++)
    assert_int_equal(a->outputs[i], b->outputs[i]);
  assert_int_equal(a->n_nodes, b->n_nodes);
  for (size_t i = 0; i < a->n_nodes; i++) {
    const struct ops_node *x = &a->nodes[i], *y = &b->nodes[i];
    assert_string_equal(x->name, y->name);
    assert_string_equal(x->op_type, y->op_type);
    assert_string_equal(x->domain, y->domain);
    assert_int_equal(x->op, y->op);
    assert_int_equal(x->n_inputs, y->n_inputs);
    for (int k = 0; k < x->n_inputs; k++)
      assert_int_equal(x->inputs[k], y->inputs[k]);
    assert_int_equal(x->n_outputs, y->n_outputs);
    for (int k = 0; k < x->n_outputs; k++)
      assert_int_equal(x->outputs[k], y->outputs[k]);
    assert_int_equal(x->n_attrs, y->n_attrs);
    for (int k = 0; k < x->n_attrs; k++)
      assert_same_attr(&x->attrs[k], &y->attrs[k]);
  }
}

/* Saves `g` as NAME.json in the temp dir, loads it back, and checks both are the same. */
static struct ops_graph *round_trip(void **state, const struct ops_graph *g, const char *name) {
  char json[512], file[128];
  snprintf(file, sizeof file, "%s.json", name);
  tmp_path(state, file, json, sizeof json);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  enum ops_status st = ops_save_json(g, json, &d);
  if (st != OPS_OK) fail_msg("save %s: %s", name, d.msg);
  struct ops_graph *back = NULL;
  ops_diag_init(&d, NULL);
  st = ops_load_json(json, &back, &d);
  if (st != OPS_OK) fail_msg("load %s: %s", name, d.msg);
  assert_same_graph(g, back);
  assert_string_equal(back->format, "json-ir");
  assert_string_equal(back->path, json);
  return back;
}

/* Not inlined: gcc 12 at -O2 mistakes the returned buffer for a pointer to the local `data`. */
__attribute__((noinline)) static void *read_all(const char *path, size_t *len) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  void *data = NULL;
  if (ops_file_read(path, OPS_FILE_MAX_BYTES, &data, len, &d) != OPS_OK) fail_msg("%s", d.msg);
  return data;
}

static void assert_same_file(const char *a, const char *b) {
  size_t la, lb;
  char *x = read_all(a, &la), *y = read_all(b, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(x, y, la);
  free(x);
  free(y);
}

/* Every "offset": N in the JSON text is a multiple of 64, as docs/ir.md promises. */
static void assert_offsets_aligned(const char *json_path) {
  size_t len;
  char *text = read_all(json_path, &len);
  int seen = 0;
  for (const char *p = strstr(text, "\"offset\": "); p != NULL; p = strstr(p + 1, "\"offset\": ")) {
    long long offset = strtoll(p + strlen("\"offset\": "), NULL, 10);
    if (offset % 64 != 0) fail_msg("offset %lld is not 64-byte aligned", offset);
    seen++;
  }
  assert_true(seen > 0);
  free(text);
}

/* ---- round trips ---- */

static void test_builtin_round_trip(void **state) {
  char dir[512];
  assert_int_equal(mkdir(tmp_path(state, "again", dir, sizeof dir), 0700), 0);
  for (const char *const *name = ops_builtin_names(); *name != NULL; name++) {
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    struct ops_graph *g = NULL;
    assert_int_equal(ops_load_builtin(*name, &g, &d), OPS_OK);
    struct ops_graph *back = round_trip(state, g, *name);

    /* Saving what was loaded gives the same bytes: a graph has one spelling in the format. */
    char again[128], a[512], b[512], file[160];
    snprintf(again, sizeof again, "again/%s", *name);
    struct ops_graph *reloaded = round_trip(state, back, again);
    snprintf(file, sizeof file, "%s.json", *name);
    tmp_path(state, file, a, sizeof a);
    assert_offsets_aligned(a);
    snprintf(file, sizeof file, "%s.json", again);
    assert_same_file(a, tmp_path(state, file, b, sizeof b));
    snprintf(file, sizeof file, "%s.bin", *name);
    tmp_path(state, file, a, sizeof a);
    snprintf(file, sizeof file, "%s.bin", again);
    assert_same_file(a, tmp_path(state, file, b, sizeof b));

    /* The loaded graph is as valid as the built one. */
    ops_diag_init(&d, NULL);
    if (ops_graph_validate(back, &d) != OPS_OK) fail_msg("%s: %s", *name, d.msg);
    assert_int_equal(ops_graph_param_count(back), ops_graph_param_count(g));
    ops_graph_free(reloaded);
    ops_graph_free(back);
    ops_graph_free(g);
  }
}

/* After validation and shape inference every activation has a dtype and shape, which the file
 * keeps; that is the graph opscope_model_export_ir() writes. */
static void test_inferred_round_trip(void **state) {
  for (const char *const *name = ops_builtin_names(); *name != NULL; name++) {
    char path[64];
    snprintf(path, sizeof path, "builtin:%s", *name);
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    struct ops_graph *g = NULL;
    if (ops_load_model(path, &g, &d) != OPS_OK) fail_msg("%s", d.msg);
    struct ops_graph *back = round_trip(state, g, *name);
    for (size_t t = 0; t < back->n_tensors; t++) {
      if (!ops_shape_is_known(&back->tensors[t].shape)) {
        fail_msg("%s: tensor '%s' lost its shape", *name, back->tensors[t].name);
      }
    }
    ops_graph_free(back);
    ops_graph_free(g);
  }
}

/* Adds a tensor with a dtype and shape. */
static int tensor(struct ops_graph *g, const char *name, enum ops_dtype dtype, int rank,
                  const int64_t *dims, enum ops_tensor_role role) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  int t;
  assert_int_equal(ops_graph_add_tensor(g, name, &t, &d), OPS_OK);
  g->tensors[t].dtype = dtype;
  g->tensors[t].shape = rank < 0 ? ops_shape_unknown() : ops_shape_make(rank, dims);
  g->tensors[t].role = role;
  return t;
}

static struct ops_node *node(struct ops_graph *g, const char *name, const char *op_type,
                             const char *domain, int n_in, const int *in, int n_out, const int *out,
                             int n_attrs) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_node *n;
  assert_int_equal(ops_graph_add_node(g, &n, NULL, &d), OPS_OK);
  n->name = ops_strdup(name);
  n->op_type = ops_strdup(op_type);
  n->domain = ops_strdup(domain);
  n->op = domain[0] == '\0' ? ops_op_parse(op_type) : OPS_OP_UNKNOWN;
  n->inputs = ops_calloc_array((size_t)n_in, sizeof *n->inputs);
  n->outputs = ops_calloc_array((size_t)n_out, sizeof *n->outputs);
  n->attrs = ops_calloc_array((size_t)n_attrs, sizeof *n->attrs);
  assert_non_null(n->inputs);
  assert_non_null(n->outputs);
  assert_non_null(n->attrs);
  if (n_in > 0) memcpy(n->inputs, in, (size_t)n_in * sizeof *in);
  if (n_out > 0) memcpy(n->outputs, out, (size_t)n_out * sizeof *out);
  n->n_inputs = n_in;
  n->n_outputs = n_out;
  n->n_attrs = n_attrs;
  return n;
}

static float float_from_bits(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

static struct ops_tensor *standalone_tensor(const char *name, enum ops_dtype dtype, int rank,
                                            const int64_t *dims, const void *data, size_t nbytes) {
  struct ops_tensor *t = calloc(1, sizeof *t);
  assert_non_null(t);
  t->name = ops_strdup(name);
  t->dtype = dtype;
  t->shape = ops_shape_make(rank, dims);
  t->role = OPS_TENSOR_INITIALIZER;
  t->producer = -1;
  assert_true(ops_tensor_set_data_copy(t, data, nbytes));
  return t;
}

/* A graph that uses every attribute type and every float that is hard to write in JSON. */
static struct ops_graph *every_attribute_graph(void) {
  struct ops_graph *g = ops_graph_new();
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  g->name = ops_strdup("attrs \"quoted\" / slashed");
  g->producer = ops_strdup("test-json");
  g->opset = 17;
  g->ir_version = 8;
  int x = tensor(g, "x", OPS_DTYPE_F32, 2, (int64_t[]){-1, 6}, OPS_TENSOR_INPUT);
  g->tensors[x].dim_params[0] = ops_strdup("batch");
  assert_int_equal(ops_graph_add_input(g, x, &d), OPS_OK);
  int w = tensor(g, "w/0", OPS_DTYPE_F32, 1, (int64_t[]){6}, OPS_TENSOR_INITIALIZER);
  const float wdata[6] = {1.0f, -0.0f, float_from_bits(1), INFINITY, -INFINITY, 3.4028235e38f};
  assert_true(ops_tensor_set_data_copy(&g->tensors[w], wdata, sizeof wdata));
  int empty = tensor(g, "empty", OPS_DTYPE_I64, 2, (int64_t[]){0, 3}, OPS_TENSOR_INITIALIZER);
  assert_true(ops_tensor_set_data_copy(&g->tensors[empty], NULL, 0));
  int c = tensor(g, "c", OPS_DTYPE_F32, 2, (int64_t[]){2, 3}, OPS_TENSOR_ACTIVATION);
  int y = tensor(g, "y", OPS_DTYPE_UNDEFINED, -1, NULL, OPS_TENSOR_ACTIVATION);
  int z = tensor(g, "z", OPS_DTYPE_F32, 0, NULL, OPS_TENSOR_ACTIVATION);
  /* An inferred value of an activation is not stored. */
  const float zval = 42.0f;
  assert_true(ops_tensor_set_data_copy(&g->tensors[z], &zval, sizeof zval));

  struct ops_node *n = node(g, "const", "Constant", "", 0, NULL, 1, (int[]){c}, 1);
  const float cdata[6] = {0.5f, -1.5f, 2.0f, 1e-7f, 1e7f, 0.1f};
  n->attrs[0] = (struct ops_attr){
      .name = ops_strdup("value"),
      .type = OPS_ATTR_TENSOR,
      .tensor = standalone_tensor("", OPS_DTYPE_F32, 2, (int64_t[]){2, 3}, cdata, sizeof cdata)};

  n = node(g, "every", "Custom", "com.example", 3, (int[]){x, -1, w}, 2, (int[]){y, -1}, 11);
  static const uint32_t nan_bits[] = {0x7fc00000u, 0xffc00001u, 0x7f800001u};
  n->attrs[0] = (struct ops_attr){
      .name = ops_strdup("nan"), .type = OPS_ATTR_FLOAT, .f = float_from_bits(nan_bits[0])};
  n->attrs[1] = (struct ops_attr){.name = ops_strdup("neg_nan_payload"),
                                  .type = OPS_ATTR_FLOAT,
                                  .f = float_from_bits(nan_bits[1])};
  n->attrs[2] = (struct ops_attr){.name = ops_strdup("inf"), .type = OPS_ATTR_FLOAT, .f = INFINITY};
  n->attrs[3] =
      (struct ops_attr){.name = ops_strdup("neg_zero"), .type = OPS_ATTR_FLOAT, .f = -0.0f};
  n->attrs[4] = (struct ops_attr){.name = ops_strdup("i"), .type = OPS_ATTR_INT, .i = INT64_MIN};
  static const char bytes[] = "a\0b\"\\/\n\t\x01\xc3\xa9";
  n->attrs[5] = (struct ops_attr){.name = ops_strdup("s"),
                                  .type = OPS_ATTR_STRING,
                                  .s = ops_strndup(bytes, sizeof bytes - 1),
                                  .s_len = sizeof bytes - 1};
  const float fl[] = {
      -INFINITY, float_from_bits(nan_bits[2]), 1.17549435e-38f, 1.0f / 3.0f, 16777217.0f, -1e-45f};
  n->attrs[6] =
      (struct ops_attr){.name = ops_strdup("floats"), .type = OPS_ATTR_FLOATS, .count = 6};
  n->attrs[6].floats = malloc(sizeof fl);
  memcpy(n->attrs[6].floats, fl, sizeof fl);
  const int64_t il[] = {INT64_MAX, -1, 0, 1};
  n->attrs[7] = (struct ops_attr){.name = ops_strdup("ints"), .type = OPS_ATTR_INTS, .count = 4};
  n->attrs[7].ints = malloc(sizeof il);
  memcpy(n->attrs[7].ints, il, sizeof il);
  n->attrs[8] =
      (struct ops_attr){.name = ops_strdup("strings"), .type = OPS_ATTR_STRINGS, .count = 3};
  n->attrs[8].strings = calloc(3, sizeof(char *));
  n->attrs[8].strings[0] = ops_strdup("");
  n->attrs[8].strings[1] = ops_strdup("two words");
  n->attrs[8].strings[2] = ops_strdup("\xe2\x82\xac");
  const int64_t lut[] = {7, 8, 9};
  n->attrs[9] = (struct ops_attr){
      .name = ops_strdup("table"),
      .type = OPS_ATTR_TENSOR,
      .tensor = standalone_tensor("lut", OPS_DTYPE_I64, 1, (int64_t[]){3}, lut, sizeof lut)};
  n->attrs[10] = (struct ops_attr){.name = ops_strdup("body"), .type = OPS_ATTR_GRAPHS, .count = 2};
  node(g, "scalar", "Relu", "", 1, (int[]){c}, 1, (int[]){z}, 0);
  assert_int_equal(ops_graph_add_output(g, y, &d), OPS_OK);
  assert_int_equal(ops_graph_add_output(g, z, &d), OPS_OK);
  return g;
}

static void test_every_attribute_round_trip(void **state) {
  struct ops_graph *g = every_attribute_graph();
  struct ops_graph *back = round_trip(state, g, "every");
  /* The fields the comparison would accept either way, checked by value. */
  const struct ops_attr *nan = ops_node_attr(&back->nodes[1], "nan");
  assert_non_null(nan);
  assert_true(isnan(nan->f));
  assert_int_equal(back->nodes[1].inputs[1], -1);
  assert_int_equal(back->nodes[1].outputs[1], -1);
  assert_int_equal(back->nodes[1].op, OPS_OP_UNKNOWN);
  assert_int_equal(back->nodes[0].op, OPS_OP_CONSTANT);
  assert_int_equal(back->tensors[0].shape.dims[0], -1);
  assert_string_equal(back->tensors[0].dim_params[0], "batch");
  assert_null(back->tensors[0].dim_params[1]);
  assert_int_equal(back->tensors[ops_graph_find_tensor(back, "y")].shape.rank, -1);
  assert_int_equal(back->tensors[ops_graph_find_tensor(back, "z")].shape.rank, 0);
  ops_graph_free(back);
  ops_graph_free(g);
}

/* Round-trips the ONNX model at `path`; false when the ONNX loader refuses it. */
static bool onnx_round_trip(void **state, const char *path, struct ops_diag *d) {
  ops_diag_init(d, NULL);
  struct ops_graph *g = NULL;
  if (ops_load_onnx(path, &g, d) != OPS_OK) return false;
  struct ops_graph *back = round_trip(state, g, "onnx");
  ops_graph_free(back);
  ops_graph_free(g);
  return true;
}

/* The shared real models, when the ONNX loader can read them. */
static void test_onnx_round_trip(void **state) {
  static const char *const models[] = {"mnist_cnn",     "mlp",          "mlp_b64",
                                       "squeezenet1_1", "mobilenet_v2", "tiny_bert"};
  for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
    char path[512];
    struct ops_diag d;
    ops_test_model_path(models[i], "model.onnx", path, sizeof path);
    if (!onnx_round_trip(state, path, &d)) {
      print_message("skipping: the ONNX loader cannot read %s: %s\n", path, d.msg);
      skip();
    }
  }
}

/* Every conformance model the ONNX loader reads: they use every attribute type ONNX has. */
static void test_conformance_round_trip(void **state) {
  glob_t found;
  if (glob(CONFORMANCE_DIR "/*/*/model.onnx", 0, NULL, &found) != 0) {
    print_message("skipping: no models under %s (install libonnx-testdata)\n", CONFORMANCE_DIR);
    skip();
  }
  size_t done = 0;
  for (size_t i = 0; i < found.gl_pathc; i++) {
    struct ops_diag d;
    if (onnx_round_trip(state, found.gl_pathv[i], &d)) done++;
  }
  print_message("round-tripped %zu of %zu conformance models (the rest the ONNX loader refuses)\n",
                done, found.gl_pathc);
  globfree(&found);
  if (done == 0) {
    print_message("skipping: the ONNX loader reads none of the conformance models yet\n");
    skip();
  }
}

/* ---- hand-written files the loader must accept ---- */

static struct ops_graph *load_text(void **state, const char *name, const char *text,
                                   enum ops_status want, struct ops_diag *d) {
  char path[512];
  write_text(tmp_path(state, name, path, sizeof path), text);
  ops_diag_init(d, NULL);
  struct ops_graph *g = NULL;
  enum ops_status st = ops_load_json(path, &g, d);
  if (st != want) fail_msg("%s: status %d, expected %d: %s", name, st, want, d->msg);
  if (want != OPS_OK) assert_null(g);
  return g;
}

static void test_hand_written(void **state) {
  char path[512];
  /* Weights in a subfolder, tightly packed (the loader does not need the writer's alignment). */
  assert_int_equal(mkdir(tmp_path(state, "w", path, sizeof path), 0700), 0);
  const float w[3] = {1.0f, 2.0f, 3.0f};
  const int64_t shape[2] = {1, 3};
  unsigned char bin[sizeof w + sizeof shape];
  memcpy(bin, w, sizeof w);
  memcpy(bin + sizeof w, shape, sizeof shape);
  write_file(tmp_path(state, "w/packed.bin", path, sizeof path), bin, sizeof bin);
  struct ops_diag d;
  struct ops_graph *g = load_text(
      state, "hand.json",
      "{\"format\": \"opscope-ir\", \"version\": 1, \"weights\": \"./w//packed.bin\",\n"
      " \"tensors\": [\n"
      "  {\"name\": \"x\", \"dtype\": \"f32\", \"shape\": [3], \"role\": \"input\"},\n"
      "  {\"name\": \"w\", \"dtype\": \"f32\", \"shape\": [3], \"role\": \"initializer\",\n"
      "   \"data\": {\"offset\": 0, \"length\": 12}},\n"
      "  {\"name\": \"s\", \"dtype\": \"i64\", \"shape\": [2], \"role\": \"initializer\",\n"
      "   \"data\": {\"length\": 16, \"offset\": 12}}],\n"
      " \"inputs\": [\"x\"], \"outputs\": [\"out\"],\n"
      " \"nodes\": [\n"
      "  {\"op_type\": \"Reshape\", \"inputs\": [\"sum\", \"s\"], \"outputs\": [\"out\"]},\n"
      "  {\"op_type\": \"LeakyRelu\", \"inputs\": [\"x\"], \"outputs\": [\"lr\"],\n"
      "   \"attributes\": {\"alpha\": {\"type\": \"float\", \"value\": 1}}},\n"
      "  {\"name\": \"add\", \"op_type\": \"Add\", \"inputs\": [\"lr\", \"w\"],\n"
      "   \"outputs\": [\"sum\"]}]}\n",
      OPS_OK, &d);
  assert_null(g->name);
  assert_null(g->producer);
  assert_int_equal(g->opset, 0);
  /* Missing node names are generated from the op type and the position. */
  assert_string_equal(g->nodes[0].name, "Reshape_0");
  assert_string_equal(g->nodes[1].name, "LeakyRelu_1");
  assert_string_equal(g->nodes[0].domain, "");
  assert_int_equal(g->nodes[1].attrs[0].type, OPS_ATTR_FLOAT);
  assert_float_bits(g->nodes[1].attrs[0].f, 1.0f);
  int s = ops_graph_find_tensor(g, "s");
  int64_t v;
  assert_true(ops_tensor_get_int(&g->tensors[s], 1, &v));
  assert_int_equal(v, 3);
  assert_memory_equal(g->tensors[ops_graph_find_tensor(g, "w")].data, w, sizeof w);
  /* Nodes may come in any order; validation sorts them. */
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_validate(g, &d), OPS_OK);
  assert_string_equal(g->nodes[2].name, "Reshape_0");
  ops_graph_free(g);

  /* Without "weights" the weights file is the JSON's name with .bin. */
  write_file(tmp_path(state, "plain.bin", path, sizeof path), w, sizeof w);
  g = load_text(
      state, "plain.json",
      "{\"format\": \"opscope-ir\", \"version\": 1, \"tensors\": [\n"
      "  {\"name\": \"w\", \"dtype\": \"f32\", \"shape\": [3], \"role\": \"initializer\",\n"
      "   \"data\": {\"offset\": 0, \"length\": 12}}],\n"
      " \"inputs\": [], \"outputs\": [\"w\"], \"nodes\": []}\n",
      OPS_OK, &d);
  assert_memory_equal(g->tensors[0].data, w, sizeof w);
  ops_graph_free(g);

  /* No data at all: no weights file is needed. */
  g = load_text(
      state, "noweights.json",
      "{\"format\": \"opscope-ir\", \"version\": 1, \"tensors\": [\n"
      "  {\"name\": \"x\", \"dtype\": \"f32\", \"shape\": null, \"role\": \"input\"}],\n"
      " \"inputs\": [\"x\"], \"outputs\": [\"y\"],\n"
      " \"nodes\": [{\"op_type\": \"Relu\", \"inputs\": [\"x\"], \"outputs\": [\"y\"]}]}\n",
      OPS_OK, &d);
  assert_int_equal(g->tensors[0].shape.rank, -1);
  /* "y" was not declared: it became an activation of unknown type, produced by the node. */
  int y = ops_graph_find_tensor(g, "y");
  assert_int_equal(g->tensors[y].role, OPS_TENSOR_ACTIVATION);
  assert_int_equal(g->tensors[y].dtype, OPS_DTYPE_UNDEFINED);
  assert_true(g->tensors[y].is_output);
  ops_graph_free(g);
}

/* Names that nothing produces load, and validation then names them. */
static void test_dangling_reported_by_validation(void **state) {
  struct ops_diag d;
  struct ops_graph *g =
      load_text(state, "dangling.json",
                "{\"format\": \"opscope-ir\", \"version\": 1, \"tensors\": [], \"inputs\": [],\n"
                " \"outputs\": [\"y\"], \"nodes\": [\n"
                "  {\"name\": \"r\", \"op_type\": \"Relu\", \"inputs\": [\"ghost\"], \"outputs\": "
                "[\"y\"]}]}\n",
                OPS_OK, &d);
  ops_diag_init(&d, "dangling.json");
  assert_int_equal(ops_graph_validate(g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "'ghost' is not produced by any node");
  ops_graph_free(g);
}

/* ---- errors on the way out ---- */

static void test_save_errors(void **state) {
  char path[512];
  struct ops_diag d;
  struct ops_graph *g = ops_graph_new();
  int w = tensor(g, "w", OPS_DTYPE_F32, 1, (int64_t[]){4}, OPS_TENSOR_INITIALIZER);
  const float data[2] = {1, 2};
  assert_true(ops_tensor_set_data_copy(&g->tensors[w], data, sizeof data));
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_save_json(g, tmp_path(state, "short.json", path, sizeof path), &d),
                   OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "short.json: tensor 'w' has 8 bytes of data, expected 16 for f32 [4]");
  /* Nothing half-written is left behind. */
  struct stat st;
  assert_int_not_equal(stat(path, &st), 0);
  assert_int_not_equal(stat(tmp_path(state, "short.bin", path, sizeof path), &st), 0);

  ops_diag_init(&d, NULL);
  assert_int_equal(ops_save_json(g, "/nonexistent-dir/x.json", &d), OPS_ERR_IO);
  OPS_ASSERT_CONTAINS(d.msg, "/nonexistent-dir/x.bin: cannot create");
  ops_graph_free(g);
}

/* ---- the bad-input corpus ---- */

struct bad_case {
  char file[128];
  char expected[256];
};

/* Trims spaces around a table cell in place. */
static char *trim(char *s) {
  while (*s == ' ')
    s++;
  size_t n = strlen(s);
  while (n > 0 && s[n - 1] == ' ')
    s[--n] = '\0';
  return s;
}

/* Rows of the README's `| file | expected substring |` table. */
static size_t read_cases(struct bad_case *cases, size_t max) {
  size_t len, n = 0;
  char *text = read_all(BAD_DIR "/README.md", &len);
  for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    if (line[0] != '|' || strstr(line, "---") != NULL || strstr(line, "| file |") != NULL) continue;
    char *cell2 = strchr(line + 1, '|');
    assert_non_null(cell2);
    *cell2++ = '\0';
    char *end = strrchr(cell2, '|');
    assert_non_null(end);
    *end = '\0';
    assert_true(n < max);
    snprintf(cases[n].file, sizeof cases[n].file, "%s", trim(line + 1));
    snprintf(cases[n].expected, sizeof cases[n].expected, "%s", trim(cell2));
    n++;
  }
  free(text);
  return n;
}

static enum ops_status expected_status(const char *file) {
  if (strcmp(file, "missing-weights.json") == 0) return OPS_ERR_IO;
  if (strcmp(file, "version-2.json") == 0) return OPS_ERR_UNSUPPORTED;
  return OPS_ERR_BAD_INPUT;
}

static void test_bad_corpus(void **state) {
  (void)state;
  struct bad_case cases[128];
  size_t n = read_cases(cases, 128);
  assert_true(n >= 12);
  for (size_t i = 0; i < n; i++) {
    char path[512];
    if (snprintf(path, sizeof path, "%s/%s", BAD_DIR, cases[i].file) >= (int)sizeof path) {
      fail_msg("path too long: %s", cases[i].file);
    }
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    static struct ops_graph sentinel;
    struct ops_graph *g = &sentinel; /* the loader must reset it to NULL on failure */
    enum ops_status st = ops_load_json(path, &g, &d);
    if (st != expected_status(cases[i].file)) {
      fail_msg("%s: status %d (%s), expected %d", cases[i].file, st, d.msg,
               expected_status(cases[i].file));
    }
    assert_null(g);
    /* The message names the file and then the problem. */
    OPS_ASSERT_CONTAINS(d.msg, path);
    OPS_ASSERT_CONTAINS(d.msg, cases[i].expected);
  }
  /* Every file of the corpus is in the table. */
  DIR *dir = opendir(BAD_DIR);
  assert_non_null(dir);
  for (struct dirent *e = readdir(dir); e != NULL; e = readdir(dir)) {
    size_t len = strlen(e->d_name);
    if (len < 5 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
    bool listed = false;
    for (size_t i = 0; i < n && !listed; i++)
      listed = strcmp(cases[i].file, e->d_name) == 0;
    if (!listed) fail_msg("%s is not listed in %s/README.md", e->d_name, BAD_DIR);
  }
  closedir(dir);
}

/* The loader writes only through its diag; with a caller's path set, it keeps it. */
static void test_missing_file(void **state) {
  (void)state;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_graph *g = NULL;
  assert_int_equal(ops_load_json("/nonexistent/model.json", &g, &d), OPS_ERR_IO);
  assert_null(g);
  assert_string_equal(d.msg, "/nonexistent/model.json: cannot open: No such file or directory");
  /* A NULL diag is allowed. */
  assert_int_equal(ops_load_json("/nonexistent/model.json", &g, NULL), OPS_ERR_IO);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_builtin_round_trip, make_tmpdir, remove_tmpdir),
      cmocka_unit_test_setup_teardown(test_inferred_round_trip, make_tmpdir, remove_tmpdir),
      cmocka_unit_test_setup_teardown(test_every_attribute_round_trip, make_tmpdir, remove_tmpdir),
      cmocka_unit_test_setup_teardown(test_onnx_round_trip, make_tmpdir, remove_tmpdir),
      cmocka_unit_test_setup_teardown(test_conformance_round_trip, make_tmpdir, remove_tmpdir),
      cmocka_unit_test_setup_teardown(test_hand_written, make_tmpdir, remove_tmpdir),
      cmocka_unit_test_setup_teardown(test_dangling_reported_by_validation, make_tmpdir,
                                      remove_tmpdir),
      cmocka_unit_test_setup_teardown(test_save_errors, make_tmpdir, remove_tmpdir),
      cmocka_unit_test(test_bad_corpus),
      cmocka_unit_test(test_missing_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
