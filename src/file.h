/* Reading whole files with the checks every loader needs (missing, directory, empty, huge). */
#ifndef OPSCOPE_SRC_FILE_H
#define OPSCOPE_SRC_FILE_H

#include <stddef.h>

#include "src/diag.h"

/* Reads all of `path` into *out (owned, NUL-terminated past *len for text parsers). Fails with
 * OPS_ERR_IO naming the file for a missing or unreadable file, OPS_ERR_BAD_INPUT for a directory
 * or an empty file, and OPS_ERR_NO_MEMORY when it is larger than `max_bytes`. */
enum ops_status ops_file_read(const char *path, size_t max_bytes, void **out, size_t *len,
                              struct ops_diag *d);

/* Largest model or tensor file opscope reads (bytes); larger files are refused before reading. */
#define OPS_FILE_MAX_BYTES ((size_t)4 << 30)

#endif /* OPSCOPE_SRC_FILE_H */
