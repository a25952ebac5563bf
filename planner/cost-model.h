/*
 * Time estimates per unit: a roofline over per-unit peaks. An op's time on a unit is
 *
 *   max(flops / (peak_gflops * efficiency[class]), bytes / bandwidth[level]) + overhead
 *
 * where `level` is the smallest cache that holds the op's bytes (L1, L2, L3, else DRAM). The
 * peaks come from `opscope --calibrate` when a calibration is cached for this CPU, else from
 * the documented defaults (docs/costs.md), and the model says which (`source`).
 */
#ifndef OPSCOPE_PLANNER_COST_MODEL_H
#define OPSCOPE_PLANNER_COST_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "opscope.h"
#include "planner/cost.h"

enum ops_mem_level { OPS_MEM_L1 = 0, OPS_MEM_L2, OPS_MEM_L3, OPS_MEM_DRAM, OPS_MEM_LEVELS };

const char *ops_mem_level_name(enum ops_mem_level level);

/* What one unit reaches. */
struct ops_unit_peaks {
  double gflops;              /* f32 operations per second at best, in G */
  double gbs[OPS_MEM_LEVELS]; /* bytes per second from each level, in G */
  double overhead_us; /* fixed cost of dispatching one op (threads: with the workers awake) */
  double wake_us;     /* threads: waking the pool's sleeping workers, once per run that uses it */
  double efficiency[OPS_CLASS_COUNT]; /* share of gflops each op class reaches */
};

struct ops_cost_model {
  struct ops_unit_peaks units[OPSCOPE_UNIT_ALL]; /* scalar, simd, threads */
  double cache_bytes[3];                         /* L1d, L2, L3 (per core for L1/L2) */
  bool caches_detected;                          /* false: cache sizes are defaults */
  bool calibrated;                               /* false: peaks are defaults */
  char source[256];                              /* "defaults" or the calibration file */
};

/* The defaults (docs/costs.md), with cache sizes from sysfs where it has them. */
void ops_cost_model_defaults(struct ops_cost_model *m);

/* Writes the model's peaks as "key value" lines (docs/costs.md), with `cpu` and `isa` recorded
 * so a later load can tell whose they are. */
enum ops_status ops_cost_model_save(const struct ops_cost_model *m, const char *path,
                                    const char *cpu, const char *isa, struct ops_diag *d);
/* Reads a file written by ops_cost_model_save over the defaults in *m (keys it lacks keep their
 * default); sets calibrated and source. OPS_ERR_IO when it cannot be opened, OPS_ERR_BAD_INPUT
 * naming the line when a line is malformed. */
enum ops_status ops_cost_model_load(struct ops_cost_model *m, const char *path, struct ops_diag *d);
/* The calibration cache file for this CPU model and ISA:
 * $XDG_CACHE_HOME/opscope/calibration-<cpu>-<isa>.txt (else ~/.cache/...), with characters other
 * than letters, digits, '.', '-' replaced by '_'. False when neither variable is set or the path
 * does not fit. */
bool ops_cost_model_cache_path(char *buf, size_t len, const char *cpu, const char *isa);
/* The model plans use: the cached calibration for (cpu, isa) when there is one, else the
 * defaults. */
void ops_cost_model_current(struct ops_cost_model *m, const char *cpu, const char *isa);

/* The memory level an op moving `bytes` is served from. */
enum ops_mem_level ops_cost_mem_level(const struct ops_cost_model *m, double bytes);

/* Estimated milliseconds of an op of cost `c` on `unit` (scalar, simd or threads). */
double ops_cost_estimate_ms(const struct ops_cost_model *m, int unit,
                            const struct ops_node_cost *c);

#endif /* OPSCOPE_PLANNER_COST_MODEL_H */
