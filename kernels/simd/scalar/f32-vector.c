/* The f32 vector microkernels (kernels/vector.h) for scalar: the shared body of
 * kernels/simd/f32-vector-impl.h over this ISA's helpers, names ending __scalar_u2. */
#include "kernels/simd/scalar/vec-elementwise.h"

#define VEC_NAME(base) base##__scalar_u2

#include "kernels/simd/f32-vector-impl.h"
