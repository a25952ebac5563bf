/*
 * The runtime of ahead-of-time libraries: what a library emitted by `opscope --compile`
 * (compiler/aot-emit.c) links statically besides the kernels it calls. The emitted C file
 * holds the model as constant tables of these types (one struct ops_aot_step per op: dims,
 * dtypes, where each operand lives, where its params block lies in the weights file and how to
 * fix the pointers inside it) and one function per op that calls its kernel directly. This file
 * turns the tables into a running instance: it reads and checks the weights file, relocates the
 * params blocks, allocates the arena, makes the thread pool, and fills one struct ops_kcall per
 * op.
 *
 * Everything here is ABI between the emitter and the library: the numbers and layouts are
 * versioned by OPS_AOT_ABI, which the emitted tables carry and the runtime checks.
 */
#ifndef OPSCOPE_RUNTIME_AOT_RUNTIME_H
#define OPSCOPE_RUNTIME_AOT_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/kernel.h"

#define OPS_AOT_ABI 1

/* Where an operand's bytes are in a running instance. */
enum ops_aot_where {
  OPS_AOT_NONE = 0,    /* an omitted optional operand: NULL */
  OPS_AOT_ARENA = 1,   /* offset into the instance's arena (activations and inputs) */
  OPS_AOT_WEIGHTS = 2, /* offset into the weights file's bytes (constants) */
};

struct ops_aot_ref {
  uint32_t where; /* enum ops_aot_where */
  uint64_t offset;
};

/* A pointer inside a params block, rewritten when the instance is made. */
enum ops_aot_reloc_kind {
  OPS_AOT_RELOC_SELF = 1,    /* into the same params block: block + target */
  OPS_AOT_RELOC_WEIGHTS = 2, /* into the weights file: weights + target */
  OPS_AOT_RELOC_KCONFIG = 3, /* a microkernel config of family `target` (kernels/kconfig-find.h)
                                found by `name` */
};

struct ops_aot_reloc {
  uint64_t at;     /* byte offset of the pointer in the params block */
  uint32_t kind;   /* enum ops_aot_reloc_kind */
  uint64_t target; /* see the kinds */
  const char *name;
};

struct ops_aot_step {
  const char *node; /* the graph node it computes, for messages */
  int n_in, n_out;
  const struct ops_aot_ref *in, *out;
  const struct ops_kdims *in_dims, *out_dims;
  const int *in_dtype, *out_dtype;
  struct ops_aot_ref params; /* the params block (OPS_AOT_WEIGHTS), or OPS_AOT_NONE */
  uint64_t params_bytes;
  const struct ops_aot_reloc *relocs;
  size_t n_relocs;
  uint64_t scratch_bytes; /* at the instance's scratch offset in the arena */
  int pooled;             /* runs on the instance's thread pool (the threads unit) */
};

/* A graph input or output. */
struct ops_aot_io {
  const char *name;
  struct ops_aot_ref ref;
  int dtype; /* opscope_dtype */
  struct ops_kdims dims;
  uint64_t bytes;
};

struct ops_aot_model {
  uint32_t abi;       /* OPS_AOT_ABI when emitted */
  uint32_t isa_flags; /* enum ops_isa_flags the kernels need */
  const char *name;   /* the symbol prefix, "squeezenet1_1_simd" */
  const char *weights_file;
  uint64_t weights_bytes, weights_fnv1a;
  uint64_t arena_bytes, scratch_offset;
  int pool_threads; /* threads the params were bound for; 0 when no op is pooled */
  size_t n_steps;
  const struct ops_aot_step *steps;
  size_t n_inputs, n_outputs;
  const struct ops_aot_io *inputs, *outputs;
};

struct ops_aot_instance;

/* Makes an instance of `model` with the weights file at `weights_path`, or, when that is NULL,
 * the model's weights_file in the directory of the library holding this code. Checks the ABI,
 * the CPU's ISA, the weights file's size and checksum. NULL on failure, with the reason in
 * err (err_len bytes). */
struct ops_aot_instance *ops_aot_instance_new(const struct ops_aot_model *model,
                                              const char *weights_path, char *err, size_t err_len);
void ops_aot_instance_free(struct ops_aot_instance *inst);

/* Step `step`'s kernel call (the op functions of the emitted file pass it to their kernel). */
const struct ops_kcall *ops_aot_instance_call(const struct ops_aot_instance *inst, size_t step);

/* Where `ref` points in the instance; NULL for OPS_AOT_NONE. */
void *ops_aot_instance_ptr(const struct ops_aot_instance *inst, struct ops_aot_ref ref);

/* The instance's arena. */
void *ops_aot_instance_arena(const struct ops_aot_instance *inst);

/* FNV-1a (64 bit), the weights file's checksum: start from OPS_AOT_FNV1A_INIT and feed the bytes
 * in order, in one call or several. */
#define OPS_AOT_FNV1A_INIT 0xcbf29ce484222325u
uint64_t ops_aot_fnv1a(uint64_t h, const void *data, size_t n);

#endif /* OPSCOPE_RUNTIME_AOT_RUNTIME_H */
