/*
 * The machine's measured f32 FMA peak, the denominator of every "% of peak" in the kernel
 * benchmarks. Measured rather than computed from a datasheet: a VM, a power limit or a
 * frequency licence for wide vectors all move the real ceiling, and a kernel is judged against
 * what this core can do now.
 *
 * Each ISA's loop keeps 12 independent FMA chains in registers, enough to cover the FMA
 * latency on both of a core's FMA ports, and reports the best of several timed rounds.
 */
#ifndef OPSCOPE_BENCH_PEAK_H
#define OPSCOPE_BENCH_PEAK_H

#include <stdint.h>

/* FMA instructions executed by one call of a peak loop with `iters` iterations. */
#define OPS_PEAK_CHAINS 12

/* One thread's f32 GFLOP/s (2 per FMA lane) for the widest ISA in `isa_flags` (enum
 * ops_isa_flags) this build and CPU have, over about `seconds`; writes the ISA's name to
 * *isa. 0 when no vector ISA is available. */
double ops_bench_peak_gflops(uint32_t isa_flags, double seconds, const char **isa);

/* The loops, one per ISA file; each returns the elapsed seconds for `iters` iterations and
 * stores a checksum to *sink so the work cannot be dropped. */
double ops_bench_peak_loop_avx512f(uint64_t iters, float *sink);
double ops_bench_peak_loop_avx2(uint64_t iters, float *sink);

#endif /* OPSCOPE_BENCH_PEAK_H */
