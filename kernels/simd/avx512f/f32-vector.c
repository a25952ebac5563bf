/* The f32 vector microkernels (kernels/vector.h) for avx512f: the shared body of
 * kernels/simd/f32-vector-impl.h over this ISA's helpers, names ending __simd_avx512f_u32. */
#include "kernels/simd/avx512f/vec-elementwise.h"

#define VEC_NAME(base) base##__simd_avx512f_u32

#include "kernels/simd/f32-vector-impl.h"
