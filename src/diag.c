#include "src/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ops_diag_init(struct ops_diag *d, const char *path) {
  d->msg[0] = '\0';
  d->path = path;
  d->set = false;
}

enum ops_status ops_fail(struct ops_diag *d, enum ops_status status, const char *fmt, ...) {
  if (d == NULL || d->set) return status;
  size_t used = 0;
  if (d->path != NULL) {
    int n = snprintf(d->msg, sizeof d->msg, "%s: ", d->path);
    used = n < 0 ? 0 : ((size_t)n >= sizeof d->msg ? sizeof d->msg - 1 : (size_t)n);
  }
  va_list ap;
  va_start(ap, fmt);
  /* A truncated message is still a useful message; the buffer always ends in NUL. */
  vsnprintf(d->msg + used, sizeof d->msg - used, fmt, ap);
  va_end(ap);
  d->set = true;
  return status;
}

void ops_diag_copy(const struct ops_diag *d, char *buf, size_t len) {
  if (buf == NULL || len == 0) return;
  snprintf(buf, len, "%s", d->msg);
}
