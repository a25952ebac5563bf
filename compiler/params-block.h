/*
 * Kernel params blocks: every binder allocates its params (and whatever it packs behind them)
 * here, so a binding knows its params' size without knowing their type. The ahead-of-time
 * emitter (compiler/aot-emit.c) copies a block byte for byte into the weights file and fixes
 * up the pointers inside it (compiler/aot-reloc.c); nothing else needs the size.
 */
#ifndef OPSCOPE_COMPILER_PARAMS_BLOCK_H
#define OPSCOPE_COMPILER_PARAMS_BLOCK_H

#include <stddef.h>

/* A zeroed block of `bytes` bytes, 64-byte aligned; NULL when out of memory or too large. */
void *ops_params_alloc(size_t bytes);

/* The size given to ops_params_alloc for block `p` (0 for NULL). */
size_t ops_params_bytes(const void *p);

/* Frees a block from ops_params_alloc; NULL is a no-op. */
void ops_params_free(void *p);

#endif /* OPSCOPE_COMPILER_PARAMS_BLOCK_H */
