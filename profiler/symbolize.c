/*
 * libdwfl symbolization of this process's addresses, cached per address.
 *
 * The strings in results point into libdwfl's own tables (symbol names, module names, line
 * table file names). They stay valid because the Dwfl is reported once and kept until
 * ops_symbols_free; reporting again could drop modules and free them, so lookups never do.
 */
#include "profiler/symbolize.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdwfl.h>

#include "src/size.h"

/* One cached address. */
struct entry {
  uint64_t address;
  bool used;
  struct ops_symbol sym;
};

struct ops_symbols {
  Dwfl *dwfl;
  struct entry *table; /* open addressing; cap entries, a power of two */
  size_t cap;
  size_t n;
};

static const char *const quality_names[OPS_SYMBOL_QUALITY_COUNT] = {
    "line", "function only (no debug info)", "module+offset only (no symbols)", "unknown"};

const char *ops_symbol_quality_name(enum ops_symbol_quality q) {
  return (unsigned)q < OPS_SYMBOL_QUALITY_COUNT ? quality_names[q] : "unknown";
}

/* The standard callbacks find a module's ELF through /proc/PID/maps and separate debug info in
 * the usual places (.gnu_debuglink, /usr/lib/debug/.build-id). */
static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = NULL,
};

enum ops_status ops_symbols_new(struct ops_symbols **out, struct ops_diag *d) {
  *out = NULL;
  enum ops_status status = OPS_ERR_NO_MEMORY;
  struct ops_symbols *s = ops_calloc_array(1, sizeof *s);
  if (s == NULL) goto fail;
  s->cap = 1024;
  s->table = ops_calloc_array(s->cap, sizeof *s->table);
  if (s->table == NULL) goto fail;
  s->dwfl = dwfl_begin(&callbacks);
  if (s->dwfl == NULL) {
    status = ops_fail(d, OPS_ERR_UNAVAILABLE, "symbolizer: libdwfl could not start: %s",
                      dwfl_errmsg(-1));
    goto fail;
  }
  dwfl_report_begin(s->dwfl);
  int err = dwfl_linux_proc_report(s->dwfl, getpid());
  if (err != 0) {
    /* A positive result is an errno value; -1 is a libdwfl error. */
    status = ops_fail(d, OPS_ERR_UNAVAILABLE, "symbolizer: cannot read /proc/self/maps: %s",
                      err > 0 ? strerror(err) : dwfl_errmsg(-1));
    dwfl_report_end(s->dwfl, NULL, NULL);
    goto fail;
  }
  if (dwfl_report_end(s->dwfl, NULL, NULL) != 0) {
    status = ops_fail(d, OPS_ERR_UNAVAILABLE, "symbolizer: libdwfl rejected the mappings: %s",
                      dwfl_errmsg(-1));
    goto fail;
  }
  *out = s;
  return OPS_OK;
fail:
  if (status == OPS_ERR_NO_MEMORY) ops_fail(d, status, "symbolizer: out of memory");
  ops_symbols_free(s);
  return status;
}

void ops_symbols_free(struct ops_symbols *s) {
  if (s == NULL) return;
  if (s->dwfl != NULL) dwfl_end(s->dwfl);
  free(s->table);
  free(s);
}

/* Fibonacci hashing: sample addresses share their high bits, so the multiply spreads them. */
static size_t slot_of(uint64_t address, size_t cap) {
  return (size_t)((address * 0x9e3779b97f4a7c15u) >> 32) & (cap - 1);
}

static struct entry *find_slot(struct entry *table, size_t cap, uint64_t address) {
  size_t i = slot_of(address, cap);
  while (table[i].used && table[i].address != address)
    i = (i + 1) & (cap - 1);
  return &table[i];
}

/* Doubles the table; false (table unchanged) when memory is short, and the caller then simply
 * does not cache. */
static bool grow(struct ops_symbols *s) {
  size_t cap;
  if (!ops_mul_size(s->cap, 2, &cap)) return false;
  struct entry *table = ops_calloc_array(cap, sizeof *table);
  if (table == NULL) return false;
  for (size_t i = 0; i < s->cap; i++) {
    if (s->table[i].used) *find_slot(table, cap, s->table[i].address) = s->table[i];
  }
  free(s->table);
  s->table = table;
  s->cap = cap;
  return true;
}

static const char *base_name(const char *path) {
  if (path == NULL) return NULL;
  /* libdwfl names the vDSO "[vdso: PID]"; the pid is noise in a report. */
  if (strncmp(path, "[vdso", 5) == 0) return "[vdso]";
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

static void resolve(Dwfl *dwfl, uint64_t address, struct ops_symbol *out) {
  memset(out, 0, sizeof *out);
  out->quality = OPS_SYMBOL_UNKNOWN;
  Dwfl_Module *mod = dwfl_addrmodule(dwfl, (Dwarf_Addr)address);
  if (mod == NULL) return;
  Dwarf_Addr start = 0;
  const char *name = dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL);
  out->module = base_name(name != NULL ? name : "[unnamed]");
  out->offset = address - start;
  out->quality = OPS_SYMBOL_MODULE;
  GElf_Off off = 0;
  GElf_Sym sym;
  const char *fn = dwfl_module_addrinfo(mod, (GElf_Addr)address, &off, &sym, NULL, NULL, NULL);
  if (fn == NULL) return;
  out->function = fn;
  out->offset = off;
  out->quality = OPS_SYMBOL_FUNCTION;
  Dwfl_Line *line = dwfl_module_getsrc(mod, (Dwarf_Addr)address);
  if (line == NULL) return;
  int lineno = 0;
  const char *file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
  if (file == NULL || lineno <= 0) return;
  out->file = file;
  out->line = lineno;
  out->quality = OPS_SYMBOL_LINE;
}

void ops_symbols_lookup(struct ops_symbols *s, uint64_t address, struct ops_symbol *out) {
  struct entry *e = find_slot(s->table, s->cap, address);
  if (e->used) {
    *out = e->sym;
    return;
  }
  resolve(s->dwfl, address, out);
  /* Keep the load under 3/4 so probes stay short. */
  if ((s->n + 1) * 4 > s->cap * 3) {
    if (!grow(s)) return;
    e = find_slot(s->table, s->cap, address);
  }
  e->used = true;
  e->address = address;
  e->sym = *out;
  s->n++;
}
