#include "src/size.h"

#include <stdio.h>
#include <string.h>

char *ops_strdup(const char *s) {
  if (s == NULL) return NULL;
  return ops_strndup(s, strlen(s));
}

char *ops_strndup(const char *s, size_t n) {
  size_t bytes;
  if (!ops_add_size(n, 1, &bytes)) return NULL;
  char *copy = malloc(bytes);
  if (copy == NULL) return NULL;
  /* protobuf-c leaves an empty bytes field's pointer NULL, and memcpy must never see NULL. */
  if (n > 0) memcpy(copy, s, n);
  copy[n] = '\0';
  return copy;
}

const char *ops_format_bytes(size_t n, char *buf, size_t len) {
  if (n >= (size_t)1 << 30) {
    snprintf(buf, len, "%.1f GiB", (double)n / (double)((size_t)1 << 30));
  } else if (n >= (size_t)1 << 20) {
    snprintf(buf, len, "%.1f MiB", (double)n / (double)((size_t)1 << 20));
  } else if (n >= 1024) {
    snprintf(buf, len, "%.1f KiB", (double)n / 1024.0);
  } else {
    snprintf(buf, len, "%zu bytes", n);
  }
  return buf;
}
