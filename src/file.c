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
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return ops_fail(d, OPS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  }
  enum ops_status status = OPS_ERR_IO;
  char *buf = NULL;
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    status = ops_fail(d, OPS_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
    goto fail;
  }
  if (S_ISDIR(st.st_mode)) {
    status = ops_fail(d, OPS_ERR_BAD_INPUT, "%s: is a directory, expected a file", path);
    goto fail;
  }
  if (!S_ISREG(st.st_mode)) {
    status = ops_fail(d, OPS_ERR_BAD_INPUT, "%s: is not a regular file", path);
    goto fail;
  }
  if (st.st_size == 0) {
    status = ops_fail(d, OPS_ERR_BAD_INPUT, "%s: the file is empty", path);
    goto fail;
  }
  if ((unsigned long long)st.st_size > max_bytes) {
    status = ops_fail(d, OPS_ERR_NO_MEMORY, "%s: %lld bytes is larger than the %zu-byte limit",
                      path, (long long)st.st_size, max_bytes);
    goto fail;
  }
  size_t size = (size_t)st.st_size;
  buf = malloc(size + 1);
  if (buf == NULL) {
    status = ops_fail(d, OPS_ERR_NO_MEMORY, "%s: out of memory reading %zu bytes", path, size);
    goto fail;
  }
  if (fread(buf, 1, size, f) != size) {
    status = ops_fail(d, OPS_ERR_IO, "%s: short read", path);
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
