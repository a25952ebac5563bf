/*
 * Parameters of the index kernels (kernels/scalar/gather-index.c, scatter-index.c):
 * GatherElements, GatherND, ScatterElements, Scatter and ScatterND. Kept apart from
 * kernels/params.h so this family can grow without touching the shared list; the same rules
 * apply: the binder (compiler/bind-scalar-index.c) fills them after checking every shape, so
 * a kernel only has to check the index values it reads from data.
 */
#ifndef OPSCOPE_KERNELS_PARAMS_INDEX_H
#define OPSCOPE_KERNELS_PARAMS_INDEX_H

#include <stdint.h>

/* How a scatter combines an update with the element already there (the `reduction`
 * attribute of ScatterElements and ScatterND; "none" overwrites). */
enum ops_scatter_reduction {
  OPS_SCATTER_REDUCTION_NONE,
  OPS_SCATTER_REDUCTION_ADD,
  OPS_SCATTER_REDUCTION_MUL,
  OPS_SCATTER_REDUCTION_MAX,
  OPS_SCATTER_REDUCTION_MIN,
  OPS_SCATTER_REDUCTION_COUNT
};

/* GatherElements, ScatterElements and Scatter along `axis` (non-negative, < rank of data).
 * The binder checked that indices (and updates) have data's rank and, on every other axis, at
 * most data's extent, so only the index values along `axis` can point outside data. */
struct ops_elements_params {
  int axis;
  enum ops_scatter_reduction reduction; /* ScatterElements only; NONE for the gathers */
};

/* GatherND and ScatterND: the last dim of indices holds `index_depth` coordinates into data's
 * dims [batch_dims, batch_dims + index_depth); the rest of data's dims form the slice each
 * index tuple selects. ScatterND has no batch dims (0). */
struct ops_nd_params {
  int batch_dims;
  int index_depth;
  enum ops_scatter_reduction reduction; /* ScatterND only; NONE for GatherND */
};

#endif /* OPSCOPE_KERNELS_PARAMS_INDEX_H */
