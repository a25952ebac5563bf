/*
 * Binding for the simd and threads units: Gemm, MatMul and Conv on the GEMM driver.
 *
 * The scalar binder validates first (shapes, attributes, auto_pad) so both units refuse the
 * same nodes with the same messages; this file then lays the op out as GEMMs for the GEMM
 * variant kernels/kconfig.c chose, packs constant B matrices (weights) once into the params
 * block, and sizes the per-call scratch (kernels/params-simd.h). One malloc'd block holds the
 * params, the batch maps and the packed weights, so ops_binding_done frees it all.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/bind.h"
#include "compiler/bind-simd-elementwise.h"
#include "compiler/bind-simd-layout.h"
#include "compiler/bind-simd-pool.h"
#include "compiler/compiler-impl.h"
#include "compiler/exec.h"
#include "kernels/drivers/f32-conv-pool.h"
#include "kernels/drivers/f32-gemm.h"
#include "kernels/kconfig.h"
#include "kernels/params-simd.h"
#include "src/size.h"

#define ALIGN 64

static size_t align_up(size_t n) {
  return (n + ALIGN - 1) / ALIGN * ALIGN;
}

/* One zeroed, 64-byte aligned block of `head` bytes of params followed by `tail` bytes. */
static void *alloc_block(const struct bind_ctx *c, size_t head, size_t tail, enum ops_status *st) {
  size_t bytes;
  if (!ops_add_size(align_up(head), tail, &bytes)) {
    *st = node_fail(c, OPS_ERR_NO_MEMORY, "packed weights of %zu bytes are too large", tail);
    return NULL;
  }
  void *p = ops_params_alloc(bytes);
  *st = p == NULL
            ? node_fail(c, OPS_ERR_NO_MEMORY, "out of memory packing weights (%zu bytes)", bytes)
            : OPS_OK;
  return p;
}

/* A fused Relu or Clip becomes the microkernel's clamp, which costs nothing extra; other
 * activations are left to the driver's pass over each output block (*post). */
static void split_act(const struct ops_kact *act, struct ops_f32_minmax_params *clamp,
                      struct ops_kact *post) {
  *clamp = (struct ops_f32_minmax_params){-INFINITY, INFINITY};
  memset(post, 0, sizeof *post);
  if (act->kind == OPS_KACT_RELU) {
    clamp->min = 0.0f;
  } else if (act->kind == OPS_KACT_CLIP) {
    *clamp = (struct ops_f32_minmax_params){act->min, act->max};
  } else {
    *post = *act;
  }
}

static enum ops_status bind_gemm(const struct bind_ctx *c, const struct ops_gemm_params *v,
                                 int threads, struct ops_binding *out) {
  const struct ops_tensor *a = in_t(c, 0), *b = in_t(c, 1), *cc = in_t(c, 2);
  size_t M = (size_t)(v->trans_a ? a->shape.dims[1] : a->shape.dims[0]);
  size_t K = (size_t)(v->trans_a ? a->shape.dims[0] : a->shape.dims[1]);
  size_t N = (size_t)(v->trans_b ? b->shape.dims[0] : b->shape.dims[1]);
  const struct ops_kconfig_gemm *cfg = ops_kconfig_f32_gemm_for_rows(M);
  size_t packed = 0;
  bool b_const = b->data != NULL;
  if (!ops_f32_gemm_packed_b_size(cfg->nr, N, K, &packed)) {
    return node_fail(c, OPS_ERR_NO_MEMORY, "B of [%zu, %zu] is too large to pack", K, N);
  }
  packed = align_up(packed);
  /* beta * C folds into the microkernel's per-column bias when it is a constant row vector and
   * alpha is 1; anything else is applied in a pass after the GEMM. */
  int64_t c_rows = 0, c_cols = 0;
  if (cc != NULL) {
    c_cols = cc->shape.rank >= 1 ? cc->shape.dims[cc->shape.rank - 1] : 1;
    c_rows = cc->shape.rank == 2 ? cc->shape.dims[0] : 1;
  }
  bool bias_fold = cc != NULL && c_rows == 1 && cc->data != NULL && v->alpha == 1.0f;
  bool post = v->alpha != 1.0f || (cc != NULL && !bias_fold);
  size_t bias_bytes = bias_fold ? align_up(N * sizeof(float)) : 0;
  enum ops_status st;
  struct ops_simd_gemm_params *p =
      alloc_block(c, sizeof *p, (b_const ? packed : 0) + bias_bytes, &st);
  if (p == NULL) return st;
  unsigned char *tail = (unsigned char *)p + align_up(sizeof *p);
  p->cfg = cfg;
  p->M = M;
  p->N = N;
  p->K = K;
  p->batch = 1;
  p->trans_a = v->trans_a;
  p->b_k_stride = v->trans_b ? 1 : N;
  p->b_n_stride = v->trans_b ? K : 1;
  p->packed_b_bytes = packed;
  if (b_const) {
    ops_f32_gemm_pack_b(cfg->nr, N, K, b->data, p->b_k_stride, p->b_n_stride, (float *)tail);
    p->packed_b = (const float *)tail;
    tail += packed;
  }
  if (bias_fold) {
    float *bias = (float *)tail;
    const float *cv = cc->data;
    for (size_t n = 0; n < N; n++)
      bias[n] = v->beta * cv[c_cols == 1 ? 0 : n];
    p->bias = bias;
  }
  p->post = post;
  p->alpha = v->alpha;
  p->beta = v->beta;
  p->c_rows = post ? c_rows : 0;
  p->c_cols = post ? c_cols : 0;
  split_act(&v->act, &p->clamp, &p->post_act);
  p->threads = threads;
  out->params = p;
  out->packed_bytes = (b_const ? packed : 0) + bias_bytes;
  out->scratch_bytes = ops_simd_gemm_scratch(p);
  return OPS_OK;
}

/* MatMul: batches broadcast numpy-style; a 1-D A is one row, a 1-D B one column. */
static enum ops_status bind_matmul(const struct bind_ctx *c, int threads, struct ops_binding *out) {
  const struct ops_tensor *a = in_t(c, 0), *b = in_t(c, 1), *y = out_t(c, 0);
  int ra = a->shape.rank, rb = b->shape.rank;
  size_t M = ra >= 2 ? (size_t)a->shape.dims[ra - 2] : 1;
  const struct ops_kconfig_gemm *cfg = ops_kconfig_f32_gemm_for_rows(M);
  size_t K = (size_t)a->shape.dims[ra - 1];
  size_t N = rb >= 2 ? (size_t)b->shape.dims[rb - 1] : 1;
  /* Batch dims: Y's leading dims beyond its matrix part. */
  int yr = y->shape.rank - (ra >= 2 ? 1 : 0) - (rb >= 2 ? 1 : 0);
  int64_t batch = 1, na = 1, nb = 1;
  for (int i = 0; i < yr; i++)
    batch *= y->shape.dims[i];
  for (int i = 0; i < ra - 2; i++)
    na *= a->shape.dims[i];
  for (int i = 0; i < rb - 2; i++)
    nb *= b->shape.dims[i];
  size_t packed = 0;
  if (!ops_f32_gemm_packed_b_size(cfg->nr, N, K, &packed)) {
    return node_fail(c, OPS_ERR_NO_MEMORY, "B of [%zu, %zu] is too large to pack", K, N);
  }
  packed = align_up(packed);
  bool b_const = b->data != NULL;
  size_t maps = align_up(2 * (size_t)batch * sizeof(int64_t)), packed_all = 0;
  if (b_const && !ops_mul_size(packed, (size_t)nb, &packed_all)) {
    return node_fail(c, OPS_ERR_NO_MEMORY, "%" PRId64 " B matrices are too large to pack", nb);
  }
  enum ops_status st;
  struct ops_simd_gemm_params *p = alloc_block(c, sizeof *p, maps + packed_all, &st);
  if (p == NULL) return st;
  unsigned char *tail = (unsigned char *)p + align_up(sizeof *p);
  int64_t *a_index = (int64_t *)tail, *b_index = a_index + batch;
  /* Output batch index -> A and B matrix indices, dims right-aligned, 1 broadcasting. */
  for (int64_t o = 0; o < batch; o++) {
    int64_t rest = o, ai = 0, bi = 0, a_mul = 1, b_mul = 1;
    for (int i = yr - 1; i >= 0; i--) {
      int64_t d = y->shape.dims[i], idx = rest % d;
      rest /= d;
      int ia = i - (yr - (ra - 2)), ib = i - (yr - (rb - 2));
      if (ia >= 0) {
        int64_t da = a->shape.dims[ia];
        ai += (da == 1 ? 0 : idx) * a_mul;
        a_mul *= da;
      }
      if (ib >= 0) {
        int64_t db = b->shape.dims[ib];
        bi += (db == 1 ? 0 : idx) * b_mul;
        b_mul *= db;
      }
    }
    a_index[o] = ai;
    b_index[o] = bi;
  }
  p->cfg = cfg;
  p->M = M;
  p->N = N;
  p->K = K;
  p->batch = batch;
  p->a_index = na > 1 ? a_index : NULL;
  p->b_index = nb > 1 ? b_index : NULL;
  p->b_k_stride = N;
  p->b_n_stride = 1;
  p->packed_b_bytes = packed;
  if (b_const) {
    float *dst = (float *)(tail + maps);
    for (int64_t j = 0; j < nb; j++) {
      ops_f32_gemm_pack_b(cfg->nr, N, K, (const float *)b->data + (size_t)j * K * N, N, 1,
                          (float *)((unsigned char *)dst + (size_t)j * packed));
    }
    p->packed_b = dst;
  }
  p->alpha = 1.0f;
  p->clamp = (struct ops_f32_minmax_params){-INFINITY, INFINITY};
  p->threads = threads;
  out->params = p;
  out->packed_bytes = packed_all;
  out->scratch_bytes = ops_simd_gemm_scratch(p);
  return OPS_OK;
}

static enum ops_status bind_conv(const struct bind_ctx *c, const struct ops_conv_params *v,
                                 int threads, struct ops_binding *out) {
  const struct ops_tensor *x = in_t(c, 0), *w = in_t(c, 1), *y = out_t(c, 0);
  /* With a fused MaxPool the GEMM runs over the conv's own output, v->mid, not Y. */
  const bool pooled = v->pool.spatial != 0;
  const int64_t *yd = pooled ? v->mid.d : y->shape.dims;
  size_t mg = (size_t)(yd[1] / v->group), kg = (size_t)w->shape.dims[1], pix = 1;
  bool direct = !pooled;
  for (int s = 0; s < v->spatial; s++) {
    kg *= (size_t)w->shape.dims[2 + s];
    pix *= (size_t)yd[2 + s];
    direct = direct && w->shape.dims[2 + s] == 1 && v->strides[s] == 1 && v->pads_begin[s] == 0 &&
             v->pads_end[s] == 0;
  }
  bool depthwise = !pooled && v->spatial == 2 && w->shape.dims[1] == 1 && mg == 1 &&
                   v->group == x->shape.dims[1];
  /* Small output planes against many channels (a late CNN layer's 7x7 against 512) waste
   * vector lanes along the pixels; with constant weights, pack W once as the packed operand
   * and let the driver compute Y^T = cols^T W^T with the vectors along the channels. */
  bool transposed = false;
  const struct ops_kconfig_gemm *cfg =
      ops_f32_conv_gemm_config(mg, pix, kg, !depthwise && w->data != NULL, &transposed);
  size_t packed_one = 0, packed_all = 0;
  if (transposed && (!ops_f32_gemm_packed_b_size(cfg->nr, mg, kg, &packed_one) ||
                     !ops_mul_size(align_up(packed_one), (size_t)v->group, &packed_all))) {
    return node_fail(c, OPS_ERR_NO_MEMORY,
                     "weights of %" PRId64 " x [%zu, %zu] are too large to pack", v->group, mg, kg);
  }
  enum ops_status st;
  struct ops_simd_conv_params *p = alloc_block(c, sizeof *p, packed_all, &st);
  if (p == NULL) return st;
  if (transposed) {
    p->packed_w_offset = align_up(sizeof *p);
    p->packed_w_bytes = align_up(packed_one);
    for (int64_t g = 0; g < v->group; g++) {
      unsigned char *dst = (unsigned char *)p + p->packed_w_offset + (size_t)g * p->packed_w_bytes;
      ops_f32_gemm_pack_b(cfg->nr, mg, kg, (const float *)w->data + (size_t)g * mg * kg, 1, kg,
                          (float *)dst);
    }
  }
  p->cfg = cfg;
  p->conv = *v;
  p->Mg = mg;
  p->Kg = kg;
  p->P = pix;
  p->direct = direct;
  p->threads = threads;
  if (depthwise) {
    /* Depthwise: the padded plane holds the input, its pads, and the vector steps' reach. */
    p->dw = ops_kconfig_f32_dwconv();
    p->geom = (struct ops_dwconv_geom){(size_t)w->shape.dims[2], (size_t)w->shape.dims[3],
                                       (size_t)v->strides[0],    (size_t)v->strides[1],
                                       (size_t)v->dilations[0],  (size_t)v->dilations[1]};
    size_t oh = (size_t)y->shape.dims[2], ow = (size_t)y->shape.dims[3];
    size_t rows = (oh - 1) * p->geom.sy + (p->geom.kh - 1) * p->geom.dy + 1;
    size_t min_rows = (size_t)(x->shape.dims[2] + v->pads_begin[0]);
    p->padded_h = oh == 0 ? 0 : (rows > min_rows ? rows : min_rows);
    p->padded_w = ops_dwconv_padded_width(ow, p->dw->lanes, &p->geom,
                                          (size_t)(x->shape.dims[3] + v->pads_begin[1]));
    /* 3x3 with stride 1 or 2 reads the plane unpadded where the ISA has that microkernel. */
    p->dw3x3 = ops_kconfig_f32_dwconv3x3(&p->geom);
  }
  split_act(&v->act, &p->clamp, &p->post_act);
  if (pooled) {
    p->pool.cfg = ops_kconfig_f32_pool();
    ops_simd_pool_layout(&v->pool, &v->mid.d[2], &y->shape.dims[2], &p->pool);
    if (!ops_f32_conv_pool_plan(p)) {
      ops_params_free(p);
      return node_fail(c, OPS_ERR_NO_MEMORY,
                       "the conv's bands before its fused MaxPool are too large");
    }
  }
  out->params = p;
  out->packed_bytes = packed_all;
  out->scratch_bytes = ops_simd_conv_scratch(p);
  return OPS_OK;
}

enum ops_status ops_bind_simd(const struct ops_graph *g, const struct ops_node *node, int unit,
                              struct ops_binding *out, struct ops_diag *d) {
  memset(out, 0, sizeof *out);
  struct bind_ctx c = {.g = g, .node = node, .d = d};
  const struct ops_kernel_entry *k =
      ops_registry_find(node->op_type, OPSCOPE_UNIT_SIMD, (int)ops_node_key_dtype(g, node));
  if (k == NULL) {
    return node_fail(&c, OPS_ERR_UNSUPPORTED, "no %s kernel for this op and dtype",
                     opscope_unit_name(unit));
  }
  const int threads = unit == OPSCOPE_UNIT_THREADS ? ops_exec_pool_threads() : 1;
  /* The scalar binder is the validator: the same checks and messages on every unit. */
  struct ops_binding ref;
  enum ops_status st = ops_bind_scalar(g, node, &ref, d);
  if (st != OPS_OK) return st;
  switch (node->op) {
    case OPS_OP_GEMM:
      st = bind_gemm(&c, ref.params, threads, out);
      break;
    case OPS_OP_MATMUL:
      st = bind_matmul(&c, threads, out);
      break;
    case OPS_OP_CONV:
      st = bind_conv(&c, ref.params, threads, out);
      break;
    /* compiler/bind-simd-elementwise.c */
    case OPS_OP_ADD:
    case OPS_OP_SUB:
    case OPS_OP_MUL:
    case OPS_OP_DIV:
    case OPS_OP_POW:
    case OPS_OP_MAX:
    case OPS_OP_MIN:
    case OPS_OP_RELU:
    case OPS_OP_LEAKY_RELU:
    case OPS_OP_CLIP:
    case OPS_OP_NEG:
    case OPS_OP_ABS:
    case OPS_OP_SQRT:
    case OPS_OP_EXP:
    case OPS_OP_SIGMOID:
    case OPS_OP_TANH:
    case OPS_OP_ERF:
    case OPS_OP_GELU:
    case OPS_OP_HARD_SIGMOID:
    case OPS_OP_HARD_SWISH:
    case OPS_OP_SOFTMAX:
    case OPS_OP_LOG_SOFTMAX:
    case OPS_OP_REDUCE_SUM:
    case OPS_OP_REDUCE_MEAN:
    case OPS_OP_LAYER_NORMALIZATION:
      st = ops_bind_simd_elementwise(&c, ref.params, out);
      break;
    /* compiler/bind-simd-pool.c */
    case OPS_OP_MAX_POOL:
    case OPS_OP_AVERAGE_POOL:
    case OPS_OP_GLOBAL_MAX_POOL:
    case OPS_OP_GLOBAL_AVERAGE_POOL:
      st = ops_bind_simd_pool(&c, ref.params, out);
      break;
    /* compiler/bind-simd-layout.c */
    case OPS_OP_TRANSPOSE:
    case OPS_OP_CONCAT:
    case OPS_OP_SLICE:
    case OPS_OP_RESHAPE:
    case OPS_OP_FLATTEN:
    case OPS_OP_SQUEEZE:
    case OPS_OP_UNSQUEEZE:
    case OPS_OP_IDENTITY:
      st = ops_bind_simd_layout(&c, ref.params, out);
      break;
    default:
      st = node_fail(&c, OPS_ERR_UNSUPPORTED, "the %s binder does not know this op",
                     opscope_unit_name(unit));
      break;
  }
  ops_binding_done(&ref);
  if (st != OPS_OK) {
    ops_binding_done(out);
    return st;
  }
  out->kernel = k;
  return OPS_OK;
}
