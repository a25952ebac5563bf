/*
 * Shape inference for ops that compute on tensors: elementwise ops, Clip, Cast, Conv, pooling,
 * BatchNormalization, Gemm, MatMul, Softmax, reductions, Transpose, Flatten and Dropout.
 *
 * Shapes follow the ONNX operator specs for opsets 7 to 18; where an opset moved an attribute to
 * an input (ReduceMean axes in 18, Clip min/max in 11) the form the node actually uses is read.
 * Conv and pooling output sizes, for each spatial dim with input size `in`, kernel extent
 * `ek = (kernel - 1) * dilation + 1` and stride `s`:
 *   NOTSET     floor((in + pad_begin + pad_end - ek) / s) + 1, or with ceil_mode the ceiling,
 *              less one when that last window would start in the end padding (PyTorch's rule,
 *              which ONNX adopted in onnx/onnx#5741; onnx 1.12's shape inference still
 *              counts that window);
 *   VALID      floor((in - ek) / s) + 1;
 *   SAME_*     ceil(in / s), whatever the kernel.
 * An output dim that would be 0 or less is an error, since no kernel can produce it.
 */
#include <inttypes.h>
#include <string.h>

#include "src/fused-pool.h"
#include "src/shape-infer-impl.h"
#include "src/size.h"

static bool add_i64(int64_t a, int64_t b, int64_t *out) {
  return !__builtin_add_overflow(a, b, out);
}

/* Reinterprets the bits of u as int64 (C's unsigned-to-signed conversion is
 * implementation-defined when out of range; memcpy is not). */
static int64_t wrap_i64(uint64_t u) {
  int64_t v;
  memcpy(&v, &u, sizeof v);
  return v;
}

static bool dtype_is_unsigned(enum ops_dtype t) {
  return t == OPS_DTYPE_U8 || t == OPS_DTYPE_U16 || t == OPS_DTYPE_U32 || t == OPS_DTYPE_U64 ||
         t == OPS_DTYPE_BOOL;
}

/* Layout of an N-D image tensor for messages. */
static const char *image_layout(int rank) {
  switch (rank) {
    case 3:
      return "(N, C, L)";
    case 4:
      return "(N, C, H, W)";
    case 5:
      return "(N, C, D, H, W)";
    default:
      return "(N, C, spatial...)";
  }
}

/* ---- elementwise ---- */

enum ops_status ops_shape_infer_unary(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  enum ops_op op = c->node->op;
  enum ops_dtype_class cls = OPS_CLASS_FLOAT;
  if (op == OPS_OP_ABS || op == OPS_OP_SIGN || op == OPS_OP_SHRINK) cls = OPS_CLASS_NUMERIC;
  if (op == OPS_OP_NEG || op == OPS_OP_RELU) cls = OPS_CLASS_SIGNED;
  st = ops_shape_check_class(c, 0, cls);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  int64_t v[OPS_INFER_MAX_VALUE];
  size_t n;
  bool int_op = op == OPS_OP_ABS || op == OPS_OP_NEG || op == OPS_OP_RELU;
  if (!int_op || !ops_shape_value_wanted(x->dtype, &x->shape) ||
      !ops_shape_read_ints(x, v, OPS_INFER_MAX_VALUE, &n)) {
    return ops_shape_set(c, 0, x->dtype, &x->shape);
  }
  /* Unsigned values are their own Abs and Relu (and Neg is refused above). */
  bool is_unsigned = dtype_is_unsigned(x->dtype);
  for (size_t i = 0; i < n && !is_unsigned; i++) {
    if (op == OPS_OP_NEG || (op == OPS_OP_ABS && v[i] < 0)) {
      v[i] = wrap_i64(0 - (uint64_t)v[i]);
    } else if (op == OPS_OP_RELU && v[i] < 0) {
      v[i] = 0;
    }
  }
  return ops_shape_set_ints(c, 0, x->dtype, &x->shape, v);
}

/* Integer Add, Sub, Mul, Div on int64 values read from either signedness; results are stored
 * modulo the output width, which for Add, Sub and Mul equals computing at that width. */
static enum ops_status int_binary(const struct ops_infer *c, enum ops_dtype dtype, int64_t a,
                                  int64_t b, int64_t *out) {
  uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
  switch (c->node->op) {
    case OPS_OP_ADD:
      *out = wrap_i64(ua + ub);
      return OPS_OK;
    case OPS_OP_SUB:
      *out = wrap_i64(ua - ub);
      return OPS_OK;
    case OPS_OP_MUL:
      *out = wrap_i64(ua * ub);
      return OPS_OK;
    default:
      break;
  }
  if (b == 0) {
    return ops_shape_fail(c, "integer division by zero: input 1 '%s' holds a 0",
                          ops_shape_in_name(c, 1));
  }
  if (dtype == OPS_DTYPE_U64) {
    *out = wrap_i64(ua / ub);
  } else if (a == INT64_MIN && b == -1) {
    *out = INT64_MIN; /* wraps, as the hardware's truncating division would */
  } else {
    *out = a / b; /* C division truncates toward zero, as ONNX integer Div does */
  }
  return OPS_OK;
}

enum ops_status ops_shape_infer_binary(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC);
  if (st == OPS_OK) st = ops_shape_check_class(c, 1, OPS_CLASS_NUMERIC);
  /* Pow's exponent may have its own type (opset 12 and later); the others need one type. */
  if (st == OPS_OK && c->node->op != OPS_OP_POW) st = ops_shape_check_same_dtype(c, 0, 1);
  if (st != OPS_OK) return st;
  const struct ops_tensor *a = ops_shape_in(c, 0), *b = ops_shape_in(c, 1);
  const struct ops_shape *shapes[2] = {&a->shape, &b->shape};
  struct ops_shape out;
  st = ops_shape_broadcast(c, shapes, (const int[]){0, 1}, 2, "", &out);
  if (st != OPS_OK) return st;
  int64_t va[OPS_INFER_MAX_VALUE], vb[OPS_INFER_MAX_VALUE], v[OPS_INFER_MAX_VALUE];
  size_t na, nb;
  if (c->node->op == OPS_OP_POW || !ops_shape_value_wanted(a->dtype, &out) ||
      !ops_shape_read_ints(a, va, OPS_INFER_MAX_VALUE, &na) ||
      !ops_shape_read_ints(b, vb, OPS_INFER_MAX_VALUE, &nb)) {
    return ops_shape_set(c, 0, a->dtype, &out);
  }
  int64_t n;
  ops_shape_numel(&out, &n);
  for (int64_t i = 0; i < n; i++) {
    st = int_binary(c, a->dtype, va[ops_shape_bcast_index(&out, &a->shape, i)],
                    vb[ops_shape_bcast_index(&out, &b->shape, i)], &v[i]);
    if (st != OPS_OK) return st;
  }
  return ops_shape_set_ints(c, 0, a->dtype, &out, v);
}

/* Elementwise ops beyond Add..Pow: the predicates (IsNaN, IsInf, Not), PRelu, the binary ops
 * with multidirectional broadcasting (Mod, BitShift, And, Or, Xor and the comparisons), the
 * variadic Min, Max, Sum, Mean and the 3-way Where. Comparisons, logic ops and predicates give
 * bool; the rest give input 0's dtype (Where: input 1's). */
static enum ops_status infer_predicate(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  if (c->node->op == OPS_OP_NOT) {
    if (x->dtype != OPS_DTYPE_BOOL) {
      return ops_shape_fail(c, "input 0 '%s' is %s, expected bool", x->name,
                            ops_dtype_name(x->dtype));
    }
  } else if ((st = ops_shape_check_class(c, 0, OPS_CLASS_FLOAT)) != OPS_OK) {
    return st;
  }
  return ops_shape_set(c, 0, OPS_DTYPE_BOOL, &x->shape);
}

static enum ops_status infer_prelu(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  if ((st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC)) != OPS_OK) return st;
  if ((st = ops_shape_check_same_dtype(c, 0, 1)) != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0), *slope = ops_shape_in(c, 1);
  /* Before opset 7, PyTorch exported a per-channel slope as [C] for X [N, C, ...], meaning one
   * slope per channel rather than numpy broadcasting over the last dim. Such a weight is given
   * the shape [C, 1, ...] that says so today; its bytes are the same. */
  struct ops_tensor *w = &c->g->tensors[c->node->inputs[1]];
  if (c->opset < 7 && w->role == OPS_TENSOR_INITIALIZER && w->shape.rank == 1 &&
      x->shape.rank >= 3 && w->shape.dims[0] == x->shape.dims[1] && w->shape.dims[0] > 1) {
    int64_t dims[OPS_MAX_RANK];
    dims[0] = w->shape.dims[0];
    for (int i = 1; i < x->shape.rank - 1; i++)
      dims[i] = 1;
    w->shape = ops_shape_make(x->shape.rank - 1, dims);
  }
  st = ops_shape_check_unidirectional(c, 1, &slope->shape, &x->shape);
  if (st != OPS_OK) return st;
  return ops_shape_set(c, 0, x->dtype, &x->shape);
}

/* Inputs that must share one dtype, broadcast together; variadic ops take at most this many. */
#define MAX_ELEMENTWISE_INPUTS 64

static enum ops_status infer_broadcast(struct ops_infer *c) {
  enum ops_op op = c->node->op;
  bool variadic = op == OPS_OP_MIN || op == OPS_OP_MAX || op == OPS_OP_SUM || op == OPS_OP_MEAN;
  bool is_where = op == OPS_OP_WHERE;
  int n = c->node->n_inputs;
  enum ops_status st = variadic   ? ops_shape_check_arity(c, 1, MAX_ELEMENTWISE_INPUTS, 1)
                       : is_where ? ops_shape_check_arity(c, 3, 3, 1)
                                  : ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK) return st;
  for (int i = 0; i < n; i++) {
    if (ops_shape_in(c, i) == NULL) return ops_shape_fail(c, "input %d is omitted", i);
  }
  if (!ops_shape_inputs_typed(c, n)) return OPS_OK;
  /* Where's condition is bool and stands apart; the other inputs share one dtype. */
  int first = is_where ? 1 : 0;
  if (is_where && ops_shape_in(c, 0)->dtype != OPS_DTYPE_BOOL) {
    return ops_shape_fail(c, "input 0 '%s' is %s, expected bool", ops_shape_in_name(c, 0),
                          ops_dtype_name(ops_shape_in(c, 0)->dtype));
  }
  enum ops_dtype dtype = ops_shape_in(c, first)->dtype;
  for (int i = first + 1; i < n && st == OPS_OK; i++)
    st = ops_shape_check_same_dtype(c, first, i);
  if (st != OPS_OK) return st;
  bool logic = op == OPS_OP_AND || op == OPS_OP_OR || op == OPS_OP_XOR;
  if (logic && dtype != OPS_DTYPE_BOOL) {
    return ops_shape_fail(c, "input 0 '%s' is %s, expected bool", ops_shape_in_name(c, 0),
                          ops_dtype_name(dtype));
  }
  if (op == OPS_OP_BIT_SHIFT && dtype != OPS_DTYPE_U8 && dtype != OPS_DTYPE_U16 &&
      dtype != OPS_DTYPE_U32 && dtype != OPS_DTYPE_U64) {
    return ops_shape_fail(c, "input 0 '%s' is %s, expected an unsigned integer type",
                          ops_shape_in_name(c, 0), ops_dtype_name(dtype));
  }
  if (!logic && !is_where && op != OPS_OP_EQUAL && op != OPS_OP_BIT_SHIFT) {
    st = ops_shape_check_class(c, first, op == OPS_OP_MEAN ? OPS_CLASS_FLOAT : OPS_CLASS_NUMERIC);
    if (st != OPS_OK) return st;
  }
  const struct ops_shape *shapes[MAX_ELEMENTWISE_INPUTS];
  int which[MAX_ELEMENTWISE_INPUTS];
  for (int i = 0; i < n; i++) {
    shapes[i] = &ops_shape_in(c, i)->shape;
    which[i] = i;
  }
  struct ops_shape out;
  st = ops_shape_broadcast(c, shapes, which, n, "", &out);
  if (st != OPS_OK) return st;
  bool to_bool = logic || op == OPS_OP_EQUAL || op == OPS_OP_GREATER || op == OPS_OP_LESS ||
                 op == OPS_OP_GREATER_OR_EQUAL || op == OPS_OP_LESS_OR_EQUAL;
  st = ops_shape_set(c, 0, to_bool ? OPS_DTYPE_BOOL : dtype, &out);
  /* Shape arithmetic (Where(Equal(shape, -1), ...), Max of dims) keeps its known values. */
  if (st == OPS_OK &&
      (op == OPS_OP_EQUAL || op == OPS_OP_WHERE || op == OPS_OP_MIN || op == OPS_OP_MAX)) {
    st = ops_shape_infer_unlisted(c);
  }
  return st;
}

enum ops_status ops_shape_infer_elementwise(struct ops_infer *c) {
  switch (c->node->op) {
    case OPS_OP_IS_NAN:
    case OPS_OP_IS_INF:
    case OPS_OP_NOT:
      return infer_predicate(c);
    case OPS_OP_PRELU:
      return infer_prelu(c);
    default:
      return infer_broadcast(c);
  }
}

enum ops_status ops_shape_infer_clip(struct ops_infer *c) {
  /* Before opset 11 min and max are float attributes; from 11 they are optional inputs. */
  enum ops_status st = ops_shape_check_arity(c, 1, 3, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  float bound;
  st = ops_node_attr_float(c->node, "min", 0.0f, &bound, c->d);
  if (st == OPS_OK) st = ops_node_attr_float(c->node, "max", 0.0f, &bound, c->d);
  if (st == OPS_OK) st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC);
  for (int i = 1; i < 3 && st == OPS_OK; i++) {
    const struct ops_tensor *t = ops_shape_in(c, i);
    if (t == NULL) continue;
    st = ops_shape_check_same_dtype(c, 0, i);
    int64_t n;
    if (st == OPS_OK && ops_tensor_numel(t, &n) && n != 1) {
      st = ops_shape_fail(c, "input %d '%s' has shape %s, expected a scalar", i, t->name,
                          ops_shape_text(&t->shape).s);
    }
  }
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  return ops_shape_set(c, 0, x->dtype, &x->shape);
}

enum ops_status ops_shape_infer_cast(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK) return st;
  if (ops_node_attr(c->node, "to") == NULL) return ops_shape_fail(c, "attribute 'to' is missing");
  int64_t to;
  st = ops_node_attr_int(c->node, "to", 0, &to, c->d);
  if (st != OPS_OK) return st;
  if (to < 0 || to > INT32_MAX || !ops_dtype_valid((int)to)) {
    return ops_shape_fail(c, "attribute 'to' is %lld, which is not a tensor element type",
                          (long long)to);
  }
  enum ops_dtype dtype = (enum ops_dtype)to;
  /* The output type is the attribute's even when nothing is known about the input. */
  const struct ops_tensor *x = ops_shape_in(c, 0);
  if (!ops_shape_value_wanted(dtype, &x->shape) || !ops_shape_has_value(x)) {
    return ops_shape_set(c, 0, dtype, &x->shape);
  }
  int64_t v[OPS_INFER_MAX_VALUE], n;
  ops_shape_numel(&x->shape, &n);
  for (int64_t i = 0; i < n; i++) {
    double f;
    if (ops_tensor_get_int(x, i, &v[i])) continue;
    /* A float outside int64 (or NaN) has no defined conversion: leave the value unknown. */
    if (!ops_shape_get_double(x, i, &f) ||
        !(f > -9223372036854775808.0 && f < 9223372036854775808.0)) {
      return ops_shape_set(c, 0, dtype, &x->shape);
    }
    v[i] = dtype == OPS_DTYPE_BOOL ? f != 0.0 : (int64_t)f;
  }
  return ops_shape_set_ints(c, 0, dtype, &x->shape, v);
}

/* ---- convolution and pooling windows ---- */

enum auto_pad { PAD_NOTSET, PAD_SAME_UPPER, PAD_SAME_LOWER, PAD_VALID };

struct window {
  int k;                         /* spatial dims */
  int64_t kernel[OPS_MAX_RANK];  /* elements; -1 when not known */
  int64_t strides[OPS_MAX_RANK]; /* elements */
  int64_t dilations[OPS_MAX_RANK];
  int64_t pads[2 * OPS_MAX_RANK]; /* elements: every axis's begin, then every axis's end */
  enum auto_pad auto_pad;
  bool ceil_mode;
};

/* Reads INTS attribute `name` of `want` entries each >= `min` into out[], or `dflt` for every
 * entry when absent. */
static enum ops_status window_ints(const struct ops_infer *c, const char *name, size_t want,
                                   int64_t dflt, int64_t min, int64_t *out) {
  const int64_t *v;
  size_t n;
  enum ops_status st = ops_node_attr_ints(c->node, name, &v, &n, c->d);
  if (st != OPS_OK) return st;
  if (v == NULL) {
    for (size_t i = 0; i < want; i++)
      out[i] = dflt;
    return OPS_OK;
  }
  if (n != want) {
    return ops_shape_fail(c, "attribute '%s' has %zu entries, expected %zu", name, n, want);
  }
  for (size_t i = 0; i < n; i++) {
    if (v[i] < min) {
      return ops_shape_fail(c, "attribute '%s' %s has %lld at %zu, expected >= %lld", name,
                            ops_shape_text_ints(v, n).s, (long long)v[i], i, (long long)min);
    }
    out[i] = v[i];
  }
  return OPS_OK;
}

static enum ops_status window_read(const struct ops_infer *c, int k, bool pooling,
                                   struct window *w) {
  memset(w, 0, sizeof *w);
  w->k = k;
  size_t n = (size_t)k;
  enum ops_status st = window_ints(c, "kernel_shape", n, -1, 1, w->kernel);
  if (st == OPS_OK) st = window_ints(c, "strides", n, 1, 1, w->strides);
  if (st == OPS_OK) st = window_ints(c, "dilations", n, 1, 1, w->dilations);
  if (st == OPS_OK) st = window_ints(c, "pads", 2 * n, 0, 0, w->pads);
  const char *pad;
  if (st == OPS_OK) st = ops_node_attr_string(c->node, "auto_pad", "NOTSET", &pad, c->d);
  if (st != OPS_OK) return st;
  if (strcmp(pad, "NOTSET") == 0 || pad[0] == '\0') {
    w->auto_pad = PAD_NOTSET;
  } else if (strcmp(pad, "SAME_UPPER") == 0) {
    w->auto_pad = PAD_SAME_UPPER;
  } else if (strcmp(pad, "SAME_LOWER") == 0) {
    w->auto_pad = PAD_SAME_LOWER;
  } else if (strcmp(pad, "VALID") == 0) {
    w->auto_pad = PAD_VALID;
  } else {
    return ops_shape_fail(c,
                          "attribute 'auto_pad' is '%s', expected NOTSET, SAME_UPPER, SAME_LOWER "
                          "or VALID",
                          pad);
  }
  int64_t ceil_mode = 0;
  if (pooling) st = ops_node_attr_int(c->node, "ceil_mode", 0, &ceil_mode, c->d);
  w->ceil_mode = ceil_mode != 0;
  return st;
}

/* Output size of spatial axis j (dim j + 2 of the tensor) for input size `in`; -1 when `in` or
 * the kernel is unknown. */
static enum ops_status window_out(const struct ops_infer *c, const struct window *w, int j,
                                  int64_t in, int64_t *out) {
  *out = -1;
  int64_t kernel = w->kernel[j], s = w->strides[j], dil = w->dilations[j];
  int64_t pb = w->pads[j], pe = w->pads[j + w->k];
  if (in < 0) return OPS_OK;
  if (w->auto_pad == PAD_SAME_UPPER || w->auto_pad == PAD_SAME_LOWER) {
    *out = in / s + (in % s != 0);
    if (*out <= 0) {
      return ops_shape_fail(c, "output dim %d would be 0: input 0 '%s' has size 0 there", j + 2,
                            ops_shape_in_name(c, 0));
    }
    return OPS_OK;
  }
  if (kernel < 0) return OPS_OK;
  int64_t extent;
  if (!ops_mul_i64(kernel - 1, dil, &extent) || !add_i64(extent, 1, &extent)) {
    return ops_shape_fail(c, "kernel %lld with dilation %lld on spatial axis %d overflows int64",
                          (long long)kernel, (long long)dil, j);
  }
  int64_t total = in;
  if (w->auto_pad == PAD_NOTSET && (!add_i64(in, pb, &total) || !add_i64(total, pe, &total))) {
    return ops_shape_fail(c, "pads %lld + %lld on spatial axis %d overflow int64", (long long)pb,
                          (long long)pe, j);
  }
  if (total < extent) {
    return ops_shape_fail(c,
                          "output dim %d would be <= 0: input size %lld with pads %lld + %lld is "
                          "smaller than the kernel extent %lld (kernel %lld, dilation %lld)",
                          j + 2, (long long)in, (long long)(w->auto_pad == PAD_NOTSET ? pb : 0),
                          (long long)(w->auto_pad == PAD_NOTSET ? pe : 0), (long long)extent,
                          (long long)kernel, (long long)dil);
  }
  int64_t span = total - extent, steps = span / s;
  if (w->auto_pad == PAD_NOTSET && w->ceil_mode && span % s != 0) {
    steps++;
    /* The last window must start inside the input or the begin padding. */
    int64_t start;
    if (!ops_mul_i64(steps, s, &start) || start >= in + pb) steps--;
  }
  *out = steps + 1;
  return OPS_OK;
}

static enum ops_status image_rank_error(const struct ops_infer *c, int i, int rank, int want) {
  if (want < 0) {
    return ops_shape_fail(c, "input '%s' has rank %d, expected at least 3 %s",
                          ops_shape_in_name(c, i), rank, image_layout(0));
  }
  return ops_shape_fail(c, "input '%s' has rank %d, expected %d %s", ops_shape_in_name(c, i), rank,
                        want, image_layout(want));
}

enum ops_status ops_shape_infer_conv(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 3, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_FLOAT);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, 0, 1);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, 0, 2);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  struct ops_shape out;
  st = ops_shape_conv_out(c, x, ops_shape_in(c, 1), ops_shape_in(c, 2), &out);
  if (st != OPS_OK) return st;
  const struct ops_fused_pool *pool = &c->node->fused.pool;
  if (pool->on) {
    /* A fused MaxPool (compiler/pass-fuse.c): the node writes the pool's output. */
    if (out.rank >= 0 && out.rank != 4)
      return ops_shape_fail(c, "a fused MaxPool needs a 2-D Conv, this one has rank %d", out.rank);
    if (out.rank == 4 && out.dims[2] >= 0 && out.dims[3] >= 0) {
      int64_t pooled[2];
      if (!ops_fused_pool_out(pool, &out.dims[2], pooled)) {
        return ops_shape_fail(c,
                              "the fused MaxPool (kernel %" PRId64 "x%" PRId64 ", strides %" PRId64
                              "x%" PRId64 ") does not fit the Conv's %" PRId64 "x%" PRId64
                              " output, or its pads are not below its kernel",
                              pool->kernel[0], pool->kernel[1], pool->strides[0], pool->strides[1],
                              out.dims[2], out.dims[3]);
      }
      out.dims[2] = pooled[0];
      out.dims[3] = pooled[1];
    } else if (out.rank == 4) {
      out.dims[2] = out.dims[3] = -1;
    }
  }
  return ops_shape_set(c, 0, x->dtype, &out);
}

enum ops_status ops_shape_conv_out(const struct ops_infer *c, const struct ops_tensor *x,
                                   const struct ops_tensor *w, const struct ops_tensor *b,
                                   struct ops_shape *result) {
  enum ops_status st;
  const struct ops_shape *xs = &x->shape, *ws = &w->shape;
  if (ws->rank >= 0 && ws->rank < 3) {
    return ops_shape_fail(c, "weight '%s' has rank %d, expected at least 3 (M, C/group, k...)",
                          w->name, ws->rank);
  }
  if (xs->rank >= 0 && (xs->rank < 3 || (ws->rank >= 0 && xs->rank != ws->rank))) {
    return image_rank_error(c, 0, xs->rank, ws->rank);
  }
  int rank = xs->rank >= 0 ? xs->rank : ws->rank;
  if (rank < 0) {
    *result = *xs;
    return OPS_OK;
  }
  struct window win;
  st = window_read(c, rank - 2, false, &win);
  if (st != OPS_OK) return st;
  for (int j = 0; ws->rank >= 0 && j < rank - 2; j++) {
    int64_t kw = ws->dims[j + 2];
    if (kw >= 0 && win.kernel[j] >= 0 && kw != win.kernel[j]) {
      return ops_shape_fail(c, "attribute 'kernel_shape' %s does not match weight '%s' %s",
                            ops_shape_text_ints(win.kernel, (size_t)rank - 2).s, w->name,
                            ops_shape_text(ws).s);
    }
    if (kw >= 0) win.kernel[j] = kw;
  }
  int64_t group;
  st = ops_node_attr_int(c->node, "group", 1, &group, c->d);
  if (st != OPS_OK) return st;
  if (group < 1)
    return ops_shape_fail(c, "attribute 'group' is %lld, expected >= 1", (long long)group);
  int64_t channels = xs->rank >= 0 ? xs->dims[1] : -1;
  int64_t m = ws->rank >= 0 ? ws->dims[0] : -1, cw = ws->rank >= 0 ? ws->dims[1] : -1, total;
  if (channels >= 0 && cw >= 0 && (!ops_mul_i64(cw, group, &total) || total != channels)) {
    return ops_shape_fail(c,
                          "input 0 '%s' %s has %lld channels, but weight '%s' %s has %lld input "
                          "channels x group %lld",
                          x->name, ops_shape_text(xs).s, (long long)channels, w->name,
                          ops_shape_text(ws).s, (long long)cw, (long long)group);
  }
  if (m >= 0 && m % group != 0) {
    return ops_shape_fail(c, "weight '%s' has %lld output channels, not a multiple of group %lld",
                          w->name, (long long)m, (long long)group);
  }
  if (b != NULL && b->shape.rank >= 0 &&
      (b->shape.rank != 1 || (m >= 0 && b->shape.dims[0] >= 0 && b->shape.dims[0] != m))) {
    struct ops_shape want = ops_shape_make(1, &m);
    return ops_shape_fail(c, "bias '%s' has shape %s, expected %s (one per output channel)",
                          b->name, ops_shape_text(&b->shape).s, ops_shape_text(&want).s);
  }
  struct ops_shape out = ops_shape_unknown();
  out.rank = rank;
  out.dims[0] = xs->rank >= 0 ? xs->dims[0] : -1;
  out.dims[1] = m;
  for (int j = 0; j < rank - 2; j++) {
    st = window_out(c, &win, j, xs->rank >= 0 ? xs->dims[j + 2] : -1, &out.dims[j + 2]);
    if (st != OPS_OK) return st;
  }
  *result = out;
  return OPS_OK;
}

enum ops_status ops_shape_infer_pool(struct ops_infer *c) {
  bool max_pool = c->node->op == OPS_OP_MAX_POOL;
  enum ops_status st = ops_shape_check_arity(c, 1, 1, max_pool ? 2 : 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  st = ops_shape_check_class(c, 0, max_pool ? OPS_CLASS_POOL : OPS_CLASS_FLOAT);
  if (st != OPS_OK) return st;
  const int64_t *kernel;
  size_t k;
  st = ops_node_attr_ints(c->node, "kernel_shape", &kernel, &k, c->d);
  if (st != OPS_OK) return st;
  if (kernel == NULL) return ops_shape_fail(c, "attribute 'kernel_shape' is missing");
  if (k == 0 || k > OPS_MAX_RANK - 2) {
    return ops_shape_fail(c, "attribute 'kernel_shape' has %zu entries, expected 1 to %d", k,
                          OPS_MAX_RANK - 2);
  }
  const struct ops_tensor *x = ops_shape_in(c, 0);
  int rank = (int)k + 2;
  if (x->shape.rank >= 0 && x->shape.rank != rank) {
    return image_rank_error(c, 0, x->shape.rank, rank);
  }
  struct window win;
  st = window_read(c, (int)k, true, &win);
  if (st != OPS_OK) return st;
  struct ops_shape out = ops_shape_unknown();
  out.rank = rank;
  bool known = x->shape.rank >= 0;
  out.dims[0] = known ? x->shape.dims[0] : -1;
  out.dims[1] = known ? x->shape.dims[1] : -1;
  for (int j = 0; j < (int)k; j++) {
    st = window_out(c, &win, j, known ? x->shape.dims[j + 2] : -1, &out.dims[j + 2]);
    if (st != OPS_OK) return st;
  }
  st = ops_shape_set(c, 0, x->dtype, &out);
  /* MaxPool's optional Indices: flat int64 positions of each maximum. */
  if (st == OPS_OK && max_pool) st = ops_shape_set(c, 1, OPS_DTYPE_I64, &out);
  return st;
}

enum ops_status ops_shape_infer_global_pool(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_FLOAT);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  struct ops_shape out = x->shape;
  if (out.rank >= 0 && out.rank < 3) return image_rank_error(c, 0, out.rank, -1);
  for (int j = 2; j < out.rank; j++)
    out.dims[j] = 1;
  return ops_shape_set(c, 0, x->dtype, &out);
}

enum ops_status ops_shape_infer_batch_norm(struct ops_infer *c) {
  /* Outputs 1 to 4 exist in training mode: running mean and variance (opset 14), or mean, var,
   * saved mean and saved var (opsets 7 to 9); each has one entry per channel. */
  enum ops_status st = ops_shape_check_arity(c, 5, 5, 5);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 5)) return st;
  for (int i = 0; i < 5 && st == OPS_OK; i++)
    st = ops_shape_check_class(c, i, OPS_CLASS_FLOAT);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  if (x->shape.rank >= 0 && x->shape.rank < 2) {
    return ops_shape_fail(c, "input 0 '%s' has rank %d, expected at least 2 (N, C, ...)", x->name,
                          x->shape.rank);
  }
  /* Before opset 9, spatial=0 gives every statistic the shape [C, D1, ...] of one sample. */
  int64_t spatial = 1;
  if (c->opset < 9) st = ops_node_attr_int(c->node, "spatial", 1, &spatial, c->d);
  if (st != OPS_OK) return st;
  int64_t channels = x->shape.rank >= 0 ? x->shape.dims[1] : -1;
  for (int i = 1; i < 5 && spatial != 0; i++) {
    const struct ops_shape *s = &ops_shape_in(c, i)->shape;
    if (s->rank < 0) continue;
    if (s->rank != 1 || (channels >= 0 && s->dims[0] >= 0 && s->dims[0] != channels)) {
      return ops_shape_fail(c,
                            "input %d '%s' has shape %s, expected [%lld] (one per channel of %s)",
                            i, ops_shape_in_name(c, i), ops_shape_text(s).s, (long long)channels,
                            ops_shape_text(&x->shape).s);
    }
    if (channels < 0) channels = s->dims[0];
  }
  st = ops_shape_set(c, 0, x->dtype, &x->shape);
  struct ops_shape per_channel = ops_shape_make(1, &channels);
  for (int k = 1; k < 5 && st == OPS_OK; k++) {
    st = ops_shape_set(c, k, ops_shape_in(c, 3)->dtype,
                       spatial != 0 ? &per_channel : &ops_shape_in(c, 3)->shape);
  }
  return st;
}

/* ---- matrix products ---- */

enum ops_status ops_shape_infer_gemm(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 3, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, 0, 1);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, 0, 2);
  int64_t trans_a = 0, trans_b = 0;
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "transA", 0, &trans_a, c->d);
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "transB", 0, &trans_b, c->d);
  if (st != OPS_OK) return st;
  const struct ops_tensor *a = ops_shape_in(c, 0), *b = ops_shape_in(c, 1),
                          *cc = ops_shape_in(c, 2);
  for (int i = 0; i < 2; i++) {
    const struct ops_shape *s = i == 0 ? &a->shape : &b->shape;
    if (s->rank >= 0 && s->rank != 2) {
      return ops_shape_fail(c, "input %d '%s' has rank %d, expected 2", i, ops_shape_in_name(c, i),
                            s->rank);
    }
  }
  bool ka = a->shape.rank == 2, kb = b->shape.rank == 2;
  int64_t m = ka ? a->shape.dims[trans_a ? 1 : 0] : -1,
          k1 = ka ? a->shape.dims[trans_a ? 0 : 1] : -1;
  int64_t k2 = kb ? b->shape.dims[trans_b ? 1 : 0] : -1,
          n = kb ? b->shape.dims[trans_b ? 0 : 1] : -1;
  if (k1 >= 0 && k2 >= 0 && k1 != k2) {
    return ops_shape_fail(c,
                          "inner dims differ: input 0 '%s' %s (transA %lld) has K = %lld, input "
                          "1 '%s' %s (transB %lld) has K = %lld",
                          a->name, ops_shape_text(&a->shape).s, (long long)trans_a, (long long)k1,
                          b->name, ops_shape_text(&b->shape).s, (long long)trans_b, (long long)k2);
  }
  struct ops_shape out = ops_shape_make(2, (const int64_t[]){m, n});
  if (cc != NULL) {
    st = ops_shape_check_unidirectional(c, 2, &cc->shape, &out);
    if (st != OPS_OK) return st;
  }
  return ops_shape_set(c, 0, a->dtype, &out);
}

enum ops_status ops_shape_infer_matmul(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, 0, 1);
  if (st != OPS_OK) return st;
  const struct ops_tensor *a = ops_shape_in(c, 0), *b = ops_shape_in(c, 1);
  if (a->shape.rank < 0 || b->shape.rank < 0) return ops_shape_set(c, 0, a->dtype, &a->shape);
  for (int i = 0; i < 2; i++) {
    if ((i == 0 ? a : b)->shape.rank == 0) {
      return ops_shape_fail(c, "input %d '%s' is a scalar, expected at least 1 dim", i,
                            ops_shape_in_name(c, i));
    }
  }
  /* numpy: a 1-D A is a row [1, K] and a 1-D B a column [K, 1]; the added dim is dropped again. */
  struct ops_shape sa = a->shape, sb = b->shape;
  if (sa.rank == 1) sa = ops_shape_make(2, (const int64_t[]){1, a->shape.dims[0]});
  if (sb.rank == 1) sb = ops_shape_make(2, (const int64_t[]){b->shape.dims[0], 1});
  int64_t k1 = sa.dims[sa.rank - 1], k2 = sb.dims[sb.rank - 2];
  if (k1 >= 0 && k2 >= 0 && k1 != k2) {
    return ops_shape_fail(
        c, "inner dims differ: input 0 '%s' %s has K = %lld, input 1 '%s' %s has K = %lld", a->name,
        ops_shape_text(&a->shape).s, (long long)k1, b->name, ops_shape_text(&b->shape).s,
        (long long)k2);
  }
  struct ops_shape ba = ops_shape_make(sa.rank - 2, sa.dims),
                   bb = ops_shape_make(sb.rank - 2, sb.dims);
  const struct ops_shape *batches[2] = {&ba, &bb};
  struct ops_shape out;
  st = ops_shape_broadcast(c, batches, (const int[]){0, 1}, 2, "batch dims of ", &out);
  if (st != OPS_OK) return st;
  if (a->shape.rank >= 2) out.dims[out.rank++] = sa.dims[sa.rank - 2];
  if (b->shape.rank >= 2) out.dims[out.rank++] = sb.dims[sb.rank - 1];
  return ops_shape_set(c, 0, a->dtype, &out);
}

/* ---- normalization, reductions, layout ---- */

enum ops_status ops_shape_infer_softmax(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_FLOAT);
  /* Before opset 13 Softmax flattens at `axis` (default 1); from 13 it works along it (default
   * -1). The output shape is the input's either way. */
  int64_t axis;
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "axis", c->opset >= 13 ? -1 : 1, &axis, c->d);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  int norm;
  if (x->shape.rank >= 0) {
    st = ops_shape_axis(c, "axis", axis, x->shape.rank, &norm);
    if (st != OPS_OK) return st;
  }
  return ops_shape_set(c, 0, x->dtype, &x->shape);
}

enum ops_status ops_shape_reduce_out(struct ops_infer *c, bool *reduced, struct ops_shape *out) {
  const struct ops_tensor *x = ops_shape_in(c, 0);
  int64_t axes[OPS_MAX_RANK], keepdims, noop;
  size_t n;
  int state;
  enum ops_status st = ops_node_attr_int(c->node, "keepdims", 1, &keepdims, c->d);
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "noop_with_empty_axes", 0, &noop, c->d);
  if (st == OPS_OK) st = ops_shape_read_axes(c, "axes", 1, axes, &n, &state);
  if (st != OPS_OK) return st;
  const struct ops_shape *xs = &x->shape;
  *out = ops_shape_unknown();
  for (int j = 0; j < OPS_MAX_RANK; j++)
    reduced[j] = false;
  if (xs->rank < 0) return OPS_OK;
  if (state < 0) {
    /* Axes from an input whose value is unknown: with keepdims each dim is itself or 1. */
    if (!keepdims) return OPS_OK;
    *out = *xs;
    for (int j = 0; j < xs->rank; j++)
      out->dims[j] = xs->dims[j] == 1 ? 1 : -1;
    return OPS_OK;
  }
  if (n == 0) {
    if (noop) {
      *out = *xs;
      return OPS_OK;
    }
    for (int j = 0; j < xs->rank; j++)
      reduced[j] = true;
  } else {
    int norm[OPS_MAX_RANK];
    st = ops_shape_norm_axes(c, axes, n, xs->rank, norm);
    if (st != OPS_OK) return st;
    for (size_t i = 0; i < n; i++)
      reduced[norm[i]] = true;
  }
  out->rank = 0;
  for (int j = 0; j < xs->rank; j++) {
    if (!reduced[j]) {
      out->dims[out->rank++] = xs->dims[j];
    } else if (keepdims) {
      out->dims[out->rank++] = 1;
    }
  }
  return OPS_OK;
}

enum ops_status ops_shape_infer_reduce(struct ops_infer *c) {
  /* Axes are an attribute before opset 18 and input 1 from 18. */
  enum ops_status st = ops_shape_check_arity(c, 1, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC);
  if (st != OPS_OK) return st;
  bool reduced[OPS_MAX_RANK];
  struct ops_shape out;
  st = ops_shape_reduce_out(c, reduced, &out);
  if (st != OPS_OK) return st;
  return ops_shape_set(c, 0, ops_shape_in(c, 0)->dtype, &out);
}

enum ops_status ops_shape_infer_transpose(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  const int64_t *perm;
  size_t n;
  st = ops_node_attr_ints(c->node, "perm", &perm, &n, c->d);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  const struct ops_shape *xs = &x->shape;
  if (perm == NULL && xs->rank < 0) return ops_shape_set(c, 0, x->dtype, xs);
  int64_t order[OPS_MAX_RANK];
  if (perm == NULL) {
    /* Without perm the dims are reversed. */
    n = (size_t)xs->rank;
    for (size_t i = 0; i < n; i++)
      order[i] = (int64_t)(n - 1 - i);
  } else {
    if (n > OPS_MAX_RANK) return ops_shape_check_rank(c, (int64_t)n);
    if (xs->rank >= 0 && n != (size_t)xs->rank) {
      return ops_shape_fail(c, "attribute 'perm' %s has %zu entries, but input 0 '%s' has rank %d",
                            ops_shape_text_ints(perm, n).s, n, x->name, xs->rank);
    }
    bool seen[OPS_MAX_RANK] = {false};
    for (size_t i = 0; i < n; i++) {
      if (perm[i] < 0 || perm[i] >= (int64_t)n || seen[perm[i]]) {
        return ops_shape_fail(c, "attribute 'perm' %s is not a permutation of 0 to %zu",
                              ops_shape_text_ints(perm, n).s, n - 1);
      }
      seen[perm[i]] = true;
      order[i] = perm[i];
    }
  }
  struct ops_shape out = ops_shape_unknown();
  out.rank = (int)n;
  for (size_t i = 0; i < n; i++)
    out.dims[i] = xs->rank >= 0 ? xs->dims[order[i]] : -1;
  return ops_shape_set(c, 0, x->dtype, &out);
}

/* Product of dims [from, to) of a shape; -1 when one is unknown. */
static enum ops_status dims_product(const struct ops_infer *c, const struct ops_shape *s, int from,
                                    int to, int64_t *out) {
  int64_t p = 1;
  bool unknown = false;
  for (int j = from; j < to; j++) {
    if (s->dims[j] < 0) {
      unknown = true;
    } else if (!ops_mul_i64(p, s->dims[j], &p)) {
      return ops_shape_fail(c, "shape %s has more than 2^63 elements", ops_shape_text(s).s);
    }
  }
  *out = unknown ? -1 : p;
  return OPS_OK;
}

enum ops_status ops_shape_infer_flatten(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  int64_t axis;
  st = ops_node_attr_int(c->node, "axis", 1, &axis, c->d);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  const struct ops_shape *xs = &x->shape;
  struct ops_shape out = ops_shape_make(2, (const int64_t[]){-1, -1});
  if (xs->rank >= 0) {
    /* Flatten's axis may equal the rank (everything in the outer dim): [-r, r]. */
    if (axis < -(int64_t)xs->rank || axis > xs->rank) {
      return ops_shape_fail(c, "axis %lld is out of range for rank %d (valid: %d to %d)",
                            (long long)axis, xs->rank, -xs->rank, xs->rank);
    }
    int at = (int)(axis < 0 ? axis + xs->rank : axis);
    st = dims_product(c, xs, 0, at, &out.dims[0]);
    if (st == OPS_OK) st = dims_product(c, xs, at, xs->rank, &out.dims[1]);
    if (st != OPS_OK) return st;
  }
  return ops_shape_set(c, 0, x->dtype, &out);
}

enum ops_status ops_shape_infer_dropout(struct ops_infer *c) {
  /* Opset 12 added the optional ratio and training_mode inputs; the mask is bool from opset 10
   * and of the input's type before. */
  enum ops_status st = ops_shape_check_arity(c, 1, 3, 2);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_FLOAT);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  st = ops_shape_set(c, 0, x->dtype, &x->shape);
  if (st != OPS_OK) return st;
  return ops_shape_set(c, 1, c->opset >= 10 ? OPS_DTYPE_BOOL : x->dtype, &x->shape);
}
