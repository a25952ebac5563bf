#include "src/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/size.h"

enum ops_status ops_file_read(const char *path, size_t max_bytes, void **out, size_t *len,
                              struct ops_diag *d) {
  *out = NULL;
  *len = 0;
  /* ops_fail already prefixes d->path; name the file here only when that is another file. */
  const char *name = d != NULL && d->path != NULL && strcmp(d->path, path) == 0 ? NULL : path;
  char prefix[1024];
  snprintf(prefix, sizeof prefix, "%s%s", name ? name : "", name ? ": " : "");
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return ops_fail(d, OPS_ERR_IO, "%scannot open: %s", prefix, strerror(errno));
  }
  enum ops_status status = OPS_ERR_IO;
  char *buf = NULL;
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    status = ops_fail(d, OPS_ERR_IO, "%scannot stat: %s", prefix, strerror(errno));
    goto fail;
  }
  if (S_ISDIR(st.st_mode)) {
    status = ops_fail(d, OPS_ERR_BAD_INPUT, "%sis a directory, expected a file", prefix);
    goto fail;
  }
  if (!S_ISREG(st.st_mode)) {
    status = ops_fail(d, OPS_ERR_BAD_INPUT, "%sis not a regular file", prefix);
    goto fail;
  }
  if (st.st_size == 0) {
    status = ops_fail(d, OPS_ERR_BAD_INPUT, "%sthe file is empty", prefix);
    goto fail;
  }
  if ((unsigned long long)st.st_size > max_bytes) {
    status = ops_fail(d, OPS_ERR_NO_MEMORY, "%s%lld bytes is larger than the %zu-byte limit",
                      prefix, (long long)st.st_size, max_bytes);
    goto fail;
  }
  size_t size = (size_t)st.st_size;
  buf = malloc(size + 1);
  if (buf == NULL) {
    status = ops_fail(d, OPS_ERR_NO_MEMORY, "%sout of memory reading %zu bytes", prefix, size);
    goto fail;
  }
  if (fread(buf, 1, size, f) != size) {
    status = ops_fail(d, OPS_ERR_IO, "%sshort read", prefix);
    goto fail;
  }
  buf[size] = '\0';
  fclose(f);
  *out = buf;
  *len = size;
  return OPS_OK;
fail:
  free(buf);
  fclose(f);
  return status;
}
