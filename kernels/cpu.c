/*
 * CPU feature detection (see kernels/cpu.h). Detection runs once under pthread_once; the cap is
 * the only thing that changes afterwards, under a mutex, and only until dispatch reads it.
 */
#include "kernels/cpu.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

static struct ops_cpu cpu;
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t cap_lock = PTHREAD_MUTEX_INITIALIZER;
static bool cap_frozen; /* set by the first ops_cpu_dispatch_flags(); guarded by cap_lock */

/* A cap name, the bits it allows, and the bit the CPU must have for the cap to make sense. */
struct cap_def {
  const char *name;
  uint32_t allow;
  uint32_t needs;
};

static const struct cap_def caps[] = {
    {"scalar", 0, 0},
    {"sse4.2", OPS_ISA_SSE42, OPS_ISA_SSE42},
    {"avx2", OPS_ISA_SSE42 | OPS_ISA_AVX2, OPS_ISA_AVX2},
    {"avx512f", OPS_ISA_ALL & ~OPS_ISA_NEON, OPS_ISA_AVX512F},
    {"avx512", OPS_ISA_ALL & ~OPS_ISA_NEON, OPS_ISA_AVX512F},
    {"neon", OPS_ISA_NEON, OPS_ISA_NEON},
};

static const char *const isa_names[] = {
#define OPS_ISA(name, bit, text) [bit] = text,
#include "kernels/isa-list.inc"
#undef OPS_ISA
};
_Static_assert(sizeof isa_names / sizeof isa_names[0] == 9, "one name per ISA bit");
_Static_assert(OPS_ISA_ALL == (1u << (sizeof isa_names / sizeof isa_names[0])) - 1,
               "OPS_ISA_ALL covers every bit of kernels/isa-list.inc");

/* Copies src into dst with runs of blanks squeezed and the ends trimmed (brand strings are
 * padded with spaces, and /proc/cpuinfo values follow a tab). */
static void copy_trimmed(char *dst, size_t len, const char *src) {
  size_t n = 0;
  bool blank = true; /* drop leading blanks */
  for (; *src != '\0' && *src != '\n' && n + 1 < len; src++) {
    bool is_blank = *src == ' ' || *src == '\t';
    if (is_blank && blank) continue;
    dst[n++] = is_blank ? ' ' : *src;
    blank = is_blank;
  }
  while (n > 0 && dst[n - 1] == ' ')
    n--;
  dst[n] = '\0';
}

/* The value of the first "key : value" line of /proc/cpuinfo whose key is `key`; false when
 * the file or the key is missing. */
static bool cpuinfo_value(const char *key, char *out, size_t len) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f == NULL) return false;
  char line[512];
  size_t klen = strlen(key);
  bool found = false;
  while (!found && fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, key, klen) != 0) continue;
    const char *p = line + klen;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p != ':') continue;
    copy_trimmed(out, len, p + 1);
    found = out[0] != '\0';
  }
  fclose(f);
  return found;
}

#if defined(__x86_64__)
/* XCR0, the register in which the OS says which register states it saves. Only valid when
 * CPUID.1:ECX.OSXSAVE is set. */
static uint64_t read_xcr0(void) {
  uint32_t lo, hi;
  __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

static uint32_t detect_x86(char *model, size_t model_len) {
  unsigned a, b, c, d;
  uint32_t flags = 0;
  unsigned max_leaf = (unsigned)__get_cpuid_max(0, NULL);
  if (max_leaf < 1) return 0;
  __cpuid(1, a, b, c, d);
  bool sse42 = (c >> 20) & 1, fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
  if (sse42) flags |= OPS_ISA_SSE42;

  uint64_t xcr0 = osxsave ? read_xcr0() : 0;
  /* XMM (bit 1) and YMM (bit 2) state; opmask (5), ZMM0-15 upper halves (6), ZMM16-31 (7). */
  bool os_ymm = (xcr0 & 0x6) == 0x6;
  bool os_zmm = os_ymm && (xcr0 & 0xe0) == 0xe0;

  if (max_leaf >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    unsigned max_sub7 = a;
    bool avx2 = (b >> 5) & 1;
    if (avx && avx2 && fma && os_ymm) flags |= OPS_ISA_AVX2;
    if (os_zmm && ((b >> 16) & 1)) {
      flags |= OPS_ISA_AVX512F;
      if ((b >> 30) & 1) flags |= OPS_ISA_AVX512BW;
      if ((b >> 31) & 1) flags |= OPS_ISA_AVX512VL;
      if ((b >> 17) & 1) flags |= OPS_ISA_AVX512DQ;
      if ((c >> 11) & 1) flags |= OPS_ISA_AVX512VNNI;
      if (max_sub7 >= 1) {
        __cpuid_count(7, 1, a, b, c, d);
        if ((a >> 5) & 1) flags |= OPS_ISA_AVX512BF16;
      }
    }
  }

  /* The brand string (leaves 0x80000002..4), 48 bytes. /proc/cpuinfo has the same text on
   * Linux; CPUID also works where /proc is not mounted. */
  if ((unsigned)__get_cpuid_max(0x80000000u, NULL) >= 0x80000004u) {
    unsigned regs[12];
    char brand[49];
    for (unsigned i = 0; i < 3; i++)
      __cpuid(0x80000002u + i, regs[4 * i], regs[4 * i + 1], regs[4 * i + 2], regs[4 * i + 3]);
    memcpy(brand, regs, 48);
    brand[48] = '\0';
    copy_trimmed(model, model_len, brand);
  }
  return flags;
}
#endif

/* Finds a cap by name; NULL when unknown. */
static const struct cap_def *find_cap(const char *name) {
  for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
    if (strcmp(caps[i].name, name) == 0) return &caps[i];
  return NULL;
}

/* Checks and applies a cap; the caller holds cap_lock or runs inside the once-init. */
static enum ops_status apply_cap(const char *name, char *msg, size_t msg_len) {
  const struct cap_def *def = find_cap(name);
  if (def == NULL) {
    if (msg != NULL && msg_len > 0)
      snprintf(msg, msg_len, "unknown ISA '%s', expected scalar, avx2, avx512f%s", name,
               OPS_HAVE_NEON ? " or neon" : "");
    return OPS_ERR_BAD_INPUT;
  }
  if ((cpu.detected & def->needs) != def->needs) {
    if (msg != NULL && msg_len > 0) {
      char have[96];
      ops_cpu_flags_str(cpu.detected, have, sizeof have);
      snprintf(msg, msg_len, "ISA '%s' is not available on this CPU (%s; it has: %s)", name,
               cpu.model, have);
    }
    return OPS_ERR_UNAVAILABLE;
  }
  cpu.flags = cpu.detected & def->allow;
  cpu.cap = def->name;
  if (msg != NULL && msg_len > 0) snprintf(msg, msg_len, "ISA capped at %s", def->name);
  return OPS_OK;
}

static void cpu_init(void) {
  snprintf(cpu.model, sizeof cpu.model, "unknown CPU");
#if defined(__x86_64__)
  cpu.detected = detect_x86(cpu.model, sizeof cpu.model);
#elif defined(__aarch64__)
  cpu.detected = OPS_ISA_NEON;
#endif
  /* Without a brand string, /proc/cpuinfo names the model ("model name" on x86 and some
   * aarch64 kernels, "Hardware" on older arm ones). */
  if (strcmp(cpu.model, "unknown CPU") == 0 &&
      !cpuinfo_value("model name", cpu.model, sizeof cpu.model))
    if (!cpuinfo_value("Hardware", cpu.model, sizeof cpu.model))
      snprintf(cpu.model, sizeof cpu.model, "unknown CPU");
  cpu.flags = cpu.detected;
  cpu.cap = NULL;

  const char *env = getenv("OPSCOPE_ISA");
  if (env != NULL && env[0] != '\0') {
    char why[128];
    if (apply_cap(env, why, sizeof why) != OPS_OK)
      snprintf(cpu.env_note, sizeof cpu.env_note, "OPSCOPE_ISA=%s ignored: %s", env, why);
  }
}

const struct ops_cpu *ops_cpu_get(void) {
  pthread_once(&cpu_once, cpu_init);
  return &cpu;
}

enum ops_status ops_cpu_set_isa_cap(const char *name, char *msg, size_t msg_len) {
  ops_cpu_get();
  if (name == NULL) name = "(null)";
  pthread_mutex_lock(&cap_lock);
  enum ops_status status;
  if (cap_frozen) {
    if (msg != NULL && msg_len > 0)
      snprintf(msg, msg_len,
               "cannot cap the ISA at '%s': kernels were already chosen for %s; set it first", name,
               ops_cpu_isa_name());
    status = OPS_ERR_UNAVAILABLE;
  } else {
    status = apply_cap(name, msg, msg_len);
  }
  pthread_mutex_unlock(&cap_lock);
  return status;
}

uint32_t ops_cpu_dispatch_flags(void) {
  ops_cpu_get();
  pthread_mutex_lock(&cap_lock);
  cap_frozen = true;
  uint32_t flags = cpu.flags;
  pthread_mutex_unlock(&cap_lock);
  return flags;
}

const char *ops_cpu_isa_name(void) {
  uint32_t flags = ops_cpu_get()->flags;
  if (flags & OPS_ISA_AVX512F) return "avx512f";
  if (flags & OPS_ISA_AVX2) return "avx2";
  if (flags & OPS_ISA_NEON) return "neon";
  return "scalar";
}

bool ops_cpu_flags_str(uint32_t flags, char *buf, size_t len) {
  if (buf == NULL || len == 0) return false;
  size_t used = 0;
  buf[0] = '\0';
  for (size_t bit = 0; bit < sizeof isa_names / sizeof isa_names[0]; bit++) {
    if (!(flags & (1u << bit))) continue;
    int n = snprintf(buf + used, len - used, "%s%s", used ? " " : "", isa_names[bit]);
    if (n < 0 || (size_t)n >= len - used) return false;
    used += (size_t)n;
  }
  if (used == 0) {
    int n = snprintf(buf, len, "none");
    return n > 0 && (size_t)n < len;
  }
  return true;
}
