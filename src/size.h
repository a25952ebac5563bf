/*
 * Checked size arithmetic and allocation. Every size computed from a file goes through these
 * (STYLE.md §5): they return false instead of wrapping, and callers turn that into a message.
 */
#ifndef OPSCOPE_SRC_SIZE_H
#define OPSCOPE_SRC_SIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* *out = a * b; false on overflow. */
static inline bool ops_mul_size(size_t a, size_t b, size_t *out) {
  return !__builtin_mul_overflow(a, b, out);
}

/* *out = a + b; false on overflow. */
static inline bool ops_add_size(size_t a, size_t b, size_t *out) {
  return !__builtin_add_overflow(a, b, out);
}

/* *out = a * b for non-negative int64 element counts; false on overflow or a negative operand. */
static inline bool ops_mul_i64(int64_t a, int64_t b, int64_t *out) {
  if (a < 0 || b < 0) return false;
  return !__builtin_mul_overflow(a, b, out);
}

/* calloc(n, size) with the product checked; NULL on overflow or failure. n == 0 allocates one
 * byte so that a successful empty allocation is distinguishable from failure. */
static inline void *ops_calloc_array(size_t n, size_t size) {
  size_t bytes;
  if (!ops_mul_size(n, size, &bytes)) return NULL;
  return calloc(bytes == 0 ? 1 : bytes, 1);
}

/* realloc(p, n * size) with the product checked; NULL (and p untouched) on failure. */
static inline void *ops_realloc_array(void *p, size_t n, size_t size) {
  size_t bytes;
  if (!ops_mul_size(n, size, &bytes)) return NULL;
  return realloc(p, bytes == 0 ? 1 : bytes);
}

/* Duplicates a NUL-terminated string; NULL on failure or NULL input. */
char *ops_strdup(const char *s);
/* Duplicates `n` bytes of `s` and terminates them; `s` may be NULL when `n` is 0 (protobuf-c
 * gives an empty bytes field no pointer). NULL on failure. */
char *ops_strndup(const char *s, size_t n);

/* `n` bytes for people: "12.3 MiB", "4.0 KiB", "512 bytes" (binary units), written to buf (len
 * bytes), which it returns. */
const char *ops_format_bytes(size_t n, char *buf, size_t len);

#endif /* OPSCOPE_SRC_SIZE_H */
