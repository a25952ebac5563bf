/*
 * Replays inputs through one fuzz target without libFuzzer:
 *   fuzz-TARGET-replay PATH...
 * Each PATH is a file, or a directory whose files are replayed in name order, subdirectories
 * included as libFuzzer reads them (names starting with '.' or "README" skipped). Exits 0 when
 * every input ran; a crash or sanitizer report ends the process as it would the fuzzer. A path that
 * cannot be read exits 2.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/size.h"
#include "tests/fuzz/fuzz.h"

/* libFuzzer refuses inputs larger than this by default; replay holds files to the same bound. */
#define REPLAY_MAX_BYTES ((size_t)64 << 20)

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return 2;
  }
  unsigned char *buf = NULL;
  size_t len = 0, cap = 0;
  int rc = 2;
  for (;;) {
    if (len == cap) {
      size_t grown = cap == 0 ? 4096 : cap * 2;
      if (grown > REPLAY_MAX_BYTES) {
        fprintf(stderr, "replay: %s: larger than %zu bytes\n", path, REPLAY_MAX_BYTES);
        goto fail;
      }
      unsigned char *p = ops_realloc_array(buf, grown, 1);
      if (p == NULL) {
        fprintf(stderr, "replay: %s: out of memory\n", path);
        goto fail;
      }
      buf = p;
      cap = grown;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    fprintf(stderr, "replay: %s: read error\n", path);
    goto fail;
  }
  LLVMFuzzerTestOneInput(buf, len);
  rc = 0;
fail:
  free(buf);
  fclose(f);
  return rc;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, size_t *count) {
  DIR *dp = opendir(dir);
  if (dp == NULL) {
    fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
    return 2;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(dp)) != NULL) {
    if (e->d_name[0] == '.' || strncmp(e->d_name, "README", 6) == 0) continue;
    if (n == cap) {
      size_t grown = cap == 0 ? 64 : cap * 2;
      char **p = ops_realloc_array(names, grown, sizeof *names);
      if (p == NULL) {
        rc = 2;
        break;
      }
      names = p;
      cap = grown;
    }
    names[n] = ops_strdup(e->d_name);
    if (names[n] == NULL) {
      rc = 2;
      break;
    }
    n++;
  }
  closedir(dp);
  if (n > 0) qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n && rc == 0; i++) {
    char path[4096];
    int w = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    struct stat sb;
    if (w < 0 || (size_t)w >= sizeof path) {
      fprintf(stderr, "replay: %s/%s: path too long\n", dir, names[i]);
      rc = 2;
    } else if (stat(path, &sb) != 0) {
      continue; /* gone since readdir: nothing to replay */
    } else if (S_ISDIR(sb.st_mode)) {
      rc = replay_dir(path, count);
    } else if (S_ISREG(sb.st_mode)) {
      rc = replay_file(path);
      if (rc == 0) (*count)++;
    }
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  if (rc != 0 && n == 0) fprintf(stderr, "replay: %s: out of memory\n", dir);
  return rc;
}

int main(int argc, char **argv) {
  size_t count = 0;
  for (int i = 1; i < argc; i++) {
    struct stat sb;
    if (stat(argv[i], &sb) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      return 2;
    }
    int rc = S_ISDIR(sb.st_mode) ? replay_dir(argv[i], &count) : replay_file(argv[i]);
    if (rc != 0) return rc;
    if (!S_ISDIR(sb.st_mode)) count++;
  }
  printf("replayed %zu inputs\n", count);
  return 0;
}
