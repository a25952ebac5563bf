/*
 * Binding of the SIMD pooling kernels (kernels/drivers/f32-pool.c) for the simd and threads
 * units: MaxPool, AveragePool, GlobalMaxPool, GlobalAveragePool. Called by ops_bind_simd
 * (compiler/bind-simd.c) after the scalar binder has validated the node. Private to compiler/.
 */
#ifndef OPSCOPE_COMPILER_BIND_SIMD_POOL_H
#define OPSCOPE_COMPILER_BIND_SIMD_POOL_H

#include "compiler/bind.h"
#include "compiler/compiler-impl.h"

/* Fills out->params (owned, struct ops_simd_pool_params) for node c->node, whose scalar
 * binding's params are `ref` (struct ops_pool_params for MaxPool and AveragePool; unused for
 * the global pools). Refuses, with the planner's text, what planner/simd-caps-pool.c refuses.
 * OPS_ERR_UNSUPPORTED or OPS_ERR_NO_MEMORY on failure, with *out empty. */
enum ops_status ops_bind_simd_pool(const struct bind_ctx *c, const void *ref,
                                   struct ops_binding *out);

struct ops_pool_params;
struct ops_simd_pool_params;

/* The driver's layout of a 1-D or 2-D windowed pool the scalar binder checked (v): in and out
 * are the input's and output's spatial dims. Sets every field of *p but cfg. */
void ops_simd_pool_layout(const struct ops_pool_params *v, const int64_t *in, const int64_t *out,
                          struct ops_simd_pool_params *p);

#endif /* OPSCOPE_COMPILER_BIND_SIMD_POOL_H */
