/*
 * Ahead-of-time emission: a compiled model (struct ops_exec) written out as C and built into a
 * shared library that runs without opscope (docs/aot.md).
 *
 * For a prefix P and unit U it writes, in the output directory:
 *   P_U.c        the model: shapes, operand places and params as constants, one function per
 *                op calling its kernel, the public API, and two ELF sections: .opscope_meta
 *                (JSON: model, unit, ISA, opset, inputs, outputs, arena, ops with kernels and
 *                symbols) and .opscope_graph (the compiled graph as JSON IR)
 *   P_U.h        the public API for a program that links the library
 *   P_U.weights  the graph's constants and every op's params block with its packed weights
 *   P_U.so       built from P_U.c by the C compiler opscope was built with, statically linked
 *                with opscope's kernels and runtime (runtime/aot-runtime.h)
 *   P_U.build.log  the compiler's output
 */
#ifndef OPSCOPE_COMPILER_AOT_EMIT_H
#define OPSCOPE_COMPILER_AOT_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "compiler/exec.h"
#include "src/diag.h"

struct ops_aot_options {
  const char *out_dir; /* created when missing (one level) */
  const char *prefix;  /* file prefix: letters, digits, '_', '-' and '.' only */
  const char *source;  /* the model it came from, recorded in the metadata */
  int opt_level;       /* the graph passes' level, recorded */
  bool build;          /* build P_U.so; false writes the sources and weights only */
};

struct ops_aot_result {
  char base[4096];      /* out_dir/P_U, the files' common path without extension */
  char symbol[256];     /* P_U as a C identifier: the prefix of every exported symbol */
  size_t weights_bytes; /* of P_U.weights */
  size_t n_ops;         /* op functions emitted */
  double build_ms;      /* wall time of the C compiler; 0 when not built */
};

/* Emits `exec` (compiled from a plan whose requested unit names the library). Fails with
 * OPS_ERR_UNSUPPORTED naming the node when an op's params cannot be relocated, OPS_ERR_IO naming
 * the file when one cannot be written, and OPS_ERR_INTERNAL naming the log when the C compiler
 * fails. */
enum ops_status ops_aot_emit(const struct ops_exec *exec, const struct ops_aot_options *opts,
                             struct ops_aot_result *out, struct ops_diag *d);

/* The default prefix for a model path: the file's name without its extension, or, for a file
 * called model.* (the ONNX model zoo's layout), the name of its directory; "builtin:NAME" gives
 * NAME. Written to buf (len bytes) with characters outside [A-Za-z0-9_.-] replaced by '_'. */
void ops_aot_default_prefix(const char *model_path, char *buf, size_t len);

#endif /* OPSCOPE_COMPILER_AOT_EMIT_H */
