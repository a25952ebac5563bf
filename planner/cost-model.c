/* The roofline estimate and its defaults (planner/cost-model.h, docs/costs.md). */
#include "planner/cost-model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const level_names[OPS_MEM_LEVELS] = {"L1", "L2", "L3", "DRAM"};

const char *ops_mem_level_name(enum ops_mem_level level) {
  return (unsigned)level < OPS_MEM_LEVELS ? level_names[level] : "?";
}

/* Cache size of `level` (1, 2, 3; data or unified) from sysfs, in bytes; 0 when unknown. */
static double sysfs_cache_bytes(int level) {
  for (int index = 0; index < 8; index++) {
    char path[128], text[64];
    int got_level = 0;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", index);
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0.0;
    if (fscanf(f, "%d", &got_level) != 1) got_level = 0;
    fclose(f);
    if (got_level != level) continue;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", index);
    f = fopen(path, "r");
    if (f == NULL) continue;
    bool instruction = fgets(text, sizeof text, f) != NULL && strncmp(text, "Instruction", 11) == 0;
    fclose(f);
    if (instruction) continue;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
    f = fopen(path, "r");
    if (f == NULL) continue;
    unsigned long size = 0;
    char suffix = 0;
    int fields = fscanf(f, "%lu%c", &size, &suffix);
    fclose(f);
    if (fields < 1) continue;
    double bytes = (double)size;
    if (fields == 2 && (suffix == 'K' || suffix == 'k')) bytes *= 1024.0;
    if (fields == 2 && suffix == 'M') bytes *= 1024.0 * 1024.0;
    return bytes;
  }
  return 0.0;
}

static void set_efficiency(struct ops_unit_peaks *u, double conv, double depthwise, double gemm,
                           double elementwise, double transcendental, double pool, double reduce,
                           double norm) {
  u->efficiency[OPS_CLASS_CONV] = conv;
  u->efficiency[OPS_CLASS_DEPTHWISE] = depthwise;
  u->efficiency[OPS_CLASS_GEMM] = gemm;
  u->efficiency[OPS_CLASS_ELEMENTWISE] = elementwise;
  u->efficiency[OPS_CLASS_TRANSCENDENTAL] = transcendental;
  u->efficiency[OPS_CLASS_POOL] = pool;
  u->efficiency[OPS_CLASS_REDUCE] = reduce;
  u->efficiency[OPS_CLASS_NORM] = norm;
  u->efficiency[OPS_CLASS_MOVE] = 1.0; /* no operations: its time is its bytes */
}

void ops_cost_model_defaults(struct ops_cost_model *m) {
  memset(m, 0, sizeof *m);
  /* Typical per-core sizes of current x86-64 server parts, used when sysfs has none (VMs). */
  static const double fallback[3] = {32.0 * 1024, 1024.0 * 1024, 32.0 * 1024 * 1024};
  m->caches_detected = true;
  for (int l = 0; l < 3; l++) {
    m->cache_bytes[l] = sysfs_cache_bytes(l + 1);
    if (m->cache_bytes[l] <= 0) {
      m->cache_bytes[l] = fallback[l];
      m->caches_detected = false;
    }
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  double n = cpus > 0 ? (double)cpus : 1.0;

  /* scalar: plain loops, one element per instruction, about 3 GHz. */
  struct ops_unit_peaks *s = &m->units[OPSCOPE_UNIT_SCALAR];
  s->gflops = 3.0;
  s->gbs[OPS_MEM_L1] = 12.0;
  s->gbs[OPS_MEM_L2] = 10.0;
  s->gbs[OPS_MEM_L3] = 8.0;
  s->gbs[OPS_MEM_DRAM] = 6.0;
  s->overhead_us = 0.2;
  set_efficiency(s, 0.6, 0.4, 0.7, 0.5, 0.6, 0.5, 0.6, 0.5);

  /* simd: 8 f32 lanes and two FMA pipes (AVX2) at about 3 GHz; calibration measures the rest. */
  struct ops_unit_peaks *v = &m->units[OPSCOPE_UNIT_SIMD];
  v->gflops = 96.0;
  v->gbs[OPS_MEM_L1] = 150.0;
  v->gbs[OPS_MEM_L2] = 70.0;
  v->gbs[OPS_MEM_L3] = 35.0;
  v->gbs[OPS_MEM_DRAM] = 12.0;
  v->overhead_us = 0.3;
  set_efficiency(v, 0.55, 0.2, 0.7, 0.25, 0.3, 0.2, 0.3, 0.2);

  /* threads: the SIMD kernels on every online CPU, less what waking the pool costs. */
  struct ops_unit_peaks *t = &m->units[OPSCOPE_UNIT_THREADS];
  *t = *v;
  t->gflops = v->gflops * n * 0.9;
  t->gbs[OPS_MEM_L1] = v->gbs[OPS_MEM_L1] * n;
  t->gbs[OPS_MEM_L2] = v->gbs[OPS_MEM_L2] * n;
  t->gbs[OPS_MEM_L3] = v->gbs[OPS_MEM_L3] * (n > 1 ? n * 0.7 : 1.0);
  t->gbs[OPS_MEM_DRAM] = v->gbs[OPS_MEM_DRAM] * (n > 1 ? 1.5 : 1.0);
  t->overhead_us = 5.0;
  snprintf(m->source, sizeof m->source, "defaults (no calibration: run opscope --calibrate)");
}

enum ops_mem_level ops_cost_mem_level(const struct ops_cost_model *m, double bytes) {
  for (int l = 0; l < 3; l++)
    if (bytes <= m->cache_bytes[l]) return (enum ops_mem_level)l;
  return OPS_MEM_DRAM;
}

double ops_cost_estimate_ms(const struct ops_cost_model *m, int unit,
                            const struct ops_node_cost *c) {
  if (unit < OPSCOPE_UNIT_SCALAR || unit >= OPSCOPE_UNIT_ALL) return 0.0;
  const struct ops_unit_peaks *u = &m->units[unit];
  double bytes = c->bytes_read + c->bytes_written;
  double eff = u->efficiency[c->cls] > 0 ? u->efficiency[c->cls] : 1.0;
  double compute_s = u->gflops > 0 ? c->flops / (u->gflops * eff * 1e9) : 0.0;
  double bw = u->gbs[ops_cost_mem_level(m, bytes)];
  double memory_s = bw > 0 ? bytes / (bw * 1e9) : 0.0;
  double s = compute_s > memory_s ? compute_s : memory_s;
  return s * 1e3 + u->overhead_us * 1e-3;
}
