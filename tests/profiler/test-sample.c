/*
 * profiler/sample.c and symbolize.c: the ring parser on hand-made buffers (wrap-around, lost and
 * corrupt records), timeline attribution, symbolization of this test's own functions, and real
 * sampling of a busy loop, alone and over a compiled built-in model.
 *
 * Sampling needs perf_event_open: where it is refused (perf_event_paranoid 3, seccomp) the
 * sampling cases check that the reason is given and skip, saying so.
 */
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test-util.h"

#include <json-c/json.h>

#include "compiler/exec.h"
#include "profiler/sample.h"
#include "profiler/symbolize.h"
#include "reports/sample-text.h"
#include "src/api-impl.h"

static volatile double sink;

/* Optimized builds inline the clock helpers below into spin_a, so spin_a's addresses may map to
 * their lines: a plausible line for spin_a lies between here and the end of spin_a. */
static const int helpers_first_line = __LINE__;

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Two busy loops the samples must land in. They spin on the thread's CPU time, as cpu-clock
 * counts it, so a loaded machine lengthens them in wall time but not in samples. noinline keeps
 * each a function of its own for the symbolizer. */
static const int spin_a_first_line = __LINE__;
__attribute__((noinline)) static void spin_a(double ms) {
  uint64_t t0 = thread_cpu_ns();
  double x = 1.0;
  while ((double)(thread_cpu_ns() - t0) < ms * 1e6) {
    for (int i = 0; i < 20000; i++)
      x = x * 1.0000001 + 1e-9;
  }
  sink = x;
}
static const int spin_a_last_line = __LINE__;

__attribute__((noinline)) static void spin_b(double ms) {
  uint64_t t0 = thread_cpu_ns();
  double x = 2.0;
  while ((double)(thread_cpu_ns() - t0) < ms * 1e6) {
    for (int i = 0; i < 20000; i++)
      x = x * 0.9999999 + 1e-9;
  }
  sink = x;
}

/* True when symbol `name` is function `fn` or a compiler's specialized copy of it ("fn.isra.0",
 * "fn.constprop.0"). */
static bool is_function(const char *name, const char *fn) {
  size_t n = strlen(fn);
  return strncmp(name, fn, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

/* ---- the ring parser --------------------------------------------------------------------- */

/* Writes `len` bytes at free-running offset `at` of a ring of `size` bytes. */
static void ring_put(unsigned char *ring, size_t size, uint64_t at, const void *src, size_t len) {
  for (size_t i = 0; i < len; i++)
    ring[(at + i) & (size - 1)] = ((const unsigned char *)src)[i];
}

static uint64_t put_sample(unsigned char *ring, size_t size, uint64_t at, uint64_t ip, uint32_t tid,
                           uint64_t time) {
  struct {
    struct perf_event_header h;
    uint64_t ip;
    uint32_t pid, tid;
    uint64_t time;
  } rec = {{PERF_RECORD_SAMPLE, 0, 32}, ip, 7, tid, time};
  ring_put(ring, size, at, &rec, sizeof rec);
  return at + sizeof rec;
}

static void test_parse_wraps_and_counts_lost(void **state) {
  (void)state;
  enum { SIZE = 128 };
  unsigned char ring[SIZE];
  memset(ring, 0xee, sizeof ring);
  struct ops_sampler s;
  memset(&s, 0, sizeof s);
  /* Start 4 bytes before the end, with the counters already past three laps, so the first
   * record's header itself is split across the end of the buffer. */
  uint64_t tail = 3 * SIZE + 124, at = tail;
  at = put_sample(ring, SIZE, at, 0x1000, 11, 100);
  at = put_sample(ring, SIZE, at, 0x2000, 12, 200);
  struct {
    struct perf_event_header h;
    uint64_t id, lost;
  } lost = {{PERF_RECORD_LOST, 0, 24}, 1, 5};
  ring_put(ring, SIZE, at, &lost, sizeof lost);
  at += sizeof lost;
  struct perf_event_header other = {PERF_RECORD_THROTTLE, 0, 24};
  ring_put(ring, SIZE, at, &other, sizeof other);
  at += 24;
  uint64_t end = ops_sampler_parse(&s, ring, SIZE, tail, at);
  assert_int_equal(end, at);
  assert_int_equal(s.n, 2);
  assert_int_equal(s.samples[0].ip, 0x1000);
  assert_int_equal(s.samples[0].tid, 11);
  assert_int_equal(s.samples[0].time_ns, 100);
  assert_int_equal(s.samples[1].ip, 0x2000);
  assert_int_equal(s.samples[1].tid, 12);
  assert_int_equal(s.samples[1].time_ns, 200);
  assert_int_equal(s.lost, 5);
  assert_int_equal(s.malformed, 0);
  ops_sampler_close(&s);
}

static void test_parse_rejects_impossible_sizes(void **state) {
  (void)state;
  enum { SIZE = 64 };
  unsigned char ring[SIZE];
  memset(ring, 0, sizeof ring);
  struct ops_sampler s;
  memset(&s, 0, sizeof s);
  /* A zero-sized record would loop forever; it must end the drain. */
  assert_int_equal(ops_sampler_parse(&s, ring, SIZE, 0, 40), 40);
  assert_int_equal(s.malformed, 1);
  /* A record longer than what was published. */
  struct perf_event_header big = {PERF_RECORD_SAMPLE, 0, 60};
  ring_put(ring, SIZE, 0, &big, sizeof big);
  assert_int_equal(ops_sampler_parse(&s, ring, SIZE, 0, 32), 32);
  assert_int_equal(s.malformed, 2);
  /* A head further ahead than the ring is long. */
  assert_int_equal(ops_sampler_parse(&s, ring, SIZE, 0, 1000), 1000);
  assert_int_equal(s.malformed, 3);
  assert_int_equal(s.n, 0);
  ops_sampler_close(&s);
}

static void test_attribute_by_timeline(void **state) {
  (void)state;
  /* Two runs of three steps: step starts, then the run's end. */
  const uint64_t tl[] = {10, 20, 30, 40, 50, 60, 70, 80, 90 /* a partial third run */};
  const size_t len = sizeof tl / sizeof tl[0];
  assert_int_equal(ops_sample_attribute(tl, len, 3, 5), OPS_SAMPLE_OUTSIDE);
  assert_int_equal(ops_sample_attribute(tl, len, 3, 10), 0);
  assert_int_equal(ops_sample_attribute(tl, len, 3, 25), 1);
  assert_int_equal(ops_sample_attribute(tl, len, 3, 39), 2);
  assert_int_equal(ops_sample_attribute(tl, len, 3, 40), OPS_SAMPLE_OUTSIDE);
  assert_int_equal(ops_sample_attribute(tl, len, 3, 45), OPS_SAMPLE_OUTSIDE);
  assert_int_equal(ops_sample_attribute(tl, len, 3, 50), 0);
  assert_int_equal(ops_sample_attribute(tl, len, 3, 79), 2);
  assert_int_equal(ops_sample_attribute(tl, len, 3, 85), OPS_SAMPLE_OUTSIDE);
  assert_int_equal(ops_sample_attribute(tl, 3, 3, 15), OPS_SAMPLE_OUTSIDE);
  assert_int_equal(ops_sample_attribute(NULL, 0, 3, 15), OPS_SAMPLE_OUTSIDE);
}

/* ---- the symbolizer ---------------------------------------------------------------------- */

static struct ops_symbols *symbols_or_skip(void) {
  struct ops_symbols *sym = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  enum ops_status st = ops_symbols_new(&sym, &d);
  if (st == OPS_ERR_UNAVAILABLE) {
    assert_true(strlen(d.msg) > 10);
    print_message("skipping: %s\n", d.msg);
    skip();
  }
  assert_int_equal(st, OPS_OK);
  return sym;
}

static void test_symbolize_own_function(void **state) {
  (void)state;
  struct ops_symbols *sym = symbols_or_skip();
  struct ops_symbol s;
  /* A few bytes in, as a sampled address would be. */
  uint64_t addr = (uint64_t)(uintptr_t)&spin_a + 4;
  ops_symbols_lookup(sym, addr, &s);
  assert_string_equal(s.function, "spin_a");
  assert_int_equal(s.offset, 4);
  assert_non_null(s.module);
  OPS_ASSERT_CONTAINS(s.module, "test-sample");
  /* Debug and RelWithDebInfo builds have -g, so the line is known; Release has no DWARF and must
   * say so rather than invent one. */
  if (s.quality == OPS_SYMBOL_FUNCTION) {
    assert_null(s.file);
    print_message("no line check: this build has no debug info (-g)\n");
  } else {
    assert_int_equal(s.quality, OPS_SYMBOL_LINE);
    OPS_ASSERT_CONTAINS(s.file, "test-sample.c");
    assert_in_range(s.line, helpers_first_line, spin_a_last_line);
  }
  /* Cached: the same answer again. */
  struct ops_symbol again;
  ops_symbols_lookup(sym, addr, &again);
  assert_ptr_equal(again.function, s.function);
  assert_int_equal(again.line, s.line);
  /* A shared object (libc; not a function ASan intercepts): module and offset at least, with
   * or without its debug info installed. */
  ops_symbols_lookup(sym, (uint64_t)(uintptr_t)&getpid, &s);
  assert_true(s.quality <= OPS_SYMBOL_MODULE);
  OPS_ASSERT_CONTAINS(s.module, ".so");
  /* An address nothing is mapped at. */
  ops_symbols_lookup(sym, 16, &s);
  assert_int_equal(s.quality, OPS_SYMBOL_UNKNOWN);
  assert_null(s.function);
  assert_null(s.module);
  ops_symbols_free(sym);
}

/* ---- sampling ---------------------------------------------------------------------------- */

/* Opens a sampler on this thread, or checks the reason and skips. */
static void open_or_skip(struct ops_sampler *s) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  enum ops_status st = ops_sampler_open(s, NULL, &d);
  if (st == OPS_ERR_UNAVAILABLE) {
    assert_int_equal(s->state, OPS_COUNTER_NOT_SUPPORTED);
    assert_true(strlen(s->reason) > 10);
    OPS_ASSERT_CONTAINS(d.msg, s->reason);
    print_message("skipping: sampling is not possible here: %s\n", s->reason);
    ops_sampler_close(s);
    skip();
  }
  assert_int_equal(st, OPS_OK);
  assert_int_equal(s->state, OPS_COUNTER_OK);
  assert_non_null(s->event);
  /* Where cycles were refused, the note says why. */
  if (strcmp(s->event, "cpu-clock") == 0) assert_true(strlen(s->note) > 10);
}

static void test_sample_busy_loop(void **state) {
  (void)state;
  struct ops_sampler s;
  open_or_skip(&s);
  struct ops_symbols *sym = symbols_or_skip();
  uint64_t t0 = mono_ns();
  ops_sampler_start(&s);
  spin_a(300);
  ops_sampler_stop(&s);
  uint64_t t1 = mono_ns();
  ops_sampler_drain(&s);
  /* 0.3 s of CPU time at 4 kHz is about 1200 samples; far fewer means sampling is broken. */
  assert_true(s.n > 300);
  for (size_t i = 0; i < s.n; i++) {
    assert_in_range(s.samples[i].time_ns, t0, t1);
    assert_int_equal(s.samples[i].tid, (uint32_t)s.tid);
  }
  const struct ops_sampler *list[] = {&s};
  struct ops_sample_report r;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_sample_report_build(&r, list, 1, sym, NULL, &d), OPS_OK);
  ops_report_sample_text(stdout, &r, 5);
  assert_int_equal(r.state, OPS_COUNTER_OK);
  assert_int_equal(r.n_samples, s.n);
  assert_false(r.attributed);
  assert_true(r.n_funcs >= 1);
  assert_string_equal(r.funcs[0].function, "spin_a");
  OPS_ASSERT_CONTAINS(r.funcs[0].module, "test-sample");
  assert_true(r.funcs[0].share > 0.5);
  if (r.funcs[0].quality == OPS_SYMBOL_LINE) {
    assert_true(r.n_lines >= 1);
    OPS_ASSERT_CONTAINS(r.lines[0].file, "test-sample.c");
    assert_string_equal(r.lines[0].function, "spin_a");
    assert_in_range(r.lines[0].line, spin_a_first_line, spin_a_last_line);
  } else {
    print_message("no hot-line check: this build has no debug info (-g)\n");
  }
  /* Functions add up to every sample; shares are in order. */
  uint64_t sum = 0;
  for (size_t i = 0; i < r.n_funcs; i++) {
    sum += r.funcs[i].count;
    if (i > 0) assert_true(r.funcs[i].count <= r.funcs[i - 1].count);
  }
  assert_int_equal(sum, r.n_samples);
  json_object *j = ops_report_sample_json(&r, 1);
  assert_non_null(j);
  json_object *funcs = json_object_object_get(j, "functions");
  assert_int_equal(json_object_array_length(funcs), 1);
  assert_string_equal(json_object_get_string(
                          json_object_object_get(json_object_array_get_idx(funcs, 0), "function")),
                      "spin_a");
  assert_int_equal(json_object_get_uint64(json_object_object_get(j, "samples")), r.n_samples);
  assert_true(json_object_is_type(json_object_object_get(j, "ops"), json_type_null));
  json_object_put(j);
  ops_sample_report_done(&r);
  ops_symbols_free(sym);
  ops_sampler_close(&s);
}

/* A second thread, sampled by its tid as pool threads will be: it publishes its tid, waits
 * until its sampler is enabled, then spins in spin_b. */
struct worker {
  atomic_int tid;
  atomic_bool go;
};

static void *worker_main(void *arg) {
  struct worker *w = arg;
  atomic_store(&w->tid, (int)syscall(SYS_gettid));
  while (!atomic_load(&w->go))
    sched_yield();
  spin_b(200);
  return NULL;
}

static void test_sample_two_threads(void **state) {
  (void)state;
  struct ops_sampler mine, theirs;
  open_or_skip(&mine);
  struct ops_symbols *sym = symbols_or_skip();
  struct worker w;
  atomic_init(&w.tid, 0);
  atomic_init(&w.go, false);
  pthread_t thread;
  assert_int_equal(pthread_create(&thread, NULL, worker_main, &w), 0);
  while (atomic_load(&w.tid) == 0)
    sched_yield();
  struct ops_sampler_config cfg = {
      OPS_SAMPLER_EVENT_AUTO, 0, 0, (pid_t)atomic_load(&w.tid), 0, 0, false};
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_sampler_open(&theirs, &cfg, &d), OPS_OK);
  assert_int_equal(theirs.tid, atomic_load(&w.tid));
  ops_sampler_start(&mine);
  ops_sampler_start(&theirs);
  atomic_store(&w.go, true);
  spin_a(200);
  assert_int_equal(pthread_join(thread, NULL), 0);
  ops_sampler_stop(&theirs);
  ops_sampler_stop(&mine);
  ops_sampler_drain(&mine);
  ops_sampler_drain(&theirs);
  /* Inherit is off: each sampler saw only its own thread. */
  for (size_t i = 0; i < mine.n; i++)
    assert_int_equal(mine.samples[i].tid, (uint32_t)mine.tid);
  for (size_t i = 0; i < theirs.n; i++)
    assert_int_equal(theirs.samples[i].tid, (uint32_t)theirs.tid);
  const struct ops_sampler *list[] = {&mine, &theirs};
  struct ops_sample_report r;
  assert_int_equal(ops_sample_report_build(&r, list, 2, sym, NULL, &d), OPS_OK);
  assert_int_equal(r.n_threads, 2);
  assert_int_equal(r.n_samples, mine.n + theirs.n);
  uint64_t a = 0, b = 0;
  for (size_t i = 0; i < r.n_funcs; i++) {
    /* An optimizing build may name a specialized copy "spin_a.constprop.0". */
    if (is_function(r.funcs[i].function, "spin_a")) a += r.funcs[i].count;
    if (is_function(r.funcs[i].function, "spin_b")) b += r.funcs[i].count;
  }
  print_message("spin_a %llu samples (this thread), spin_b %llu (the other)\n",
                (unsigned long long)a, (unsigned long long)b);
  assert_true(a > 200 && b > 200);
  ops_sample_report_done(&r);
  ops_symbols_free(sym);
  ops_sampler_close(&theirs);
  ops_sampler_close(&mine);
}

/* A one-page ring holds 128 samples. Without draining, 200 ms at 4 kHz overflow it and the
 * report must say so; with the drain thread the same interval keeps far more than 128. */
static void test_sample_ring_overflow(void **state) {
  (void)state;
  struct ops_sampler probe;
  open_or_skip(&probe);
  ops_sampler_close(&probe);
  struct ops_sampler_config cfg = {OPS_SAMPLER_EVENT_AUTO, 0, 0, 0, 1, 0, true};
  struct ops_sampler s;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_sampler_open(&s, &cfg, &d), OPS_OK);
  ops_sampler_start(&s);
  spin_a(200);
  ops_sampler_stop(&s);
  ops_sampler_drain(&s);
  assert_true(s.n <= 128);
  assert_true(s.full >= 1);
  const struct ops_sampler *list[] = {&s};
  struct ops_sample_report r;
  assert_int_equal(ops_sample_report_build(&r, list, 1, NULL, NULL, &d), OPS_OK);
  char buf[2048] = "";
  FILE *f = fmemopen(buf, sizeof buf - 1, "w");
  assert_non_null(f);
  ops_report_sample_text(f, &r, 3);
  fclose(f);
  OPS_ASSERT_CONTAINS(buf, "the ring buffer filled up");
  ops_sample_report_done(&r);
  ops_sampler_close(&s);

  cfg.no_drain_thread = false;
  assert_int_equal(ops_sampler_open(&s, &cfg, &d), OPS_OK);
  ops_sampler_start(&s);
  spin_a(200);
  ops_sampler_stop(&s);
  ops_sampler_drain(&s);
  print_message("one-page ring: %zu samples kept with the drain thread, %llu lost\n", s.n,
                (unsigned long long)s.lost);
  assert_true(s.n > 128);
  ops_sampler_close(&s);
}

/* Two phases timed like ops_exec's timeline: every sample in spin_a must fall in step 0 and
 * every sample in spin_b in step 1, which holds only if sample times and clock_gettime share
 * one clock. */
static void test_sample_times_match_timeline(void **state) {
  (void)state;
  struct ops_sampler s;
  open_or_skip(&s);
  struct ops_symbols *sym = symbols_or_skip();
  uint64_t tl[3];
  ops_sampler_start(&s);
  tl[0] = mono_ns();
  spin_a(150);
  tl[1] = mono_ns();
  spin_b(150);
  tl[2] = mono_ns();
  ops_sampler_stop(&s);
  ops_sampler_drain(&s);
  size_t in_a = 0, in_b = 0, wrong = 0;
  for (size_t i = 0; i < s.n; i++) {
    struct ops_symbol sy;
    ops_symbols_lookup(sym, s.samples[i].ip, &sy);
    size_t step = ops_sample_attribute(tl, 3, 2, s.samples[i].time_ns);
    if (sy.function != NULL && is_function(sy.function, "spin_a")) {
      in_a++;
      wrong += step != 0;
    } else if (sy.function != NULL && is_function(sy.function, "spin_b")) {
      in_b++;
      wrong += step != 1;
    }
  }
  print_message("%zu samples in spin_a, %zu in spin_b, %zu in the wrong interval\n", in_a, in_b,
                wrong);
  assert_true(in_a > 100);
  assert_true(in_b > 100);
  assert_int_equal(wrong, 0);
  ops_symbols_free(sym);
  ops_sampler_close(&s);
}

/* A compiled built-in model with a timeline attached: every sample is either in one of its steps
 * or outside the runs, and the steps that got samples name their kernels. */
static void test_sample_exec_timeline(void **state) {
  (void)state;
  struct ops_sampler s;
  open_or_skip(&s);
  struct ops_symbols *sym = symbols_or_skip();
  char err[512];
  opscope_model_t *model = NULL;
  opscope_plan_t *plan = NULL;
  opscope_exec_t *exec = NULL;
  assert_int_equal(opscope_model_load("builtin:resnet-tiny", &model, err, sizeof err), OPSCOPE_OK);
  assert_int_equal(opscope_plan_new(model, OPSCOPE_UNIT_SCALAR, &plan, err, sizeof err),
                   OPSCOPE_OK);
  assert_int_equal(opscope_exec_new(plan, &exec, err, sizeof err), OPSCOPE_OK);
  struct ops_exec *e = exec->exec;
  const struct ops_graph *g = model->graph;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  for (size_t i = 0; i < g->n_inputs; i++) {
    const struct ops_tensor *t = &g->tensors[g->inputs[i]];
    size_t bytes;
    assert_true(ops_tensor_byte_size(t, &bytes));
    float *x = calloc(bytes / sizeof *x + 1, sizeof *x);
    assert_non_null(x);
    for (size_t k = 0; k < bytes / sizeof *x; k++)
      x[k] = (float)(k % 7) * 0.25f - 0.5f;
    assert_int_equal(ops_exec_set_input(e, g->inputs[i], x, bytes, &d), OPS_OK);
    free(x);
  }
  enum { MAX_RUNS = 4000 };
  size_t cap = MAX_RUNS * (e->n_steps + 1);
  uint64_t *tl = calloc(cap, sizeof *tl);
  assert_non_null(tl);
  ops_exec_set_timeline(e, tl, cap);
  /* Per-op timing on as well: the timeline must not change what it sums. */
  ops_exec_set_profiling(e, true);
  uint64_t t0 = thread_cpu_ns();
  int runs = 0;
  ops_sampler_start(&s);
  while (runs < MAX_RUNS + 2 && thread_cpu_ns() - t0 < 300000000u) {
    assert_int_equal(ops_exec_run(e, &d), OPS_OK);
    runs++;
    ops_sampler_drain(&s);
  }
  ops_sampler_stop(&s);
  ops_sampler_drain(&s);
  size_t recorded = runs < MAX_RUNS ? (size_t)runs : MAX_RUNS;
  assert_int_equal(e->timeline_len, recorded * (e->n_steps + 1));
  assert_int_equal(e->timeline_skipped, (uint64_t)runs - recorded);
  assert_int_equal(e->profiled_runs, (uint64_t)runs);
  uint64_t profiled_ns = 0;
  for (size_t i = 0; i < e->n_steps; i++)
    profiled_ns += e->step_ns[i];
  assert_true(profiled_ns > 0);
  for (size_t i = 1; i < e->timeline_len; i++)
    assert_true(tl[i] >= tl[i - 1]);
  const struct ops_sampler *list[] = {&s};
  struct ops_sample_report r;
  assert_int_equal(ops_sample_report_build(&r, list, 1, sym, e, &d), OPS_OK);
  ops_report_sample_text(stdout, &r, 5);
  assert_true(r.attributed);
  assert_true(r.n_samples > 300);
  uint64_t sum = r.outside_runs;
  for (size_t i = 0; i < r.n_ops; i++) {
    const struct ops_sample_op *o = &r.ops[i];
    assert_true(o->step < e->n_steps);
    assert_string_equal(o->kernel, e->steps[o->step].bind.kernel->name);
    assert_string_equal(o->name, g->nodes[o->node].name);
    sum += o->count;
  }
  assert_int_equal(sum, r.n_samples);
  /* The runs, not the harness around them, take the time. */
  assert_true(r.n_ops > 0 && r.outside_runs < r.n_samples / 2);
  ops_sample_report_done(&r);
  /* A full timeline stops recording and counts the runs it could not hold. */
  ops_exec_set_timeline(e, tl, 2 * (e->n_steps + 1) + e->n_steps);
  for (int i = 0; i < 3; i++)
    assert_int_equal(ops_exec_run(e, &d), OPS_OK);
  assert_int_equal(e->timeline_len, 2 * (e->n_steps + 1));
  assert_int_equal(e->timeline_skipped, 1);
  ops_exec_set_timeline(e, NULL, 0);
  assert_int_equal(e->timeline_len, 0);
  free(tl);
  opscope_exec_free(exec);
  opscope_plan_free(plan);
  opscope_model_free(model);
  ops_symbols_free(sym);
  ops_sampler_close(&s);
}

/* Unavailable sampling is words and nulls, never numbers. */
static void test_report_unavailable(void **state) {
  (void)state;
  struct ops_sampler s;
  memset(&s, 0, sizeof s);
  s.state = OPS_COUNTER_NOT_SUPPORTED;
  snprintf(s.reason, sizeof s.reason, "cpu-clock: not permitted: perf_event_paranoid is 3");
  const struct ops_sampler *list[] = {&s};
  struct ops_sample_report r;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_sample_report_build(&r, list, 1, NULL, NULL, &d), OPS_OK);
  assert_int_equal(r.state, OPS_COUNTER_NOT_SUPPORTED);
  OPS_ASSERT_CONTAINS(r.reason, "perf_event_paranoid is 3");
  char buf[512] = "";
  FILE *f = fmemopen(buf, sizeof buf - 1, "w");
  assert_non_null(f);
  ops_report_sample_text(f, &r, 10);
  fclose(f);
  OPS_ASSERT_CONTAINS(buf, "Sampling: n/a (cpu-clock: not permitted");
  json_object *j = ops_report_sample_json(&r, 10);
  assert_non_null(j);
  const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
  OPS_ASSERT_CONTAINS(text, "\"state\":\"not supported\"");
  OPS_ASSERT_CONTAINS(text, "\"reason\":\"cpu-clock: not permitted");
  OPS_ASSERT_CONTAINS(text, "\"samples\":null");
  json_object_put(j);
  ops_sample_report_done(&r);
}

static void test_open_rejects_bad_config(void **state) {
  (void)state;
  struct ops_sampler s;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_sampler_config cfg = {OPS_SAMPLER_EVENT_AUTO, 1e9, 0, 0, 0, 0, false};
  assert_int_equal(ops_sampler_open(&s, &cfg, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "frequency");
  ops_sampler_close(&s);
  ops_diag_init(&d, NULL);
  cfg.frequency_hz = 0;
  cfg.ring_pages = 3;
  assert_int_equal(ops_sampler_open(&s, &cfg, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "power of two");
  ops_sampler_close(&s);
  /* A thread that does not exist is refused with a reason, as a missing event would be. */
  ops_diag_init(&d, NULL);
  cfg.ring_pages = 0;
  cfg.event = OPS_SAMPLER_EVENT_CPU_CLOCK;
  cfg.tid = 0x7ffffff0;
  assert_int_equal(ops_sampler_open(&s, &cfg, &d), OPS_ERR_UNAVAILABLE);
  assert_true(strlen(s.reason) > 10);
  ops_sampler_close(&s);
  ops_sampler_close(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_wraps_and_counts_lost),
      cmocka_unit_test(test_parse_rejects_impossible_sizes),
      cmocka_unit_test(test_attribute_by_timeline),
      cmocka_unit_test(test_symbolize_own_function),
      cmocka_unit_test(test_report_unavailable),
      cmocka_unit_test(test_open_rejects_bad_config),
      cmocka_unit_test(test_sample_busy_loop),
      cmocka_unit_test(test_sample_times_match_timeline),
      cmocka_unit_test(test_sample_two_threads),
      cmocka_unit_test(test_sample_ring_overflow),
      cmocka_unit_test(test_sample_exec_timeline),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
