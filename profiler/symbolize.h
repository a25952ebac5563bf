/*
 * Addresses of this process to {function, module, source file:line}, with libdwfl over
 * /proc/self/maps, for the sampling profiler. Each address is looked up once and cached.
 *
 * What can be said depends on the module: with DWARF (opscope built RelWithDebInfo or Debug) a
 * function and a line; with only a symbol table, the function; stripped, the module and the
 * offset in it. The result's `quality` says which, so a report can say why a line is missing.
 * An ops_symbols is not thread-safe: symbolize after sampling, from one thread.
 */
#ifndef OPSCOPE_PROFILER_SYMBOLIZE_H
#define OPSCOPE_PROFILER_SYMBOLIZE_H

#include <stddef.h>
#include <stdint.h>

#include "src/diag.h"

enum ops_symbol_quality {
  OPS_SYMBOL_LINE = 0, /* function, module, file and line */
  OPS_SYMBOL_FUNCTION, /* function and module: the module has no line information */
  OPS_SYMBOL_MODULE,   /* module and offset: no symbol covers the address (stripped) */
  OPS_SYMBOL_UNKNOWN,  /* the address is in no mapped module (JIT code, unmapped since) */
  OPS_SYMBOL_QUALITY_COUNT
};

/* "line", "function only (no debug info)", "module+offset only (no symbols)", "unknown". */
const char *ops_symbol_quality_name(enum ops_symbol_quality q);

/* Strings are borrowed from the ops_symbols that produced them and live until it is freed. */
struct ops_symbol {
  const char *function; /* NULL unless quality <= FUNCTION */
  const char *module;   /* base name of the shared object or executable; NULL when UNKNOWN */
  const char *file;     /* NULL unless quality == LINE */
  int line;             /* 1-based; 0 unless quality == LINE */
  uint64_t offset;      /* bytes from the function's start, or from the module's load address
                           when there is no function */
  enum ops_symbol_quality quality;
};

struct ops_symbols;

/* Reads this process's mappings into a new symbolizer (owned; ops_symbols_free). Modules loaded
 * afterwards are not seen. OPS_ERR_UNAVAILABLE when libdwfl cannot read /proc/self/maps (the
 * reason is in `d`), OPS_ERR_NO_MEMORY. */
enum ops_status ops_symbols_new(struct ops_symbols **out, struct ops_diag *d);
void ops_symbols_free(struct ops_symbols *s);

/* Fills `out` for `address` of this process. Never fails: what could not be found lowers
 * out->quality. The first lookup of a module reads its debug information (slow); every
 * address is then cached. */
void ops_symbols_lookup(struct ops_symbols *s, uint64_t address, struct ops_symbol *out);

#endif /* OPSCOPE_PROFILER_SYMBOLIZE_H */
