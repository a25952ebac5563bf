/*
 * What this CPU can run: instruction-set features detected once, and the cap that limits them.
 *
 * Detection reads CPUID and, because a CPU can support AVX while the OS does not save the wider
 * registers on a context switch, XGETBV as well: AVX2 needs the XMM and YMM state enabled in
 * XCR0, AVX-512 also the opmask and both ZMM states. On aarch64 NEON is part of the base ISA.
 *
 * The cap lowers what dispatch sees, so the AVX2 path can be run and tested on an AVX-512
 * machine: the environment variable OPSCOPE_ISA=scalar|avx2|avx512f (read at first use), or
 * ops_cpu_set_isa_cap() from a `--isa` flag, which wins over the variable. Kernel configs
 * (ops_kconfig_*) read the capped flags once through ops_cpu_dispatch_flags(), which fixes the
 * cap from then on; set the cap before the first kernel config is asked for.
 */
#ifndef OPSCOPE_KERNELS_CPU_H
#define OPSCOPE_KERNELS_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/status.h"

/* Which SIMD microkernels this build compiled in (the per-file ISA flags of
 * kernels/CMakeLists.txt); kernel lists guard their entries with these. */
#if defined(__x86_64__)
#define OPS_HAVE_AVX2 1
#define OPS_HAVE_AVX512F 1
#else
#define OPS_HAVE_AVX2 0
#define OPS_HAVE_AVX512F 0
#endif
#if defined(__aarch64__)
#define OPS_HAVE_NEON 1
#else
#define OPS_HAVE_NEON 0
#endif

/* Feature bits, ordered slower to faster (kernels/isa-list.inc). 0 means plain C only. */
enum ops_isa_flags {
#define OPS_ISA(name, bit, text) OPS_ISA_##name = 1u << (bit),
#include "kernels/isa-list.inc"
#undef OPS_ISA
};

/* Every bit of the list, for masks. */
#define OPS_ISA_ALL 0x1ffu

struct ops_cpu {
  uint32_t detected;  /* enum ops_isa_flags the CPU and the OS support */
  uint32_t flags;     /* detected, lowered by the cap: what kernels may use */
  const char *cap;    /* the cap in effect ("avx2"), or NULL when none */
  char model[128];    /* CPU model name ("AMD EPYC 9R14"), or "unknown CPU" */
  char env_note[160]; /* why OPSCOPE_ISA was ignored ("" when it was not): the CLI prints it */
};

/* The detected CPU, filled once (thread-safe) on the first call. Borrowed: lives for the
 * process. `flags` may still change until ops_cpu_dispatch_flags() is first called. */
const struct ops_cpu *ops_cpu_get(void);

/* Caps the features kernels may use at `name`: "scalar" (no SIMD), "sse4.2", "avx2" (AVX2 and
 * FMA, no AVX-512), "avx512f" (or "avx512": everything detected), or "neon" on aarch64.
 * Writes a message into msg (msg_len bytes; msg may be NULL) and returns
 *   OPS_ERR_BAD_INPUT   for an unknown name,
 *   OPS_ERR_UNAVAILABLE when this CPU lacks that ISA, or when a kernel config already chose
 *                       its kernel (call it before running or compiling anything).
 * Not for concurrent use: a CLI calls it once at start-up. */
enum ops_status ops_cpu_set_isa_cap(const char *name, char *msg, size_t msg_len);

/* The capped flags that kernel configs choose by. The first call fixes the cap: later
 * ops_cpu_set_isa_cap() calls are refused, so every kernel of a process agrees. */
uint32_t ops_cpu_dispatch_flags(void);

/* The best ISA in effect that opscope has kernels for: "avx512f", "avx2", "neon" or "scalar".
 * A static string. */
const char *ops_cpu_isa_name(void);

/* Writes the names of the bits set in `flags`, space-separated ("sse4.2 avx2 avx512f"), or
 * "none", into buf (len bytes). Returns false when buf was too small (the text is cut). */
bool ops_cpu_flags_str(uint32_t flags, char *buf, size_t len);

#endif /* OPSCOPE_KERNELS_CPU_H */
