/*
 * Mod with multidirectional broadcasting, for f16, f32, f64 and signed and unsigned integers of
 * 8 to 64 bits.
 *
 * fmod=1 is C's fmod for floats and C's truncating % for integers: the result has the sign of the
 * dividend. fmod=0 (integers only; the binder refuses it for floats, as the spec does) takes the
 * sign of the divisor, as Python's % and numpy's np.mod: a nonzero remainder whose sign differs
 * from the divisor's gets the divisor added. An integer divisor of 0 has no defined result and
 * returns OPS_KRESULT_BAD_VALUE; a divisor of -1 gives 0 without dividing (INT_MIN % -1
 * overflows in C).
 */
#include <math.h>
#include <stdint.h>

#include "kernels/half.h"
#include "kernels/params.h"
#include "kernels/scalar/elementwise.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

#define SIGNED_MOD_ROW(tag, T)                                                             \
  static enum ops_kresult mod_##tag(const void *ctx, int64_t n, const void *const *x,      \
                                    const int64_t *sx, void *vy) {                         \
    bool c_fmod = ((const struct ops_mod_params *)ctx)->fmod;                              \
    const T *a = x[0];                                                                     \
    const T *b = x[1];                                                                     \
    T *y = vy;                                                                             \
    for (int64_t i = 0; i < n; i++) {                                                      \
      T p = a[i * sx[0]], q = b[i * sx[1]];                                                \
      if (q == 0) return OPS_KRESULT_BAD_VALUE;                                            \
      T r = q == -1 ? 0 : (T)(p % q);                                                      \
      /* r and q have opposite signs only when r != 0; then |r| < |q| keeps r + q in T. */ \
      if (!c_fmod && r != 0 && (r < 0) != (q < 0)) r = (T)(r + q);                         \
      y[i] = r;                                                                            \
    }                                                                                      \
    return OPS_KRESULT_OK;                                                                 \
  }

/* Unsigned remainders have no sign, so both modes agree. */
#define UNSIGNED_MOD_ROW(tag, T)                                                      \
  static enum ops_kresult mod_##tag(const void *ctx, int64_t n, const void *const *x, \
                                    const int64_t *sx, void *vy) {                    \
    (void)ctx;                                                                        \
    const T *a = x[0];                                                                \
    const T *b = x[1];                                                                \
    T *y = vy;                                                                        \
    for (int64_t i = 0; i < n; i++) {                                                 \
      T q = b[i * sx[1]];                                                             \
      if (q == 0) return OPS_KRESULT_BAD_VALUE;                                       \
      y[i] = (T)(a[i * sx[0]] % q);                                                   \
    }                                                                                 \
    return OPS_KRESULT_OK;                                                            \
  }

SIGNED_MOD_ROW(i8, int8_t)
SIGNED_MOD_ROW(i16, int16_t)
SIGNED_MOD_ROW(i32, int32_t)
SIGNED_MOD_ROW(i64, int64_t)
UNSIGNED_MOD_ROW(u8, uint8_t)
UNSIGNED_MOD_ROW(u16, uint16_t)
UNSIGNED_MOD_ROW(u32, uint32_t)
UNSIGNED_MOD_ROW(u64, uint64_t)

static enum ops_kresult mod_f32(const void *ctx, int64_t n, const void *const *x, const int64_t *sx,
                                void *vy) {
  (void)ctx;
  const float *a = x[0];
  const float *b = x[1];
  float *y = vy;
  for (int64_t i = 0; i < n; i++)
    y[i] = fmodf(a[i * sx[0]], b[i * sx[1]]);
  return OPS_KRESULT_OK;
}

static enum ops_kresult mod_f64(const void *ctx, int64_t n, const void *const *x, const int64_t *sx,
                                void *vy) {
  (void)ctx;
  const double *a = x[0];
  const double *b = x[1];
  double *y = vy;
  for (int64_t i = 0; i < n; i++)
    y[i] = fmod(a[i * sx[0]], b[i * sx[1]]);
  return OPS_KRESULT_OK;
}

/* fmod is exact, so computing in f32 and rounding to f16 gives the f16 result. */
static enum ops_kresult mod_f16(const void *ctx, int64_t n, const void *const *x, const int64_t *sx,
                                void *vy) {
  (void)ctx;
  const uint16_t *a = x[0];
  const uint16_t *b = x[1];
  uint16_t *y = vy;
  for (int64_t i = 0; i < n; i++)
    y[i] = ops_f32_to_f16(fmodf(ops_f16_to_f32(a[i * sx[0]]), ops_f16_to_f32(b[i * sx[1]])));
  return OPS_KRESULT_OK;
}

#define MOD_KERNEL(tag)                                                           \
  enum ops_kresult ops_##tag##_mod_kernel__scalar(const struct ops_kcall *call) { \
    return ops_kwalk_call(call, 2, mod_##tag, call->params);                      \
  }

MOD_KERNEL(f16)
MOD_KERNEL(f32)
MOD_KERNEL(f64)
MOD_KERNEL(i8)
MOD_KERNEL(i16)
MOD_KERNEL(i32)
MOD_KERNEL(i64)
MOD_KERNEL(u8)
MOD_KERNEL(u16)
MOD_KERNEL(u32)
MOD_KERNEL(u64)
