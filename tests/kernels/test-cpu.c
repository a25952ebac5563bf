/*
 * Tests of kernels/cpu.c: detection agrees with itself and with what Linux reports in
 * /proc/cpuinfo, the ISA cap lowers what kernels see (and the kernel config follows it), bad
 * and unavailable cap names are refused with a message, and the cap is fixed once a kernel was
 * chosen. CTest also runs this binary with OPSCOPE_ISA set (tests/kernels/CMakeLists.txt); the
 * first case checks the variable's effect then, and skips otherwise.
 */
#include "test-util.h"

#include <stdbool.h>
#include <stdlib.h>

#include "kernels/cpu.h"
#include "kernels/kconfig.h"

#if defined(__x86_64__) || defined(__aarch64__)
/* True when /proc/cpuinfo's first "flags" (x86) or "Features" (arm) line lists `flag`; skips
 * the test when the file has no such line. */
static bool cpuinfo_has(const char *flag) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f == NULL) {
    print_message("skipping: /proc/cpuinfo is not readable\n");
    skip();
  }
  static char line[8192];
  bool found_line = false, has = false;
  while (!found_line && fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, "flags", 5) != 0 && strncmp(line, "Features", 8) != 0) continue;
    found_line = true;
    char *colon = strchr(line, ':');
    for (char *tok = strtok(colon != NULL ? colon + 1 : line, " \t\n"); tok != NULL;
         tok = strtok(NULL, " \t\n"))
      if (strcmp(tok, flag) == 0) has = true;
  }
  fclose(f);
  if (!found_line) {
    print_message("skipping: /proc/cpuinfo has no flags line\n");
    skip();
  }
  return has;
}
#endif

static void test_env_cap(void **state) {
  (void)state;
  const char *env = getenv("OPSCOPE_ISA");
  if (env == NULL || env[0] == '\0') {
    print_message("skipping: OPSCOPE_ISA is not set (CTest sets it for test-cpu-env-*)\n");
    skip();
  }
  const struct ops_cpu *cpu = ops_cpu_get();
  if (strcmp(env, "avx2") == 0) {
    if (!(cpu->detected & OPS_ISA_AVX2)) {
      OPS_ASSERT_CONTAINS(cpu->env_note, "not available");
      assert_int_equal(cpu->flags, cpu->detected);
      return;
    }
    assert_string_equal(cpu->cap, "avx2");
    assert_string_equal(cpu->env_note, "");
    assert_int_equal(cpu->flags & OPS_ISA_AVX512F, 0);
    assert_int_equal(cpu->flags & OPS_ISA_AVX2, OPS_ISA_AVX2);
    assert_string_equal(ops_cpu_isa_name(), "avx2");
  } else if (strcmp(env, "scalar") == 0) {
    assert_string_equal(cpu->cap, "scalar");
    assert_int_equal(cpu->flags, 0);
  } else {
    /* Any other value in the CTest registrations is a bad name: ignored, with a note. */
    OPS_ASSERT_CONTAINS(cpu->env_note, "OPSCOPE_ISA=");
    OPS_ASSERT_CONTAINS(cpu->env_note, env);
    OPS_ASSERT_CONTAINS(cpu->env_note, "unknown ISA");
    assert_null(cpu->cap);
    assert_int_equal(cpu->flags, cpu->detected);
  }
}

static void test_detect_consistent(void **state) {
  (void)state;
  const struct ops_cpu *cpu = ops_cpu_get();
  assert_ptr_equal(cpu, ops_cpu_get());
  assert_true(cpu->model[0] != '\0');
  assert_int_equal(cpu->flags & ~cpu->detected, 0);
  assert_int_equal(cpu->detected & ~OPS_ISA_ALL, 0);
  char text[256];
  assert_true(ops_cpu_flags_str(cpu->detected, text, sizeof text));
  print_message("cpu: %s; detected: %s; in effect: %s\n", cpu->model, text, ops_cpu_isa_name());
#if defined(__x86_64__)
  uint32_t d = cpu->detected;
  assert_int_equal(d & OPS_ISA_NEON, 0);
  /* Every x86-64 CPU with AVX2 has SSE4.2, and every AVX-512 extension needs the foundation. */
  if (d & OPS_ISA_AVX2) assert_int_equal(d & OPS_ISA_SSE42, OPS_ISA_SSE42);
  if (d & OPS_ISA_AVX512F) assert_int_equal(d & OPS_ISA_AVX2, OPS_ISA_AVX2);
  uint32_t ext = OPS_ISA_AVX512BW | OPS_ISA_AVX512VL | OPS_ISA_AVX512DQ | OPS_ISA_AVX512VNNI |
                 OPS_ISA_AVX512BF16;
  if (d & ext) assert_int_equal(d & OPS_ISA_AVX512F, OPS_ISA_AVX512F);
  /* Linux lists a feature only when the kernel also enabled its register state, which is what
   * the XGETBV check establishes, so the two must agree. */
  assert_int_equal(!!(d & OPS_ISA_SSE42), cpuinfo_has("sse4_2"));
  assert_int_equal(!!(d & OPS_ISA_AVX2), cpuinfo_has("avx2") && cpuinfo_has("fma"));
  assert_int_equal(!!(d & OPS_ISA_AVX512F), cpuinfo_has("avx512f"));
  if (d & OPS_ISA_AVX512F) {
    assert_int_equal(!!(d & OPS_ISA_AVX512BW), cpuinfo_has("avx512bw"));
    assert_int_equal(!!(d & OPS_ISA_AVX512VL), cpuinfo_has("avx512vl"));
    assert_int_equal(!!(d & OPS_ISA_AVX512DQ), cpuinfo_has("avx512dq"));
    assert_int_equal(!!(d & OPS_ISA_AVX512VNNI), cpuinfo_has("avx512_vnni"));
    assert_int_equal(!!(d & OPS_ISA_AVX512BF16), cpuinfo_has("avx512_bf16"));
  }
#elif defined(__aarch64__)
  assert_int_equal(cpu->detected, OPS_ISA_NEON);
  /* Linux calls Advanced SIMD "asimd" on aarch64. */
  assert_true(cpuinfo_has("asimd"));
#endif
}

static void test_flags_str(void **state) {
  (void)state;
  char buf[64];
  assert_true(ops_cpu_flags_str(0, buf, sizeof buf));
  assert_string_equal(buf, "none");
  assert_true(ops_cpu_flags_str(OPS_ISA_SSE42 | OPS_ISA_AVX2 | OPS_ISA_AVX512F, buf, sizeof buf));
  assert_string_equal(buf, "sse4.2 avx2 avx512f");
  char tiny[8];
  assert_false(ops_cpu_flags_str(OPS_ISA_SSE42 | OPS_ISA_AVX2, tiny, sizeof tiny));
}

static void test_bad_names_refused(void **state) {
  (void)state;
  const struct ops_cpu *cpu = ops_cpu_get();
  uint32_t before = cpu->flags;
  char msg[256];
  const char *bad[] = {"avx1024", "", "AVX2", "avx2 ", "scalar,avx2"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    msg[0] = '\0';
    assert_int_equal(ops_cpu_set_isa_cap(bad[i], msg, sizeof msg), OPS_ERR_BAD_INPUT);
    OPS_ASSERT_CONTAINS(msg, "unknown ISA");
    OPS_ASSERT_CONTAINS(msg, bad[i]);
    assert_int_equal(cpu->flags, before);
  }
  assert_int_equal(ops_cpu_set_isa_cap(NULL, NULL, 0), OPS_ERR_BAD_INPUT);
  /* An ISA of the other architecture is known but unavailable. */
#if defined(__aarch64__)
  const char *missing = "avx2";
#else
  const char *missing = "neon";
#endif
  assert_int_equal(ops_cpu_set_isa_cap(missing, msg, sizeof msg), OPS_ERR_UNAVAILABLE);
  OPS_ASSERT_CONTAINS(msg, "not available on this CPU");
  OPS_ASSERT_CONTAINS(msg, cpu->model);
  assert_int_equal(cpu->flags, before);
  if (!(cpu->detected & OPS_ISA_AVX512F)) {
    assert_int_equal(ops_cpu_set_isa_cap("avx512f", msg, sizeof msg), OPS_ERR_UNAVAILABLE);
    OPS_ASSERT_CONTAINS(msg, "avx512f");
  }
}

static void test_cap_lowers(void **state) {
  (void)state;
  const struct ops_cpu *cpu = ops_cpu_get();
  char msg[256];
  assert_int_equal(ops_cpu_set_isa_cap("scalar", msg, sizeof msg), OPS_OK);
  assert_int_equal(cpu->flags, 0);
  assert_string_equal(cpu->cap, "scalar");
  assert_string_equal(ops_cpu_isa_name(), "scalar");
  if (cpu->detected & OPS_ISA_AVX2) {
    assert_int_equal(ops_cpu_set_isa_cap("avx2", msg, sizeof msg), OPS_OK);
    assert_int_equal(cpu->flags & OPS_ISA_AVX512F, 0);
    assert_int_equal(cpu->flags & (OPS_ISA_AVX2 | OPS_ISA_SSE42), OPS_ISA_AVX2 | OPS_ISA_SSE42);
    assert_int_equal(cpu->flags & ~cpu->detected, 0);
    assert_string_equal(ops_cpu_isa_name(), "avx2");
  }
  if (cpu->detected & OPS_ISA_AVX512F) {
    /* The widest cap gives back everything detected. */
    assert_int_equal(ops_cpu_set_isa_cap("avx512", msg, sizeof msg), OPS_OK);
    assert_int_equal(cpu->flags, cpu->detected);
    assert_string_equal(ops_cpu_isa_name(), "avx512f");
  }
}

/* Runs last: choosing a kernel fixes the cap. */
static void test_kconfig_follows_cap_then_freezes(void **state) {
  (void)state;
  const struct ops_cpu *cpu = ops_cpu_get();
  char msg[256];
  const char *cap = (cpu->detected & OPS_ISA_AVX2) ? "avx2" : "scalar";
  assert_int_equal(ops_cpu_set_isa_cap(cap, msg, sizeof msg), OPS_OK);
  const struct ops_kconfig_gemm *cfg = ops_kconfig_f32_gemm();
  assert_non_null(cfg);
  assert_int_equal(cfg->isa_flags & ~cpu->flags, 0);
  OPS_ASSERT_CONTAINS(cfg->name, (cpu->detected & OPS_ISA_AVX2) ? "__simd_avx2" : "__scalar");
  assert_int_equal(ops_cpu_set_isa_cap("scalar", msg, sizeof msg), OPS_ERR_UNAVAILABLE);
  OPS_ASSERT_CONTAINS(msg, "already chosen");
  assert_string_equal(cpu->cap, cap);
  assert_ptr_equal(ops_kconfig_f32_gemm(), cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_env_cap),    cmocka_unit_test(test_detect_consistent),
      cmocka_unit_test(test_flags_str),  cmocka_unit_test(test_bad_names_refused),
      cmocka_unit_test(test_cap_lowers), cmocka_unit_test(test_kconfig_follows_cap_then_freezes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
