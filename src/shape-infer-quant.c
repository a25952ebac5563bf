/*
 * Shape inference of the quantization ops: QuantizeLinear, DequantizeLinear,
 * DynamicQuantizeLinear, MatMulInteger, QLinearMatMul, ConvInteger and QLinearConv.
 *
 * Dtypes follow the ONNX spec: QuantizeLinear's output has its zero point's dtype, or opset 21's
 * output_dtype, or u8 when neither is given; DequantizeLinear's output has its scale's dtype;
 * MatMulInteger and ConvInteger give i32; the QLinear ops give their output zero point's dtype.
 * Shapes are X's (the quantize ops), numpy matmul's, or Conv's (ops_shape_conv_out). Whether a
 * scale's shape fits its axis is checked when binding, where the axis is resolved.
 */
#include <stdint.h>

#include "src/shape-infer-impl.h"

/* The dtypes a quantized tensor may have here. f8, i4 and u4 are not opscope dtypes: a model
 * using them is refused by the loader already. */
static bool is_quant_dtype(enum ops_dtype t) {
  return t == OPS_DTYPE_U8 || t == OPS_DTYPE_I8 || t == OPS_DTYPE_U16 || t == OPS_DTYPE_I16;
}

static enum ops_status need_quant_dtype(const struct ops_infer *c, int i, bool allow_i32) {
  const struct ops_tensor *t = ops_shape_in(c, i);
  if (t == NULL || is_quant_dtype(t->dtype) || (allow_i32 && t->dtype == OPS_DTYPE_I32)) {
    return OPS_OK;
  }
  return ops_shape_fail(c, "input %d '%s' is %s, expected %s", i, t->name, ops_dtype_name(t->dtype),
                        allow_i32 ? "u8, i8, u16, i16 or i32" : "u8, i8, u16 or i16");
}

/* Only 8-bit operands for the integer matmul and conv ops. */
static enum ops_status need_8bit(const struct ops_infer *c, int i) {
  const struct ops_tensor *t = ops_shape_in(c, i);
  if (t == NULL || t->dtype == OPS_DTYPE_U8 || t->dtype == OPS_DTYPE_I8) return OPS_OK;
  return ops_shape_fail(c, "input %d '%s' is %s, expected u8 or i8", i, t->name,
                        ops_dtype_name(t->dtype));
}

static enum ops_status infer_quantize(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 3, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0), *zp = ops_shape_in(c, 2);
  if (x->dtype != OPS_DTYPE_I32 && (st = ops_shape_check_class(c, 0, OPS_CLASS_FLOAT)) != OPS_OK) {
    return st;
  }
  if ((st = ops_shape_check_class(c, 1, OPS_CLASS_FLOAT)) != OPS_OK) return st;
  if ((st = need_quant_dtype(c, 2, false)) != OPS_OK) return st;
  int64_t out_attr;
  st = ops_node_attr_int(c->node, "output_dtype", 0, &out_attr, c->d);
  if (st != OPS_OK) return st;
  enum ops_dtype y = OPS_DTYPE_U8;
  if (out_attr != 0) {
    if (out_attr < 0 || out_attr >= OPS_DTYPE_COUNT || !ops_dtype_valid((int)out_attr) ||
        !is_quant_dtype((enum ops_dtype)out_attr)) {
      return ops_shape_fail(c, "attribute 'output_dtype' is %lld, expected u8, i8, u16 or i16",
                            (long long)out_attr);
    }
    y = (enum ops_dtype)out_attr;
  }
  if (zp != NULL) {
    if (out_attr != 0 && zp->dtype != y) {
      return ops_shape_fail(c, "attribute 'output_dtype' says %s but zero point '%s' is %s",
                            ops_dtype_name(y), zp->name, ops_dtype_name(zp->dtype));
    }
    y = zp->dtype;
  }
  return ops_shape_set(c, 0, y, &x->shape);
}

static enum ops_status infer_dequantize(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 3, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  if ((st = need_quant_dtype(c, 0, true)) != OPS_OK) return st;
  if ((st = ops_shape_check_class(c, 1, OPS_CLASS_FLOAT)) != OPS_OK) return st;
  if ((st = ops_shape_check_same_dtype(c, 0, 2)) != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0), *scale = ops_shape_in(c, 1);
  return ops_shape_set(c, 0, scale->dtype, &x->shape);
}

static enum ops_status infer_dynamic_quantize(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 3);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  if ((st = ops_shape_check_class(c, 0, OPS_CLASS_FLOAT)) != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  struct ops_shape scalar = ops_shape_make(0, NULL);
  st = ops_shape_set(c, 0, OPS_DTYPE_U8, &x->shape);
  if (st == OPS_OK) st = ops_shape_set(c, 1, OPS_DTYPE_F32, &scalar);
  if (st == OPS_OK) st = ops_shape_set(c, 2, OPS_DTYPE_U8, &scalar);
  return st;
}

/* numpy matmul's output shape for A (input ia) and B (input ib). */
static enum ops_status matmul_shape(const struct ops_infer *c, int ia, int ib,
                                    struct ops_shape *out) {
  const struct ops_tensor *a = ops_shape_in(c, ia), *b = ops_shape_in(c, ib);
  if (a->shape.rank < 0 || b->shape.rank < 0) {
    *out = ops_shape_unknown();
    return OPS_OK;
  }
  if (a->shape.rank == 0 || b->shape.rank == 0) {
    return ops_shape_fail(c, "input %d '%s' is a scalar, expected at least 1 dim",
                          a->shape.rank == 0 ? ia : ib, a->shape.rank == 0 ? a->name : b->name);
  }
  /* A 1-D A is a row [1, K] and a 1-D B a column [K, 1]; the added dim is dropped again. */
  struct ops_shape sa = a->shape, sb = b->shape;
  if (sa.rank == 1) sa = ops_shape_make(2, (const int64_t[]){1, a->shape.dims[0]});
  if (sb.rank == 1) sb = ops_shape_make(2, (const int64_t[]){b->shape.dims[0], 1});
  int64_t k1 = sa.dims[sa.rank - 1], k2 = sb.dims[sb.rank - 2];
  if (k1 >= 0 && k2 >= 0 && k1 != k2) {
    return ops_shape_fail(c,
                          "inner dims differ: input %d '%s' %s has K = %lld, input %d '%s' %s "
                          "has K = %lld",
                          ia, a->name, ops_shape_text(&a->shape).s, (long long)k1, ib, b->name,
                          ops_shape_text(&b->shape).s, (long long)k2);
  }
  struct ops_shape ba = ops_shape_make(sa.rank - 2, sa.dims),
                   bb = ops_shape_make(sb.rank - 2, sb.dims);
  const struct ops_shape *batches[2] = {&ba, &bb};
  enum ops_status st =
      ops_shape_broadcast(c, batches, (const int[]){ia, ib}, 2, "batch dims of ", out);
  if (st != OPS_OK) return st;
  if (a->shape.rank >= 2) out->dims[out->rank++] = sa.dims[sa.rank - 2];
  if (b->shape.rank >= 2) out->dims[out->rank++] = sb.dims[sb.rank - 1];
  return OPS_OK;
}

static enum ops_status infer_matmul_integer(struct ops_infer *c) {
  bool qlinear = c->node->op == OPS_OP_QLINEAR_MATMUL;
  enum ops_status st =
      qlinear ? ops_shape_check_arity(c, 8, 8, 1) : ops_shape_check_arity(c, 2, 4, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 8)) return st;
  int ib = qlinear ? 3 : 1;
  if ((st = need_8bit(c, 0)) == OPS_OK) st = need_8bit(c, ib);
  /* Zero points have their operand's dtype. */
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, 0, 2);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, ib, qlinear ? 5 : 3);
  if (st == OPS_OK && qlinear) st = need_8bit(c, 7);
  /* The scales sit at inputs 1, 4 and 6. */
  for (int k = 0; qlinear && st == OPS_OK && k < 3; k++) {
    st = ops_shape_check_class(c, (const int[]){1, 4, 6}[k], OPS_CLASS_FLOAT);
  }
  if (st != OPS_OK) return st;
  struct ops_shape out;
  if ((st = matmul_shape(c, 0, ib, &out)) != OPS_OK) return st;
  return ops_shape_set(c, 0, qlinear ? ops_shape_in(c, 7)->dtype : OPS_DTYPE_I32, &out);
}

static enum ops_status infer_conv_integer(struct ops_infer *c) {
  bool qlinear = c->node->op == OPS_OP_QLINEAR_CONV;
  enum ops_status st =
      qlinear ? ops_shape_check_arity(c, 8, 9, 1) : ops_shape_check_arity(c, 2, 4, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 9)) return st;
  int iw = qlinear ? 3 : 1;
  if ((st = need_8bit(c, 0)) == OPS_OK) st = need_8bit(c, iw);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, 0, 2);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, iw, qlinear ? 5 : 3);
  if (st == OPS_OK && qlinear) st = need_8bit(c, 7);
  /* The scales sit at inputs 1, 4 and 6. */
  for (int k = 0; qlinear && st == OPS_OK && k < 3; k++) {
    st = ops_shape_check_class(c, (const int[]){1, 4, 6}[k], OPS_CLASS_FLOAT);
  }
  const struct ops_tensor *b = qlinear ? ops_shape_in(c, 8) : NULL;
  if (st == OPS_OK && b != NULL && b->dtype != OPS_DTYPE_I32) {
    st = ops_shape_fail(c, "bias '%s' is %s, expected i32", b->name, ops_dtype_name(b->dtype));
  }
  if (st != OPS_OK) return st;
  struct ops_shape out;
  st = ops_shape_conv_out(c, ops_shape_in(c, 0), ops_shape_in(c, iw), b, &out);
  if (st != OPS_OK) return st;
  return ops_shape_set(c, 0, qlinear ? ops_shape_in(c, 7)->dtype : OPS_DTYPE_I32, &out);
}

enum ops_status ops_shape_infer_quant(struct ops_infer *c) {
  switch (c->node->op) {
    case OPS_OP_QUANTIZE_LINEAR:
      return infer_quantize(c);
    case OPS_OP_DEQUANTIZE_LINEAR:
      return infer_dequantize(c);
    case OPS_OP_DYNAMIC_QUANTIZE_LINEAR:
      return infer_dynamic_quantize(c);
    case OPS_OP_MATMUL_INTEGER:
    case OPS_OP_QLINEAR_MATMUL:
      return infer_matmul_integer(c);
    default: /* OPS_OP_CONV_INTEGER, OPS_OP_QLINEAR_CONV, as dispatched */
      return infer_conv_integer(c);
  }
}
