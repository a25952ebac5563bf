/*
 * A progress bar on stderr for measured loops that take a while: drawn only when stderr is a
 * terminal, not with -q, and only once the loop has run for a second, so short runs and logs
 * stay clean.
 */
#include <stdio.h>
#include <unistd.h>

#include "profiler/clock.h"
#include "src/cli.h"

#define PROGRESS_DELAY_NS 1000000000ull
#define PROGRESS_WIDTH 40

void ops_cli_progress(void *session, double done) {
  struct ops_cli_session *s = session;
  uint64_t now = ops_clock_ns();
  if (s->progress_t0 == 0) {
    s->progress_t0 = now;
    return;
  }
  if (now - s->progress_t0 < PROGRESS_DELAY_NS || !isatty(STDERR_FILENO)) return;
  int filled = (int)(done * PROGRESS_WIDTH + 0.5);
  if (filled > PROGRESS_WIDTH) filled = PROGRESS_WIDTH;
  char bar[PROGRESS_WIDTH + 1];
  for (int i = 0; i < PROGRESS_WIDTH; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[PROGRESS_WIDTH] = '\0';
  fprintf(stderr, "\r[%s] %3.0f%%  %.1f s", bar, done * 100.0,
          (double)(now - s->progress_t0) / 1e9);
  fflush(stderr);
  s->progress_drawn = true;
}

void ops_cli_progress_end(struct ops_cli_session *s) {
  /* Erase the bar so the report starts on a clean line. */
  if (s->progress_drawn) fprintf(stderr, "\r%*s\r", PROGRESS_WIDTH + 20, "");
  s->progress_drawn = false;
  s->progress_t0 = 0;
}
