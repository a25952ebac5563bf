/*
 * Binding of the SIMD data-movement kernels (see bind-simd-layout.h). Transpose does its
 * planning here, once: it drops dims of size 1, merges input dims that stay adjacent in the
 * output, and picks the kind of copy (kernels/params-simd-layout.h), so the kernel only walks.
 */
#include "compiler/bind-simd-layout.h"

#include <stdlib.h>
#include <string.h>

#include "kernels/params-simd-layout.h"
#include "src/dtype.h"

static enum ops_status element_size(const struct bind_ctx *c, const struct ops_tensor *t,
                                    size_t *es) {
  *es = ops_dtype_size(t->dtype);
  if (*es == 1 || *es == 2 || *es == 4 || *es == 8) return OPS_OK;
  return node_fail(c, OPS_ERR_UNSUPPORTED,
                   "'%s' has %s elements, which the SIMD kernel cannot move", t->name,
                   ops_dtype_name(t->dtype));
}

static void plan_transpose(const struct ops_tensor *x, const int *perm,
                           struct ops_simd_transpose_params *p) {
  int rank = x->shape.rank;
  /* Dims of size 1 move nothing. */
  int newidx[OPS_KMAX_RANK], kept = 0;
  int64_t kd[OPS_KMAX_RANK];
  p->numel = 1;
  for (int i = 0; i < rank; i++) {
    newidx[i] = x->shape.dims[i] > 1 ? kept : -1;
    if (x->shape.dims[i] > 1) kd[kept++] = x->shape.dims[i];
    p->numel *= (size_t)x->shape.dims[i];
  }
  int fp[OPS_KMAX_RANK], nf = 0;
  for (int i = 0; i < rank; i++)
    if (newidx[perm[i]] >= 0) fp[nf++] = newidx[perm[i]];
  /* Groups of input dims that follow each other in the output, in output order. */
  int first[OPS_KMAX_RANK], ng = 0;
  int64_t size[OPS_KMAX_RANK];
  for (int i = 0; i < nf; i++) {
    if (i == 0 || fp[i] != fp[i - 1] + 1) {
      first[ng] = fp[i];
      size[ng++] = 1;
    }
    size[ng - 1] *= kd[fp[i]];
  }
  p->rows = 1;
  p->n_outer = 0;
  if (ng <= 1) {
    p->kind = OPS_SIMD_TRANSPOSE_COPY;
    return;
  }
  /* The merged input dims, in input order: group g is input dim rank_of[g]. */
  int rank_of[OPS_KMAX_RANK];
  int64_t in_size[OPS_KMAX_RANK], in_stride[OPS_KMAX_RANK], out_stride[OPS_KMAX_RANK];
  for (int g = 0; g < ng; g++) {
    rank_of[g] = 0;
    for (int h = 0; h < ng; h++)
      rank_of[g] += first[h] < first[g];
    in_size[rank_of[g]] = size[g];
  }
  int64_t st = 1;
  for (int i = ng - 1; i >= 0; i--) {
    in_stride[i] = st;
    st *= in_size[i];
  }
  st = 1;
  for (int i = ng - 1; i >= 0; i--) {
    out_stride[i] = st;
    st *= size[i];
  }
  int last = ng - 1;
  int q = 0; /* the output position of the input's innermost dim */
  for (int i = 0; i < ng; i++)
    if (rank_of[i] == last) q = i;
  if (rank_of[last] == last) {
    p->kind = OPS_SIMD_TRANSPOSE_RUNS;
    p->run = (size_t)in_size[last];
  } else {
    p->kind = OPS_SIMD_TRANSPOSE_TILE;
    p->m = (size_t)in_size[rank_of[last]];
    p->m_src = (size_t)in_stride[rank_of[last]];
    p->n = (size_t)in_size[last];
    p->n_dst = (size_t)out_stride[q];
  }
  for (int i = 0; i < last; i++) {
    if (p->kind == OPS_SIMD_TRANSPOSE_TILE && i == q) continue;
    p->outer[p->n_outer] = size[i];
    p->src_step[p->n_outer] = in_stride[rank_of[i]];
    p->dst_step[p->n_outer] = out_stride[i];
    p->rows *= size[i];
    p->n_outer++;
  }
}

enum ops_status ops_bind_simd_layout(const struct bind_ctx *c, const void *ref,
                                     struct ops_binding *out) {
  enum ops_status st;
  const struct ops_tensor *x = in_t(c, 0);
  size_t es;
  if ((st = element_size(c, x, &es)) != OPS_OK) return st;
  switch (c->node->op) {
    case OPS_OP_TRANSPOSE: {
      const struct ops_transpose_params *v = ref;
      struct ops_simd_transpose_params *p = new_params(c, sizeof *p, &st);
      if (p == NULL) return st;
      p->cfg = ops_kconfig_x32_transpose();
      p->esize = es;
      plan_transpose(x, v->perm, p);
      out->params = p;
      return OPS_OK;
    }
    case OPS_OP_CONCAT: {
      const struct ops_concat_params *v = ref;
      struct ops_simd_concat_params *p = new_params(c, sizeof *p, &st);
      if (p == NULL) return st;
      p->axis = v->axis;
      p->esize = es;
      out->params = p;
      return OPS_OK;
    }
    case OPS_OP_SLICE: {
      struct ops_simd_slice_params *p = new_params(c, sizeof *p, &st);
      if (p == NULL) return st;
      memcpy(&p->slice, ref, sizeof p->slice);
      p->esize = es;
      out->params = p;
      return OPS_OK;
    }
    case OPS_OP_RESHAPE:
    case OPS_OP_FLATTEN:
    case OPS_OP_SQUEEZE:
    case OPS_OP_UNSQUEEZE:
    case OPS_OP_IDENTITY: {
      struct ops_simd_copy_params *p = new_params(c, sizeof *p, &st);
      if (p == NULL) return st;
      /* The scalar binder checked that input and output hold the same count. */
      int64_t n = 0;
      if (!ops_tensor_numel(x, &n) || !ops_mul_size((size_t)n, es, &p->bytes)) {
        ops_params_free(p);
        return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' is too large to copy", x->name);
      }
      out->params = p;
      return OPS_OK;
    }
    default:
      return node_fail(c, OPS_ERR_UNSUPPORTED, "the SIMD layout binder does not know this op");
  }
}
