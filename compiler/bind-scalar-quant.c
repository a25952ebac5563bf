/*
 * Binding the quantization ops to the scalar unit: checks what their kernels
 * (kernels/scalar/quant.c, quant-matmul.c, quant-conv.c) rely on and fills their params.
 *
 * The kernels tell a per-tensor scale or zero point from a per-axis (per-row, per-column,
 * per-channel) one by its element count, so this file checks that every such input has exactly
 * one of the shapes the op allows. Scales must be f32 (the f16 and bf16 scales of opset 19 are
 * refused by name), and zero points the dtype of the tensor they belong to. As everywhere in the
 * binder, output dims are recomputed and compared with the inferred ones.
 */
#include "compiler/bind-scalar-quant.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernels/kernel.h"
#include "kernels/params.h"
#include "compiler/compiler-impl.h"

static int64_t numel_of(const struct ops_tensor *t) {
  int64_t n = 0;
  ops_tensor_numel(t, &n); /* known and in range: the common checks made sure */
  return n;
}

/* A scale input: f32, with `role` naming it in messages. */
static enum ops_status need_scale(const struct bind_ctx *c, int i, const char *role,
                                  const struct ops_tensor **t) {
  enum ops_status st = need_in(c, i, role, t);
  if (st != OPS_OK) return st;
  if ((*t)->dtype != OPS_DTYPE_F32) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "%s '%s' is %s; the scalar kernels take f32 scales",
                     role, (*t)->name, ops_dtype_name((*t)->dtype));
  }
  return OPS_OK;
}

/* A per-tensor or per-`what` input: one element, or rank 1 with `each` elements. */
static enum ops_status need_one_or_each(const struct bind_ctx *c, const struct ops_tensor *t,
                                        const char *role, int64_t each, const char *what) {
  if (t == NULL) return OPS_OK;
  int64_t n = numel_of(t);
  if ((t->shape.rank <= 1 && n == 1) || (t->shape.rank == 1 && n == each)) return OPS_OK;
  char s[160];
  if (t->shape.rank > 1) {
    return node_fail(c, OPS_ERR_UNSUPPORTED,
                     "%s '%s' has shape %s; only a scalar or one value per %s (%" PRId64
                     ") is supported",
                     role, t->name, ops_shape_format(&t->shape, s, sizeof s), what, each);
  }
  return node_fail(c, OPS_ERR_BAD_INPUT,
                   "%s '%s' has shape %s, expected one value or one per %s (%" PRId64 ")", role,
                   t->name, ops_shape_format(&t->shape, s, sizeof s), what, each);
}

/* A scalar input (rank 0, or rank 1 of one element as exporters also write). */
static enum ops_status need_scalar(const struct bind_ctx *c, const struct ops_tensor *t,
                                   const char *role) {
  if (t == NULL || (t->shape.rank <= 1 && numel_of(t) == 1)) return OPS_OK;
  char s[160];
  return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' has shape %s, expected a scalar", role, t->name,
                   ops_shape_format(&t->shape, s, sizeof s));
}

static bool is_quant_out(enum ops_dtype t, bool wide) {
  return t == OPS_DTYPE_U8 || t == OPS_DTYPE_I8 ||
         (wide && (t == OPS_DTYPE_U16 || t == OPS_DTYPE_I16));
}

/* ---- QuantizeLinear, DequantizeLinear ---- */

static enum ops_status bind_quantize(const struct bind_ctx *c, void **params) {
  bool quantize = c->node->op == OPS_OP_QUANTIZE_LINEAR;
  const struct ops_tensor *x = in_t(c, 0), *scale, *zp = in_t(c, 2), *y = out_t(c, 0);
  enum ops_status st = need_scale(c, 1, quantize ? "y_scale" : "x_scale", &scale);
  if (st != OPS_OK) return st;
  if (quantize) {
    if (!is_quant_out(y->dtype, true)) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "output '%s' is %s; the scalar kernel writes u8, i8, u16 or i16", y->name,
                       ops_dtype_name(y->dtype));
    }
    if (zp != NULL && (st = need_dtype(c, zp, y->dtype)) != OPS_OK) return st;
  } else {
    if (zp != NULL && (st = need_dtype(c, zp, x->dtype)) != OPS_OK) return st;
    if ((st = need_dtype(c, y, OPS_DTYPE_F32)) != OPS_OK) return st;
  }
  if ((st = expect_same_dims(c, y, x)) != OPS_OK) return st;

  int64_t axis, block;
  if ((st = ops_node_attr_int(c->node, "axis", 1, &axis, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_int(c->node, "block_size", 0, &block, c->d)) != OPS_OK) return st;
  if (block < 0) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'block_size' is %" PRId64 ", expected >= 0",
                     block);
  }
  struct ops_quant_params q = {.axis = 0, .block = 1, .blocked = false};
  int rank = x->shape.rank;
  const struct ops_shape *ss = &scale->shape;
  char s1[160], s2[160];
  if (block == 0 && ss->rank <= 1 && numel_of(scale) == 1) {
    /* Per tensor: the axis attribute is ignored, as the spec says. */
    q.block = rank > 0 && x->shape.dims[0] > 1 ? x->shape.dims[0] : 1;
  } else if (block == 0 && ss->rank == 1) {
    if ((st = norm_axis(c, axis, rank, "axis", &q.axis)) != OPS_OK) return st;
    if (ss->dims[0] != x->shape.dims[q.axis]) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "scale '%s' has %" PRId64 " values, but axis %d of '%s' %s has %" PRId64,
                       scale->name, ss->dims[0], q.axis, x->name,
                       ops_shape_format(&x->shape, s1, sizeof s1), x->shape.dims[q.axis]);
    }
  } else if (block > 0) {
    /* Blocked (opset 21): scale has X's rank, and ceil(D / block_size) entries on the axis. */
    if ((st = norm_axis(c, axis, rank, "axis", &q.axis)) != OPS_OK) return st;
    q.block = block;
    q.blocked = true;
    bool ok = ss->rank == rank;
    for (int i = 0; ok && i < rank; i++) {
      int64_t d = x->shape.dims[i];
      ok = ss->dims[i] == (i == q.axis ? d / block + (d % block != 0) : d);
    }
    if (!ok) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "scale '%s' %s does not fit '%s' %s blocked by %" PRId64 " on axis %d",
                       scale->name, ops_shape_format(ss, s1, sizeof s1), x->name,
                       ops_shape_format(&x->shape, s2, sizeof s2), block, q.axis);
    }
  } else {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "scale '%s' has shape %s: without block_size it must be a scalar or 1-D",
                     scale->name, ops_shape_format(ss, s1, sizeof s1));
  }
  /* The zero point is indexed as the scale is. */
  if (zp != NULL && !(numel_of(zp) == 1 && numel_of(scale) == 1) &&
      !ops_shape_equal(&zp->shape, ss)) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "zero point '%s' %s does not match scale '%s' %s",
                     zp->name, ops_shape_format(&zp->shape, s1, sizeof s1), scale->name,
                     ops_shape_format(ss, s2, sizeof s2));
  }
  struct ops_quant_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  *p = q;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_dynamic_quantize(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  const struct ops_tensor *scale = out_t(c, 1), *zp = out_t(c, 2);
  enum ops_status st;
  if (c->node->n_outputs > 3) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "has %d outputs, expected 3", c->node->n_outputs);
  }
  if ((st = need_dtype(c, y, OPS_DTYPE_U8)) != OPS_OK) return st;
  if ((st = expect_same_dims(c, y, x)) != OPS_OK) return st;
  if (scale != NULL) {
    if ((st = need_dtype(c, scale, OPS_DTYPE_F32)) != OPS_OK) return st;
    if ((st = expect_dims(c, scale, 0, NULL)) != OPS_OK) return st;
  }
  if (zp != NULL) {
    if ((st = need_dtype(c, zp, OPS_DTYPE_U8)) != OPS_OK) return st;
    if ((st = expect_dims(c, zp, 0, NULL)) != OPS_OK) return st;
  }
  return OPS_OK;
}

/* ---- MatMulInteger, QLinearMatMul ---- */

/* numpy matmul's output dims for A and B into want[0..*rank). */
static enum ops_status matmul_dims(const struct bind_ctx *c, const struct ops_tensor *a,
                                   const struct ops_tensor *b, int64_t *want, int *rank) {
  int ra = a->shape.rank, rb = b->shape.rank;
  char sa[160], sb[160];
  if (ra < 1 || rb < 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "operands need rank >= 1, got %d and %d", ra, rb);
  }
  int64_t k = a->shape.dims[ra - 1], kb = rb == 1 ? b->shape.dims[0] : b->shape.dims[rb - 2];
  if (k != kb) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "inner dims differ: A %s, B %s",
                     ops_shape_format(&a->shape, sa, sizeof sa),
                     ops_shape_format(&b->shape, sb, sizeof sb));
  }
  int na = ra > 2 ? ra - 2 : 0, nb = rb > 2 ? rb - 2 : 0, r = na > nb ? na : nb;
  for (int i = 0; i < r; i++) {
    int ia = i - (r - na), ib = i - (r - nb);
    int64_t da = ia >= 0 ? a->shape.dims[ia] : 1, db = ib >= 0 ? b->shape.dims[ib] : 1;
    if (da != db && da != 1 && db != 1) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "cannot broadcast the batch dims of A %s and B %s",
                       ops_shape_format(&a->shape, sa, sizeof sa),
                       ops_shape_format(&b->shape, sb, sizeof sb));
    }
    want[i] = da == 1 ? db : da;
  }
  if (ra >= 2) want[r++] = a->shape.dims[ra - 2];
  if (rb >= 2) want[r++] = b->shape.dims[rb - 1];
  if (r > OPS_KMAX_RANK) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "the output would have rank %d", r);
  }
  *rank = r;
  return OPS_OK;
}

/* The second operand of the integer matmul and conv ops: u8 or i8, like the first. */
static enum ops_status need_8bit(const struct bind_ctx *c, const struct ops_tensor *t) {
  if (t->dtype == OPS_DTYPE_U8 || t->dtype == OPS_DTYPE_I8) return OPS_OK;
  return node_fail(c, OPS_ERR_UNSUPPORTED, "'%s' is %s; the scalar kernels take u8 or i8", t->name,
                   ops_dtype_name(t->dtype));
}

static enum ops_status bind_matmul_integer(const struct bind_ctx *c) {
  bool qlinear = c->node->op == OPS_OP_QLINEAR_MATMUL;
  const struct ops_tensor *a = in_t(c, 0), *b, *y = out_t(c, 0);
  const struct ops_tensor *a_zp = in_t(c, 2), *b_zp = in_t(c, qlinear ? 5 : 3);
  const struct ops_tensor *a_scale = NULL, *b_scale = NULL, *y_scale = NULL, *y_zp = NULL;
  enum ops_status st;
  if ((st = need_in(c, qlinear ? 3 : 1, "B", &b)) != OPS_OK) return st;
  if ((st = need_8bit(c, b)) != OPS_OK) return st;
  if (a_zp != NULL && (st = need_dtype(c, a_zp, a->dtype)) != OPS_OK) return st;
  if (b_zp != NULL && (st = need_dtype(c, b_zp, b->dtype)) != OPS_OK) return st;
  if (qlinear) {
    if ((st = need_scale(c, 1, "a_scale", &a_scale)) != OPS_OK) return st;
    if ((st = need_scale(c, 4, "b_scale", &b_scale)) != OPS_OK) return st;
    if ((st = need_scale(c, 6, "y_scale", &y_scale)) != OPS_OK) return st;
    if ((st = need_in(c, 7, "y_zero_point", &y_zp)) != OPS_OK) return st;
    if ((st = need_8bit(c, y_zp)) != OPS_OK) return st;
    if ((st = need_dtype(c, y, y_zp->dtype)) != OPS_OK) return st;
  } else if ((st = need_dtype(c, y, OPS_DTYPE_I32)) != OPS_OK) {
    return st;
  }
  int64_t want[OPS_KMAX_RANK];
  int r = 0;
  if ((st = matmul_dims(c, a, b, want, &r)) != OPS_OK) return st;
  if ((st = expect_dims(c, y, r, want)) != OPS_OK) return st;
  int64_t m = a->shape.rank >= 2 ? a->shape.dims[a->shape.rank - 2] : 1;
  int64_t n = b->shape.rank >= 2 ? b->shape.dims[b->shape.rank - 1] : 1;
  if ((st = need_one_or_each(c, a_zp, "a_zero_point", m, "row of A")) != OPS_OK) return st;
  if ((st = need_one_or_each(c, b_zp, "b_zero_point", n, "column of B")) != OPS_OK) return st;
  if ((st = need_one_or_each(c, a_scale, "a_scale", m, "row of A")) != OPS_OK) return st;
  if ((st = need_one_or_each(c, b_scale, "b_scale", n, "column of B")) != OPS_OK) return st;
  if ((st = need_scalar(c, y_scale, "y_scale")) != OPS_OK) return st;
  return need_scalar(c, y_zp, "y_zero_point");
}

/* ---- ConvInteger, QLinearConv ---- */

static enum ops_status bind_conv_integer(const struct bind_ctx *c, void **params) {
  bool qlinear = c->node->op == OPS_OP_QLINEAR_CONV;
  const struct ops_tensor *x = in_t(c, 0), *w, *y = out_t(c, 0);
  const struct ops_tensor *x_zp = in_t(c, 2), *w_zp = in_t(c, qlinear ? 5 : 3);
  const struct ops_tensor *x_scale = NULL, *w_scale = NULL, *y_scale = NULL, *y_zp = NULL;
  const struct ops_tensor *bias = qlinear ? in_t(c, 8) : NULL;
  enum ops_status st;
  if ((st = need_in(c, qlinear ? 3 : 1, "W", &w)) != OPS_OK) return st;
  if ((st = need_8bit(c, w)) != OPS_OK) return st;
  if (x_zp != NULL && (st = need_dtype(c, x_zp, x->dtype)) != OPS_OK) return st;
  if (w_zp != NULL && (st = need_dtype(c, w_zp, w->dtype)) != OPS_OK) return st;
  if (qlinear) {
    if ((st = need_scale(c, 1, "x_scale", &x_scale)) != OPS_OK) return st;
    if ((st = need_scale(c, 4, "w_scale", &w_scale)) != OPS_OK) return st;
    if ((st = need_scale(c, 6, "y_scale", &y_scale)) != OPS_OK) return st;
    if ((st = need_in(c, 7, "y_zero_point", &y_zp)) != OPS_OK) return st;
    if ((st = need_8bit(c, y_zp)) != OPS_OK) return st;
    if ((st = need_dtype(c, y, y_zp->dtype)) != OPS_OK) return st;
    if (bias != NULL && (st = need_dtype(c, bias, OPS_DTYPE_I32)) != OPS_OK) return st;
  } else if ((st = need_dtype(c, y, OPS_DTYPE_I32)) != OPS_OK) {
    return st;
  }
  /* Ranks, group, bias shape and window; also leaves y's dims checked. */
  if ((st = ops_bind_conv_window(c, x, w, bias, params)) != OPS_OK) return st;
  int64_t m = w->shape.dims[0];
  if ((st = need_scalar(c, x_zp, "x_zero_point")) == OPS_OK &&
      (st = need_one_or_each(c, w_zp, "w_zero_point", m, "output channel")) == OPS_OK &&
      (st = need_scalar(c, x_scale, "x_scale")) == OPS_OK &&
      (st = need_one_or_each(c, w_scale, "w_scale", m, "output channel")) == OPS_OK &&
      (st = need_scalar(c, y_scale, "y_scale")) == OPS_OK) {
    st = need_scalar(c, y_zp, "y_zero_point");
  }
  return st;
}

enum ops_status ops_bind_scalar_quant(const struct ops_graph *g, const struct ops_node *node,
                                      struct ops_diag *d, void **params) {
  struct bind_ctx c = {.g = g, .node = node, .d = d};
  *params = NULL;
  switch (node->op) {
    case OPS_OP_QUANTIZE_LINEAR:
    case OPS_OP_DEQUANTIZE_LINEAR:
      return bind_quantize(&c, params);
    case OPS_OP_DYNAMIC_QUANTIZE_LINEAR:
      return bind_dynamic_quantize(&c);
    case OPS_OP_MATMUL_INTEGER:
    case OPS_OP_QLINEAR_MATMUL:
      return bind_matmul_integer(&c);
    case OPS_OP_CONV_INTEGER:
    case OPS_OP_QLINEAR_CONV:
      return bind_conv_integer(&c, params);
    default:
      return node_fail(&c, OPS_ERR_UNSUPPORTED, "not a quantization op");
  }
}
