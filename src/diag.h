/*
 * Diagnostics: a caller-owned buffer that the function which found a problem writes once
 * (STYLE.md §6). Messages name the file, the object and the broken expectation, e.g.
 *   model.onnx: node 'conv1' (Conv): weight 'W' has 3 dims, expected 4
 * When `path` is set, ops_fail() prefixes it, so loaders set it once at entry.
 */
#ifndef OPSCOPE_SRC_DIAG_H
#define OPSCOPE_SRC_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "src/status.h"

#define OPS_DIAG_MAX 1024

struct ops_diag {
  char msg[OPS_DIAG_MAX]; /* NUL-terminated message, "" while nothing failed */
  const char *path;       /* borrowed: the file being read, or NULL */
  bool set;               /* true once a message was written; later writes are ignored */
};

/* Empties `d` and remembers `path` (borrowed, may be NULL). */
void ops_diag_init(struct ops_diag *d, const char *path);

/* Writes the message (prefixed with "PATH: " when d->path is set) unless one is already set,
 * and returns `status`, so a failure is one line: `return ops_fail(d, OPS_ERR_BAD_INPUT, ...)`.
 * `d` may be NULL. */
enum ops_status ops_fail(struct ops_diag *d, enum ops_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copies the message into a caller's buffer of `len` bytes (either may be NULL/0). */
void ops_diag_copy(const struct ops_diag *d, char *buf, size_t len);

#endif /* OPSCOPE_SRC_DIAG_H */
