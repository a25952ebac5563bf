/* The snapshot shared by the live view's runner and screen (tui/snapshot.h). */
#include "tui/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "src/size.h"

enum ops_status ops_tui_snapshot_init(struct ops_tui_snapshot *s, size_t n_rows) {
  memset(s, 0, sizeof *s);
  s->rows = ops_calloc_array(n_rows ? n_rows : 1, sizeof *s->rows);
  if (s->rows == NULL) return OPS_ERR_NO_MEMORY;
  s->n_rows = n_rows;
  return OPS_OK;
}

void ops_tui_snapshot_done(struct ops_tui_snapshot *s) {
  free(s->rows);
  s->rows = NULL;
  s->n_rows = 0;
}

void ops_tui_snapshot_copy(struct ops_tui_snapshot *dst, const struct ops_tui_snapshot *src) {
  struct ops_tui_row *rows = dst->rows;
  size_t n = dst->n_rows < src->n_rows ? dst->n_rows : src->n_rows;
  *dst = *src;
  dst->rows = rows;
  dst->n_rows = n;
  if (n > 0) memcpy(rows, src->rows, n * sizeof *rows);
}

void ops_tui_ring_push(float *ring, size_t cap, size_t *len, size_t *head, float v) {
  if (*len < cap) {
    ring[(*head + *len) % cap] = v;
    (*len)++;
    return;
  }
  ring[*head] = v;
  *head = (*head + 1) % cap;
}

float ops_tui_ring_get(const float *ring, size_t cap, size_t head, size_t i) {
  return ring[(head + i) % cap];
}

enum ops_status ops_tui_live_init(struct ops_tui_live *live, size_t n_rows) {
  memset(live, 0, sizeof *live);
  enum ops_status st = ops_tui_snapshot_init(&live->published, n_rows);
  if (st != OPS_OK) return st;
  if (pthread_mutex_init(&live->lock, NULL) != 0) goto fail;
  if (pthread_cond_init(&live->wake, NULL) != 0) {
    pthread_mutex_destroy(&live->lock);
    goto fail;
  }
  return OPS_OK;
fail:
  ops_tui_snapshot_done(&live->published);
  return OPS_ERR_UNAVAILABLE;
}

void ops_tui_live_done(struct ops_tui_live *live) {
  if (live->published.rows == NULL) return;
  pthread_cond_destroy(&live->wake);
  pthread_mutex_destroy(&live->lock);
  ops_tui_snapshot_done(&live->published);
}

void ops_tui_live_read(struct ops_tui_live *live, struct ops_tui_snapshot *out) {
  pthread_mutex_lock(&live->lock);
  ops_tui_snapshot_copy(out, &live->published);
  pthread_mutex_unlock(&live->lock);
}

bool ops_tui_live_request(struct ops_tui_live *live, const struct ops_tui_request *r) {
  pthread_mutex_lock(&live->lock);
  bool ok = live->n_requests < OPS_TUI_MAX_REQUESTS;
  if (ok) live->requests[live->n_requests++] = *r;
  pthread_cond_signal(&live->wake);
  pthread_mutex_unlock(&live->lock);
  return ok;
}

void ops_tui_live_set_paused(struct ops_tui_live *live, bool paused) {
  pthread_mutex_lock(&live->lock);
  live->paused = paused;
  pthread_cond_signal(&live->wake);
  pthread_mutex_unlock(&live->lock);
}

void ops_tui_live_quit(struct ops_tui_live *live) {
  pthread_mutex_lock(&live->lock);
  live->quit = true;
  pthread_cond_signal(&live->wake);
  pthread_mutex_unlock(&live->lock);
}
