/*
 * The f32 GEMM op driver (see kernels/drivers/f32-gemm.h).
 *
 * Loop order: K blocks outermost, then the thread's tiles, N panel by N panel, walking down M
 * within a panel. A kc x nr block of packed B is then reused from L1 for every row tile of its
 * panel, and the kc-wide slice of A is reused from L2 across panels. Each tile's C is read back
 * once per further K block, a small cost next to kc * mr * nr FMAs.
 *
 * Threads split the grid of tiles into contiguous home ranges in that order, so each thread
 * owns whole panels when M is small and whole row ranges of a panel when N is small, and take
 * them a panel (or a sixteenth of their share) at a time; a thread that is done takes what is
 * left of the other ranges from their ends (ops_share_next), so a core slowed by another
 * tenant does not hold the op up.
 *
 * The transposed product (ops_f32_gemm_run_transposed) runs the same loops on C^T = B^T A^T:
 * A, packed once (for a Conv, the weights at bind time), is the packed operand, so its kc x nr
 * blocks stream from memory once and are reused from L1 by every row tile; B, packed per call
 * into panels of whole row tiles (the microkernel reads them with OPS_F32_GEMM_PACKED_A, one
 * contiguous run of rows per K step, no stride of K between rows), is the small operand that
 * stays in L1 and L2. Each thread then transposes its own tiles of C^T into C.
 */
#include "kernels/drivers/f32-gemm.h"

#include <math.h>
#include <string.h>

#include "src/size.h"

bool ops_f32_gemm_packed_b_size(size_t nr, size_t N, size_t K, size_t *bytes) {
  size_t panels = N / nr + (N % nr != 0), cols, floats;
  return ops_mul_size(panels, nr, &cols) && ops_mul_size(cols, K, &floats) &&
         ops_mul_size(floats, sizeof(float), bytes);
}

void ops_f32_gemm_pack_b(size_t nr, size_t N, size_t K, const float *B, size_t k_stride,
                         size_t n_stride, float *packed) {
  for (size_t n0 = 0; n0 < N; n0 += nr) {
    size_t width = N - n0 < nr ? N - n0 : nr;
    for (size_t k = 0; k < K; k++) {
      const float *row = B + k * k_stride + n0 * n_stride;
      for (size_t j = 0; j < width; j++)
        packed[j] = row[j * n_stride];
      for (size_t j = width; j < nr; j++)
        packed[j] = 0.0f;
      packed += nr;
    }
  }
}

/* C = clamp(row_bias + bias) for K = 0, where there is nothing for a microkernel to do;
 * row_bias (one per row of C) may be NULL. */
static void fill_bias(size_t m0, size_t m1, size_t N, float *C, size_t ldc,
                      const struct ops_f32_gemm_params *params, const float *row_bias) {
  for (size_t i = m0; i < m1; i++)
    for (size_t j = 0; j < N; j++) {
      float x = params != NULL && params->bias != NULL ? params->bias[j] : 0.0f;
      if (row_bias != NULL) x += row_bias[i];
      if (params != NULL) {
        if (x < params->minmax.min) x = params->minmax.min;
        if (x > params->minmax.max) x = params->minmax.max;
      }
      C[i * ldc + j] = x;
    }
}

/* Tiles [t0, t1) of the grid, numbered panel by panel (t = jn * m_tiles + im), B's block
 * (column n0, row k0) at b + n0 * col_step + k0 * k_step with its rows k_step apart: packed
 * panels (col_step K, k_step nr) or a row-major B read in place (col_step 1, k_step ldb).
 * K > 0. */
static void tile_range(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                       const float *A, size_t lda, const float *b, size_t col_step, size_t k_step,
                       float *C, size_t ldc, const struct ops_f32_gemm_params *params, size_t t0,
                       size_t t1) {
  const size_t mr = cfg->mr, nr = cfg->nr, kc_max = cfg->kc;
  const size_t m_tiles = (M + mr - 1) / mr;
  const float *row_bias = params != NULL && params->bias == NULL ? params->row_bias : NULL;
  const struct ops_f32_minmax_params *minmax = params != NULL ? &params->minmax : NULL;
  const float *bias = params != NULL ? params->bias : NULL;
  const unsigned bias_flag = row_bias != NULL ? OPS_F32_GEMM_ROW_BIAS : 0;
  for (size_t k0 = 0; k0 < K; k0 += kc_max) {
    const size_t kc = K - k0 < kc_max ? K - k0 : kc_max;
    unsigned flags = k0 > 0 ? OPS_F32_GEMM_LOAD_C : bias_flag;
    if (k0 + kc == K && minmax != NULL) flags |= OPS_F32_GEMM_CLAMP;
    for (size_t t = t0; t < t1; t++) {
      const size_t jn = t / m_tiles, im = t % m_tiles;
      const size_t m0 = im * mr, n0 = jn * nr;
      const size_t rows = M - m0 < mr ? M - m0 : mr, cols = N - n0 < nr ? N - n0 : nr;
      const float *tile_bias = row_bias != NULL ? row_bias + m0 : bias != NULL ? bias + n0 : NULL;
      cfg->ukernel(rows, cols, kc, A + m0 * lda + k0, lda, b + (n0 * col_step + k0 * k_step),
                   k_step, tile_bias, C + m0 * ldc + n0, ldc, flags, minmax);
    }
  }
}

/* Tiles handed out per claim: a panel's worth (its block of B is reused from L1 by all of
 * them), or less when that would leave fewer than 16 claims per thread, but at least 8. */
static size_t tile_grain(size_t m_tiles, size_t tiles, size_t nth) {
  const size_t fair = tiles / (16 * nth), grain = m_tiles < fair ? m_tiles : fair;
  return grain > 8 ? grain : 8;
}

/* This thread's share of the tiles (ops_share_next: its home range of the grid in the order
 * above, then what the other threads have not reached). */
static void run_tiles(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                      const float *A, size_t lda, const float *b, size_t col_step, size_t k_step,
                      float *C, size_t ldc, const struct ops_f32_gemm_params *params,
                      const struct ops_task *task) {
  const size_t ith = task != NULL ? (size_t)task->ith : 0;
  const size_t nth = task != NULL ? (size_t)task->nth : 1;
  if (M == 0 || N == 0) return;
  if (K == 0) {
    const float *row_bias = params != NULL && params->bias == NULL ? params->row_bias : NULL;
    fill_bias(M * ith / nth, M * (ith + 1) / nth, N, C, ldc, params, row_bias);
    return;
  }
  const size_t m_tiles = (M + cfg->mr - 1) / cfg->mr, n_tiles = (N + cfg->nr - 1) / cfg->nr;
  /* m_tiles * n_tiles <= M * N, which fits: C holds that many floats. */
  struct ops_share share;
  ops_share_init(&share, task, m_tiles * n_tiles, tile_grain(m_tiles, m_tiles * n_tiles, nth));
  for (size_t t0, t1; ops_share_next(&share, &t0, &t1);)
    tile_range(cfg, M, N, K, A, lda, b, col_step, k_step, C, ldc, params, t0, t1);
}

void ops_f32_gemm_run_panels(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                             const float *A, size_t lda, const float *packed_b, float *C,
                             size_t ldc, const struct ops_f32_gemm_params *params, size_t j0,
                             size_t j1) {
  if (M == 0 || N == 0 || K == 0 || j0 >= j1) return;
  const size_t m_tiles = (M + cfg->mr - 1) / cfg->mr, n_tiles = (N + cfg->nr - 1) / cfg->nr;
  if (j1 > n_tiles) j1 = n_tiles;
  tile_range(cfg, M, N, K, A, lda, packed_b, K, cfg->nr, C, ldc, params, j0 * m_tiles,
             j1 * m_tiles);
}

void ops_f32_gemm_run(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                      const float *A, size_t lda, const float *packed_b, float *C, size_t ldc,
                      const struct ops_f32_gemm_params *params, const struct ops_task *task) {
  run_tiles(cfg, M, N, K, A, lda, packed_b, K, cfg->nr, C, ldc, params, task);
}

void ops_f32_gemm_run_rows(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                           const float *A, size_t lda, const float *B, size_t ldb, float *C,
                           size_t ldc, const struct ops_f32_gemm_params *params,
                           const struct ops_task *task) {
  run_tiles(cfg, M, N, K, A, lda, B, 1, ldb, C, ldc, params, task);
}

/* n rounded up to a multiple of `tile`, as a double: the sizes come from models and their
 * products may not fit size_t. */
static double padded(size_t n, size_t tile) {
  return (double)(n / tile + (n % tile != 0)) * (double)tile;
}

bool ops_f32_gemm_prefer_transposed(const struct ops_kconfig_gemm *cfg, size_t M, size_t N,
                                    size_t K) {
  /* Register-tile slots each orientation computes, padding included: C = A B tiles M by mr
   * and N by nr (vectors along N), C^T = B^T A^T tiles N by mr and M by nr (vectors along M).
   * Each slot costs K FMA lanes; the transposed product also writes C^T and transposes it
   * back, about TRANSPOSE_COST slot-steps per element of C (fitted on bench/bench-f32-gemm:
   * 3136x24x144 has an eighth fewer slots transposed and still ran 3-6% slower, which puts
   * the cost near 30; squeezenet1_1's classifier, 1000x169x512, has 7% fewer and ran 1.14x
   * faster transposed, which a cost of 48 had refused; 36 takes it and leaves a margin). CNN
   * shapes favour it: output channels are multiples of the vector width and pixel counts
   * multiples of 7, while 512x49 pads 49 pixels to 64 lanes and 64x3136 pads 64 channels to
   * 70 rows. */
  enum { TRANSPOSE_COST = 36 };
  const size_t mr = cfg->mr, nr = cfg->nr;
  if (M == 0 || N == 0 || K == 0) return false;
  const double plain = padded(M, mr) * padded(N, nr), flipped = padded(N, mr) * padded(M, nr);
  return (plain - flipped) * (double)K > TRANSPOSE_COST * (double)M * (double)N;
}

const struct ops_kconfig_gemm *ops_f32_conv_gemm_config(size_t mg, size_t pix, size_t kg,
                                                        bool const_weights, bool *transposed) {
  *transposed =
      const_weights && ops_f32_gemm_prefer_transposed(ops_kconfig_f32_gemm(), mg, pix, kg);
  /* Every sibling has the process variant's nr, so the choice of rows cannot change the panels
   * the orientation was decided on. */
  return ops_kconfig_f32_gemm_for_rows(*transposed ? pix : mg);
}

size_t ops_f32_gemm_row_panel_width(const struct ops_kconfig_gemm *cfg) {
  /* Whole row tiles, about 32 floats: panels as narrow as mr made the Conv driver's column
   * packing 2-3x slower at 13x13 and 56x56 (more, shorter copies per tap), and a width that is
   * not a multiple of mr would cut a row tile at every panel edge. */
  const size_t tiles = cfg->mr < 32 ? 32 / cfg->mr : 1;
  return cfg->mr * tiles;
}

bool ops_f32_gemm_transposed_scratch_size(size_t M, size_t N, size_t *bytes) {
  size_t floats;
  return ops_mul_size(M, N, &floats) && ops_mul_size(floats, sizeof(float), bytes);
}

/* C[r][j0..j1) = clamp(C[r][j0..j1) + bias[j0..j1)) for rows [r0, r1) of C. */
static void bias_clamp(size_t r0, size_t r1, size_t j0, size_t j1, float *C, size_t ldc,
                       const float *bias, const struct ops_f32_minmax_params *minmax) {
  const float lo = minmax != NULL ? minmax->min : -INFINITY;
  const float hi = minmax != NULL ? minmax->max : INFINITY;
  for (size_t r = r0; r < r1; r++) {
    float *row = C + r * ldc;
    for (size_t j = j0; j < j1; j++) {
      float x = row[j] + (bias != NULL ? bias[j] : 0.0f);
      x = x < lo ? lo : x;
      row[j] = x > hi ? hi : x;
    }
  }
}

/* The row tiles [*im0, *im1) of panel jn among tiles [t0, t1) of an m_tiles x n_tiles grid,
 * numbered row tile by row tile (rows_outer) or panel by panel. */
static void owned_rows(bool rows_outer, size_t jn, size_t t0, size_t t1, size_t m_tiles,
                       size_t n_tiles, size_t *im0, size_t *im1) {
  if (rows_outer) {
    /* Tiles jn, jn + n_tiles, ...: from the first at or after t0 to the last before t1. */
    *im0 = t0 > jn ? (t0 - jn + n_tiles - 1) / n_tiles : 0;
    *im1 = t1 > jn ? (t1 - jn + n_tiles - 1) / n_tiles : 0;
  } else {
    const size_t first = jn * m_tiles;
    *im0 = t0 > first ? t0 - first : 0;
    *im1 = t1 > first ? t1 - first : 0;
    if (*im0 > m_tiles) *im0 = m_tiles;
    if (*im1 > m_tiles) *im1 = m_tiles;
  }
}

/* Tiles [t0, t1) of C^T's grid (numbered row tile by row tile when rows_outer, else panel by
 * panel), then those tiles transposed into C. K > 0. */
static void transposed_range(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                             const float *packed_a, const float *packed_rows, float *C, size_t ldc,
                             const struct ops_f32_gemm_params *params, float *ct, bool rows_outer,
                             size_t t0, size_t t1) {
  const float *row_bias = params != NULL ? params->row_bias : NULL;
  const float *bias = params != NULL ? params->bias : NULL;
  const bool clamp =
      params != NULL && (params->minmax.min > -INFINITY || params->minmax.max < INFINITY);
  /* The row bias is the microkernel's own (per column of C^T), so it costs nothing; the clamp
   * fuses too unless a column bias has to be added after the transpose first. */
  const bool clamp_in_tile = clamp && bias == NULL;
  /* The product computed is C^T [N x M]: its rows are B's columns, taken mr at a time from the
   * packed row panels (whole tiles per panel), and its columns are A's rows, nr at a time from
   * A^T's packed panels. */
  const size_t mr = cfg->mr, nr = cfg->nr, width = ops_f32_gemm_row_panel_width(cfg);
  /* K blocks 4x the config's: a kc x nr block of packed A is reused by only ceil(N / mr) row
   * tiles here, so what matters is fewer C^T reloads; 512x49x4608 ran within noise for kc of
   * 256 to 4608 (bench/bench-f32-gemm). */
  const size_t kc_max = 4 * cfg->kc;
  const size_t m_tiles = (N + mr - 1) / mr, n_tiles = (M + nr - 1) / nr;
  const size_t ldt = M;
  for (size_t k0 = 0; k0 < K; k0 += kc_max) {
    const size_t kc = K - k0 < kc_max ? K - k0 : kc_max;
    unsigned flags = OPS_F32_GEMM_PACKED_A | (k0 > 0 ? OPS_F32_GEMM_LOAD_C : 0);
    if (k0 + kc == K && clamp_in_tile) flags |= OPS_F32_GEMM_CLAMP;
    for (size_t jn = 0; jn < n_tiles; jn++) {
      size_t im0, im1;
      owned_rows(rows_outer, jn, t0, t1, m_tiles, n_tiles, &im0, &im1);
      const size_t n0 = jn * nr, cols = M - n0 < nr ? M - n0 : nr;
      for (size_t im = im0; im < im1; im++) {
        const size_t r0 = im * mr, rows = N - r0 < mr ? N - r0 : mr;
        const float *a = packed_rows + (r0 / width * width * K + k0 * width + r0 % width);
        cfg->ukernel(rows, cols, kc, a, width, packed_a + (n0 * K + k0 * nr), nr,
                     row_bias != NULL ? row_bias + n0 : NULL, ct + r0 * ldt + n0, ldt, flags,
                     clamp_in_tile ? &params->minmax : NULL);
      }
    }
  }
  /* These tiles back into C, panel by panel: in panel jn, row tiles [im0, im1) are rows
   * [n0, n0 + cols) of C and columns [r0, r1). */
  const struct ops_kconfig_transpose *tr = ops_kconfig_x32_transpose();
  for (size_t jn = 0; jn < n_tiles; jn++) {
    size_t im0, im1;
    owned_rows(rows_outer, jn, t0, t1, m_tiles, n_tiles, &im0, &im1);
    if (im0 >= im1) continue;
    const size_t n0 = jn * nr, cols = M - n0 < nr ? M - n0 : nr;
    const size_t r0 = im0 * mr, r1 = im1 * mr < N ? im1 * mr : N;
    tr->ukernel(ct + r0 * ldt + n0, ldt, C + n0 * ldc + r0, ldc, r1 - r0, cols);
    if (bias != NULL)
      bias_clamp(n0, n0 + cols, r0, r1, C, ldc, bias, clamp ? &params->minmax : NULL);
  }
}

bool ops_f32_gemm_transposed_by_rows(const struct ops_kconfig_gemm *cfg, size_t M, size_t N) {
  return (N + cfg->mr - 1) / cfg->mr > (M + cfg->nr - 1) / cfg->nr;
}

void ops_f32_gemm_run_transposed(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                                 const float *packed_a, const float *packed_rows, float *C,
                                 size_t ldc, const struct ops_f32_gemm_params *params, float *ct,
                                 const struct ops_task *task) {
  const size_t ith = task != NULL ? (size_t)task->ith : 0;
  const size_t nth = task != NULL ? (size_t)task->nth : 1;
  if (M == 0 || N == 0) return;
  if (K == 0) {
    fill_bias(M * ith / nth, M * (ith + 1) / nth, N, C, ldc, params,
              params != NULL ? params->row_bias : NULL);
    return;
  }
  /* Threads own ranges of tiles along the longer side of the grid: whole panels of A when row
   * tiles are few (512x49: each thread streams its own share of the weights), whole row tiles
   * when they are many (squeezenet's 13x13 planes: each thread reads the row panels it packed
   * itself instead of its neighbour's, which made those convs slower on two threads than on
   * one). Either way a thread walks its tiles panel by panel, so a block of A is reused from
   * cache by all of its row tiles. A claim is a row panel's tiles or an A panel's. */
  const size_t mr = cfg->mr, width = ops_f32_gemm_row_panel_width(cfg);
  const size_t m_tiles = (N + mr - 1) / mr, n_tiles = (M + cfg->nr - 1) / cfg->nr;
  const bool rows_outer = ops_f32_gemm_transposed_by_rows(cfg, M, N);
  struct ops_share share;
  ops_share_init(&share, task, m_tiles * n_tiles, rows_outer ? n_tiles * (width / mr) : m_tiles);
  for (size_t t0, t1; ops_share_next(&share, &t0, &t1);)
    transposed_range(cfg, M, N, K, packed_a, packed_rows, C, ldc, params, ct, rows_outer, t0, t1);
}

void ops_f32_gemm_run_transposed_rows(const struct ops_kconfig_gemm *cfg, size_t M, size_t N,
                                      size_t K, const float *packed_a, const float *packed_rows,
                                      float *C, size_t ldc,
                                      const struct ops_f32_gemm_params *params, float *ct,
                                      size_t r0, size_t r1) {
  if (M == 0 || N == 0 || K == 0 || r0 >= r1) return;
  const size_t mr = cfg->mr, n_tiles = (M + cfg->nr - 1) / cfg->nr;
  if (r1 > N) r1 = N;
  /* Row tiles [r0 / mr, ceil(r1 / mr)): r0 is a multiple of mr (a panel edge). */
  transposed_range(cfg, M, N, K, packed_a, packed_rows, C, ldc, params, ct, true, r0 / mr * n_tiles,
                   (r1 + mr - 1) / mr * n_tiles);
}
