/*
 * The tables of every mode as table definitions (reports/table.h), for --format csv and md:
 * placement per node, coverage, costs, validation, verify, benchmarks, per-op profiles,
 * compare, sampling and gates, each present when its section of the report is.
 */
#ifndef OPSCOPE_REPORTS_TABLES_H
#define OPSCOPE_REPORTS_TABLES_H

#include <stdio.h>

#include "reports/report.h"
#include "reports/table.h"

/* Writes every table the report has, in `fmt`, separated by blank lines. Fails only with
 * OPS_ERR_NO_MEMORY (the tables written so far stay written). */
enum ops_status ops_report_tables_write(FILE *f, const struct ops_report *r,
                                        enum ops_table_format fmt, struct ops_diag *d);

#endif /* OPSCOPE_REPORTS_TABLES_H */
