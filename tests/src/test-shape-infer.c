/*
 * Tests of shape inference (src/shape-infer*.c): graphs built by hand through src/graph.h, one
 * group of ops per test, each checking dtypes, shapes and propagated values, then each error
 * with a substring of its message, then the real models in ../shared/models.
 *
 * Shapes are written as text, "1,3,?,8" (a "?" is an unknown dim, "" a scalar, NULL an
 * unknown rank), and compared through ops_shape_format ("[1, 3, ?, 8]"), except an unknown
 * rank, which is checked as such (UNKNOWN_RANK).
 */
#include <stdlib.h>

#include "test-util.h"

#include "infer-tester.h"

#include "src/graph.h"
#include "src/load.h"
#include "src/shape-infer.h"
#include "src/size.h"

/* ---- graph builder ---- */

/* Parses "1,3,?,8" into a shape; NULL is an unknown rank and "" a scalar. */
static struct ops_shape parse_shape(const char *text) {
  if (text == NULL) return ops_shape_unknown();
  struct ops_shape s = ops_shape_make(0, NULL);
  const char *p = text;
  while (*p != '\0') {
    assert_true(s.rank < OPS_MAX_RANK);
    if (*p == '?') {
      s.dims[s.rank++] = -1;
      p++;
    } else {
      char *end;
      s.dims[s.rank++] = strtoll(p, &end, 10);
      assert_true(end != p);
      p = end;
    }
    if (*p == ',') p++;
  }
  return s;
}

static int add_tensor(struct ops_graph *g, const char *name, enum ops_dtype dtype,
                      const char *shape) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  int t;
  assert_int_equal(ops_graph_intern_tensor(g, name, &t, &d), OPS_OK);
  g->tensors[t].dtype = dtype;
  g->tensors[t].shape = parse_shape(shape);
  return t;
}

static void input(struct ops_graph *g, const char *name, enum ops_dtype dtype, const char *shape) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_add_input(g, add_tensor(g, name, dtype, shape), &d), OPS_OK);
}

/* Stores `v` (numel entries) into `t`'s data in its dtype (i64, i32 or bool). */
static void fill_ints(struct ops_tensor *t, const int64_t *v) {
  int64_t n;
  assert_true(ops_tensor_numel(t, &n));
  size_t size = ops_dtype_size(t->dtype);
  unsigned char *bytes = calloc((size_t)n + 1, size);
  assert_non_null(bytes);
  for (int64_t i = 0; i < n; i++) {
    if (t->dtype == OPS_DTYPE_I64) {
      memcpy(bytes + i * 8, &v[i], 8);
    } else if (t->dtype == OPS_DTYPE_I32) {
      int32_t x = (int32_t)v[i];
      memcpy(bytes + i * 4, &x, 4);
    } else {
      assert_int_equal(size, 1);
      bytes[i] = (unsigned char)v[i];
    }
  }
  assert_true(ops_tensor_set_data_copy(t, bytes, (size_t)n * size));
  free(bytes);
}

/* An integer initializer with values; a float initializer of zeros when v is NULL. */
static void init(struct ops_graph *g, const char *name, enum ops_dtype dtype, const char *shape,
                 const int64_t *v) {
  int index = add_tensor(g, name, dtype, shape); /* may move g->tensors */
  struct ops_tensor *t = &g->tensors[index];
  t->role = OPS_TENSOR_INITIALIZER;
  if (v != NULL) {
    fill_ints(t, v);
    return;
  }
  size_t bytes;
  assert_true(ops_tensor_byte_size(t, &bytes));
  void *zeros = calloc(bytes + 1, 1);
  assert_non_null(zeros);
  assert_true(ops_tensor_set_data_copy(t, zeros, bytes));
  free(zeros);
}

#define I64S(...) ((const int64_t[]){__VA_ARGS__})

/* Splits "a,,b" into names; an empty entry is an omitted tensor (-1). */
static int split_names(struct ops_graph *g, const char *list, int **out) {
  int n = 0, cap = 8;
  int *idx = calloc((size_t)cap, sizeof *idx);
  assert_non_null(idx);
  const char *p = list;
  while (*list != '\0') {
    const char *end = strchr(p, ',');
    size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
    char name[128];
    assert_true(len < sizeof name);
    memcpy(name, p, len);
    name[len] = '\0';
    assert_true(n < cap);
    if (len == 0) {
      idx[n++] = -1;
    } else {
      struct ops_diag d;
      ops_diag_init(&d, NULL);
      assert_int_equal(ops_graph_intern_tensor(g, name, &idx[n++], &d), OPS_OK);
    }
    if (end == NULL) break;
    p = end + 1;
  }
  *out = idx;
  return n;
}

/* Adds node `name` of `op_type` reading `ins` and writing `outs` (comma-separated names).
 * The pointer is valid until the next node is added. */
static struct ops_node *node_in(struct ops_graph *g, const char *domain, const char *name,
                                const char *op_type, const char *ins, const char *outs) {
  int *in_idx, *out_idx;
  int n_in = split_names(g, ins, &in_idx);
  int n_out = split_names(g, outs, &out_idx);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_node *n;
  assert_int_equal(ops_graph_add_node(g, &n, NULL, &d), OPS_OK);
  n->name = ops_strdup(name);
  n->op_type = ops_strdup(op_type);
  n->domain = ops_strdup(domain);
  n->op = domain[0] == '\0' ? ops_op_parse(op_type) : OPS_OP_UNKNOWN;
  n->inputs = in_idx;
  n->n_inputs = n_in;
  n->outputs = out_idx;
  n->n_outputs = n_out;
  return n;
}

static struct ops_node *node(struct ops_graph *g, const char *name, const char *op_type,
                             const char *ins, const char *outs) {
  return node_in(g, "", name, op_type, ins, outs);
}

static void attr_float(struct ops_node *n, const char *name, float v) {
  attr_add(n, name, OPS_ATTR_FLOAT)->f = v;
}

static void attr_string(struct ops_node *n, const char *name, const char *s) {
  struct ops_attr *a = attr_add(n, name, OPS_ATTR_STRING);
  a->s = ops_strdup(s);
  a->s_len = strlen(s);
}

#define ATTR_INTS(n, name, ...) \
  attr_ints(n, name, sizeof(I64S(__VA_ARGS__)) / sizeof(int64_t), I64S(__VA_ARGS__))

/* A TENSOR attribute holding integers `v` (or float zeros when v is NULL). */
static void attr_tensor(struct ops_node *n, const char *name, enum ops_dtype dtype,
                        const char *shape, const int64_t *v) {
  struct ops_attr *a = attr_add(n, name, OPS_ATTR_TENSOR);
  a->tensor = calloc(1, sizeof *a->tensor);
  assert_non_null(a->tensor);
  a->tensor->name = ops_strdup("");
  a->tensor->dtype = dtype;
  a->tensor->shape = parse_shape(shape);
  a->tensor->role = OPS_TENSOR_INITIALIZER;
  a->tensor->producer = -1;
  if (v != NULL) {
    fill_ints(a->tensor, v);
  } else {
    size_t bytes;
    assert_true(ops_tensor_byte_size(a->tensor, &bytes));
    void *zeros = calloc(bytes + 1, 1);
    assert_non_null(zeros);
    assert_true(ops_tensor_set_data_copy(a->tensor, zeros, bytes));
    free(zeros);
  }
}

/* A Constant node `name` writing tensor `name` with integer values. */
static void constant(struct ops_graph *g, const char *name, enum ops_dtype dtype, const char *shape,
                     const int64_t *v) {
  attr_tensor(node(g, name, "Constant", "", name), "value", dtype, shape, v);
}

/* ---- running and checking ---- */

static const struct ops_tensor *tensor(const struct ops_graph *g, const char *name) {
  int t = ops_graph_find_tensor(g, name);
  if (t < 0) fail_msg("no tensor '%s'", name);
  return &g->tensors[t];
}

/* Checks dtype and shape ("[1, ?, 3]", or UNKNOWN_RANK). */
#define UNKNOWN_RANK NULL
static void check(const struct ops_graph *g, const char *name, enum ops_dtype dtype,
                  const char *shape) {
  const struct ops_tensor *t = tensor(g, name);
  char buf[256];
  ops_shape_format(&t->shape, buf, sizeof buf);
  bool shape_ok = shape == UNKNOWN_RANK ? t->shape.rank < 0 : strcmp(buf, shape) == 0;
  if (t->dtype != dtype || !shape_ok) {
    fail_msg("'%s' is %s %s, expected %s %s", name, ops_dtype_name(t->dtype), buf,
             ops_dtype_name(dtype), shape == UNKNOWN_RANK ? "of unknown rank" : shape);
  }
}

/* Checks the propagated integer value, formatted like a shape: "[1, 64, 384]". */
static void check_value(const struct ops_graph *g, const char *name, const char *want) {
  const struct ops_tensor *t = tensor(g, name);
  int64_t n = 0;
  if (t->data == NULL || !ops_tensor_numel(t, &n)) fail_msg("'%s' has no value", name);
  char buf[512];
  size_t used = 0;
  buf[0] = '\0';
  for (int64_t i = 0; i < n && used < sizeof buf; i++) {
    int64_t v;
    assert_true(ops_tensor_get_int(t, i, &v));
    used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%lld", i ? ", " : "[", (long long)v);
  }
  if (used < sizeof buf) snprintf(buf + used, sizeof buf - used, "%s]", n == 0 ? "[" : "");
  if (strcmp(buf, want) != 0) fail_msg("'%s' holds %s, expected %s", name, buf, want);
}

static void check_no_value(const struct ops_graph *g, const char *name) {
  if (tensor(g, name)->data != NULL) fail_msg("'%s' has a value, expected none", name);
}

#define F32 OPS_DTYPE_F32
#define I64 OPS_DTYPE_I64
#define I32 OPS_DTYPE_I32
#define BOOL OPS_DTYPE_BOOL

/* ---- elementwise and broadcasting ---- */

static void test_broadcast(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "a", F32, "2,3");
  input(g, "b", F32, "3");
  input(g, "c", F32, "4,1,3");
  input(g, "d", F32, "2,1");
  input(g, "e", F32, "?,3");
  input(g, "f", F32, "5,1");
  input(g, "s", F32, "");
  input(g, "z", F32, "0");
  input(g, "one", F32, "1");
  input(g, "n", I64, "2,3");
  input(g, "u", F32, NULL);
  node(g, "add", "Add", "a,b", "y_add");
  node(g, "mul", "Mul", "c,d", "y_mul");
  node(g, "sub", "Sub", "e,one", "y_sub");
  node(g, "div", "Div", "e,f", "y_div");
  node(g, "scalar", "Add", "s,b", "y_scalar");
  node(g, "empty", "Mul", "z,one", "y_empty");
  node(g, "pow", "Pow", "a,n", "y_pow");
  node(g, "rank", "Add", "u,a", "y_rank");
  node(g, "unknown_both", "Add", "e,e", "y_both");
  run_ok(g);
  check(g, "y_add", F32, "[2, 3]");
  check(g, "y_mul", F32, "[4, 2, 3]");
  check(g, "y_sub", F32, "[?, 3]");
  check(g, "y_div", F32, "[5, 3]"); /* the unknown dim must be 1 or 5 */
  check(g, "y_scalar", F32, "[3]");
  check(g, "y_empty", F32, "[0]");
  check(g, "y_pow", F32, "[2, 3]"); /* Pow keeps the base's type */
  check(g, "y_rank", F32, UNKNOWN_RANK);
  check(g, "y_both", F32, "[?, 3]");
  ops_graph_free(g);
}

static void test_broadcast_errors(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "a", F32, "2,3");
  input(g, "b", F32, "4");
  node(g, "add_3", "Add", "a,b", "y");
  run_fails(g, "node 'add_3' (Add): cannot broadcast input 0 [2, 3] with input 1 [4]");

  g = graph_new(13);
  input(g, "a", F32, "2,3");
  input(g, "b", I64, "2,3");
  node(g, "mixed", "Mul", "a,b", "y");
  run_fails(g, "node 'mixed' (Mul): input 0 'a' is f32 but input 1 'b' is i64");

  g = graph_new(13);
  input(g, "a", I64, "2");
  node(g, "exp", "Exp", "a", "y");
  run_fails(g, "node 'exp' (Exp): input 0 'a' is i64, expected a float type");

  g = graph_new(13);
  input(g, "a", F32, "2");
  node(g, "lonely", "Add", "a", "y");
  run_fails(g, "node 'lonely' (Add): has 1 inputs, expected 2");
}

static void test_unary_and_misc(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", F32, "2,?,4");
  input(g, "lo", F32, "");
  static const char *const unary[] = {"Abs",  "Erf",        "Exp",  "Log",     "Neg",
                                      "Relu", "Reciprocal", "Sqrt", "Sigmoid", "Tanh"};
  char out[32];
  for (size_t i = 0; i < sizeof unary / sizeof unary[0]; i++) {
    snprintf(out, sizeof out, "y_%s", unary[i]);
    node(g, unary[i], unary[i], "x", out);
  }
  node(g, "clip", "Clip", "x,lo,", "y_clip");
  node(g, "clip_none", "Clip", "x", "y_clip_none");
  node(g, "cast", "Cast", "x", "y_cast");
  attr_int(&g->nodes[g->n_nodes - 1], "to", I32);
  node(g, "softmax", "Softmax", "x", "y_softmax");
  node(g, "drop", "Dropout", "x", "y_drop,y_mask");
  node(g, "id", "Identity", "x", "y_id");
  run_ok(g);
  for (size_t i = 0; i < sizeof unary / sizeof unary[0]; i++) {
    snprintf(out, sizeof out, "y_%s", unary[i]);
    check(g, out, F32, "[2, ?, 4]");
  }
  check(g, "y_clip", F32, "[2, ?, 4]");
  check(g, "y_clip_none", F32, "[2, ?, 4]");
  check(g, "y_cast", I32, "[2, ?, 4]");
  check(g, "y_softmax", F32, "[2, ?, 4]");
  check(g, "y_drop", F32, "[2, ?, 4]");
  check(g, "y_mask", BOOL, "[2, ?, 4]");
  check(g, "y_id", F32, "[2, ?, 4]");
  ops_graph_free(g);

  /* Opset 9: Clip bounds are attributes and Dropout's mask has the input's type. */
  g = graph_new(9);
  input(g, "x", F32, "3");
  struct ops_node *n = node(g, "clip", "Clip", "x", "y_clip");
  attr_float(n, "min", 0.0f);
  attr_float(n, "max", 6.0f);
  node(g, "drop", "Dropout", "x", "y_drop,y_mask");
  run_ok(g);
  check(g, "y_clip", F32, "[3]");
  check(g, "y_mask", F32, "[3]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", F32, "3");
  input(g, "lo", F32, "2");
  node(g, "clip", "Clip", "x,lo", "y");
  run_fails(g, "node 'clip' (Clip): input 1 'lo' has shape [2], expected a scalar");

  g = graph_new(13);
  input(g, "x", F32, "3");
  node(g, "cast", "Cast", "x", "y");
  attr_int(&g->nodes[0], "to", 99);
  run_fails(g, "node 'cast' (Cast): attribute 'to' is 99, which is not a tensor element type");

  g = graph_new(13);
  input(g, "x", F32, "3");
  node(g, "cast", "Cast", "x", "y");
  run_fails(g, "node 'cast' (Cast): attribute 'to' is missing");
}

/* ---- convolution and pooling ---- */

static void test_conv(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", F32, "1,3,10,10");
  init(g, "w", F32, "8,3,3,3", NULL);
  init(g, "b", F32, "8", NULL);
  init(g, "wd", F32, "3,1,3,3", NULL);
  input(g, "x1", F32, "2,4,9");
  init(g, "w1", F32, "6,4,2", NULL);
  struct ops_node *n = node(g, "pad1", "Conv", "x,w,b", "y_pad1");
  ATTR_INTS(n, "pads", 1, 1, 1, 1);
  ATTR_INTS(n, "kernel_shape", 3, 3);
  n = node(g, "stride2", "Conv", "x,w", "y_stride2");
  ATTR_INTS(n, "strides", 2, 2);
  n = node(g, "dil2", "Conv", "x,w,b", "y_dil2");
  ATTR_INTS(n, "dilations", 2, 2);
  n = node(g, "same_upper", "Conv", "x,w", "y_su");
  attr_string(n, "auto_pad", "SAME_UPPER");
  ATTR_INTS(n, "strides", 2, 2);
  n = node(g, "same_lower", "Conv", "x,w", "y_sl");
  attr_string(n, "auto_pad", "SAME_LOWER");
  ATTR_INTS(n, "strides", 3, 3);
  n = node(g, "valid", "Conv", "x,w", "y_valid");
  attr_string(n, "auto_pad", "VALID");
  ATTR_INTS(n, "strides", 3, 3);
  n = node(g, "depthwise", "Conv", "x,wd", "y_dw");
  attr_int(n, "group", 3);
  n = node(g, "conv1d", "Conv", "x1,w1", "y_1d");
  ATTR_INTS(n, "strides", 2);
  ATTR_INTS(n, "pads", 0, 1);
  n = node(g, "asym", "Conv", "x,w", "y_asym");
  ATTR_INTS(n, "pads", 0, 1, 2, 3);
  run_ok(g);
  check(g, "y_pad1", F32, "[1, 8, 10, 10]");
  check(g, "y_stride2", F32, "[1, 8, 4, 4]"); /* (10 - 3) / 2 + 1 */
  check(g, "y_dil2", F32, "[1, 8, 6, 6]");    /* extent 5 */
  check(g, "y_su", F32, "[1, 8, 5, 5]");      /* ceil(10 / 2) */
  check(g, "y_sl", F32, "[1, 8, 4, 4]");      /* ceil(10 / 3) */
  check(g, "y_valid", F32, "[1, 8, 3, 3]");   /* (10 - 3) / 3 + 1 */
  check(g, "y_dw", F32, "[1, 3, 8, 8]");
  check(g, "y_1d", F32, "[2, 6, 5]"); /* (9 + 0 + 1 - 2) / 2 + 1 */
  check(g, "y_asym", F32, "[1, 8, 10, 12]");
  ops_graph_free(g);
}

static void test_conv_errors(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "X", F32, "1,3,10");
  init(g, "W", F32, "8,3,3,3", NULL);
  node(g, "conv1", "Conv", "X,W", "y");
  run_fails(g, "node 'conv1' (Conv): input 'X' has rank 3, expected 4 (N, C, H, W)");

  g = graph_new(13);
  input(g, "X", F32, "1,4,8,8");
  init(g, "W", F32, "8,3,3,3", NULL);
  node(g, "conv1", "Conv", "X,W", "y");
  run_fails(g,
            "input 0 'X' [1, 4, 8, 8] has 4 channels, but weight 'W' [8, 3, 3, 3] has 3 "
            "input channels x group 1");

  g = graph_new(13);
  input(g, "X", F32, "1,4,8,8");
  init(g, "W", F32, "6,2,3,3", NULL);
  attr_int(node(g, "conv1", "Conv", "X,W", "y"), "group", 4);
  run_fails(g, "has 4 channels, but weight 'W' [6, 2, 3, 3] has 2 input channels x group 4");

  g = graph_new(13);
  input(g, "X", I64, "1,3,8,8");
  init(g, "W", I64, "8,3,3,3", NULL);
  node(g, "conv1", "Conv", "X,W", "y");
  run_fails(g, "node 'conv1' (Conv): input 0 'X' is i64, expected a float type");

  g = graph_new(13);
  input(g, "X", F32, "1,3,2,2");
  init(g, "W", F32, "8,3,3,3", NULL);
  node(g, "conv1", "Conv", "X,W", "y");
  run_fails(g, "output dim 2 would be <= 0");

  g = graph_new(13);
  input(g, "X", F32, "1,3,8,8");
  init(g, "W", F32, "8,3,3,3", NULL);
  init(g, "B", F32, "4", NULL);
  node(g, "conv1", "Conv", "X,W,B", "y");
  run_fails(g, "bias 'B' has shape [4], expected [8]");

  g = graph_new(13);
  input(g, "X", F32, "1,3,8,8");
  init(g, "W", F32, "8,3,3,3", NULL);
  ATTR_INTS(node(g, "conv1", "Conv", "X,W", "y"), "kernel_shape", 5, 5);
  run_fails(g, "attribute 'kernel_shape' [5, 5] does not match weight 'W' [8, 3, 3, 3]");

  g = graph_new(13);
  input(g, "X", F32, "1,3,8,8");
  init(g, "W", F32, "8,3,3,3", NULL);
  ATTR_INTS(node(g, "conv1", "Conv", "X,W", "y"), "strides", 1, 0);
  run_fails(g, "attribute 'strides' [1, 0] has 0 at 1, expected >= 1");

  g = graph_new(13);
  input(g, "X", F32, "1,3,8,8");
  init(g, "W", F32, "8,3,3,3", NULL);
  attr_string(node(g, "conv1", "Conv", "X,W", "y"), "auto_pad", "SAME");
  run_fails(g, "attribute 'auto_pad' is 'SAME', expected NOTSET");
}

static void test_pool(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", F32, "1,2,111,111");
  input(g, "x6", F32, "1,1,6,6");
  input(g, "x5", F32, "1,1,5,5");
  struct ops_node *n = node(g, "squeezenet", "MaxPool", "x", "y_sq");
  ATTR_INTS(n, "kernel_shape", 3, 3);
  ATTR_INTS(n, "strides", 2, 2);
  attr_int(n, "ceil_mode", 1);
  n = node(g, "floor6", "MaxPool", "x6", "y_floor6,y_idx");
  ATTR_INTS(n, "kernel_shape", 3, 3);
  ATTR_INTS(n, "strides", 2, 2);
  n = node(g, "ceil6", "MaxPool", "x6", "y_ceil6");
  ATTR_INTS(n, "kernel_shape", 3, 3);
  ATTR_INTS(n, "strides", 2, 2);
  attr_int(n, "ceil_mode", 1);
  /* 5 + 1 + 1 padded, kernel 2, stride 2: ceil gives 4 windows, but the 4th would start at 6,
   * in the end padding, so it is dropped (PyTorch and current ONNX). */
  n = node(g, "ceil_pad", "MaxPool", "x5", "y_ceil_pad");
  ATTR_INTS(n, "kernel_shape", 2, 2);
  ATTR_INTS(n, "strides", 2, 2);
  ATTR_INTS(n, "pads", 1, 1, 1, 1);
  attr_int(n, "ceil_mode", 1);
  n = node(g, "avg_su", "AveragePool", "x5", "y_avg_su");
  ATTR_INTS(n, "kernel_shape", 3, 3);
  ATTR_INTS(n, "strides", 2, 2);
  attr_string(n, "auto_pad", "SAME_UPPER");
  n = node(g, "avg_sl", "AveragePool", "x6", "y_avg_sl");
  ATTR_INTS(n, "kernel_shape", 3, 3);
  ATTR_INTS(n, "strides", 4, 4);
  attr_string(n, "auto_pad", "SAME_LOWER");
  n = node(g, "avg_valid", "AveragePool", "x5", "y_avg_valid");
  ATTR_INTS(n, "kernel_shape", 2, 2);
  ATTR_INTS(n, "strides", 2, 2);
  attr_string(n, "auto_pad", "VALID");
  attr_int(n, "ceil_mode", 1);
  n = node(g, "avg_dil", "AveragePool", "x6", "y_avg_dil");
  ATTR_INTS(n, "kernel_shape", 2, 2);
  ATTR_INTS(n, "dilations", 3, 3);
  node(g, "gap", "GlobalAveragePool", "x", "y_gap");
  run_ok(g);
  check(g, "y_sq", F32, "[1, 2, 55, 55]");
  check(g, "y_floor6", F32, "[1, 1, 2, 2]");
  check(g, "y_idx", I64, "[1, 1, 2, 2]");
  check(g, "y_ceil6", F32, "[1, 1, 3, 3]");
  check(g, "y_ceil_pad", F32, "[1, 1, 3, 3]");
  check(g, "y_avg_su", F32, "[1, 1, 3, 3]");
  check(g, "y_avg_sl", F32, "[1, 1, 2, 2]");
  check(g, "y_avg_valid", F32, "[1, 1, 2, 2]");
  check(g, "y_avg_dil", F32, "[1, 1, 3, 3]"); /* extent 4 */
  check(g, "y_gap", F32, "[1, 2, 1, 1]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", F32, "1,1,2,2");
  ATTR_INTS(node(g, "pool", "MaxPool", "x", "y"), "kernel_shape", 3, 3);
  run_fails(g, "node 'pool' (MaxPool): output dim 2 would be <= 0");

  g = graph_new(13);
  input(g, "x", F32, "1,1,8");
  ATTR_INTS(node(g, "pool", "MaxPool", "x", "y"), "kernel_shape", 3, 3);
  run_fails(g, "node 'pool' (MaxPool): input 'x' has rank 3, expected 4 (N, C, H, W)");

  g = graph_new(13);
  input(g, "x", F32, "1,1,8,8");
  node(g, "pool", "AveragePool", "x", "y");
  run_fails(g, "node 'pool' (AveragePool): attribute 'kernel_shape' is missing");

  g = graph_new(13);
  input(g, "x", F32, "1,8");
  node(g, "gap", "GlobalAveragePool", "x", "y");
  run_fails(g, "input 'x' has rank 2, expected at least 3");
}

static void test_batch_norm(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(14);
  input(g, "x", F32, "?,4,5,5");
  init(g, "s", F32, "4", NULL);
  init(g, "bias", F32, "4", NULL);
  init(g, "m", F32, "4", NULL);
  init(g, "v", F32, "4", NULL);
  node(g, "bn", "BatchNormalization", "x,s,bias,m,v", "y,rm,rv");
  run_ok(g);
  check(g, "y", F32, "[?, 4, 5, 5]");
  check(g, "rm", F32, "[4]");
  check(g, "rv", F32, "[4]");
  ops_graph_free(g);

  /* Opset 7 with spatial=0: statistics per element of a sample, [C, H, W]. */
  g = graph_new(7);
  input(g, "x", F32, "2,4,5,5");
  init(g, "s", F32, "4,5,5", NULL);
  init(g, "bias", F32, "4,5,5", NULL);
  init(g, "m", F32, "4,5,5", NULL);
  init(g, "v", F32, "4,5,5", NULL);
  attr_int(node(g, "bn", "BatchNormalization", "x,s,bias,m,v", "y,mean"), "spatial", 0);
  run_ok(g);
  check(g, "y", F32, "[2, 4, 5, 5]");
  check(g, "mean", F32, "[4, 5, 5]");
  ops_graph_free(g);

  g = graph_new(14);
  input(g, "x", F32, "1,4,5,5");
  init(g, "s", F32, "3", NULL);
  init(g, "bias", F32, "4", NULL);
  init(g, "m", F32, "4", NULL);
  init(g, "v", F32, "4", NULL);
  node(g, "bn", "BatchNormalization", "x,s,bias,m,v", "y");
  run_fails(g, "input 1 's' has shape [3], expected [4]");
}

/* ---- matrix products ---- */

static void test_gemm(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "a", F32, "3,4");
  input(g, "at", F32, "4,3");
  init(g, "b", F32, "4,5", NULL);
  init(g, "bt", F32, "5,4", NULL);
  init(g, "c5", F32, "5", NULL);
  init(g, "c31", F32, "3,1", NULL);
  init(g, "cs", F32, "", NULL);
  input(g, "batch", F32, "?,4");
  node(g, "plain", "Gemm", "a,b,c5", "y_plain");
  attr_int(node(g, "ta", "Gemm", "at,b,c31", "y_ta"), "transA", 1);
  attr_int(node(g, "tb", "Gemm", "a,bt,cs", "y_tb"), "transB", 1);
  struct ops_node *n = node(g, "tab", "Gemm", "at,bt", "y_tab");
  attr_int(n, "transA", 1);
  attr_int(n, "transB", 1);
  node(g, "dyn", "Gemm", "batch,b,c5", "y_dyn");
  run_ok(g);
  check(g, "y_plain", F32, "[3, 5]");
  check(g, "y_ta", F32, "[3, 5]");
  check(g, "y_tb", F32, "[3, 5]");
  check(g, "y_tab", F32, "[3, 5]");
  check(g, "y_dyn", F32, "[?, 5]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "a", F32, "3,4");
  init(g, "b", F32, "4,5", NULL);
  init(g, "c3", F32, "3", NULL);
  node(g, "gemm", "Gemm", "a,b,c3", "y");
  run_fails(g, "node 'gemm' (Gemm): cannot broadcast input 2 'c3' [3] to [3, 5]");

  g = graph_new(13);
  input(g, "a", F32, "3,4");
  init(g, "b", F32, "5,4", NULL);
  node(g, "gemm", "Gemm", "a,b", "y");
  run_fails(g,
            "inner dims differ: input 0 'a' [3, 4] (transA 0) has K = 4, input 1 'b' [5, 4] "
            "(transB 0) has K = 5");

  g = graph_new(13);
  input(g, "a", F32, "2,3,4");
  init(g, "b", F32, "4,5", NULL);
  node(g, "gemm", "Gemm", "a,b", "y");
  run_fails(g, "input 0 'a' has rank 3, expected 2");

  g = graph_new(13);
  input(g, "a", F32, "3,4");
  init(g, "b", F32, "4,5", NULL);
  attr_float(node(g, "gemm", "Gemm", "a,b", "y"), "transA", 1.0f);
  run_fails(g, "node 'gemm' (Gemm): attribute 'transA' is float, expected int");
}

static void test_matmul(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "v3", F32, "3");
  input(g, "v4", F32, "4");
  input(g, "m34", F32, "3,4");
  input(g, "t234", F32, "2,3,4");
  input(g, "b2134", F32, "2,1,3,4");
  input(g, "b546", F32, "5,4,6");
  input(g, "d", F32, "?,3,4");
  input(g, "m46", F32, "4,6");
  node(g, "dot", "MatMul", "v3,v3", "y_dot");
  node(g, "vecmat", "MatMul", "v3,m34", "y_vecmat");
  node(g, "matvec", "MatMul", "t234,v4", "y_matvec");
  node(g, "batched", "MatMul", "b2134,b546", "y_batched");
  node(g, "dynamic", "MatMul", "d,m46", "y_dynamic");
  run_ok(g);
  check(g, "y_dot", F32, "[]");
  check(g, "y_vecmat", F32, "[4]");
  check(g, "y_matvec", F32, "[2, 3]");
  check(g, "y_batched", F32, "[2, 5, 3, 6]");
  check(g, "y_dynamic", F32, "[?, 3, 6]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "a", F32, "3,4");
  input(g, "b", I64, "4,5");
  node(g, "mm", "MatMul", "a,b", "y");
  run_fails(g, "node 'mm' (MatMul): input 0 'a' is f32 but input 1 'b' is i64");

  g = graph_new(13);
  input(g, "a", F32, "3,4");
  input(g, "b", F32, "5,6");
  node(g, "mm", "MatMul", "a,b", "y");
  run_fails(g, "inner dims differ: input 0 'a' [3, 4] has K = 4, input 1 'b' [5, 6] has K = 5");

  g = graph_new(13);
  input(g, "a", F32, "2,3,4");
  input(g, "b", F32, "3,4,5");
  node(g, "mm", "MatMul", "a,b", "y");
  run_fails(g, "cannot broadcast batch dims of input 0 [2] with input 1 [3]");

  /* 2^40 x 2^40 outputs overflow int64 element counts. */
  g = graph_new(13);
  input(g, "a", F32, "1099511627776,8");
  input(g, "b", F32, "8,1099511627776");
  node(g, "mm", "MatMul", "a,b", "y");
  run_fails(g, "shape [1099511627776, 1099511627776] has more than 2^63 elements");
}

/* ---- layout ---- */

static void test_layout(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", F32, "2,3,4,5");
  input(g, "u", F32, NULL);
  ATTR_INTS(node(g, "perm", "Transpose", "x", "y_perm"), "perm", 0, 2, 3, 1);
  node(g, "reverse", "Transpose", "x", "y_rev");
  ATTR_INTS(node(g, "perm_u", "Transpose", "u", "y_perm_u"), "perm", 1, 0);
  node(g, "flat", "Flatten", "x", "y_flat");
  attr_int(node(g, "flat0", "Flatten", "x", "y_flat0"), "axis", 0);
  attr_int(node(g, "flat4", "Flatten", "x", "y_flat4"), "axis", 4);
  attr_int(node(g, "flatm", "Flatten", "x", "y_flatm"), "axis", -1);
  node(g, "flat_u", "Flatten", "u", "y_flat_u");
  struct ops_node *n = node(g, "mean", "ReduceMean", "x", "y_mean");
  ATTR_INTS(n, "axes", -1, 1);
  n = node(g, "mean_flat", "ReduceMean", "x", "y_mean_flat");
  ATTR_INTS(n, "axes", 2);
  attr_int(n, "keepdims", 0);
  node(g, "mean_all", "ReduceMean", "x", "y_mean_all");
  run_ok(g);
  check(g, "y_perm", F32, "[2, 4, 5, 3]");
  check(g, "y_rev", F32, "[5, 4, 3, 2]");
  check(g, "y_perm_u", F32, "[?, ?]");
  check(g, "y_flat", F32, "[2, 60]");
  check(g, "y_flat0", F32, "[1, 120]");
  check(g, "y_flat4", F32, "[120, 1]");
  check(g, "y_flatm", F32, "[24, 5]");
  check(g, "y_flat_u", F32, "[?, ?]");
  check(g, "y_mean", F32, "[2, 1, 4, 1]");
  check(g, "y_mean_flat", F32, "[2, 3, 5]");
  check(g, "y_mean_all", F32, "[1, 1, 1, 1]");
  ops_graph_free(g);

  /* Opset 18: ReduceMean's axes are an input. */
  g = graph_new(18);
  input(g, "x", F32, "2,3,4");
  constant(g, "axes", I64, "1", I64S(1));
  input(g, "dyn_axes", I64, "1");
  node(g, "mean", "ReduceMean", "x,axes", "y_mean");
  node(g, "mean_dyn", "ReduceMean", "x,dyn_axes", "y_mean_dyn");
  attr_int(node(g, "mean_noop", "ReduceMean", "x", "y_mean_noop"), "noop_with_empty_axes", 1);
  run_ok(g);
  check(g, "y_mean", F32, "[2, 1, 4]");
  check(g, "y_mean_dyn", F32, "[?, ?, ?]");
  check(g, "y_mean_noop", F32, "[2, 3, 4]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", F32, "2,3");
  ATTR_INTS(node(g, "t", "Transpose", "x", "y"), "perm", 0, 0);
  run_fails(g, "node 't' (Transpose): attribute 'perm' [0, 0] is not a permutation of 0 to 1");

  g = graph_new(13);
  input(g, "x", F32, "2,3");
  attr_int(node(g, "sm", "Softmax", "x", "y"), "axis", 2);
  run_fails(g, "node 'sm' (Softmax): axis 2 is out of range for rank 2 (valid: -2 to 1)");

  g = graph_new(13);
  input(g, "x", F32, "2,3");
  attr_int(node(g, "f", "Flatten", "x", "y"), "axis", -3);
  run_fails(g, "axis -3 is out of range for rank 2 (valid: -2 to 2)");

  g = graph_new(13);
  input(g, "x", F32, "2,3");
  ATTR_INTS(node(g, "m", "ReduceMean", "x", "y"), "axes", 1, -1);
  run_fails(g, "axis 1 appears twice in [1, -1]");
}

/* ---- Reshape, Squeeze, Unsqueeze, Concat, Gather, Slice ---- */

static void test_reshape(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(14);
  input(g, "x", F32, "2,3,4");
  input(g, "xu", F32, "?,64,128");
  input(g, "x0", F32, "0,3");
  input(g, "dyn", I64, "3");
  constant(g, "s_copy", I64, "2", I64S(0, -1));
  constant(g, "s_flat", I64, "1", I64S(-1));
  constant(g, "s_mix", I64, "3", I64S(4, 0, -1));
  constant(g, "s_last", I64, "2", I64S(-1, 128));
  constant(g, "s_zero", I64, "2", I64S(0, 3));
  node(g, "copy", "Reshape", "x,s_copy", "y_copy");
  node(g, "flat", "Reshape", "x,s_flat", "y_flat");
  node(g, "mix", "Reshape", "x,s_mix", "y_mix");
  node(g, "copy_u", "Reshape", "xu,s_copy", "y_copy_u");
  node(g, "last_u", "Reshape", "xu,s_last", "y_last_u");
  attr_int(node(g, "zero", "Reshape", "x0,s_zero", "y_zero"), "allowzero", 1);
  node(g, "dynamic", "Reshape", "x,dyn", "y_dyn");
  /* A reshaped constant keeps its value. */
  node(g, "value", "Reshape", "s_mix,s_flat", "y_value");
  run_ok(g);
  check(g, "y_copy", F32, "[2, 12]");
  check(g, "y_flat", F32, "[24]");
  check(g, "y_mix", F32, "[4, 3, 2]");
  check(g, "y_copy_u", F32, "[?, 8192]"); /* the copied unknown dim cancels */
  check(g, "y_last_u", F32, "[?, 128]");
  check(g, "y_zero", F32, "[0, 3]");
  check(g, "y_dyn", F32, "[?, ?, ?]");
  check(g, "y_value", I64, "[3]");
  check_value(g, "y_value", "[4, 0, -1]");
  check_no_value(g, "y_copy");
  ops_graph_free(g);

  g = graph_new(14);
  input(g, "x", F32, "2,3");
  constant(g, "s", I64, "2", I64S(4, -1));
  node(g, "r", "Reshape", "x,s", "y");
  run_fails(g, "node 'r' (Reshape): cannot reshape [2, 3] (6 elements) to [4, -1]");

  g = graph_new(14);
  input(g, "x", F32, "2,3");
  constant(g, "s", I64, "2", I64S(5, 5));
  node(g, "r", "Reshape", "x,s", "y");
  run_fails(g, "cannot reshape [2, 3] (6 elements) to [5, 5]");

  g = graph_new(14);
  input(g, "x", F32, "2,3");
  constant(g, "s", I64, "2", I64S(-1, -1));
  node(g, "r", "Reshape", "x,s", "y");
  run_fails(g, "shape [-1, -1] has more than one -1");

  g = graph_new(14);
  input(g, "x", F32, "6");
  constant(g, "s", I64, "2", I64S(6, 0));
  node(g, "r", "Reshape", "x,s", "y");
  run_fails(g, "shape [6, 0] copies dim 1 (a 0), but input 0 'x' [6] has rank 1");

  g = graph_new(14);
  input(g, "x", F32, "6");
  constant(g, "s", I64, "9", I64S(1, 1, 1, 1, 1, 1, 1, 1, 6));
  node(g, "r", "Reshape", "x,s", "y");
  run_fails(g, "output rank 9 exceeds the maximum of 8");

  /* Opset 1-4 form: the shape is an attribute. */
  g = graph_new(4);
  input(g, "x", F32, "2,3");
  ATTR_INTS(node(g, "r", "Reshape", "x", "y"), "shape", 3, -1);
  run_ok(g);
  check(g, "y", F32, "[3, 2]");
  ops_graph_free(g);
}

static void test_squeeze_unsqueeze(void **state) {
  (void)state;
  /* Opset 11: axes are attributes. */
  struct ops_graph *g = graph_new(11);
  input(g, "x", F32, "1,3,1,5");
  input(g, "xu", F32, "?,3");
  ATTR_INTS(node(g, "sq", "Squeeze", "x", "y_sq"), "axes", 0, -2);
  node(g, "sq_all", "Squeeze", "x", "y_sq_all");
  node(g, "sq_unknown", "Squeeze", "xu", "y_sq_unknown");
  ATTR_INTS(node(g, "sq_u", "Squeeze", "xu", "y_sq_u"), "axes", 0);
  ATTR_INTS(node(g, "unsq", "Unsqueeze", "x", "y_unsq"), "axes", 0, -1);
  run_ok(g);
  check(g, "y_sq", F32, "[3, 5]");
  check(g, "y_sq_all", F32, "[3, 5]");
  check(g, "y_sq_unknown", F32, UNKNOWN_RANK);
  check(g, "y_sq_u", F32, "[3]");
  check(g, "y_unsq", F32, "[1, 1, 3, 1, 5, 1]");
  ops_graph_free(g);

  /* Opset 13: axes are an input, here constant, then computed at run time. */
  g = graph_new(13);
  input(g, "x", F32, "1,3,1,5");
  input(g, "dyn", I64, "2");
  constant(g, "ax2", I64, "1", I64S(2));
  constant(g, "ax1", I64, "1", I64S(1));
  node(g, "sq", "Squeeze", "x,ax2", "y_sq");
  node(g, "unsq", "Unsqueeze", "x,ax1", "y_unsq");
  node(g, "unsq_dyn", "Unsqueeze", "x,dyn", "y_unsq_dyn");
  node(g, "sq_dyn", "Squeeze", "x,dyn", "y_sq_dyn");
  /* Values flow through both. */
  node(g, "unsq_v", "Unsqueeze", "ax1,ax1", "y_unsq_v");
  node(g, "sq_v", "Squeeze", "y_unsq_v,ax1", "y_sq_v");
  run_ok(g);
  check(g, "y_sq", F32, "[1, 3, 5]");
  check(g, "y_unsq", F32, "[1, 1, 3, 1, 5]");
  check(g, "y_unsq_dyn", F32, "[?, ?, ?, ?, ?, ?]");
  check(g, "y_sq_dyn", F32, UNKNOWN_RANK);
  check(g, "y_unsq_v", I64, "[1, 1]");
  check_value(g, "y_unsq_v", "[1]");
  check(g, "y_sq_v", I64, "[1]");
  check_value(g, "y_sq_v", "[1]");
  ops_graph_free(g);

  g = graph_new(11);
  input(g, "x", F32, "1,3");
  ATTR_INTS(node(g, "sq", "Squeeze", "x", "y"), "axes", 1);
  run_fails(g, "node 'sq' (Squeeze): cannot squeeze axis 1 of input 0 'x' [1, 3]: its dim is 3");

  g = graph_new(11);
  input(g, "x", F32, "1,1,1,1,1,1,1,1");
  ATTR_INTS(node(g, "unsq", "Unsqueeze", "x", "y"), "axes", 0);
  run_fails(g, "node 'unsq' (Unsqueeze): output rank 9 exceeds the maximum of 8");

  g = graph_new(11);
  input(g, "x", F32, "2");
  ATTR_INTS(node(g, "unsq", "Unsqueeze", "x", "y"), "axes", 2);
  run_fails(g, "axes[0] 2 is out of range for rank 2");

  g = graph_new(13);
  input(g, "x", F32, "2");
  node(g, "unsq", "Unsqueeze", "x", "y");
  run_fails(g, "node 'unsq' (Unsqueeze): has no axes");
}

static void test_concat_gather(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "a", F32, "2,3");
  input(g, "b", F32, "2,5");
  input(g, "u", F32, "?,4");
  input(g, "r", F32, NULL);
  constant(g, "c1", I64, "2", I64S(7, 8));
  constant(g, "c2", I64, "1", I64S(9));
  constant(g, "idx", I64, "2", I64S(2, -3));
  constant(g, "idx0", I64, "", I64S(1));
  input(g, "data", F32, "3,4,5");
  attr_int(node(g, "cat", "Concat", "a,b", "y_cat"), "axis", -1);
  attr_int(node(g, "cat_u", "Concat", "a,u", "y_cat_u"), "axis", 1);
  attr_int(node(g, "cat_r", "Concat", "a,r", "y_cat_r"), "axis", 0);
  attr_int(node(g, "cat_v", "Concat", "c1,c2,c1", "y_cat_v"), "axis", 0);
  attr_int(node(g, "gather1", "Gather", "data,idx", "y_g1"), "axis", 1);
  node(g, "gather0", "Gather", "data,idx0", "y_g0");
  node(g, "gather_v", "Gather", "y_cat_v,idx", "y_gv");
  run_ok(g);
  check(g, "y_cat", F32, "[2, 8]");
  check(g, "y_cat_u", F32, "[2, 7]");
  check(g, "y_cat_r", F32, "[?, 3]");
  check(g, "y_cat_v", I64, "[5]");
  check_value(g, "y_cat_v", "[7, 8, 9, 7, 8]");
  check(g, "y_g1", F32, "[3, 2, 5]");
  check(g, "y_g0", F32, "[4, 5]");
  check(g, "y_gv", I64, "[2]");
  check_value(g, "y_gv", "[9, 9]");
  ops_graph_free(g);

  /* An empty value next to huge dims is computed without walking them. */
  g = graph_new(13);
  init(g, "wide", I64, "1099511627776,0,1099511627776", I64S(0));
  init(g, "deep", I64, "1099511627776,3,0", I64S(0));
  constant(g, "first", I64, "1", I64S(0));
  attr_int(node(g, "g_empty", "Gather", "deep,first", "y_empty"), "axis", 1);
  attr_int(node(g, "cat_empty", "Concat", "wide,wide", "y_cat_empty"), "axis", 1);
  run_ok(g);
  check(g, "y_empty", I64, "[1099511627776, 1, 0]");
  check_value(g, "y_empty", "[]");
  check(g, "y_cat_empty", I64, "[1099511627776, 0, 1099511627776]");
  check_value(g, "y_cat_empty", "[]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "data", F32, "3,4");
  constant(g, "idx", I64, "1", I64S(5));
  node(g, "g", "Gather", "data,idx", "y");
  run_fails(g,
            "node 'g' (Gather): index 5 in input 1 'idx' is out of range for axis 0 of "
            "input 0 'data' [3, 4] (valid: -3 to 2)");

  g = graph_new(13);
  input(g, "data", F32, "3,4");
  constant(g, "idx", I64, "1", I64S(0));
  attr_int(node(g, "g", "Gather", "data,idx", "y"), "axis", 2);
  run_fails(g, "node 'g' (Gather): axis 2 is out of range for rank 2");

  g = graph_new(13);
  input(g, "data", F32, "3,4");
  input(g, "idx", F32, "1");
  node(g, "g", "Gather", "data,idx", "y");
  run_fails(g, "input 1 'idx' is f32, expected i32 or i64");

  g = graph_new(13);
  input(g, "a", F32, "2,3");
  input(g, "b", F32, "4,4");
  attr_int(node(g, "cat", "Concat", "a,b", "y"), "axis", 0);
  run_fails(g,
            "node 'cat' (Concat): input 1 'b' [4, 4] does not match input 0 'a' [2, 3] in dim 1");

  g = graph_new(13);
  input(g, "a", F32, "2,3");
  input(g, "b", F32, "2");
  attr_int(node(g, "cat", "Concat", "a,b", "y"), "axis", 0);
  run_fails(g, "input 1 'b' has rank 1, but input 0 'a' has rank 2");

  g = graph_new(13);
  input(g, "a", F32, "2,3");
  node(g, "cat", "Concat", "a,a", "y");
  run_fails(g, "node 'cat' (Concat): attribute 'axis' is missing");
}

static void test_slice(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", F32, "10,20,30");
  input(g, "xu", F32, "?,20");
  input(g, "dyn", I64, "1");
  constant(g, "s", I64, "2", I64S(1, -10));
  constant(g, "e", I64, "2", I64S(INT64_MAX, -1));
  constant(g, "ax", I64, "2", I64S(0, 2));
  constant(g, "st", I64, "2", I64S(3, 2));
  constant(g, "rs", I64, "1", I64S(-1));
  constant(g, "re", I64, "1", I64S(INT64_MIN));
  constant(g, "ax1", I64, "1", I64S(1));
  constant(g, "vals", I64, "6", I64S(10, 11, 12, 13, 14, 15));
  constant(g, "s1", I64, "1", I64S(1));
  constant(g, "e5", I64, "1", I64S(5));
  constant(g, "st2", I64, "1", I64S(2));
  node(g, "steps", "Slice", "x,s,e,ax,st", "y_steps");
  node(g, "reverse", "Slice", "x,rs,re,ax1,rs", "y_reverse");
  node(g, "dyn_end", "Slice", "x,s1,dyn,ax1", "y_dyn_end");
  node(g, "dyn_axes", "Slice", "x,s1,e5,dyn", "y_dyn_axes");
  node(g, "unknown_dim", "Slice", "xu,s1,e5", "y_unknown_dim");
  node(g, "value", "Slice", "vals,s1,e5,,st2", "y_value");
  run_ok(g);
  /* axis 0: 1..10 step 3 -> 1, 4, 7 (3); axis 2: 20..29 step 2 -> 5 */
  check(g, "y_steps", F32, "[3, 20, 5]");
  check(g, "y_reverse", F32, "[10, 20, 30]");
  check(g, "y_dyn_end", F32, "[10, ?, 30]");
  check(g, "y_dyn_axes", F32, "[?, ?, ?]");
  check(g, "y_unknown_dim", F32, "[?, 20]");
  check(g, "y_value", I64, "[2]");
  check_value(g, "y_value", "[11, 13]");
  ops_graph_free(g);

  /* Opset 9: starts, ends and axes are attributes. */
  g = graph_new(9);
  input(g, "x", F32, "4,6");
  struct ops_node *n = node(g, "old", "Slice", "x", "y");
  ATTR_INTS(n, "starts", 1);
  ATTR_INTS(n, "ends", 100);
  ATTR_INTS(n, "axes", -1);
  run_ok(g);
  check(g, "y", F32, "[4, 5]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", F32, "4,6");
  constant(g, "s", I64, "1", I64S(0));
  constant(g, "e", I64, "1", I64S(2));
  constant(g, "zero", I64, "1", I64S(0));
  node(g, "sl", "Slice", "x,s,e,,zero", "y");
  run_fails(g, "node 'sl' (Slice): steps[0] is 0");

  g = graph_new(13);
  input(g, "x", F32, "4,6");
  constant(g, "s", I64, "1", I64S(0));
  constant(g, "e", I64, "2", I64S(2, 2));
  node(g, "sl", "Slice", "x,s,e", "y");
  run_fails(g, "starts has 1 entries but ends has 2");
}

/* ---- value propagation ---- */

/* The shape arithmetic of tiny_bert's attention: Shape -> Gather -> Add -> Div -> Mul gives the
 * Slice bounds that split the fused QKV projection. */
static void test_shape_chain(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", F32, "1,64,384");
  node(g, "shape", "Shape", "x", "s");
  constant(g, "minus1", I64, "1", I64S(-1));
  constant(g, "zero", I64, "1", I64S(0));
  constant(g, "two", I64, "1", I64S(2));
  constant(g, "three", I64, "1", I64S(3));
  constant(g, "one", I64, "1", I64S(1));
  attr_int(node(g, "gather", "Gather", "s,minus1", "last"), "axis", 0);
  node(g, "add", "Add", "last,two", "plus2");
  node(g, "div", "Div", "plus2,three", "third");
  node(g, "mul1", "Mul", "third,one", "end_q");
  node(g, "mul2", "Mul", "third,two", "end_k");
  node(g, "slice_q", "Slice", "x,zero,end_q,minus1", "q");
  node(g, "slice_k", "Slice", "x,end_q,end_k,minus1", "k");
  /* Reshape to [seq, heads, -1] built from the shape. */
  constant(g, "idx1", I64, "", I64S(1));
  constant(g, "heads", I64, "1", I64S(4));
  node(g, "seq", "Gather", "s,idx1", "seq_len");
  node(g, "unsq", "Unsqueeze", "seq_len,zero", "seq_1d");
  attr_int(node(g, "cat", "Concat", "seq_1d,heads,minus1", "target"), "axis", 0);
  node(g, "reshape", "Reshape", "q,target", "q_heads");
  run_ok(g);
  check(g, "s", I64, "[3]");
  check_value(g, "s", "[1, 64, 384]");
  check_value(g, "last", "[384]");
  check_value(g, "plus2", "[386]");
  check_value(g, "third", "[128]");
  check_value(g, "end_k", "[256]");
  check(g, "q", F32, "[1, 64, 128]");
  check(g, "k", F32, "[1, 64, 128]");
  check(g, "seq_len", I64, "[]");
  check_value(g, "seq_len", "[64]");
  check_value(g, "target", "[64, 4, -1]");
  check(g, "q_heads", F32, "[64, 4, 32]");
  ops_graph_free(g);
}

static void test_values(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(15);
  input(g, "x", F32, "2,?,6,7");
  constant(g, "a", I64, "4", I64S(-7, 7, -8, 9));
  constant(g, "b", I64, "", I64S(2));
  constant(g, "big", I64, "1", I64S(INT64_MAX));
  constant(g, "i32", I32, "2", I64S(5, -5));
  node(g, "div", "Div", "a,b", "q");
  node(g, "sub", "Sub", "a,b", "d");
  node(g, "neg", "Neg", "a", "n");
  node(g, "abs", "Abs", "a", "abs");
  node(g, "wrap", "Add", "big,big", "wrapped");
  attr_int(node(g, "cast", "Cast", "a", "as_i32"), "to", I32);
  attr_int(node(g, "cast_b", "Cast", "a", "as_bool"), "to", BOOL);
  attr_int(node(g, "cast_f", "Cast", "a", "as_f32"), "to", F32);
  attr_int(node(g, "widen", "Cast", "i32", "as_i64"), "to", I64);
  attr_int(node(g, "shape_tail", "Shape", "x", "tail"), "start", -2);
  struct ops_node *n = node(g, "shape_mid", "Shape", "x", "mid");
  attr_int(n, "start", 1);
  attr_int(n, "end", 3);
  node(g, "shape_all", "Shape", "x", "all");
  node(g, "id", "Identity", "a", "a_copy");
  n = node(g, "c_float", "Constant", "", "cf");
  attr_float(n, "value_float", 2.5f);
  n = node(g, "c_ints", "Constant", "", "ci");
  ATTR_INTS(n, "value_ints", 3, 1, 4);
  attr_int(node(g, "c_int", "Constant", "", "cint"), "value_int", 42);
  attr_tensor(node(g, "c_tensor", "Constant", "", "ct"), "value", F32, "2,3", NULL);
  n = node(g, "c_floats", "Constant", "", "cfs");
  struct ops_attr *fa = attr_add(n, "value_floats", OPS_ATTR_FLOATS);
  fa->floats = calloc(2, sizeof(float));
  fa->floats[0] = 2.7f;
  fa->floats[1] = -2.7f;
  fa->count = 2;
  attr_int(node(g, "cast_trunc", "Cast", "cfs", "trunc"), "to", I64);
  run_ok(g);
  /* Integer Div truncates toward zero, as ONNX Runtime and the ONNX spec do (not numpy's //). */
  check_value(g, "q", "[-3, 3, -4, 4]");
  check_value(g, "d", "[-9, 5, -10, 7]");
  check_value(g, "n", "[7, -7, 8, -9]");
  check_value(g, "abs", "[7, 7, 8, 9]");
  check_value(g, "wrapped", "[-2]");
  check(g, "as_i32", I32, "[4]");
  check_value(g, "as_i32", "[-7, 7, -8, 9]");
  check_value(g, "as_bool", "[1, 1, 1, 1]");
  check(g, "as_f32", F32, "[4]");
  check_no_value(g, "as_f32"); /* only integer values propagate */
  check_value(g, "as_i64", "[5, -5]");
  check(g, "tail", I64, "[2]");
  check_value(g, "tail", "[6, 7]");
  check(g, "mid", I64, "[2]");
  check_no_value(g, "mid"); /* dim 1 is unknown */
  check(g, "all", I64, "[4]");
  check_value(g, "a_copy", "[-7, 7, -8, 9]");
  check(g, "cf", F32, "[]");
  assert_non_null(tensor(g, "cf")->data); /* Constant keeps any value */
  check(g, "ci", I64, "[3]");
  check_value(g, "ci", "[3, 1, 4]");
  check(g, "cint", I64, "[]");
  check_value(g, "cint", "[42]");
  check(g, "ct", F32, "[2, 3]");
  assert_int_equal(tensor(g, "ct")->nbytes, 24);
  check_value(g, "trunc", "[2, -2]");
  ops_graph_free(g);

  g = graph_new(13);
  constant(g, "a", I64, "1", I64S(5));
  constant(g, "z", I64, "1", I64S(0));
  node(g, "div", "Div", "a,z", "y");
  run_fails(g, "node 'div' (Div): integer division by zero: input 1 'z' holds a 0");

  g = graph_new(13);
  node(g, "c", "Constant", "", "y");
  run_fails(g, "node 'c' (Constant): has no value attribute");

  g = graph_new(13);
  struct ops_node *n2 = node(g, "c", "Constant", "", "y");
  attr_int(n2, "value_int", 1);
  attr_float(n2, "value_float", 1.0f);
  run_fails(g, "node 'c' (Constant): has both 'value_float' and 'value_int'");
}

/* Shape arithmetic ops (Equal, Where, Range, ReduceProd, Min, Max, ConstantOfShape) are folded
 * when constant. */
static void test_folded_ops(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", F32, "2,3,4");
  input(g, "dyn", I64, "2");
  node(g, "shape", "Shape", "x", "s");
  constant(g, "minus1", I64, "3", I64S(-1, -1, -1));
  constant(g, "ones", I64, "3", I64S(1, 1, 1));
  constant(g, "start", I64, "", I64S(0));
  constant(g, "limit", I64, "", I64S(7));
  constant(g, "delta", I64, "", I64S(3));
  node(g, "eq", "Equal", "s,minus1", "is_neg");
  node(g, "where", "Where", "is_neg,ones,s", "fixed");
  node(g, "range", "Range", "start,limit,delta", "r");
  attr_int(node(g, "prod", "ReduceProd", "s", "numel"), "keepdims", 0);
  node(g, "max", "Max", "s,limit", "clamped");
  node(g, "min", "Min", "s,limit", "low");
  attr_tensor(node(g, "cos", "ConstantOfShape", "s", "filled"), "value", I64, "1", I64S(5));
  node(g, "cos_f", "ConstantOfShape", "s", "filled_f");
  node(g, "range_dyn", "Equal", "dyn,dyn", "unknown_eq");
  node_in(g, "com.example", "custom", "Equal", "s,s", "custom_eq");
  run_ok(g);
  check(g, "is_neg", BOOL, "[3]");
  check_value(g, "is_neg", "[0, 0, 0]");
  check_value(g, "fixed", "[2, 3, 4]");
  check(g, "r", I64, "[3]");
  check_value(g, "r", "[0, 3, 6]");
  check(g, "numel", I64, "[]");
  check_value(g, "numel", "[24]");
  check_value(g, "clamped", "[7, 7, 7]");
  check_value(g, "low", "[2, 3, 4]");
  check(g, "filled", I64, "[2, 3, 4]");
  /* 24 elements fit the value limit of 64. */
  check_value(g, "filled",
              "[5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]");
  /* A float fill gets its dtype and shape (ConstantOfShape is a listed op with a kernel) but
   * no value; another domain is left unknown like any unknown op. Equal is a listed op, so
   * without known inputs it still gets its dtype and shape, only no value. */
  check(g, "filled_f", F32, "[2, 3, 4]");
  check_no_value(g, "filled_f");
  check(g, "unknown_eq", BOOL, "[2]");
  check_no_value(g, "unknown_eq");
  check(g, "custom_eq", OPS_DTYPE_UNDEFINED, UNKNOWN_RANK);
  ops_graph_free(g);

  g = graph_new(13);
  constant(g, "start", I64, "", I64S(0));
  constant(g, "limit", I64, "", I64S(7));
  constant(g, "zero", I64, "", I64S(0));
  node(g, "range", "Range", "start,limit,zero", "r");
  run_fails(g, "node 'range' (Range): input 2 'zero' (delta) is 0");
}

/* ---- unknowns ---- */

static void test_unknown_propagation(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", F32, "?,3,8,8");
  init(g, "w", F32, "4,3,3,3", NULL);
  init(g, "fc", F32, "10,256", NULL);
  ATTR_INTS(node(g, "conv", "Conv", "x,w", "c"), "pads", 1, 1, 1, 1);
  node(g, "relu", "Relu", "c", "r");
  node(g, "flat", "Flatten", "r", "f");
  attr_int(node(g, "fc", "Gemm", "f,fc", "y"), "transB", 1);
  node(g, "shape", "Shape", "y", "s");
  run_ok(g);
  check(g, "c", F32, "[?, 4, 8, 8]");
  check(g, "r", F32, "[?, 4, 8, 8]");
  check(g, "f", F32, "[?, 256]");
  check(g, "y", F32, "[?, 10]");
  check(g, "s", I64, "[2]");
  check_no_value(g, "s");
  ops_graph_free(g);
}

static void test_unknown_op(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", F32, "2,3");
  node(g, "nms", "NonMaxSuppression", "x", "boxes");
  node(g, "relu", "Relu", "boxes", "y");
  node_in(g, "com.microsoft", "fused", "Relu", "x", "z");
  run_ok(g);
  check(g, "boxes", OPS_DTYPE_UNDEFINED, UNKNOWN_RANK);
  check(g, "y", OPS_DTYPE_UNDEFINED, UNKNOWN_RANK);
  check(g, "z", OPS_DTYPE_UNDEFINED, UNKNOWN_RANK);
  ops_graph_free(g);
}

/* ---- given facts and re-running ---- */

static void test_inputs_and_rerun(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", F32, "2,3");
  node(g, "relu", "Relu", "x", "y");
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_add_output(g, ops_graph_find_tensor(g, "y"), &d), OPS_OK);
  g->tensors[ops_graph_find_tensor(g, "y")].dtype = F32; /* declared */
  run_ok(g);
  check(g, "y", F32, "[2, 3]");
  /* A new input shape and a second run: activations are reset, not merged. */
  g->tensors[ops_graph_find_tensor(g, "x")].shape = parse_shape("5,7");
  run_ok(g);
  check(g, "y", F32, "[5, 7]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", I64, "2,3");
  node(g, "relu", "Relu", "x", "y");
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_add_output(g, ops_graph_find_tensor(g, "y"), &d), OPS_OK);
  g->tensors[ops_graph_find_tensor(g, "y")].dtype = F32;
  run_fails(g, "graph output 'y' is declared f32 but node 'relu' (Relu) produces i64");

  g = graph_new(13);
  input(g, "x", F32, "4611686018427387904,8");
  node(g, "relu", "Relu", "x", "y");
  run_fails(g, "graph input 'x': shape [4611686018427387904, 8] has more than 2^63 elements");

  g = graph_new(13);
  input(g, "x", F32, "2,3");
  g->tensors[0].shape.dims[1] = -5;
  node(g, "relu", "Relu", "x", "y");
  run_fails(g, "graph input 'x' has dim 1 = -5, expected >= 0");

  g = graph_new(13);
  init(g, "w", I64, "3", I64S(1, 2, 3));
  g->tensors[0].nbytes = 16;
  node(g, "relu", "Relu", "w", "y");
  run_fails(g, "initializer 'w' i64 [3] holds 16 bytes, expected 24");

  g = graph_new(13);
  input(g, "x", F32, "2");
  node(g, "relu", "Relu", "x", "y,extra");
  run_fails(g, "node 'relu' (Relu): has 2 outputs, expected at most 1");
}

/* ---- real models ---- */

static void check_model(const char *name) {
  char path[512], ref_path[512];
  ops_test_model_path(name, "model.onnx", path, sizeof path);
  ops_test_model_path(name, "test_data_set_0/output_0.pb", ref_path, sizeof ref_path);
  struct ops_diag d;
  ops_diag_init(&d, path);
  struct ops_graph *g = NULL;
  enum ops_status st = ops_load_onnx(path, &g, &d);
  if (st != OPS_OK) fail_msg("%s: the ONNX loader failed: %s", name, d.msg);
  st = ops_graph_validate(g, &d);
  if (st == OPS_OK) st = ops_shape_infer(g, &d);
  if (st != OPS_OK) fail_msg("%s: %s", name, d.msg);
  for (size_t i = 0; i < g->n_tensors; i++) {
    const struct ops_tensor *t = &g->tensors[i];
    if (t->role != OPS_TENSOR_ACTIVATION) continue;
    char buf[256];
    if (t->dtype == OPS_DTYPE_UNDEFINED || !ops_shape_is_known(&t->shape)) {
      fail_msg("%s: activation '%s' is %s %s after inference", name, t->name,
               ops_dtype_name(t->dtype), ops_shape_format(&t->shape, buf, sizeof buf));
    }
  }
  struct ops_tensor ref;
  memset(&ref, 0, sizeof ref);
  ops_diag_init(&d, ref_path);
  st = ops_load_tensor_pb(ref_path, &ref, &d);
  if (st != OPS_OK) fail_msg("%s: %s", name, d.msg);
  assert_int_equal(g->n_outputs, 1);
  const struct ops_tensor *out = &g->tensors[g->outputs[0]];
  char got[256], want[256];
  ops_shape_format(&out->shape, got, sizeof got);
  ops_shape_format(&ref.shape, want, sizeof want);
  if (!ops_shape_equal(&out->shape, &ref.shape) || out->dtype != ref.dtype) {
    fail_msg("%s: output '%s' is %s %s, the reference is %s %s", name, out->name,
             ops_dtype_name(out->dtype), got, ops_dtype_name(ref.dtype), want);
  }
  /* A second run over the same graph gives the same answer. */
  ops_diag_init(&d, path);
  assert_int_equal(ops_shape_infer(g, &d), OPS_OK);
  assert_true(ops_shape_equal(&out->shape, &ref.shape));
  ops_tensor_done(&ref);
  ops_graph_free(g);
}

static void test_model_mnist_cnn(void **state) {
  (void)state;
  check_model("mnist_cnn");
}

static void test_model_mlp(void **state) {
  (void)state;
  check_model("mlp");
}

static void test_model_mlp_b64(void **state) {
  (void)state;
  check_model("mlp_b64");
}

static void test_model_squeezenet(void **state) {
  (void)state;
  check_model("squeezenet1_1");
}

static void test_model_mobilenet(void **state) {
  (void)state;
  check_model("mobilenet_v2");
}

static void test_model_tiny_bert(void **state) {
  (void)state;
  check_model("tiny_bert");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_broadcast),       cmocka_unit_test(test_broadcast_errors),
      cmocka_unit_test(test_unary_and_misc),  cmocka_unit_test(test_conv),
      cmocka_unit_test(test_conv_errors),     cmocka_unit_test(test_pool),
      cmocka_unit_test(test_batch_norm),      cmocka_unit_test(test_gemm),
      cmocka_unit_test(test_matmul),          cmocka_unit_test(test_layout),
      cmocka_unit_test(test_reshape),         cmocka_unit_test(test_squeeze_unsqueeze),
      cmocka_unit_test(test_concat_gather),   cmocka_unit_test(test_slice),
      cmocka_unit_test(test_shape_chain),     cmocka_unit_test(test_values),
      cmocka_unit_test(test_folded_ops),      cmocka_unit_test(test_unknown_propagation),
      cmocka_unit_test(test_unknown_op),      cmocka_unit_test(test_inputs_and_rerun),
      cmocka_unit_test(test_model_mnist_cnn), cmocka_unit_test(test_model_mlp),
      cmocka_unit_test(test_model_mlp_b64),   cmocka_unit_test(test_model_squeezenet),
      cmocka_unit_test(test_model_mobilenet), cmocka_unit_test(test_model_tiny_bert),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
