/*
 * Shape inference of TopK: Values have X's dtype and dims with dim `axis` replaced by k, and
 * Indices are i64 of the same dims. k is the attribute before opset 10 and input 1 (a 1-element
 * i64 tensor) since; when that value is not known the dim is left unknown.
 */
#include "src/shape-infer-impl.h"

enum ops_status ops_shape_infer_top_k(struct ops_infer *c) {
  bool k_input = c->opset >= 10;
  enum ops_status st = ops_shape_check_arity(c, k_input ? 2 : 1, k_input ? 2 : 1, 2);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  int64_t axis, k = -1;
  if ((st = ops_node_attr_int(c->node, "axis", -1, &axis, c->d)) != OPS_OK) return st;
  if (k_input) {
    const struct ops_tensor *kt = ops_shape_in(c, 1);
    if (kt->dtype != OPS_DTYPE_I64) {
      return ops_shape_fail(c, "k '%s' is %s, expected i64", kt->name, ops_dtype_name(kt->dtype));
    }
    int64_t n;
    if (kt->shape.rank > 1 || (ops_shape_numel(&kt->shape, &n) && n != 1)) {
      return ops_shape_fail(c, "k '%s' has shape %s, expected one element", kt->name,
                            ops_shape_text(&kt->shape).s);
    }
    int64_t v[1];
    size_t got = 0;
    if (ops_shape_read_ints(kt, v, 1, &got) && got == 1) k = v[0];
    if (got == 1 && k < 0) return ops_shape_fail(c, "k is %lld, expected >= 0", (long long)k);
  } else {
    if (ops_node_attr(c->node, "k") == NULL) return ops_shape_fail(c, "attribute 'k' is required");
    if ((st = ops_node_attr_int(c->node, "k", 0, &k, c->d)) != OPS_OK) return st;
    if (k < 0) return ops_shape_fail(c, "attribute 'k' is %lld, expected >= 0", (long long)k);
  }
  struct ops_shape out = x->shape;
  if (out.rank >= 0) {
    int a;
    if ((st = ops_shape_axis(c, "axis", axis, out.rank, &a)) != OPS_OK) return st;
    if (k >= 0 && out.dims[a] >= 0 && k > out.dims[a]) {
      return ops_shape_fail(c, "k %lld is larger than dim %d of input '%s' %s", (long long)k, a,
                            x->name, ops_shape_text(&out).s);
    }
    out.dims[a] = k;
  }
  st = ops_shape_set(c, 0, x->dtype, &out);
  if (st == OPS_OK) st = ops_shape_set(c, 1, OPS_DTYPE_I64, &out);
  return st;
}
