/*
 * Text and JSON forms of the sampling report. Shares are printed in percent of the samples the
 * report counted; unavailable sampling is words ("n/a (reason)") or null, never a 0.
 */
#include "reports/sample-text.h"

#include <inttypes.h>
#include <string.h>

#include "reports/report.h"

static size_t limit(size_t n, size_t top) {
  return top != 0 && top < n ? top : n;
}

static double pct(uint64_t part, uint64_t whole) {
  return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* Source paths in debug info are absolute; the base name and line are what a reader scans. */
static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

/* The last `width` characters of a long node name, after "..": exported names such as
 * "/features/features.18/features.18.0/Conv" differ at the end, not the start. */
static void print_header(FILE *f, const struct ops_sample_report *r) {
  char rate[64];
  if (r->period != 0) {
    snprintf(rate, sizeof rate, "every %" PRIu64 " %s", r->period,
             r->event != NULL && strcmp(r->event, "cpu-clock") == 0 ? "ns" : "events");
  } else {
    snprintf(rate, sizeof rate, "at %.0f Hz", r->frequency_hz);
  }
  fprintf(f, "Sampling: %s %s, %zu thread%s, %" PRIu64 " samples\n", r->event, rate, r->n_threads,
          r->n_threads == 1 ? "" : "s", r->n_samples);
  if (r->note[0]) fprintf(f, "  note: %s\n", r->note);
  if (r->lost || r->dropped || r->malformed || r->full) {
    fprintf(f,
            "  incomplete: %" PRIu64 " samples lost (ring buffer full), %" PRIu64
            " dropped (sample limit or memory), %" PRIu64 " corrupt ring reads\n",
            r->lost, r->dropped, r->malformed);
  }
  if (r->full) {
    fprintf(f,
            "  the ring buffer filled up %" PRIu64
            " time%s: more samples may be missing than "
            "counted (drain more often or give it more pages)\n",
            r->full, r->full == 1 ? "" : "s");
  }
  if (r->no_line) {
    fprintf(f,
            "  %" PRIu64 " samples (%.1f%%) have no source line (no debug info), %" PRIu64
            " of them no function name either\n",
            r->no_line, pct(r->no_line, r->n_samples), r->no_symbol);
  }
}

void ops_report_sample_text(FILE *f, const struct ops_sample_report *r, size_t top) {
  if (r->state != OPS_COUNTER_OK) {
    fprintf(f, "Sampling: n/a (%s)\n", r->reason[0] ? r->reason : "not available");
    return;
  }
  print_header(f, r);
  if (r->n_samples == 0) {
    fprintf(f, "  no samples: the sampled interval was shorter than one sampling period\n");
    return;
  }
  fprintf(f, "\nHot functions (%zu of %zu):\n", limit(r->n_funcs, top), r->n_funcs);
  fprintf(f, "  %6s %8s  %-44s %s\n", "share", "samples", "function", "module");
  for (size_t i = 0; i < limit(r->n_funcs, top); i++) {
    const struct ops_sample_func *fn = &r->funcs[i];
    fprintf(f, "  %5.1f%% %8" PRIu64 "  %-44s %s%s\n", 100.0 * fn->share, fn->count, fn->function,
            fn->module, fn->quality == OPS_SYMBOL_FUNCTION ? "  (no line info)" : "");
  }
  if (r->n_lines > 0) {
    fprintf(f, "\nHot lines (%zu of %zu):\n", limit(r->n_lines, top), r->n_lines);
    fprintf(f, "  %6s %8s  %-32s %s\n", "share", "samples", "file:line", "function");
    for (size_t i = 0; i < limit(r->n_lines, top); i++) {
      const struct ops_sample_line *l = &r->lines[i];
      char where[256];
      snprintf(where, sizeof where, "%s:%d", base_name(l->file), l->line);
      fprintf(f, "  %5.1f%% %8" PRIu64 "  %-32s %s\n", 100.0 * l->share, l->count, where,
              l->function);
    }
  }
  if (!r->attributed) return;
  fprintf(f, "\nSamples per op (%zu of %zu ops with samples):\n", limit(r->n_ops, top), r->n_ops);
  fprintf(f, "  %6s %8s  %-5s %-36s %-18s %s\n", "share", "samples", "step", "node", "op",
          "kernel");
  for (size_t i = 0; i < limit(r->n_ops, top); i++) {
    const struct ops_sample_op *o = &r->ops[i];
    fprintf(f, "  %5.1f%% %8" PRIu64 "  %-5zu ", 100.0 * o->share, o->count, o->step);
    char tail[64];
    fprintf(f, "%-36s", ops_report_name_tail(o->name, 36, tail, sizeof tail));
    fprintf(f, " %-18.18s %s\n", o->op_type, o->kernel);
  }
  fprintf(f, "  %5.1f%% %8" PRIu64 "  outside the model's runs (harness, between runs)\n",
          pct(r->outside_runs, r->n_samples), r->outside_runs);
}
