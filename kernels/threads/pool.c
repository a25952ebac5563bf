/*
 * The persistent thread pool (see kernels/threads/pool.h).
 *
 * A run is published by bumping `generation` under the lock after fn and ctx are written;
 * workers wait for a new generation, first spinning and then on the `wake` condition variable,
 * run fn, and count themselves into `n_done`; the last one signals `done_cond` for a caller that
 * stopped spinning. Because the generation changes under the lock, a worker that checks it under
 * the lock before sleeping cannot miss a wake-up. The counters that threads hammer each sit on
 * their own cache line, so a spinning worker does not slow the ones claiming work.
 */
#include "kernels/threads/pool.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <sched.h>

#include "src/size.h"

#define CACHE_LINE 64

/* Pause iterations a worker spins for a new run before sleeping, and a waiter spins before
 * yielding or sleeping: a few microseconds to tens of microseconds, long enough that back-to-back
 * runs of one model do not pay a wake-up, short enough that an idle pool is quiet at once. */
#define SPIN_IDLE 16384
#define SPIN_BARRIER 4096

struct ops_pool {
  int nth;
  int started; /* workers created so far (nth - 1 once built) */
  pthread_t *threads;
  struct ops_task *tasks;   /* nth tasks; tasks[0] is the caller's */
  struct share_slot *share; /* nth slots, zeroed at the start of every run */
  void *scratch;
  bool lock_ok, wake_ok, done_ok; /* which primitives were initialised, for a partial free */
  pthread_mutex_t lock;
  pthread_cond_t wake;      /* a new generation (or stop) */
  pthread_cond_t done_cond; /* the last worker finished */
  ops_pool_fn fn;           /* the run's work: written before the generation is bumped */
  void *ctx;

  alignas(CACHE_LINE) atomic_uint generation; /* bumped once per run and once to stop */
  atomic_bool stop;
  atomic_bool running;
  atomic_int sleeping;
  alignas(CACHE_LINE) atomic_int n_done; /* workers finished with this run */
  alignas(CACHE_LINE) atomic_int barrier_count;
  atomic_uint barrier_phase;
};

/* One thread's home range of a shared split (ops_share_next): how many items were taken from
 * its front (low 32 bits, by the owner) and from its back (high 32 bits, by thieves), on a
 * cache line of its own. */
struct share_slot {
  alignas(CACHE_LINE) _Atomic uint64_t taken;
};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Waits for a generation other than `seen` and returns it. */
static unsigned wait_for_run(struct ops_pool *pool, unsigned seen) {
  for (int i = 0; i < SPIN_IDLE; i++) {
    unsigned g = atomic_load_explicit(&pool->generation, memory_order_acquire);
    if (g != seen) return g;
    cpu_relax();
  }
  pthread_mutex_lock(&pool->lock);
  atomic_fetch_add_explicit(&pool->sleeping, 1, memory_order_relaxed);
  unsigned g;
  while ((g = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen)
    pthread_cond_wait(&pool->wake, &pool->lock);
  atomic_fetch_sub_explicit(&pool->sleeping, 1, memory_order_relaxed);
  pthread_mutex_unlock(&pool->lock);
  return g;
}

static void *worker_main(void *arg) {
  struct ops_task *task = arg;
  struct ops_pool *pool = task->pool;
  unsigned seen = 0; /* workers start before the first run, at generation 0 */
  for (;;) {
    seen = wait_for_run(pool, seen);
    if (atomic_load_explicit(&pool->stop, memory_order_acquire)) break;
    pool->fn(task, pool->ctx);
    if (atomic_fetch_add_explicit(&pool->n_done, 1, memory_order_acq_rel) + 1 == pool->nth - 1) {
      pthread_mutex_lock(&pool->lock);
      pthread_cond_broadcast(&pool->done_cond);
      pthread_mutex_unlock(&pool->lock);
    }
  }
  return NULL;
}

/* Bumps the generation under the lock and wakes sleepers. */
static void publish(struct ops_pool *pool) {
  pthread_mutex_lock(&pool->lock);
  atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
}

enum ops_status ops_pool_new(int nth, size_t scratch_bytes, struct ops_pool **out, char *msg,
                             size_t msg_len) {
  enum ops_status status = OPS_ERR_BAD_INPUT;
  struct ops_pool *pool = NULL;
  size_t slice = 0, total = 0, pool_bytes = 0;
  *out = NULL;
  if (msg != NULL && msg_len > 0) msg[0] = '\0';
  if (nth < 1 || nth > OPS_POOL_MAX_THREADS) {
    if (msg != NULL && msg_len > 0)
      snprintf(msg, msg_len, "thread pool: %d threads asked for, expected 1..%d", nth,
               OPS_POOL_MAX_THREADS);
    goto fail;
  }

  status = OPS_ERR_NO_MEMORY;
  /* Round the slice up so every thread's slice starts on its own cache line. */
  if (!ops_add_size(scratch_bytes, CACHE_LINE - 1, &slice)) goto fail;
  slice -= slice % CACHE_LINE;
  if (!ops_mul_size(slice, (size_t)nth, &total)) goto fail;
  pool_bytes = (sizeof *pool + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
  pool = aligned_alloc(CACHE_LINE, pool_bytes);
  if (pool == NULL) goto fail;
  memset(pool, 0, sizeof *pool);
  pool->nth = nth;
  atomic_init(&pool->generation, 0);
  atomic_init(&pool->stop, false);
  atomic_init(&pool->running, false);
  atomic_init(&pool->sleeping, 0);
  atomic_init(&pool->n_done, 0);
  atomic_init(&pool->barrier_count, 0);
  atomic_init(&pool->barrier_phase, 0);
  pool->tasks = ops_calloc_array((size_t)nth, sizeof *pool->tasks);
  pool->share = aligned_alloc(CACHE_LINE, (size_t)nth * sizeof *pool->share);
  pool->threads = ops_calloc_array((size_t)nth, sizeof *pool->threads);
  if (pool->tasks == NULL || pool->threads == NULL || pool->share == NULL) goto fail;
  for (int i = 0; i < nth; i++)
    atomic_init(&pool->share[i].taken, 0);
  if (total > 0) {
    pool->scratch = aligned_alloc(CACHE_LINE, total);
    if (pool->scratch == NULL) goto fail;
  }
  for (int i = 0; i < nth; i++) {
    pool->tasks[i] = (struct ops_task){
        .ith = i,
        .nth = nth,
        .scratch = total > 0 ? (char *)pool->scratch + (size_t)i * slice : NULL,
        .scratch_bytes = total > 0 ? scratch_bytes : 0,
        .pool = pool,
    };
  }

  status = OPS_ERR_UNAVAILABLE;
  pool->lock_ok = pthread_mutex_init(&pool->lock, NULL) == 0;
  pool->wake_ok = pool->lock_ok && pthread_cond_init(&pool->wake, NULL) == 0;
  pool->done_ok = pool->wake_ok && pthread_cond_init(&pool->done_cond, NULL) == 0;
  if (!pool->done_ok) {
    if (msg != NULL && msg_len > 0) snprintf(msg, msg_len, "thread pool: cannot create a lock");
    goto fail;
  }
  for (int i = 1; i < nth; i++) {
    int err = pthread_create(&pool->threads[i], NULL, worker_main, &pool->tasks[i]);
    if (err != 0) {
      if (msg != NULL && msg_len > 0)
        snprintf(msg, msg_len, "thread pool: cannot start worker %d of %d: %s", i, nth - 1,
                 strerror(err));
      goto fail;
    }
    pool->started = i;
  }
  *out = pool;
  return OPS_OK;

fail:
  if (status == OPS_ERR_NO_MEMORY && msg != NULL && msg_len > 0)
    snprintf(msg, msg_len, "thread pool: out of memory for %d threads with %zu bytes of scratch",
             nth, scratch_bytes);
  ops_pool_free(pool);
  return status;
}

void ops_pool_free(struct ops_pool *pool) {
  if (pool == NULL) return;
  if (pool->started > 0) {
    atomic_store_explicit(&pool->stop, true, memory_order_release);
    publish(pool);
    for (int i = 1; i <= pool->started; i++)
      pthread_join(pool->threads[i], NULL);
  }
  if (pool->done_ok) pthread_cond_destroy(&pool->done_cond);
  if (pool->wake_ok) pthread_cond_destroy(&pool->wake);
  if (pool->lock_ok) pthread_mutex_destroy(&pool->lock);
  free(pool->scratch);
  free(pool->threads);
  free(pool->share);
  free(pool->tasks);
  free(pool);
}

int ops_pool_threads(const struct ops_pool *pool) {
  return pool->nth;
}

enum ops_status ops_pool_run(struct ops_pool *pool, ops_pool_fn fn, void *ctx) {
  if (atomic_exchange_explicit(&pool->running, true, memory_order_acquire))
    return OPS_ERR_UNAVAILABLE;
  if (pool->nth == 1) {
    fn(&pool->tasks[0], ctx);
    atomic_store_explicit(&pool->running, false, memory_order_release);
    return OPS_OK;
  }

  for (int i = 0; i < pool->nth; i++)
    atomic_store_explicit(&pool->share[i].taken, 0, memory_order_relaxed);
  pool->fn = fn;
  pool->ctx = ctx;
  atomic_store_explicit(&pool->n_done, 0, memory_order_relaxed);
  publish(pool);

  fn(&pool->tasks[0], ctx);

  const int workers = pool->nth - 1;
  bool done = false;
  for (int i = 0; i < SPIN_IDLE && !done; i++) {
    done = atomic_load_explicit(&pool->n_done, memory_order_acquire) == workers;
    if (!done) cpu_relax();
  }
  if (!done) {
    pthread_mutex_lock(&pool->lock);
    while (atomic_load_explicit(&pool->n_done, memory_order_acquire) != workers)
      pthread_cond_wait(&pool->done_cond, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
  }
  atomic_store_explicit(&pool->running, false, memory_order_release);
  return OPS_OK;
}

void ops_pool_barrier(const struct ops_task *task) {
  struct ops_pool *pool = task->pool;
  if (pool == NULL || task->nth <= 1) return;
  /* Sense by phase: read the phase before arriving, so the last arrival's bump is seen. */
  unsigned phase = atomic_load_explicit(&pool->barrier_phase, memory_order_acquire);
  if (atomic_fetch_add_explicit(&pool->barrier_count, 1, memory_order_acq_rel) == task->nth - 1) {
    atomic_store_explicit(&pool->barrier_count, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool->barrier_phase, 1, memory_order_release);
    return;
  }
  /* With more threads than free cores the thread we wait for may need our core: yield after a
   * short spin rather than burn its time slice. */
  for (int i = 0; atomic_load_explicit(&pool->barrier_phase, memory_order_acquire) == phase; i++) {
    if (i < SPIN_BARRIER)
      cpu_relax();
    else
      sched_yield();
  }
}

int ops_pool_sleeping(const struct ops_pool *pool) {
  return atomic_load_explicit(&((struct ops_pool *)pool)->sleeping, memory_order_relaxed);
}

/* Items [lo, hi) of thread ith's home range of n items. */
static void home_range(size_t n, int ith, int nth, size_t *lo, size_t *hi) {
  *lo = n * (size_t)ith / (size_t)nth;
  *hi = n * (size_t)(ith + 1) / (size_t)nth;
}

void ops_share_init(struct ops_share *s, const struct ops_task *task, size_t n, size_t grain) {
  const int ith = task != NULL ? task->ith : 0, nth = task != NULL ? task->nth : 1;
  *s = (struct ops_share){.n = n, .grain = grain > 0 ? grain : 1, .ith = ith, .nth = nth};
  /* Counts are 32 bits wide; a split that large (or outside a pool) is static. */
  if (task != NULL && task->pool != NULL && nth > 1 && n <= UINT32_MAX) s->pool = task->pool;
  home_range(n, ith, nth, &s->lo, &s->hi);
}

/* Takes up to `grain` items of slot `owner`'s home range: from its front when the caller is
 * the owner, from its back when it steals. False when the range is used up. */
static bool take(struct ops_share *s, int owner, size_t *begin, size_t *end) {
  size_t lo, hi;
  home_range(s->n, owner, s->nth, &lo, &hi);
  _Atomic uint64_t *taken = &s->pool->share[owner].taken;
  uint64_t v = atomic_load_explicit(taken, memory_order_relaxed);
  for (;;) {
    const size_t front = (size_t)(v & 0xffffffffu), back = (size_t)(v >> 32);
    const size_t left = hi - lo - front - back;
    if (left == 0) return false;
    const size_t n = left < s->grain ? left : s->grain;
    const uint64_t next = owner == s->ith ? v + n : v + ((uint64_t)n << 32);
    if (atomic_compare_exchange_weak_explicit(taken, &v, next, memory_order_relaxed,
                                              memory_order_relaxed)) {
      *begin = owner == s->ith ? lo + front : hi - back - n;
      *end = *begin + n;
      return true;
    }
  }
}

bool ops_share_next(struct ops_share *s, size_t *begin, size_t *end) {
  if (s->pool == NULL) {
    if (s->lo == s->hi) return false;
    *begin = s->lo;
    *end = s->hi - s->lo < s->grain ? s->hi : s->lo + s->grain;
    s->lo = *end;
    return true;
  }
  /* Its own range first, front to back; then the others', back to front, in turn. */
  for (; s->turn < s->nth; s->turn++)
    if (take(s, (s->ith + s->turn) % s->nth, begin, end)) return true;
  return false;
}
