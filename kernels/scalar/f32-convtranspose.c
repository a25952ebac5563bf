/*
 * ConvTranspose, f32, with any number of spatial dims, groups, strides, dilations, per-side
 * pads (negative when output_shape asks for more output than the input reaches) and an
 * optional bias. X [N, C, D...], W [C, M/group, K...], Y [N, M, O...].
 *
 * ConvTranspose scatters each input element through the kernel: input i and tap k land on
 * output o = i * stride + k * dilation - pad_begin. Written as a gather, so each output element
 * is one sum and nothing is accumulated in place:
 *
 *   Y[n, m, o...] = B[m] + sum over c < C/group and taps k... with
 *                   i = (o + pad_begin - k * dilation) / stride exact and inside [0, D) of
 *                   X[n, g * C/group + c, i...] * W[g * C/group + c, m - g * M/group, k...]
 *   where g = m / (M/group).
 *
 * Output dims come from Y; the binder resolved output_shape, output_padding and auto_pad into
 * pads_begin and checked Y's dims, so the kernel only walks (pads_end is not needed here).
 */
#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* Per spatial dim: input extent, kernel extent, stride, dilation, and the strides (elements)
 * of X and W along it. */
struct deconv_walk {
  int spatial;
  const int64_t *in;
  const int64_t *kernel;
  const struct ops_conv_params *p;
  int64_t x_stride[OPS_KMAX_SPATIAL];
  int64_t w_stride[OPS_KMAX_SPATIAL];
};

/* Sum of x * w over the (input, tap) pairs of spatial dims s and later that reach output
 * position `pos` (pos[s] is o + pad_begin on dim s). x and w point at dim s's slice. */
static double gather_dot(const struct deconv_walk *c, int s, const int64_t *pos, const float *x,
                         const float *w) {
  double acc = 0.0;
  int64_t stride = c->p->strides[s], dilation = c->p->dilations[s];
  /* t = pos - k * dilation = i * stride for the input i tap k would read, so only taps with
   * 0 <= t <= (in - 1) * stride can reach an input: walk just those, in rising k as before. A
   * kernel much larger than its input (39 taps over 3 inputs) would otherwise test every tap
   * of every output element. */
  if (pos[s] < 0 || c->in[s] <= 0) return 0.0;
  int64_t over = pos[s] - (c->in[s] - 1) * stride;
  int64_t k_lo = over > 0 ? (over + dilation - 1) / dilation : 0;
  int64_t k_hi = pos[s] / dilation;
  if (k_hi > c->kernel[s] - 1) k_hi = c->kernel[s] - 1;
  for (int64_t k = k_lo; k <= k_hi; k++) {
    int64_t t = pos[s] - k * dilation;
    if (t % stride != 0) continue;
    int64_t i = t / stride;
    const float *xs = x + i * c->x_stride[s];
    const float *ws = w + k * c->w_stride[s];
    if (s + 1 == c->spatial) {
      acc += (double)*xs * (double)*ws;
    } else {
      acc += gather_dot(c, s + 1, pos, xs, ws);
    }
  }
  return acc;
}

enum ops_kresult ops_f32_conv_transpose_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_conv_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *wd = &call->in_dims[1];
  const struct ops_kdims *yd = &call->out_dims[0];
  const float *x = call->in[0];
  const float *w = call->in[1];
  const float *bias = call->n_in > 2 ? call->in[2] : NULL;
  float *y = call->out[0];
  /* Loops below run over output dims; with one of them 0 the others may be anything. */
  if (ops_kdims_numel(yd) == 0) return OPS_KRESULT_OK;

  int ns = p->spatial;
  int64_t batch = xd->d[0];
  int64_t c_in = xd->d[1];
  int64_t m_out = yd->d[1];
  int64_t c_per_group = c_in / p->group;
  int64_t m_per_group = wd->d[1];
  int64_t x_plane = ops_kdims_prod(xd, 2, xd->rank);
  int64_t w_plane = ops_kdims_prod(wd, 2, wd->rank);
  int64_t y_plane = ops_kdims_prod(yd, 2, yd->rank);

  struct deconv_walk c = {.spatial = ns, .in = &xd->d[2], .kernel = &wd->d[2], .p = p};
  int64_t sx = 1, sw = 1;
  for (int s = ns - 1; s >= 0; s--) {
    c.x_stride[s] = sx;
    c.w_stride[s] = sw;
    sx *= xd->d[2 + s];
    sw *= wd->d[2 + s];
  }

  for (int64_t n = 0; n < batch; n++) {
    for (int64_t m = 0; m < m_out; m++) {
      int64_t g = m / m_per_group, mg = m % m_per_group;
      float *yp = y + (n * m_out + m) * y_plane;
      for (int64_t o = 0; o < y_plane; o++) {
        int64_t pos[OPS_KMAX_SPATIAL];
        int64_t rest = o;
        for (int s = ns - 1; s >= 0; s--) {
          pos[s] = rest % yd->d[2 + s] + p->pads_begin[s];
          rest /= yd->d[2 + s];
        }
        double acc = bias != NULL ? (double)bias[m] : 0.0;
        for (int64_t ci = 0; ci < c_per_group; ci++) {
          int64_t ch = g * c_per_group + ci;
          const float *xc = x + (n * c_in + ch) * x_plane;
          const float *wc = w + (ch * m_per_group + mg) * w_plane;
          acc += gather_dot(&c, 0, pos, xc, wc);
        }
        yp[o] = (float)acc;
      }
    }
  }
  return OPS_KRESULT_OK;
}
