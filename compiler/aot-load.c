/*
 * Loading an ahead-of-time library (compiler/aot-load.h).
 */
#include "compiler/aot-load.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "kernels/cpu.h"
#include "runtime/aot-runtime.h"
#include "src/size.h"

/* The most a section may hold: the graph of a 10,000-node model is a few MiB. */
#define SECTION_MAX ((size_t)256 << 20)

bool ops_aot_is_library(const char *path) {
  size_t n = strlen(path);
  return n > 3 && strcmp(path + n - 3, ".so") == 0;
}

void ops_aot_close(struct ops_aot_lib *lib) {
  if (lib == NULL) return;
  for (size_t i = 0; lib->ops != NULL && i < lib->n_ops; i++) {
    free(lib->ops[i].symbol);
    free(lib->ops[i].node);
    free(lib->ops[i].op);
    free(lib->ops[i].kernel);
  }
  for (size_t i = 0; lib->act_names != NULL && i < lib->n_acts; i++)
    free(lib->act_names[i]);
  free(lib->act_names);
  free(lib->act_offsets);
  free(lib->ops);
  free(lib->path);
  free(lib->meta_json);
  free(lib->graph_json);
  free(lib->model);
  free(lib->source);
  free(lib->prefix);
  free(lib->isa);
  if (lib->dl != NULL) dlclose(lib->dl);
  free(lib);
}

/* ---- the ELF file ---- */

/* A section's bytes as a NUL-terminated copy (the emitter stores C strings). */
static enum ops_status section_text(Elf_Scn *scn, const GElf_Shdr *sh, const char *path,
                                    const char *name, char **out, size_t *len, struct ops_diag *d) {
  Elf_Data *data = elf_getdata(scn, NULL);
  if (sh->sh_type != SHT_PROGBITS || data == NULL || data->d_buf == NULL || data->d_size == 0 ||
      data->d_size > SECTION_MAX) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "%s: section %s is empty, too large or unreadable", path,
                    name);
  }
  const char *bytes = data->d_buf;
  size_t n = strnlen(bytes, data->d_size);
  if (n == data->d_size) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "%s: section %s is not a terminated string", path, name);
  }
  *out = malloc(n + 1);
  if (*out == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  memcpy(*out, bytes, n + 1);
  *len = n;
  return OPS_OK;
}

/* The exported functions named PREFIX_op_*, in symbol-table order. */
struct symbols {
  char **names;
  size_t n, cap;
};

static bool add_symbol(struct symbols *s, const char *name) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 64;
    char **grown = ops_realloc_array(s->names, cap, sizeof *grown);
    if (grown == NULL) return false;
    s->names = grown;
    s->cap = cap;
  }
  s->names[s->n] = strdup(name);
  return s->names[s->n++] != NULL;
}

static void free_symbols(struct symbols *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->names[i]);
  free(s->names);
}

static enum ops_status read_symbols(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
                                    struct symbols *out, struct ops_diag *d) {
  Elf_Data *data = elf_getdata(scn, NULL);
  if (data == NULL || sh->sh_entsize == 0) return OPS_OK;
  size_t count = sh->sh_size / sh->sh_entsize;
  for (size_t i = 0; i < count; i++) {
    GElf_Sym sym;
    if (gelf_getsym(data, (int)i, &sym) == NULL) break;
    if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF) continue;
    const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
    if (name == NULL || strstr(name, "_op_") == NULL) continue;
    if (!add_symbol(out, name)) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  }
  return OPS_OK;
}

static enum ops_status read_elf(struct ops_aot_lib *lib, struct symbols *syms, struct ops_diag *d) {
  const char *path = lib->path;
  if (elf_version(EV_CURRENT) == EV_NONE) {
    return ops_fail(d, OPS_ERR_INTERNAL, "libelf: %s", elf_errmsg(-1));
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ops_fail(d, OPS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  enum ops_status st = OPS_OK;
  Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
  size_t shstrndx = 0;
  size_t meta_len = 0;
  if (elf == NULL || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx) != 0) {
    int e = elf_errno();
    st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s: not an ELF shared library%s%s%s", path, e ? " (" : "",
                  e ? elf_errmsg(e) : "", e ? ")" : "");
    goto done;
  }
  for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL && st == OPS_OK;
       scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == NULL) continue;
    const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
    if (name == NULL) continue;
    if (strcmp(name, ".opscope_meta") == 0 && lib->meta_json == NULL) {
      st = section_text(scn, &sh, path, name, &lib->meta_json, &meta_len, d);
    } else if (strcmp(name, ".opscope_graph") == 0 && lib->graph_json == NULL) {
      st = section_text(scn, &sh, path, name, &lib->graph_json, &lib->graph_len, d);
    } else if (sh.sh_type == SHT_DYNSYM) {
      st = read_symbols(elf, scn, &sh, syms, d);
    }
  }
  if (st == OPS_OK && (lib->meta_json == NULL || lib->graph_json == NULL)) {
    st = ops_fail(d, OPS_ERR_BAD_INPUT,
                  "%s: no .opscope_meta and .opscope_graph sections: not a library emitted by "
                  "opscope --compile",
                  path);
  }
done:
  if (elf != NULL) elf_end(elf);
  close(fd);
  return st;
}

/* ---- the metadata ---- */

struct meta_reader {
  const char *path;
  struct ops_diag *d;
  enum ops_status st;
};

static struct json_object *field(struct meta_reader *R, struct json_object *obj, const char *key,
                                 json_type type, const char *where) {
  struct json_object *v = NULL;
  if (R->st != OPS_OK) return NULL;
  if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type)) {
    R->st = ops_fail(R->d, OPS_ERR_BAD_INPUT, "%s: .opscope_meta: %s%s is missing or mistyped",
                     R->path, where, key);
    return NULL;
  }
  return v;
}

static char *text_field(struct meta_reader *R, struct json_object *obj, const char *key,
                        const char *where) {
  struct json_object *v = field(R, obj, key, json_type_string, where);
  if (v == NULL) return NULL;
  char *s = strdup(json_object_get_string(v));
  if (s == NULL) R->st = ops_fail(R->d, OPS_ERR_NO_MEMORY, "out of memory");
  return s;
}

static size_t size_field(struct meta_reader *R, struct json_object *obj, const char *key) {
  struct json_object *v = field(R, obj, key, json_type_int, "");
  if (v == NULL) return 0;
  int64_t n = json_object_get_int64(v);
  if (n < 0) {
    R->st = ops_fail(R->d, OPS_ERR_BAD_INPUT, "%s: .opscope_meta: %s is negative", R->path, key);
    return 0;
  }
  return (size_t)n;
}

static int unit_field(struct meta_reader *R, struct json_object *obj, const char *where) {
  struct json_object *v = field(R, obj, "unit", json_type_string, where);
  if (v == NULL) return -1;
  int unit = opscope_unit_parse(json_object_get_string(v));
  if (unit < 0) {
    R->st = ops_fail(R->d, OPS_ERR_BAD_INPUT, "%s: .opscope_meta: %sunit '%s' is unknown", R->path,
                     where, json_object_get_string(v));
  }
  return unit;
}

static enum ops_status read_meta(struct ops_aot_lib *lib, struct ops_diag *d) {
  struct meta_reader R = {.path = lib->path, .d = d, .st = OPS_OK};
  struct json_tokener *tok = json_tokener_new();
  if (tok == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  struct json_object *m = json_tokener_parse_ex(tok, lib->meta_json, (int)strlen(lib->meta_json));
  bool parsed = m != NULL && json_tokener_get_error(tok) == json_tokener_success;
  json_tokener_free(tok);
  if (!parsed || !json_object_is_type(m, json_type_object)) {
    json_object_put(m);
    return ops_fail(d, OPS_ERR_BAD_INPUT, "%s: .opscope_meta is not a JSON object", lib->path);
  }
  struct json_object *format = field(&R, m, "format", json_type_string, "");
  struct json_object *abi = field(&R, m, "abi", json_type_int, "");
  if (R.st == OPS_OK && strcmp(json_object_get_string(format), "opscope-aot") != 0) {
    R.st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s: .opscope_meta has format '%s'", lib->path,
                    json_object_get_string(format));
  }
  if (R.st == OPS_OK && json_object_get_int(abi) != OPS_AOT_ABI) {
    R.st = ops_fail(d, OPS_ERR_UNSUPPORTED,
                    "%s: emitted for runtime ABI %d; this opscope reads ABI %d: emit it again",
                    lib->path, json_object_get_int(abi), OPS_AOT_ABI);
  }
  lib->model = text_field(&R, m, "model", "");
  lib->source = text_field(&R, m, "source", "");
  lib->prefix = text_field(&R, m, "symbol_prefix", "");
  lib->isa = text_field(&R, m, "isa", "");
  lib->unit = unit_field(&R, m, "");
  lib->opt_level = (int)size_field(&R, m, "opt_level");
  lib->isa_flags = (uint32_t)size_field(&R, m, "isa_mask");
  struct json_object *opset = field(&R, m, "opset", json_type_int, "");
  if (opset != NULL) lib->opset = json_object_get_int64(opset);
  lib->arena_bytes = size_field(&R, m, "arena_bytes");
  lib->activation_bytes = size_field(&R, m, "activation_bytes");
  lib->naive_bytes = size_field(&R, m, "naive_bytes");
  lib->scratch_bytes = size_field(&R, m, "scratch_bytes");
  lib->packed_bytes = size_field(&R, m, "packed_bytes");
  struct json_object *w = field(&R, m, "weights", json_type_object, "");
  if (w != NULL) lib->weights_bytes = size_field(&R, w, "bytes");
  struct json_object *ops = field(&R, m, "ops", json_type_array, "");
  if (ops != NULL) {
    lib->n_ops = json_object_array_length(ops);
    lib->ops = ops_calloc_array(lib->n_ops, sizeof *lib->ops);
    if (lib->ops == NULL) R.st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    for (size_t i = 0; R.st == OPS_OK && i < lib->n_ops; i++) {
      struct json_object *o = json_object_array_get_idx(ops, i);
      char where[64];
      snprintf(where, sizeof where, "ops[%zu].", i);
      if (!json_object_is_type(o, json_type_object)) {
        R.st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s: .opscope_meta: %s is not an object", lib->path,
                        where);
        break;
      }
      lib->ops[i].symbol = text_field(&R, o, "symbol", where);
      lib->ops[i].node = text_field(&R, o, "node", where);
      lib->ops[i].op = text_field(&R, o, "op", where);
      lib->ops[i].kernel = text_field(&R, o, "kernel", where);
      lib->ops[i].unit = unit_field(&R, o, where);
    }
  }
  struct json_object *acts = field(&R, m, "activations", json_type_array, "");
  if (acts != NULL) {
    lib->n_acts = json_object_array_length(acts);
    lib->act_names = ops_calloc_array(lib->n_acts, sizeof *lib->act_names);
    lib->act_offsets = ops_calloc_array(lib->n_acts, sizeof *lib->act_offsets);
    if (lib->act_names == NULL || lib->act_offsets == NULL) {
      R.st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    }
    for (size_t i = 0; R.st == OPS_OK && i < lib->n_acts; i++) {
      struct json_object *o = json_object_array_get_idx(acts, i);
      if (!json_object_is_type(o, json_type_object)) {
        R.st = ops_fail(d, OPS_ERR_BAD_INPUT,
                        "%s: .opscope_meta: activations[%zu] is not an "
                        "object",
                        lib->path, i);
        break;
      }
      lib->act_names[i] = text_field(&R, o, "name", "activations[].");
      lib->act_offsets[i] = size_field(&R, o, "offset");
      if (R.st == OPS_OK && lib->act_offsets[i] >= lib->arena_bytes) {
        R.st = ops_fail(d, OPS_ERR_BAD_INPUT,
                        "%s: .opscope_meta: activation '%s' lies outside "
                        "the arena",
                        lib->path, lib->act_names[i]);
      }
    }
  }
  json_object_put(m);
  return R.st;
}

/* The library's op functions in its symbol table must be exactly the metadata's. */
static enum ops_status check_symbols(const struct ops_aot_lib *lib, const struct symbols *syms,
                                     struct ops_diag *d) {
  size_t plen = strlen(lib->prefix);
  size_t found = 0;
  for (size_t i = 0; i < syms->n; i++) {
    if (strncmp(syms->names[i], lib->prefix, plen) == 0 &&
        strncmp(syms->names[i] + plen, "_op_", 4) == 0) {
      found++;
    }
  }
  for (size_t k = 0; k < lib->n_ops; k++) {
    bool present = false;
    for (size_t i = 0; i < syms->n && !present; i++)
      present = strcmp(syms->names[i], lib->ops[k].symbol) == 0;
    if (!present) {
      return ops_fail(d, OPS_ERR_BAD_INPUT,
                      "%s: op function %s (node '%s') is not in the dynamic symbol table",
                      lib->path, lib->ops[k].symbol, lib->ops[k].node);
    }
  }
  if (found != lib->n_ops) {
    return ops_fail(d, OPS_ERR_BAD_INPUT,
                    "%s: the symbol table has %zu op functions, the metadata lists %zu", lib->path,
                    found, lib->n_ops);
  }
  return OPS_OK;
}

enum ops_status ops_aot_open(const char *path, struct ops_aot_lib **out, struct ops_diag *d) {
  *out = NULL;
  struct ops_aot_lib *lib = ops_calloc_array(1, sizeof *lib);
  struct symbols syms = {0};
  if (lib == NULL || (lib->path = strdup(path)) == NULL) {
    ops_aot_close(lib);
    return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  }
  enum ops_status st = read_elf(lib, &syms, d);
  if (st == OPS_OK) st = read_meta(lib, d);
  if (st == OPS_OK) st = check_symbols(lib, &syms, d);
  free_symbols(&syms);
  if (st != OPS_OK) {
    ops_aot_close(lib);
    return st;
  }
  *out = lib;
  return OPS_OK;
}

/* ---- plan and exec ---- */

enum ops_status ops_aot_plan_adopt(const struct ops_aot_lib *lib, struct ops_plan *plan,
                                   struct ops_diag *d) {
  const struct ops_graph *g = plan->graph;
  size_t k = 0;
  for (size_t i = 0; i < plan->n_nodes; i++) {
    struct ops_plan_node *pn = &plan->nodes[i];
    if (pn->kind == OPS_PLAN_CONSTANT) continue;
    const struct ops_node *node = &g->nodes[pn->node];
    if (k >= lib->n_ops || strcmp(lib->ops[k].node, node->name) != 0) {
      return ops_fail(d, OPS_ERR_BAD_INPUT,
                      "%s: its graph runs node '%s' where the library has %s%s%s", lib->path,
                      node->name, k < lib->n_ops ? "'" : "",
                      k < lib->n_ops ? lib->ops[k].node : "no more ops", k < lib->n_ops ? "'" : "");
    }
    if (pn->assigned != lib->ops[k].unit) {
      enum ops_status st = ops_plan_override(plan, i, lib->ops[k].unit, d);
      if (st != OPS_OK) return st;
    }
    k++;
  }
  if (k != lib->n_ops) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "%s: the library has %zu ops, its graph %zu", lib->path,
                    lib->n_ops, k);
  }
  return OPS_OK;
}

typedef void *(*new_fn)(const char *weights_path, char *err, size_t err_len);
typedef void (*free_fn)(void *m);
typedef void *(*arena_fn)(void *m);
typedef int (*op_fn)(void *m);

/* One step's call params: the op function and the instance it runs on. */
struct aot_call {
  op_fn fn;
  void *inst;
};

/* What an exec over the library owns, released with it. */
struct aot_run {
  free_fn free_instance;
  void *inst;
  struct ops_kernel_entry *entries;
  struct aot_call *calls;
  const struct ops_kernel_entry **kernels;
  const void **params;
  void **tensor_data;
};

static enum ops_kresult aot_step(const struct ops_kcall *call) {
  const struct aot_call *c = call->params;
  int r = c->fn(c->inst);
  return r >= 0 && r < OPS_KRESULT_COUNT ? (enum ops_kresult)r : OPS_KRESULT_BAD_VALUE;
}

static void aot_run_release(void *ctx) {
  struct aot_run *run = ctx;
  if (run == NULL) return;
  if (run->inst != NULL) run->free_instance(run->inst);
  free(run->entries);
  free(run->calls);
  free(run->kernels);
  free(run->params);
  free(run->tensor_data);
  free(run);
}

static void *symbol(struct ops_aot_lib *lib, const char *name, struct ops_diag *d,
                    enum ops_status *st) {
  void *p = dlsym(lib->dl, name);
  if (p == NULL && *st == OPS_OK) {
    *st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s: has no symbol %s", lib->path, name);
  }
  return p;
}

enum ops_status ops_aot_exec_new(struct ops_aot_lib *lib, const struct ops_plan *plan,
                                 struct ops_exec **out, struct ops_diag *d) {
  *out = NULL;
  uint32_t have = ops_cpu_get()->detected;
  if ((lib->isa_flags & have) != lib->isa_flags) {
    char need[160];
    ops_cpu_flags_str(lib->isa_flags & ~have, need, sizeof need);
    return ops_fail(d, OPS_ERR_UNAVAILABLE, "%s: was built for %s; this CPU lacks %s", lib->path,
                    lib->isa, need);
  }
  if (lib->dl == NULL) {
    lib->dl = dlopen(lib->path, RTLD_NOW | RTLD_LOCAL);
    if (lib->dl == NULL) {
      return ops_fail(d, OPS_ERR_BAD_INPUT, "%s: cannot load: %s", lib->path, dlerror());
    }
  }
  const struct ops_graph *g = plan->graph;
  enum ops_status st = OPS_OK;
  char name[512];
  snprintf(name, sizeof name, "%s_new", lib->prefix);
  new_fn make = (new_fn)symbol(lib, name, d, &st);
  snprintf(name, sizeof name, "%s_free", lib->prefix);
  free_fn release = (free_fn)symbol(lib, name, d, &st);
  snprintf(name, sizeof name, "%s_arena", lib->prefix);
  arena_fn arena_of = (arena_fn)symbol(lib, name, d, &st);
  if (st != OPS_OK) return st;
  struct aot_run *run = ops_calloc_array(1, sizeof *run);
  if (run == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  run->free_instance = release;
  run->entries = ops_calloc_array(lib->n_ops, sizeof *run->entries);
  run->calls = ops_calloc_array(lib->n_ops, sizeof *run->calls);
  run->kernels = ops_calloc_array(lib->n_ops, sizeof *run->kernels);
  run->params = ops_calloc_array(lib->n_ops, sizeof *run->params);
  run->tensor_data = ops_calloc_array(g->n_tensors, sizeof *run->tensor_data);
  if (!run->entries || !run->calls || !run->kernels || !run->params || !run->tensor_data) {
    aot_run_release(run);
    return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  }
  char err[1024] = "";
  run->inst = make(NULL, err, sizeof err);
  if (run->inst == NULL) {
    aot_run_release(run);
    return ops_fail(d, OPS_ERR_BAD_INPUT, "%s", err);
  }
  for (size_t k = 0; k < lib->n_ops && st == OPS_OK; k++) {
    run->calls[k].fn = (op_fn)symbol(lib, lib->ops[k].symbol, d, &st);
    run->calls[k].inst = run->inst;
    run->entries[k] = (struct ops_kernel_entry){
        .op = lib->ops[k].op, .unit = lib->ops[k].unit, .name = lib->ops[k].kernel, .fn = aot_step};
    run->kernels[k] = &run->entries[k];
    run->params[k] = &run->calls[k];
  }
  unsigned char *arena = arena_of(run->inst);
  for (size_t a = 0; a < lib->n_acts && st == OPS_OK; a++) {
    int t = ops_graph_find_tensor(g, lib->act_names[a]);
    if (t >= 0) run->tensor_data[t] = arena + lib->act_offsets[a];
  }
  if (st != OPS_OK) {
    aot_run_release(run);
    return st;
  }
  struct ops_exec_external x = {.n_steps = lib->n_ops,
                                .kernels = run->kernels,
                                .params = run->params,
                                .tensor_data = run->tensor_data,
                                .arena_bytes = lib->arena_bytes,
                                .activation_bytes = lib->activation_bytes,
                                .naive_bytes = lib->naive_bytes,
                                .scratch_bytes = lib->scratch_bytes,
                                .release = aot_run_release,
                                .release_ctx = run};
  return ops_exec_new_external(plan, &x, out, d);
}
