/* Monotonic time for stage and run timings. */
#ifndef OPSCOPE_PROFILER_CLOCK_H
#define OPSCOPE_PROFILER_CLOCK_H

#include <stdint.h>

/* Nanoseconds from CLOCK_MONOTONIC: only differences are meaningful. */
uint64_t ops_clock_ns(void);

#endif /* OPSCOPE_PROFILER_CLOCK_H */
