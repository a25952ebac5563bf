/*
 * Loading an ahead-of-time library (compiler/aot-emit.h) as a model.
 *
 * ops_aot_open reads the library's ELF file with libelf, without loading it: the metadata
 * section (.opscope_meta, JSON), the graph section (.opscope_graph, JSON IR) and the op functions
 * in its dynamic symbol table, which must match the metadata's op list one for one. The graph
 * becomes the model opscope analyzes and plans; ops_aot_exec_new then loads the library
 * (dlopen), makes an instance and wraps its op functions as the steps of an ops_exec, so runs,
 * per-op profiles, traces and reports work on it as on a model opscope compiled itself.
 */
#ifndef OPSCOPE_COMPILER_AOT_LOAD_H
#define OPSCOPE_COMPILER_AOT_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/exec.h"
#include "planner/plan.h"
#include "src/diag.h"

struct ops_aot_op {
  char *symbol, *node, *op, *kernel; /* owned */
  int unit;                          /* enum opscope_unit */
};

struct ops_aot_lib {
  char *path;       /* owned; the .so */
  char *meta_json;  /* owned; the metadata section's text */
  char *graph_json; /* owned; the graph section's JSON IR */
  size_t graph_len;
  char *model, *source, *prefix, *isa; /* owned; from the metadata */
  int unit;                            /* enum opscope_unit the library was compiled for */
  int opt_level;
  uint32_t isa_flags; /* enum ops_isa_flags its kernels need */
  int64_t opset;
  size_t arena_bytes, activation_bytes, naive_bytes, scratch_bytes, packed_bytes;
  size_t weights_bytes;
  size_t n_ops;
  struct ops_aot_op *ops; /* owned; n_ops, in run order */
  size_t n_acts;
  char **act_names;    /* owned; activations' names */
  size_t *act_offsets; /* and their arena offsets */
  void *dl;            /* dlopen handle once loaded, else NULL */
};

/* Reads the library at `path`. Fails with OPS_ERR_BAD_INPUT naming the file when it is not an
 * ELF file, has no opscope sections, or its metadata, graph or symbols are malformed or
 * disagree; OPS_ERR_IO when it cannot be read. */
enum ops_status ops_aot_open(const char *path, struct ops_aot_lib **out, struct ops_diag *d);
void ops_aot_close(struct ops_aot_lib *lib);

/* True when `path` names an ahead-of-time library (ends in ".so"). */
bool ops_aot_is_library(const char *path);

/* Forces every node of `plan` onto the unit the library ran it on. Fails when the plan's graph
 * does not have the library's ops in the library's order. */
enum ops_status ops_aot_plan_adopt(const struct ops_aot_lib *lib, struct ops_plan *plan,
                                   struct ops_diag *d);

/* Loads the library (once), makes an instance with its own arena, and wraps it as an exec over
 * `plan` (adopted by ops_aot_plan_adopt). Fails with OPS_ERR_UNAVAILABLE when this CPU lacks
 * the library's ISA, OPS_ERR_BAD_INPUT naming the file when it cannot be loaded or its weights
 * file is missing, short or from another compilation. */
enum ops_status ops_aot_exec_new(struct ops_aot_lib *lib, const struct ops_plan *plan,
                                 struct ops_exec **out, struct ops_diag *d);

#endif /* OPSCOPE_COMPILER_AOT_LOAD_H */
