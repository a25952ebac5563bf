/*
 * The sampling profiler's report (profiler/sample.h) as text; its JSON section is written by
 * reports/json.c with the rest of the report (json-c is called only there, STYLE.md §7).
 */
#ifndef OPSCOPE_REPORTS_SAMPLE_TEXT_H
#define OPSCOPE_REPORTS_SAMPLE_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "profiler/sample.h"

/* Writes the hot functions, hot lines and samples per op of `r`, at most `top` rows each (0:
 * all). When sampling was not possible it writes one line, "n/a (reason)". */
void ops_report_sample_text(FILE *f, const struct ops_sample_report *r, size_t top);

/* json-c's object type, declared so includers need not see json-c (linked privately). */
struct json_object;

/* The "sampling" section of the JSON report (defined in reports/json.c, with every other use
 * of json-c), at most `top` rows per list (0: all). Unavailable sampling is {"state": "not
 * supported", "reason": ...} with null numbers. NULL only when json-c runs out of memory. */
struct json_object *ops_report_sample_json(const struct ops_sample_report *r, size_t top);

#endif /* OPSCOPE_REPORTS_SAMPLE_TEXT_H */
