/*
 * ConvTranspose geometry: the attributes (strides, dilations, pads, output_padding,
 * output_shape, auto_pad) resolved into per-dim output sizes and begin pads. Shape inference
 * (src/shape-infer-convtranspose.c) and the scalar binder (compiler/bind-scalar-convtranspose.c)
 * share it, so Y's inferred dims and the pads the kernel walks with always agree.
 */
#ifndef OPSCOPE_SRC_SHAPE_INFER_CONVTRANSPOSE_H
#define OPSCOPE_SRC_SHAPE_INFER_CONVTRANSPOSE_H

#include <stdint.h>

#include "src/diag.h"
#include "src/graph.h"
#include "src/tensor.h"

/* Attribute values above this are refused: no real model comes near, and it keeps every
 * output-size computation far from int64 overflow. */
#define OPS_DECONV_ATTR_LIMIT (INT64_C(1) << 31)

struct ops_deconv_geom {
  int spatial;                      /* spatial dims, 1..OPS_MAX_RANK - 2 */
  int64_t strides[OPS_MAX_RANK];    /* elements, >= 1 */
  int64_t dilations[OPS_MAX_RANK];  /* elements, >= 1 */
  int64_t pads_begin[OPS_MAX_RANK]; /* elements; negative when output_shape asks for more */
  int64_t pads_end[OPS_MAX_RANK];   /* elements; likewise */
  int64_t out[OPS_MAX_RANK];        /* output size per spatial dim; -1 when not known */
};

/* Resolves node's attributes for input spatial sizes in[] and kernel sizes kernel[] (either may
 * hold -1 for unknown; the output size is then -1 too, unless output_shape or auto_pad SAME
 * decides it). Fails with OPS_ERR_BAD_INPUT and a message naming the node. */
enum ops_status ops_deconv_geometry(const struct ops_node *node, int spatial, const int64_t *in,
                                    const int64_t *kernel, struct ops_deconv_geom *g,
                                    struct ops_diag *d);

#endif /* OPSCOPE_SRC_SHAPE_INFER_CONVTRANSPOSE_H */
