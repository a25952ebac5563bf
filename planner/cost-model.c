/* The roofline estimate and its defaults (planner/cost-model.h, docs/costs.md). */
#include "planner/cost-model.h"

#include <errno.h>
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
  t->overhead_us = 2.0;
  t->wake_us = 50.0;
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

/* ---- the calibration file ---- */

/* One number of the model, by key: "scalar.gflops", "simd.gbs.L2", "threads.eff.conv",
 * "scalar.overhead_us". NULL for an unknown key. */
static double *field(struct ops_cost_model *m, const char *key) {
  for (int u = OPSCOPE_UNIT_SCALAR; u < OPSCOPE_UNIT_ALL; u++) {
    const char *name = opscope_unit_name(u);
    size_t n = strlen(name);
    if (strncmp(key, name, n) != 0 || key[n] != '.') continue;
    const char *rest = key + n + 1;
    struct ops_unit_peaks *p = &m->units[u];
    if (strcmp(rest, "gflops") == 0) return &p->gflops;
    if (strcmp(rest, "overhead_us") == 0) return &p->overhead_us;
    if (strcmp(rest, "wake_us") == 0) return &p->wake_us;
    for (int l = 0; l < OPS_MEM_LEVELS; l++) {
      if (strncmp(rest, "gbs.", 4) == 0 && strcmp(rest + 4, level_names[l]) == 0) return &p->gbs[l];
    }
    for (int c = 0; c < OPS_CLASS_COUNT; c++) {
      if (strncmp(rest, "eff.", 4) == 0 && strcmp(rest + 4, ops_op_class_name(c)) == 0) {
        return &p->efficiency[c];
      }
    }
  }
  return NULL;
}

enum ops_status ops_cost_model_save(const struct ops_cost_model *m, const char *path,
                                    const char *cpu, const char *isa, struct ops_diag *d) {
  FILE *f = fopen(path, "w");
  if (f == NULL) return ops_fail(d, OPS_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
  fprintf(f, "# opscope calibration (docs/costs.md): key value\n");
  fprintf(f, "cpu %s\nisa %s\n", cpu, isa);
  for (int u = OPSCOPE_UNIT_SCALAR; u < OPSCOPE_UNIT_ALL; u++) {
    const struct ops_unit_peaks *p = &m->units[u];
    const char *name = opscope_unit_name(u);
    fprintf(f, "%s.gflops %.6g\n%s.overhead_us %.6g\n", name, p->gflops, name, p->overhead_us);
    if (p->wake_us > 0) fprintf(f, "%s.wake_us %.6g\n", name, p->wake_us);
    for (int l = 0; l < OPS_MEM_LEVELS; l++)
      fprintf(f, "%s.gbs.%s %.6g\n", name, level_names[l], p->gbs[l]);
    for (int c = 0; c < OPS_CLASS_COUNT; c++)
      fprintf(f, "%s.eff.%s %.6g\n", name, ops_op_class_name(c), p->efficiency[c]);
  }
  if (fclose(f) != 0) return ops_fail(d, OPS_ERR_IO, "%s: write failed: %s", path, strerror(errno));
  return OPS_OK;
}

enum ops_status ops_cost_model_load(struct ops_cost_model *m, const char *path,
                                    struct ops_diag *d) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return ops_fail(d, OPS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  char line[256];
  int lineno = 0;
  enum ops_status st = OPS_OK;
  while (fgets(line, sizeof line, f) != NULL) {
    lineno++;
    if (line[0] == '#' || line[0] == '\n') continue;
    char key[128];
    double value;
    if (strncmp(line, "cpu ", 4) == 0 || strncmp(line, "isa ", 4) == 0) continue;
    if (sscanf(line, "%127s %lf", key, &value) != 2) {
      st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s:%d: expected 'key value'", path, lineno);
      break;
    }
    double *target = field(m, key);
    if (target == NULL) {
      st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s:%d: unknown key '%s'", path, lineno, key);
      break;
    }
    if (!(value > 0) || value > 1e9) {
      st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s:%d: %s must be a positive number", path, lineno, key);
      break;
    }
    *target = value;
  }
  fclose(f);
  if (st != OPS_OK) return st;
  m->calibrated = true;
  snprintf(m->source, sizeof m->source, "calibrated (%.230s)", path);
  return OPS_OK;
}

static void sanitize(char *s) {
  for (; *s; s++) {
    char c = *s;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-';
    if (!ok) *s = '_';
  }
}

bool ops_cost_model_cache_path(char *buf, size_t len, const char *cpu, const char *isa) {
  char key[192];
  snprintf(key, sizeof key, "%s-%s", cpu, isa);
  sanitize(key);
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  int n;
  if (xdg != NULL && xdg[0] == '/') {
    n = snprintf(buf, len, "%s/opscope/calibration-%s.txt", xdg, key);
  } else if (home != NULL && home[0] == '/') {
    n = snprintf(buf, len, "%s/.cache/opscope/calibration-%s.txt", home, key);
  } else {
    return false;
  }
  return n > 0 && (size_t)n < len;
}

void ops_cost_model_current(struct ops_cost_model *m, const char *cpu, const char *isa) {
  ops_cost_model_defaults(m);
  char path[4096];
  if (!ops_cost_model_cache_path(path, sizeof path, cpu, isa)) return;
  struct ops_cost_model loaded = *m;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (access(path, R_OK) != 0) return;
  if (ops_cost_model_load(&loaded, path, &d) == OPS_OK) {
    *m = loaded;
  } else {
    /* A damaged cache must not stop planning: say why the defaults are used instead. */
    snprintf(m->source, sizeof m->source, "defaults (calibration unreadable: %.200s)", d.msg);
  }
}
