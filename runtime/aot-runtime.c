/*
 * The ahead-of-time runtime (runtime/aot-runtime.h): from an emitted model's tables to an
 * instance whose kernel calls are ready to run.
 */
#include "runtime/aot-runtime.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/cpu.h"
#include "kernels/kconfig-find.h"
#include "kernels/threads/pool.h"
#include "src/size.h"

#define ALIGN 64

struct ops_aot_instance {
  const struct ops_aot_model *model;
  unsigned char *weights; /* the weights file's bytes, params blocks relocated */
  unsigned char *arena;
  struct ops_pool *pool;   /* when an op is pooled */
  struct ops_kcall *calls; /* n_steps */
  const void **ptrs;       /* every step's in and out pointers, back to back */
};

static void say(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t len, const char *fmt, ...) {
  if (err == NULL || len == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
}

uint64_t ops_aot_fnv1a(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3u;
  }
  return h;
}

/* The default weights path: the model's weights_file beside the library holding this code. */
static char *default_weights_path(const struct ops_aot_model *m) {
  Dl_info info;
  const char *lib = "";
  if (dladdr((const void *)&ops_aot_instance_new, &info) != 0 && info.dli_fname != NULL) {
    lib = info.dli_fname;
  }
  const char *slash = strrchr(lib, '/');
  size_t dir = slash != NULL ? (size_t)(slash - lib) + 1 : 0, len;
  if (!ops_add_size(dir, strlen(m->weights_file) + 1, &len)) return NULL;
  char *path = malloc(len);
  if (path == NULL) return NULL;
  memcpy(path, lib, dir);
  memcpy(path + dir, m->weights_file, strlen(m->weights_file) + 1);
  return path;
}

/* Reads the whole weights file into 64-byte aligned memory and checks it is the one the
 * library was emitted with. */
static unsigned char *read_weights(const struct ops_aot_model *m, const char *path, char *err,
                                   size_t err_len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    say(err, err_len, "%s: cannot open the weights file: %s", path, strerror(errno));
    return NULL;
  }
  size_t bytes = (size_t)m->weights_bytes;
  unsigned char *w = NULL;
  if (bytes != m->weights_bytes || posix_memalign((void **)&w, ALIGN, bytes ? bytes : ALIGN)) {
    say(err, err_len, "%s: out of memory for %llu bytes of weights", path,
        (unsigned long long)m->weights_bytes);
    fclose(f);
    return NULL;
  }
  size_t got = fread(w, 1, bytes, f);
  int extra = fgetc(f);
  fclose(f);
  if (got != bytes || extra != EOF) {
    say(err, err_len, "%s: the weights file is %s %llu bytes this library was built with", path,
        got != bytes ? "shorter than the" : "longer than the", (unsigned long long)bytes);
    free(w);
    return NULL;
  }
  if (ops_aot_fnv1a(OPS_AOT_FNV1A_INIT, w, bytes) != m->weights_fnv1a) {
    say(err, err_len,
        "%s: the weights file's checksum does not match this library's (it "
        "belongs to another compilation)",
        path);
    free(w);
    return NULL;
  }
  return w;
}

/* True when [offset, offset + bytes) lies inside `size` bytes. */
static int inside(uint64_t offset, uint64_t bytes, uint64_t size) {
  return offset <= size && bytes <= size - offset;
}

static int relocate(struct ops_aot_instance *inst, const struct ops_aot_step *s, char *err,
                    size_t err_len) {
  const struct ops_aot_model *m = inst->model;
  unsigned char *block = inst->weights + s->params.offset;
  uint32_t have = ops_cpu_get()->detected;
  for (size_t r = 0; r < s->n_relocs; r++) {
    const struct ops_aot_reloc *rl = &s->relocs[r];
    const void *value = NULL;
    if (!inside(rl->at, sizeof value, s->params_bytes)) {
      say(err, err_len, "node '%s': a relocation lies outside its params", s->node);
      return 0;
    }
    if (rl->kind == OPS_AOT_RELOC_SELF && rl->target < s->params_bytes) {
      value = block + rl->target;
    } else if (rl->kind == OPS_AOT_RELOC_WEIGHTS && rl->target < m->weights_bytes) {
      value = inst->weights + rl->target;
    } else if (rl->kind == OPS_AOT_RELOC_KCONFIG) {
      uint32_t need = 0;
      value = ops_kconfig_find((int)rl->target, rl->name, &need);
      if (value == NULL) {
        say(err, err_len, "node '%s': microkernel %s is not in this runtime", s->node, rl->name);
        return 0;
      }
      if ((need & have) != need) {
        say(err, err_len, "node '%s': microkernel %s needs an ISA this CPU lacks", s->node,
            rl->name);
        return 0;
      }
    } else {
      say(err, err_len, "node '%s': a relocation points outside its target", s->node);
      return 0;
    }
    memcpy(block + rl->at, &value, sizeof value);
  }
  return 1;
}

void *ops_aot_instance_ptr(const struct ops_aot_instance *inst, struct ops_aot_ref ref) {
  switch (ref.where) {
    case OPS_AOT_ARENA:
      return inst->arena + ref.offset;
    case OPS_AOT_WEIGHTS:
      return inst->weights + ref.offset;
    default:
      return NULL;
  }
}

static int ref_ok(const struct ops_aot_model *m, struct ops_aot_ref ref) {
  if (ref.where == OPS_AOT_NONE) return 1;
  if (ref.where == OPS_AOT_ARENA) return ref.offset <= m->arena_bytes;
  return ref.where == OPS_AOT_WEIGHTS && ref.offset <= m->weights_bytes;
}

/* Fills step s's call; its in and out pointers go to ptrs. */
static int fill_call(struct ops_aot_instance *inst, size_t s, const void **ptrs, char *err,
                     size_t err_len) {
  const struct ops_aot_model *m = inst->model;
  const struct ops_aot_step *st = &m->steps[s];
  struct ops_kcall *c = &inst->calls[s];
  for (int i = 0; i < st->n_in + st->n_out; i++) {
    struct ops_aot_ref ref = i < st->n_in ? st->in[i] : st->out[i - st->n_in];
    if (!ref_ok(m, ref)) {
      say(err, err_len, "node '%s': an operand lies outside the arena or weights", st->node);
      return 0;
    }
    ptrs[i] = ops_aot_instance_ptr(inst, ref);
  }
  c->n_in = st->n_in;
  c->n_out = st->n_out;
  c->in = ptrs;
  c->in_dims = st->in_dims;
  c->in_dtype = st->in_dtype;
  c->out = (void *const *)(ptrs + st->n_in);
  c->out_dims = st->out_dims;
  c->out_dtype = st->out_dtype;
  if (st->params.where == OPS_AOT_WEIGHTS) {
    if (st->params.offset % ALIGN != 0 ||
        !inside(st->params.offset, st->params_bytes, m->weights_bytes)) {
      say(err, err_len, "node '%s': its params lie outside the weights", st->node);
      return 0;
    }
    if (!relocate(inst, st, err, err_len)) return 0;
    c->params = inst->weights + st->params.offset;
  }
  if (st->scratch_bytes != 0) {
    if (!inside(m->scratch_offset, st->scratch_bytes, m->arena_bytes)) {
      say(err, err_len, "node '%s': its scratch lies outside the arena", st->node);
      return 0;
    }
    c->scratch = inst->arena + m->scratch_offset;
    c->scratch_bytes = (size_t)st->scratch_bytes;
  }
  c->pool = st->pooled ? inst->pool : NULL;
  return 1;
}

struct ops_aot_instance *ops_aot_instance_new(const struct ops_aot_model *model,
                                              const char *weights_path, char *err, size_t err_len) {
  if (model->abi != OPS_AOT_ABI) {
    say(err, err_len, "%s: emitted for runtime ABI %u, this runtime is ABI %d", model->name,
        model->abi, OPS_AOT_ABI);
    return NULL;
  }
  uint32_t have = ops_cpu_get()->detected;
  if ((model->isa_flags & have) != model->isa_flags) {
    say(err, err_len, "%s: built for an ISA this CPU lacks (%s)", model->name,
        ops_cpu_get()->model);
    return NULL;
  }
  struct ops_aot_instance *inst = calloc(1, sizeof *inst);
  char *owned_path = NULL;
  if (inst == NULL) goto oom;
  inst->model = model;
  if (weights_path == NULL) {
    owned_path = default_weights_path(model);
    if (owned_path == NULL) goto oom;
    weights_path = owned_path;
  }
  inst->weights = read_weights(model, weights_path, err, err_len);
  if (inst->weights == NULL) goto fail;
  size_t arena = (size_t)model->arena_bytes;
  if (arena != model->arena_bytes ||
      posix_memalign((void **)&inst->arena, ALIGN, arena ? arena : ALIGN) != 0) {
    goto oom;
  }
  memset(inst->arena, 0, arena);
  size_t n_ptrs = 0;
  for (size_t s = 0; s < model->n_steps; s++)
    n_ptrs += (size_t)(model->steps[s].n_in + model->steps[s].n_out);
  inst->calls = ops_calloc_array(model->n_steps, sizeof *inst->calls);
  inst->ptrs = ops_calloc_array(n_ptrs, sizeof *inst->ptrs);
  if (inst->calls == NULL || inst->ptrs == NULL) goto oom;
  if (model->pool_threads > 0) {
    char msg[256];
    if (ops_pool_new(model->pool_threads, 0, &inst->pool, msg, sizeof msg) != OPS_OK) {
      say(err, err_len, "%s: the thread pool: %s", model->name, msg);
      goto fail;
    }
  }
  const void **ptrs = inst->ptrs;
  for (size_t s = 0; s < model->n_steps; s++) {
    if (!fill_call(inst, s, ptrs, err, err_len)) goto fail;
    ptrs += model->steps[s].n_in + model->steps[s].n_out;
  }
  free(owned_path);
  return inst;
oom:
  say(err, err_len, "%s: out of memory", model->name);
fail:
  free(owned_path);
  ops_aot_instance_free(inst);
  return NULL;
}

void ops_aot_instance_free(struct ops_aot_instance *inst) {
  if (inst == NULL) return;
  ops_pool_free(inst->pool);
  free(inst->calls);
  free(inst->ptrs);
  free(inst->arena);
  free(inst->weights);
  free(inst);
}

const struct ops_kcall *ops_aot_instance_call(const struct ops_aot_instance *inst, size_t step) {
  return &inst->calls[step];
}

void *ops_aot_instance_arena(const struct ops_aot_instance *inst) {
  return inst->arena;
}
