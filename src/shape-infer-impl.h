/*
 * Private to shape inference: the per-node context and the helpers shared by
 * src/shape-infer.c (driver, outputs, broadcasting, values), src/shape-infer-ops.c (ops that
 * compute on tensors: elementwise, Conv, pooling, Gemm, MatMul, reductions, layout) and
 * src/shape-infer-data.c (ops that move metadata and small values: Constant, Shape, Gather,
 * Concat, Reshape, Squeeze, Unsqueeze, Slice, Identity) and src/shape-infer-fold.c (the
 * shape-arithmetic ops that are not in src/op-list.inc, computed only as whole values).
 *
 * Each op function reads its node through `c`, and either sets every output it can (dtype,
 * shape and, for small integer tensors, the value) or leaves outputs unknown when an input it
 * needs is unknown. A contradiction is an OPS_ERR_BAD_INPUT written through ops_shape_fail(),
 * which prefixes "node 'NAME' (OpType): ".
 */
#ifndef OPSCOPE_SRC_SHAPE_INFER_IMPL_H
#define OPSCOPE_SRC_SHAPE_INFER_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/diag.h"
#include "src/graph.h"
#include "src/shape-infer.h"
#include "src/tensor.h"

/* The newest opset whose forms shape inference knows; a graph that declares none (JSON IR,
 * built-in models) is read with these forms. */
#define OPS_INFER_NEWEST_OPSET 18

struct ops_infer {
  struct ops_graph *g;
  const struct ops_node *node; /* the node being inferred */
  struct ops_diag *d;
  int64_t opset; /* default-domain opset, OPS_INFER_NEWEST_OPSET when the graph declares none */
};

/* A formatted shape, returned by value so it can be used inside one call's arguments:
 * ops_shape_fail(c, "... %s", ops_shape_text(&s).s). 8 dims of 20 characters fit. */
struct ops_shape_text {
  char s[200];
};
struct ops_shape_text ops_shape_text(const struct ops_shape *s);
/* "[4, -1]" from raw int64 values (as a shape input holds them, -1 and 0 printed as such). */
struct ops_shape_text ops_shape_text_ints(const int64_t *v, size_t n);

/* ---- diagnostics ---- */

/* Writes "node 'NAME' (OpType): <fmt>" and returns OPS_ERR_BAD_INPUT. */
enum ops_status ops_shape_fail(const struct ops_infer *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Writes "node 'NAME' (OpType): out of memory ..." and returns OPS_ERR_NO_MEMORY. */
enum ops_status ops_shape_no_memory(const struct ops_infer *c);

/* ---- inputs ---- */

/* Input `i` of the node, NULL when absent or omitted. */
const struct ops_tensor *ops_shape_in(const struct ops_infer *c, int i);
/* Name of input `i` for messages ("" when omitted). */
const char *ops_shape_in_name(const struct ops_infer *c, int i);
/* Checks that the node has between `min_in` and `max_in` inputs with the first `min_in` present,
 * and at most `max_out` outputs. */
enum ops_status ops_shape_check_arity(const struct ops_infer *c, int min_in, int max_in,
                                      int max_out);
/* True when every present input among the first `n` has a known dtype. Ops return early with
 * their outputs unknown when it is false. */
bool ops_shape_inputs_typed(const struct ops_infer *c, int n);

/* Dtype classes for input checks. */
enum ops_dtype_class {
  OPS_CLASS_FLOAT,   /* f16, bf16, f32, f64 */
  OPS_CLASS_NUMERIC, /* floats and every integer type, not bool */
  OPS_CLASS_SIGNED,  /* floats and signed integers */
  OPS_CLASS_INDEX,   /* i32, i64 */
  OPS_CLASS_INT,     /* every integer type, not bool */
  OPS_CLASS_POOL,    /* floats, i8, u8 (MaxPool) */
};
/* Fails with "input 'x' is i64, expected <class>" unless input `i` (present, typed) fits. */
enum ops_status ops_shape_check_class(const struct ops_infer *c, int i, enum ops_dtype_class cls);
/* Fails unless present input `j` has the dtype of input `i`. */
enum ops_status ops_shape_check_same_dtype(const struct ops_infer *c, int i, int j);
/* True for the integer dtypes and bool: those whose small values are propagated. */
bool ops_shape_dtype_is_int(enum ops_dtype dtype);

/* ---- attributes and axes ---- */

/* Normalizes `axis` in [-rank, rank - 1] into *out; `what` names it in the message ("axis",
 * "axes[1]"). */
enum ops_status ops_shape_axis(const struct ops_infer *c, const char *what, int64_t axis, int rank,
                               int *out);
/* Reads an axes list (attribute `name` when the node has it, otherwise input `input`, which may
 * be -1 for none) into axes[], at most OPS_MAX_RANK entries. *state: 0 absent, 1 known, -1 given
 * by an input whose value is not known. Values are not normalized. */
enum ops_status ops_shape_read_axes(const struct ops_infer *c, const char *name, int input,
                                    int64_t *axes, size_t *n, int *state);
/* Normalizes n axes against `rank` into out[] and rejects duplicates. */
enum ops_status ops_shape_norm_axes(const struct ops_infer *c, const int64_t *axes, size_t n,
                                    int rank, int *out);

/* ---- outputs ---- */

/* Sets output `k` (skipped when omitted). Fails when a known shape's element count overflows
 * int64 ("shape [..] has more than 2^63 elements"). Data already there is dropped. */
enum ops_status ops_shape_set(struct ops_infer *c, int k, enum ops_dtype dtype,
                              const struct ops_shape *shape);
/* Sets output `k` to `dtype` with an unknown rank. */
enum ops_status ops_shape_set_unknown(struct ops_infer *c, int k, enum ops_dtype dtype);
/* Sets output `k` as ops_shape_set() does and, when `dtype` is an integer type and the shape is
 * known with at most OPS_INFER_MAX_VALUE elements, stores `v` (numel entries, converted to
 * `dtype` with C's modular conversion) as its owned data. */
enum ops_status ops_shape_set_ints(struct ops_infer *c, int k, enum ops_dtype dtype,
                                   const struct ops_shape *shape, const int64_t *v);
/* Sets output `k` with an owned copy of `nbytes` bytes of data (Constant, and ops that only
 * relabel the bytes of a known value). */
enum ops_status ops_shape_set_bytes(struct ops_infer *c, int k, enum ops_dtype dtype,
                                    const struct ops_shape *shape, const void *data, size_t nbytes);
/* Fails with "output rank N exceeds the maximum of OPS_MAX_RANK" when rank is too large. */
enum ops_status ops_shape_check_rank(const struct ops_infer *c, int64_t rank);

/* ---- values ---- */

/* True when `t` has data covering its known shape. */
bool ops_shape_has_value(const struct ops_tensor *t);
/* True when `t` is integer-typed with a known value of at most `cap` elements, copied to out[]
 * as int64 with the count in *n. */
bool ops_shape_read_ints(const struct ops_tensor *t, int64_t *out, size_t cap, size_t *n);
/* Element `i` of an f32 or f64 tensor's data as double; false otherwise. */
bool ops_shape_get_double(const struct ops_tensor *t, int64_t i, double *out);
/* True when a value of `numel` elements of `dtype` is worth propagating (integer, small). */
bool ops_shape_value_wanted(enum ops_dtype dtype, const struct ops_shape *shape);
/* Flat index into `in` of flat element `flat` of `out`, under numpy broadcasting (in's dims are
 * right-aligned with out's; dims of 1 repeat). Both shapes are known. */
int64_t ops_shape_bcast_index(const struct ops_shape *out, const struct ops_shape *in,
                              int64_t flat);

/* ---- broadcasting ---- */

/* Multidirectional (numpy) broadcast of n shapes; which[i] is the input index of shapes[i] for
 * messages, `what` is "" or a qualifier such as "batch dims of ". Unknown ranks give an unknown
 * rank; an unknown dim against a known dim d > 1 gives d. */
enum ops_status ops_shape_broadcast(const struct ops_infer *c,
                                    const struct ops_shape *const *shapes, const int *which, int n,
                                    const char *what, struct ops_shape *out);
/* Unidirectional broadcast: input `which` of shape `s` must broadcast to `target`. */
enum ops_status ops_shape_check_unidirectional(const struct ops_infer *c, int which,
                                               const struct ops_shape *s,
                                               const struct ops_shape *target);

/* ---- op families (one function each; dispatched from shape-infer.c) ---- */

/* shape-infer-ops.c */
enum ops_status ops_shape_infer_unary(struct ops_infer *c);
enum ops_status ops_shape_infer_binary(struct ops_infer *c);
/* IsNaN, IsInf, Not, PRelu, Mod, BitShift, And, Or, Xor, the comparisons, Min, Max, Sum, Mean,
 * Where. */
enum ops_status ops_shape_infer_elementwise(struct ops_infer *c);
enum ops_status ops_shape_infer_clip(struct ops_infer *c);
enum ops_status ops_shape_infer_cast(struct ops_infer *c);
enum ops_status ops_shape_infer_conv(struct ops_infer *c);
enum ops_status ops_shape_infer_pool(struct ops_infer *c);
enum ops_status ops_shape_infer_global_pool(struct ops_infer *c);
enum ops_status ops_shape_infer_batch_norm(struct ops_infer *c);
enum ops_status ops_shape_infer_gemm(struct ops_infer *c);
enum ops_status ops_shape_infer_matmul(struct ops_infer *c);
enum ops_status ops_shape_infer_softmax(struct ops_infer *c);
enum ops_status ops_shape_infer_reduce(struct ops_infer *c);
/* Output shape of a Reduce* node over input 0 (axes from the attribute or input 1, keepdims,
 * noop_with_empty_axes); reduced[j] says whether input axis j is reduced. */
enum ops_status ops_shape_reduce_out(struct ops_infer *c, bool *reduced, struct ops_shape *out);
enum ops_status ops_shape_infer_transpose(struct ops_infer *c);
enum ops_status ops_shape_infer_flatten(struct ops_infer *c);
enum ops_status ops_shape_infer_dropout(struct ops_infer *c);

/* shape-infer-reduce.c: ReduceProd, ArgMax/ArgMin, InstanceNormalization/MVN/LRN, LayerNorm */
enum ops_status ops_shape_infer_reduce_prod(struct ops_infer *c);
enum ops_status ops_shape_infer_arg_reduce(struct ops_infer *c);
enum ops_status ops_shape_infer_norm(struct ops_infer *c);
enum ops_status ops_shape_infer_layer_norm(struct ops_infer *c);

/* shape-infer-data.c */
enum ops_status ops_shape_infer_constant(struct ops_infer *c);
enum ops_status ops_shape_infer_shape(struct ops_infer *c);
enum ops_status ops_shape_infer_size(struct ops_infer *c);
enum ops_status ops_shape_infer_gather(struct ops_infer *c);
enum ops_status ops_shape_infer_concat(struct ops_infer *c);
enum ops_status ops_shape_infer_reshape(struct ops_infer *c);
enum ops_status ops_shape_infer_squeeze(struct ops_infer *c);
enum ops_status ops_shape_infer_unsqueeze(struct ops_infer *c);
enum ops_status ops_shape_infer_slice(struct ops_infer *c);
enum ops_status ops_shape_infer_identity(struct ops_infer *c);

/* shape-infer-index.c: GatherElements, GatherND, Scatter, ScatterElements, ScatterND */
enum ops_status ops_shape_infer_index(struct ops_infer *c);
/* shape-infer-loss.c: NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss */
enum ops_status ops_shape_infer_loss(struct ops_infer *c);

/* shape-infer-convtranspose.c, shape-infer-pool-ext.c, shape-infer-topk.c, shape-infer-einsum.c */
enum ops_status ops_shape_infer_conv_transpose(struct ops_infer *c);
enum ops_status ops_shape_infer_max_unpool(struct ops_infer *c);
enum ops_status ops_shape_infer_top_k(struct ops_infer *c);
enum ops_status ops_shape_infer_einsum(struct ops_infer *c);

/* shape-infer-resize.c: Resize and Upsample; DepthToSpace and SpaceToDepth */
enum ops_status ops_shape_infer_resize(struct ops_infer *c);
enum ops_status ops_shape_infer_depth_space(struct ops_infer *c);

/* shape-infer-shape-ops.c: Pad, Tile, Expand, Split, Compress, ConstantOfShape, Range, EyeLike,
 * Trilu, CumSum, OneHot, CastLike */
enum ops_status ops_shape_infer_pad(struct ops_infer *c);
enum ops_status ops_shape_infer_tile(struct ops_infer *c);
enum ops_status ops_shape_infer_expand(struct ops_infer *c);
enum ops_status ops_shape_infer_split(struct ops_infer *c);
enum ops_status ops_shape_infer_compress(struct ops_infer *c);
enum ops_status ops_shape_infer_non_zero(struct ops_infer *c);
enum ops_status ops_shape_infer_constant_of_shape(struct ops_infer *c);
enum ops_status ops_shape_infer_range(struct ops_infer *c);
enum ops_status ops_shape_infer_eye_like(struct ops_infer *c);
enum ops_status ops_shape_infer_trilu(struct ops_infer *c);
enum ops_status ops_shape_infer_cumsum(struct ops_infer *c);
enum ops_status ops_shape_infer_one_hot(struct ops_infer *c);
enum ops_status ops_shape_infer_cast_like(struct ops_infer *c);

/* shape-infer-quant.c: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
 * QLinearMatMul, ConvInteger, QLinearConv */
enum ops_status ops_shape_infer_quant(struct ops_infer *c);
/* Conv's output shape (shape-infer-ops.c) for data `x`, weight `w` and optional bias `b` at any
 * input slots, from the node's window attributes; dtypes are the caller's to check. */
enum ops_status ops_shape_conv_out(const struct ops_infer *c, const struct ops_tensor *x,
                                   const struct ops_tensor *w, const struct ops_tensor *b,
                                   struct ops_shape *result);

/* shape-infer-fold.c */
/* Ops that exporters use for shape arithmetic (Equal, Where, Range, ConstantOfShape, ReduceProd,
 * Min, Max): their outputs are set only when the whole value can be computed, so the compiler
 * sees a constant; otherwise they are left as they were (unknown for the unlisted ones). */
enum ops_status ops_shape_infer_unlisted(struct ops_infer *c);

#endif /* OPSCOPE_SRC_SHAPE_INFER_IMPL_H */
