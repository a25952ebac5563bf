/* The f32 vector microkernels (kernels/vector.h) for avx2: the shared body of
 * kernels/simd/f32-vector-impl.h over this ISA's helpers, names ending __simd_avx2_u16. */
#include "kernels/simd/avx2/vec-elementwise.h"

#define VEC_NAME(base) base##__simd_avx2_u16

#include "kernels/simd/f32-vector-impl.h"
