/*
 * Unit tests of the ONNX loaders on models built in memory with the generated protobuf-c code,
 * so each test states exactly the field it exercises: every typed data field and dtype, string
 * tensors, external data, old-IR initializer inputs, symbolic dims, every attribute kind (typed
 * and untyped), node naming and domains, metadata, and the checks on each.
 *
 * Messages built here live in an arena freed after each test; nothing is unpacked, so
 * protobuf-c's free functions are never called on them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "test-util.h"

#include "onnx/onnx.pb-c.h"
#include "src/graph.h"
#include "src/load.h"

/* ---- an arena for hand-built messages ---- */

#define ARENA_MAX 1024
static void *arena[ARENA_MAX];
static size_t arena_used;

static void *hold(void *p) {
  assert_non_null(p);
  assert_true(arena_used < ARENA_MAX);
  arena[arena_used++] = p;
  return p;
}

static void *zalloc(size_t bytes) {
  return hold(calloc(1, bytes));
}

static int arena_free(void **state) {
  (void)state;
  while (arena_used > 0)
    free(arena[--arena_used]);
  return 0;
}

/* protobuf-c fields are `char *`, but packing only reads them. */
static char *str(const char *s) {
  return (char *)s;
}

/* ---- message builders ---- */

static Onnx__TensorProto *tensor_new(const char *name, int dtype, size_t rank,
                                     const int64_t *dims) {
  Onnx__TensorProto *t = zalloc(sizeof *t);
  Onnx__TensorProto init = ONNX__TENSOR_PROTO__INIT;
  *t = init;
  t->name = str(name);
  t->has_data_type = 1;
  t->data_type = dtype;
  t->n_dims = rank;
  t->dims = zalloc((rank + 1) * sizeof *t->dims);
  if (rank > 0) memcpy(t->dims, dims, rank * sizeof *t->dims);
  return t;
}

static void tensor_raw(Onnx__TensorProto *t, const void *data, size_t len) {
  t->has_raw_data = 1;
  t->raw_data.data = (uint8_t *)data;
  t->raw_data.len = len;
}

/* dims[i] == -1 is params[i] as a symbolic dim when params and it are non-NULL, else an unset
 * dim; any other value, negative ones included, is written as dim_value. rank < 0 gives no
 * shape at all. */
static Onnx__ValueInfoProto *value_new(const char *name, int elem_type, int rank,
                                       const int64_t *dims, const char *const *params) {
  Onnx__ValueInfoProto *vi = zalloc(sizeof *vi);
  Onnx__ValueInfoProto vi_init = ONNX__VALUE_INFO_PROTO__INIT;
  *vi = vi_init;
  vi->name = str(name);
  Onnx__TypeProto *type = zalloc(sizeof *type);
  Onnx__TypeProto type_init = ONNX__TYPE_PROTO__INIT;
  *type = type_init;
  Onnx__TypeProto__Tensor *tt = zalloc(sizeof *tt);
  Onnx__TypeProto__Tensor tt_init = ONNX__TYPE_PROTO__TENSOR__INIT;
  *tt = tt_init;
  tt->has_elem_type = 1;
  tt->elem_type = elem_type;
  type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type->tensor_type = tt;
  vi->type = type;
  if (rank < 0) return vi;
  Onnx__TensorShapeProto *shape = zalloc(sizeof *shape);
  Onnx__TensorShapeProto shape_init = ONNX__TENSOR_SHAPE_PROTO__INIT;
  *shape = shape_init;
  shape->n_dim = (size_t)rank;
  shape->dim = zalloc((size_t)(rank + 1) * sizeof *shape->dim);
  for (int i = 0; i < rank; i++) {
    Onnx__TensorShapeProto__Dimension *dim = zalloc(sizeof *dim);
    Onnx__TensorShapeProto__Dimension dim_init = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
    *dim = dim_init;
    if (dims[i] != -1) {
      dim->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
      dim->dim_value = dims[i];
    } else if (params != NULL && params[i] != NULL) {
      dim->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
      dim->dim_param = str(params[i]);
    }
    shape->dim[i] = dim;
  }
  tt->shape = shape;
  return vi;
}

#define MAX_ITEMS 16

static Onnx__NodeProto *node_new(const char *name, const char *op_type, const char *domain,
                                 const char *const *inputs, const char *const *outputs) {
  Onnx__NodeProto *n = zalloc(sizeof *n);
  Onnx__NodeProto init = ONNX__NODE_PROTO__INIT;
  *n = init;
  n->name = str(name);
  n->op_type = str(op_type);
  n->domain = str(domain);
  /* Callers pass compound literals, so the name lists are copied into the arena. */
  while (inputs[n->n_input] != NULL)
    n->n_input++;
  while (outputs[n->n_output] != NULL)
    n->n_output++;
  n->input = zalloc((n->n_input + 1) * sizeof *n->input);
  n->output = zalloc((n->n_output + 1) * sizeof *n->output);
  for (size_t i = 0; i < n->n_input; i++)
    n->input[i] = str(inputs[i]);
  for (size_t i = 0; i < n->n_output; i++)
    n->output[i] = str(outputs[i]);
  n->attribute = zalloc(MAX_ITEMS * sizeof *n->attribute);
  return n;
}

/* An attribute of the given type code (0: leave the type unset, as IR version 1 did). */
static Onnx__AttributeProto *attr_add(Onnx__NodeProto *n, const char *name, int type) {
  assert_true(n->n_attribute < MAX_ITEMS);
  Onnx__AttributeProto *a = zalloc(sizeof *a);
  Onnx__AttributeProto init = ONNX__ATTRIBUTE_PROTO__INIT;
  *a = init;
  a->name = str(name);
  if (type != 0) {
    a->has_type = 1;
    a->type = (Onnx__AttributeProto__AttributeType)type;
  }
  n->attribute[n->n_attribute++] = a;
  return a;
}

/* A model with one graph; tests add to the graph's lists and then pack it. */
struct model {
  Onnx__ModelProto m;
  Onnx__GraphProto g;
  Onnx__OperatorSetIdProto opsets[3];
  Onnx__OperatorSetIdProto *opset_list[3];
  Onnx__TensorProto *inits[MAX_ITEMS];
  Onnx__ValueInfoProto *inputs[MAX_ITEMS];
  Onnx__ValueInfoProto *outputs[MAX_ITEMS];
  Onnx__NodeProto *nodes[MAX_ITEMS];
};

/* x: f32 [1, 4] -> Relu -> y. */
static struct model *model_new(void) {
  struct model *b = zalloc(sizeof *b);
  Onnx__ModelProto m_init = ONNX__MODEL_PROTO__INIT;
  Onnx__GraphProto g_init = ONNX__GRAPH_PROTO__INIT;
  Onnx__OperatorSetIdProto o_init = ONNX__OPERATOR_SET_ID_PROTO__INIT;
  b->m = m_init;
  b->g = g_init;
  b->m.has_ir_version = 1;
  b->m.ir_version = 8;
  b->m.producer_name = str("unit-test");
  b->m.producer_version = str("1.0");
  b->m.graph = &b->g;
  b->opsets[0] = o_init;
  b->opsets[0].domain = str("");
  b->opsets[0].has_version = 1;
  b->opsets[0].version = 17;
  b->opset_list[0] = &b->opsets[0];
  b->m.opset_import = b->opset_list;
  b->m.n_opset_import = 1;
  b->g.name = str("unit");
  b->g.initializer = b->inits;
  b->g.input = b->inputs;
  b->g.output = b->outputs;
  b->g.node = b->nodes;
  b->inputs[b->g.n_input++] = value_new("x", 1, 2, (const int64_t[]){1, 4}, NULL);
  b->outputs[b->g.n_output++] = value_new("y", 1, 2, (const int64_t[]){1, 4}, NULL);
  b->nodes[b->g.n_node++] = node_new("relu", "Relu", "", (const char *const[]){"x", NULL},
                                     (const char *const[]){"y", NULL});
  return b;
}

static void add_init(struct model *b, Onnx__TensorProto *t) {
  assert_true(b->g.n_initializer < MAX_ITEMS);
  b->inits[b->g.n_initializer++] = t;
}

/* Packs and loads; `path` may be NULL. The caller frees *g. */
static enum ops_status load_model(struct model *b, const char *path, struct ops_graph **g,
                                  struct ops_diag *d) {
  size_t len = onnx__model_proto__get_packed_size(&b->m);
  uint8_t *buf = zalloc(len + 1);
  assert_int_equal(onnx__model_proto__pack(&b->m, buf), len);
  ops_diag_init(d, NULL);
  return ops_load_onnx_buffer(buf, len, path, g, d);
}

static struct ops_graph *load_ok(struct model *b) {
  struct ops_graph *g = NULL;
  struct ops_diag d;
  if (load_model(b, "dir/m.onnx", &g, &d) != OPS_OK) fail_msg("%s", d.msg);
  return g;
}

/* Loading must fail with `status` and a message containing `needle` that names the model. */
static void load_fails(struct model *b, enum ops_status status, const char *needle) {
  struct ops_graph *g = NULL;
  struct ops_diag d;
  enum ops_status st = load_model(b, "dir/m.onnx", &g, &d);
  if (st != status) {
    fail_msg("status %s, expected %s (message: %s)", ops_status_str(st), ops_status_str(status),
             d.msg);
  }
  assert_null(g);
  OPS_ASSERT_CONTAINS(d.msg, "dir/m.onnx: ");
  OPS_ASSERT_CONTAINS(d.msg, needle);
}

static const struct ops_tensor *find(const struct ops_graph *g, const char *name) {
  int i = ops_graph_find_tensor(g, name);
  if (i < 0) fail_msg("no tensor '%s'", name);
  return &g->tensors[i];
}

/* ---- metadata ---- */

static void test_metadata(void **state) {
  (void)state;
  struct model *b = model_new();
  /* "ai.onnx" is the default domain too; other domains do not set the opset. */
  Onnx__OperatorSetIdProto o_init = ONNX__OPERATOR_SET_ID_PROTO__INIT;
  b->opsets[0].domain = str("com.example");
  b->opsets[0].version = 99;
  b->opsets[1] = o_init;
  b->opsets[1].domain = str("ai.onnx");
  b->opsets[1].has_version = 1;
  b->opsets[1].version = 13;
  b->opset_list[1] = &b->opsets[1];
  b->m.n_opset_import = 2;
  struct ops_graph *g = load_ok(b);
  assert_string_equal(g->format, "onnx");
  assert_string_equal(g->path, "dir/m.onnx");
  assert_string_equal(g->name, "unit");
  assert_string_equal(g->producer, "unit-test 1.0");
  assert_int_equal(g->ir_version, 8);
  assert_int_equal(g->opset, 13);
  ops_graph_free(g);

  /* Without a graph name, the file's base name; without a producer, none. */
  b->g.name = NULL;
  b->m.producer_name = NULL;
  b->m.producer_version = NULL;
  b->m.n_opset_import = 0;
  g = load_ok(b);
  assert_string_equal(g->name, "m.onnx");
  assert_null(g->producer);
  assert_int_equal(g->opset, 0);
  ops_graph_free(g);
}

static void test_memory_without_path(void **state) {
  (void)state;
  struct model *b = model_new();
  struct ops_graph *g = NULL;
  struct ops_diag d;
  assert_int_equal(load_model(b, NULL, &g, &d), OPS_OK);
  assert_string_equal(g->path, "<memory>");
  ops_graph_free(g);

  b->g.n_output = 0;
  assert_int_equal(load_model(b, NULL, &g, &d), OPS_ERR_BAD_INPUT);
  assert_string_equal(d.msg, "<memory>: the graph has no outputs");
}

/* ---- tensors ---- */

/* Every dtype from the typed field the ONNX spec assigns to it, packed little-endian. */
static void test_typed_fields(void **state) {
  (void)state;
  struct model *b = model_new();
  static const int64_t two[] = {2};
  static float f32[] = {1.5f, -2.0f};
  static double f64[] = {0.25, -8.0};
  static int64_t i64[] = {INT64_MIN, 7};
  static uint64_t u64[] = {UINT64_MAX, 1};
  static uint64_t u32[] = {UINT32_MAX, 2};
  static int32_t i32[] = {INT32_MIN, 3};
  static int32_t i8[] = {-128, 127};
  static int32_t u8[] = {0, 255};
  static int32_t i16[] = {-32768, 32767};
  static int32_t u16[] = {0, 65535};
  static int32_t boolean[] = {1, 0};
  static int32_t f16[] = {0x3c00, 0xc000}; /* 1.0, -2.0 */
  static int32_t bf16[] = {0x3f80, 0x4000};
  Onnx__TensorProto *t;
#define TYPED(name, code, field, values)           \
  t = tensor_new(name, code, 1, two);              \
  t->n_##field = sizeof values / sizeof values[0]; \
  t->field = values;                               \
  add_init(b, t)
  TYPED("f32", 1, float_data, f32);
  TYPED("f64", 11, double_data, f64);
  TYPED("i64", 7, int64_data, i64);
  TYPED("u64", 13, uint64_data, u64);
  TYPED("u32", 12, uint64_data, u32);
  TYPED("i32", 6, int32_data, i32);
  TYPED("i8", 3, int32_data, i8);
  TYPED("u8", 2, int32_data, u8);
  TYPED("i16", 5, int32_data, i16);
  TYPED("u16", 4, int32_data, u16);
  TYPED("bool", 9, int32_data, boolean);
  TYPED("f16", 10, int32_data, f16);
  TYPED("bf16", 16, int32_data, bf16);
#undef TYPED
  struct ops_graph *g = load_ok(b);

  const struct ops_tensor *x = find(g, "f32");
  assert_int_equal(x->dtype, OPS_DTYPE_F32);
  assert_int_equal(x->nbytes, 8);
  assert_memory_equal(x->data, f32, 8);
  assert_memory_equal(find(g, "f64")->data, f64, 16);
  assert_memory_equal(find(g, "i64")->data, i64, 16);
  assert_memory_equal(find(g, "u64")->data, u64, 16);
  assert_memory_equal(find(g, "i32")->data, i32, 8);
  static const uint32_t u32_packed[] = {UINT32_MAX, 2};
  assert_memory_equal(find(g, "u32")->data, u32_packed, 8);
  static const int8_t i8_packed[] = {-128, 127};
  assert_memory_equal(find(g, "i8")->data, i8_packed, 2);
  static const uint8_t u8_packed[] = {0, 255}, bool_packed[] = {1, 0};
  assert_memory_equal(find(g, "u8")->data, u8_packed, 2);
  assert_memory_equal(find(g, "bool")->data, bool_packed, 2);
  static const int16_t i16_packed[] = {-32768, 32767};
  assert_memory_equal(find(g, "i16")->data, i16_packed, 4);
  static const uint16_t u16_packed[] = {0, 65535}, f16_packed[] = {0x3c00, 0xc000},
                        bf16_packed[] = {0x3f80, 0x4000};
  assert_memory_equal(find(g, "u16")->data, u16_packed, 4);
  assert_memory_equal(find(g, "f16")->data, f16_packed, 4);
  assert_memory_equal(find(g, "bf16")->data, bf16_packed, 4);
  assert_int_equal(find(g, "bf16")->dtype, OPS_DTYPE_BF16);
  assert_int_equal(find(g, "bf16")->nbytes, 4);
  for (size_t i = 0; i < g->n_tensors; i++) {
    if (g->tensors[i].role == OPS_TENSOR_INITIALIZER) {
      assert_int_equal(g->tensors[i].shape.rank, 1);
      assert_true(g->tensors[i].owns_data);
    }
  }
  assert_int_equal(ops_graph_param_count(g), 13 * 2);
  ops_graph_free(g);
}

static void test_raw_data_and_scalars(void **state) {
  (void)state;
  struct model *b = model_new();
  static const int64_t dims[] = {2, 3};
  static const float w[6] = {1, 2, 3, 4, 5, 6};
  Onnx__TensorProto *t = tensor_new("W", 1, 2, dims);
  tensor_raw(t, w, sizeof w);
  add_init(b, t);
  /* A scalar (rank 0) has one element; an empty tensor has none and no data fields at all. */
  static const int64_t scalar = 42;
  t = tensor_new("s", 7, 0, NULL);
  tensor_raw(t, &scalar, sizeof scalar);
  add_init(b, t);
  static const int64_t empty_dims[] = {0, 5};
  add_init(b, tensor_new("e", 1, 2, empty_dims));
  struct ops_graph *g = load_ok(b);
  const struct ops_tensor *x = find(g, "W");
  assert_int_equal(x->role, OPS_TENSOR_INITIALIZER);
  assert_int_equal(x->shape.rank, 2);
  assert_int_equal(x->shape.dims[1], 3);
  assert_memory_equal(x->data, w, sizeof w);
  const struct ops_tensor *s = find(g, "s");
  assert_int_equal(s->shape.rank, 0);
  int64_t v;
  assert_true(ops_tensor_get_int(s, 0, &v));
  assert_int_equal(v, 42);
  const struct ops_tensor *e = find(g, "e");
  assert_int_equal(e->nbytes, 0);
  assert_non_null(e->data);
  ops_graph_free(g);
}

/* STRING tensors keep their shape and no data (kernels never read strings). */
static void test_string_tensor(void **state) {
  (void)state;
  struct model *b = model_new();
  static const int64_t two[] = {2};
  static ProtobufCBinaryData words[] = {{3, (uint8_t *)"one"}, {3, (uint8_t *)"two"}};
  Onnx__TensorProto *t = tensor_new("words", 8, 1, two);
  t->n_string_data = 2;
  t->string_data = words;
  add_init(b, t);
  struct ops_graph *g = load_ok(b);
  const struct ops_tensor *x = find(g, "words");
  assert_int_equal(x->dtype, OPS_DTYPE_STRING);
  assert_int_equal(x->shape.dims[0], 2);
  assert_null(x->data);
  ops_graph_free(g);

  t->n_string_data = 1;
  load_fails(b, OPS_ERR_BAD_INPUT, "initializer 'words': string_data has 1 values, expected 2");
  t->n_string_data = 0;
  tensor_raw(t, "onetwo", 6);
  load_fails(b, OPS_ERR_BAD_INPUT, "string tensors keep their values in string_data");
}

static void test_tensor_checks(void **state) {
  (void)state;
  static const int64_t two[] = {2};
  static int32_t big[] = {1, 300};
  static int32_t neg[] = {-1, 0};
  static int32_t two_true[] = {2, 1};
  static uint64_t wide[] = {1, (uint64_t)UINT32_MAX + 1};
  static float f2[] = {1, 2};
  struct model *b = model_new();
  Onnx__TensorProto *t = tensor_new("W", 2, 1, two);
  add_init(b, t);
  t->n_int32_data = 2;
  t->int32_data = big;
  load_fails(b, OPS_ERR_BAD_INPUT,
             "initializer 'W': int32_data value 300 at index 1 is out of "
             "range for u8");
  t->data_type = 16; /* bf16 bit patterns are unsigned 16-bit */
  t->int32_data = neg;
  load_fails(b, OPS_ERR_BAD_INPUT, "int32_data value -1 at index 0 is out of range for bf16");
  t->data_type = 9;
  t->int32_data = two_true;
  load_fails(b, OPS_ERR_BAD_INPUT, "int32_data value 2 at index 0 is out of range for bool");
  t->n_int32_data = 0;
  t->data_type = 12;
  t->n_uint64_data = 2;
  t->uint64_data = wide;
  load_fails(b, OPS_ERR_BAD_INPUT,
             "uint64_data value 4294967296 at index 1 is out of range for u32");
  /* The wrong field for the dtype, and two places at once. */
  t->n_uint64_data = 0;
  t->data_type = 7;
  t->n_float_data = 2;
  t->float_data = f2;
  load_fails(b, OPS_ERR_BAD_INPUT, "initializer 'W': float_data cannot hold i64 values");
  t->data_type = 1;
  tensor_raw(t, f2, sizeof f2);
  load_fails(b, OPS_ERR_BAD_INPUT, "data is stored both in raw_data and in float_data");
  t->n_float_data = 0;
  t->has_raw_data = 0;
  load_fails(b, OPS_ERR_BAD_INPUT, "initializer 'W': has no data, expected 8 bytes for f32 [2]");
  t->has_data_type = 0;
  t->data_type = 0;
  load_fails(b, OPS_ERR_BAD_INPUT, "initializer 'W': has no data type");
  t->has_data_type = 1;
  t->data_type = 14; /* complex64: a real ONNX type opscope does not list */
  load_fails(b, OPS_ERR_BAD_INPUT, "unknown or unsupported data type code 14");
  t->data_type = 1;
  tensor_raw(t, f2, sizeof f2);
  Onnx__TensorProto__Segment seg = ONNX__TENSOR_PROTO__SEGMENT__INIT;
  t->segment = &seg;
  load_fails(b, OPS_ERR_UNSUPPORTED, "initializer 'W': segmented tensors are not supported");
  t->segment = NULL;
  t->has_data_location = 1;
  t->data_location = 7;
  load_fails(b, OPS_ERR_BAD_INPUT, "initializer 'W': unknown data_location 7");
  t->has_data_location = 0;
  t->name = str("");
  load_fails(b, OPS_ERR_BAD_INPUT, "initializer #0 has no name");
  t->name = str("W");
  add_init(b, t);
  load_fails(b, OPS_ERR_BAD_INPUT, "tensor 'W' is defined twice");
}

/* ---- external data ---- */

struct ext_dir {
  char dir[64];
  char file[128];
  char model[128];
};

static void ext_dir_make(struct ext_dir *e, const void *data, size_t len) {
  snprintf(e->dir, sizeof e->dir, "/tmp/opscope-onnx-XXXXXX");
  assert_non_null(mkdtemp(e->dir));
  snprintf(e->file, sizeof e->file, "%s/weights.bin", e->dir);
  snprintf(e->model, sizeof e->model, "%s/model.onnx", e->dir);
  FILE *f = fopen(e->file, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  fclose(f);
}

static void ext_dir_remove(struct ext_dir *e) {
  unlink(e->file);
  rmdir(e->dir);
}

static void external_set(Onnx__TensorProto *t, const char *location, const char *offset,
                         const char *length) {
  Onnx__StringStringEntryProto init = ONNX__STRING_STRING_ENTRY_PROTO__INIT;
  t->has_data_location = 1;
  t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  t->external_data = zalloc(4 * sizeof *t->external_data);
  t->n_external_data = 0;
  const char *keys[] = {"location", "offset", "length", "checksum"};
  const char *values[] = {location, offset, length, "ignored"};
  for (int i = 0; i < 4; i++) {
    if (values[i] == NULL) continue;
    Onnx__StringStringEntryProto *e = zalloc(sizeof *e);
    *e = init;
    e->key = str(keys[i]);
    e->value = str(values[i]);
    t->external_data[t->n_external_data++] = e;
  }
}

static void test_external_data(void **state) {
  (void)state;
  static const float w[4] = {1, 2, 3, 4};
  unsigned char file[8 + sizeof w];
  memset(file, 0xee, 8);
  memcpy(file + 8, w, sizeof w);
  struct ext_dir e;
  ext_dir_make(&e, file, sizeof file);

  struct model *b = model_new();
  static const int64_t four[] = {4};
  Onnx__TensorProto *t = tensor_new("W", 1, 1, four);
  add_init(b, t);
  external_set(t, "weights.bin", "8", "16");
  struct ops_graph *g = NULL;
  struct ops_diag d;
  if (load_model(b, e.model, &g, &d) != OPS_OK) fail_msg("%s", d.msg);
  assert_memory_equal(find(g, "W")->data, w, sizeof w);
  ops_graph_free(g);

  /* Without a length, the rest of the file: 16 bytes from offset 8 again. */
  external_set(t, "./weights.bin", "8", NULL);
  if (load_model(b, e.model, &g, &d) != OPS_OK) fail_msg("%s", d.msg);
  assert_memory_equal(find(g, "W")->data, w, sizeof w);
  ops_graph_free(g);

  external_set(t, "weights.bin", "20", "16");
  assert_int_equal(load_model(b, e.model, &g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "external data offset 20 + length 16 is past the end of");
  OPS_ASSERT_CONTAINS(d.msg, "weights.bin' (24 bytes)");
  external_set(t, "weights.bin", "100", NULL);
  assert_int_equal(load_model(b, e.model, &g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "external data offset 100 is past the end of");
  external_set(t, "weights.bin", "0", NULL);
  assert_int_equal(load_model(b, e.model, &g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "has 24 bytes, expected 16 for f32 [4]");
  external_set(t, "weights.bin", "-8", "16");
  assert_int_equal(load_model(b, e.model, &g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "external data offset '-8' is not a byte count");
  external_set(t, "weights.bin", "0", "99999999999999999999999");
  assert_int_equal(load_model(b, e.model, &g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "is not a byte count");
  external_set(t, "sub/../../weights.bin", "8", "16");
  assert_int_equal(load_model(b, e.model, &g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "leaves the model's directory");
  external_set(t, NULL, "8", "16");
  assert_int_equal(load_model(b, e.model, &g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "initializer 'W': external data has no location");
  /* The directory itself is not a weights file. */
  external_set(t, ".", "0", "16");
  assert_int_equal(load_model(b, e.model, &g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "is not a regular file");
  /* From memory without a path there is no directory to look in. */
  external_set(t, "weights.bin", "8", "16");
  assert_int_equal(load_model(b, NULL, &g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "external data 'weights.bin' cannot be located");
  /* Inline data as well as external data is ambiguous. */
  tensor_raw(t, w, sizeof w);
  assert_int_equal(load_model(b, e.model, &g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "data is stored both in raw_data and in external data");
  ext_dir_remove(&e);
}

/* ---- inputs and outputs ---- */

static void test_inputs(void **state) {
  (void)state;
  struct model *b = model_new();
  /* Old IR: the initializer W is listed among the inputs, declared with its own dtype. */
  static const int64_t four[] = {4};
  static const float w[4] = {0};
  Onnx__TensorProto *t = tensor_new("W", 1, 1, four);
  tensor_raw(t, w, sizeof w);
  add_init(b, t);
  b->inputs[b->g.n_input++] = value_new("W", 1, 1, four, NULL);
  /* Symbolic, unset and known dims; then no shape at all. */
  b->inputs[b->g.n_input++] = value_new("tokens", 7, 3, (const int64_t[]){-1, -1, 128},
                                        (const char *const[]){"batch", NULL, NULL});
  b->inputs[b->g.n_input++] = value_new("any", 1, -1, NULL, NULL);
  struct ops_graph *g = load_ok(b);
  assert_int_equal(g->n_inputs, 3);
  assert_string_equal(g->tensors[g->inputs[0]].name, "x");
  assert_string_equal(g->tensors[g->inputs[1]].name, "tokens");
  assert_int_equal(find(g, "W")->role, OPS_TENSOR_INITIALIZER);
  const struct ops_tensor *tok = find(g, "tokens");
  assert_int_equal(tok->role, OPS_TENSOR_INPUT);
  assert_int_equal(tok->dtype, OPS_DTYPE_I64);
  assert_int_equal(tok->shape.rank, 3);
  assert_int_equal(tok->shape.dims[0], -1);
  assert_int_equal(tok->shape.dims[1], -1);
  assert_int_equal(tok->shape.dims[2], 128);
  assert_string_equal(tok->dim_params[0], "batch");
  assert_null(tok->dim_params[1]);
  assert_int_equal(find(g, "any")->shape.rank, -1);
  ops_graph_free(g);

  b->inputs[1] = value_new("W", 7, 1, four, NULL);
  load_fails(b, OPS_ERR_BAD_INPUT, "graph input 'W' is declared i64 but its initializer is f32");
  b->inputs[1] = value_new("x", 1, 1, four, NULL);
  load_fails(b, OPS_ERR_BAD_INPUT, "graph input 'x' is listed twice");
  b->inputs[1] = value_new("", 1, 1, four, NULL);
  load_fails(b, OPS_ERR_BAD_INPUT, "graph input #1 has no name");
  b->inputs[1] = value_new("odd", 77, 1, four, NULL);
  load_fails(b, OPS_ERR_BAD_INPUT, "graph input 'odd': unknown or unsupported data type code 77");
  b->inputs[1] = value_new("seq", 1, 1, four, NULL);
  b->inputs[1]->type->value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
  Onnx__TypeProto__Sequence seq = ONNX__TYPE_PROTO__SEQUENCE__INIT;
  b->inputs[1]->type->sequence_type = &seq;
  load_fails(b, OPS_ERR_UNSUPPORTED, "graph input 'seq' is a sequence");
}

/* Outputs record their declared dtype, never their shape; an output may be a graph input. */
static void test_outputs(void **state) {
  (void)state;
  struct model *b = model_new();
  b->outputs[b->g.n_output++] = value_new("x", 1, 2, (const int64_t[]){1, 4}, NULL);
  b->outputs[0] = value_new("y", 10, 2, (const int64_t[]){1, 4}, NULL);
  struct ops_graph *g = load_ok(b);
  assert_int_equal(g->n_outputs, 2);
  const struct ops_tensor *y = &g->tensors[g->outputs[0]];
  assert_string_equal(y->name, "y");
  assert_true(y->is_output);
  assert_int_equal(y->dtype, OPS_DTYPE_F16);
  assert_int_equal(y->shape.rank, -1);
  assert_int_equal(find(g, "x")->role, OPS_TENSOR_INPUT);
  assert_true(find(g, "x")->is_output);
  ops_graph_free(g);

  b->outputs[1] = value_new("y", 1, 2, (const int64_t[]){1, 4}, NULL);
  load_fails(b, OPS_ERR_BAD_INPUT, "graph output 'y' is listed twice");
  b->outputs[1] = value_new("", 1, 2, (const int64_t[]){1, 4}, NULL);
  load_fails(b, OPS_ERR_BAD_INPUT, "graph output #1 has no name");
  b->outputs[1] = value_new("z", 1, 2, (const int64_t[]){1, -3}, NULL);
  load_fails(b, OPS_ERR_BAD_INPUT, "graph output 'z': dim 1 is -3, expected >= 0");
}

/* ---- nodes ---- */

static void test_nodes(void **state) {
  (void)state;
  struct model *b = model_new();
  /* Unnamed nodes get "<OpType>_<index>"; "ai.onnx" is the default domain; an empty input
   * name is an omitted optional input. */
  b->nodes[0] = node_new(NULL, "Relu", "ai.onnx", (const char *const[]){"x", NULL},
                         (const char *const[]){"r", NULL});
  b->nodes[b->g.n_node++] = node_new("", "Clip", "", (const char *const[]){"r", "", "hi", NULL},
                                     (const char *const[]){"c", NULL});
  b->nodes[b->g.n_node++] =
      node_new("custom", "Relu", "com.example", (const char *const[]){"c", NULL},
               (const char *const[]){"y", "", NULL});
  struct ops_graph *g = load_ok(b);
  assert_int_equal(g->n_nodes, 3);
  const struct ops_node *n = &g->nodes[0];
  assert_string_equal(n->name, "Relu_0");
  assert_string_equal(n->domain, "");
  assert_int_equal(n->op, OPS_OP_RELU);
  n = &g->nodes[1];
  assert_string_equal(n->name, "Clip_1");
  assert_int_equal(n->op, OPS_OP_CLIP);
  assert_int_equal(n->n_inputs, 3);
  assert_int_equal(n->inputs[0], ops_graph_find_tensor(g, "r"));
  assert_int_equal(n->inputs[1], -1);
  assert_int_equal(n->inputs[2], ops_graph_find_tensor(g, "hi"));
  assert_null(ops_node_input(g, n, 1));
  n = &g->nodes[2];
  assert_string_equal(n->name, "custom");
  assert_string_equal(n->domain, "com.example");
  assert_int_equal(n->op, OPS_OP_UNKNOWN);
  assert_int_equal(n->n_outputs, 2);
  assert_int_equal(n->outputs[1], -1);
  ops_graph_free(g);

  b->nodes[1]->op_type = str("");
  load_fails(b, OPS_ERR_BAD_INPUT, "node #1 ('') has no op_type");
}

/* ---- attributes ---- */

static void test_attributes(void **state) {
  (void)state;
  struct model *b = model_new();
  Onnx__NodeProto *n = b->nodes[0];
  Onnx__AttributeProto *a = attr_add(n, "alpha", 1);
  a->has_f = 1;
  a->f = 0.5f;
  a = attr_add(n, "axis", 2);
  a->has_i = 1;
  a->i = -1;
  a = attr_add(n, "mode", 3);
  a->has_s = 1;
  a->s.data = (uint8_t *)"ab\0c";
  a->s.len = 4;
  a = attr_add(n, "scales", 6);
  static float scales[] = {1.0f, 2.0f};
  a->n_floats = 2;
  a->floats = scales;
  a = attr_add(n, "perm", 7);
  static int64_t perm[] = {0, 2, 1};
  a->n_ints = 3;
  a->ints = perm;
  a = attr_add(n, "names", 8);
  static ProtobufCBinaryData names[] = {{1, (uint8_t *)"a"}, {2, (uint8_t *)"bc"}};
  a->n_strings = 2;
  a->strings = names;
  a = attr_add(n, "value", 4);
  static const int64_t two[] = {2};
  static int64_t vals[] = {5, 6};
  a->t = tensor_new("", 7, 1, two);
  a->t->n_int64_data = 2;
  a->t->int64_data = vals;
  a = attr_add(n, "body", 5);
  Onnx__GraphProto body = ONNX__GRAPH_PROTO__INIT;
  a->g = &body;
  a = attr_add(n, "empty_ints", 7); /* typed, with no entries */
  /* Untyped, as IR version 1 wrote them: the filled field decides. */
  a = attr_add(n, "old_f", 0);
  a->has_f = 1;
  a->f = 2.5f;
  a = attr_add(n, "old_ints", 0);
  a->n_ints = 3;
  a->ints = perm;
  a = attr_add(n, "old_s", 0);
  a->has_s = 1;
  a->s.data = (uint8_t *)"x";
  a->s.len = 1;
  struct ops_graph *g = load_ok(b);
  const struct ops_node *node = &g->nodes[0];
  assert_int_equal(node->n_attrs, 12);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  float f;
  assert_int_equal(ops_node_attr_float(node, "alpha", 0, &f, &d), OPS_OK);
  OPS_ASSERT_NEAR(f, 0.5, 0);
  int64_t i;
  assert_int_equal(ops_node_attr_int(node, "axis", 0, &i, &d), OPS_OK);
  assert_int_equal(i, -1);
  const struct ops_attr *at = ops_node_attr(node, "mode");
  assert_int_equal(at->type, OPS_ATTR_STRING);
  assert_int_equal(at->s_len, 4);
  assert_memory_equal(at->s, "ab\0c", 5); /* bytes kept, then a NUL */
  const float *fl;
  size_t count;
  assert_int_equal(ops_node_attr_floats(node, "scales", &fl, &count, &d), OPS_OK);
  assert_int_equal(count, 2);
  OPS_ASSERT_NEAR(fl[1], 2.0, 0);
  const int64_t *in;
  assert_int_equal(ops_node_attr_ints(node, "perm", &in, &count, &d), OPS_OK);
  assert_int_equal(count, 3);
  assert_int_equal(in[2], 1);
  at = ops_node_attr(node, "names");
  assert_int_equal(at->type, OPS_ATTR_STRINGS);
  assert_int_equal(at->count, 2);
  assert_string_equal(at->strings[1], "bc");
  at = ops_node_attr(node, "value");
  assert_int_equal(at->type, OPS_ATTR_TENSOR);
  assert_string_equal(at->tensor->name, "");
  assert_int_equal(at->tensor->dtype, OPS_DTYPE_I64);
  assert_int_equal(at->tensor->role, OPS_TENSOR_INITIALIZER);
  assert_true(ops_tensor_get_int(at->tensor, 1, &i));
  assert_int_equal(i, 6);
  assert_int_equal(ops_node_attr(node, "body")->type, OPS_ATTR_GRAPH);
  at = ops_node_attr(node, "empty_ints");
  assert_int_equal(at->type, OPS_ATTR_INTS);
  assert_int_equal(at->count, 0);
  assert_int_equal(ops_node_attr(node, "old_f")->type, OPS_ATTR_FLOAT);
  OPS_ASSERT_NEAR(ops_node_attr(node, "old_f")->f, 2.5, 0);
  assert_int_equal(ops_node_attr(node, "old_ints")->type, OPS_ATTR_INTS);
  assert_int_equal(ops_node_attr(node, "old_ints")->count, 3);
  assert_string_equal(ops_node_attr(node, "old_s")->s, "x");
  ops_graph_free(g);
}

static void test_attribute_checks(void **state) {
  (void)state;
  struct model *b = model_new();
  Onnx__NodeProto *n = b->nodes[0];
  Onnx__AttributeProto *a = attr_add(n, "nothing", 0);
  load_fails(b, OPS_ERR_BAD_INPUT,
             "node 'relu' (Relu): attribute 'nothing' has neither a type "
             "nor a value");
  a->has_type = 1;
  a->type = (Onnx__AttributeProto__AttributeType)42;
  load_fails(b, OPS_ERR_BAD_INPUT, "attribute 'nothing' has unknown type code 42");
  a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
  load_fails(b, OPS_ERR_BAD_INPUT, "attribute 'nothing': is a tensor attribute without a tensor");
  /* A tensor attribute is decoded and checked like an initializer. */
  static const int64_t dims[] = {3};
  a->t = tensor_new("", 1, 1, dims);
  tensor_raw(a->t, "abcd", 4);
  load_fails(b, OPS_ERR_BAD_INPUT,
             "node 'relu' (Relu): attribute 'nothing': raw_data has 4 bytes, "
             "expected 12 for f32 [3]");
  a->name = str("");
  load_fails(b, OPS_ERR_BAD_INPUT, "node 'relu' (Relu): attribute #0 has no name");
  a->name = str("alpha");
  a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
  a->ref_attr_name = str("slope");
  load_fails(b, OPS_ERR_UNSUPPORTED, "attribute 'alpha' refers to function attribute 'slope'");
}

/* ---- hostile nesting, and the TensorProto loader ---- */

/* protobuf-c recurses once per nested message with no limit; 30000 levels of subgraph
 * attributes (about 350 KB) overflow an 8 MB stack. The loader must refuse them first. */
static void test_deep_nesting(void **state) {
  (void)state;
  enum { LEVELS = 30000, FIELD = 12 }; /* each level: three tags and three 3-byte lengths */
  size_t cap = (size_t)LEVELS * FIELD + 64;
  uint8_t *buf = zalloc(cap);
  /* Written from the innermost message outwards, at the end of the buffer. */
  size_t start = cap, inner = 0;
  const uint8_t tags[3] = {0x32, 0x2a, 0x0a}; /* attribute.g(6), node.attribute(5), graph.node(1) */
  for (int level = 0; level < LEVELS; level++) {
    for (int k = 0; k < 3; k++) {
      size_t len = inner;
      /* A fixed 3-byte varint length keeps the arithmetic simple (valid for < 2^21). */
      assert_true(len < (1u << 21));
      buf[--start] = (uint8_t)(len >> 14);
      buf[--start] = (uint8_t)(((len >> 7) & 0x7f) | 0x80);
      buf[--start] = (uint8_t)((len & 0x7f) | 0x80);
      buf[--start] = tags[k];
      inner += 4;
    }
  }
  buf[--start] = (uint8_t)(inner >> 14);
  buf[--start] = (uint8_t)(((inner >> 7) & 0x7f) | 0x80);
  buf[--start] = (uint8_t)((inner & 0x7f) | 0x80);
  buf[--start] = 0x3a; /* model.graph(7) */
  struct ops_graph *g = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_load_onnx_buffer(buf + start, cap - start, "deep.onnx", &g, &d),
                   OPS_ERR_BAD_INPUT);
  assert_null(g);
  OPS_ASSERT_CONTAINS(d.msg, "deep.onnx: not a valid ONNX model (messages nested more than");
}

static void test_tensor_pb(void **state) {
  (void)state;
  static const int64_t dims[] = {2, 2};
  static const int32_t v[4] = {1, -2, 3, -4};
  Onnx__TensorProto *t = tensor_new(NULL, 6, 2, dims);
  tensor_raw(t, v, sizeof v);
  size_t len = onnx__tensor_proto__get_packed_size(t);
  uint8_t *buf = zalloc(len);
  onnx__tensor_proto__pack(t, buf);
  struct ops_tensor out;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (ops_load_tensor_pb_buffer(buf, len, "x.pb", &out, &d) != OPS_OK) fail_msg("%s", d.msg);
  assert_string_equal(out.name, ""); /* unnamed tensors are allowed */
  assert_int_equal(out.dtype, OPS_DTYPE_I32);
  assert_int_equal(out.role, OPS_TENSOR_INITIALIZER);
  assert_int_equal(out.producer, -1);
  assert_memory_equal(out.data, v, sizeof v);
  ops_tensor_done(&out);

  t->dims[1] = -2;
  len = onnx__tensor_proto__get_packed_size(t);
  buf = zalloc(len);
  onnx__tensor_proto__pack(t, buf);
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_load_tensor_pb_buffer(buf, len, "x.pb", &out, &d), OPS_ERR_BAD_INPUT);
  assert_string_equal(d.msg, "x.pb: tensor: dim 1 is -2, expected >= 0");
  assert_null(out.name);
  assert_null(out.data);

  /* Zero bytes are an empty TensorProto: no data type. */
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_load_tensor_pb_buffer(NULL, 0, NULL, &out, &d), OPS_ERR_BAD_INPUT);
  assert_string_equal(d.msg, "<memory>: tensor: has no data type (data_type 0)");
}

#define TEST(f) cmocka_unit_test_teardown(f, arena_free)

int main(void) {
  const struct CMUnitTest tests[] = {
      TEST(test_metadata),      TEST(test_memory_without_path),
      TEST(test_typed_fields),  TEST(test_raw_data_and_scalars),
      TEST(test_string_tensor), TEST(test_tensor_checks),
      TEST(test_external_data), TEST(test_inputs),
      TEST(test_outputs),       TEST(test_nodes),
      TEST(test_attributes),    TEST(test_attribute_checks),
      TEST(test_deep_nesting),  TEST(test_tensor_pb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
