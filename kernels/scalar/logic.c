/*
 * Logic and bit ops: Not, And, Or, Xor on bool (And, Or, Xor with multidirectional
 * broadcasting), BitShift on unsigned integers of 8 to 64 bits, and Where, which picks from X or
 * Y by a bool condition with all three broadcast against each other (any dtype, by element
 * size).
 *
 * Bools are one byte holding 0 or 1; the kernels read any nonzero byte as true and write 0 or 1.
 */
#include <stdint.h>
#include <string.h>

#include "kernels/params.h"
#include "kernels/scalar/elementwise.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_bool_not_kernel__scalar(const struct ops_kcall *call) {
  const uint8_t *x = call->in[0];
  uint8_t *y = call->out[0];
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  for (int64_t i = 0; i < n; i++)
    y[i] = x[i] == 0;
  return OPS_KRESULT_OK;
}

#define LOGIC_ROW(name, expr)                                                    \
  static enum ops_kresult name(const void *ctx, int64_t n, const void *const *x, \
                               const int64_t *sx, void *vy) {                    \
    (void)ctx;                                                                   \
    const uint8_t *a = x[0];                                                     \
    const uint8_t *b = x[1];                                                     \
    uint8_t *y = vy;                                                             \
    for (int64_t i = 0; i < n; i++) {                                            \
      int p = a[i * sx[0]] != 0, q = b[i * sx[1]] != 0;                          \
      y[i] = (uint8_t)(expr);                                                    \
    }                                                                            \
    return OPS_KRESULT_OK;                                                       \
  }                                                                              \
  enum ops_kresult ops_##name##_kernel__scalar(const struct ops_kcall *call) {   \
    return ops_kwalk_call(call, 2, name, NULL);                                  \
  }

LOGIC_ROW(bool_and, p &&q)
LOGIC_ROW(bool_or, p || q)
LOGIC_ROW(bool_xor, p != q)

/* A shift by the type's width or more is undefined in C; the bits are all shifted out, so 0. */
#define SHIFT_ROW(tag, T, bits)                                                         \
  static enum ops_kresult shift_##tag(const void *ctx, int64_t n, const void *const *x, \
                                      const int64_t *sx, void *vy) {                    \
    bool left = ((const struct ops_bitshift_params *)ctx)->left;                        \
    const T *a = x[0];                                                                  \
    const T *b = x[1];                                                                  \
    T *y = vy;                                                                          \
    for (int64_t i = 0; i < n; i++) {                                                   \
      T v = a[i * sx[0]], s = b[i * sx[1]];                                             \
      y[i] = s >= (bits) ? 0 : (T)(left ? v << s : v >> s);                             \
    }                                                                                   \
    return OPS_KRESULT_OK;                                                              \
  }                                                                                     \
  enum ops_kresult ops_##tag##_bit_shift_kernel__scalar(const struct ops_kcall *call) { \
    return ops_kwalk_call(call, 2, shift_##tag, call->params);                          \
  }

SHIFT_ROW(u8, uint8_t, 8u)
SHIFT_ROW(u16, uint16_t, 16u)
SHIFT_ROW(u32, uint32_t, 32u)
SHIFT_ROW(u64, uint64_t, 64u)

/* Where: x[0] the condition (bool), x[1] and x[2] the values, `ctx` their element size. */
static enum ops_kresult where_row(const void *ctx, int64_t n, const void *const *x,
                                  const int64_t *sx, void *vy) {
  size_t size = *(const size_t *)ctx;
  const uint8_t *cond = x[0];
  const unsigned char *a = x[1], *b = x[2];
  unsigned char *y = vy;
  for (int64_t i = 0; i < n; i++) {
    const unsigned char *src =
        cond[i * sx[0]] != 0 ? a + (size_t)(i * sx[1]) * size : b + (size_t)(i * sx[2]) * size;
    memcpy(y + (size_t)i * size, src, size);
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_where_kernel__scalar(const struct ops_kcall *call) {
  size_t size = ops_kdtype_size(call->out_dtype[0]);
  return ops_kwalk_call(call, 3, where_row, &size);
}
