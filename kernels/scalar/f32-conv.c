/*
 * Conv, f32, with any number of spatial dims (1-D, 2-D and 3-D models use it), groups
 * (depthwise is group == C), strides, dilations, per-side pads and an optional bias.
 *
 *   Y[n, m, o...] = B[m] + sum over c < C/group, k... of
 *                   X[n, g * C/group + c, o * stride - pad_begin + k * dilation] * W[m, c, k...]
 *   where g = m / (M/group); taps that fall in the padding read 0 and are skipped.
 *
 * A fused activation (p->act, kernels/act.h) is applied to each element once it is final.
 *
 * Output dims come from Y; the binder resolved auto_pad into pads_begin/pads_end and checked
 * that the dims agree, so the kernel only walks.
 */
#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* What one window walk needs: per spatial dim, the input extent, kernel extent, dilation, and
 * the strides (in elements) of X and W along it. */
struct conv_walk {
  int spatial;
  const int64_t *in;
  const int64_t *kernel;
  const int64_t *dilations;
  int64_t x_stride[OPS_KMAX_SPATIAL];
  int64_t w_stride[OPS_KMAX_SPATIAL];
};

/* Sum of x * w over the window's taps in spatial dims s and later, with the window's first
 * tap (possibly in the padding, so possibly negative) at `start`. x and w point at the start of
 * dim s's slice. Recursing one dim at a time keeps one loop for every rank. */
static double window_dot(const struct conv_walk *c, int s, const int64_t *start, const float *x,
                         const float *w) {
  double acc = 0.0;
  int64_t k0, k1;
  ops_ktap_range(start[s], c->kernel[s], c->dilations[s], 0, c->in[s], &k0, &k1);
  for (int64_t k = k0; k < k1; k++) {
    int64_t i = start[s] + k * c->dilations[s];
    const float *xs = x + i * c->x_stride[s];
    const float *ws = w + k * c->w_stride[s];
    if (s + 1 == c->spatial) {
      acc += (double)*xs * (double)*ws;
    } else {
      acc += window_dot(c, s + 1, start, xs, ws);
    }
  }
  return acc;
}

/* The convolution itself, into y of dims yd. */
static void conv(const struct ops_kcall *call, const struct ops_kdims *yd, float *y) {
  const struct ops_conv_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *wd = &call->in_dims[1];
  const float *x = call->in[0];
  const float *w = call->in[1];
  const float *bias = call->n_in > 2 ? call->in[2] : NULL;
  /* Loops below run over output dims; with one of them 0 the others may be anything. */
  if (ops_kdims_numel(yd) == 0) return;

  int ns = p->spatial;
  int64_t batch = xd->d[0];
  int64_t c_in = xd->d[1];
  int64_t m_out = yd->d[1];
  int64_t c_per_group = wd->d[1];
  int64_t m_per_group = m_out / p->group;
  int64_t x_plane = ops_kdims_prod(xd, 2, xd->rank);
  int64_t w_plane = ops_kdims_prod(wd, 2, wd->rank);
  int64_t y_plane = ops_kdims_prod(yd, 2, yd->rank);

  struct conv_walk c = {
      .spatial = ns, .in = &xd->d[2], .kernel = &wd->d[2], .dilations = p->dilations};
  int64_t sx = 1, sw = 1;
  for (int s = ns - 1; s >= 0; s--) {
    c.x_stride[s] = sx;
    c.w_stride[s] = sw;
    sx *= xd->d[2 + s];
    sw *= wd->d[2 + s];
  }

  for (int64_t n = 0; n < batch; n++) {
    for (int64_t m = 0; m < m_out; m++) {
      int64_t g = m / m_per_group;
      float *yp = y + (n * m_out + m) * y_plane;
      for (int64_t o = 0; o < y_plane; o++) {
        /* Output position o as a multi-index, and where its window starts in X. */
        int64_t start[OPS_KMAX_SPATIAL];
        int64_t rest = o;
        for (int s = ns - 1; s >= 0; s--) {
          int64_t os = rest % yd->d[2 + s];
          rest /= yd->d[2 + s];
          start[s] = os * p->strides[s] - p->pads_begin[s];
        }
        double acc = bias != NULL ? (double)bias[m] : 0.0;
        for (int64_t ci = 0; ci < c_per_group; ci++) {
          const float *xc = x + (n * c_in + g * c_per_group + ci) * x_plane;
          const float *wc = w + (m * c_per_group + ci) * w_plane;
          acc += window_dot(&c, 0, start, xc, wc);
        }
        yp[o] = ops_kact_apply(&p->act, (float)acc);
      }
    }
  }
}

enum ops_kresult ops_f32_conv_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_conv_params *p = call->params;
  if (p->pool.spatial == 0) {
    conv(call, &call->out_dims[0], call->out[0]);
    return OPS_KRESULT_OK;
  }
  /* A fused MaxPool: the whole conv output into scratch (sized by the binder), then the pool
   * kernel over it, so the result is the unfused pair's bit for bit. */
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;
  conv(call, &p->mid, call->scratch);
  const void *in[1] = {call->scratch};
  const int dtype[1] = {call->out_dtype[0]};
  const struct ops_kcall pool = {.n_in = 1,
                                 .n_out = 1,
                                 .in = in,
                                 .in_dims = &p->mid,
                                 .in_dtype = dtype,
                                 .out = call->out,
                                 .out_dims = call->out_dims,
                                 .out_dtype = dtype,
                                 .params = &p->pool};
  return ops_f32_max_pool_kernel__scalar(&pool);
}
