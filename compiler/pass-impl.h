/*
 * What the graph passes (compiler/pass-*.c) share: the pass signature and small graph edits.
 * A pass marks nodes to drop and rewires tensor references; ops_pass_commit then removes the
 * marked nodes and the tensors nobody uses any more, and re-validates (producers, order).
 */
#ifndef OPSCOPE_COMPILER_PASS_IMPL_H
#define OPSCOPE_COMPILER_PASS_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "src/diag.h"
#include "src/graph.h"

/* A pass rewrites `g` and adds the nodes it removed, merged or rewrote to *rewrites. */
typedef enum ops_status (*ops_pass_fn)(struct ops_graph *g, size_t *rewrites, struct ops_diag *d);

enum ops_status ops_pass_fold(struct ops_graph *g, size_t *rewrites, struct ops_diag *d);
enum ops_status ops_pass_identity(struct ops_graph *g, size_t *rewrites, struct ops_diag *d);
enum ops_status ops_pass_dce(struct ops_graph *g, size_t *rewrites, struct ops_diag *d);
enum ops_status ops_pass_cse(struct ops_graph *g, size_t *rewrites, struct ops_diag *d);
enum ops_status ops_pass_bn(struct ops_graph *g, size_t *rewrites, struct ops_diag *d);
enum ops_status ops_pass_layernorm(struct ops_graph *g, size_t *rewrites, struct ops_diag *d);
enum ops_status ops_pass_gelu(struct ops_graph *g, size_t *rewrites, struct ops_diag *d);
enum ops_status ops_pass_fuse(struct ops_graph *g, size_t *rewrites, struct ops_diag *d);

/* Per tensor, how many node inputs read it (owned array of g->n_tensors entries, or NULL when
 * out of memory). */
int *ops_pass_count_uses(const struct ops_graph *g);

/* The index of the only node that reads `tensor` (through any number of its inputs), or -1 when
 * none or several do. */
int ops_pass_sole_reader(const struct ops_graph *g, int tensor);

/* Points every node input that reads `from` at `to`. */
void ops_pass_replace_reads(struct ops_graph *g, int from, int to);

/* True when the tensor's value is known at compile time and fixed: an initializer, or an
 * activation shape inference computed. A graph input bound to a value is not: it is checked,
 * not assumed, at run time. */
bool ops_pass_is_const(const struct ops_tensor *t);

/* The constant value of a float tensor of one element (f32), or false. */
bool ops_pass_scalar_value(const struct ops_tensor *t, float *out);

/* Adds an initializer named after `base` (made unique) with the given dtype and shape, taking
 * ownership of `data` (`nbytes` bytes, freed on failure too); its index goes to *out. */
enum ops_status ops_pass_new_initializer(struct ops_graph *g, const char *base,
                                         enum ops_dtype dtype, const struct ops_shape *shape,
                                         void *data, size_t nbytes, int *out, struct ops_diag *d);

/* Records that `n` absorbed an op of type `op_type`: "Conv" becomes "Conv+Relu". */
enum ops_status ops_pass_absorb(struct ops_node *n, const char *op_type, struct ops_diag *d);

/* The end of a pass that marks nodes in `drop` (owned; freed here): when it changed anything,
 * commits even after a failure `st` (rewritten nodes already write their readers' outputs, so
 * the marked ones must go), and returns the first failure. */
enum ops_status ops_pass_finish(struct ops_graph *g, bool *drop, size_t changed, enum ops_status st,
                                struct ops_diag *d);

/* True when any of nodes[0..n) is marked in `drop` (a pattern overlapping one already taken). */
bool ops_pass_any_dropped(const bool *drop, const int *nodes, size_t n);

/* Removes the nodes marked in `drop` (g->n_nodes entries; may be NULL), then the tensors left
 * unused, and validates the result again. */
enum ops_status ops_pass_commit(struct ops_graph *g, const bool *drop, struct ops_diag *d);

#endif /* OPSCOPE_COMPILER_PASS_IMPL_H */
