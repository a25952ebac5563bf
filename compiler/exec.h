/*
 * The executable plan: a compute plan lowered for running. Every non-constant node becomes a
 * step with its kernel bound and its ops_kcall filled once; every activation gets a slice of one
 * arena planned from liveness. A run is then a loop of kernel calls with no allocation.
 *
 * Stages are separate so each can be timed: ops_exec_new (bind + memory plan + allocate),
 * ops_exec_set_input, ops_exec_run, ops_exec_tensor, ops_exec_free.
 */
#ifndef OPSCOPE_COMPILER_EXEC_H
#define OPSCOPE_COMPILER_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/bind.h"
#include "kernels/kernel.h"
#include "planner/plan.h"
#include "src/diag.h"
#include "src/graph.h"

struct ops_step {
  int node;                /* index into graph->nodes */
  int unit;                /* enum opscope_unit it runs on */
  struct ops_binding bind; /* kernel and params */
  struct ops_kcall call;   /* filled at compile time; points into the arrays below */
  const void **in;         /* owned arrays backing `call` */
  struct ops_kdims *in_dims;
  int *in_dtype;
  void **out;
  struct ops_kdims *out_dims;
  int *out_dtype;
};

struct ops_exec {
  const struct ops_graph *graph; /* borrowed */
  const struct ops_plan *plan;   /* borrowed */
  struct ops_step *steps;        /* owned; n_steps entries in run order */
  size_t n_steps;
  unsigned char *arena;    /* owned; arena_bytes bytes, OPS_MEM_ALIGN-aligned */
  size_t arena_bytes;      /* after liveness-based reuse */
  size_t naive_bytes;      /* the sum of all activation buffers, without reuse */
  size_t scratch_bytes;    /* largest scratch of any step; it lives at the arena's end */
  size_t concats_in_place; /* Concats whose inputs were planned inside their output
                              (compiler/concat-in-place.h), so they copy nothing */
  void **tensor_data;      /* owned; per graph tensor, where its bytes are during a run
                              (constant data, or a slice of the arena); NULL if unused */
  struct ops_pool *pool;   /* the threads unit's persistent pool, shared by the compiled models
                              of the process (counted); NULL when no step runs on threads */
  bool profile;            /* time each step (ops_exec_set_profiling) */
  /* Called at every step boundary of a run (ops_exec_set_step_hook): before step s with s, and
   * after the last with n_steps; NULL when none. Lets the profiler read counters per op. */
  void (*step_hook)(void *ctx, size_t step);
  void *step_hook_ctx;
  uint64_t *step_ns;      /* owned; per step, nanoseconds summed over profiled runs */
  uint64_t profiled_runs; /* runs summed in step_ns */
  /* The sampling profiler's timeline (ops_exec_set_timeline); all 0 when none is attached. */
  uint64_t *timeline;        /* borrowed; timeline_cap entries, CLOCK_MONOTONIC nanoseconds */
  size_t timeline_cap;       /* entries */
  size_t timeline_len;       /* entries written, whole runs of n_steps + 1 */
  uint64_t timeline_skipped; /* runs not recorded because the buffer was full */
  /* The arena's activation part (inputs and activations, reused by liveness), comparable with
   * naive_bytes; the scratch region comes after it, up to arena_bytes. */
  size_t activation_bytes;
  /* Set for an exec whose steps run elsewhere (ops_exec_new_external): called once by
   * ops_exec_free to release what runs them. */
  void (*release)(void *ctx);
  void *release_ctx;
};

/* The steps and memory of a compiled model that opscope did not bind itself (an ahead-of-time
 * library, compiler/aot-load.c), described so the same runs, profiling and reports work on it. */
struct ops_exec_external {
  size_t n_steps;                                /* the plan's non-constant nodes, in order */
  const struct ops_kernel_entry *const *kernels; /* per step: called with the step's call */
  const void *const *params;                     /* per step: the call's params */
  void *const *tensor_data;                      /* per graph tensor: its bytes, or NULL */
  size_t arena_bytes, activation_bytes, naive_bytes, scratch_bytes;
  void (*release)(void *ctx); /* called once when the exec is freed, or when this call fails */
  void *release_ctx;
};

/* Compiles `plan` (whose graph must outlive the result). Fails with OPS_ERR_UNSUPPORTED naming
 * the node when a node has no unit or its kernel refuses its attributes. */
enum ops_status ops_exec_new(const struct ops_plan *plan, struct ops_exec **out,
                             struct ops_diag *d);
/* ops_exec_new that first adds up the arena, the scratch and the weights packed at bind time and
 * fails with OPS_ERR_NO_MEMORY, naming each part, when they exceed `max_bytes` (bytes; 0 is no
 * limit) or the machine's physical memory, which ops_exec_new checks too. The check runs before
 * the arena is allocated (packing, bounded by the weights already in memory, is done by then). */
enum ops_status ops_exec_new_limited(const struct ops_plan *plan, size_t max_bytes,
                                     struct ops_exec **out, struct ops_diag *d);
void ops_exec_free(struct ops_exec *exec);

/* An exec over steps that `x` provides (its arrays are copied; kernels and params must outlive
 * the exec). Fails with OPS_ERR_BAD_INPUT when x's step count does not match the plan's. */
enum ops_status ops_exec_new_external(const struct ops_plan *plan,
                                      const struct ops_exec_external *x, struct ops_exec **out,
                                      struct ops_diag *d);

/* Copies `nbytes` into graph input tensor `tensor`; the size must equal the input's byte size. */
enum ops_status ops_exec_set_input(struct ops_exec *exec, int tensor, const void *data,
                                   size_t nbytes, struct ops_diag *d);

/* Runs every step once. Fails only on data a kernel could not check earlier (an out-of-range
 * index), naming the node. */
enum ops_status ops_exec_run(struct ops_exec *exec, struct ops_diag *d);

/* Turns per-step timing on or off and clears what was summed. Off, it costs one branch per run. */
void ops_exec_set_profiling(struct ops_exec *exec, bool on);

/* Attaches a caller-owned buffer of `cap` entries (NULL detaches) into which each later run
 * writes n_steps + 1 CLOCK_MONOTONIC nanosecond times: the start of every step, then the end of
 * the run, so a sample's time can be matched to the step running then (ops_sample_attribute).
 * Runs that no longer fit are counted in timeline_skipped. Independent of per-step profiling;
 * detached, it costs nothing beside the profiling branch. The buffer must outlive the runs. */
void ops_exec_set_timeline(struct ops_exec *exec, uint64_t *buf, size_t cap);

/* Threads of the threads unit's pool (the -j option): 1..OPS_POOL_MAX_THREADS, or 0 for one
 * per online CPU (the default). Takes effect when the pool is next made, that is before the
 * first model with a threads step is compiled, or after every such model was freed. */
void ops_exec_set_pool_threads(int nth);

/* The threads the pool has, or will have when made. */
int ops_exec_pool_threads(void);

/* Attaches (fn not NULL) or detaches a step hook (see struct ops_exec). It runs outside the
 * steps' timing only in the sense that its own cost lands in the step after it: use it in runs
 * kept apart from timed ones. */
void ops_exec_set_step_hook(struct ops_exec *exec, void (*fn)(void *ctx, size_t step), void *ctx);

/* Bytes of tensor `tensor` after a run (borrowed), or NULL when the plan does not keep it. */
const void *ops_exec_tensor(const struct ops_exec *exec, int tensor);

#endif /* OPSCOPE_COMPILER_EXEC_H */
