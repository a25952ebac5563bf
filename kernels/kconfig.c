/*
 * Kernel configs (see kernels/kconfig.h): tables expanded from the kernel lists, and the choice
 * of one entry per family made once under pthread_once.
 */
#include "kernels/kconfig.h"

#include <pthread.h>

/* K block for a panel nr floats wide: kc * nr * 4 bytes = 32 KiB, most of a 48 KiB L1 data
 * cache (Zen 4/5, Ice Lake and later), so a block of packed B stays there while the driver walks
 * down M. On this project's AVX-512 VM, 16, 32 and 64 KiB measured within noise of each other on
 * 512x512x512 (bench/bench-f32-gemm); 32 KiB halves the C reloads of 16 KiB on large K. */
#define GEMM_KC(nr) (32768 / (4 * (nr)))

static const struct ops_kconfig_gemm f32_gemm_variants[] = {
#define OPS_UKERNEL(isa_flags_, fn, mr_, nr_, unroll_, params_type) \
  {.ukernel = fn,                                                   \
   .isa_flags = (isa_flags_),                                       \
   .mr = (mr_),                                                     \
   .nr = (nr_),                                                     \
   .unroll = (unroll_),                                             \
   .kc = GEMM_KC(nr_),                                              \
   .name = #fn},
#include "kernels/lists/f32-gemm.inc"
#undef OPS_UKERNEL
};

#define F32_GEMM_COUNT (sizeof f32_gemm_variants / sizeof f32_gemm_variants[0])
_Static_assert(F32_GEMM_COUNT >= 1, "kernels/lists/f32-gemm.inc ends with a scalar variant");

static const struct ops_kconfig_gemm *f32_gemm_choice;
static pthread_once_t f32_gemm_once = PTHREAD_ONCE_INIT;

static void f32_gemm_init(void) {
  uint32_t flags = ops_cpu_dispatch_flags();
  /* The list ends with the scalar variant (flags 0), which always matches. */
  f32_gemm_choice = &f32_gemm_variants[F32_GEMM_COUNT - 1];
  for (size_t i = 0; i < F32_GEMM_COUNT; i++) {
    if ((f32_gemm_variants[i].isa_flags & flags) == f32_gemm_variants[i].isa_flags) {
      f32_gemm_choice = &f32_gemm_variants[i];
      break;
    }
  }
}

const struct ops_kconfig_gemm *ops_kconfig_f32_gemm(void) {
  pthread_once(&f32_gemm_once, f32_gemm_init);
  return f32_gemm_choice;
}

/* Row-steps the register tiles of a variant with `mr` rows take per K step down `rows` rows. A
 * tile keeps rows * (nr / lanes) accumulator chains; below about eight (four rows of two
 * vectors) FMA latency, not throughput, sets its pace, so a short row tail costs as much as four
 * rows. On bench/bench-f32-gemm, 16x3025x64 ran 1.2x faster on 8x32 (two full tiles) than on
 * 7x32 (a tail of 2), and 64 rows 0-4% faster, where 7x32 leaves a tail of 1. */
static size_t row_steps(size_t rows, size_t mr) {
  enum { LATENCY_ROWS = 4 };
  const size_t full = mr > LATENCY_ROWS ? mr : LATENCY_ROWS, tail = rows % mr;
  size_t steps = rows / mr * full;
  if (tail > 0) steps += tail > LATENCY_ROWS ? tail : LATENCY_ROWS;
  return steps;
}

const struct ops_kconfig_gemm *ops_kconfig_f32_gemm_for_rows(size_t rows) {
  const struct ops_kconfig_gemm *base = ops_kconfig_f32_gemm(), *best = base;
  if (rows == 0) return base;
  for (size_t i = 0; i < F32_GEMM_COUNT; i++) {
    const struct ops_kconfig_gemm *v = &f32_gemm_variants[i];
    if (v->isa_flags != base->isa_flags || v->nr != base->nr) continue;
    /* Strictly fewer steps, so on a tie the earlier (default-first) entry stays. */
    if (row_steps(rows, v->mr) < row_steps(rows, best->mr)) best = v;
  }
  return best;
}

const struct ops_kconfig_gemm *ops_kconfig_f32_gemm_variants(size_t *count) {
  *count = F32_GEMM_COUNT;
  return f32_gemm_variants;
}

static const struct ops_kconfig_dwconv f32_dwconv_variants[] = {
#define OPS_UKERNEL(isa_flags_, fn, lanes_) \
  {.ukernel = fn, .isa_flags = (isa_flags_), .lanes = (lanes_), .name = #fn},
#include "kernels/lists/f32-dwconv.inc"
#undef OPS_UKERNEL
};

#define F32_DWCONV_COUNT (sizeof f32_dwconv_variants / sizeof f32_dwconv_variants[0])

static const struct ops_kconfig_dwconv *f32_dwconv_choice;
static pthread_once_t f32_dwconv_once = PTHREAD_ONCE_INIT;

static void f32_dwconv_init(void) {
  uint32_t flags = ops_cpu_dispatch_flags();
  f32_dwconv_choice = &f32_dwconv_variants[F32_DWCONV_COUNT - 1];
  for (size_t i = 0; i < F32_DWCONV_COUNT; i++) {
    if ((f32_dwconv_variants[i].isa_flags & flags) == f32_dwconv_variants[i].isa_flags) {
      f32_dwconv_choice = &f32_dwconv_variants[i];
      break;
    }
  }
}

const struct ops_kconfig_dwconv *ops_kconfig_f32_dwconv(void) {
  pthread_once(&f32_dwconv_once, f32_dwconv_init);
  return f32_dwconv_choice;
}

const struct ops_kconfig_dwconv *ops_kconfig_f32_dwconv_variants(size_t *count) {
  *count = F32_DWCONV_COUNT;
  return f32_dwconv_variants;
}

/* The 3x3 family may be empty (no AVX-512 in the build), so a NULL entry ends it. */
static const struct ops_kconfig_dwconv3x3 f32_dwconv3x3_variants[] = {
#define OPS_UKERNEL(isa_flags_, fn, lanes_) \
  {.ukernel = fn, .isa_flags = (isa_flags_), .lanes = (lanes_), .name = #fn},
#include "kernels/lists/f32-dwconv3x3.inc"
#undef OPS_UKERNEL
    {.ukernel = NULL, .isa_flags = 0, .lanes = 0, .name = NULL},
};

#define F32_DWCONV3X3_COUNT (sizeof f32_dwconv3x3_variants / sizeof f32_dwconv3x3_variants[0] - 1)

static const struct ops_kconfig_dwconv3x3 *f32_dwconv3x3_choice;
static pthread_once_t f32_dwconv3x3_once = PTHREAD_ONCE_INIT;

static void f32_dwconv3x3_init(void) {
  uint32_t flags = ops_cpu_dispatch_flags();
  for (size_t i = 0; i < F32_DWCONV3X3_COUNT; i++) {
    if ((f32_dwconv3x3_variants[i].isa_flags & flags) == f32_dwconv3x3_variants[i].isa_flags) {
      f32_dwconv3x3_choice = &f32_dwconv3x3_variants[i];
      break;
    }
  }
}

const struct ops_kconfig_dwconv3x3 *ops_kconfig_f32_dwconv3x3(const struct ops_dwconv_geom *g) {
  if (g->kh != 3 || g->kw != 3 || g->dy != 1 || g->dx != 1 || g->sy != g->sx ||
      (g->sx != 1 && g->sx != 2)) {
    return NULL;
  }
  pthread_once(&f32_dwconv3x3_once, f32_dwconv3x3_init);
  return f32_dwconv3x3_choice;
}

const struct ops_kconfig_dwconv3x3 *ops_kconfig_f32_dwconv3x3_variants(size_t *count) {
  *count = F32_DWCONV3X3_COUNT;
  return f32_dwconv3x3_variants;
}

static const struct ops_kconfig_vector f32_vector_variants[] = {
#define OPS_UKERNEL(isa_flags_, vbinary_, vunary_, rsum_, rmax_, raddexp_, lanes_) \
  {.vbinary = vbinary_,                                                            \
   .vunary = vunary_,                                                              \
   .rsum = rsum_,                                                                  \
   .rmax = rmax_,                                                                  \
   .raddexp = raddexp_,                                                            \
   .isa_flags = (isa_flags_),                                                      \
   .lanes = (lanes_),                                                              \
   .vbinary_name = #vbinary_,                                                      \
   .vunary_name = #vunary_,                                                        \
   .rsum_name = #rsum_,                                                            \
   .raddexp_name = #raddexp_},
#include "kernels/lists/f32-vector.inc"
#undef OPS_UKERNEL
};

#define F32_VECTOR_COUNT (sizeof f32_vector_variants / sizeof f32_vector_variants[0])

static const struct ops_kconfig_vector *f32_vector_choice;
static pthread_once_t f32_vector_once = PTHREAD_ONCE_INIT;

static void f32_vector_init(void) {
  uint32_t flags = ops_cpu_dispatch_flags();
  f32_vector_choice = &f32_vector_variants[F32_VECTOR_COUNT - 1];
  for (size_t i = 0; i < F32_VECTOR_COUNT; i++) {
    if ((f32_vector_variants[i].isa_flags & flags) == f32_vector_variants[i].isa_flags) {
      f32_vector_choice = &f32_vector_variants[i];
      break;
    }
  }
}

const struct ops_kconfig_vector *ops_kconfig_f32_vector(void) {
  pthread_once(&f32_vector_once, f32_vector_init);
  return f32_vector_choice;
}

const struct ops_kconfig_vector *ops_kconfig_f32_vector_variants(size_t *count) {
  *count = F32_VECTOR_COUNT;
  return f32_vector_variants;
}

/* Pooling and 32-bit transpose (k2, issue #4): one choice each, as for the families above. */
static const struct ops_kconfig_pool f32_pool_variants[] = {
#define OPS_UKERNEL(isa_flags_, max_fn, avg_fn, gavg_fn, gmax_fn, lanes_) \
  {.max_pool = max_fn,                                                    \
   .average_pool = avg_fn,                                                \
   .global_average_pool = gavg_fn,                                        \
   .global_max_pool = gmax_fn,                                            \
   .isa_flags = (isa_flags_),                                             \
   .lanes = (lanes_),                                                     \
   .name = #max_fn,                                                       \
   .average_name = #avg_fn,                                               \
   .global_average_name = #gavg_fn,                                       \
   .global_max_name = #gmax_fn},
#include "kernels/lists/f32-pool.inc"
#undef OPS_UKERNEL
};

#define F32_POOL_COUNT (sizeof f32_pool_variants / sizeof f32_pool_variants[0])

static const struct ops_kconfig_pool *f32_pool_choice;
static pthread_once_t f32_pool_once = PTHREAD_ONCE_INIT;

static void f32_pool_init(void) {
  uint32_t flags = ops_cpu_dispatch_flags();
  f32_pool_choice = &f32_pool_variants[F32_POOL_COUNT - 1];
  for (size_t i = 0; i < F32_POOL_COUNT; i++) {
    if ((f32_pool_variants[i].isa_flags & flags) == f32_pool_variants[i].isa_flags) {
      f32_pool_choice = &f32_pool_variants[i];
      break;
    }
  }
}

const struct ops_kconfig_pool *ops_kconfig_f32_pool(void) {
  pthread_once(&f32_pool_once, f32_pool_init);
  return f32_pool_choice;
}

const struct ops_kconfig_pool *ops_kconfig_f32_pool_variants(size_t *count) {
  *count = F32_POOL_COUNT;
  return f32_pool_variants;
}

static const struct ops_kconfig_transpose x32_transpose_variants[] = {
#define OPS_UKERNEL(isa_flags_, fn, tile_) \
  {.ukernel = fn, .isa_flags = (isa_flags_), .tile = (tile_), .name = #fn},
#include "kernels/lists/x32-transpose.inc"
#undef OPS_UKERNEL
};

#define X32_TRANSPOSE_COUNT (sizeof x32_transpose_variants / sizeof x32_transpose_variants[0])

static const struct ops_kconfig_transpose *x32_transpose_choice;
static pthread_once_t x32_transpose_once = PTHREAD_ONCE_INIT;

static void x32_transpose_init(void) {
  uint32_t flags = ops_cpu_dispatch_flags();
  x32_transpose_choice = &x32_transpose_variants[X32_TRANSPOSE_COUNT - 1];
  for (size_t i = 0; i < X32_TRANSPOSE_COUNT; i++) {
    if ((x32_transpose_variants[i].isa_flags & flags) == x32_transpose_variants[i].isa_flags) {
      x32_transpose_choice = &x32_transpose_variants[i];
      break;
    }
  }
}

const struct ops_kconfig_transpose *ops_kconfig_x32_transpose(void) {
  pthread_once(&x32_transpose_once, x32_transpose_init);
  return x32_transpose_choice;
}

const struct ops_kconfig_transpose *ops_kconfig_x32_transpose_variants(size_t *count) {
  *count = X32_TRANSPOSE_COUNT;
  return x32_transpose_variants;
}

static const struct ops_kconfig_conv_pack f32_conv_pack_variants[] = {
#define OPS_UKERNEL(isa_flags_, fn) {.ukernel = fn, .isa_flags = (isa_flags_), .name = #fn},
#include "kernels/lists/f32-conv-pack.inc"
#undef OPS_UKERNEL
};

#define F32_CONV_PACK_COUNT (sizeof f32_conv_pack_variants / sizeof f32_conv_pack_variants[0])

static const struct ops_kconfig_conv_pack *f32_conv_pack_choice;
static pthread_once_t f32_conv_pack_once = PTHREAD_ONCE_INIT;

static void f32_conv_pack_init(void) {
  uint32_t flags = ops_cpu_dispatch_flags();
  f32_conv_pack_choice = &f32_conv_pack_variants[F32_CONV_PACK_COUNT - 1];
  for (size_t i = 0; i < F32_CONV_PACK_COUNT; i++) {
    if ((f32_conv_pack_variants[i].isa_flags & flags) == f32_conv_pack_variants[i].isa_flags) {
      f32_conv_pack_choice = &f32_conv_pack_variants[i];
      break;
    }
  }
}

const struct ops_kconfig_conv_pack *ops_kconfig_f32_conv2d_pack(void) {
  pthread_once(&f32_conv_pack_once, f32_conv_pack_init);
  return f32_conv_pack_choice;
}

const struct ops_kconfig_conv_pack *ops_kconfig_f32_conv2d_pack_variants(size_t *count) {
  *count = F32_CONV_PACK_COUNT;
  return f32_conv_pack_variants;
}
