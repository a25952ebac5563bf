/*
 * Tests of kernels/threads/pool.c: over many runs with 1, 2, 3 and 8 threads, every index of a
 * large range is claimed exactly once through a shared split (fresh each run) and every thread runs
 * once per run; barriers order phases; scratch slices are aligned and private; a nested run is
 * refused; bad sizes are refused with a message; an idle pool's workers go to sleep; ops_share_next
 * hands every item to one thread, home ranges front first, and a late thread's range to the others.
 * Build with -DOPSCOPE_SANITIZE=thread to have TSan check the synchronisation as well.
 */
#include "test-util.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "kernels/threads/pool.h"

#define RANGE 100003
#define CHUNK 37 /* items per claim */
#define RUNS 40

struct claim_ctx {
  atomic_int *hits;    /* RANGE counters */
  atomic_int ran[16];  /* runs of fn per ith */
  atomic_int bad_task; /* tasks with a wrong nth or ith */
  int nth;
};

static void claim_task(const struct ops_task *task, void *arg) {
  struct claim_ctx *ctx = arg;
  if (task->nth != ctx->nth || task->ith < 0 || task->ith >= task->nth)
    atomic_fetch_add(&ctx->bad_task, 1);
  else
    atomic_fetch_add(&ctx->ran[task->ith], 1);
  struct ops_share share;
  ops_share_init(&share, task, RANGE, CHUNK);
  for (size_t b, e; ops_share_next(&share, &b, &e);)
    for (size_t i = b; i < e; i++)
      atomic_fetch_add_explicit(&ctx->hits[i], 1, memory_order_relaxed);
}

static void check_claims(int nth) {
  struct ops_pool *pool = NULL;
  char msg[128];
  assert_int_equal(ops_pool_new(nth, 0, &pool, msg, sizeof msg), OPS_OK);
  assert_int_equal(ops_pool_threads(pool), nth);
  struct claim_ctx ctx = {.nth = nth};
  ctx.hits = calloc(RANGE, sizeof *ctx.hits);
  assert_non_null(ctx.hits);
  for (int run = 1; run <= RUNS; run++) {
    assert_int_equal(ops_pool_run(pool, claim_task, &ctx), OPS_OK);
    for (int64_t i = 0; i < RANGE; i++) {
      int h = atomic_load(&ctx.hits[i]);
      if (h != run)
        fail_msg("nth %d run %d: index %lld claimed %d times in total", nth, run, (long long)i, h);
    }
    for (int t = 0; t < nth; t++)
      assert_int_equal(atomic_load(&ctx.ran[t]), run);
  }
  assert_int_equal(atomic_load(&ctx.bad_task), 0);
  free(ctx.hits);
  ops_pool_free(pool);
}

static void test_claims_1(void **state) {
  (void)state;
  check_claims(1);
}
static void test_claims_2(void **state) {
  (void)state;
  check_claims(2);
}
static void test_claims_3(void **state) {
  (void)state;
  check_claims(3);
}
static void test_claims_8(void **state) {
  (void)state;
  check_claims(8);
}

/* ops_share_next: every item to exactly one thread, for sizes below, at and above the
 * thread count and grains that do and do not divide the home ranges; each thread's own items
 * come front first and any taken from another thread's range come from its back. */
struct share_ctx {
  atomic_int *hits;
  int *owner; /* which thread took each item */
  size_t n, grain;
  int late;               /* this thread sleeps before claiming (-1: none) */
  atomic_int order_wrong; /* a thread's own items not in ascending order */
};

static void share_task(const struct ops_task *task, void *arg) {
  struct share_ctx *ctx = arg;
  if (task->ith == ctx->late) nanosleep(&(struct timespec){.tv_nsec = 50000000}, NULL);
  struct ops_share share;
  ops_share_init(&share, task, ctx->n, ctx->grain);
  const size_t lo = ctx->n * (size_t)task->ith / (size_t)task->nth;
  const size_t hi = ctx->n * (size_t)(task->ith + 1) / (size_t)task->nth;
  size_t next_own = lo;
  for (size_t b, e; ops_share_next(&share, &b, &e);) {
    if (e <= b || e - b > ctx->grain) atomic_fetch_add(&ctx->order_wrong, 1);
    if (b >= lo && b < hi) {
      if (b != next_own) atomic_fetch_add(&ctx->order_wrong, 1);
      next_own = e;
    }
    for (size_t i = b; i < e && i < ctx->n; i++) {
      atomic_fetch_add_explicit(&ctx->hits[i], 1, memory_order_relaxed);
      ctx->owner[i] = task->ith;
    }
  }
}

static void check_share(struct ops_pool *pool, size_t n, size_t grain, int late) {
  const int nth = ops_pool_threads(pool);
  struct share_ctx ctx = {.n = n, .grain = grain, .late = late};
  ctx.hits = calloc(n + 1, sizeof *ctx.hits);
  ctx.owner = calloc(n + 1, sizeof *ctx.owner);
  assert_true(ctx.hits != NULL && ctx.owner != NULL);
  for (int run = 1; run <= 5; run++) {
    assert_int_equal(ops_pool_run(pool, share_task, &ctx), OPS_OK);
    for (size_t i = 0; i < n; i++)
      if (atomic_load(&ctx.hits[i]) != run)
        fail_msg("nth %d n %zu grain %zu: item %zu taken %d times in %d runs", nth, n, grain, i,
                 atomic_load(&ctx.hits[i]), run);
    /* Within each home range, the owner's items are a prefix and the thieves' a suffix. */
    for (int t = 0; t < nth; t++) {
      size_t lo = n * (size_t)t / (size_t)nth, hi = n * (size_t)(t + 1) / (size_t)nth, i = lo;
      while (i < hi && ctx.owner[i] == t)
        i++;
      for (; i < hi; i++)
        if (ctx.owner[i] == t)
          fail_msg("nth %d n %zu: thread %d's item %zu after a stolen one", nth, n, t, i);
    }
  }
  assert_int_equal(atomic_load(&ctx.order_wrong), 0);
  free(ctx.owner);
  free(ctx.hits);
}

static void test_share(void **state) {
  (void)state;
  const size_t sizes[] = {0, 1, 2, 7, 64, 1000, 100003};
  const size_t grains[] = {1, 3, 37};
  const int threads[] = {1, 2, 3, 8};
  for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
    struct ops_pool *pool = NULL;
    char msg[128];
    assert_int_equal(ops_pool_new(threads[t], 0, &pool, msg, sizeof msg), OPS_OK);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
      for (size_t g = 0; g < sizeof grains / sizeof grains[0]; g++)
        check_share(pool, sizes[s], grains[g], -1);
    ops_pool_free(pool);
  }
}

/* A thread that arrives late finds its range taken by the others, from the back. */
static void test_share_late_thread(void **state) {
  (void)state;
  struct ops_pool *pool = NULL;
  char msg[128];
  assert_int_equal(ops_pool_new(2, 0, &pool, msg, sizeof msg), OPS_OK);
  struct share_ctx ctx = {.n = 4000, .grain = 10, .late = 1};
  ctx.hits = calloc(ctx.n, sizeof *ctx.hits);
  ctx.owner = calloc(ctx.n, sizeof *ctx.owner);
  assert_true(ctx.hits != NULL && ctx.owner != NULL);
  assert_int_equal(ops_pool_run(pool, share_task, &ctx), OPS_OK);
  /* Thread 0 needs microseconds for 4000 items, thread 1 sleeps 50 ms first: the last item
   * of thread 1's range went to thread 0 (unless thread 0 itself stalled that long). */
  assert_int_equal(ctx.owner[ctx.n - 1], 0);
  for (size_t i = 0; i < ctx.n; i++)
    assert_int_equal(atomic_load(&ctx.hits[i]), 1);
  free(ctx.owner);
  free(ctx.hits);
  ops_pool_free(pool);
}

/* Outside a pool (a test's task, pool NULL) each task gets its home range, in grains. */
static void test_share_static(void **state) {
  (void)state;
  for (int nth = 1; nth <= 4; nth++) {
    size_t next = 0;
    for (int ith = 0; ith < nth; ith++) {
      struct ops_task task = {.ith = ith, .nth = nth};
      struct ops_share share;
      ops_share_init(&share, &task, 103, 10);
      for (size_t b, e; ops_share_next(&share, &b, &e);) {
        assert_int_equal(b, next);
        assert_true(e > b && e - b <= 10);
        next = e;
      }
      assert_int_equal(next, 103 * (size_t)(ith + 1) / (size_t)nth);
    }
  }
  struct ops_share share;
  ops_share_init(&share, NULL, 5, 0); /* grain 0 counts as 1 */
  size_t b, e;
  assert_true(ops_share_next(&share, &b, &e));
  assert_true(b == 0 && e == 1);
}

#define PHASES 50

struct barrier_ctx {
  atomic_int slot[8];
  atomic_int wrong; /* reads that saw another thread in a different phase */
};

/* Each phase: write this phase into the own slot, barrier, check that every slot holds this
 * phase, barrier (so nobody overwrites a slot before all have checked). */
static void barrier_task(const struct ops_task *task, void *arg) {
  struct barrier_ctx *ctx = arg;
  for (int phase = 1; phase <= PHASES; phase++) {
    atomic_store(&ctx->slot[task->ith], phase);
    ops_pool_barrier(task);
    for (int t = 0; t < task->nth; t++)
      if (atomic_load(&ctx->slot[t]) != phase) atomic_fetch_add(&ctx->wrong, 1);
    ops_pool_barrier(task);
  }
}

static void test_barrier(void **state) {
  (void)state;
  const int counts[] = {1, 2, 3, 8};
  for (size_t n = 0; n < sizeof counts / sizeof counts[0]; n++) {
    struct ops_pool *pool = NULL;
    assert_int_equal(ops_pool_new(counts[n], 0, &pool, NULL, 0), OPS_OK);
    for (int run = 0; run < 5; run++) {
      struct barrier_ctx ctx = {0};
      assert_int_equal(ops_pool_run(pool, barrier_task, &ctx), OPS_OK);
      assert_int_equal(atomic_load(&ctx.wrong), 0);
    }
    ops_pool_free(pool);
  }
}

struct scratch_ctx {
  atomic_int bad;
};

static void scratch_task(const struct ops_task *task, void *arg) {
  struct scratch_ctx *ctx = arg;
  unsigned char *s = task->scratch;
  if (s == NULL || (uintptr_t)s % 64 != 0 || task->scratch_bytes != 100) {
    atomic_fetch_add(&ctx->bad, 1);
    return;
  }
  memset(s, 0x10 + task->ith, task->scratch_bytes);
  ops_pool_barrier(task);
  for (size_t i = 0; i < task->scratch_bytes; i++)
    if (s[i] != 0x10 + task->ith) {
      atomic_fetch_add(&ctx->bad, 1);
      break;
    }
}

static void test_scratch_private(void **state) {
  (void)state;
  struct ops_pool *pool = NULL;
  assert_int_equal(ops_pool_new(3, 100, &pool, NULL, 0), OPS_OK);
  struct scratch_ctx ctx = {0};
  assert_int_equal(ops_pool_run(pool, scratch_task, &ctx), OPS_OK);
  assert_int_equal(atomic_load(&ctx.bad), 0);
  ops_pool_free(pool);
}

struct nested_ctx {
  struct ops_pool *pool;
  atomic_int inner_status[8];
  atomic_int inner_ran;
};

static void inner_task(const struct ops_task *task, void *arg) {
  (void)task;
  struct nested_ctx *ctx = arg;
  atomic_fetch_add(&ctx->inner_ran, 1);
}

static void outer_task(const struct ops_task *task, void *arg) {
  struct nested_ctx *ctx = arg;
  atomic_store(&ctx->inner_status[task->ith], (int)ops_pool_run(ctx->pool, inner_task, ctx));
}

static void test_nested_refused(void **state) {
  (void)state;
  const int counts[] = {1, 3};
  for (size_t n = 0; n < 2; n++) {
    struct nested_ctx ctx = {0};
    assert_int_equal(ops_pool_new(counts[n], 0, &ctx.pool, NULL, 0), OPS_OK);
    assert_int_equal(ops_pool_run(ctx.pool, outer_task, &ctx), OPS_OK);
    for (int t = 0; t < counts[n]; t++)
      assert_int_equal(atomic_load(&ctx.inner_status[t]), OPS_ERR_UNAVAILABLE);
    assert_int_equal(atomic_load(&ctx.inner_ran), 0);
    /* The pool still works after the refusal. */
    assert_int_equal(ops_pool_run(ctx.pool, inner_task, &ctx), OPS_OK);
    assert_int_equal(atomic_load(&ctx.inner_ran), counts[n]);
    ops_pool_free(ctx.pool);
  }
}

static void test_new_free(void **state) {
  (void)state;
  ops_pool_free(NULL);
  struct ops_pool *pool = (struct ops_pool *)&pool; /* must be overwritten with NULL */
  char msg[128];
  assert_int_equal(ops_pool_new(0, 0, &pool, msg, sizeof msg), OPS_ERR_BAD_INPUT);
  assert_null(pool);
  OPS_ASSERT_CONTAINS(msg, "0 threads");
  assert_int_equal(ops_pool_new(OPS_POOL_MAX_THREADS + 1, 0, &pool, msg, sizeof msg),
                   OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(msg, "expected 1..");
  /* Scratch whose per-thread total overflows size_t. */
  assert_int_equal(ops_pool_new(4, SIZE_MAX / 2, &pool, msg, sizeof msg), OPS_ERR_NO_MEMORY);
  assert_null(pool);
  OPS_ASSERT_CONTAINS(msg, "out of memory");
  /* Created and freed without a run, several times. */
  for (int i = 0; i < 20; i++) {
    assert_int_equal(ops_pool_new(4, 64, &pool, NULL, 0), OPS_OK);
    ops_pool_free(pool);
  }
}

static void test_idle_workers_sleep(void **state) {
  (void)state;
  struct ops_pool *pool = NULL;
  assert_int_equal(ops_pool_new(3, 0, &pool, NULL, 0), OPS_OK);
  struct nested_ctx ctx = {.pool = pool};
  assert_int_equal(ops_pool_run(pool, inner_task, &ctx), OPS_OK);
  /* Poll for the state rather than assert on a duration: the workers spin for a bounded number
   * of pauses and must then be asleep, however slow the machine. The bound only stops a hang. */
  int sleeping = 0;
  for (int i = 0; i < 20000 && (sleeping = ops_pool_sleeping(pool)) != 2; i++)
    nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
  assert_int_equal(sleeping, 2);
  /* A sleeping pool wakes for the next run. */
  assert_int_equal(ops_pool_run(pool, inner_task, &ctx), OPS_OK);
  assert_int_equal(atomic_load(&ctx.inner_ran), 6);
  ops_pool_free(pool);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_claims_1),
      cmocka_unit_test(test_claims_2),
      cmocka_unit_test(test_claims_3),
      cmocka_unit_test(test_claims_8),
      cmocka_unit_test(test_barrier),
      cmocka_unit_test(test_scratch_private),
      cmocka_unit_test(test_nested_refused),
      cmocka_unit_test(test_new_free),
      cmocka_unit_test(test_idle_workers_sleep),
      cmocka_unit_test(test_share),
      cmocka_unit_test(test_share_late_thread),
      cmocka_unit_test(test_share_static),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
