/*
 * One table definition (title, columns, rows of cells) rendered as aligned text, CSV or
 * Markdown, so a mode describes its table once and --format picks how it is written.
 */
#ifndef OPSCOPE_REPORTS_TABLE_H
#define OPSCOPE_REPORTS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "src/status.h"

/* --format: text (the default), csv (RFC 4180, one header row, tables separated by a blank
 * line), md (GitHub tables under a ### title, for pull-request comments), json (the report on
 * stdout, as -o -). */
enum ops_table_format {
  OPS_TABLE_FORMAT_TEXT,
  OPS_TABLE_FORMAT_CSV,
  OPS_TABLE_FORMAT_MD,
  OPS_TABLE_FORMAT_JSON,
  OPS_TABLE_FORMAT_COUNT
};

/* The format named `name` ("text", "csv", "md", "json"); false when there is none. */
bool ops_table_format_parse(const char *name, enum ops_table_format *out);

struct ops_table_col {
  const char *name; /* header */
  bool right;       /* right-aligned in text and md (numbers) */
};

struct ops_table {
  const char *title;                /* borrowed; may be NULL */
  const struct ops_table_col *cols; /* borrowed; n_cols entries */
  size_t n_cols;
  char **cells; /* owned; n_rows * n_cols strings, row by row */
  size_t n_rows, cap_rows;
};

/* An empty table with the given (borrowed) title and columns. */
void ops_table_init(struct ops_table *t, const char *title, const struct ops_table_col *cols,
                    size_t n_cols);
void ops_table_done(struct ops_table *t);

/* Appends a row of n_cols cells (copied; NULL is written as an empty cell). Fails only with
 * OPS_ERR_NO_MEMORY, leaving the table as it was. */
enum ops_status ops_table_add_row(struct ops_table *t, const char *const *cells);

/* Writes the table in `fmt` (json is written as text: the JSON report has its own writer). */
void ops_table_write(FILE *f, const struct ops_table *t, enum ops_table_format fmt);

#endif /* OPSCOPE_REPORTS_TABLE_H */
