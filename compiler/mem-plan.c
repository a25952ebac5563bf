#include "compiler/mem-plan.h"

#include <stdlib.h>

#include "src/size.h"

static bool align_up(size_t bytes, size_t *out) {
  size_t padded;
  if (!ops_add_size(bytes, OPS_MEM_ALIGN - 1, &padded)) return false;
  *out = padded / OPS_MEM_ALIGN * OPS_MEM_ALIGN;
  return true;
}

/* Larger first; equal sizes by earlier start so the result does not depend on qsort. */
static int compare_by_size(const void *a, const void *b, void *ctx) {
  const struct ops_mem_request *reqs = ctx;
  const struct ops_mem_request *x = &reqs[*(const size_t *)a], *y = &reqs[*(const size_t *)b];
  if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
  if (x->first != y->first) return x->first < y->first ? -1 : 1;
  return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int compare_by_offset(const void *a, const void *b, void *ctx) {
  const struct ops_mem_request *reqs = ctx;
  size_t x = reqs[*(const size_t *)a].offset, y = reqs[*(const size_t *)b].offset;
  return x < y ? -1 : (x > y ? 1 : 0);
}

enum ops_status ops_mem_plan(struct ops_mem_request *reqs, size_t n, size_t *arena_bytes,
                             size_t *naive_bytes, struct ops_diag *d) {
  enum ops_status status = OPS_ERR_NO_MEMORY;
  size_t *order = ops_calloc_array(n, sizeof *order);
  size_t *live = ops_calloc_array(n, sizeof *live); /* placed requests overlapping in time */
  size_t arena = 0, naive = 0;
  if (order == NULL || live == NULL) goto fail;
  for (size_t i = 0; i < n; i++) {
    order[i] = i;
    size_t aligned;
    if (!align_up(reqs[i].bytes, &aligned) || !ops_add_size(naive, aligned, &naive)) goto fail;
  }
  qsort_r(order, n, sizeof *order, compare_by_size, reqs);
  for (size_t k = 0; k < n; k++) {
    struct ops_mem_request *r = &reqs[order[k]];
    size_t n_live = 0;
    for (size_t j = 0; j < k; j++) {
      const struct ops_mem_request *p = &reqs[order[j]];
      if (p->first <= r->last && r->first <= p->last) live[n_live++] = order[j];
    }
    qsort_r(live, n_live, sizeof *live, compare_by_offset, reqs);
    size_t need, offset = 0;
    if (!align_up(r->bytes, &need)) goto fail;
    for (size_t j = 0; j < n_live; j++) {
      const struct ops_mem_request *p = &reqs[live[j]];
      size_t p_end;
      if (!align_up(p->bytes, &p_end) || !ops_add_size(p->offset, p_end, &p_end)) goto fail;
      if (p->offset >= offset + need) break; /* the gap before p fits */
      if (p_end > offset) offset = p_end;
    }
    r->offset = offset;
    size_t end;
    if (!ops_add_size(offset, need, &end)) goto fail;
    if (end > arena) arena = end;
  }
  *arena_bytes = arena;
  *naive_bytes = naive;
  status = OPS_OK;
fail:
  if (status != OPS_OK) ops_fail(d, status, "the memory plan's sizes overflow");
  free(order);
  free(live);
  return status;
}
