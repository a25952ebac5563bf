/*
 * Binding of the element-wise, Softmax and reduction kernels of the simd and threads units.
 *
 * Binary ops: the operands' numpy broadcast is resolved here into per-dim strides (0 where an
 * operand repeats), dims of 1 are dropped, and neighbouring dims are merged wherever both
 * operands step through them as one, so [1, 128, 128] + [128] becomes 128 rows of 128 with b
 * repeating, and an equal-shape add becomes one run. The innermost merged dim is the run the
 * microkernel sees; the rest is the driver's per-row odometer. Every other op is rows of `inner`
 * contiguous elements (a unary op: one row of everything).
 */
#include "compiler/bind-simd-elementwise.h"

#include <math.h>
#include <stdlib.h>

#include "kernels/params-simd-elementwise.h"
#include "kernels/params.h"
#include "planner/simd-caps-elementwise.h"

static bool numel_of(const struct ops_tensor *t, size_t *out) {
  int64_t n;
  if (!ops_tensor_numel(t, &n) || n < 0) return false;
  *out = (size_t)n;
  return true;
}

/* Strides (elements) of operand t read at each of y's `rank` dims, right-aligned: 0 where t's
 * dim is 1 or absent. */
static void bcast_strides(const struct ops_tensor *t, int rank, int64_t *s) {
  int64_t stride = 1;
  int off = rank - t->shape.rank;
  for (int i = rank - 1; i >= 0; i--) {
    int k = i - off;
    int64_t d = k >= 0 ? t->shape.dims[k] : 1;
    s[i] = d == 1 ? 0 : stride;
    stride *= d;
  }
}

static enum ops_status layout_binary(const struct bind_ctx *c, struct ops_simd_ew_params *p) {
  const struct ops_tensor *a = in_t(c, 0), *b = in_t(c, 1), *y = out_t(c, 0);
  int rank = y->shape.rank;
  if (rank > OPS_KMAX_RANK) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "output rank %d is above the kernels' %d", rank,
                     OPS_KMAX_RANK);
  }
  int64_t sa[OPS_KMAX_RANK], sb[OPS_KMAX_RANK];
  bcast_strides(a, rank, sa);
  bcast_strides(b, rank, sb);
  int64_t d[OPS_KMAX_RANK], ma[OPS_KMAX_RANK], mb[OPS_KMAX_RANK];
  int k = 0;
  for (int i = 0; i < rank; i++) {
    int64_t n = y->shape.dims[i];
    if (n == 1) continue;
    if (n == 0) {
      p->rows = 0;
      return OPS_OK;
    }
    if (k > 0 && ma[k - 1] == sa[i] * n && mb[k - 1] == sb[i] * n) {
      d[k - 1] *= n;
      ma[k - 1] = sa[i];
      mb[k - 1] = sb[i];
      continue;
    }
    d[k] = n;
    ma[k] = sa[i];
    mb[k] = sb[i];
    k++;
  }
  if (k == 0) {
    p->rows = 1;
    p->inner = 1;
    p->mode = OPS_VBINARY_VV;
    return OPS_OK;
  }
  /* The innermost dim has a contiguous operand (a dim of y > 1 comes from one of them), and
   * each operand's stride there is 1 or 0. */
  int64_t ia = ma[k - 1], ib = mb[k - 1];
  p->mode = ia == 1 && ib == 1 ? OPS_VBINARY_VV : (ia == 1 ? OPS_VBINARY_VS : OPS_VBINARY_SV);
  p->inner = (size_t)d[k - 1];
  p->outer_rank = k - 1;
  size_t rows = 1;
  for (int i = 0; i < k - 1; i++) {
    p->outer[i] = d[i];
    p->a_step[i] = ma[i];
    p->b_step[i] = mb[i];
    rows *= (size_t)d[i]; /* y's element count, which the scalar binder checked */
  }
  p->rows = rows;
  return OPS_OK;
}

static bool binary_op(enum ops_op op, enum ops_vbinary_op *out) {
  switch (op) {
    case OPS_OP_ADD:
      *out = OPS_VBINARY_ADD;
      return true;
    case OPS_OP_SUB:
      *out = OPS_VBINARY_SUB;
      return true;
    case OPS_OP_MUL:
      *out = OPS_VBINARY_MUL;
      return true;
    case OPS_OP_DIV:
      *out = OPS_VBINARY_DIV;
      return true;
    case OPS_OP_MAX:
      *out = OPS_VBINARY_MAX;
      return true;
    case OPS_OP_MIN:
      *out = OPS_VBINARY_MIN;
      return true;
    default:
      return false;
  }
}

static bool unary_op(enum ops_op op, enum ops_vunary_op *out) {
  static const struct {
    enum ops_op op;
    enum ops_vunary_op uop;
  } map[] = {
      {OPS_OP_RELU, OPS_VUNARY_RELU},
      {OPS_OP_LEAKY_RELU, OPS_VUNARY_LEAKY_RELU},
      {OPS_OP_CLIP, OPS_VUNARY_CLIP},
      {OPS_OP_NEG, OPS_VUNARY_NEG},
      {OPS_OP_ABS, OPS_VUNARY_ABS},
      {OPS_OP_SQRT, OPS_VUNARY_SQRT},
      {OPS_OP_EXP, OPS_VUNARY_EXP},
      {OPS_OP_SIGMOID, OPS_VUNARY_SIGMOID},
      {OPS_OP_TANH, OPS_VUNARY_TANH},
      {OPS_OP_ERF, OPS_VUNARY_ERF},
      {OPS_OP_GELU, OPS_VUNARY_GELU},
      {OPS_OP_HARD_SIGMOID, OPS_VUNARY_HARD_SIGMOID},
      {OPS_OP_HARD_SWISH, OPS_VUNARY_HARD_SWISH},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    if (map[i].op == op) {
      *out = map[i].uop;
      return true;
    }
  }
  return false;
}

static enum ops_status layout(const struct bind_ctx *c, const void *ref,
                              struct ops_simd_ew_params *p) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  size_t nx, ny;
  if (!numel_of(x, &nx) || !numel_of(y, &ny)) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input or output has an unknown or too large shape");
  }
  enum ops_op op = c->node->op;
  if (binary_op(op, &p->bop)) {
    p->kind = OPS_SIMD_EW_BINARY;
    return layout_binary(c, p);
  }
  p->rows = nx == 0 ? 0 : 1;
  p->inner = nx;
  if (op == OPS_OP_POW) {
    /* ops_simd_caps_elementwise accepted only 2 and 0.5, with y of x's shape. */
    double e = ops_simd_caps_pow_exponent(c->g, c->node);
    p->kind = e == 2.0 ? OPS_SIMD_EW_SQUARE : OPS_SIMD_EW_UNARY;
    p->uop = OPS_VUNARY_POW_HALF;
    return OPS_OK;
  }
  if (unary_op(op, &p->uop)) {
    p->kind = OPS_SIMD_EW_UNARY;
    if (op == OPS_OP_CLIP) {
      const struct ops_clip_params *v = ref;
      p->up.lo = v->min;
      p->up.hi = v->max;
    } else if (op == OPS_OP_LEAKY_RELU || op == OPS_OP_HARD_SIGMOID || op == OPS_OP_HARD_SWISH) {
      const struct ops_activation_params *v = ref;
      p->up.alpha = v->alpha;
      p->up.beta = v->beta;
    } else if (op == OPS_OP_GELU && ((const struct ops_activation_params *)ref)->tanh_approx) {
      p->uop = OPS_VUNARY_GELU_TANH;
    }
    return OPS_OK;
  }
  if (op == OPS_OP_SOFTMAX || op == OPS_OP_LOG_SOFTMAX) {
    const struct ops_softmax_params *v = ref;
    p->kind = op == OPS_OP_SOFTMAX ? OPS_SIMD_EW_SOFTMAX : OPS_SIMD_EW_LOG_SOFTMAX;
    size_t len = 1;
    /* Coerced (opset < 13) rows span every dim from axis on; otherwise caps checked that the
     * dims after axis are 1, so the same product is the axis's length. */
    for (int i = v->axis; i < x->shape.rank; i++)
      len *= (size_t)x->shape.dims[i];
    p->inner = len;
    p->rows = len == 0 ? 0 : nx / len;
    return OPS_OK;
  }
  if (op == OPS_OP_REDUCE_SUM || op == OPS_OP_REDUCE_MEAN) {
    const struct ops_reduce_params *v = ref;
    p->kind = op == OPS_OP_REDUCE_SUM ? OPS_SIMD_EW_REDUCE_SUM : OPS_SIMD_EW_REDUCE_MEAN;
    size_t len = 1;
    int first = x->shape.rank;
    while (first > 0 && (v->axes_mask & (1u << (first - 1))) != 0)
      first--;
    for (int i = first; i < x->shape.rank; i++)
      len *= (size_t)x->shape.dims[i];
    uint32_t want = ((1u << x->shape.rank) - 1u) & ~((1u << first) - 1u);
    if (first == x->shape.rank || v->axes_mask != want) {
      /* Not a trailing run of axes: caps should have refused it. */
      return node_fail(c, OPS_ERR_UNSUPPORTED, "the SIMD reduction takes trailing axes only");
    }
    p->inner = len;
    p->rows = ny;
    return OPS_OK;
  }
  if (op == OPS_OP_LAYER_NORMALIZATION) {
    /* Caps checked that Scale and B hold the normalized dims' full shape. */
    const struct ops_norm_params *v = ref;
    p->kind = OPS_SIMD_EW_LAYER_NORM;
    p->epsilon = v->epsilon;
    size_t len = 1;
    for (int i = v->axis; i < x->shape.rank; i++)
      len *= (size_t)x->shape.dims[i];
    p->inner = len;
    p->rows = len == 0 ? 0 : nx / len;
    return OPS_OK;
  }
  return node_fail(c, OPS_ERR_UNSUPPORTED, "no SIMD element-wise kernel for this op");
}

enum ops_status ops_bind_simd_elementwise(const struct bind_ctx *c, const void *ref_params,
                                          struct ops_binding *out) {
  char why[OPS_DIAG_MAX];
  why[0] = '\0';
  if (!ops_simd_caps_elementwise(c->g, c->node, why, sizeof why)) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "%s", why);
  }
  enum ops_status st;
  struct ops_simd_ew_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->cfg = ops_kconfig_f32_vector();
  p->up.lo = -INFINITY;
  p->up.hi = INFINITY;
  if ((st = layout(c, ref_params, p)) != OPS_OK) {
    ops_params_free(p);
    return st;
  }
  out->params = p;
  out->scratch_bytes = 0;
  return OPS_OK;
}
