/*
 * Graph passes: graph -> graph rewrites of a loaded, shape-inferred struct ops_graph, run once
 * before planning so the plan, the reports and the kernels see the rewritten graph
 * (docs/passes.md). Each pass is one file, compiler/pass-<name>.c, and one row of the table in
 * compiler/passes.c with the lowest optimisation level that runs it:
 *
 *   O0  nothing
 *   O1  fold (constant folding), identity (no-op Identity/Dropout/Reshape/Transpose/Cast...),
 *       dce (dead nodes)
 *   O2  O1 + cse (identical nodes merged), bn (BatchNormalization folded into the Conv before it)
 *   O3  O2 + fuse (MatMul+Add as Gemm; Relu, Clip, Sigmoid, SiLU, HardSwish into Conv and Gemm)
 *
 * Passes keep graph output names: the tensor that a graph output names is always produced by
 * some node of the rewritten graph (or becomes an initializer only when nothing computes it).
 *
 * Adding a pass: write compiler/pass-<name>.c with an `ops_pass_<name>` function of type
 * ops_pass_fn, declare it in compiler/pass-impl.h, add a row to the table in passes.c.
 */
#ifndef OPSCOPE_COMPILER_PASSES_H
#define OPSCOPE_COMPILER_PASSES_H

#include <stdbool.h>
#include <stddef.h>

#include "src/diag.h"
#include "src/graph.h"

#define OPS_OPT_LEVEL_MAX 3
#define OPS_OPT_LEVEL_DEFAULT 3 /* full optimisation, as most inference tools default to */
#define OPS_PASS_MAX 16         /* rows of the pass table, with room */

/* What one pass did, for the reports. */
struct ops_pass_stat {
  const char *name;    /* static: "fold", "dce", ... */
  int level;           /* lowest level that runs it */
  size_t nodes_before; /* nodes of the graph when the pass started */
  size_t nodes_after;
  size_t rewrites; /* nodes removed, merged or rewritten */
  double ms;       /* wall time of the pass, milliseconds */
};

/* The passes of one run, in the order they ran. */
struct ops_pass_report {
  int level; /* the optimisation level, 0..OPS_OPT_LEVEL_MAX */
  struct ops_pass_stat stats[OPS_PASS_MAX];
  size_t n;
  double ms; /* all passes and the dumps together */
};

/* One row of the pass table. */
struct ops_pass_info {
  const char *name;
  int level;
  const char *summary; /* one line for --help and docs */
};

/* The pass table, in run order; *n gets the row count. Borrowed, static. */
const struct ops_pass_info *ops_passes_table(size_t *n);

/* Parses "O2", "o2" or "2" into 0..OPS_OPT_LEVEL_MAX; -1 when it is none of those. */
int ops_opt_level_parse(const char *text);

/* True when every tensor a node reads or writes has a known dtype and shape: the passes rewrite
 * only static graphs, since a shape fixed later could undo what they relied on. */
bool ops_passes_ready(const struct ops_graph *g);

/* Runs every pass whose level is at most `level` (0..OPS_OPT_LEVEL_MAX) on `g`, which has been
 * validated and shape-inferred, and fills `report` (may be NULL). With `dump_dir` (may be NULL)
 * it writes the graph as it came (dump_dir/00-input.json) and after every pass that changed
 * something (NN-<pass>.json, weights beside it as .bin) as JSON IR.
 * Fails with OPS_ERR_BAD_INPUT for a level out of range, OPS_ERR_IO when a dump cannot be
 * written, OPS_ERR_NO_MEMORY; the graph is then valid but may be partly rewritten. */
enum ops_status ops_passes_run(struct ops_graph *g, int level, const char *dump_dir,
                               struct ops_pass_report *report, struct ops_diag *d);

#endif /* OPSCOPE_COMPILER_PASSES_H */
