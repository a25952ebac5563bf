/*
 * The Conv driver's column packing (see f32-conv-pack.h): the chosen packer.
 */
#include "kernels/drivers/f32-conv-pack.h"

#include "kernels/kconfig.h"

void ops_f32_conv2d_pack_b(const struct ops_conv2d_geom *g, size_t nr, const float *x,
                           float *packed, size_t panel0, size_t panel1) {
  ops_kconfig_f32_conv2d_pack()->ukernel(g, nr, x, packed, panel0, panel1);
}
