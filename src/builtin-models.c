/*
 * Built-in models (`builtin:NAME`): small, well-known network shapes with deterministic weights,
 * so that every part of opscope can be run and tested without a model file.
 *
 * Each model is built through the graph API by a function that reads as a layer list. The layer
 * helpers below add a node, its output tensor (named like the node) and its weights (named
 * "<node>.W", "<node>.B", ...). Failures are sticky: once a step fails, later steps do nothing
 * and the builder's status carries the first message, so the layer lists need no error checks.
 *
 * Weights come from a seeded splitmix64 generator, drawn in build order, scaled like Kaiming
 * (layers followed by Relu) or Xavier (the rest) uniform initialization so that activations stay
 * in a sane range, with small biases. The same name therefore always gives bit-identical
 * weights, on every machine.
 *
 * Adding a model: write build_<name>() with the helpers, add a line to `models` with its
 * description (layers, input shape, node and parameter counts), and add its counts to
 * tests/src/test-builtin.c.
 */
#include "src/load.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opscope.h"
#include "src/size.h"

#define BUILTIN_PREFIX "builtin:"
#define NAME_MAX_LEN 128

struct builder {
  struct ops_graph *g;
  struct ops_diag *d;
  enum ops_status status; /* the first failure; every helper does nothing once it is set */
  uint64_t rng;           /* splitmix64 state */
};

/* A value flowing through the network: its tensor and its feature count (channels of an NCHW
 * tensor, or the last dim of a [.., features] one), which sizes the next layer's weights. */
struct act {
  int t; /* tensor index, -1 after a failure */
  int64_t features;
};

/* ---- deterministic weights ---- */

/* splitmix64 (Steele, Lea, Flood 2014): one add and a mix per draw, full period, and good
 * enough statistics for initial weights. */
static uint64_t next_u64(struct builder *b) {
  uint64_t z = (b->rng += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Uniform in [lo, hi). The top 24 bits make an exact float in [0, 1), so the result does not
 * depend on how the compiler rounds wider intermediates. */
static float uniform(struct builder *b, float lo, float hi) {
  float unit = (float)(next_u64(b) >> 40) * (1.0f / 16777216.0f);
  float span = hi - lo;
  float scaled = unit * span;
  return lo + scaled;
}

/* Bounds of the uniform initializers: Kaiming for layers followed by Relu keeps the variance of
 * activations from layer to layer; Xavier does the same for linear layers without it. */
static float kaiming_bound(int64_t fan_in) {
  return sqrtf(6.0f / (float)fan_in);
}

static float xavier_bound(int64_t fan_in, int64_t fan_out) {
  return sqrtf(6.0f / (float)(fan_in + fan_out));
}

/* ---- tensors ---- */

static void fail_oom(struct builder *b) {
  if (b->status == OPS_OK) b->status = ops_fail(b->d, OPS_ERR_NO_MEMORY, "out of memory");
}

/* "<prefix><suffix>" into buf; the names are ours and short, so truncation is a bug. */
static const char *join(struct builder *b, char *buf, const char *prefix, const char *suffix) {
  int n = snprintf(buf, NAME_MAX_LEN, "%s%s", prefix, suffix);
  if ((n < 0 || n >= NAME_MAX_LEN) && b->status == OPS_OK) {
    b->status =
        ops_fail(b->d, OPS_ERR_INTERNAL, "built-in tensor name '%s%s' is too long", prefix, suffix);
  }
  return buf;
}

static int add_tensor(struct builder *b, const char *name, enum ops_dtype dtype, int rank,
                      const int64_t *dims, enum ops_tensor_role role) {
  int t = -1;
  if (b->status != OPS_OK) return -1;
  b->status = ops_graph_add_tensor(b->g, name, &t, b->d);
  if (b->status != OPS_OK) return -1;
  struct ops_tensor *tensor = &b->g->tensors[t];
  tensor->dtype = dtype;
  tensor->shape = ops_shape_make(rank, dims);
  tensor->role = role;
  return t;
}

/* An initializer with zeroed data of its full size; returns its data through *data. */
static int add_initializer(struct builder *b, const char *name, enum ops_dtype dtype, int rank,
                           const int64_t *dims, void **data) {
  *data = NULL;
  int t = add_tensor(b, name, dtype, rank, dims, OPS_TENSOR_INITIALIZER);
  if (t < 0) return -1;
  struct ops_tensor *tensor = &b->g->tensors[t];
  size_t nbytes;
  if (!ops_tensor_byte_size(tensor, &nbytes)) {
    b->status = ops_fail(b->d, OPS_ERR_INTERNAL, "built-in tensor '%s' has no size", name);
    return -1;
  }
  tensor->data = ops_calloc_array(nbytes, 1);
  if (tensor->data == NULL) {
    fail_oom(b);
    return -1;
  }
  tensor->nbytes = nbytes;
  tensor->owns_data = true;
  *data = tensor->data;
  return t;
}

/* An f32 weight drawn uniformly from [lo, hi). */
static int weight(struct builder *b, const char *name, int rank, const int64_t *dims, float lo,
                  float hi) {
  void *data;
  int t = add_initializer(b, name, OPS_DTYPE_F32, rank, dims, &data);
  if (t < 0) return -1;
  float *w = data;
  size_t n = b->g->tensors[t].nbytes / sizeof *w;
  for (size_t i = 0; i < n; i++)
    w[i] = uniform(b, lo, hi);
  return t;
}

static int bias(struct builder *b, const char *name, int64_t n) {
  return weight(b, name, 1, (int64_t[]){n}, -0.05f, 0.05f);
}

/* A scalar f32 constant (rank 0), for the arithmetic of attention, LayerNorm and GELU. */
static struct act scalar(struct builder *b, const char *name, float value) {
  void *data;
  int t = add_initializer(b, name, OPS_DTYPE_F32, 0, NULL, &data);
  if (t >= 0) memcpy(data, &value, sizeof value);
  return (struct act){t, 1};
}

/* A 1-D i64 constant, for Reshape targets. */
static int shape_const(struct builder *b, const char *name, int n, const int64_t *values) {
  void *data;
  int t = add_initializer(b, name, OPS_DTYPE_I64, 1, (int64_t[]){n}, &data);
  if (t >= 0) memcpy(data, values, (size_t)n * sizeof *values);
  return t;
}

static struct act input(struct builder *b, const char *name, int rank, const int64_t *dims,
                        int64_t features) {
  int t = add_tensor(b, name, OPS_DTYPE_F32, rank, dims, OPS_TENSOR_INPUT);
  if (t >= 0) {
    b->status = ops_graph_add_input(b->g, t, b->d);
    if (b->status != OPS_OK) t = -1;
  }
  return (struct act){t, features};
}

static void output(struct builder *b, struct act x) {
  if (b->status == OPS_OK) b->status = ops_graph_add_output(b->g, x.t, b->d);
}

/* ---- attributes ---- */

static struct ops_attr attr_int(struct builder *b, const char *name, int64_t v) {
  struct ops_attr a = {.name = ops_strdup(name), .type = OPS_ATTR_INT, .i = v};
  if (a.name == NULL) fail_oom(b);
  return a;
}

static struct ops_attr attr_float(struct builder *b, const char *name, float v) {
  struct ops_attr a = {.name = ops_strdup(name), .type = OPS_ATTR_FLOAT, .f = v};
  if (a.name == NULL) fail_oom(b);
  return a;
}

static struct ops_attr attr_ints(struct builder *b, const char *name, size_t n,
                                 const int64_t *values) {
  struct ops_attr a = {.name = ops_strdup(name), .type = OPS_ATTR_INTS, .count = n};
  a.ints = ops_calloc_array(n, sizeof *a.ints);
  if (a.name == NULL || a.ints == NULL) {
    fail_oom(b);
  } else {
    memcpy(a.ints, values, n * sizeof *values);
  }
  return a;
}

/* ---- nodes ---- */

/* Adds node `name` reading `in` and writing one new tensor also called `name`; takes ownership
 * of `attrs` whatever happens. Returns the output tensor, or -1 once the builder has failed. */
static int node(struct builder *b, const char *name, const char *op_type, int n_in, const int *in,
                int n_attrs, struct ops_attr *attrs) {
  int out = -1;
  struct ops_node *n;
  if (b->status != OPS_OK) goto fail;
  b->status = ops_graph_add_tensor(b->g, name, &out, b->d);
  if (b->status != OPS_OK) goto fail;
  b->status = ops_graph_add_node(b->g, &n, NULL, b->d);
  if (b->status != OPS_OK) goto fail;
  /* The node is the graph's now; whatever is filled in below is freed with the graph. */
  n->name = ops_strdup(name);
  n->op_type = ops_strdup(op_type);
  n->domain = ops_strdup("");
  n->op = ops_op_parse(op_type);
  n->inputs = ops_calloc_array((size_t)n_in, sizeof *n->inputs);
  n->outputs = ops_calloc_array(1, sizeof *n->outputs);
  n->attrs = ops_calloc_array((size_t)n_attrs, sizeof *n->attrs);
  if (n->name == NULL || n->op_type == NULL || n->domain == NULL || n->inputs == NULL ||
      n->outputs == NULL || n->attrs == NULL) {
    fail_oom(b);
    goto fail;
  }
  memcpy(n->inputs, in, (size_t)n_in * sizeof *in);
  n->n_inputs = n_in;
  n->outputs[0] = out;
  n->n_outputs = 1;
  if (n_attrs > 0) memcpy(n->attrs, attrs, (size_t)n_attrs * sizeof *attrs);
  n->n_attrs = n_attrs;
  return out;
fail:
  for (int i = 0; i < n_attrs; i++)
    ops_attr_done(&attrs[i]);
  return -1;
}

static struct act unary(struct builder *b, const char *name, const char *op_type, struct act x) {
  return (struct act){node(b, name, op_type, 1, (int[]){x.t}, 0, NULL), x.features};
}

/* Elementwise binary op (broadcasting); the result keeps the features of `x`. */
static struct act binary(struct builder *b, const char *name, const char *op_type, struct act x,
                         struct act y) {
  return (struct act){node(b, name, op_type, 2, (int[]){x.t, y.t}, 0, NULL), x.features};
}

static struct act relu(struct builder *b, const char *name, struct act x) {
  return unary(b, name, "Relu", x);
}

/* Conv with a square kernel: weight [out, in, k, k] (Kaiming), bias [out] unless a
 * BatchNormalization follows, which makes a bias redundant (as exporters emit it). */
static struct act conv(struct builder *b, const char *name, struct act x, int64_t out_channels,
                       int64_t k, int64_t stride, int64_t pad, bool with_bias) {
  char wname[NAME_MAX_LEN], bname[NAME_MAX_LEN];
  float bound = kaiming_bound(x.features * k * k);
  int w = weight(b, join(b, wname, name, ".W"), 4, (int64_t[]){out_channels, x.features, k, k},
                 -bound, bound);
  int bias_t = with_bias ? bias(b, join(b, bname, name, ".B"), out_channels) : -1;
  struct ops_attr attrs[] = {
      attr_ints(b, "kernel_shape", 2, (int64_t[]){k, k}),
      attr_ints(b, "strides", 2, (int64_t[]){stride, stride}),
      attr_ints(b, "pads", 4, (int64_t[]){pad, pad, pad, pad}),
  };
  int out = node(b, name, "Conv", with_bias ? 3 : 2, (int[]){x.t, w, bias_t}, 3, attrs);
  return (struct act){out, out_channels};
}

/* BatchNormalization in inference form, with a plausible running mean and positive variance. */
static struct act batch_norm(struct builder *b, const char *name, struct act x) {
  char sname[NAME_MAX_LEN], bname[NAME_MAX_LEN], mname[NAME_MAX_LEN], vname[NAME_MAX_LEN];
  int64_t c[] = {x.features};
  int scale = weight(b, join(b, sname, name, ".scale"), 1, c, 0.8f, 1.2f);
  int shift = weight(b, join(b, bname, name, ".B"), 1, c, -0.1f, 0.1f);
  int mean = weight(b, join(b, mname, name, ".mean"), 1, c, -0.1f, 0.1f);
  int var = weight(b, join(b, vname, name, ".var"), 1, c, 0.5f, 1.5f);
  struct ops_attr attrs[] = {attr_float(b, "epsilon", 1e-5f)};
  int out = node(b, name, "BatchNormalization", 5, (int[]){x.t, scale, shift, mean, var}, 1, attrs);
  return (struct act){out, x.features};
}

static struct act max_pool(struct builder *b, const char *name, struct act x, int64_t k,
                           int64_t stride) {
  struct ops_attr attrs[] = {
      attr_ints(b, "kernel_shape", 2, (int64_t[]){k, k}),
      attr_ints(b, "strides", 2, (int64_t[]){stride, stride}),
  };
  return (struct act){node(b, name, "MaxPool", 1, (int[]){x.t}, 2, attrs), x.features};
}

static struct act global_avg_pool(struct builder *b, const char *name, struct act x) {
  return unary(b, name, "GlobalAveragePool", x);
}

/* Flatten to [N, features]; the caller states the flattened size (C * H * W). */
static struct act flatten(struct builder *b, const char *name, struct act x, int64_t features) {
  struct ops_attr attrs[] = {attr_int(b, "axis", 1)};
  return (struct act){node(b, name, "Flatten", 1, (int[]){x.t}, 1, attrs), features};
}

/* Fully connected as exporters write it: Gemm(x, W [out, in], B [out]) with transB = 1. */
static struct act gemm(struct builder *b, const char *name, struct act x, int64_t out_features,
                       bool relu_follows) {
  char wname[NAME_MAX_LEN], bname[NAME_MAX_LEN];
  float bound = relu_follows ? kaiming_bound(x.features) : xavier_bound(x.features, out_features);
  int w = weight(b, join(b, wname, name, ".W"), 2, (int64_t[]){out_features, x.features}, -bound,
                 bound);
  int bias_t = bias(b, join(b, bname, name, ".B"), out_features);
  struct ops_attr attrs[] = {attr_int(b, "transB", 1)};
  int out = node(b, name, "Gemm", 3, (int[]){x.t, w, bias_t}, 1, attrs);
  return (struct act){out, out_features};
}

/* A transformer's linear layer: MatMul(x, W [in, out]) then Add(B [out]), two nodes, as
 * PyTorch exports nn.Linear on 3-D inputs. The Add carries the layer's name. */
static struct act linear(struct builder *b, const char *name, struct act x, int64_t out_features) {
  char wname[NAME_MAX_LEN], bname[NAME_MAX_LEN], mname[NAME_MAX_LEN];
  float bound = xavier_bound(x.features, out_features);
  int w = weight(b, join(b, wname, name, ".W"), 2, (int64_t[]){x.features, out_features}, -bound,
                 bound);
  int bias_t = bias(b, join(b, bname, name, ".B"), out_features);
  int mm = node(b, join(b, mname, name, ".matmul"), "MatMul", 2, (int[]){x.t, w}, 0, NULL);
  return (struct act){node(b, name, "Add", 2, (int[]){mm, bias_t}, 0, NULL), out_features};
}

static struct act matmul(struct builder *b, const char *name, struct act x, struct act y) {
  return (struct act){node(b, name, "MatMul", 2, (int[]){x.t, y.t}, 0, NULL), y.features};
}

static struct act reshape(struct builder *b, const char *name, struct act x, int shape,
                          int64_t features) {
  return (struct act){node(b, name, "Reshape", 2, (int[]){x.t, shape}, 0, NULL), features};
}

static struct act transpose(struct builder *b, const char *name, struct act x, const int64_t *perm,
                            int64_t features) {
  struct ops_attr attrs[] = {attr_ints(b, "perm", 4, perm)};
  return (struct act){node(b, name, "Transpose", 1, (int[]){x.t}, 1, attrs), features};
}

static struct act softmax(struct builder *b, const char *name, struct act x) {
  struct ops_attr attrs[] = {attr_int(b, "axis", -1)};
  return (struct act){node(b, name, "Softmax", 1, (int[]){x.t}, 1, attrs), x.features};
}

static struct act reduce_mean_last(struct builder *b, const char *name, struct act x) {
  struct ops_attr attrs[] = {attr_ints(b, "axes", 1, (int64_t[]){-1}), attr_int(b, "keepdims", 1)};
  return (struct act){node(b, name, "ReduceMean", 1, (int[]){x.t}, 2, attrs), 1};
}

/* The scalar constants the transformer's decomposed LayerNorm and GELU share. */
struct consts {
  struct act two, eps, sqrt2, one, half;
};

/* LayerNorm over the last axis as opset-13 exporters decompose it: (x - mean) / sqrt(var + eps)
 * * gamma + beta, nine nodes. */
static struct act layer_norm(struct builder *b, const char *name, struct act x,
                             const struct consts *k) {
  char n[8][NAME_MAX_LEN], gname[NAME_MAX_LEN], bname[NAME_MAX_LEN];
  struct act gamma = {
      weight(b, join(b, gname, name, ".gamma"), 1, (int64_t[]){x.features}, 0.9f, 1.1f),
      x.features};
  struct act beta = {
      weight(b, join(b, bname, name, ".beta"), 1, (int64_t[]){x.features}, -0.05f, 0.05f),
      x.features};
  struct act mean = reduce_mean_last(b, join(b, n[0], name, ".mean"), x);
  struct act centered = binary(b, join(b, n[1], name, ".center"), "Sub", x, mean);
  struct act square = binary(b, join(b, n[2], name, ".square"), "Pow", centered, k->two);
  struct act var = reduce_mean_last(b, join(b, n[3], name, ".var"), square);
  struct act var_eps = binary(b, join(b, n[4], name, ".var_eps"), "Add", var, k->eps);
  struct act std = unary(b, join(b, n[5], name, ".std"), "Sqrt", var_eps);
  struct act normed = binary(b, join(b, n[6], name, ".norm"), "Div", centered, std);
  struct act scaled = binary(b, join(b, n[7], name, ".scale"), "Mul", normed, gamma);
  return binary(b, name, "Add", scaled, beta);
}

/* Exact GELU as exporters decompose it: x * (erf(x / sqrt(2)) + 1) * 0.5, five nodes. */
static struct act gelu(struct builder *b, const char *name, struct act x, const struct consts *k) {
  char n[4][NAME_MAX_LEN];
  struct act scaled = binary(b, join(b, n[0], name, ".div"), "Div", x, k->sqrt2);
  struct act erf_out = unary(b, join(b, n[1], name, ".erf"), "Erf", scaled);
  struct act shifted = binary(b, join(b, n[2], name, ".add_one"), "Add", erf_out, k->one);
  struct act gated = binary(b, join(b, n[3], name, ".mul"), "Mul", x, shifted);
  return binary(b, name, "Mul", gated, k->half);
}

/* ---- the models ---- */

static void build_mnist(struct builder *b) {
  struct act x = input(b, "input", 4, (int64_t[]){1, 1, 28, 28}, 1);
  x = conv(b, "conv1", x, 8, 3, 1, 1, true);
  x = relu(b, "relu1", x);
  x = conv(b, "conv2", x, 16, 3, 1, 1, true);
  x = relu(b, "relu2", x);
  x = max_pool(b, "pool", x, 2, 2);
  x = flatten(b, "flatten", x, 16 * 14 * 14);
  x = gemm(b, "fc1", x, 64, true);
  x = relu(b, "relu3", x);
  x = gemm(b, "fc2", x, 10, false);
  output(b, x);
}

static void build_mlp(struct builder *b) {
  struct act x = input(b, "input", 2, (int64_t[]){1, 784}, 784);
  x = gemm(b, "fc1", x, 256, true);
  x = relu(b, "relu1", x);
  x = gemm(b, "fc2", x, 128, true);
  x = relu(b, "relu2", x);
  x = gemm(b, "fc3", x, 10, false);
  output(b, x);
}

/* Conv-BN-Relu-Conv-BN plus the shortcut, then Relu. With stride 2 the shortcut is a 1x1
 * Conv+BN that matches the new channel count and resolution. */
static struct act residual_block(struct builder *b, const char *name, struct act x,
                                 int64_t channels, int64_t stride) {
  char n[9][NAME_MAX_LEN];
  struct act y = conv(b, join(b, n[0], name, ".conv1"), x, channels, 3, stride, 1, false);
  y = batch_norm(b, join(b, n[1], name, ".bn1"), y);
  y = relu(b, join(b, n[2], name, ".relu1"), y);
  y = conv(b, join(b, n[3], name, ".conv2"), y, channels, 3, 1, 1, false);
  y = batch_norm(b, join(b, n[4], name, ".bn2"), y);
  struct act shortcut = x;
  if (stride != 1 || channels != x.features) {
    shortcut = conv(b, join(b, n[5], name, ".down"), x, channels, 1, stride, 0, false);
    shortcut = batch_norm(b, join(b, n[6], name, ".down_bn"), shortcut);
  }
  y = binary(b, join(b, n[7], name, ".add"), "Add", y, shortcut);
  return relu(b, join(b, n[8], name, ".relu2"), y);
}

static void build_resnet_tiny(struct builder *b) {
  struct act x = input(b, "input", 4, (int64_t[]){1, 3, 32, 32}, 3);
  x = conv(b, "stem.conv", x, 16, 3, 1, 1, false);
  x = batch_norm(b, "stem.bn", x);
  x = relu(b, "stem.relu", x);
  x = residual_block(b, "block1", x, 16, 1);
  x = residual_block(b, "block2", x, 32, 2);
  x = global_avg_pool(b, "pool", x);
  x = flatten(b, "flatten", x, 32);
  x = gemm(b, "fc", x, 10, false);
  output(b, x);
}

/* One post-norm encoder layer: sequence 16, d_model 32, 2 heads of 16, FFN 64. */
static void build_transformer_tiny(struct builder *b) {
  struct act x = input(b, "input", 3, (int64_t[]){1, 16, 32}, 32);
  int heads_shape = shape_const(b, "shape.heads", 4, (int64_t[]){1, 16, 2, 16});
  int model_shape = shape_const(b, "shape.model", 3, (int64_t[]){1, 16, 32});
  struct act scale = scalar(b, "attn.scale_value", 0.25f); /* 1 / sqrt(head size 16) */
  struct consts k = {
      .two = scalar(b, "const.two", 2.0f),
      .eps = scalar(b, "const.eps", 1e-5f),
      .sqrt2 = scalar(b, "const.sqrt2", 1.41421356f),
      .one = scalar(b, "const.one", 1.0f),
      .half = scalar(b, "const.half", 0.5f),
  };
  static const int64_t to_heads[] = {0, 2, 1, 3};   /* [1,16,2,16] -> [1,2,16,16] */
  static const int64_t to_heads_t[] = {0, 2, 3, 1}; /* K transposed: [1,2,16(dk),16(seq)] */

  struct act q = linear(b, "attn.q", x, 32);
  q = reshape(b, "attn.q.split", q, heads_shape, 16);
  q = transpose(b, "attn.q.heads", q, to_heads, 16);
  struct act kt = linear(b, "attn.k", x, 32);
  kt = reshape(b, "attn.k.split", kt, heads_shape, 16);
  kt = transpose(b, "attn.k.heads", kt, to_heads_t, 16);
  struct act v = linear(b, "attn.v", x, 32);
  v = reshape(b, "attn.v.split", v, heads_shape, 16);
  v = transpose(b, "attn.v.heads", v, to_heads, 16);

  struct act s = matmul(b, "attn.scores", q, kt);
  s = binary(b, "attn.scale", "Mul", s, scale);
  s = softmax(b, "attn.softmax", s);
  struct act ctx = matmul(b, "attn.context", s, v);
  ctx = transpose(b, "attn.merge", ctx, to_heads, 16);
  ctx = reshape(b, "attn.concat", ctx, model_shape, 32);
  struct act attn = linear(b, "attn.out", ctx, 32);
  struct act h = binary(b, "attn.residual", "Add", x, attn);
  h = layer_norm(b, "ln1", h, &k);

  struct act f = linear(b, "ffn.up", h, 64);
  f = gelu(b, "ffn.gelu", f, &k);
  f = linear(b, "ffn.down", f, 32);
  struct act y = binary(b, "ffn.residual", "Add", h, f);
  y = layer_norm(b, "ln2", y, &k);
  output(b, y);
}

/* ---- calibration microbenchmarks: one op each, sized to run for milliseconds ---- */
/* `opscope --calibrate` times these on every unit to measure what each op class and memory
 * level reaches; users can benchmark them like any model. */

static struct act depthwise(struct builder *b, const char *name, struct act x, int64_t k) {
  char wname[NAME_MAX_LEN], bname[NAME_MAX_LEN];
  float bound = kaiming_bound(k * k);
  int w = weight(b, join(b, wname, name, ".W"), 4, (int64_t[]){x.features, 1, k, k}, -bound, bound);
  int bias_t = bias(b, join(b, bname, name, ".B"), x.features);
  int64_t p = k / 2;
  struct ops_attr attrs[] = {
      attr_ints(b, "kernel_shape", 2, (int64_t[]){k, k}),
      attr_ints(b, "pads", 4, (int64_t[]){p, p, p, p}),
      attr_int(b, "group", x.features),
  };
  return (struct act){node(b, name, "Conv", 3, (int[]){x.t, w, bias_t}, 3, attrs), x.features};
}

static void build_micro_conv3x3(struct builder *b) {
  struct act x = input(b, "x", 4, (int64_t[]){1, 16, 28, 28}, 16);
  output(b, conv(b, "conv", x, 16, 3, 1, 1, true));
}

static void build_micro_conv1x1(struct builder *b) {
  struct act x = input(b, "x", 4, (int64_t[]){1, 64, 14, 14}, 64);
  output(b, conv(b, "conv", x, 64, 1, 1, 0, true));
}

static void build_micro_dwconv3x3(struct builder *b) {
  struct act x = input(b, "x", 4, (int64_t[]){1, 64, 28, 28}, 64);
  output(b, depthwise(b, "dwconv", x, 3));
}

static void build_micro_gemm(struct builder *b) {
  struct act x = input(b, "x", 2, (int64_t[]){64, 256}, 256);
  output(b, gemm(b, "gemm", x, 256, false));
}

static void build_micro_add(struct builder *b) {
  struct act x = input(b, "x", 2, (int64_t[]){1, 65536}, 65536);
  struct act y = {weight(b, "y", 2, (int64_t[]){1, 65536}, -1.0f, 1.0f), 65536};
  output(b, binary(b, "add", "Add", x, y));
}

static void build_micro_sigmoid(struct builder *b) {
  struct act x = input(b, "x", 2, (int64_t[]){1, 65536}, 65536);
  output(b, unary(b, "sigmoid", "Sigmoid", x));
}

static void build_micro_maxpool(struct builder *b) {
  struct act x = input(b, "x", 4, (int64_t[]){1, 32, 56, 56}, 32);
  output(b, max_pool(b, "pool", x, 3, 2));
}

static void build_micro_reduce(struct builder *b) {
  struct act x = input(b, "x", 2, (int64_t[]){64, 4096}, 4096);
  output(b, reduce_mean_last(b, "mean", x));
}

static void build_micro_batchnorm(struct builder *b) {
  struct act x = input(b, "x", 4, (int64_t[]){1, 32, 56, 56}, 32);
  output(b, batch_norm(b, "bn", x));
}

/* Relu over n floats reads and writes 8n bytes: a stand-in for streaming from one level. */
static void build_micro_stream(struct builder *b, int64_t n) {
  struct act x = input(b, "x", 2, (int64_t[]){1, n}, n);
  output(b, relu(b, "relu", x));
}

static void build_micro_stream_l1(struct builder *b) {
  build_micro_stream(b, 2048); /* 16 KiB */
}

static void build_micro_stream_l2(struct builder *b) {
  build_micro_stream(b, 32768); /* 256 KiB */
}

static void build_micro_stream_l3(struct builder *b) {
  build_micro_stream(b, 524288); /* 4 MiB */
}

static void build_micro_stream_dram(struct builder *b) {
  build_micro_stream(b, 8388608); /* 64 MiB */
}

struct builtin_model {
  const char *name;
  const char *description; /* layers, input shape, node and parameter counts */
  uint64_t seed;
  void (*build)(struct builder *b);
};

static const struct builtin_model models[] = {
    {"mnist",
     "CNN for 28x28 digits: 2 Conv+Relu, MaxPool, Flatten, 2 Gemm; input [1, 1, 28, 28]; "
     "9 nodes, 202666 params",
     0x6d6e697374ull, build_mnist},
    {"mlp", "MLP 784-256-128-10: 3 Gemm with Relu; input [1, 784]; 5 nodes, 235146 params",
     0x6d6c70ull, build_mlp},
    {"resnet-tiny",
     "ResNet: Conv-BN-Relu stem, 2 residual blocks (16 and 32 channels, the second with a "
     "strided 1x1 shortcut), GlobalAveragePool, Gemm; input [1, 3, 32, 32]; 22 nodes, "
     "20282 params",
     0x7265736e6574ull, build_resnet_tiny},
    {"transformer-tiny",
     "one post-norm encoder layer (seq 16, d_model 32, 2 heads, FFN 64) with attention, "
     "LayerNorm and GELU as ONNX primitives; input [1, 16, 32]; 49 nodes, 8557 params",
     0x7472616e73ull, build_transformer_tiny},
};

#define N_MODELS (sizeof models / sizeof models[0])

static const struct builtin_model micro_models[] = {
    {"micro-conv3x3", "calibration: Conv 3x3 16->16 on [1, 16, 28, 28], pad 1; 7.3 MFLOP", 1,
     build_micro_conv3x3},
    {"micro-conv1x1", "calibration: Conv 1x1 64->64 on [1, 64, 14, 14]; 1.6 MFLOP", 2,
     build_micro_conv1x1},
    {"micro-dwconv3x3", "calibration: depthwise Conv 3x3 on [1, 64, 28, 28]; 0.95 MFLOP", 3,
     build_micro_dwconv3x3},
    {"micro-gemm", "calibration: Gemm [64, 256] x [256, 256]^T + bias; 8.4 MFLOP", 4,
     build_micro_gemm},
    {"micro-add", "calibration: Add of two [1, 65536] tensors", 5, build_micro_add},
    {"micro-sigmoid", "calibration: Sigmoid on [1, 65536]", 6, build_micro_sigmoid},
    {"micro-maxpool", "calibration: MaxPool 3x3 stride 2 on [1, 32, 56, 56]", 7,
     build_micro_maxpool},
    {"micro-reduce", "calibration: ReduceMean over the last axis of [64, 4096]", 8,
     build_micro_reduce},
    {"micro-batchnorm", "calibration: BatchNormalization on [1, 32, 56, 56]", 9,
     build_micro_batchnorm},
    {"micro-stream-l1", "calibration: Relu streaming 16 KiB (L1)", 10, build_micro_stream_l1},
    {"micro-stream-l2", "calibration: Relu streaming 256 KiB (L2)", 11, build_micro_stream_l2},
    {"micro-stream-l3", "calibration: Relu streaming 4 MiB (L3)", 12, build_micro_stream_l3},
    {"micro-stream-dram", "calibration: Relu streaming 64 MiB (DRAM)", 13, build_micro_stream_dram},
};

#define N_MICRO (sizeof micro_models / sizeof micro_models[0])

static const char *const model_names[] = {"mnist", "mlp", "resnet-tiny", "transformer-tiny", NULL};
static_assert(sizeof model_names / sizeof model_names[0] == N_MODELS + 1,
              "model_names must list every model of `models`, in order");

static const char *const micro_names[] = {"micro-conv3x3",     "micro-conv1x1",
                                          "micro-dwconv3x3",   "micro-gemm",
                                          "micro-add",         "micro-sigmoid",
                                          "micro-maxpool",     "micro-reduce",
                                          "micro-batchnorm",   "micro-stream-l1",
                                          "micro-stream-l2",   "micro-stream-l3",
                                          "micro-stream-dram", NULL};
static_assert(sizeof micro_names / sizeof micro_names[0] == N_MICRO + 1,
              "micro_names must list every model of `micro_models`, in order");

const char *const *ops_builtin_names(void) {
  return model_names;
}

const char *const *ops_builtin_micro_names(void) {
  return micro_names;
}

static const struct builtin_model *find_model(const char *name) {
  if (strncmp(name, BUILTIN_PREFIX, strlen(BUILTIN_PREFIX)) == 0) name += strlen(BUILTIN_PREFIX);
  for (size_t i = 0; i < N_MODELS; i++) {
    if (strcmp(models[i].name, name) == 0) return &models[i];
  }
  for (size_t i = 0; i < N_MICRO; i++) {
    if (strcmp(micro_models[i].name, name) == 0) return &micro_models[i];
  }
  return NULL;
}

const char *ops_builtin_describe(const char *name) {
  const struct builtin_model *m = name != NULL ? find_model(name) : NULL;
  return m != NULL ? m->description : NULL;
}

enum ops_status ops_load_builtin(const char *name, struct ops_graph **out, struct ops_diag *d) {
  *out = NULL;
  const struct builtin_model *m = find_model(name);
  if (m == NULL) {
    char known[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < N_MODELS && used < sizeof known; i++) {
      int n = snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", models[i].name);
      if (n < 0) break;
      used += (size_t)n;
    }
    const char *bare = name;
    if (strncmp(bare, BUILTIN_PREFIX, strlen(BUILTIN_PREFIX)) == 0) bare += strlen(BUILTIN_PREFIX);
    /* The caller may already have named the model in the diag's path; say it only once. */
    if (d != NULL && d->path != NULL) {
      return ops_fail(d, OPS_ERR_BAD_INPUT, "no such built-in model (known: %s)", known);
    }
    return ops_fail(d, OPS_ERR_BAD_INPUT, BUILTIN_PREFIX "%s: no such built-in model (known: %s)",
                    bare, known);
  }
  struct builder b = {.g = ops_graph_new(), .d = d, .status = OPS_OK, .rng = m->seed};
  if (b.g == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory building %s", m->name);
  char path[NAME_MAX_LEN];
  snprintf(path, sizeof path, BUILTIN_PREFIX "%s", m->name);
  b.g->name = ops_strdup(m->name);
  b.g->path = ops_strdup(path);
  b.g->producer = ops_strdup("opscope " OPSCOPE_VERSION_STRING);
  b.g->format = "builtin";
  b.g->opset = 13;
  if (b.g->name == NULL || b.g->path == NULL || b.g->producer == NULL) fail_oom(&b);
  m->build(&b);
  if (b.status != OPS_OK) {
    ops_graph_free(b.g);
    return b.status;
  }
  *out = b.g;
  return OPS_OK;
}
