/*
 * Params blocks (compiler/params-block.h): the size sits in a header one alignment unit in
 * front of the block, so the block itself keeps the 64-byte alignment packed weights need.
 */
#include "compiler/params-block.h"

#include <stdlib.h>
#include <string.h>

#include "src/size.h"

#define HEADER 64

void *ops_params_alloc(size_t bytes) {
  size_t total;
  if (!ops_add_size(bytes, HEADER, &total)) return NULL;
  void *base = NULL;
  if (posix_memalign(&base, HEADER, total) != 0) return NULL;
  memset(base, 0, total);
  memcpy(base, &bytes, sizeof bytes);
  return (unsigned char *)base + HEADER;
}

size_t ops_params_bytes(const void *p) {
  if (p == NULL) return 0;
  size_t bytes;
  memcpy(&bytes, (const unsigned char *)p - HEADER, sizeof bytes);
  return bytes;
}

void ops_params_free(void *p) {
  if (p != NULL) free((unsigned char *)p - HEADER);
}
