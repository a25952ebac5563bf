/*
 * DepthToSpace and SpaceToDepth of any dtype, by element size, on 4-D NCHW tensors with block
 * size b. Written from the spec's reshape-transpose-reshape definitions:
 *
 *   DepthToSpace DCR: y[n, c, h*b + i, w*b + j] = x[n, (i*b + j) * C' + c, h, w]
 *   DepthToSpace CRD: y[n, c, h*b + i, w*b + j] = x[n, c*b*b + i*b + j, h, w]
 *   SpaceToDepth:     y[n, (i*b + j) * C + c, h, w] = x[n, c, h*b + i, w*b + j]
 *
 * where C' = C / (b*b) is DepthToSpace's output channel count and C SpaceToDepth's input one.
 * The binder checked the dims, so each kernel walks the small side (the channel-blocked tensor)
 * and copies one element per step.
 */
#include <string.h>

#include "kernels/params-resize.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* Walks the channel-blocked tensor d [N, C' * b * b, H, W] and the spatial one s
 * [N, C', H * b, W * b]; to_space copies d -> s, otherwise s -> d. */
static void depth_space(const struct ops_kcall *call, bool to_space) {
  const struct ops_depth_space_params *p = call->params;
  const struct ops_kdims *dd = to_space ? &call->in_dims[0] : &call->out_dims[0];
  const struct ops_kdims *sd = to_space ? &call->out_dims[0] : &call->in_dims[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  const unsigned char *x = call->in[0];
  unsigned char *y = call->out[0];
  int64_t b = p->blocksize;
  int64_t n_batch = dd->d[0], h_blocks = dd->d[2], w_blocks = dd->d[3];
  int64_t c_spatial = sd->d[1], h_spatial = sd->d[2], w_spatial = sd->d[3];
  for (int64_t n = 0; n < n_batch; n++) {
    for (int64_t c = 0; c < c_spatial; c++) {
      for (int64_t i = 0; i < b; i++) {
        for (int64_t j = 0; j < b; j++) {
          /* The blocked channel holding offset (i, j) of spatial channel c. */
          int64_t cd = p->crd ? (c * b + i) * b + j : (i * b + j) * c_spatial + c;
          for (int64_t h = 0; h < h_blocks; h++) {
            for (int64_t w = 0; w < w_blocks; w++) {
              int64_t at_d = ((n * dd->d[1] + cd) * h_blocks + h) * w_blocks + w;
              int64_t at_s = ((n * c_spatial + c) * h_spatial + h * b + i) * w_spatial + w * b + j;
              int64_t from = to_space ? at_d : at_s, to = to_space ? at_s : at_d;
              memcpy(y + (size_t)to * esize, x + (size_t)from * esize, esize);
            }
          }
        }
      }
    }
  }
}

enum ops_kresult ops_any_depth_to_space_kernel__scalar(const struct ops_kcall *call) {
  depth_space(call, true);
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_space_to_depth_kernel__scalar(const struct ops_kcall *call) {
  depth_space(call, false);
  return OPS_KRESULT_OK;
}
