#include "src/size.h"

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
  memcpy(copy, s, n);
  copy[n] = '\0';
  return copy;
}
