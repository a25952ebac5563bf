/*
 * ReduceMean, f32: the mean over the input dims whose bit is set in params.axes_mask.
 *
 * Output elements are in the input's order with the reduced dims taken out (keepdims only
 * adds size-1 dims, which moves nothing), so output element o is the kept dims' multi-index
 * of o, and its sum runs over every multi-index of the reduced dims. A mask of 0 copies.
 */
#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_f32_reduce_mean_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_reduce_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const float *x = call->in[0];
  float *y = call->out[0];
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;

  int64_t strides[OPS_KMAX_RANK];
  ops_kdims_strides(xd, strides);
  /* The kept and the reduced dims, each with their strides in X. */
  int64_t kept[OPS_KMAX_RANK], kept_stride[OPS_KMAX_RANK];
  int64_t red[OPS_KMAX_RANK], red_stride[OPS_KMAX_RANK];
  int n_kept = 0, n_red = 0;
  for (int i = 0; i < xd->rank; i++) {
    if (p->axes_mask & (1u << i)) {
      red[n_red] = xd->d[i];
      red_stride[n_red++] = strides[i];
    } else {
      kept[n_kept] = xd->d[i];
      kept_stride[n_kept++] = strides[i];
    }
  }
  int64_t n_out = 1, n_sum = 1;
  for (int i = 0; i < n_kept; i++)
    n_out *= kept[i];
  for (int i = 0; i < n_red; i++)
    n_sum *= red[i];

  for (int64_t o = 0; o < n_out; o++) {
    int64_t base = 0, rest = o;
    for (int i = n_kept - 1; i >= 0; i--) {
      base += (rest % kept[i]) * kept_stride[i];
      rest /= kept[i];
    }
    double sum = 0.0;
    for (int64_t r = 0; r < n_sum; r++) {
      int64_t off = base, rrest = r;
      for (int i = n_red - 1; i >= 0; i--) {
        off += (rrest % red[i]) * red_stride[i];
        rrest /= red[i];
      }
      sum += x[off];
    }
    /* The mean of no elements is NaN (numpy's answer, with a warning). */
    y[o] = (float)(sum / (double)n_sum);
  }
  return OPS_KRESULT_OK;
}
