/*
 * The mutation sweep (issue #10): damaged copies of real models must be refused or run, never
 * crash, hang or take unbounded memory.
 *
 *   mutation-sweep OPSCOPE MODELS_DIR [-n MUTANTS] [-s SEED] [-t SECONDS] [-a BYTES]
 *
 * For each MODELS_DIR/NAME holding model.onnx and test_data_set_0/, writes MUTANTS damaged
 * copies of model.onnx, one at a time, to a temporary directory and runs
 *   OPSCOPE -m MUTANT --verify MODELS_DIR/NAME/test_data_set_0 -u simd   (even mutants)
 *   OPSCOPE -m MUTANT --verify MODELS_DIR/NAME/test_data_set_0 -u scalar (odd mutants)
 * in a child with RLIMIT_AS at BYTES (-a 0: no limit, for sanitizer builds whose shadow memory
 * needs the address space) and killed after SECONDS. Exit 0, 1 or 2 is an outcome; a signal, a
 * timeout or any other exit is a failure, printed with the mutant's recipe and kept in the
 * temporary directory. Prints a table per model and exits 0 when nothing failed, 1 otherwise,
 * 77 (CTest's skip) when MODELS_DIR has no model.
 *
 * Mutations are deterministic (seeded) and drawn from five kinds, chosen in turn:
 *   truncate  the file cut at an offset (spread over the file, then at random)
 *   flip      one to eight random bits flipped
 *   length    a protobuf length prefix rewritten to a huge or slightly-too-large value, the
 *             enclosing lengths left as they were (the corruption a damaged file shows)
 *   varint    a varint field (dims, dim values, data types, attribute ints) set to 0, -1, 2^31,
 *             2^62 or -2^62, enclosing lengths fixed so the file still parses
 *   swap      the leading bytes of two same-numbered length-delimited fields of different
 *             messages swapped (two initializers' raw data, two names), or two sibling fields
 *             exchanged whole (nodes or initializers reordered)
 * To reach the varint and length fields the file is walked as protobuf without the schema:
 * a length-delimited field whose payload parses completely as fields is taken as a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>

#include "src/size.h"

enum kind { KIND_TRUNCATE, KIND_FLIP, KIND_LENGTH, KIND_VARINT, KIND_SWAP, KIND_COUNT };

/* One field found by the walk. Offsets are bytes into the file. */
struct field {
  size_t tag_at;  /* the tag's first byte */
  size_t val_at;  /* the varint value, or the length prefix of a length-delimited field */
  size_t val_len; /* bytes of that varint */
  size_t payload; /* length-delimited: the payload's first byte */
  size_t size;    /* length-delimited: payload bytes */
  size_t end;     /* one past the field's last byte */
  int number;     /* the field number */
  int wire;       /* 0 varint, 2 length-delimited */
  int parent;     /* index of the enclosing length-delimited field, -1 at the top level */
};

struct fields {
  struct field *v;
  size_t n, cap;
};

struct buf {
  unsigned char *p;
  size_t n, cap;
};

static uint64_t rng_state;

static uint64_t rng(void) {
  /* xorshift64*: deterministic across machines for a given seed. */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

static size_t rng_below(size_t n) {
  return n == 0 ? 0 : (size_t)(rng() % n);
}

static bool read_varint(const unsigned char *p, size_t at, size_t end, uint64_t *v, size_t *len) {
  uint64_t x = 0;
  for (size_t i = 0; i < 10 && at + i < end; i++) {
    x |= (uint64_t)(p[at + i] & 0x7f) << (7 * i);
    if ((p[at + i] & 0x80) == 0) {
      *v = x;
      *len = i + 1;
      return true;
    }
  }
  return false;
}

static size_t write_varint(uint64_t v, unsigned char out[10]) {
  size_t n = 0;
  do {
    out[n] = (unsigned char)(v & 0x7f);
    v >>= 7;
    if (v != 0) out[n] |= 0x80;
    n++;
  } while (v != 0);
  return n;
}

static bool fields_push(struct fields *f, const struct field *x) {
  if (f->n == f->cap) {
    size_t cap = f->cap ? f->cap * 2 : 1024;
    struct field *v = ops_realloc_array(f->v, cap, sizeof *v);
    if (v == NULL) return false;
    f->v = v;
    f->cap = cap;
  }
  f->v[f->n++] = *x;
  return true;
}

/* Walks [at, end) as protobuf fields; false when it does not parse (the caller then drops
 * what was recorded). Nested payloads are tried as messages up to `depth` levels. */
static bool walk(const unsigned char *p, size_t at, size_t end, int parent, int depth,
                 struct fields *f) {
  while (at < end) {
    struct field x = {.tag_at = at, .parent = parent};
    uint64_t tag, v;
    size_t n;
    if (!read_varint(p, at, end, &tag, &n) || (tag >> 3) == 0 || (tag >> 3) > 536870911) {
      return false;
    }
    at += n;
    x.number = (int)(tag >> 3);
    x.wire = (int)(tag & 7);
    x.val_at = at;
    switch (x.wire) {
      case 0:
        if (!read_varint(p, at, end, &v, &n)) return false;
        x.val_len = n;
        at += n;
        x.end = at;
        if (!fields_push(f, &x)) return false;
        break;
      case 1:
      case 5: {
        size_t w = x.wire == 1 ? 8 : 4;
        if (end - at < w) return false;
        at += w;
        break;
      }
      case 2: {
        if (!read_varint(p, at, end, &v, &n) || v > end - at - n) return false;
        x.val_len = n;
        x.payload = at + n;
        x.size = (size_t)v;
        x.end = x.payload + x.size;
        at = x.end;
        if (!fields_push(f, &x)) return false;
        int self = (int)f->n - 1;
        size_t mark = f->n;
        if (depth > 0 && x.size > 0 && !walk(p, x.payload, x.end, self, depth - 1, f)) {
          f->n = mark; /* a string or raw bytes, not a message */
        }
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

static bool buf_reserve(struct buf *b, size_t n) {
  if (n <= b->cap) return true;
  unsigned char *p = realloc(b->p, n);
  if (p == NULL) return false;
  b->p = p;
  b->cap = n;
  return true;
}

/* Replaces `old_n` bytes at `at` with `new_n` bytes of `src`. */
static bool buf_splice(struct buf *b, size_t at, size_t old_n, const unsigned char *src,
                       size_t new_n) {
  size_t n = b->n - old_n + new_n;
  if (new_n > old_n && !buf_reserve(b, n)) return false;
  memmove(b->p + at + new_n, b->p + at + old_n, b->n - at - old_n);
  memcpy(b->p + at, src, new_n);
  b->n = n;
  return true;
}

/* After the payload of field `i` (of `f`, walked on the original bytes) grew by `delta` bytes,
 * rewrites its length prefix and those of all enclosing fields, innermost first. Each prefix
 * lies before every change made so far, so the recorded offsets stay valid. */
static bool fix_lengths(struct buf *b, const struct fields *f, int i, long long delta) {
  for (; i >= 0; i = f->v[i].parent) {
    const struct field *x = &f->v[i];
    unsigned char v[10];
    size_t n = write_varint((uint64_t)((long long)x->size + delta), v);
    if (!buf_splice(b, x->val_at, x->val_len, v, n)) return false;
    delta += (long long)n - (long long)x->val_len;
  }
  return true;
}

/* Builds mutant `index` of `orig` into `out` and describes it in `what`. */
static bool mutate(const unsigned char *orig, size_t len, const struct fields *f, size_t index,
                   struct buf *out, char *what, size_t what_len) {
  out->n = 0;
  if (!buf_reserve(out, len + 64)) return false;
  memcpy(out->p, orig, len);
  out->n = len;
  enum kind kind = (enum kind)(index % KIND_COUNT);
  size_t n_len = 0, n_var = 0;
  for (size_t i = 0; i < f->n; i++) {
    n_len += f->v[i].wire == 2;
    n_var += f->v[i].wire == 0;
  }
  if ((kind == KIND_LENGTH || kind == KIND_SWAP) && n_len < 2) kind = KIND_FLIP;
  if (kind == KIND_VARINT && n_var == 0) kind = KIND_FLIP;
  switch (kind) {
    case KIND_TRUNCATE: {
      /* The first rounds spread cuts over the whole file; later ones land at random. */
      size_t round = index / KIND_COUNT, at;
      at = round < 16 ? len * round / 16 + rng_below(len / 16 + 1) : rng_below(len);
      if (at >= len) at = len - 1;
      out->n = at;
      snprintf(what, what_len, "truncate at %zu of %zu", at, len);
      return true;
    }
    case KIND_FLIP: {
      int bits = 1 + (int)rng_below(8);
      size_t first = 0;
      for (int k = 0; k < bits; k++) {
        size_t at = rng_below(len);
        if (k == 0) first = at;
        out->p[at] ^= (unsigned char)(1u << rng_below(8));
      }
      snprintf(what, what_len, "flip %d bits, first at %zu", bits, first);
      return true;
    }
    case KIND_LENGTH: {
      size_t pick = rng_below(n_len), i = 0;
      for (; i < f->n; i++) {
        if (f->v[i].wire == 2 && pick-- == 0) break;
      }
      const struct field *x = &f->v[i];
      static const uint64_t huge[] = {(uint64_t)1 << 62, 0x7fffffffu, 0xffffffffu, (uint64_t)-1};
      uint64_t v = rng_below(2) ? huge[rng_below(4)] : x->size + 1 + rng_below(4096);
      unsigned char enc[10];
      size_t n = write_varint(v, enc);
      if (!buf_splice(out, x->val_at, x->val_len, enc, n)) return false;
      snprintf(what, what_len, "length of field %d at %zu: %zu -> %llu", x->number, x->tag_at,
               x->size, (unsigned long long)v);
      return true;
    }
    case KIND_VARINT: {
      size_t pick = rng_below(n_var), i = 0;
      for (; i < f->n; i++) {
        if (f->v[i].wire == 0 && pick-- == 0) break;
      }
      const struct field *x = &f->v[i];
      static const int64_t values[] = {0, -1, (int64_t)1 << 31, (int64_t)1 << 62,
                                       -((int64_t)1 << 62)};
      int64_t v = values[rng_below(5)];
      unsigned char enc[10];
      size_t n = write_varint((uint64_t)v, enc);
      if (!buf_splice(out, x->val_at, x->val_len, enc, n)) return false;
      if (x->parent >= 0 && !fix_lengths(out, f, x->parent, (long long)n - (long long)x->val_len)) {
        return false;
      }
      snprintf(what, what_len, "varint field %d at %zu set to %lld", x->number, x->tag_at,
               (long long)v);
      return true;
    }
    case KIND_SWAP: {
      /* Two length-delimited fields with the same number in different messages whose parents
       * have the same number too (two initializers' raw_data), else two siblings. */
      for (int tries = 0; tries < 64; tries++) {
        size_t a = rng_below(f->n), b = rng_below(f->n);
        const struct field *x = &f->v[a], *y = &f->v[b];
        if (a == b || x->wire != 2 || y->wire != 2 || x->number != y->number) continue;
        if (x->parent == y->parent && x->parent >= 0) {
          if (x->end > y->tag_at && y->end > x->tag_at) continue;
          /* Siblings: exchange them whole; the parent's length does not change. */
          if (x->tag_at > y->tag_at) {
            const struct field *t = x;
            x = y;
            y = t;
          }
          size_t xn = x->end - x->tag_at, yn = y->end - y->tag_at, mid = y->tag_at - x->end;
          unsigned char *tmp = malloc(xn + yn + mid);
          if (tmp == NULL) return false;
          memcpy(tmp, orig + y->tag_at, yn);
          memcpy(tmp + yn, orig + x->end, mid);
          memcpy(tmp + yn + mid, orig + x->tag_at, xn);
          memcpy(out->p + x->tag_at, tmp, xn + yn + mid);
          free(tmp);
          snprintf(what, what_len, "fields %d at %zu and %zu exchanged", x->number, x->tag_at,
                   y->tag_at);
          return true;
        }
        if (x->parent < 0 || y->parent < 0) continue;
        if (f->v[x->parent].number != f->v[y->parent].number) continue;
        if (x->end > y->payload && y->end > x->payload) continue;
        size_t n = x->size < y->size ? x->size : y->size;
        for (size_t k = 0; k < n; k++) {
          out->p[x->payload + k] = orig[y->payload + k];
          out->p[y->payload + k] = orig[x->payload + k];
        }
        snprintf(what, what_len, "first %zu bytes of fields %d at %zu and %zu swapped", n,
                 x->number, x->tag_at, y->tag_at);
        return true;
      }
      out->p[rng_below(len)] ^= 0x10;
      snprintf(what, what_len, "swap found no pair; one bit flipped");
      return true;
    }
    default:
      return false;
  }
}

static bool read_all(const char *path, unsigned char **out, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) return false;
  struct stat sb;
  bool ok = fstat(fileno(fp), &sb) == 0 && sb.st_size > 0;
  unsigned char *p = ok ? malloc((size_t)sb.st_size) : NULL;
  ok = p != NULL && fread(p, 1, (size_t)sb.st_size, fp) == (size_t)sb.st_size;
  fclose(fp);
  if (!ok) {
    free(p);
    return false;
  }
  *out = p;
  *len = (size_t)sb.st_size;
  return true;
}

static bool write_all(const char *path, const unsigned char *p, size_t n) {
  FILE *fp = fopen(path, "wb");
  if (fp == NULL) return false;
  bool ok = fwrite(p, 1, n, fp) == n;
  return fclose(fp) == 0 && ok;
}

enum outcome { OUT_EXIT0, OUT_EXIT1, OUT_EXIT2, OUT_SIGNAL, OUT_TIMEOUT, OUT_OTHER, OUT_COUNT };

struct run_opts {
  const char *opscope;
  unsigned timeout_s;
  size_t as_bytes; /* RLIMIT_AS of the child; 0: unlimited */
};

/* Runs opscope on one mutant; its output goes to `log`. */
static enum outcome run_one(const struct run_opts *o, const char *model, const char *data_dir,
                            const char *unit, const char *log, int *detail) {
  pid_t pid = fork();
  if (pid < 0) {
    *detail = errno;
    return OUT_OTHER;
  }
  if (pid == 0) {
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    if (o->as_bytes > 0) {
      struct rlimit rl = {o->as_bytes, o->as_bytes};
      setrlimit(RLIMIT_AS, &rl);
    }
    execl(o->opscope, o->opscope, "-m", model, "--verify", data_dir, "-u", unit, "-q",
          (char *)NULL);
    _exit(127);
  }
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    int st;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid) {
      if (WIFSIGNALED(st)) {
        *detail = WTERMSIG(st);
        return OUT_SIGNAL;
      }
      *detail = WEXITSTATUS(st);
      switch (WEXITSTATUS(st)) {
        case 0:
          return OUT_EXIT0;
        case 1:
          return OUT_EXIT1;
        case 2:
          return OUT_EXIT2;
        default:
          return OUT_OTHER;
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec >= (time_t)o->timeout_s) {
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
      *detail = (int)o->timeout_s;
      return OUT_TIMEOUT;
    }
    struct timespec nap = {0, 2000000};
    nanosleep(&nap, NULL);
  }
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void usage(void) {
  fprintf(stderr,
          "usage: mutation-sweep OPSCOPE MODELS_DIR [-n MUTANTS] [-s SEED] "
          "[-t SECONDS] [-a BYTES]\n");
}

int main(int argc, char **argv) {
  if (argc < 3) {
    usage();
    return 2;
  }
  struct run_opts o = {.opscope = argv[1], .timeout_s = 60, .as_bytes = (size_t)4 << 30};
  const char *models = argv[2];
  size_t per_model = 200;
  uint64_t seed = 1;
  if (argc % 2 == 0) {
    usage();
    return 2;
  }
  for (int i = 3; i + 1 < argc; i += 2) {
    unsigned long long v = strtoull(argv[i + 1], NULL, 10);
    if (strcmp(argv[i], "-n") == 0) {
      per_model = (size_t)v;
    } else if (strcmp(argv[i], "-s") == 0) {
      seed = v;
    } else if (strcmp(argv[i], "-t") == 0) {
      o.timeout_s = (unsigned)v;
    } else if (strcmp(argv[i], "-a") == 0) {
      o.as_bytes = (size_t)v;
    } else {
      usage();
      return 2;
    }
  }
  DIR *dp = opendir(models);
  if (dp == NULL) {
    printf("SKIP: no models at %s (%s)\n", models, strerror(errno));
    return 77;
  }
  char *names[64];
  size_t n_names = 0;
  struct dirent *e;
  while ((e = readdir(dp)) != NULL && n_names < 64) {
    char probe[4096];
    if (e->d_name[0] == '.') continue;
    snprintf(probe, sizeof probe, "%s/%s/test_data_set_0", models, e->d_name);
    struct stat sb;
    if (stat(probe, &sb) != 0 || !S_ISDIR(sb.st_mode)) continue;
    names[n_names] = strdup(e->d_name);
    if (names[n_names] == NULL) {
      fprintf(stderr, "mutation-sweep: out of memory\n");
      return 2;
    }
    n_names++;
  }
  closedir(dp);
  if (n_names == 0) {
    printf("SKIP: no model with test_data_set_0 under %s\n", models);
    return 77;
  }
  qsort(names, n_names, sizeof *names, by_name);

  char tmp[] = "/tmp/opscope-mutants-XXXXXX";
  if (mkdtemp(tmp) == NULL) {
    perror("mutation-sweep: mkdtemp");
    return 2;
  }
  printf(
      "%zu mutants per model (kinds in turn: truncate, flip, length, varint, swap), "
      "timeout %u s, address space %zu MiB, units simd/scalar alternating\n\n",
      per_model, o.timeout_s, o.as_bytes >> 20);
  printf("%-16s %8s %8s %8s %8s %8s\n", "model", "mutants", "exit 0", "exit 1", "exit 2", "failed");
  size_t total[OUT_COUNT] = {0}, all = 0, kept = 0;
  struct buf mutant = {0};
  for (size_t m = 0; m < n_names; m++) {
    char model[4096], data_dir[4096], path[4200], log[4200];
    snprintf(model, sizeof model, "%s/%s/model.onnx", models, names[m]);
    snprintf(data_dir, sizeof data_dir, "%s/%s/test_data_set_0", models, names[m]);
    unsigned char *orig = NULL;
    size_t len = 0;
    if (!read_all(model, &orig, &len)) {
      printf("%-16s cannot read %s\n", names[m], model);
      total[OUT_OTHER]++;
      continue;
    }
    struct fields f = {0};
    if (!walk(orig, 0, len, -1, 6, &f)) f.n = 0; /* not protobuf: bit flips and cuts only */
    rng_state = seed * 0x9e3779b97f4a7c15ull + m + 1;
    size_t count[OUT_COUNT] = {0};
    for (size_t i = 0; i < per_model; i++) {
      char what[256];
      snprintf(path, sizeof path, "%s/%s-%zu.onnx", tmp, names[m], i);
      snprintf(log, sizeof log, "%s/%s-%zu.log", tmp, names[m], i);
      if (!mutate(orig, len, &f, i, &mutant, what, sizeof what) ||
          !write_all(path, mutant.p, mutant.n)) {
        printf("  %s mutant %zu: cannot write %s\n", names[m], i, path);
        count[OUT_OTHER]++;
        continue;
      }
      const char *unit = i % 2 == 0 ? "simd" : "scalar";
      int detail = 0;
      enum outcome r = run_one(&o, path, data_dir, unit, log, &detail);
      count[r]++;
      if (r >= OUT_SIGNAL) {
        /* Kept for reproduction: the mutant, its log and the command. */
        printf("  FAIL %s mutant %zu (%s, -u %s): %s %d%s; kept %s\n", names[m], i, what, unit,
               r == OUT_SIGNAL    ? "signal"
               : r == OUT_TIMEOUT ? "timeout after"
                                  : "exit",
               detail, r == OUT_TIMEOUT ? " s" : "", path);
        kept++;
      } else {
        unlink(path);
        unlink(log);
      }
    }
    size_t failed = count[OUT_SIGNAL] + count[OUT_TIMEOUT] + count[OUT_OTHER];
    printf("%-16s %8zu %8zu %8zu %8zu %8zu\n", names[m], per_model, count[OUT_EXIT0],
           count[OUT_EXIT1], count[OUT_EXIT2], failed);
    fflush(stdout);
    for (int k = 0; k < OUT_COUNT; k++)
      total[k] += count[k];
    all += per_model;
    free(f.v);
    free(orig);
  }
  size_t failed = total[OUT_SIGNAL] + total[OUT_TIMEOUT] + total[OUT_OTHER];
  printf("%-16s %8zu %8zu %8zu %8zu %8zu\n", "total", all, total[OUT_EXIT0], total[OUT_EXIT1],
         total[OUT_EXIT2], failed);
  printf("(failed: %zu signals, %zu timeouts, %zu other exits)\n", total[OUT_SIGNAL],
         total[OUT_TIMEOUT], total[OUT_OTHER]);
  free(mutant.p);
  for (size_t m = 0; m < n_names; m++)
    free(names[m]);
  if (kept == 0) rmdir(tmp);
  return failed == 0 ? 0 : 1;
}
