/*
 * Kernel configs: for each microkernel family, the variant this process uses, chosen once from
 * the family's list (a .inc file in kernels/lists/) by the capped CPU flags (kernels/cpu.h), with
 * its tile, cache blocking and name, so drivers run it and reports can say which kernel ran.
 */
#ifndef OPSCOPE_KERNELS_KCONFIG_H
#define OPSCOPE_KERNELS_KCONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/dwconv.h"
#include "kernels/gemm.h"
#include "kernels/pooling.h"
#include "kernels/transpose.h"

/* One f32 GEMM variant and how the driver blocks for it. */
struct ops_kconfig_gemm {
  ops_f32_gemm_ukernel_fn ukernel;
  uint32_t isa_flags; /* enum ops_isa_flags the variant needs */
  size_t mr;          /* rows of the register tile */
  size_t nr;          /* columns of the register tile = width of a packed-B panel */
  size_t unroll;      /* K steps per inner-loop iteration */
  size_t kc;          /* K elements per cache block: a kc x nr block of packed B (kc * nr * 4
                         bytes) stays in L1 while the driver walks down M */
  const char *name;   /* "ops_f32_gemm_minmax_ukernel_7x32__simd_avx512f" (static) */
};

/* The f32 GEMM variant for this process: the first entry of kernels/lists/f32-gemm.inc whose
 * ISA flags the capped CPU has, else the scalar one. Chosen once, thread-safe; it fixes the ISA
 * cap (ops_cpu_dispatch_flags). Borrowed, static. Never NULL. */
const struct ops_kconfig_gemm *ops_kconfig_f32_gemm(void);

/* The f32 GEMM variant for a product whose register tiles run down `rows` rows (C's rows; the
 * pixels of a transposed convolution): among the variants with the ISA flags and panel width
 * (nr) of ops_kconfig_f32_gemm(), so packed operands fit any of them, the one whose tiles take
 * the fewest row-steps, ties to the earlier in the list. Borrowed, static. Never NULL. */
const struct ops_kconfig_gemm *ops_kconfig_f32_gemm_for_rows(size_t rows);

/* Every f32 GEMM variant compiled in, in list order (best first), whether or not this CPU can
 * run it: check isa_flags against ops_cpu_get()->detected. For tests, benchmarks and
 * listings; *count gets the number. Borrowed, static. */
const struct ops_kconfig_gemm *ops_kconfig_f32_gemm_variants(size_t *count);

/* The f32 depthwise-convolution variant (kernels/lists/f32-dwconv.inc) for this process, chosen
 * like the GEMM's: the first whose ISA flags the capped CPU has. */
struct ops_kconfig_dwconv {
  ops_f32_dwconv_ukernel_fn ukernel;
  uint32_t isa_flags;
  size_t lanes;     /* output columns per vector step */
  const char *name; /* "ops_f32_dwconv_minmax_ukernel__simd_avx512f_u16" (static) */
};
const struct ops_kconfig_dwconv *ops_kconfig_f32_dwconv(void);
const struct ops_kconfig_dwconv *ops_kconfig_f32_dwconv_variants(size_t *count);

/* The f32 depthwise 3x3 variant that reads the plane unpadded (kernels/lists/f32-dwconv3x3.inc)
 * for a Conv of geometry g: NULL when g is not 3x3 with dilation 1 and equal strides of 1 or
 * 2, or when this process's ISA has no variant; the padded family runs it then. */
struct ops_kconfig_dwconv3x3 {
  ops_f32_dwconv3x3_ukernel_fn ukernel;
  uint32_t isa_flags;
  size_t lanes;     /* output columns per vector step */
  const char *name; /* "ops_f32_dwconv3x3_minmax_ukernel__simd_avx512f_u16" (static) */
};
const struct ops_kconfig_dwconv3x3 *ops_kconfig_f32_dwconv3x3(const struct ops_dwconv_geom *g);
const struct ops_kconfig_dwconv3x3 *ops_kconfig_f32_dwconv3x3_variants(size_t *count);

/* The f32 vector microkernels (kernels/lists/f32-vector.inc: element-wise binary and unary ops,
 * Softmax and ReduceSum/Mean rows) for this process, chosen like the GEMM's. Names are static. */
#include "kernels/vector.h"
struct ops_kconfig_vector {
  ops_f32_vbinary_ukernel_fn vbinary;
  ops_f32_vunary_ukernel_fn vunary;
  ops_f32_rsum_ukernel_fn rsum;
  ops_f32_rmax_ukernel_fn rmax;
  ops_f32_raddexp_ukernel_fn raddexp;
  uint32_t isa_flags;
  size_t lanes; /* floats per vector */
  const char *vbinary_name, *vunary_name, *rsum_name, *raddexp_name;
};
const struct ops_kconfig_vector *ops_kconfig_f32_vector(void);
const struct ops_kconfig_vector *ops_kconfig_f32_vector_variants(size_t *count);

/* The f32 pooling microkernels (kernels/lists/f32-pool.inc) for this process, chosen like the
 * GEMM's: the first line whose ISA flags the capped CPU has. (k2, issue #4) */
struct ops_kconfig_pool {
  ops_f32_max_pool_ukernel_fn max_pool;
  ops_f32_average_pool_ukernel_fn average_pool;
  ops_f32_global_average_pool_ukernel_fn global_average_pool;
  ops_f32_global_max_pool_ukernel_fn global_max_pool;
  uint32_t isa_flags;
  size_t lanes;     /* outputs per vector step */
  const char *name; /* the max_pool variant's name, "ops_f32_max_pool_ukernel__simd_avx2_u8" */
  const char *average_name, *global_average_name, *global_max_name; /* the others' (static) */
};
const struct ops_kconfig_pool *ops_kconfig_f32_pool(void);
const struct ops_kconfig_pool *ops_kconfig_f32_pool_variants(size_t *count);

/* The 32-bit transpose microkernel (kernels/lists/x32-transpose.inc), chosen the same way. */
struct ops_kconfig_transpose {
  ops_x32_transpose_ukernel_fn ukernel;
  uint32_t isa_flags;
  size_t tile;      /* rows and columns per register tile */
  const char *name; /* "ops_x32_transpose_ukernel_16x16__simd_avx512f" (static) */
};
const struct ops_kconfig_transpose *ops_kconfig_x32_transpose(void);
const struct ops_kconfig_transpose *ops_kconfig_x32_transpose_variants(size_t *count);

/* The 2-D convolution column packer (kernels/lists/f32-conv-pack.inc), chosen the same way. */
#include "kernels/conv-pack.h"
struct ops_kconfig_conv_pack {
  ops_f32_conv2d_pack_ukernel_fn ukernel;
  uint32_t isa_flags;
  const char *name; /* "ops_f32_conv2d_pack_ukernel__simd_avx512f" (static) */
};
const struct ops_kconfig_conv_pack *ops_kconfig_f32_conv2d_pack(void);
const struct ops_kconfig_conv_pack *ops_kconfig_f32_conv2d_pack_variants(size_t *count);

#endif /* OPSCOPE_KERNELS_KCONFIG_H */
