/*
 * The sampling profiler: perf_event_open sampling records read from the mmap ring buffer, and
 * their aggregation into hot functions, hot lines and per-op counts.
 *
 * Ring protocol (linux/perf_event.h, struct perf_event_mmap_page): the kernel writes records at
 * data_head and we free them by advancing data_tail. Both are free-running byte counters; the
 * position in the data area is the counter modulo its size, so a record may wrap around the end
 * and is then read in two pieces. Because we map the ring writable, the kernel never overwrites
 * unread records: when the ring is full it drops samples and later writes one PERF_RECORD_LOST
 * with how many.
 */
#include "profiler/sample.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "src/size.h"

/* ---- opening ----------------------------------------------------------------------------- */

/* A reason a person can act on, from the errno of perf_event_open for a sampling event. */
static void explain_open(int err, const char *event, char *buf, size_t len) {
  switch (err) {
    case ENOENT:
    case EOPNOTSUPP:
      snprintf(buf, len, "%s: %s (%s)", event,
               strcmp(event, "cycles") == 0
                   ? "hardware cycles are not exposed by this CPU or its hypervisor"
                   : "the kernel has no such event",
               strerror(err));
      break;
    case EACCES:
    case EPERM:
      snprintf(buf, len,
               "%s: not permitted: perf_event_paranoid is %d; sampling this process in user "
               "space needs 2 or less, or CAP_PERFMON (%s)",
               event, ops_pmu_paranoid(), strerror(err));
      break;
    case ENOSYS:
      snprintf(buf, len,
               "%s: perf_event_open is not available: a seccomp filter or a kernel without "
               "CONFIG_PERF_EVENTS (%s)",
               event, strerror(err));
      break;
    case EINVAL:
      snprintf(buf, len,
               "%s: the kernel rejected the sampling attributes: a rate above "
               "kernel.perf_event_max_sample_rate, or a kernel before 4.1 without use_clockid "
               "(%s)",
               event, strerror(err));
      break;
    case ESRCH:
      snprintf(buf, len, "%s: no such thread to sample (%s)", event, strerror(err));
      break;
    case EMFILE:
      snprintf(buf, len, "%s: out of file descriptors (%s)", event, strerror(err));
      break;
    default:
      snprintf(buf, len, "%s: perf_event_open failed: %s", event, strerror(err));
      break;
  }
}

/* Opens one sampling event, disabled. Returns the fd, or -1 with errno set. */
static int open_sampling(bool cycles, double hz, uint64_t period, pid_t tid) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = cycles ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
  attr.config = cycles ? PERF_COUNT_HW_CPU_CYCLES : PERF_COUNT_SW_CPU_CLOCK;
  if (period != 0) {
    attr.sample_period = period;
  } else if (cycles) {
    /* The kernel adjusts the cycle period to reach the frequency. */
    attr.freq = 1;
    attr.sample_freq = (uint64_t)hz;
  } else {
    /* cpu-clock counts nanoseconds, so a fixed period gives the frequency exactly. */
    attr.sample_period = (uint64_t)llround(1e9 / hz);
  }
  attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
  attr.disabled = 1;
  attr.inherit = 0; /* one thread per sampler: pool threads get their own */
  /* User space only, so perf_event_paranoid 2 (the common default) allows it. */
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  /* Sample times on CLOCK_MONOTONIC compare with ops_exec's step timeline. */
  attr.use_clockid = 1;
  attr.clockid = CLOCK_MONOTONIC;
  return (int)syscall(SYS_perf_event_open, &attr, tid, -1, -1, 0);
}

static size_t page_bytes(void) {
  long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? (size_t)page : 4096;
}

/* Maps 1 + pages pages, halving `pages` while the locked-memory limit (perf_event_mlock_kb,
 * RLIMIT_MEMLOCK) refuses. Returns false with a reason when even one data page is refused. */
static bool map_ring(struct ops_sampler *s, size_t pages, char *why, size_t why_len) {
  size_t page = page_bytes();
  int err = 0;
  for (; pages >= 1; pages /= 2) {
    size_t bytes;
    if (!ops_mul_size(pages + 1, page, &bytes)) continue;
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
    if (p != MAP_FAILED) {
      s->ring = p;
      s->ring_bytes = bytes;
      s->data_bytes = pages * page;
      return true;
    }
    err = errno;
    if (err != EPERM && err != ENOMEM) break;
  }
  snprintf(why, why_len,
           "cannot map the sample ring buffer: %s (perf_event_mlock_kb or RLIMIT_MEMLOCK too "
           "small?)",
           strerror(err));
  return false;
}

static bool is_power_of_two(size_t x) {
  return x != 0 && (x & (x - 1)) == 0;
}

enum ops_status ops_sampler_open(struct ops_sampler *s, const struct ops_sampler_config *cfg,
                                 struct ops_diag *d) {
  static const struct ops_sampler_config defaults = {OPS_SAMPLER_EVENT_AUTO, 0, 0, 0, 0, 0, false};
  memset(s, 0, sizeof *s);
  s->fd = -1;
  s->state = OPS_COUNTER_NOT_SUPPORTED;
  if (cfg == NULL) cfg = &defaults;
  double hz = cfg->frequency_hz != 0 ? cfg->frequency_hz : OPS_SAMPLER_DEFAULT_HZ;
  size_t pages = cfg->ring_pages != 0 ? cfg->ring_pages : OPS_SAMPLER_DEFAULT_PAGES;
  if ((unsigned)cfg->event >= OPS_SAMPLER_EVENT_COUNT) {
    snprintf(s->reason, sizeof s->reason, "invalid sampling event %d", (int)cfg->event);
    return ops_fail(d, OPS_ERR_BAD_INPUT, "--sample: %s", s->reason);
  }
  /* 100 kHz is the kernel's default perf_event_max_sample_rate; beyond it nothing is gained. */
  if (cfg->period == 0 && !(hz >= 1.0 && hz <= 100000.0)) {
    snprintf(s->reason, sizeof s->reason, "sampling frequency %g Hz is outside 1..100000", hz);
    return ops_fail(d, OPS_ERR_BAD_INPUT, "--sample: %s", s->reason);
  }
  if (!is_power_of_two(pages) || pages > (1u << 16)) {
    snprintf(s->reason, sizeof s->reason,
             "ring buffer of %zu pages: must be a power of two up to 65536", pages);
    return ops_fail(d, OPS_ERR_BAD_INPUT, "--sample: %s", s->reason);
  }
  s->max_samples = cfg->max_samples != 0 ? cfg->max_samples : OPS_SAMPLER_DEFAULT_MAX;
  s->use_thread = !cfg->no_drain_thread;
  s->tid = cfg->tid != 0 ? cfg->tid : (pid_t)syscall(SYS_gettid);
  s->period = cfg->period;
  s->frequency_hz = cfg->period != 0 ? 0.0 : hz;

  enum ops_status status = OPS_ERR_UNAVAILABLE;
  if (cfg->event != OPS_SAMPLER_EVENT_CPU_CLOCK) {
    s->fd = open_sampling(true, hz, cfg->period, s->tid);
    if (s->fd >= 0) {
      s->event = "cycles";
    } else if (cfg->event == OPS_SAMPLER_EVENT_CYCLES) {
      explain_open(errno, "cycles", s->reason, sizeof s->reason);
      goto fail;
    } else {
      char why[OPS_PMU_REASON_MAX - 40];
      explain_open(errno, "cycles", why, sizeof why);
      snprintf(s->note, sizeof s->note, "%s; sampled cpu-clock instead", why);
    }
  }
  if (s->fd < 0) {
    s->fd = open_sampling(false, hz, cfg->period, s->tid);
    if (s->fd < 0) {
      explain_open(errno, "cpu-clock", s->reason, sizeof s->reason);
      goto fail;
    }
    s->event = "cpu-clock";
  }
  if (!map_ring(s, pages, s->reason, sizeof s->reason)) goto fail;
  if (s->data_bytes / page_bytes() < pages) {
    size_t at = strlen(s->note);
    snprintf(s->note + at, sizeof s->note - at,
             "%sring buffer cut to %zu KiB by the locked-memory limit", at ? "; " : "",
             s->data_bytes / 1024);
  }
  if (pthread_mutex_init(&s->lock, NULL) != 0) {
    status = OPS_ERR_NO_MEMORY;
    snprintf(s->reason, sizeof s->reason, "cannot create the sampler's lock");
    goto fail;
  }
  s->lock_ready = true;
  s->state = OPS_COUNTER_OK;
  return OPS_OK;
fail:
  if (s->ring != NULL) munmap(s->ring, s->ring_bytes);
  if (s->fd >= 0) close(s->fd);
  s->ring = NULL;
  s->fd = -1;
  s->event = NULL;
  return ops_fail(d, status, "sampling: %s", s->reason);
}

static void drain_locked(struct ops_sampler *s);

/* Empties the ring every 20 ms: at 4 kHz that is 80 samples, far below the ring's size, so a
 * run of any length keeps its samples. */
static void *drain_main(void *arg) {
  struct ops_sampler *s = arg;
  const struct timespec pause = {0, 20 * 1000 * 1000};
  while (!atomic_load(&s->stop_thread)) {
    nanosleep(&pause, NULL);
    pthread_mutex_lock(&s->lock);
    drain_locked(s);
    pthread_mutex_unlock(&s->lock);
  }
  return NULL;
}

void ops_sampler_start(struct ops_sampler *s) {
  if (s->state != OPS_COUNTER_OK) return;
  if (s->use_thread && !s->thread_running) {
    atomic_store(&s->stop_thread, false);
    s->thread_running = pthread_create(&s->thread, NULL, drain_main, s) == 0;
  }
  ioctl(s->fd, PERF_EVENT_IOC_ENABLE, 0);
}

static void join_thread(struct ops_sampler *s) {
  if (!s->thread_running) return;
  atomic_store(&s->stop_thread, true);
  pthread_join(s->thread, NULL);
  s->thread_running = false;
}

void ops_sampler_stop(struct ops_sampler *s) {
  if (s->state != OPS_COUNTER_OK) return;
  ioctl(s->fd, PERF_EVENT_IOC_DISABLE, 0);
  join_thread(s);
}

void ops_sampler_close(struct ops_sampler *s) {
  join_thread(s);
  if (s->lock_ready) pthread_mutex_destroy(&s->lock);
  s->lock_ready = false;
  if (s->ring != NULL) munmap(s->ring, s->ring_bytes);
  if (s->fd >= 0) close(s->fd);
  free(s->samples);
  s->ring = NULL;
  s->fd = -1;
  s->samples = NULL;
  s->n = s->cap = 0;
  s->state = OPS_COUNTER_NOT_SUPPORTED;
}

/* ---- reading the ring -------------------------------------------------------------------- */

/* Copies `len` bytes from ring offset `at` (a free-running counter), in two pieces when they
 * wrap around the end of the data area. */
static void ring_copy(const unsigned char *data, size_t data_bytes, uint64_t at, void *dst,
                      size_t len) {
  size_t pos = (size_t)(at & (data_bytes - 1));
  size_t first = data_bytes - pos < len ? data_bytes - pos : len;
  memcpy(dst, data + pos, first);
  memcpy((unsigned char *)dst + first, data, len - first);
}

static void keep_sample(struct ops_sampler *s, const struct ops_sample *x) {
  size_t max = s->max_samples != 0 ? s->max_samples : OPS_SAMPLER_DEFAULT_MAX;
  if (s->n == s->cap) {
    size_t cap = s->cap != 0 ? s->cap * 2 : 4096;
    if (cap > max) cap = max;
    struct ops_sample *p = cap > s->cap ? ops_realloc_array(s->samples, cap, sizeof *p) : NULL;
    if (p == NULL) {
      s->dropped++;
      return;
    }
    s->samples = p;
    s->cap = cap;
  }
  s->samples[s->n++] = *x;
}

/* Bytes of the records we read: the header, then for PERF_RECORD_SAMPLE the fields of
 * attr.sample_type in the kernel's order (ip; pid, tid; time), for PERF_RECORD_LOST {id, lost}. */
#define RECORD_BYTES (sizeof(struct perf_event_header) + 3 * sizeof(uint64_t))

static uint64_t field_u64(const unsigned char *rec, size_t at) {
  uint64_t v;
  memcpy(&v, rec + at, sizeof v);
  return v;
}

uint64_t ops_sampler_parse(struct ops_sampler *s, const unsigned char *data, size_t data_bytes,
                           uint64_t tail, uint64_t head) {
  const size_t hdr = sizeof(struct perf_event_header);
  while (tail != head) {
    uint64_t avail = head - tail;
    unsigned char rec[RECORD_BYTES];
    struct perf_event_header h;
    /* A record is never shorter than its header nor longer than what the kernel published; the
     * kernel guarantees both, so a violation means a corrupt ring: skip everything written. */
    if (avail < hdr || avail > data_bytes) {
      s->malformed++;
      return head;
    }
    ring_copy(data, data_bytes, tail, &h, hdr);
    if (h.size < hdr || h.size > avail) {
      s->malformed++;
      return head;
    }
    size_t want = h.size < sizeof rec ? h.size : sizeof rec;
    ring_copy(data, data_bytes, tail, rec, want);
    if (h.type == PERF_RECORD_SAMPLE && h.size >= RECORD_BYTES) {
      struct ops_sample x;
      uint32_t pid_tid[2];
      memcpy(pid_tid, rec + hdr + 8, sizeof pid_tid);
      x.ip = field_u64(rec, hdr);
      x.tid = pid_tid[1];
      x.time_ns = field_u64(rec, hdr + 16);
      keep_sample(s, &x);
    } else if (h.type == PERF_RECORD_LOST && h.size >= hdr + 2 * sizeof(uint64_t)) {
      s->lost += field_u64(rec, hdr + 8);
    }
    tail += h.size;
  }
  return tail;
}

static void drain_locked(struct ops_sampler *s) {
  struct perf_event_mmap_page *pc = s->ring;
  /* Acquire: the records' bytes are visible once data_head is. */
  uint64_t head = __atomic_load_n(&pc->data_head, __ATOMIC_ACQUIRE);
  uint64_t tail = pc->data_tail;
  /* Less room left than one more sample: the kernel has been dropping samples, and says how
   * many only when it next finds room, which may be never if sampling stops first. */
  if (head - tail >= s->data_bytes - RECORD_BYTES) s->full++;
  const unsigned char *data = (const unsigned char *)s->ring + (s->ring_bytes - s->data_bytes);
  tail = ops_sampler_parse(s, data, s->data_bytes, tail, head);
  /* Release: the kernel may reuse the space only after we are done reading it. */
  __atomic_store_n(&pc->data_tail, tail, __ATOMIC_RELEASE);
}

void ops_sampler_drain(struct ops_sampler *s) {
  if (s->state != OPS_COUNTER_OK || s->ring == NULL) return;
  pthread_mutex_lock(&s->lock);
  drain_locked(s);
  pthread_mutex_unlock(&s->lock);
}

/* ---- attribution ------------------------------------------------------------------------- */

size_t ops_sample_attribute(const uint64_t *timeline, size_t len, size_t n_steps,
                            uint64_t time_ns) {
  size_t per_run = n_steps + 1;
  if (timeline == NULL || n_steps == 0 || len < per_run) return OPS_SAMPLE_OUTSIDE;
  len -= len % per_run;
  if (time_ns < timeline[0] || time_ns >= timeline[len - 1]) return OPS_SAMPLE_OUTSIDE;
  /* The last entry at or before time_ns: entries rise through runs and steps. */
  size_t lo = 0, hi = len - 1;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (timeline[mid] <= time_ns) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  size_t step = lo % per_run;
  /* Entry n_steps of a run is its end: the time is between two runs. */
  return step == n_steps ? OPS_SAMPLE_OUTSIDE : step;
}

/* ---- aggregation ------------------------------------------------------------------------- */

/* A distinct address, its sample count and what it symbolized to. */
struct hit {
  uint64_t ip;
  uint64_t count;
  uint64_t func_key; /* the function's (or, without one, the module's) start address */
  struct ops_symbol sym;
};

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static int cmp_str(const char *a, const char *b) {
  if (a == NULL || b == NULL) return (a != NULL) - (b != NULL);
  return strcmp(a, b);
}

/* Functions: by quality group (unknown addresses form one group), then start address. */
static int cmp_hit_func(const void *pa, const void *pb) {
  const struct hit *a = pa, *b = pb;
  int ga = a->sym.quality == OPS_SYMBOL_UNKNOWN, gb = b->sym.quality == OPS_SYMBOL_UNKNOWN;
  if (ga != gb) return ga - gb;
  if (ga) return 0;
  return (a->func_key > b->func_key) - (a->func_key < b->func_key);
}

/* Lines: with a line first, then file, line and function. */
static int cmp_hit_line(const void *pa, const void *pb) {
  const struct hit *a = pa, *b = pb;
  int la = a->sym.quality != OPS_SYMBOL_LINE, lb = b->sym.quality != OPS_SYMBOL_LINE;
  if (la != lb) return la - lb;
  if (la) return 0;
  int c = cmp_str(a->sym.file, b->sym.file);
  if (c != 0) return c;
  if (a->sym.line != b->sym.line) return (a->sym.line > b->sym.line) - (a->sym.line < b->sym.line);
  return (a->func_key > b->func_key) - (a->func_key < b->func_key);
}

static int cmp_func_count(const void *pa, const void *pb) {
  const struct ops_sample_func *a = pa, *b = pb;
  if (a->count != b->count) return (a->count < b->count) - (a->count > b->count);
  int c = strcmp(a->function, b->function);
  return c != 0 ? c : strcmp(a->module, b->module);
}

static int cmp_line_count(const void *pa, const void *pb) {
  const struct ops_sample_line *a = pa, *b = pb;
  if (a->count != b->count) return (a->count < b->count) - (a->count > b->count);
  int c = strcmp(a->file, b->file);
  return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

static int cmp_op_count(const void *pa, const void *pb) {
  const struct ops_sample_op *a = pa, *b = pb;
  if (a->count != b->count) return (a->count < b->count) - (a->count > b->count);
  return (a->step > b->step) - (a->step < b->step);
}

static const char *or_unknown(const char *s) {
  return s != NULL ? s : "[unknown]";
}

/* Sorts the samples' addresses and collapses them into distinct hits, each symbolized once. */
static enum ops_status collect_hits(const struct ops_sampler *const *samplers, size_t n_samplers,
                                    uint64_t total, struct ops_symbols *symbols, struct hit **out,
                                    size_t *n_out) {
  *out = NULL;
  *n_out = 0;
  uint64_t *ips = ops_calloc_array((size_t)total, sizeof *ips);
  struct hit *hits = NULL;
  if (ips == NULL) return OPS_ERR_NO_MEMORY;
  size_t n = 0;
  for (size_t k = 0; k < n_samplers; k++) {
    const struct ops_sampler *s = samplers[k];
    if (s->state != OPS_COUNTER_OK) continue;
    for (size_t i = 0; i < s->n; i++)
      ips[n++] = s->samples[i].ip;
  }
  qsort(ips, n, sizeof *ips, cmp_u64);
  size_t n_hits = 0;
  for (size_t i = 0; i < n; i++)
    n_hits += i == 0 || ips[i] != ips[i - 1];
  hits = ops_calloc_array(n_hits, sizeof *hits);
  if (hits == NULL) {
    free(ips);
    return OPS_ERR_NO_MEMORY;
  }
  size_t h = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && ips[i] == ips[i - 1]) {
      hits[h - 1].count++;
      continue;
    }
    struct hit *x = &hits[h++];
    x->ip = ips[i];
    x->count = 1;
    if (symbols != NULL) {
      ops_symbols_lookup(symbols, x->ip, &x->sym);
    } else {
      x->sym.quality = OPS_SYMBOL_UNKNOWN;
    }
    x->func_key = x->ip - x->sym.offset;
  }
  free(ips);
  *out = hits;
  *n_out = n_hits;
  return OPS_OK;
}

static enum ops_status build_funcs(struct ops_sample_report *r, struct hit *hits, size_t n) {
  qsort(hits, n, sizeof *hits, cmp_hit_func);
  r->funcs = ops_calloc_array(n, sizeof *r->funcs);
  if (r->funcs == NULL) return OPS_ERR_NO_MEMORY;
  for (size_t i = 0; i < n; i++) {
    const struct hit *x = &hits[i];
    if (i > 0 && cmp_hit_func(&hits[i - 1], x) == 0) {
      struct ops_sample_func *f = &r->funcs[r->n_funcs - 1];
      f->count += x->count;
      if (x->sym.quality > f->quality) f->quality = x->sym.quality;
      continue;
    }
    struct ops_sample_func *f = &r->funcs[r->n_funcs++];
    f->count = x->count;
    f->quality = x->sym.quality;
    if (x->sym.quality == OPS_SYMBOL_MODULE) {
      /* Without a symbol, name the place by module and offset so it can be looked up. */
      char name[64];
      snprintf(name, sizeof name, "[%s+0x%llx]", or_unknown(x->sym.module),
               (unsigned long long)x->sym.offset);
      f->function = ops_strdup(name);
    } else {
      f->function = ops_strdup(or_unknown(x->sym.function));
    }
    f->module = ops_strdup(or_unknown(x->sym.module));
    if (f->function == NULL || f->module == NULL) return OPS_ERR_NO_MEMORY;
  }
  for (size_t i = 0; i < r->n_funcs; i++)
    r->funcs[i].share = (double)r->funcs[i].count / (double)r->n_samples;
  qsort(r->funcs, r->n_funcs, sizeof *r->funcs, cmp_func_count);
  return OPS_OK;
}

static enum ops_status build_lines(struct ops_sample_report *r, struct hit *hits, size_t n) {
  qsort(hits, n, sizeof *hits, cmp_hit_line);
  r->lines = ops_calloc_array(n, sizeof *r->lines);
  if (r->lines == NULL) return OPS_ERR_NO_MEMORY;
  for (size_t i = 0; i < n; i++) {
    const struct hit *x = &hits[i];
    if (x->sym.quality != OPS_SYMBOL_LINE) {
      r->no_line += x->count;
      continue;
    }
    if (i > 0 && cmp_hit_line(&hits[i - 1], x) == 0) {
      r->lines[r->n_lines - 1].count += x->count;
      continue;
    }
    struct ops_sample_line *l = &r->lines[r->n_lines++];
    l->count = x->count;
    l->line = x->sym.line;
    l->file = ops_strdup(x->sym.file);
    l->function = ops_strdup(or_unknown(x->sym.function));
    l->module = ops_strdup(or_unknown(x->sym.module));
    if (l->file == NULL || l->function == NULL || l->module == NULL) return OPS_ERR_NO_MEMORY;
  }
  for (size_t i = 0; i < n; i++) {
    if (hits[i].sym.quality >= OPS_SYMBOL_MODULE) r->no_symbol += hits[i].count;
  }
  for (size_t i = 0; i < r->n_lines; i++)
    r->lines[i].share = (double)r->lines[i].count / (double)r->n_samples;
  qsort(r->lines, r->n_lines, sizeof *r->lines, cmp_line_count);
  return OPS_OK;
}

static enum ops_status build_ops(struct ops_sample_report *r,
                                 const struct ops_sampler *const *samplers, size_t n_samplers,
                                 const struct ops_exec *exec) {
  if (exec == NULL || exec->timeline == NULL) return OPS_OK;
  r->attributed = true;
  uint64_t *counts = ops_calloc_array(exec->n_steps, sizeof *counts);
  if (counts == NULL) return OPS_ERR_NO_MEMORY;
  for (size_t k = 0; k < n_samplers; k++) {
    const struct ops_sampler *s = samplers[k];
    if (s->state != OPS_COUNTER_OK) continue;
    for (size_t i = 0; i < s->n; i++) {
      size_t step = ops_sample_attribute(exec->timeline, exec->timeline_len, exec->n_steps,
                                         s->samples[i].time_ns);
      if (step == OPS_SAMPLE_OUTSIDE) {
        r->outside_runs++;
      } else {
        counts[step]++;
      }
    }
  }
  size_t n = 0;
  for (size_t i = 0; i < exec->n_steps; i++)
    n += counts[i] != 0;
  r->ops = ops_calloc_array(n, sizeof *r->ops);
  if (r->ops == NULL) {
    free(counts);
    return OPS_ERR_NO_MEMORY;
  }
  enum ops_status status = OPS_OK;
  for (size_t i = 0; i < exec->n_steps; i++) {
    if (counts[i] == 0) continue;
    const struct ops_step *step = &exec->steps[i];
    const struct ops_node *node = &exec->graph->nodes[step->node];
    struct ops_sample_op *o = &r->ops[r->n_ops++];
    o->step = i;
    o->node = step->node;
    o->count = counts[i];
    o->share = (double)counts[i] / (double)r->n_samples;
    o->name = ops_strdup(node->name != NULL ? node->name : "");
    o->op_type = ops_strdup(node->op_type != NULL ? node->op_type : "");
    o->kernel = ops_strdup(step->bind.kernel != NULL ? step->bind.kernel->name : "");
    if (o->name == NULL || o->op_type == NULL || o->kernel == NULL) status = OPS_ERR_NO_MEMORY;
  }
  free(counts);
  if (status == OPS_OK) qsort(r->ops, r->n_ops, sizeof *r->ops, cmp_op_count);
  return status;
}

enum ops_status ops_sample_report_build(struct ops_sample_report *out,
                                        const struct ops_sampler *const *samplers,
                                        size_t n_samplers, struct ops_symbols *symbols,
                                        const struct ops_exec *exec, struct ops_diag *d) {
  memset(out, 0, sizeof *out);
  out->state = OPS_COUNTER_NOT_SUPPORTED;
  snprintf(out->reason, sizeof out->reason, "no thread was sampled");
  struct hit *hits = NULL;
  size_t n_hits = 0;
  enum ops_status status = OPS_OK;
  uint64_t total = 0;
  bool have_reason = false;
  for (size_t k = 0; k < n_samplers; k++) {
    const struct ops_sampler *s = samplers[k];
    if (s->state != OPS_COUNTER_OK) {
      /* The first reason is the one to show when no sampler worked. */
      if (!have_reason) snprintf(out->reason, sizeof out->reason, "%s", s->reason);
      have_reason = true;
      continue;
    }
    if (out->n_threads++ == 0) {
      out->event = s->event;
      out->frequency_hz = s->frequency_hz;
      out->period = s->period;
      snprintf(out->note, sizeof out->note, "%s", s->note);
    }
    total += s->n;
    out->lost += s->lost;
    out->dropped += s->dropped;
    out->malformed += s->malformed;
    out->full += s->full;
  }
  if (out->n_threads == 0) return OPS_OK;
  out->state = OPS_COUNTER_OK;
  out->reason[0] = '\0';
  out->n_samples = total;
  if (total == 0) return OPS_OK;
  status = collect_hits(samplers, n_samplers, total, symbols, &hits, &n_hits);
  if (status != OPS_OK) goto fail;
  status = build_funcs(out, hits, n_hits);
  if (status != OPS_OK) goto fail;
  status = build_lines(out, hits, n_hits);
  if (status != OPS_OK) goto fail;
  status = build_ops(out, samplers, n_samplers, exec);
  if (status != OPS_OK) goto fail;
  free(hits);
  return OPS_OK;
fail:
  free(hits);
  ops_sample_report_done(out);
  return ops_fail(d, status, "sampling report: out of memory for %llu samples",
                  (unsigned long long)total);
}

void ops_sample_report_done(struct ops_sample_report *r) {
  for (size_t i = 0; i < r->n_funcs; i++) {
    free(r->funcs[i].function);
    free(r->funcs[i].module);
  }
  for (size_t i = 0; i < r->n_lines; i++) {
    free(r->lines[i].file);
    free(r->lines[i].function);
    free(r->lines[i].module);
  }
  for (size_t i = 0; i < r->n_ops; i++) {
    free(r->ops[i].name);
    free(r->ops[i].op_type);
    free(r->ops[i].kernel);
  }
  free(r->funcs);
  free(r->lines);
  free(r->ops);
  r->funcs = NULL;
  r->lines = NULL;
  r->ops = NULL;
  r->n_funcs = r->n_lines = r->n_ops = 0;
}
