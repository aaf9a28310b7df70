/*
 * tfjs-tune's training kernels for the wasm backend, in C compiled to WebAssembly with SIMD
 * (scripts/build-simd-kernels.sh; the binary is kernels-wasm.ts). The module imports tfjs's own
 * wasm memory, so every pointer here is a tensor's place in tfjs's heap: no copies in or out.
 *
 * Rules this file keeps, because the module shares a heap it does not own:
 *   - no static data (a data segment would be written over tfjs's heap at load);
 *   - no libc: loops only (clang lowers a zeroing loop to memory.fill with bulk memory);
 *   - the stack (spills, the small per-channel arrays below) lives in a block the loader
 *     allocates from tfjs's malloc and points __stack_pointer at; callers keep per-channel arrays
 *     within MAX_CHANNELS so they fit in it.
 *
 * Layouts are tfjs's: NHWC, channels innermost. Sums run in double, as the JS versions did.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* Per-channel arrays on the stack: 4 arrays of doubles at most, inside the loader's 256 KiB. */
#define MAX_CHANNELS 4096

EXPORT(max_channels) int max_channels(void) { return MAX_CHANNELS; }

/*
 * MaxPoolGrad, the cpu backend's rule: in each window the first maximum (rows, then columns)
 * takes the whole dy; a window whose values are all -inf or NaN passes nothing. Four channels at
 * a time: the running maximum and where it was are vectors; the scatter into dx is scalar, as
 * overlapping windows can send to the same place.
 */
EXPORT(max_pool_grad)
void max_pool_grad(const float *x, const float *dy, float *dx, int batch, int in_h, int in_w, int channels,
                   int out_h, int out_w, int stride_h, int stride_w, int pad_top, int pad_left, int filter_h,
                   int filter_w) {
  const int total = batch * in_h * in_w * channels;
  for (int i = 0; i < total; i++) dx[i] = 0.0f;
  const int row_stride = in_w * channels;
  const int vector_end = channels & ~3;
  const v128_t lane = wasm_i32x4_make(0, 1, 2, 3);
  for (int b = 0; b < batch; b++) {
    const int x_batch = b * in_h * row_stride;
    for (int out_r = 0; out_r < out_h; out_r++) {
      const int top = out_r * stride_h - pad_top;
      const int r0 = top > 0 ? top : 0;
      const int r1 = top + filter_h < in_h ? top + filter_h : in_h;
      for (int out_c = 0; out_c < out_w; out_c++) {
        const int left = out_c * stride_w - pad_left;
        const int c0 = left > 0 ? left : 0;
        const int c1 = left + filter_w < in_w ? left + filter_w : in_w;
        const float *dy_pixel = dy + ((b * out_h + out_r) * out_w + out_c) * channels;
        for (int d = 0; d < vector_end; d += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t at = wasm_i32x4_splat(-1);
          for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
              const int index = x_batch + r * row_stride + c * channels + d;
              const v128_t value = wasm_v128_load(x + index);
              const v128_t greater = wasm_f32x4_gt(value, best);
              best = wasm_v128_bitselect(value, best, greater);
              at = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(index), lane), at, greater);
            }
          }
          int where[4];
          wasm_v128_store(where, at);
          for (int k = 0; k < 4; k++)
            if (where[k] >= 0) dx[where[k]] += dy_pixel[d + k];
        }
        for (int d = vector_end; d < channels; d++) {
          float best = -__builtin_inff();
          int at = -1;
          for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
              const int index = x_batch + r * row_stride + c * channels + d;
              if (x[index] > best) {
                best = x[index];
                at = index;
              }
            }
          }
          if (at >= 0) dx[at] += dy_pixel[d];
        }
      }
    }
  }
}

/*
 * Batch normalisation in training over all axes but the last (`count` rows of `channels`): mean
 * and biased variance in two passes, then y = x * scale + shift. Writes y, mean and variance.
 */
EXPORT(batch_norm_forward)
void batch_norm_forward(const float *restrict x, const float *restrict gamma, const float *restrict beta,
                        float *restrict y, float *restrict mean_out, float *restrict variance_out, int count,
                        int channels, float epsilon) {
  double mean[channels], variance[channels], scale[channels], shift[channels];
  for (int c = 0; c < channels; c++) mean[c] = variance[c] = 0.0;
  for (int p = 0; p < count; p++) {
    const float *row = x + p * channels;
    for (int c = 0; c < channels; c++) mean[c] += row[c];
  }
  for (int c = 0; c < channels; c++) mean[c] /= count;
  for (int p = 0; p < count; p++) {
    const float *row = x + p * channels;
    for (int c = 0; c < channels; c++) {
      const double d = row[c] - mean[c];
      variance[c] += d * d;
    }
  }
  for (int c = 0; c < channels; c++) {
    variance[c] /= count;
    scale[c] = gamma[c] / __builtin_sqrt(variance[c] + epsilon);
    shift[c] = beta[c] - mean[c] * scale[c];
    mean_out[c] = (float)mean[c];
    variance_out[c] = (float)variance[c];
  }
  float scale32[channels], shift32[channels];
  for (int c = 0; c < channels; c++) {
    scale32[c] = (float)scale[c];
    shift32[c] = (float)shift[c];
  }
  for (int p = 0; p < count; p++) {
    const float *row = x + p * channels;
    float *out = y + p * channels;
    for (int c = 0; c < channels; c++) out[c] = row[c] * scale32[c] + shift32[c];
  }
}

/*
 * Its gradient: with x̂ = (x - mean)/σ, dβ = Σ dy, dγ = Σ dy x̂, and
 * dx = γ/σ (dy - dβ/N - x̂ dγ/N) + dmean/N + dvariance · 2 (x - mean)/N, written as
 * dx = a·dy + b·x + k per channel.
 */
EXPORT(batch_norm_backward)
void batch_norm_backward(const float *restrict x, const float *restrict dy, const float *restrict gamma,
                         const float *restrict mean, const float *restrict variance,
                         const float *restrict d_mean, const float *restrict d_variance, float *restrict dx,
                         float *restrict d_gamma, float *restrict d_beta, int count, int channels,
                         float epsilon) {
  double sum_dy[channels], sum_dy_centred[channels], centre[channels];
  for (int c = 0; c < channels; c++) {
    sum_dy[c] = sum_dy_centred[c] = 0.0;
    centre[c] = mean[c];
  }
  for (int p = 0; p < count; p++) {
    const float *row = x + p * channels;
    const float *grad = dy + p * channels;
    for (int c = 0; c < channels; c++) {
      sum_dy[c] += grad[c];
      sum_dy_centred[c] += grad[c] * (row[c] - centre[c]);
    }
  }
  float a[channels], b[channels], k[channels];
  for (int c = 0; c < channels; c++) {
    const double inv_std = 1.0 / __builtin_sqrt((double)variance[c] + epsilon);
    const double dg = sum_dy_centred[c] * inv_std;
    const double ac = gamma[c] * inv_std;
    const double bc = -ac * inv_std * dg / count + 2.0 * d_variance[c] / count;
    const double kc = -ac * sum_dy[c] / count + (double)d_mean[c] / count;
    d_gamma[c] = (float)dg;
    d_beta[c] = (float)sum_dy[c];
    a[c] = (float)ac;
    b[c] = (float)bc;
    k[c] = (float)(kc - bc * mean[c]);
  }
  for (int p = 0; p < count; p++) {
    const float *row = x + p * channels;
    const float *grad = dy + p * channels;
    float *out = dx + p * channels;
    for (int c = 0; c < channels; c++) out[c] = a[c] * grad[c] + b[c] * row[c] + k[c];
  }
}

/*
 * Conv2DBackpropFilter, NHWC, any stride, dilation and padding:
 *
 *   dW[u, v, ci, co] = sum over b, i, j of x[b, i*sh + u*dh - top, j*sw + v*dw - left, ci] * dy[b, i, j, co]
 *
 * per filter tap a product of two row sets that are contiguous in memory: x's channel rows under
 * the tap and dy's rows. A register tile of 2 input channels × 16 output channels (8 vector
 * accumulators) runs over every output pixel under the tap, so each loaded dy vector serves two
 * multiply-adds and nothing is transposed, padded or copied (the conv route this replaces did all
 * three, then a conv XNNPACK is not shaped for). Rows and columns outside x are skipped.
 */
static inline void accumulate_tile(float *restrict dw_tap, const float *restrict x, const float *restrict dy,
                                   int batch, int in_h, int in_w, int in_c, int out_h, int out_w, int out_c,
                                   int stride_h, int stride_w, int row_offset, int col_offset, int j0, int j1,
                                   int ci, int rows, int co, int lanes) {
  /* rows: 1 or 2 input channels; lanes: 16, 8 or 4 output channels (4, 2 or 1 vectors). */
  v128_t acc0[4], acc1[4];
  for (int q = 0; q < 4; q++) acc0[q] = acc1[q] = wasm_f32x4_splat(0.0f);
  const int vectors = lanes / 4;
  for (int b = 0; b < batch; b++) {
    for (int i = 0; i < out_h; i++) {
      const int row = i * stride_h + row_offset;
      if (row < 0 || row >= in_h) continue;
      const float *x_row = x + ((b * in_h + row) * in_w + col_offset) * in_c + ci;
      const float *dy_row = dy + (b * out_h + i) * out_w * out_c + co;
      for (int j = j0; j < j1; j++) {
        const float *xp = x_row + j * stride_w * in_c;
        const float *dp = dy_row + j * out_c;
        const v128_t x0 = wasm_f32x4_splat(xp[0]);
        if (rows == 2) {
          const v128_t x1 = wasm_f32x4_splat(xp[1]);
          for (int q = 0; q < vectors; q++) {
            const v128_t d = wasm_v128_load(dp + 4 * q);
            acc0[q] = wasm_f32x4_add(acc0[q], wasm_f32x4_mul(x0, d));
            acc1[q] = wasm_f32x4_add(acc1[q], wasm_f32x4_mul(x1, d));
          }
        } else {
          for (int q = 0; q < vectors; q++) {
            const v128_t d = wasm_v128_load(dp + 4 * q);
            acc0[q] = wasm_f32x4_add(acc0[q], wasm_f32x4_mul(x0, d));
          }
        }
      }
    }
  }
  for (int q = 0; q < vectors; q++) {
    wasm_v128_store(dw_tap + ci * out_c + co + 4 * q, acc0[q]);
    if (rows == 2) wasm_v128_store(dw_tap + (ci + 1) * out_c + co + 4 * q, acc1[q]);
  }
}

EXPORT(conv2d_backprop_filter)
void conv2d_backprop_filter(const float *restrict x, const float *restrict dy, float *restrict dw, int batch,
                            int in_h, int in_w, int in_c, int out_h, int out_w, int out_c, int filter_h,
                            int filter_w, int stride_h, int stride_w, int dilation_h, int dilation_w, int pad_top,
                            int pad_left) {
  const int vector_end = out_c & ~3;
  for (int u = 0; u < filter_h; u++) {
    for (int v = 0; v < filter_w; v++) {
      float *dw_tap = dw + (u * filter_w + v) * in_c * out_c;
      const int row_offset = u * dilation_h - pad_top;
      const int col_offset = v * dilation_w - pad_left;
      /* Output columns j whose input column j*sw + col_offset lies inside x. */
      int j0 = 0;
      while (j0 < out_w && j0 * stride_w + col_offset < 0) j0++;
      int j1 = out_w;
      while (j1 > j0 && (j1 - 1) * stride_w + col_offset >= in_w) j1--;
      for (int ci = 0; ci < in_c; ci += 2) {
        const int rows = ci + 1 < in_c ? 2 : 1;
        int co = 0;
        for (; co + 16 <= vector_end; co += 16)
          accumulate_tile(dw_tap, x, dy, batch, in_h, in_w, in_c, out_h, out_w, out_c, stride_h, stride_w,
                          row_offset, col_offset, j0, j1, ci, rows, co, 16);
        for (; co + 8 <= vector_end; co += 8)
          accumulate_tile(dw_tap, x, dy, batch, in_h, in_w, in_c, out_h, out_w, out_c, stride_h, stride_w,
                          row_offset, col_offset, j0, j1, ci, rows, co, 8);
        for (; co < vector_end; co += 4)
          accumulate_tile(dw_tap, x, dy, batch, in_h, in_w, in_c, out_h, out_w, out_c, stride_h, stride_w,
                          row_offset, col_offset, j0, j1, ci, rows, co, 4);
        /* Output channels past the last multiple of 4: scalar sums. */
        for (int r = 0; r < rows; r++) {
          for (int c = vector_end; c < out_c; c++) {
            float sum = 0.0f;
            for (int b = 0; b < batch; b++) {
              for (int i = 0; i < out_h; i++) {
                const int row = i * stride_h + row_offset;
                if (row < 0 || row >= in_h) continue;
                const float *x_row = x + ((b * in_h + row) * in_w + col_offset) * in_c + ci + r;
                const float *dy_row = dy + (b * out_h + i) * out_w * out_c + c;
                for (int j = j0; j < j1; j++) sum += x_row[j * stride_w * in_c] * dy_row[j * out_c];
              }
            }
            dw_tap[(ci + r) * out_c + c] = sum;
          }
        }
      }
    }
  }
}

/*
 * DepthwiseConv2dNativeBackpropFilter, NHWC, channel multiplier M, any stride, dilation, padding:
 *
 *   dF[u, v, c, m] = sum over b, i, j of x[b, i*sh + u*dh - top, j*sw + v*dw - left, c] * dy[b, i, j, c*M + m]
 *
 * With M = 1 (DARTS' and MobileNet's convs) each tap is an element-wise product of x's and dy's
 * rows summed over the pixels: 16 channels per step in 4 vector accumulators. Other multipliers
 * take a scalar loop.
 */
EXPORT(depthwise_backprop_filter)
void depthwise_backprop_filter(const float *restrict x, const float *restrict dy, float *restrict df, int batch,
                               int in_h, int in_w, int channels, int out_h, int out_w, int multiplier,
                               int filter_h, int filter_w, int stride_h, int stride_w, int dilation_h,
                               int dilation_w, int pad_top, int pad_left) {
  const int out_c = channels * multiplier;
  for (int u = 0; u < filter_h; u++) {
    for (int v = 0; v < filter_w; v++) {
      float *df_tap = df + (u * filter_w + v) * out_c;
      const int row_offset = u * dilation_h - pad_top;
      const int col_offset = v * dilation_w - pad_left;
      int j0 = 0;
      while (j0 < out_w && j0 * stride_w + col_offset < 0) j0++;
      int j1 = out_w;
      while (j1 > j0 && (j1 - 1) * stride_w + col_offset >= in_w) j1--;
      if (multiplier != 1) {
        for (int k = 0; k < out_c; k++) df_tap[k] = 0.0f;
        for (int b = 0; b < batch; b++) {
          for (int i = 0; i < out_h; i++) {
            const int row = i * stride_h + row_offset;
            if (row < 0 || row >= in_h) continue;
            for (int j = j0; j < j1; j++) {
              const float *xp = x + ((b * in_h + row) * in_w + j * stride_w + col_offset) * channels;
              const float *dp = dy + ((b * out_h + i) * out_w + j) * out_c;
              for (int c = 0; c < channels; c++)
                for (int m = 0; m < multiplier; m++) df_tap[c * multiplier + m] += xp[c] * dp[c * multiplier + m];
            }
          }
        }
        continue;
      }
      int c = 0;
      for (; c + 16 <= channels; c += 16) {
        v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < batch; b++) {
          for (int i = 0; i < out_h; i++) {
            const int row = i * stride_h + row_offset;
            if (row < 0 || row >= in_h) continue;
            const float *x_row = x + ((b * in_h + row) * in_w + col_offset) * channels + c;
            const float *dy_row = dy + (b * out_h + i) * out_w * channels + c;
            for (int j = j0; j < j1; j++) {
              const float *xp = x_row + j * stride_w * channels;
              const float *dp = dy_row + j * channels;
              a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xp), wasm_v128_load(dp)));
              a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(xp + 4), wasm_v128_load(dp + 4)));
              a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(xp + 8), wasm_v128_load(dp + 8)));
              a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(xp + 12), wasm_v128_load(dp + 12)));
            }
          }
        }
        wasm_v128_store(df_tap + c, a0);
        wasm_v128_store(df_tap + c + 4, a1);
        wasm_v128_store(df_tap + c + 8, a2);
        wasm_v128_store(df_tap + c + 12, a3);
      }
      for (; c + 4 <= channels; c += 4) {
        v128_t a = wasm_f32x4_splat(0.0f);
        for (int b = 0; b < batch; b++) {
          for (int i = 0; i < out_h; i++) {
            const int row = i * stride_h + row_offset;
            if (row < 0 || row >= in_h) continue;
            const float *x_row = x + ((b * in_h + row) * in_w + col_offset) * channels + c;
            const float *dy_row = dy + (b * out_h + i) * out_w * channels + c;
            for (int j = j0; j < j1; j++)
              a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(x_row + j * stride_w * channels),
                                                   wasm_v128_load(dy_row + j * channels)));
          }
        }
        wasm_v128_store(df_tap + c, a);
      }
      for (; c < channels; c++) {
        float sum = 0.0f;
        for (int b = 0; b < batch; b++) {
          for (int i = 0; i < out_h; i++) {
            const int row = i * stride_h + row_offset;
            if (row < 0 || row >= in_h) continue;
            const float *x_row = x + ((b * in_h + row) * in_w + col_offset) * channels + c;
            const float *dy_row = dy + (b * out_h + i) * out_w * channels + c;
            for (int j = j0; j < j1; j++) sum += x_row[j * stride_w * channels] * dy_row[j * channels];
          }
        }
        df_tap[c] = sum;
      }
    }
  }
}

/*
 * Sums of row blocks: for each of `outer` blocks of `rows` rows of `cols`, the column sums times
 * `scale`. outer 1 is a sum over every axis but the last (a bias gradient: dy over batch and
 * pixels); outer = batch with scale 1/(h·w) is global average pooling's mean over the pixels.
 * Four columns per vector; rows in runs of 64 summed in float32 and the runs in double, so a long
 * column keeps float32 accuracy without a double per element.
 */
EXPORT(sum_rows)
void sum_rows(const float *restrict x, float *restrict out, int outer, int rows, int cols, float scale) {
  double total[cols];
  const int vector_end = cols & ~3;
  for (int o = 0; o < outer; o++) {
    const float *block = x + o * rows * cols;
    for (int c = 0; c < cols; c++) total[c] = 0.0;
    for (int r0 = 0; r0 < rows; r0 += 64) {
      const int r1 = r0 + 64 < rows ? r0 + 64 : rows;
      for (int c = 0; c < vector_end; c += 4) {
        v128_t acc = wasm_f32x4_splat(0.0f);
        for (int r = r0; r < r1; r++) acc = wasm_f32x4_add(acc, wasm_v128_load(block + r * cols + c));
        total[c] += wasm_f32x4_extract_lane(acc, 0);
        total[c + 1] += wasm_f32x4_extract_lane(acc, 1);
        total[c + 2] += wasm_f32x4_extract_lane(acc, 2);
        total[c + 3] += wasm_f32x4_extract_lane(acc, 3);
      }
      for (int c = vector_end; c < cols; c++) {
        float acc = 0.0f;
        for (int r = r0; r < r1; r++) acc += block[r * cols + c];
        total[c] += acc;
      }
    }
    for (int c = 0; c < cols; c++) out[o * cols + c] = (float)(total[c] * scale);
  }
}

/*
 * A conv filter [kh, kw, in, out] turned for its input gradient: rotated 180° in its spatial axes
 * and with its channel axes swapped, [kh, kw, out, in]. (wasm's Reverse then Transpose took 4 ms
 * for a 5×5×64×128 filter.)
 */
EXPORT(flip_transpose_filter)
void flip_transpose_filter(const float *restrict src, float *restrict dst, int kh, int kw, int in_c, int out_c) {
  for (int u = 0; u < kh; u++) {
    for (int v = 0; v < kw; v++) {
      const float *from = src + (u * kw + v) * in_c * out_c;
      float *to = dst + ((kh - 1 - u) * kw + (kw - 1 - v)) * out_c * in_c;
      for (int i = 0; i < in_c; i++)
        for (int o = 0; o < out_c; o++) to[o * in_c + i] = from[i * out_c + o];
    }
  }
}

/*
 * ReLU's gradient in one pass: dy · step(x), with step(x) = 1 above 0, 0 at or below it and NaN
 * for NaN, as tfjs's mul(dy, cast(step(x))) computes in three full-size kernels.
 */
EXPORT(relu_grad)
void relu_grad(const float *restrict x, const float *restrict dy, float *restrict dx, int n) {
  for (int i = 0; i < n; i++) {
    const float v = x[i];
    const float step = v > 0.0f ? 1.0f : (v != v ? v : 0.0f);
    dx[i] = dy[i] * step;
  }
}

/* The L1L2 penalty l1 Σ|w| + l2 Σw², summed in double. */
EXPORT(l1l2_penalty)
double l1l2_penalty(const float *restrict w, int n, double l1, double l2) {
  double abs_sum = 0.0, squares = 0.0;
  for (int i = 0; i < n; i++) {
    const double v = w[i];
    abs_sum += v < 0 ? -v : v;
    squares += v * v;
  }
  return l1 * abs_sum + l2 * squares;
}

/* Its gradient times dy: (w > 0 ? a : -a) + b·w with a = dy·l1, b = 2·dy·l2 (tfjs's step(w, -1)). */
EXPORT(l1l2_grad)
void l1l2_grad(const float *restrict w, float *restrict out, int n, float a, float b) {
  for (int i = 0; i < n; i++) out[i] = (w[i] > 0.0f ? a : -a) + b * w[i];
}
