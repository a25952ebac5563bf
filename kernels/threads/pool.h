/*
 * The thread pool of the `threads` unit: persistent workers that run one function on every
 * thread at once, with a barrier and a shared split of work (STYLE.md §3).
 *
 * A pool is created once per compiled model with nth threads, of which the caller of
 * ops_pool_run() is thread 0, so nth - 1 workers are started. Between runs a worker spins
 * briefly (a run that follows soon starts without a wake-up) and then sleeps on a condition
 * variable, so an idle pool costs no CPU. No thread is created or joined per run.
 *
 *   struct ops_pool *pool;
 *   if (ops_pool_new(2, scratch_bytes, &pool, msg, sizeof msg) != OPS_OK) ...
 *   ops_pool_run(pool, gemm_task, &ctx);   // gemm_task(task, ctx) on threads 0 and 1
 *   ops_pool_free(pool);
 *
 * Work is split statically by task->ith / task->nth, or shared out with ops_share_next(): each
 * thread works through its own home range and then takes what is left of the others', so a thread
 * whose core runs slower (another tenant on it) hands work over while most items still run where
 * they ran in the op before.
 */
#ifndef OPSCOPE_KERNELS_THREADS_POOL_H
#define OPSCOPE_KERNELS_THREADS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/status.h"

/* The most threads a pool takes; more is a caller's mistake, not a machine. */
#define OPS_POOL_MAX_THREADS 1024

struct ops_pool;

/* What one thread of a run receives. Borrowed: valid during the run only. */
struct ops_task {
  int ith;               /* this thread, 0..nth-1; 0 is the caller of ops_pool_run() */
  int nth;               /* threads in the run */
  void *scratch;         /* this thread's scratch slice, 64-byte aligned, or NULL */
  size_t scratch_bytes;  /* bytes of the slice (the size given to ops_pool_new) */
  struct ops_pool *pool; /* the pool, for barriers and shared splits; NULL outside a pool */
};

/* The work of a run: called once on each thread with its task and the run's ctx. */
typedef void (*ops_pool_fn)(const struct ops_task *task, void *ctx);

/* Creates a pool of nth threads (1..OPS_POOL_MAX_THREADS; the caller counts as one) whose
 * threads each get scratch_bytes bytes of 64-byte aligned scratch (0 for none). Owned: free with
 * ops_pool_free(). On failure *out is NULL, msg (msg_len bytes, may be NULL) says why, and the
 * status is OPS_ERR_BAD_INPUT (nth out of range), OPS_ERR_NO_MEMORY, or OPS_ERR_UNAVAILABLE
 * (the system refused a thread). */
enum ops_status ops_pool_new(int nth, size_t scratch_bytes, struct ops_pool **out, char *msg,
                             size_t msg_len);

/* Stops and joins the workers and frees the pool. NULL is a no-op. Not during a run. */
void ops_pool_free(struct ops_pool *pool);

/* Threads in the pool, the caller included. */
int ops_pool_threads(const struct ops_pool *pool);

/* Runs fn(task, ctx) on all threads of the pool, the calling thread as thread 0, and returns
 * when every thread has returned from fn. Each run starts a fresh shared split.
 * Returns OPS_ERR_UNAVAILABLE, running nothing, when the pool is already running (a nested
 * call from inside fn, or a second thread calling at the same time): one run at a time. */
enum ops_status ops_pool_run(struct ops_pool *pool, ops_pool_fn fn, void *ctx);

/* Waits until every thread of the run has reached the barrier. Every thread of the run must
 * call it the same number of times. A no-op for a task outside a pool or with nth 1. */
void ops_pool_barrier(const struct ops_task *task);

/* A split of n items into nth home ranges, the static split's, where a thread that has done
 * its own takes the rest of the others' from their back ends, `grain` items at a time.
 *
 *   struct ops_share s;
 *   ops_share_init(&s, task, n, grain);
 *   for (size_t b, e; ops_share_next(&s, &b, &e);) work(b, e);
 *
 * Every item goes to exactly one thread of the run. Each run of the pool has one split: a
 * second split within one run would find the first's counts. With a task outside a pool (NULL,
 * or a test's task with pool NULL) it is the static split, the thread's home range in grains. */
struct ops_share {
  struct ops_pool *pool; /* NULL: static */
  size_t n, grain;
  int ith, nth, turn; /* turn: whose range is taken from next, counted from ith */
  size_t lo, hi;      /* static: the part of the home range not yet handed out */
};

void ops_share_init(struct ops_share *s, const struct ops_task *task, size_t n, size_t grain);

/* The grain for about 16 claims per thread of a task's run (nth threads; NULL: one): small
 * enough that a thread done early takes over small pieces, large enough that claiming costs
 * little. At least 1. */
static inline size_t ops_share_grain(size_t n, const struct ops_task *task) {
  const size_t claims = 16 * (size_t)(task != NULL ? task->nth : 1);
  return n > claims ? (n + claims - 1) / claims : 1;
}

/* The next items [*begin, *end) for this thread; false when none are left. */
bool ops_share_next(struct ops_share *s, size_t *begin, size_t *end);

/* Workers now asleep on the condition variable (not spinning, not running), for tests and
 * the profiler: an idle pool eventually has nth - 1 of them. */
int ops_pool_sleeping(const struct ops_pool *pool);

#endif /* OPSCOPE_KERNELS_THREADS_POOL_H */
