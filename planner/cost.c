/* Operation and byte counts per node (planner/cost.h states the conventions). */
#include "planner/cost.h"

#include <string.h>

#include "src/fused-pool.h"

static const char *const class_names[OPS_CLASS_COUNT] = {
#define OPS_X(name, text) text,
    OPS_OP_CLASS_LIST(OPS_X)
#undef OPS_X
};

const char *ops_op_class_name(enum ops_op_class c) {
  return (unsigned)c < OPS_CLASS_COUNT ? class_names[c] : "unknown";
}

/* Op types by name rather than enum, so an op added to src/op-list.inc later is classed by this
 * table without a second edit, and unknown ops still get a byte count. */
struct class_entry {
  const char *op;
  enum ops_op_class cls;
  double per_element; /* operations per output element (per input element for REDUCE/NORM) */
};

static const struct class_entry class_table[] = {
    /* Transcendental element-wise: a polynomial or a library call per element. */
    {"Exp", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Log", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Tanh", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Sigmoid", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Erf", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Gelu", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS + 3},
    {"Softplus", OPS_CLASS_TRANSCENDENTAL, 2 * OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Elu", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Selu", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Celu", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Pow", OPS_CLASS_TRANSCENDENTAL, 2 * OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Sin", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Cos", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Tan", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Asin", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Acos", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Atan", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Sinh", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Cosh", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Asinh", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Acosh", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Atanh", OPS_CLASS_TRANSCENDENTAL, OPS_COST_TRANSCENDENTAL_FLOPS},
    /* Reductions and softmax-like ops: per input element. */
    {"ReduceSum", OPS_CLASS_REDUCE, 1},
    {"ReduceMean", OPS_CLASS_REDUCE, 1},
    {"ReduceMax", OPS_CLASS_REDUCE, 1},
    {"ReduceMin", OPS_CLASS_REDUCE, 1},
    {"ReduceProd", OPS_CLASS_REDUCE, 1},
    {"ReduceL1", OPS_CLASS_REDUCE, 2},
    {"ReduceL2", OPS_CLASS_REDUCE, 2},
    {"ReduceSumSquare", OPS_CLASS_REDUCE, 2},
    {"ReduceLogSum", OPS_CLASS_REDUCE, 1},
    {"ReduceLogSumExp", OPS_CLASS_REDUCE, 2 + OPS_COST_TRANSCENDENTAL_FLOPS},
    {"ArgMax", OPS_CLASS_REDUCE, 1},
    {"ArgMin", OPS_CLASS_REDUCE, 1},
    {"Softmax", OPS_CLASS_REDUCE, 4 + OPS_COST_TRANSCENDENTAL_FLOPS},
    {"LogSoftmax", OPS_CLASS_REDUCE, 4 + OPS_COST_TRANSCENDENTAL_FLOPS},
    {"Hardmax", OPS_CLASS_REDUCE, 2},
    {"TopK", OPS_CLASS_REDUCE, 4},
    {"CumSum", OPS_CLASS_REDUCE, 1},
    /* Losses: NLL gathers one score per target; cross-entropy is a log-softmax first. */
    {"NegativeLogLikelihoodLoss", OPS_CLASS_REDUCE, 1},
    {"SoftmaxCrossEntropyLoss", OPS_CLASS_REDUCE, 4 + OPS_COST_TRANSCENDENTAL_FLOPS},
    /* Normalizations: per input element (mean, variance, scale, shift). */
    {"BatchNormalization", OPS_CLASS_NORM, 2},
    {"LayerNormalization", OPS_CLASS_NORM, 8},
    {"InstanceNormalization", OPS_CLASS_NORM, 8},
    {"MeanVarianceNormalization", OPS_CLASS_NORM, 8},
    {"LRN", OPS_CLASS_NORM, 8 + OPS_COST_TRANSCENDENTAL_FLOPS},
    /* Pure data movement. */
    {"Transpose", OPS_CLASS_MOVE, 0},
    {"Concat", OPS_CLASS_MOVE, 0},
    {"Split", OPS_CLASS_MOVE, 0},
    {"Slice", OPS_CLASS_MOVE, 0},
    {"Gather", OPS_CLASS_MOVE, 0},
    {"GatherElements", OPS_CLASS_MOVE, 0},
    {"GatherND", OPS_CLASS_MOVE, 0},
    {"ScatterElements", OPS_CLASS_MOVE, 0},
    {"ScatterND", OPS_CLASS_MOVE, 0},
    {"Scatter", OPS_CLASS_MOVE, 0},
    {"Pad", OPS_CLASS_MOVE, 0},
    {"Tile", OPS_CLASS_MOVE, 0},
    {"Expand", OPS_CLASS_MOVE, 0},
    {"DepthToSpace", OPS_CLASS_MOVE, 0},
    {"SpaceToDepth", OPS_CLASS_MOVE, 0},
    {"Trilu", OPS_CLASS_MOVE, 0},
    {"Compress", OPS_CLASS_MOVE, 0},
    {"Reshape", OPS_CLASS_MOVE, 0},
    {"Flatten", OPS_CLASS_MOVE, 0},
    {"Squeeze", OPS_CLASS_MOVE, 0},
    {"Unsqueeze", OPS_CLASS_MOVE, 0},
    {"Identity", OPS_CLASS_MOVE, 0},
    {"Dropout", OPS_CLASS_MOVE, 0},
    {"Shape", OPS_CLASS_MOVE, 0},
    {"Size", OPS_CLASS_MOVE, 0},
    {"Constant", OPS_CLASS_MOVE, 0},
    {"ConstantOfShape", OPS_CLASS_MOVE, 0},
    {"EyeLike", OPS_CLASS_MOVE, 0},
    {"OneHot", OPS_CLASS_MOVE, 0},
    {"Range", OPS_CLASS_ELEMENTWISE, 1},
    {"Resize", OPS_CLASS_ELEMENTWISE, 4},
    {"Upsample", OPS_CLASS_ELEMENTWISE, 4},
};

static bool tensor_numel(const struct ops_tensor *t, double *out) {
  int64_t n;
  if (t == NULL || !ops_tensor_numel(t, &n)) return false;
  *out = (double)n;
  return true;
}

/* MACs per output element of a convolution: the weight's elements per output channel. */
static bool conv_macs(const struct ops_graph *g, const struct ops_node *n, int weight,
                      double out_numel, bool transpose, double *macs) {
  const struct ops_tensor *w = ops_node_input(g, n, weight);
  const struct ops_tensor *x = ops_node_input(g, n, 0);
  double w_numel, x_numel;
  if (!tensor_numel(w, &w_numel) || w->shape.rank < 2 || w->shape.dims[0] <= 0) return false;
  if (transpose) {
    /* Each input element scatters into (Cout/group) * prod(kernel) outputs. */
    if (!tensor_numel(x, &x_numel)) return false;
    *macs = x_numel * (w_numel / (double)w->shape.dims[0]);
  } else {
    *macs = out_numel * (w_numel / (double)w->shape.dims[0]);
  }
  return true;
}

/* Attribute readers for estimates: a missing or mistyped attribute gives the default (the
 * binder, not the cost model, reports malformed attributes). */
static int64_t attr_int(const struct ops_node *n, const char *name, int64_t dflt) {
  const struct ops_attr *a = ops_node_attr(n, name);
  return a != NULL && a->type == OPS_ATTR_INT ? a->i : dflt;
}

static bool is_depthwise(const struct ops_graph *g, const struct ops_node *n) {
  if (attr_int(n, "group", 1) <= 1) return false;
  const struct ops_tensor *w = ops_node_input(g, n, 1);
  return w != NULL && w->shape.rank >= 2 && w->shape.dims[1] == 1;
}

/* Product of the kernel_shape attribute (pools); 1 when absent. */
static double window_size(const struct ops_node *n) {
  const struct ops_attr *a = ops_node_attr(n, "kernel_shape");
  if (a == NULL || a->type != OPS_ATTR_INTS) return 1.0;
  double w = 1.0;
  for (size_t i = 0; i < a->count; i++)
    w *= (double)(a->ints[i] > 0 ? a->ints[i] : 1);
  return w;
}

void ops_cost_node(const struct ops_graph *g, const struct ops_node *n, struct ops_node_cost *out) {
  memset(out, 0, sizeof *out);
  out->cls = OPS_CLASS_ELEMENTWISE;
  out->known = true;
  double in_numel = 0.0, out_numel = 0.0;
  for (int i = 0; i < n->n_inputs; i++) {
    const struct ops_tensor *t = ops_node_input(g, n, i);
    size_t bytes;
    if (t == NULL) continue;
    if (!ops_tensor_byte_size(t, &bytes)) {
      out->known = false;
      continue;
    }
    out->bytes_read += (double)bytes;
  }
  for (int i = 0; i < n->n_outputs; i++) {
    if (n->outputs[i] < 0) continue;
    const struct ops_tensor *t = &g->tensors[n->outputs[i]];
    size_t bytes;
    double numel;
    if (!ops_tensor_byte_size(t, &bytes) || !tensor_numel(t, &numel)) {
      out->known = false;
      continue;
    }
    out->bytes_written += (double)bytes;
    if (i == 0) out_numel = numel;
  }
  bool have_in = n->n_inputs > 0 && tensor_numel(ops_node_input(g, n, 0), &in_numel);
  if (!out->known) {
    out->flops = 0.0;
    out->bytes_read = out->bytes_written = 0.0;
    return;
  }
  const char *op = n->op_type;
  double macs = 0.0, pool_flops = 0.0;
  bool has_bias = false;
  if (strcmp(op, "Conv") == 0 && n->fused.pool.on) {
    /* A fused MaxPool (src/fused-pool.h): the Conv's work is over its own, larger output, which
     * stays in cache; the pool adds a compare per tap of each pooled element. */
    int64_t dims[4];
    double pooled = out_numel, taps = (double)(n->fused.pool.kernel[0] * n->fused.pool.kernel[1]);
    out_numel = ops_fused_conv_dims(g, n, dims)
                    ? (double)dims[0] * (double)dims[1] * (double)dims[2] * (double)dims[3]
                    : 0.0;
    out->cls = OPS_CLASS_CONV;
    if (!conv_macs(g, n, 1, out_numel, false, &macs)) macs = 0.0;
    has_bias = n->n_inputs > 2 && n->inputs[2] >= 0;
    pool_flops = pooled * taps;
  } else if (strcmp(op, "Conv") == 0 || strcmp(op, "ConvInteger") == 0) {
    out->cls = is_depthwise(g, n) ? OPS_CLASS_DEPTHWISE : OPS_CLASS_CONV;
    if (!conv_macs(g, n, 1, out_numel, false, &macs)) macs = 0.0;
    has_bias = strcmp(op, "Conv") == 0 && n->n_inputs > 2 && n->inputs[2] >= 0;
  } else if (strcmp(op, "QLinearConv") == 0) {
    out->cls = OPS_CLASS_CONV;
    if (!conv_macs(g, n, 3, out_numel, false, &macs)) macs = 0.0;
  } else if (strcmp(op, "ConvTranspose") == 0) {
    out->cls = OPS_CLASS_CONV;
    if (!conv_macs(g, n, 1, out_numel, true, &macs)) macs = 0.0;
    has_bias = n->n_inputs > 2 && n->inputs[2] >= 0;
  } else if (strcmp(op, "Gemm") == 0 || strcmp(op, "MatMul") == 0 ||
             strcmp(op, "MatMulInteger") == 0 || strcmp(op, "QLinearMatMul") == 0) {
    out->cls = OPS_CLASS_GEMM;
    /* K is A's last dim (its first with transA for Gemm). */
    const struct ops_tensor *a = ops_node_input(g, n, 0);
    int64_t trans_a = strcmp(op, "Gemm") == 0 ? attr_int(n, "transA", 0) : 0;
    if (a != NULL && a->shape.rank >= 1) {
      int k_axis = trans_a && a->shape.rank == 2 ? 0 : a->shape.rank - 1;
      macs = out_numel * (double)a->shape.dims[k_axis];
    }
    has_bias = strcmp(op, "Gemm") == 0 && n->n_inputs > 2 && n->inputs[2] >= 0;
  } else if (strcmp(op, "MaxPool") == 0 || strcmp(op, "AveragePool") == 0 ||
             strcmp(op, "LpPool") == 0) {
    out->cls = OPS_CLASS_POOL;
    out->flops = out_numel * window_size(n);
    return;
  } else if (strcmp(op, "GlobalAveragePool") == 0 || strcmp(op, "GlobalMaxPool") == 0) {
    out->cls = OPS_CLASS_POOL;
    out->flops = have_in ? in_numel : 0.0;
    return;
  } else {
    for (size_t i = 0; i < sizeof class_table / sizeof class_table[0]; i++) {
      if (strcmp(class_table[i].op, op) != 0) continue;
      out->cls = class_table[i].cls;
      bool per_input = out->cls == OPS_CLASS_REDUCE || out->cls == OPS_CLASS_NORM;
      out->flops = class_table[i].per_element * (per_input && have_in ? in_numel : out_numel);
      return;
    }
    /* Anything else (Add, Relu, Clip, Cast, Where, the comparisons...): one per element. */
    out->flops = out_numel;
    return;
  }
  out->flops = 2.0 * macs + (has_bias ? out_numel : 0.0) + pool_flops;
}

double ops_cost_intensity(const struct ops_node_cost *c) {
  double bytes = c->bytes_read + c->bytes_written;
  return bytes > 0 ? c->flops / bytes : 0.0;
}
