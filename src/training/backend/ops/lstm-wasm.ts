import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { type Grads, POINT_TWO, type Shapes } from './lstm-shapes';

// Math's functions bound once: inside jest's vm context every `Math.x` is a global lookup through
// the sandbox's interceptors, which made the hot loops below ~6x slower under test.
const fround = Math.fround;

/*
 * lstmSequence on wasm: the gate math in JS on wasm's memory, the per-step matMuls straight to
 * wasm's kernel function (no engine, no tape).
 */

/**
 * tanh as Eigen's (and TensorFlow's CPU) float kernel computes it: a [13/6] rational minimax fit on
 * [-7.9053, 7.9053], clamped outside, evaluated here in float64. Within 2.7e-7 of `Math.tanh`
 * everywhere (a few float32 ulps) at ~4 ns, where V8's `Math.tanh` (~25 ns) and `Math.exp` made
 * two thirds of the forward step.
 */
function tanh(a: number): number {
  if (a < 0.0004 && a > -0.0004) return a;
  const x = a > 7.90531110763549805 ? 7.90531110763549805 : a < -7.90531110763549805 ? -7.90531110763549805 : a;
  const x2 = x * x;
  let p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = x2 * p - 8.60467152213735e-11;
  p = x2 * p + 5.12229709037114e-8;
  p = x2 * p + 1.48572235717979e-5;
  p = x2 * p + 6.37261928875436e-4;
  p = x2 * p + 4.89352455891786e-3;
  let q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = x2 * q + 2.268434632439e-3;
  q = x2 * q + 4.89352518554385e-3;
  return (x * p) / q;
}

/** `a · b` by wasm's BatchMatMul kernel function, bypassing the engine (no tape, no tensor). */
function heapMatMul(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const kernel = tf.getKernel('BatchMatMul', 'wasm');
  const out = kernel.kernelFunc({
    inputs: { a, b },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as tf.TensorInfo;
  return { dataId: out.dataId, dtype: out.dtype, shape: [a.shape[0] as number, b.shape[1] as number] };
}

/** What the forward pass keeps for the backward pass (JS arrays, off wasm's heap). */
interface LSTMTape {
  readonly B: number;
  readonly T: number;
  readonly U: number;
  readonly reverse: boolean;
  readonly returnSequences: boolean;
  /** Activated gates i, f, g, o by processing step s: row (s * B + b) of 4U. */
  readonly gates: Float32Array;
  /** The gates' derivatives w.r.t. their pre-activations, same layout. */
  readonly slopes: Float32Array;
  /** c before step s at row (s * B + b); T + 1 rows of B. */
  readonly cells: Float32Array;
  /** tanh(c) after step s, row (s * B + b). */
  readonly tanhC: Float32Array;
  /** h before each step, batch-major rows (b * T + t) like x: the recurrent kernel's gradient input. */
  readonly hPrev: Float32Array;
  /** The op's output: [B, T, U] or [B, U]. */
  readonly outputs: Float32Array;
}

// The per-step loops are top-level functions of plain arguments: inside a function that also
// creates the gradient closure, V8 keeps the captured arrays in a context object and reloads them
// on every access (~3x slower).

/** One forward step's gate math: `xpv` the input projections, `zrv` h · R (none at step 0). */
function forwardStep(
  tape: LSTMTape,
  s: number,
  xpv: Float32Array,
  zrv: Float32Array | undefined,
  hv: Float32Array | undefined,
): void {
  const { B, T, U, reverse, returnSequences, gates, slopes, cells, tanhC, hPrev, outputs } = tape;
  const G = 4 * U;
  const t = reverse ? T - 1 - s : s;
  const next = reverse ? t - 1 : t + 1;
  const writeOut = returnSequences || s === T - 1;
  for (let b = 0; b < B; b++) {
    const xRow = (b * T + t) * G;
    const zRow = b * G;
    const gRow = (s * B + b) * G;
    const cRow = (s * B + b) * U;
    const outRow = returnSequences ? (b * T + t) * U : b * U;
    for (let u = 0; u < U; u++) {
      let zi = xpv[xRow + u] as number;
      let zf = xpv[xRow + U + u] as number;
      let zg = xpv[xRow + 2 * U + u] as number;
      let zo = xpv[xRow + 3 * U + u] as number;
      if (zrv !== undefined) {
        zi = fround(zi + (zrv[zRow + u] as number));
        zf = fround(zf + (zrv[zRow + U + u] as number));
        zg = fround(zg + (zrv[zRow + 2 * U + u] as number));
        zo = fround(zo + (zrv[zRow + 3 * U + u] as number));
      }
      const yi = fround(fround(POINT_TWO * zi) + 0.5);
      const yf = fround(fround(POINT_TWO * zf) + 0.5);
      const yo = fround(fround(POINT_TWO * zo) + 0.5);
      const i = yi < 0 ? 0 : yi > 1 ? 1 : yi;
      const f = yf < 0 ? 0 : yf > 1 ? 1 : yf;
      const o = yo < 0 ? 0 : yo > 1 ? 1 : yo;
      const g = fround(tanh(zg));
      const c = fround(fround(f * (cells[cRow + u] as number)) + fround(i * g));
      const tc = fround(tanh(c));
      const h = fround(o * tc);
      const at = gRow + u;
      gates[at] = i;
      gates[at + U] = f;
      gates[at + 2 * U] = g;
      gates[at + 3 * U] = o;
      slopes[at] = yi >= 0 && yi <= 1 ? POINT_TWO : 0;
      slopes[at + U] = yf >= 0 && yf <= 1 ? POINT_TWO : 0;
      slopes[at + 2 * U] = 1 - g * g;
      slopes[at + 3 * U] = yo >= 0 && yo <= 1 ? POINT_TWO : 0;
      cells[cRow + B * U + u] = c;
      tanhC[cRow + u] = tc;
      if (hv !== undefined) {
        hv[b * U + u] = h;
        hPrev[(b * T + next) * U + u] = h;
      }
      if (writeOut) outputs[outRow + u] = h;
    }
  }
}

/**
 * One backward step: the gate gradients dz of step s into `dz` (batch-major rows, like x), `dzv`
 * (this step's [B, 4U], for dz · Rᵀ) and `dBias`; carries dc in place. `dhv` is the previous
 * (later) step's dz · Rᵀ.
 */
function backwardStep(
  tape: LSTMTape,
  s: number,
  dyv: Float32Array,
  dhv: Float32Array | undefined,
  dzv: Float32Array | undefined,
  dc: Float32Array,
  dz: Float32Array,
  dBias: Float64Array,
): void {
  const { B, T, U, reverse, returnSequences, gates, slopes, cells, tanhC } = tape;
  const G = 4 * U;
  const t = reverse ? T - 1 - s : s;
  const fromOut = returnSequences || s === T - 1;
  for (let b = 0; b < B; b++) {
    const gRow = (s * B + b) * G;
    const cRow = (s * B + b) * U;
    const zRow = (b * T + t) * G;
    const dyRow = returnSequences ? (b * T + t) * U : b * U;
    for (let u = 0; u < U; u++) {
      let dh = fromOut ? (dyv[dyRow + u] as number) : 0;
      if (dhv !== undefined) dh += dhv[b * U + u] as number;
      const at = gRow + u;
      const tc = tanhC[cRow + u] as number;
      const dcv = (dc[b * U + u] as number) + dh * (gates[at + 3 * U] as number) * (1 - tc * tc);
      const di = dcv * (gates[at + 2 * U] as number) * (slopes[at] as number);
      const df = dcv * (cells[cRow + u] as number) * (slopes[at + U] as number);
      const dg = dcv * (gates[at] as number) * (slopes[at + 2 * U] as number);
      const dO = dh * tc * (slopes[at + 3 * U] as number);
      dc[b * U + u] = dcv * (gates[at + U] as number);
      dz[zRow + u] = di;
      dz[zRow + U + u] = df;
      dz[zRow + 2 * U + u] = dg;
      dz[zRow + 3 * U + u] = dO;
      dBias[u] = (dBias[u] as number) + di;
      dBias[U + u] = (dBias[U + u] as number) + df;
      dBias[2 * U + u] = (dBias[2 * U + u] as number) + dg;
      dBias[3 * U + u] = (dBias[3 * U + u] as number) + dO;
      if (dzv !== undefined) {
        const to = b * G + u;
        dzv[to] = di;
        dzv[to + U] = df;
        dzv[to + 2 * U] = dg;
        dzv[to + 3 * U] = dO;
      }
    }
  }
}

export function wasmLSTM(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  save: tf.GradSaveFunc,
  { batch: B, time: T, inputDim, units: U }: Shapes,
  reverse: boolean,
  returnSequences: boolean,
): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Grads } {
  const backend = tf.backend() as BackendWasm;
  const G = 4 * U;
  const tape: LSTMTape = {
    B,
    T,
    U,
    reverse,
    returnSequences,
    gates: new Float32Array(T * B * G),
    slopes: new Float32Array(T * B * G),
    cells: new Float32Array((T + 1) * B * U),
    tanhC: new Float32Array(T * B * U),
    hPrev: new Float32Array(B * T * U),
    outputs: new Float32Array(returnSequences ? B * T * U : B * U),
  };
  // Input projection of every step at once, batch-major rows (b * T + t).
  const xp = tf.add(tf.matMul(tf.reshape(x, [B * T, inputDim]), kernel), bias);
  let h: tf.TensorInfo | undefined;
  try {
    for (let s = 0; s < T; s++) {
      const zr = h === undefined ? undefined : heapMatMul(backend, h, recurrentKernel);
      const hNext = s < T - 1 ? backend.makeOutput([B, U], 'float32') : undefined;
      // Views only after every allocation: growing the heap detaches older views.
      const xpv = backend.typedArrayFromHeap(xp) as Float32Array;
      const zrv = zr === undefined ? undefined : (backend.typedArrayFromHeap(zr) as Float32Array);
      const hv = hNext === undefined ? undefined : (backend.typedArrayFromHeap(hNext) as Float32Array);
      forwardStep(tape, s, xpv, zrv, hv);
      if (zr !== undefined) backend.disposeData(zr.dataId);
      if (h !== undefined) backend.disposeData(h.dataId);
      h = hNext;
    }
  } finally {
    if (h !== undefined) backend.disposeData(h.dataId);
    xp.dispose();
  }
  save([x, kernel, recurrentKernel]);
  const value = tf.tensor(tape.outputs, returnSequences ? [B, T, U] : [B, U], 'float32');
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): Grads => {
    const [xs, k, r] = saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
    const dyv = dy.dataSync() as Float32Array;
    const dz = new Float32Array(B * T * G);
    const dc = new Float32Array(B * U);
    const dBias = new Float64Array(G); // summed here: wasm's Sum over rows transposes first
    const rT = tf.transpose(r);
    let dhRec: tf.TensorInfo | undefined;
    try {
      for (let s = T - 1; s >= 0; s--) {
        const dzStep = s > 0 ? backend.makeOutput([B, G], 'float32') : undefined;
        const dhv = dhRec === undefined ? undefined : (backend.typedArrayFromHeap(dhRec) as Float32Array);
        const dzv = dzStep === undefined ? undefined : (backend.typedArrayFromHeap(dzStep) as Float32Array);
        backwardStep(tape, s, dyv, dhv, dzv, dc, dz, dBias);
        if (dhRec !== undefined) backend.disposeData(dhRec.dataId);
        dhRec = undefined;
        if (dzStep !== undefined) {
          try {
            dhRec = heapMatMul(backend, dzStep, rT);
          } finally {
            backend.disposeData(dzStep.dataId);
          }
        }
      }
    } finally {
      if (dhRec !== undefined) backend.disposeData(dhRec.dataId);
      rT.dispose();
    }
    return tf.tidy(() => {
      const dzt = tf.tensor2d(dz, [B * T, G]);
      const dKernel = tf.matMul(tf.reshape(xs, [B * T, inputDim]), dzt, true, false) as tf.Tensor2D;
      const dRecurrent = tf.matMul(tf.tensor2d(tape.hPrev, [B * T, U]), dzt, true, false) as tf.Tensor2D;
      const dx = tf.reshape(tf.matMul(dzt, k, false, true), [B, T, inputDim]) as tf.Tensor3D;
      return [dx, dKernel, dRecurrent, tf.tensor1d(Float32Array.from(dBias))];
    });
  };
  return { value, gradFunc };
}
