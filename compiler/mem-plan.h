/*
 * Memory planning: one arena per compiled model, with buffers whose lifetimes do not overlap
 * sharing bytes (XNNPACK's memory planner idea; STYLE.md §1: every byte a run needs is known
 * before the run).
 */
#ifndef OPSCOPE_COMPILER_MEM_PLAN_H
#define OPSCOPE_COMPILER_MEM_PLAN_H

#include <stddef.h>

#include "src/diag.h"

/* Alignment of every buffer in the arena (bytes): a cache line, and enough for any vector load. */
#define OPS_MEM_ALIGN 64

struct ops_mem_request {
  size_t bytes;  /* size of the buffer */
  int first;     /* first step that touches it (its producer, or 0 for inputs) */
  int last;      /* last step that reads it (inclusive); the step count for graph outputs */
  size_t offset; /* out: byte offset in the arena, a multiple of OPS_MEM_ALIGN */
};

/* Assigns offsets to `n` requests so that two requests live at the same time never share a byte,
 * placing large buffers first at the lowest offset that fits (greedy by size). Writes the arena
 * size in *arena_bytes and the sum of all aligned requests (the size without reuse) in
 * *naive_bytes. Fails with OPS_ERR_NO_MEMORY when sizes overflow. */
enum ops_status ops_mem_plan(struct ops_mem_request *reqs, size_t n, size_t *arena_bytes,
                             size_t *naive_bytes, struct ops_diag *d);

#endif /* OPSCOPE_COMPILER_MEM_PLAN_H */
