/* The measured FMA peak (see peak.h): pick the widest ISA, size the loop, keep the best round. */
#include "bench/peak.h"

#include "kernels/cpu.h"

double ops_bench_peak_gflops(uint32_t isa_flags, double seconds, const char **isa) {
  double (*loop)(uint64_t, float *) = NULL;
  double lanes = 0;
  *isa = "none";
#if OPS_HAVE_AVX512F
  if (loop == NULL && (isa_flags & OPS_ISA_AVX512F)) {
    loop = ops_bench_peak_loop_avx512f;
    lanes = 16;
    *isa = "avx512f";
  }
#endif
#if OPS_HAVE_AVX2
  if (loop == NULL && (isa_flags & OPS_ISA_AVX2)) {
    loop = ops_bench_peak_loop_avx2;
    lanes = 8;
    *isa = "avx2+fma";
  }
#endif
  if (loop == NULL) return 0.0;
  float sink = 0.0f;
  /* Grow the loop until one round takes a tenth of the budget, then keep the best of the
   * rounds that fit: the best round is the one the scheduler and other tenants disturbed least. */
  uint64_t iters = 1 << 16;
  while (loop(iters, &sink) < seconds / 10 && iters < (UINT64_C(1) << 40))
    iters *= 2;
  double best = 0.0;
  for (int r = 0; r < 8; r++) {
    double t = loop(iters, &sink);
    double gflops = (double)iters * OPS_PEAK_CHAINS * lanes * 2.0 / t * 1e-9;
    if (gflops > best) best = gflops;
  }
  volatile float keep = sink;
  (void)keep;
  return best;
}
