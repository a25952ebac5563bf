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
