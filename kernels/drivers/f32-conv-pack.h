/*
 * Columns of a 2-D convolution written straight into the GEMM's packed-B layout, by the packer
 * this process chose (kernels/conv-pack.h, kernels/lists/f32-conv-pack.inc).
 */
#ifndef OPSCOPE_KERNELS_DRIVERS_F32_CONV_PACK_H
#define OPSCOPE_KERNELS_DRIVERS_F32_CONV_PACK_H

#include <stddef.h>

#include "kernels/conv-pack.h"

/* Writes panels [panel0, panel1) of the packed columns of x with ops_kconfig_f32_conv2d_pack()
 * (layout in kernels/conv-pack.h). */
void ops_f32_conv2d_pack_b(const struct ops_conv2d_geom *g, size_t nr, const float *x,
                           float *packed, size_t panel0, size_t panel1);

#endif /* OPSCOPE_KERNELS_DRIVERS_F32_CONV_PACK_H */
